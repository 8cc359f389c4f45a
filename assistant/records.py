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
    points at a retrieved chunk: ``chunk_id`` names it and ``text`` is its text.
    """

    n: int
    source: str
    page: int
    text: str
    chunk_id: str
    title: str = ""
    section: str = ""
    score: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """A finished answer: its text with inline [n] markers, and the citations those markers use.

    ``grounded`` is False when nothing relevant was found (the text then says so) or
    when no sentence of the answer is supported by a cited passage.
    ``unsupported`` lists sentences whose citations do not share content with them.
    ``notes`` are short machine-readable flags (e.g. "retried:wrong-language",
    "fallback:none") that the UI can show.
    """

    text: str
    citations: list[Citation]
    grounded: bool
    backend: str
    language: str
    unsupported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The ``edunet ask --json`` shape."""
        return {
            "answer": self.text,
            "citations": [
                {"n": c.n, "source": c.source, "page": c.page, "text": c.text} for c in self.citations
            ],
            "backend": self.backend,
            "grounded": self.grounded,
            "language": self.language,
            "unsupported": self.unsupported,
            "notes": self.notes,
        }


class EventKind(StrEnum):
    PASSAGES = "passages"  # the numbered passages the answer may cite (sent first)
    TOKEN = "token"  # a piece of streamed text
    FINAL = "final"  # the verified answer; replaces whatever was streamed


@dataclass
class AnswerEvent:
    """One event of a streamed answer."""

    kind: EventKind
    text: str = ""
    citations: list[Citation] = field(default_factory=list)
    answer: Answer | None = None
