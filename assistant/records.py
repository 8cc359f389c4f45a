"""The records of answering: citations, answers and the events of a streamed answer.

These are the contract between the answering pipeline, the CLI and the UI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Self


class NoteKind(StrEnum):
    """The shared reading of short machine-readable notes: a kind's value alone, or followed by a detail.

    A note is stored as plain text (``"<kind>:<detail>"``) so saved records and ``--json`` output
    keep their shape; a subclass lists the kinds (:class:`AnswerNote` for answers,
    :class:`assistant.drafting.notes.DraftNote` for drafts) and code asks :meth:`parse`,
    :meth:`find` or :meth:`found_in` what a note is instead of testing string prefixes.
    """

    def _separator(self) -> str:
        """What stands between the kind and its detail."""
        return ":"

    @classmethod
    def _noun(cls) -> str:
        """What the notes are called in an error message."""
        return "note"

    def of(self, detail: object) -> str:
        """This note with a detail: ``"<kind>:<detail>"``."""
        return f"{self.value}{self._separator()}{detail}"

    @classmethod
    def parse(cls, note: str | NoteKind) -> Self:
        """What ``note`` is (a member, or its text with or without a detail); ValueError naming the notes."""
        if isinstance(note, cls):
            return note
        text = str(note).strip()
        for member in sorted(cls, key=lambda m: len(m.value), reverse=True):
            if text == member.value or text.startswith(member.value + ":"):
                return member
        allowed = ", ".join(member.value for member in cls)
        raise ValueError(f"unknown {cls._noun()} {note!r}; use one of: {allowed}")

    @classmethod
    def detail(cls, note: str) -> str:
        """What follows the note's kind: ``"cjk"`` for ``"failed:cjk"``, empty for a bare note."""
        member = cls.parse(note)
        text = str(note).strip()
        return text[len(member.value) + len(member._separator()) :] if text != member.value else ""

    @classmethod
    def kinds(cls, notes: Iterable[str]) -> list[Self]:
        """The members ``notes`` are, in order; notes that are none of them are left out."""
        found = []
        for note in notes:
            try:
                found.append(cls.parse(note))
            except ValueError:
                continue
        return found

    @classmethod
    def find(cls, notes: Iterable[str], *members: NoteKind) -> list[str]:
        """The notes (as written, details included) that are one of ``members``, in their order."""
        wanted = set(members)
        return [note for note in notes if wanted.intersection(cls.kinds([note]))]

    def found_in(self, notes: Iterable[str]) -> list[str]:
        """The notes of this kind, as written (details included)."""
        return self.find(notes, self)


class AnswerNote(NoteKind):
    """What an answer's note says: a member's value alone, or followed by a detail.

    A note is stored as plain text so saved answers and ``--json`` output stay the same:
    ``AnswerNote.FALLBACK`` is ``"fallback:none"``, ``AnswerNote.FAILED.of("cjk")`` is
    ``"failed:cjk"`` and ``AnswerNote.BACKEND_UNAVAILABLE.of("refused")`` is
    ``"backend unavailable: refused"``. Code asks :meth:`parse` or :meth:`found_in` what a note
    is instead of testing string prefixes.
    """

    QUESTION_TRUNCATED = "question-truncated"  # :<chars>-><chars>
    REWRITTEN = "rewritten"  # :model or :terms (how a follow-up was made standalone)
    NOT_FOUND = "not-found"
    NOTHING_RELEVANT = "nothing-relevant"
    NO_ANSWER_IN_PASSAGES = "no-answer-in-passages"
    OTHER_LANGUAGE = "other-language"
    NO_WORDS = "no-words"
    CONTEXT_TOO_SMALL = "context-too-small"
    MODEL_DECLINED = "model-declined"
    MODEL_MISSED_FACT = "model-missed-fact"
    MODEL_COVERS = "model-covers"  # :<covered>/<items>
    STRUCTURED = "structured"
    RETRIED = "retried"  # :<problem>
    FAILED = "failed"  # :<problem>
    SHAPE = "shape"  # :<answer kind>
    FALLBACK = "fallback:none"  # the model's answer was not kept: the grounded skeleton is shown
    DROPPED_CITATIONS = "dropped-citations"  # :<n>,<n>
    REMOVED_CITATIONS = "removed-citations"  # :<n>,<n>
    ADDED_CITATIONS = "added-citations"  # :<n>,<n>
    RECITED = "recited"  # :<a>-><b>,…
    UNVERIFIED = "unverified"  # :<count>
    BACKEND_UNAVAILABLE = "backend unavailable"  # : <reason> (the model could not be reached)
    BACKEND_ERROR = "backend error"  # : <error>: <reason> (the model failed)

    def _separator(self) -> str:
        """Backend notes read ``"backend error: …"``; every other note ``"failed:cjk"``."""
        return ": " if self in _SPACED_NOTES else ":"

    @classmethod
    def _noun(cls) -> str:
        return "answer note"


_SPACED_NOTES = frozenset({AnswerNote.BACKEND_UNAVAILABLE, AnswerNote.BACKEND_ERROR})
BACKEND_DOWN = _SPACED_NOTES
"""The notes saying the model could not answer (the answer fell back to ``none`` because of it)."""


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
