"""The section-by-section draft engine shared by plans, MOUs, portfolio guides and workshop agendas.

A tool describes its document as a list of :class:`SectionSpec`; each spec's ``build``
function fills one section from structured knowledge and from retrieval, and may ask the
model for a short paragraph. The skeleton never depends on the model: with backend
``none`` (or a failing model) every section is still complete.

Usage:
    >>> ctx = draft_context(settings, workspace="default", language="th", principal=SYSTEM)
    >>> def vision(ctx: DraftContext) -> list[Block]:
    ...     cites = ctx.sources.find("วิสัยทัศน์ร่วมของเครือข่าย")          # retrieved chunks → [1], [2]
    ...     blocks = [Block.paragraph("เครือข่ายมีวิสัยทัศน์ร่วม" + ctx.sources.marker(cites))]
    ...     prose = ctx.writer.paragraph("อธิบายวิสัยทัศน์", facts=["..."], sources=ctx.sources, numbers=cites)
    ...     return blocks + ([Block.paragraph(prose, generated=True)] if prose else [])
    >>> specs = [SectionSpec("vision", "วิสัยทัศน์", vision)]
    >>> for event in stream_draft("plan", "แผนเครือข่าย", specs, ctx):   # one SECTION event per section
    ...     ...                                                          # then FINAL with the Draft

Citations are the trust contract: :class:`Sources` numbers only chunks the retriever
returned (after the same relevance gate as answers), and :meth:`Draft.problems` checks
that every ``[n]`` in the text names one of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import grounding as g
from assistant.datafiles import load_mapping
from assistant.drafting.notes import DraftNote
from assistant.llm.privacy import screened
from assistant.records import Citation
from ingest.records import parse_choice

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from pydantic import BaseModel

    from assistant.access.workspaces import Principal
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.settings import Settings
    from ingest.manifest import Filters

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
LANGUAGES = ("th", "en")
PROSE_MAX_CHARS = 900
"""A generated paragraph longer than this is cut at a sentence end: prose is a garnish, not the meal."""


def check_language(language: str) -> str:
    """``"th"`` or ``"en"``; anything else is a clear error."""
    code = (language or "").strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return code


# ---------------------------------------------------------------------------------------- records


class DraftKind(StrEnum):
    """Which tool wrote a draft; the value is what saved drafts and ``--json`` output store."""

    PLAN = "plan"
    MOU = "mou"
    PORTFOLIO = "portfolio"
    WORKSHOP = "workshop"
    HEALTH = "health"  # the network health check's report (assistant.assess)
    FAQ = "faq"  # a workshop session's questions and answers (assistant.sessions)

    @classmethod
    def parse(cls, value: str | DraftKind) -> DraftKind:
        """A kind from a saved draft or user input, or ValueError naming the kinds."""
        return parse_choice(cls, value, "draft kind")


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    BULLETS = "bullets"
    TABLE = "table"
    NOTE = "note"


@dataclass
class Block:
    """One piece of a section: a paragraph, a bullet list, a table or a note.

    ``generated`` marks text written by the language model (exports label it), so a
    reader can tell the deterministic skeleton from model prose.
    """

    kind: BlockKind
    text: str = ""
    items: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    generated: bool = False

    @classmethod
    def paragraph(cls, text: str, *, generated: bool = False) -> Block:
        return cls(BlockKind.PARAGRAPH, text=text, generated=generated)

    @classmethod
    def bullets(cls, items: Iterable[str]) -> Block:
        return cls(BlockKind.BULLETS, items=[str(i) for i in items])

    @classmethod
    def table(cls, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Block:
        header = [str(h) for h in header]
        body = [[str(cell) for cell in row] for row in rows]
        for i, row in enumerate(body):
            if len(row) != len(header):
                raise ValueError(f"table row {i + 1} has {len(row)} cells, the header has {len(header)}")
        return cls(BlockKind.TABLE, header=header, rows=body)

    @classmethod
    def note(cls, text: str) -> Block:
        return cls(BlockKind.NOTE, text=text)

    def texts(self) -> Iterator[str]:
        """Every string of the block (for citation checks and search)."""
        if self.text:
            yield self.text
        yield from self.items
        yield from self.header
        for row in self.rows:
            yield from row


@dataclass
class Section:
    """A titled part of a draft."""

    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def texts(self) -> Iterator[str]:
        yield self.title
        for block in self.blocks:
            yield from block.texts()


@dataclass
class Draft:
    """A finished document: sections with inline ``[n]`` markers, and the citations they use.

    ``kind`` names the tool (a :class:`DraftKind`; a string is parsed); ``fields`` is a short
    summary of the inputs shown under the title; ``data`` is the tool's structured record
    (what ``--json`` prints besides the text).
    """

    kind: DraftKind
    title: str
    language: str
    sections: list[Section]
    citations: list[Citation]
    backend: str = "none"
    subtitle: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    created: str = field(default_factory=lambda: date.today().isoformat())

    def __post_init__(self) -> None:
        self.kind = DraftKind.parse(self.kind)

    def section(self, section_id: str) -> Section:
        """The section with this id (KeyError naming the ids otherwise)."""
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(f"no section {section_id!r}; sections: {', '.join(s.id for s in self.sections)}")

    def texts(self) -> Iterator[str]:
        yield self.title
        yield from self.fields.values()
        for s in self.sections:
            yield from s.texts()

    def markers(self) -> set[int]:
        """Every citation number used in the text."""
        return {n for text in self.texts() for n in g.parse_markers(text)}

    def problems(self) -> list[str]:
        """Broken trust: markers without a citation, citations without a chunk. Empty when sound."""
        known = {c.n: c for c in self.citations}
        found = [f"marker [{n}] names no citation" for n in sorted(self.markers() - set(known))]
        found += [f"citation [{c.n}] has no chunk id" for c in self.citations if not c.chunk_id]
        return found

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape: structured data, the sections and the citations."""
        return {
            "kind": self.kind,
            "title": self.title,
            "subtitle": self.subtitle,
            "language": self.language,
            "backend": self.backend,
            "created": self.created,
            "fields": self.fields,
            "data": self.data,
            "sections": [asdict(s) for s in self.sections],
            "citations": [
                {
                    "n": c.n,
                    "source": c.source,
                    "page": c.page,
                    "title": c.title,
                    "section": c.section,
                    "text": c.text,
                    "chunk_id": c.chunk_id,
                    "score": c.score,
                }
                for c in self.citations
            ],
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Draft:
        """The draft back from :meth:`to_json` (a saved draft reopened, exported again)."""
        sections = [
            Section(
                s["id"],
                s["title"],
                [
                    Block(
                        BlockKind(b["kind"]),
                        text=b.get("text", ""),
                        items=list(b.get("items", [])),
                        header=list(b.get("header", [])),
                        rows=[list(r) for r in b.get("rows", [])],
                        generated=bool(b.get("generated", False)),
                    )
                    for b in s.get("blocks", [])
                ],
            )
            for s in data.get("sections", [])
        ]
        citations = [
            Citation(
                n=int(c["n"]),
                source=c["source"],
                page=int(c["page"]),
                text=c["text"],
                chunk_id=c.get("chunk_id", ""),
                title=c.get("title", ""),
                section=c.get("section", ""),
                score=float(c.get("score", 0.0)),
            )
            for c in data.get("citations", [])
        ]
        return cls(
            kind=data["kind"],
            title=data["title"],
            language=data["language"],
            sections=sections,
            citations=citations,
            backend=data.get("backend", "none"),
            subtitle=data.get("subtitle", ""),
            fields=dict(data.get("fields", {})),
            data=dict(data.get("data", {})),
            notes=list(data.get("notes", [])),
            created=data.get("created") or date.today().isoformat(),
        )


# ---------------------------------------------------------------------------------------- sources


class Sources:
    """The citations of one draft. Every number names a chunk the retriever returned.

    ``find`` runs the same hybrid retrieval and relevance gate as answers (so an
    unrelated workspace gives no citations rather than wrong ones) and numbers the hits
    in order of first use; the same chunk keeps its number.
    """

    def __init__(self, retriever: HybridRetriever | None, *, k: int = 2) -> None:
        self.retriever = retriever
        self.k = k
        self._by_chunk: dict[str, int] = {}
        self._citations: list[Citation] = []

    def find(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[int]:
        """Retrieve for ``query`` and return the citation numbers of the relevant hits (maybe none)."""
        if self.retriever is None or not (query or "").strip():
            return []
        from assistant.ask import Answerer

        retriever = self.retriever
        if filters is not None:
            retriever = retriever.model_copy(update={"filters": filters})
        answerer = Answerer(retriever, None, k=max(k or self.k, 1))
        relevant = answerer.select(answerer.retrieve(query), query)[: k or self.k]
        return [self._register(s.hit, s.cosine) for s in relevant]

    def _register(self, hit: Any, cosine: float | None) -> int:
        n = self._by_chunk.get(hit.chunk_id)
        if n is None:
            n = len(self._citations) + 1
            self._by_chunk[hit.chunk_id] = n
            self._citations.append(
                Citation(
                    n=n,
                    source=hit.source,
                    page=hit.page,
                    text=hit.text,
                    chunk_id=hit.chunk_id,
                    title=hit.title,
                    section=hit.section,
                    score=round(cosine if cosine is not None else hit.score, 4),
                )
            )
        return n

    @property
    def citations(self) -> list[Citation]:
        return list(self._citations)

    def get(self, n: int) -> Citation:
        return self._citations[n - 1]

    def passages(self, numbers: Iterable[int]) -> dict[int, str]:
        """Number → chunk text, for checking prose against what was retrieved."""
        return {n: self._citations[n - 1].text for n in numbers if 1 <= n <= len(self._citations)}

    @staticmethod
    def marker(numbers: Sequence[int]) -> str:
        """The inline marker for these numbers (``" [1, 3]"``), or ``""`` for none."""
        unique = list(dict.fromkeys(numbers))
        return f" [{', '.join(str(n) for n in unique)}]" if unique else ""


# ---------------------------------------------------------------------------------------- writer


@dataclass(frozen=True)
class DraftPrompts:
    """Prompt texts and export labels of one language, from ``prompts/draft.<language>.yaml``."""

    language: str
    system: str
    paragraph_template: str
    structured_template: str
    fence_open: str
    fence_close: str
    passage_template: str
    labels: dict[str, str]

    def label(self, key: str, **values: Any) -> str:
        """An export label (``sources``, ``page``, ``generated``...), with placeholders filled."""
        try:
            text = self.labels[key]
        except KeyError:
            raise KeyError(f"no label {key!r} in prompts/draft.{self.language}.yaml") from None
        return text.format(**values) if values else text


@cache
def load_draft_prompts(language: str, directory: Path = PROMPTS_DIR) -> DraftPrompts:
    """The drafting prompts for ``language``; a clear error naming a missing file or key."""
    language = check_language(language)
    path = directory / f"draft.{language}.yaml"
    if not path.is_file():
        raise ValueError(f"no drafting prompt file for {language!r}: {path}")
    data: dict[str, Any] = load_mapping(path)
    names = [n for n in DraftPrompts.__dataclass_fields__ if n != "language"]
    missing = [n for n in names if n not in data]
    if missing:
        raise ValueError(f"{path} lacks the keys: {', '.join(missing)}")
    values = {n: data[n] if n == "labels" else str(data[n]) for n in names}
    return DraftPrompts(language=language, **values)


class Writer:
    """Short, checked model prose inside a section; ``None`` whenever the model is off or fails.

    A paragraph is kept only when it is in the right language, free of loops, CJK
    leakage and prompt leaks, and at least one of its sentences is supported by the
    passages it may cite; unsupported sentences are dropped, and markers are checked
    against the draft's numbering.
    """

    def __init__(
        self, llm: BaseChatModel | None, backend: str, language: str, across: g.Across | None = None
    ) -> None:
        self.llm = screened(llm)  # every prompt passes the privacy screen first
        self.across = across  # checks a sentence against a passage in the other script (the e5 model)
        self.backend = backend if llm is not None else "none"
        self.language = check_language(language)
        self.prompts = load_draft_prompts(self.language)
        self.notes: list[str] = []

    @property
    def enabled(self) -> bool:
        return self.llm is not None

    def paragraph(
        self,
        task: str,
        facts: Sequence[str],
        sources: Sources,
        numbers: Sequence[int] = (),
        *,
        max_chars: int = PROSE_MAX_CHARS,
    ) -> str | None:
        """A 2–4 sentence paragraph for ``task`` from ``facts`` and the cited passages, or None."""
        if self.llm is None:
            return None
        from langchain_core.messages import HumanMessage, SystemMessage

        passages = sources.passages(numbers)
        prompt = self.prompts.paragraph_template.format(
            task=task,
            facts="\n".join(f"- {f}" for f in facts) or "-",
            passages=self._fenced(sources, passages),
        )
        try:
            reply = self.llm.invoke([SystemMessage(self.prompts.system), HumanMessage(prompt)])
        except Exception as exc:  # a model failure never breaks a draft
            self.notes.append(DraftNote.PROSE_FAILED.of(type(exc).__name__))
            return None
        return self._checked(_message_text(reply), passages, max_chars)

    def structured(self, schema: type[BaseModel], task: str, context: str) -> BaseModel | None:
        """Fill ``schema`` from ``context`` with schema-constrained output, or None when that fails."""
        if self.llm is None:
            return None
        from langchain_core.messages import HumanMessage, SystemMessage
        from pydantic import ValidationError

        prompt = self.prompts.structured_template.format(
            task=task,
            schema=json.dumps(schema.model_json_schema(), ensure_ascii=False),
            context=context,
        )
        messages = [SystemMessage(self.prompts.system), HumanMessage(prompt)]
        try:
            bound = self.llm.with_structured_output(schema, method="json_schema")
            result = bound.invoke(messages)
            return result if isinstance(result, schema) else schema.model_validate(result)
        except Exception:  # servers without json_schema support: plain reply, parsed
            pass
        try:
            text = _message_text(self.llm.invoke(messages))
            match = re.search(r"\{.*\}", text, re.S)
            return schema.model_validate_json(match.group(0)) if match else None
        except (ValidationError, ValueError, Exception) as exc:
            self.notes.append(DraftNote.STRUCTURED_FAILED.of(type(exc).__name__))
            return None

    def _fenced(self, sources: Sources, passages: Mapping[int, str]) -> str:
        p = self.prompts
        fences = [p.fence_open, p.fence_close, "<<<", ">>>"]
        lines = [
            p.passage_template.format(
                n=n,
                source=sources.get(n).source,
                page=sources.get(n).page,
                text=g.sanitize_passage(t, fences),
            )
            for n, t in passages.items()
        ]
        return f"{p.fence_open}\n" + "\n".join(lines) + f"\n{p.fence_close}" if lines else "-"

    def _checked(self, text: str, passages: Mapping[int, str], max_chars: int) -> str | None:
        from assistant.ask import leaks_prompt

        text = g.move_leading_markers(text.strip())
        problems = []
        if not text:
            problems.append("empty")
        elif g.language_mismatch(text, self.language):
            problems.append("wrong-language")
        elif g.cjk_leak(text):
            problems.append("cjk")
        elif g.has_repetition(text):
            problems.append("repetition")
        elif leaks_prompt(text, self.prompts.system):
            problems.append("prompt-leak")
        if problems:
            self.notes.append(DraftNote.PROSE_DROPPED.of(problems[0]))
            return None
        if passages:
            check = g.verify_citations(text, passages, cite_uncited=True, across=self.across)
            if not check.grounded:
                self.notes.append(DraftNote.PROSE_DROPPED.of("unsupported"))
                return None
            text = check.text
            for sentence in check.unsupported:
                text = text.replace(sentence, "").strip()
        else:  # nothing to check against: keep no invented citations
            text = g.strip_markers(text)
        text = _cut(" ".join(text.split()), max_chars)
        return text or None


def _cut(text: str, limit: int) -> str:
    """``text`` cut at the last sentence end before ``limit`` characters."""
    if len(text) <= limit:
        return text
    spans = [end for _, end in g.sentence_spans(text) if end <= limit]
    return text[: spans[-1]].strip() if spans else text[:limit].rsplit(" ", 1)[0]


def _message_text(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)
    return str(content or "")


# ---------------------------------------------------------------------------------------- engine


@dataclass
class DraftContext:
    """What a section builder gets: the language, the draft's sources and the prose writer."""

    language: str
    sources: Sources
    writer: Writer
    notes: list[str] = field(default_factory=list)

    def t(self, th: str, en: str) -> str:
        """Pick the text of the draft's language."""
        return th if self.language == "th" else en


@dataclass(frozen=True)
class SectionSpec:
    """One section of a template: its id, its title and the function that fills it."""

    id: str
    title: str
    build: Callable[[DraftContext], list[Block]]


class DraftEventKind(StrEnum):
    SECTION = "section"  # one finished section (sent as soon as it is ready)
    FINAL = "final"  # the whole draft


@dataclass
class DraftEvent:
    """One step of a streamed draft: a section (``done`` of ``total``), then the final draft."""

    kind: DraftEventKind
    done: int
    total: int
    section: Section | None = None
    draft: Draft | None = None


def stream_draft(
    kind: DraftKind | str,
    title: str,
    specs: Sequence[SectionSpec],
    ctx: DraftContext,
    *,
    subtitle: str = "",
    fields: Mapping[str, str] | None = None,
    data: Mapping[str, Any] | None = None,
) -> Iterator[DraftEvent]:
    """Fill the sections one by one (a SECTION event each), then yield the FINAL draft."""
    sections: list[Section] = []
    total = len(specs)
    for i, spec in enumerate(specs, start=1):
        section = Section(spec.id, spec.title, spec.build(ctx))
        sections.append(section)
        yield DraftEvent(DraftEventKind.SECTION, i, total, section=section)
    draft = Draft(
        kind=kind,
        title=title,
        language=ctx.language,
        sections=sections,
        citations=ctx.sources.citations,
        backend=ctx.writer.backend,
        subtitle=subtitle,
        fields=dict(fields or {}),
        data=dict(data or {}),
        notes=[*ctx.notes, *ctx.writer.notes],
    )
    yield DraftEvent(DraftEventKind.FINAL, total, total, draft=draft)


def build_draft(*args: Any, **kwargs: Any) -> Draft:
    """:func:`stream_draft` run to the end: the finished draft."""
    final = None
    for event in stream_draft(*args, **kwargs):
        final = event.draft or final
    assert final is not None
    return final


def draft_context(
    settings: Settings,
    workspace: str,
    language: str,
    *,
    backend: str | None = None,
    retriever: HybridRetriever | None = None,
    llm: BaseChatModel | bool | None = True,
    k: int = 2,
    principal: Principal,
) -> DraftContext:
    """A context over ``workspace``'s index with the configured (or named) model backend.

    ``llm=False`` forces no model (the skeleton only); ``retriever`` overrides the index
    (tests); ``backend`` names a backend other than the settings' one. WorkspaceAccessError
    is raised before the index is touched unless ``principal`` may use ``workspace``; for a
    web caller the retriever is built by :func:`assistant.access.workspaces.scoped_retriever`, for the
    local operator (:data:`assistant.access.workspaces.SYSTEM`) a plain one as the CLI always had.
    """
    from assistant.access.workspaces import require_access, scoped_retriever
    from assistant.ask.answerer import sentence_similarity
    from assistant.ask.support import cross_support
    from assistant.llm.backends import get_chat_model
    from assistant.retrieval.hybrid import HybridRetriever

    language = check_language(language)
    require_access(principal, workspace, settings=settings)
    if retriever is None and not principal.is_system:
        retriever = scoped_retriever(principal, workspace, settings=settings, k=max(k, 5))
    if retriever is None:
        from assistant.retrieval.runtime import get_store

        retriever = HybridRetriever(store=get_store(settings), workspace=workspace, k=max(k, 5))
    notes: list[str] = []
    if llm is True:
        model, status = get_chat_model(settings, backend)
        name = status.backend
        if not status.ok:
            notes.append(DraftNote.LLM.of(status.message))
    elif llm is False or llm is None:
        model, name = None, "none"
    else:
        model, name = llm, backend or "custom"
    across = cross_support(sentence_similarity(retriever)) if model is not None else None
    return DraftContext(language, Sources(retriever, k=k), Writer(model, name, language, across), notes)
