"""Ingest files into a workspace: load → repair → chunk → embed → index, incrementally and atomically.

Usage:
    >>> report = ingest([Path("corpus")], store, workspace="default")
    >>> report.counts()
    {'ingested': 30, 'unchanged': 0, ...}

An unchanged file (same content hash) is skipped; a changed one replaces its chunks;
identical content under another name is recorded as a duplicate. Each document goes
live in one manifest transaction, so a run killed midway leaves nothing half-indexed
(the next run's ``Store.writing`` repairs the leftovers). One bad file never stops the
batch: it gets a status and a one-line reason in the report.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from ingest.chunking import Chunker
from ingest.lexical import tokenize
from ingest.loaders import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGES,
    SUPPORTED_SUFFIXES,
    LoadError,
    load,
    special_file_kind,
)
from ingest.manifest import DUPLICATE, NEEDS_OCR, READY, DocumentRow
from ingest.ocr import OcrMode, OcrOptions, OcrSummary, apply_ocr, engine_problem
from ingest.records import DocType, LoadedDocument
from ingest.store import Store

log = logging.getLogger(__name__)

INDEX_VERSION = 4
"""Raised whenever chunking or indexed text changes (4: decimal-numbered clauses are list items);
a document indexed by an older version is indexed again on the next ingest, unchanged or not."""
"""How documents are chunked and indexed. A document indexed by an older version counts as changed,
so the next ingest of its file re-indexes it (2: section trails, lead-ins and contextual headers;
3: Latin words kept whole by the keyword tokenizer, glossary keywords in the other language)."""

# progress(done, total, label): ``done`` counts files and may be fractional while a file embeds.
ProgressFn = Callable[[float, int, str], None]


class Outcome(StrEnum):
    """What happened to one file."""

    INGESTED = "ingested"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    NEEDS_OCR = "needs_ocr"
    FAILED = "failed"
    REMOVED = "removed"
    SKIPPED = "skipped"


@dataclass
class FileResult:
    """The outcome for one file, with the reason when it did not go in."""

    source: str
    path: str
    outcome: Outcome
    reason: str = ""
    pages: int = 0
    chunks: int = 0
    needs_ocr_pages: list[int] = field(default_factory=list)
    duplicate_of: str = ""


@dataclass
class Report:
    """Everything one ingest run did, file by file."""

    workspace: str
    results: list[FileResult] = field(default_factory=list)

    def of(self, outcome: Outcome) -> list[FileResult]:
        return [r for r in self.results if r.outcome == outcome]

    def counts(self) -> dict[str, int]:
        return {o.value: len(self.of(o)) for o in Outcome}

    @property
    def ok(self) -> bool:
        """True when no file failed (needs-OCR and skipped files are not failures)."""
        return not self.of(Outcome.FAILED)

    def to_dict(self) -> dict:
        """The JSON report of ``edunet ingest --json``."""
        out: dict = {"workspace": self.workspace, "counts": self.counts()}
        for o in Outcome:
            out[o.value] = [
                {k: v for k, v in asdict(r).items() if v not in ("", [], 0) or k in {"source", "chunks"}}
                for r in self.of(o)
            ]
        return out


@dataclass(frozen=True)
class IngestOptions:
    """Knobs of an ingest run, all with sensible defaults."""

    doc_type: DocType | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES
    chunker: Chunker = field(default_factory=Chunker)
    force: bool = False
    keywords: Callable[[str], str] | None = None
    """Extra keyword-index words for a chunk's text: the caller's translation of its terms into the
    other language (so a question in English finds a Thai passage by words). Not embedded."""
    ocr: OcrOptions | None = None
    """How scanned PDF pages are read (:mod:`ingest.ocr`); None = no OCR, flagged pages stay out."""


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[FileResult]]:
    """Expand files and folders into (path, source name) pairs.

    Files named on the command line are always tried (so an unsupported one gets a
    clear error); inside folders, hidden files, README.md and unsupported types are
    skipped and listed as such. A folder's reads stay inside it: a symbolic link that
    leads out of the folder is not followed, and FIFOs, sockets and device files are
    never opened; each is listed as skipped with the reason.
    """
    found: list[tuple[Path, str]] = []
    skipped: list[FileResult] = []
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        if given.is_dir():
            root = given.resolve()
            for path, reason in _walk(given, root):
                rel = path.relative_to(given).as_posix()
                if reason:
                    skipped.append(FileResult(rel, str(path.absolute()), Outcome.SKIPPED, reason))
                    continue
                if path.suffix.lower() not in SUPPORTED_SUFFIXES or path.name.lower() == "readme.md":
                    skipped.append(FileResult(rel, str(path.resolve()), Outcome.SKIPPED, "not a document"))
                    continue
                if path.resolve() not in seen:
                    seen.add(path.resolve())
                    found.append((path, rel))
        elif given.resolve() not in seen:
            seen.add(given.resolve())
            found.append((given, given.name))
    return found, skipped


def _walk(folder: Path, root: Path) -> Iterable[tuple[Path, str]]:
    """Every entry under ``folder`` (sorted, hidden ones left out) with a reason to skip it, or ''.

    Symbolic links are never walked into; one that resolves inside ``root`` is kept (its target
    is then read once), one that leads outside (or nowhere) is skipped with that reason.
    """
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        yield folder, f"the folder cannot be read ({exc.strerror or exc})"
        return
    for path in entries:
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root):
                yield path, f"a link to {target}, outside the folder: not followed"
                continue
            if target.is_dir():
                continue  # its files are walked where they are
        elif path.is_dir():
            yield from _walk(path, root)
            continue
        kind = special_file_kind(path)
        if kind:
            yield path, f"not a regular file ({kind}): not read"
            continue
        yield path, ""


def ingest(
    paths: Iterable[Path],
    store: Store,
    *,
    workspace: str = "default",
    options: IngestOptions | None = None,
    sync: bool = False,
    progress: ProgressFn | None = None,
) -> Report:
    """Ingest files and folders into ``workspace``; with ``sync``, forget documents gone from the folders."""
    options = options or IngestOptions()
    paths = [Path(p) for p in paths]
    files, skipped = discover(paths)
    report = Report(workspace=workspace, results=list(skipped))
    notify = progress or (lambda done, total, label: None)
    with store.writing(workspace):
        for i, (path, source) in enumerate(files):
            notify(i, len(files), source)
            report.results.append(_ingest_one(path, source, store, workspace, options, i, len(files), notify))
        notify(len(files), len(files), "done")
        if sync:
            report.results.extend(_sync(paths, {str(p.resolve()) for p, _ in files}, store, workspace))
    return report


def reindex(
    store: Store,
    *,
    workspace: str = "default",
    options: IngestOptions | None = None,
    progress: ProgressFn | None = None,
) -> Report:
    """Re-index every stored document from its file (forced), keeping its source name and type.

    Documents whose file is gone are reported as failed with that reason and left as they are.
    """
    options = options or IngestOptions()
    notify = progress or (lambda done, total, label: None)
    report = Report(workspace=workspace)
    with store.writing(workspace):
        docs = [d for d in store.manifest.documents(workspace) if d.status != DUPLICATE]
        for i, doc in enumerate(docs):
            notify(i, len(docs), doc.source)
            path = Path(doc.path)
            if not path.is_file():
                reason = "the file is gone; remove the document or upload it again"
                report.results.append(FileResult(doc.source, doc.path, Outcome.FAILED, reason))
                continue
            own = replace(options, doc_type=DocType.parse(doc.doc_type), force=True)
            report.results.append(_ingest_one(path, doc.source, store, workspace, own, i, len(docs), notify))
        notify(len(docs), len(docs), "done")
    return report


def _ingest_one(
    path: Path,
    source: str,
    store: Store,
    workspace: str,
    options: IngestOptions,
    position: int,
    total: int,
    notify: ProgressFn,
) -> FileResult:
    """Ingest one file; every failure becomes a FileResult, never an exception."""
    resolved = str(path.resolve())
    try:
        doc = load(
            path,
            source=source,
            doc_type=options.doc_type,
            max_bytes=options.max_bytes,
            max_pages=options.max_pages,
        )
    except LoadError as exc:
        return FileResult(source, resolved, Outcome.FAILED, exc.reason)
    except Exception as exc:  # a loader bug must not stop the batch
        log.exception("unexpected error loading %s", path)
        return FileResult(
            source, resolved, Outcome.FAILED, f"unexpected error: {exc.__class__.__name__}: {exc}"
        )

    meta = doc.meta
    meta.extra["index_version"] = str(INDEX_VERSION)
    ocr = options.ocr if options.ocr is not None and path.suffix.lower() == ".pdf" else None
    if ocr is not None:
        meta.extra["ocr"] = ocr.signature(engine_ready=not engine_problem(ocr))
    previous = store.manifest.document(workspace, meta.path)
    if (
        previous is not None
        and previous.content_hash == meta.content_hash
        and previous.status in {READY, NEEDS_OCR, DUPLICATE}
        and previous.doc_type == meta.doc_type
        and previous.meta.get("index_version") == str(INDEX_VERSION)
        and _ocr_settled(previous, meta.extra.get("ocr", "off"))
        and not options.force
    ):
        return FileResult(
            source,
            resolved,
            Outcome.UNCHANGED,
            pages=previous.pages,
            chunks=previous.chunks,
            needs_ocr_pages=previous.needs_ocr,
        )

    twin = store.manifest.ready_with_hash(workspace, meta.content_hash, meta.path)
    if twin is not None:
        old = store.manifest.record(
            workspace, meta, status=DUPLICATE, pages=len(doc.pages), duplicate_of=twin.source
        )
        store.vectors.delete(workspace, old)
        return FileResult(
            source,
            resolved,
            Outcome.DUPLICATE,
            f"same content as {twin.source}",
            pages=len(doc.pages),
            duplicate_of=twin.source,
        )

    summary = OcrSummary()
    if ocr is not None and ocr.mode is not OcrMode.OFF:

        def on_page(done: int, pages: int, label: str) -> None:
            notify(position + 0.5 * done / max(pages, 1), total, f"{source}: {label}")

        summary = apply_ocr(doc, path, ocr, progress=on_page)
        meta.extra.update(summary.to_meta())
        _retitle(doc)
    unreadable = doc.unreadable_pages
    chunks = options.chunker.split(doc.pages, meta.title)
    if not chunks:
        reason = _no_text_reason(doc)
        old = store.manifest.record(
            workspace,
            meta,
            status=NEEDS_OCR,
            pages=len(doc.pages),
            health=0.0,
            needs_ocr=unreadable,
            error=reason,
        )
        store.vectors.delete(workspace, old)
        return FileResult(
            source, resolved, Outcome.NEEDS_OCR, reason, pages=len(doc.pages), needs_ocr_pages=unreadable
        )

    run = secrets.token_hex(3)
    ids = [f"{meta.content_hash[:12]}-{run}-{c.index:05d}" for c in chunks]
    store.manifest.stage_chunks(workspace, meta, chunks, ids)
    metadatas = [
        {
            "workspace": workspace,
            "source": meta.source,
            "page": c.page,
            "doc_type": str(meta.doc_type),
            "language": str(meta.language),
            "section": c.section,
            "kind": c.kind,
        }
        for c in chunks
    ]
    embed_texts = [_indexed_text(c.header(meta.title), c.text) for c in chunks]
    done = [0]

    base = 0.5 if summary.pages_read else 0.0  # OCR had the first half of this file's share

    def on_batch(n: int) -> None:
        done[0] += n
        notify(position + base + (1 - base) * done[0] / len(chunks), total, source)

    store.vectors.add(workspace, ids, [c.text for c in chunks], metadatas, embed_texts, progress=on_batch)
    terms = [tokenize(_indexed_text(c.header(meta.title), c.text)) for c in chunks]
    if options.keywords is not None:
        terms = [
            t + tokenize(options.keywords(f"{c.header(meta.title)}\n{c.text}"))
            for t, c in zip(terms, chunks, strict=True)
        ]
    readable = [p.health.score for p in doc.pages if p.health is not None and p.health.readable]
    health = round(sum(readable) / len(readable), 3) if readable else None
    old = store.manifest.publish(
        workspace, meta, terms, pages=len(doc.pages), health=health, needs_ocr=unreadable
    )
    store.vectors.delete(workspace, old)
    outcome = Outcome.REPLACED if previous is not None and previous.status != DUPLICATE else Outcome.INGESTED
    reason = f"pages {_ranges(unreadable)} need OCR" if unreadable else ""
    if unreadable and summary.note:
        reason = f"pages {_ranges(unreadable)} need OCR ({summary.note})"
    elif unreadable and summary.pages_read:
        reason = f"pages {_ranges(unreadable)} are unreadable even after OCR"
    if summary.ocred:
        cached = f" ({len(summary.cached)} from the OCR cache)" if summary.cached else ""
        reason = "; ".join(x for x in (f"pages {_ranges(summary.ocred)} read by OCR{cached}", reason) if x)
    return FileResult(
        source,
        resolved,
        outcome,
        reason,
        pages=len(doc.pages),
        chunks=len(chunks),
        needs_ocr_pages=unreadable,
    )


def _sync(roots: list[Path], present: set[str], store: Store, workspace: str) -> list[FileResult]:
    """Remove documents stored under the given folders whose files are gone."""
    results = []
    dirs = [str(p.resolve()) for p in roots if p.is_dir()]
    for doc in store.manifest.documents(workspace):
        inside = any(doc.path.startswith(d.rstrip("/") + "/") for d in dirs)
        if inside and doc.path not in present:
            store.remove(workspace, doc.path)
            results.append(FileResult(doc.source, doc.path, Outcome.REMOVED, "file no longer exists"))
    return results


def _ocr_settled(previous: DocumentRow, signature: str) -> bool:
    """True when a stored document needs no new OCR run: same OCR set-up, or nothing OCR could change.

    A document stored with unreadable pages is read again when OCR is set up differently (turned on,
    Tesseract installed, other languages); ``force`` on either side always reads again.
    """
    before = previous.meta.get("ocr", "off")
    if before == signature:
        return True
    if before.startswith("force") or signature.startswith("force"):
        return False
    return not previous.needs_ocr


def _retitle(doc: LoadedDocument) -> None:
    """After OCR, a document titled by its file name takes its title page's lines, as loading would."""
    from ingest.structure import title_from_pages

    if doc.meta.title == Path(doc.meta.path).stem:
        doc.meta.title = title_from_pages(doc.pages) or doc.meta.title


def _indexed_text(header: str, text: str) -> str:
    """What is embedded and keyword-indexed for a chunk: its context header, then its text."""
    return f"{header}\n{text}" if header else text


def _no_text_reason(doc: LoadedDocument) -> str:
    reasons = {p.health.reason for p in doc.pages if p.health is not None and p.health.reason}
    detail = "; ".join(sorted(reasons)) if reasons else "no usable text layer"
    return f"needs OCR: pages {_ranges(doc.unreadable_pages) or 'all'} have no usable text ({detail})"


def _ranges(numbers: list[int]) -> str:
    """1,2,3,5 → '1–3, 5'."""
    out: list[str] = []
    for n in sorted(numbers):
        if out and out[-1].split("–")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('–')[0]}–{n}"
        else:
            out.append(str(n))
    return ", ".join(out)
