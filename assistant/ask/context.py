"""What one question is answered from: the analysed question, its query and the numbered pieces."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from assistant import grounding as g
from assistant.ask.prompts import Prompts
from assistant.extractive import Piece
from assistant.extractive.questions import Question
from assistant.records import Citation
from assistant.retrieval.context import Passage

SECTION_CHARS = 3200
"""A retrieved chunk grows into its section up to about this many characters."""
MAX_PASSAGES = 4
"""At most this many sections make the context."""


@dataclass
class Context:
    """What one question is answered from: the analysed question, its query and the numbered pieces."""

    question: Question
    query: str
    translated: str
    passages: list[Passage]
    citations: list[Citation]
    counts: dict[str, int] | None = None  # how many chunks of the index hold each question term
    total: int = 0  # chunks in the index

    def pieces(self) -> list[Piece]:
        return [Piece(c.n, c.text, c.passage, c.trail, c.title) for c in self.citations]


def number_pieces(
    passages: Sequence[Passage], prompts: Prompts, ocr: Mapping[int, Collection[int]] | None = None
) -> list[Citation]:
    """One citation per page of each passage, numbered [1]..[n] in passage order.

    ``ocr`` maps a document row to its pages read by OCR; their citations are marked ``ocr``.
    """
    out: list[Citation] = []
    ocr = ocr or {}
    for p, passage in enumerate(passages):
        for page, text, chunks in passage.page_texts():
            out.append(
                Citation(
                    n=len(out) + 1,
                    source=passage.source,
                    page=page,
                    text=g.sanitize_passage(text, prompts.fences()),
                    chunk_id=chunks[0].chunk_id,
                    title=passage.title,
                    section=" › ".join(passage.trail),
                    score=round(passage.cosine if passage.cosine is not None else passage.score, 4),
                    trail=passage.trail,
                    passage=p,
                    chunk_ids=tuple(c.chunk_id for c in chunks),
                    ocr=page in ocr.get(passage.doc_id, ()),
                )
            )
    return out
