"""The answer's shapes: numbered context pieces, cited lines and the :class:`Skeleton` they make."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.extractive.questions import Kind
from assistant.grounding.numbers import THAI_DIGITS

ITEM_CHARS = 220
"""A list item longer than this is cut to its first sentence(s) within this length."""
MAX_ITEMS = 20
EXPLAIN_SENTENCES = 3
SAME_LANGUAGE = 0.1
"""Bonus of a list or sentence in the question's language (documents often exist in both)."""
MIN_SCORE = 0.12
"""A sentence or list must share at least this (rarity-weighted) share of the question to answer it."""


@dataclass(frozen=True)
class Piece:
    """A numbered piece of context: one page of one retrieved passage."""

    n: int
    text: str
    passage: int  # which passage it belongs to (0 is the best)
    trail: tuple[str, ...] = ()
    title: str = ""


@dataclass
class Line:
    """A line of a skeleton answer and the piece that says it."""

    text: str
    n: int


@dataclass
class Skeleton:
    """A grounded answer before rendering: a lead line, list items or sentences, each cited."""

    kind: Kind
    lead: Line | None = None
    items: list[Line] = field(default_factory=list)
    sentences: list[Line] = field(default_factory=list)
    fact: str = ""
    score: float = 0.0
    context: str = ""  # what the answer was chosen by: a list's lead-in, heading and items
    introduced: bool = True  # False: a list whose lead-in and heading are neither worded nor meant as asked

    @property
    def empty(self) -> bool:
        return not (self.items or self.sentences)

    def render(self) -> str:
        """Markdown: the lead, then a numbered list or the sentences, each ending with its [n]."""
        out: list[str] = []
        if self.lead is not None:
            out.append(f"{self.lead.text} [{self.lead.n}]")
        if self.items:
            out.extend(
                f"{i}. {without_number(line.text, i)} [{line.n}]"
                for i, line in enumerate(self.items, start=1)
            )
        for i, line in enumerate(self.sentences):
            text = f"**{self.fact}** — {line.text}" if i == 0 and self.fact else line.text
            out.append(f"{text} [{line.n}]")
        return "\n".join(out)




def label_number(label: str) -> int | None:
    """The number of an item label ("3.", "(๓)", "iv)") when it has one."""
    digits = re.sub(r"\D", "", label.translate(THAI_DIGITS))
    return int(digits) if digits else None


def without_number(text: str, position: int) -> str:
    """An item's text without a leading number equal to its place in the list ("1. 1. …" shows once)."""
    match = re.match(r"^\s*([\d๐-๙]{1,2})[.)]\s+", text)
    if match and label_number(match.group(1)) == position:
        return text[match.end() :]
    return text
