"""MOU analysis: parties, dates, duration, cooperation areas, duties and termination terms, with pages.

Usage:
    >>> from assistant.mou.analysis import analyze_file, analyze_mou
    >>> record = analyze_file(Path("../shared/testdata/pdf/en05_mou_secab_rbm_edutech_skills_placement.pdf"))
    >>> record.parties.value, record.parties.page
    (['SECAB Institute of Engineering & Technology', 'RBM Edutech India Pvt. Ltd'], 1)
    >>> record.notice_days.value, record.notice_days.page
    (30, 5)
    >>> [m.field for m in record.missing]          # not found, so not guessed
    ['signing_date', 'start_date', 'end_date', 'duration_months', 'duties']
    >>> record.to_partner_record()["provenance"]["parties"]
    {'source': 'en05_mou_secab_rbm_edutech_skills_placement.pdf', 'page': 1}

Rules come first (regular expressions for Thai and English: Buddhist-era dates, Thai month
names and digits, "between X and Y", "ระหว่าง ... กับ ...", numbered clauses, "thirty (30)
days", "30 วัน"). When a model is available (:class:`assistant.drafting.engine.Writer`), it is asked
only for the fields the rules did not find, and a value it gives is kept only when it can be
found in a page's text (ignoring case, spaces and punctuation): that page becomes its
provenance. A field found nowhere is listed in ``missing`` with the reason, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from assistant.mou.aliases import aliases
from assistant.mou.dates import add_months, months_between, parse_date, thai_digits_to_arabic
from assistant.mou.duties import find_duties
from assistant.mou.numbers import amount_pattern, parse_amount
from assistant.mou.parties import find_parties, list_parties, looks_like_mou
from assistant.mou.records import (
    FIELDS,
    MISSING_MESSAGES,
    REQUIRED_FIELDS,
    FieldValue,
    MissingField,
    MouRecord,
)
from assistant.mou.sections import HeadingClassifier, find_areas
from assistant.mou.terms import TERMINATION_WORDS, find_dates_by_role, find_duration, find_termination
from assistant.mou.text import clean, evidence, find_page, lines_of, page_list, squash

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.drafting.engine import Writer
    from assistant.settings import Settings

__all__ = [
    "FIELDS",
    "REQUIRED_FIELDS",
    "DocumentNotFound",
    "FieldValue",
    "MissingField",
    "MouRecord",
    "analyze_document",
    "analyze_file",
    "analyze_mou",
    "document_pages",
    "find_page",
    "squash",
]

LLM_CONTEXT_CHARS = 3500
"""How much of the document's text the model sees (the embedded model is small and slow)."""

# ---------------------------------------------------------------------------------------- the model


class LlmMouFields(BaseModel):
    """What the model is asked for: only plain values, copied from the text."""

    parties: list[str] | None = Field(None, description="names of the organisations that sign, as written")
    signing_date: str | None = Field(None, description="the date the MOU was signed, as written")
    start_date: str | None = Field(None, description="the date the MOU takes effect, as written")
    end_date: str | None = Field(None, description="the date the MOU ends, as written")
    areas: list[str] | None = Field(None, description="areas or activities of cooperation, as written")
    notice_days: int | None = Field(None, description="days of notice needed to terminate")


def _llm_fill(record: MouRecord, pages: Sequence[tuple[int, str]], writer: Writer) -> None:
    """Ask the model for the missing fields; keep only values found in a page's text."""
    wanted = [
        n
        for n in ("parties", "signing_date", "start_date", "end_date", "areas", "notice_days")
        if getattr(record, n) is None
    ]
    if not wanted or not writer.enabled:
        return
    context, used = [], 0
    for number, text in pages:
        chunk = f"[page {number}]\n{' '.join(text.split())}"
        if used + len(chunk) > LLM_CONTEXT_CHARS:
            chunk = chunk[: max(0, LLM_CONTEXT_CHARS - used)]
        context.append(chunk)
        used += len(chunk)
        if used >= LLM_CONTEXT_CHARS:
            break
    task = (
        "Extract these fields of the memorandum of understanding (MOU), copying text exactly as written: "
        + ", ".join(wanted)
    )
    result = writer.structured(LlmMouFields, task, "\n\n".join(context))
    if not isinstance(result, LlmMouFields):
        record.notes.append("llm: no usable structured answer")
        return
    for name in wanted:
        value = getattr(result, name)
        if value in (None, "", []):
            continue
        kept = _checked_llm_value(name, value, pages)
        if kept is None:
            record.notes.append(f"llm: dropped {name} (not found in the document text)")
        else:
            setattr(record, name, kept)
            record.notes.append(f"llm: filled {name}")


def _checked_llm_value(name: str, value: Any, pages: Sequence[tuple[int, str]]) -> FieldValue | None:
    if name in ("parties", "areas"):
        items = [str(v) for v in value if str(v).strip()]
        located = [(v, find_page(v, pages)) for v in items]
        kept = [(v, p) for v, p in located if p is not None]
        if (name == "parties" and len(kept) < 2) or not kept:
            return None
        return FieldValue(
            [clean(v) for v, _ in kept],
            kept[0][1],
            "; ".join(v for v, _ in kept)[:200],
            "llm",
            pages=list(dict.fromkeys(p for _, p in kept)),
        )
    if name == "notice_days":
        return _checked_notice(int(value), pages)
    written = str(value)
    parsed = parse_date(written)
    page = find_page(written, pages)
    if parsed is None or page is None:
        return None
    return FieldValue(parsed, page, written, "llm")


_NOTICE_AMOUNT = re.compile(
    rf"(?<![\w\d])({amount_pattern()})\s*(?:\)\s*)?(?:calendar\s+|working\s+|business\s+)?(days?|months?|วัน|เดือน)",
    re.IGNORECASE,
)


def _checked_notice(days: int, pages: Sequence[tuple[int, str]]) -> FieldValue | None:
    """A notice period the model gives, kept when a page writes that many days (or months) near a
    termination word, in digits or in words ("ninety days", "เก้าสิบวัน", "three (3) months")."""
    for number, text in pages:
        plain = thai_digits_to_arabic(text).replace("\n", " ")
        for m in _NOTICE_AMOUNT.finditer(plain):
            amount = parse_amount(m.group(1))
            if amount is None:
                continue
            written = amount * 30 if m.group(2).lower().startswith(("month", "เดือน")) else amount
            if written == days and TERMINATION_WORDS.search(plain[max(0, m.start() - 220) : m.end() + 60]):
                return FieldValue(days, number, evidence(plain, m.start(), m.end()), "llm")
    return None


# ---------------------------------------------------------------------------------------- entry points


def analyze_mou(
    pages: Sequence[Any],
    *,
    source: str = "",
    mou_id: str = "",
    title: str = "",
    language: str | None = None,
    writer: Writer | None = None,
    use_rules: bool = True,
    embedder: Any = None,
) -> MouRecord:
    """Analyse an MOU's pages (``Page`` objects, ``(number, text)`` pairs or plain page texts).

    ``embedder`` (an :class:`ingest.embeddings.Embedder`) lets section headings be matched by
    meaning; without it only the heading phrases of ``concepts.yaml`` are used.
    ``use_rules=False`` leaves every field to the model (with the same provenance check): the
    benchmark's measure of what the model alone would find.
    """
    pairs = page_list(pages)
    text = " ".join(t for _, t in pairs)
    if language is None:
        thai = sum(1 for c in text if "\u0e00" <= c <= "\u0e7f")
        latin = sum(1 for c in text if c.isascii() and c.isalpha())
        language = "th" if thai > latin else "en"
    stem = Path(source).stem if source else "mou"
    record = MouRecord(source=source, mou_id=mou_id or stem, title=title, language=language, pages=len(pairs))
    if writer is not None:
        record.backend = writer.backend
    lines = lines_of(pairs)
    if not looks_like_mou(pairs, title):
        # Not an MOU: only an explicit "between:" party list is taken; nothing else is inferred.
        record.notes.append(
            "the document does not call itself an MOU or agreement: only a party list is used"
        )
        record.parties = list_parties(lines)
        _missing(record)
        return record
    if use_rules:
        classifier = HeadingClassifier(embedder)
        record.parties = find_parties(pairs, lines)
        names = list(record.parties.value) if record.parties else []
        known = aliases(pairs, names)
        record.areas = find_areas(lines, classifier)
        record.duties = find_duties(lines, names, known, classifier)
        record.termination, record.notice_days = find_termination(pairs)
        for role, value in find_dates_by_role(pairs).items():
            setattr(record, role, value)
        record.duration_months = find_duration(pairs)

    if writer is not None and writer.enabled:
        _llm_fill(record, pairs, writer)
    _derive(record)
    _missing(record)
    return record


def _missing(record: MouRecord, unreadable_pages: Sequence[int] = ()) -> None:
    """List every field not found, each with why (a termination clause without a notice says where
    it is; with ``unreadable_pages``, that some pages could not be read)."""
    record.missing = [MissingField(n, MISSING_MESSAGES[n]) for n in FIELDS if getattr(record, n) is None]
    if record.termination is not None and record.notice_days is None:
        for m in record.missing:
            if m.field == "notice_days":
                page = record.termination.page
                m.message = f"a termination clause is on page {page} but it states no notice period"
    if unreadable_pages:
        for m in record.missing:
            m.message += " (some pages could not be read: see notes)"


def _derive(record: MouRecord) -> None:
    """End date from start + duration, or duration from start and end (marked ``derived``).

    A derived value that stands on a value only the model found says so in its evidence (its
    method stays ``derived``: it was computed, not read, and not checked against the text itself).
    """
    start = record.start_date or record.signing_date
    if record.end_date is None and start and record.duration_months:
        months = int(record.duration_months.value)
        record.end_date = FieldValue(
            add_months(start.value, months),
            record.duration_months.page,
            f"{start.evidence_text} + {months} months" + _from_model(start, record.duration_months),
            "derived",
        )
    elif record.duration_months is None and start and record.end_date:
        months = months_between(start.value, record.end_date.value)
        if months > 0:
            record.duration_months = FieldValue(
                months,
                record.end_date.page,
                f"{start.value.isoformat()} → {record.end_date.value.isoformat()}"
                + _from_model(start, record.end_date),
                "derived",
            )


def _from_model(*inputs: FieldValue) -> str:
    """ " (from values found by the model: …)" when any input was found only by the model, else ""."""
    names = [
        f"{v.value.isoformat() if hasattr(v.value, 'isoformat') else v.value}"
        for v in inputs
        if v.method == "llm"
    ]
    return f" (from a value found only by the model: {', '.join(names)})" if names else ""


def analyze_file(
    path: Path,
    *,
    writer: Writer | None = None,
    source: str | None = None,
    use_rules: bool = True,
    settings: Settings | None = None,
    embedder: Any = None,
) -> MouRecord:
    """Load a file the way ingestion does (pages, Thai repair, OCR of scanned pages) and analyse it.

    OCR follows the settings (``EDUNET_OCR``: pages whose text layer is missing or garbage are
    read by Tesseract, cached); the e5 model of the settings matches headings by meaning when it
    is built (``embedder`` overrides it). Raises ``ingest.loaders.LoadError`` (one-line reason)
    for files that cannot be read.
    """
    from assistant.settings import get_settings
    from ingest.loaders import load

    s = settings or get_settings()
    path = Path(path)
    doc = load(path, source=source)
    notes: list[str] = []
    if path.suffix.lower() == ".pdf":
        from assistant.retrieval.runtime import ocr_options
        from ingest.ocr import apply_ocr

        summary = apply_ocr(doc, path, ocr_options(s))
        if summary.ocred:
            notes.append(f"pages read by OCR: {', '.join(map(str, summary.ocred))}")
        if summary.note:
            notes.append(f"OCR could not run: {summary.note}")
    record = analyze_mou(
        doc.pages,
        source=doc.meta.source,
        mou_id=doc.meta.extra.get("id", ""),
        title=doc.meta.title,
        language=str(doc.meta.language),
        writer=writer,
        use_rules=use_rules,
        embedder=embedder if embedder is not None else heading_embedder(s),
    )
    record.notes[:0] = notes
    unreadable = doc.unreadable_pages
    if unreadable:
        pages_text = ", ".join(map(str, unreadable))
        record.notes.append(f"pages without a usable text layer (need OCR): {pages_text}")
        _missing(record, unreadable)
    return record


def heading_embedder(settings: Settings) -> Any:
    """The settings' e5 embedder (loaded on first use) when its folder is built, else None."""
    from assistant.retrieval.runtime import get_embedder
    from ingest.embeddings import ModelNotBuiltError

    try:
        return get_embedder(settings)
    except ModelNotBuiltError:
        return None


class DocumentNotFound(LookupError):
    """No ingested document has this name in the workspace."""


def document_pages(settings: Settings, workspace: str, name: str) -> tuple[Any, list[tuple[int, str]]]:
    """An ingested document's row and its pages (number, text).

    The pages are re-read from the stored file when it is still there and unchanged (exactly
    what was indexed); otherwise they are stitched back together from the document's live
    chunks in the manifest (chunks carry their page and character span).
    """
    import hashlib

    from ingest.loaders import load
    from ingest.manifest import Manifest

    manifest = Manifest(settings.manifest_path)
    try:
        rows = manifest.find(workspace, name)
        if not rows:
            rows = [d for d in manifest.documents(workspace) if Path(d.path).name == name or d.source == name]
        if not rows:
            known = ", ".join(d.source for d in manifest.documents(workspace)[:20]) or "none"
            raise DocumentNotFound(f"no document {name!r} in workspace {workspace!r} (documents: {known})")
        row = rows[0]
        path = Path(row.path)
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == row.content_hash:
            doc = load(path, source=row.source)
            return row, [(p.number, p.text) for p in doc.pages]
        # The file moved or changed: rebuild pages from the indexed chunks (the manifest's public reader).
        chunks = sorted(
            ((hit.page, hit.start, hit.end, hit.text) for hit in manifest.document_chunks(row.id)),
            key=lambda chunk: (chunk[0], chunk[1]),
        )
        return row, _stitch(chunks)
    finally:
        manifest.close()


def _stitch(chunks: Iterable[Any]) -> list[tuple[int, str]]:
    """Pages rebuilt from overlapping chunks (page, start, end, text) ordered by page and start."""
    pages: dict[int, str] = {}
    cursor: dict[int, int] = {}
    for page, start, end, text in chunks:
        so_far = cursor.get(page, 0)
        if end <= so_far:
            continue
        skip = max(0, so_far - start)
        piece = text[skip:] if len(text) == end - start else text
        pages[page] = pages.get(page, "") + ("" if skip or not pages.get(page) else "\n") + piece
        cursor[page] = end
    return sorted(pages.items())


def analyze_document(
    settings: Settings,
    workspace: str,
    name: str,
    *,
    writer: Writer | None = None,
    principal: Principal,
) -> MouRecord:
    """Analyse an ingested document, named by its source name, path or title.

    WorkspaceAccessError is raised before the index is read unless ``principal`` may use
    ``workspace`` (the CLI passes :data:`assistant.access.workspaces.SYSTEM`).
    """
    from assistant.access.workspaces import require_access

    require_access(principal, workspace, settings=settings)
    row, pages = document_pages(settings, workspace, name)
    return analyze_mou(
        pages,
        source=row.source,
        mou_id=str(row.meta.get("id") or ""),
        title=row.title,
        language=row.language if row.language in ("th", "en") else None,
        writer=writer,
        embedder=heading_embedder(settings),
    )
