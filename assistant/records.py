"""The records of answering: citations, answers and the events of a streamed answer.

These are the contract between the answering pipeline, the CLI and the UI.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Citation:
    """A numbered passage that was retrieved and given to the model (or quoted in ``none`` mode).

    ``n`` is the number used inline in the answer, as ``[n]``. A citation always
    points at a retrieved chunk: ``chunk_id`` names it and ``text`` is its text. ``ocr`` is
    True when the page's text was read by OCR from a scanned image (the PDF page is ``page``).
    """

    n: int
    source: str
    page: int
    text: str
    chunk_id: str
    title: str = ""
    section: str = ""
    score: float = 0.0
    trail: tuple[str, ...] = ()  # the headings of the section the piece is in
    passage: int = 0  # the retrieved section it belongs to (pieces of one section share it)
    chunk_ids: tuple[str, ...] = ()  # every stored chunk the piece is made of
    quotes: tuple[str, ...] = ()  # the answer's sentences that cite it (to highlight in the piece)
    ocr: bool = False  # the page's text was read by OCR from a scan (the source view says so)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """A finished answer: its text with inline [n] markers, and the citations those markers use.

    ``grounded`` is False when nothing relevant was found (the text then says so) or
    when no sentence of the answer is supported by a cited passage.
    ``unsupported`` lists sentences whose citations do not share content with them.
    ``notes`` are short machine-readable flags (e.g. "retried:wrong-language",
    "fallback:none") that the UI can show. ``kind`` is the answer's shape: "list", "fact",
    "explain", or "not-found" for a refusal.
    """

    text: str
    citations: list[Citation]
    grounded: bool
    backend: str
    language: str
    unsupported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = ""

    @property
    def refused(self) -> bool:
        """True for a "not found in your documents" answer."""
        return self.kind == "not-found"

    def to_json(self) -> dict:
        """The ``edunet ask --json`` shape."""
        return {
            "answer": self.text,
            "kind": self.kind,
            "citations": [
                {
                    "n": c.n,
                    "source": c.source,
                    "title": c.title,
                    "page": c.page,
                    "section": c.section,
                    "text": c.text,
                    "quotes": list(c.quotes),
                    "ocr": c.ocr,
                }
                for c in self.citations
            ],
            "backend": self.backend,
            "grounded": self.grounded,
            "language": self.language,
            "unsupported": self.unsupported,
            "notes": self.notes,
        }


class EventKind(StrEnum):
    PASSAGES = "passages"  # the numbered passages the answer may cite (sent first)
    SKELETON = "skeleton"  # the grounded extractive answer, shown while a model writes its own
    TOKEN = "token"  # a piece of streamed text
    FINAL = "final"  # the verified answer; replaces whatever was streamed


@dataclass
class AnswerEvent:
    """One event of a streamed answer."""

    kind: EventKind
    text: str = ""
    citations: list[Citation] = field(default_factory=list)
    answer: Answer | None = None
