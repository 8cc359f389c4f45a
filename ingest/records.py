"""The records that flow through ingestion: files → pages → chunks → index.

Every stage takes and returns these plain dataclasses, so each stage can be
used, tested and replaced on its own.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TypeVar

WORKSPACE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")


def check_workspace(name: str) -> str:
    """Validate a workspace name: lower-case letters, digits, '-' and '_', up to 48 characters."""
    if not WORKSPACE_NAME.match(name or ""):
        raise ValueError(
            f"invalid workspace name {name!r}: use lower-case letters, digits, '-' or '_' (1–48 characters)"
        )
    return name


E = TypeVar("E", bound=StrEnum)


def parse_choice(enum: type[E], value: str | E, what: str) -> E:
    """Turn user input into a member of ``enum`` (case-insensitive), or fail naming the allowed values."""
    if isinstance(value, enum):
        return value
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ValueError(f"unknown {what} {value!r}; use one of: {allowed}") from None


class DocType(StrEnum):
    """What kind of document a file is; it drives filters and tool behaviour."""

    POLICY = "policy"
    MOU = "mou"
    FRAMEWORK = "framework"
    PARTNER = "partner"
    GUIDE = "guide"
    OTHER = "other"

    @classmethod
    def parse(cls, value: str | DocType | None) -> DocType:
        """Turn user input into a DocType, or fail naming the allowed values."""
        if value is None or value == "":
            return cls.OTHER
        return parse_choice(cls, value, "document type")


class Language(StrEnum):
    """The main script of a text: Thai, English or a mix of both."""

    TH = "th"
    EN = "en"
    MIXED = "mixed"

    @classmethod
    def parse(cls, value: str | Language) -> Language:
        """Turn user input into a Language, or fail naming the allowed values."""
        return parse_choice(cls, value, "language")


@dataclass(frozen=True)
class Health:
    """How trustworthy a page's extracted text is.

    ``score`` is 0..1 (1 = clean). ``readable`` is False for pages that must not be
    indexed as text (empty, image-only, or a Latin OCR layer over a Thai scan).
    """

    score: float
    readable: bool
    chars: int
    pua_ratio: float = 0.0
    orphan_mark_ratio: float = 0.0
    thai_word_share: float = 1.0
    thai_ratio: float = 0.0
    reason: str = ""


@dataclass
class DocumentMeta:
    """What is known about a source file before it is chunked."""

    source: str  # display name, e.g. "framework/components.th.md"
    path: str  # absolute path of the file when it was ingested
    title: str
    doc_type: DocType
    language: Language
    content_hash: str  # sha256 of the file's bytes
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Page:
    """One page of clean text. Formats without pages (Markdown, TXT, HTML) have one page."""

    number: int  # 1-based
    text: str
    health: Health | None = None


@dataclass
class LoadedDocument:
    """A file after loading and Thai repair: its metadata and its pages."""

    meta: DocumentMeta
    pages: list[Page]

    @property
    def unreadable_pages(self) -> list[int]:
        """Page numbers that need OCR (no usable text layer)."""
        return [p.number for p in self.pages if p.health is not None and not p.health.readable]


@dataclass
class Chunk:
    """A passage of one page, the unit that is embedded, indexed and cited."""

    text: str
    page: int
    start: int  # character span on the page's clean text
    end: int
    index: int  # position of the chunk in its document
    section: str = ""  # nearest heading, when the format has headings
    trail: tuple[str, ...] = ()  # the headings it falls under, outermost first
    lead: str = ""  # the lead-in of a list or table the chunk continues
    kind: str = "body"  # body, contents (table of contents) or cover

    def to_dict(self) -> dict:
        return asdict(self)

    def header(self, title: str = "") -> str:
        """The chunk's context header: document title › headings, then the carried lead-in.

        It is embedded and keyword-indexed with the chunk (contextual chunk headers), so a
        chunk of list items is found by the words of the heading that announced them.
        """
        return context_header(title, self.trail, self.lead)


def context_header(title: str, trail: tuple[str, ...] | list[str], lead: str = "") -> str:
    """``title › heading › sub-heading`` and, on a second line, the lead-in (parts left out when empty)."""
    parts = [title.strip()] if title.strip() else []
    for heading in trail:
        if heading.strip() and heading.strip() not in parts:
            parts.append(heading.strip())
    head = " › ".join(parts)
    return "\n".join(x for x in (head, lead.strip()) if x)


@dataclass
class Hit:
    """A retrieved chunk with where it came from and how well it matched."""

    chunk_id: str
    text: str
    source: str
    page: int
    score: float
    workspace: str
    title: str = ""
    section: str = ""
    doc_type: str = ""
    language: str = ""
    start: int = 0
    end: int = 0
    ranks: dict[str, int] = field(default_factory=dict)  # rank of the hit in each retriever, 1-based
    trail: tuple[str, ...] = ()  # headings the chunk falls under, outermost first
    lead: str = ""  # lead-in of the list or table the chunk continues
    kind: str = "body"  # body, contents or cover
    chunk_language: str = ""  # th, en or mixed: the chunk's own script (a document may mix)
    index: int = 0  # the chunk's position in its document
    doc_id: int = 0  # the document's row in the manifest
    dense_score: float | None = (
        None  # the best dense cosine of the chunk to the query, when it was a dense hit
    )

    def header(self) -> str:
        """Title › headings and the carried lead-in: where the passage sits in its document."""
        return context_header(self.title, self.trail, self.lead)

    def to_dict(self) -> dict:
        return asdict(self)
