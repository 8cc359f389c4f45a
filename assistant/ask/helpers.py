"""Pure helpers of the answering: the question's checks, follow-ups, and the pieces' text.

Nothing here calls a model or the index: each function is unit-tested on strings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from assistant import grounding as g
from assistant.ask.prompts import Prompts
from assistant.records import AnswerNote, Citation
from assistant.retrieval.relevance import Scored

MAX_QUESTION_CHARS = 1000
"""Longer questions are cut to this length (with a note) before retrieval and prompting."""
HISTORY_TURN_CHARS = 300
"""Each earlier user or assistant message is cut to this length in prompts."""


FOLLOW_UP_MIN_TERMS = 4
"""A question with fewer content words than this after a first turn is treated as a follow-up."""
_EN_PRONOUNS = re.compile(
    r"\b(it|its|itself|that|this|these|those|they|them|their|there|he|she|his|her|what about|and)\b", re.I
)
_TH_PRONOUNS = ("ดังกล่าว", "นั้น", "นี้", "มัน", "เขา", "พวกเขา", "เหล่านั้น", "เหล่านี้", "ล่ะ")


def check_question(question: str) -> tuple[str, list[str]]:
    """The question stripped (and cut to :data:`MAX_QUESTION_CHARS`) with notes; ValueError when empty."""
    text = " ".join((question or "").split())
    if not text:
        raise ValueError("the question is empty: ask something about your documents")
    if len(text) <= MAX_QUESTION_CHARS:
        return text, []
    cut = text[:MAX_QUESTION_CHARS]
    space = cut.rfind(" ")
    if space > MAX_QUESTION_CHARS * 0.8:
        cut = cut[:space]
    return cut, [AnswerNote.QUESTION_TRUNCATED.of(f"{len(text)}->{len(cut)}")]


_RE_WORDISH = re.compile(r"[A-Za-z0-9\u0e01-\u0e4e\u0e50-\u0e59]")
_RE_OTHER_LETTERS = re.compile(r"[^\W\d_A-Za-z\u0e00-\u0e7f\u00c0-\u024f]")


def unreadable_question(question: str) -> str | None:
    """ "no-words" for a question of only punctuation or emoji, "other-language" for one written in
    neither Thai nor English script (Chinese, Japanese, Arabic…); None for a question to answer."""
    if not _RE_WORDISH.search(question):
        return AnswerNote.OTHER_LANGUAGE if _RE_OTHER_LETTERS.search(question) else AnswerNote.NO_WORDS
    latin_or_thai = len(_RE_WORDISH.findall(question))
    other = len(_RE_OTHER_LETTERS.findall(question))
    return AnswerNote.OTHER_LANGUAGE if other > 2 * latin_or_thai else None


def is_follow_up(question: str, language: str) -> bool:
    """True when a question seems to lean on the previous turn: short, or with a pronoun."""
    if len(g.content_terms(question)) < FOLLOW_UP_MIN_TERMS:
        return True
    if language == "th":
        return any(p in question for p in _TH_PRONOUNS)
    return bool(_EN_PRONOUNS.search(question))


def expand_with_history(question: str, turns: Sequence[tuple[str, str]], limit: int = 6) -> str:
    """``question`` plus up to ``limit`` key words of the previous user question (rewrite without a model)."""
    previous = turns[-1][0] if turns else ""
    terms = g.terms_of(previous, limit, exclude=g.content_terms(question))
    return f"{question} {' '.join(terms)}".strip()


def clean_rewrite(reply: str, question: str, language: str) -> str | None:
    """The model's standalone question, or None when it is empty, too long or in the wrong language/script."""
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return None
    text = re.sub(r"^[^:：]{0,30}[:：]\s*", "", lines[0]).strip().strip("\"'“”")
    too_long = len(text) > max(300, 3 * len(question))
    if not text or too_long or g.cjk_leak(text) or g.language_mismatch(text, language):
        return None
    return text


def _interleave(first: Sequence[Scored], second: Sequence[Scored]) -> list[Scored]:
    """The hits of two searches taken in turns, each chunk once."""
    out: list[Scored] = []
    seen: set[str] = set()
    for pair in zip(first, second, strict=False):
        for s in pair:
            if s.hit.chunk_id not in seen:
                seen.add(s.hit.chunk_id)
                out.append(s)
    for s in [*first[len(second) :], *second[len(first) :]]:
        if s.hit.chunk_id not in seen:
            seen.add(s.hit.chunk_id)
            out.append(s)
    return out


def _render_points(points: Sequence[Any], listing: bool) -> str:
    """A structured answer as Markdown: a numbered list for lists, one sentence a line otherwise."""
    lines = []
    for i, point in enumerate(points, start=1):
        marker = f" [{point.source}]" if point.source else ""
        lines.append(f"{i}. {point.text}{marker}" if listing else f"{point.text}{marker}")
    return "\n".join(lines)


def _covers(text: str, item: str) -> bool:
    """Whether an answer says what a skeleton line says: most of its content words, or its key phrase.

    An answer in the other script ("1 มิถุนายน 2565" for "1 June 2022") shares no words with the
    line; when the line states numbers, it says it when it states them all (a year in either era).
    """
    terms = g.content_terms(item)
    if not terms:
        return True
    if not g.same_script(text, item) and g.numbers_of(item):
        return g.numbers_across(item, text)
    head = list(g.content_terms(" ".join(item.split(":")[0].split()[:8]))) or list(terms)
    found = g.content_terms(text)
    return sum(t in found for t in head) / len(head) >= 0.6


def _with_quotes(citations: Sequence[Citation], text: str) -> list[Citation]:
    """The citations the answer uses, each with the answer's sentences that cite it (to highlight)."""
    quotes: dict[int, list[str]] = {}
    for line in text.splitlines():
        for part in _claims(line):  # each claim ends with its markers
            numbers = g.parse_markers(part)
            quote = g.strip_markers(g.clean_line(re.sub(r"^\s*\*\*[^*]+\*\*\s*—\s*", "", part))).strip()
            for n in numbers:
                if quote:
                    quotes.setdefault(n, []).append(quote)
    used = set(g.parse_markers(text))
    return [replace(c, quotes=tuple(quotes.get(c.n, ()))) for c in citations if c.n in used]


def _claims(line: str) -> list[str]:
    """A line cut after each run of citation markers: the claims it makes, each with its markers."""
    parts, start = [], 0
    for match in re.finditer(rf"(?:\s*{g.MARKER.pattern})+[.!?]?", line):
        parts.append(line[start : match.end()])
        start = match.end()
    if line[start:].strip():
        parts.append(line[start:])
    return parts


def _trim_piece(text: str, keep: Sequence[str], query: str, budget: int) -> str:
    """A piece cut to ``budget`` tokens: whole when it fits, else the kept lines then the best sentences."""
    full = "\n".join(g.clean_line(line) for line in text.splitlines() if g.clean_line(line))
    if g.estimate_tokens(full) <= budget:
        return full
    chosen: list[str] = []
    used = 0
    for line in keep:
        cost = g.estimate_tokens(line) + 1
        if used + cost <= budget:
            chosen.append(line)
            used += cost
    if used < budget - g.MIN_PASSAGE_TOKENS // 2:
        extra = g.best_sentences(text, query, budget - used)
        if extra and extra not in chosen:
            chosen.append(extra)
    flat = " ".join(text.split())
    return "\n".join(sorted(chosen, key=lambda line: _position(flat, line)))  # in the piece's own order


def _position(flat: str, line: str) -> int:
    """Where ``line`` starts in the piece (its first words), or the end when it is not found."""
    head = " ".join(line.split())[:20]
    found = flat.find(head)
    return found if found >= 0 else len(flat)


def _piece_header(prompts: Prompts, c: Citation) -> str:
    """The piece's line prefix in the prompt: its number, document and page (and where in it)."""
    where = f"{c.title or c.source}" + (f" › {c.section}" if c.section else "")
    return prompts.passage_template.format(n=c.n, source=_safe(prompts, where), page=c.page, text="").rstrip()


def _safe(prompts: Prompts, name: str) -> str:
    """A document's name made safe to show inside the fence: a file name is data too."""
    return " ".join(g.sanitize_passage(name, prompts.fences()).split())


def _short(text: str) -> str:
    """An earlier message cut to :data:`HISTORY_TURN_CHARS` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= HISTORY_TURN_CHARS else flat[: HISTORY_TURN_CHARS - 1] + "…"
