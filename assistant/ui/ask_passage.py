"""Finding an answer's sentences in a cited passage, and the passage as highlighted HTML.

The passage is untrusted document text: :func:`highlight_passage` escapes all of it and wraps
the answer's lines that cite it (found loosely by :func:`find_quote`: whitespace, emphasis
marks, list numbers and a heading glued to its text may differ) in ``<mark>``.
:func:`derive_quotes` and :func:`with_quotes` take those lines from the answer's ``[n]`` markers.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from functools import lru_cache

log = logging.getLogger(__name__)

_CITE = re.compile(r"\[\s*(\d{1,3}(?:\s*[-–,;]\s*\d{1,3})*)\s*\]")
"""An inline citation marker as the answer writes it: ``[1]``, ``[1, 2]``, ``[1-3]``."""
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,3}[.)]|#{1,6})\s+")
_IGNORED = frozenset("*_`")
"""Markdown emphasis marks: ignored (with whitespace) when a quote is looked for in a passage."""
_UNIT_BREAK = re.compile(r"(?<=[.!?;:。])\s+|(?<=[\u0e00-\u0e7f])\s+(?=[\u0e00-\u0e7f])")
"""Where a line splits into sentence-like units: after end punctuation, or a space between Thai words."""
_PART_BREAK = re.compile(r"\s+[—–]\s+|:\s+")
MIN_OVERLAP = 0.35
"""An unmatched quote highlights the passage stretch most like it only from this trigram F1 on."""
MAX_WINDOW = 12
"""At most this many consecutive units make one highlighted stretch (fallback matching)."""


def cite_numbers(marker: str) -> list[int]:
    """The numbers inside one marker's brackets: "1, 2" → [1, 2]; "2-4" → [2, 3, 4]."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", marker.strip()):
        bounds = [int(b) for b in re.split(r"\s*[-–]\s*", part) if b.strip().isdigit()]
        if not bounds:
            continue
        low, high = bounds[0], bounds[-1]
        numbers.extend(range(low, high + 1) if 0 <= high - low <= 20 else [low])
    return list(dict.fromkeys(numbers))


_HEADING = re.compile(r"^#{1,6}\s+")
_LIST_MARK = re.compile(r"^[-*+•·▪●]\s+")
_BLOCK_START = re.compile(r"^(?:#{1,6}\s|[-*+•·▪●]\s|\(?[\d๐-๙]{1,3}[.)]\s|[|>])")
"""A line that starts its own block (heading, bullet, numbered item, table row, quote): never joined."""
REFLOW_RATIO = 0.6
"""A line at least this share of the passage's longest line was wrapped: the next line continues it."""


def passage_lines(text: str) -> list[tuple[str, bool]]:
    """A passage as shown: ``(line, is_heading)`` pairs.

    Markdown is made plain (heading marks dropped, bold marks removed, bullets as "•"), lines
    that were wrapped are joined again, and runs of blank lines become one.
    """
    raw = [line.strip() for line in (text or "").strip().splitlines()]
    width = max((len(line) for line in raw), default=0)
    out: list[tuple[str, bool]] = []
    wrapped = False  # the previous line was long: it was wrapped, this one continues it
    for line in raw:
        if not line:
            if out and out[-1][0]:
                out.append(("", False))
            wrapped = False
            continue
        heading = bool(_HEADING.match(line))
        shown = _LIST_MARK.sub("• ", _HEADING.sub("", line)).replace("**", "")
        if wrapped and out and out[-1][0] and not out[-1][1] and not heading and not _BLOCK_START.match(line):
            out[-1] = (f"{out[-1][0]} {shown}", False)
            continue
        if heading and out and out[-1][0]:
            out.append(("", False))  # a heading stands apart from the paragraph above it
        out.append((shown, heading))
        wrapped = not heading and width >= 40 and len(line) >= REFLOW_RATIO * width
    while out and not out[-1][0]:
        out.pop()
    return out


def passage_text(text: str) -> str:
    """A passage as plain text, as shown in the source panel (see :func:`passage_lines`)."""
    return "\n".join(line for line, _ in passage_lines(text))


def plain_quote(quote: str) -> str:
    """A quote as plain text: markers, leading bullets or numbers (``1. 1.``), and emphasis marks removed."""
    text = _BULLET.sub("", _BULLET.sub("", _CITE.sub(" ", str(quote or ""))))
    return " ".join(text.replace("**", "").split())


def _squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace and emphasis marks, case-folded, and each kept character's index."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace() or ch in _IGNORED:
            continue
        chars.append(ch.casefold()[:1] or ch)
        index.append(i)
    return "".join(chars), index


def _trigrams(squeezed: str) -> set[str]:
    if len(squeezed) < 3:
        return {squeezed} if squeezed else set()
    return {squeezed[i : i + 3] for i in range(len(squeezed) - 2)}


def _units(text: str) -> list[list[tuple[int, int]]]:
    """The sentence-like units of each line of ``text``, as ``(start, end)`` spans, line by line."""
    lines: list[list[tuple[int, int]]] = []
    offset = 0
    for line in text.split("\n"):
        spans: list[tuple[int, int]] = []
        start = 0
        for brk in _UNIT_BREAK.finditer(line):
            if brk.start() > start:
                spans.append((offset + start, offset + brk.start()))
            start = brk.end()
        if len(line) > start:
            spans.append((offset + start, offset + len(line)))
        if spans:
            lines.append(spans)
        offset += len(line) + 1
    return lines


MIN_PART = 12
"""A part of a quote (split at a dash or colon) is looked for alone from this many letters on."""
NEAR_PART = 4
"""Shorter parts (from this many letters) are highlighted only close to the quote's longest part."""
NEAR = 300
"""How close (in letters) "close" is."""


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Where ``quote`` is in ``text``: ``(start, end)`` spans, matched loosely; empty when nowhere.

    Whitespace and emphasis marks are ignored. First the whole quote; else its parts (split
    at a dash or colon): the longest part found anchors it, and the other parts are taken
    where they occur close to it; else the stretch of consecutive sentences of one line that
    shares most character trigrams with the quote (at least :data:`MIN_OVERLAP`).
    """
    wanted = plain_quote(quote)
    squeezed, index = _squeeze(text)
    if not wanted or not squeezed:
        return []

    def span(at: int, size: int) -> tuple[int, int]:
        return index[at], index[at + size - 1] + 1

    needle, _ = _squeeze(wanted)
    at = squeezed.find(needle)
    if needle and at >= 0:
        return [span(at, len(needle))]
    parts = [_squeeze(p)[0] for p in _PART_BREAK.split(wanted)]
    parts = sorted({p for p in parts if len(p) >= NEAR_PART}, key=len, reverse=True)
    anchor = next(
        ((p, squeezed.find(p)) for p in parts if len(p) >= MIN_PART and squeezed.find(p) >= 0), None
    )
    if anchor is None:
        found = _best_overlap(text, wanted)
        return [found] if found else []
    first, where = anchor
    spans = [span(where, len(first))]
    low, high = max(0, where - NEAR), where + len(first) + NEAR
    for part in parts:
        if part == first:
            continue
        hits = [m.start() for m in re.finditer(re.escape(part), squeezed[low:high])]
        if hits:
            near = min(hits, key=lambda h: abs(low + h - where))
            spans.append(span(low + near, len(part)))
    return spans


@lru_cache(maxsize=16)
def _unit_table(text: str) -> tuple[tuple[tuple[tuple[int, int], ...], tuple[str, ...]], ...]:
    """Per line of ``text``: its units' spans and their squeezed texts (kept for the next quote)."""
    return tuple((tuple(spans), tuple(_squeeze(text[a:b])[0] for a, b in spans)) for spans in _units(text))


def _best_overlap(text: str, quote: str) -> tuple[int, int] | None:
    """The stretch of consecutive units of one line most like ``quote`` (trigram F1), if like enough.

    Each window grows one unit at a time, its trigrams and the count shared with the quote
    updated as it grows: linear in the passage's length times :data:`MAX_WINDOW`.
    """
    target = _trigrams(_squeeze(quote)[0])
    if not target:
        return None
    best: tuple[float, tuple[int, int]] | None = None
    for spans, squeezed in _unit_table(text):
        for a in range(len(spans)):
            joined = ""
            grams: set[str] = set()
            shared = 0
            for b in range(a, min(len(spans), a + MAX_WINDOW)):
                tail = joined[-2:] + squeezed[b]
                joined += squeezed[b]
                fresh = _trigrams(tail) if len(joined) >= 3 else ({joined} if joined else set())
                fresh -= grams
                grams |= fresh
                shared += len(fresh & target)
                if not grams:
                    continue
                score = 2 * shared / (len(grams) + len(target))
                if best is None or score > best[0]:
                    best = (score, (spans[a][0], spans[b][1]))
    return best[1] if best is not None and best[0] >= MIN_OVERLAP else None


def _merge(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted and joined where they overlap or only whitespace and punctuation lie between."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and not text[merged[-1][1] : start].strip(" \t\n:;,.*•-—–"):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


_MARK_OPEN = {1: "<mark>", 2: '<mark class="focus">'}


def highlight_passage(text: str, quotes: Iterable[str] = (), focus: str = "") -> str:
    """The passage as escaped HTML: headings bold, each quote found in it in ``<mark>``.

    ``focus`` (one quote, e.g. the list item whose marker was clicked) is marked
    ``<mark class="focus">``. Never raises: a quote that cannot be placed is not marked.
    """
    lines = passage_lines(text)
    shown = "\n".join(line for line, _ in lines)
    level = [0] * len(shown)  # per character: 0 plain, 1 a quote, 2 the focus
    for value, quote in [*((1, q) for q in quotes or ()), *([(2, focus)] if focus else [])]:
        try:
            found = find_quote(shown, str(quote))
        except Exception:  # a highlight is a nicety: a quote that cannot be placed is skipped
            log.exception("could not place a quote in its passage")
            continue
        for a, b in _merge(shown, found):
            for i in range(a, min(b, len(shown))):
                level[i] = max(level[i], value)
    out: list[str] = []
    offset = 0
    for line, heading in lines:
        parts: list[str] = []
        start = 0
        while start < len(line):  # runs of one level; a highlight over several lines is one per line
            value = level[offset + start]
            end = start + 1
            while end < len(line) and level[offset + end] == value:
                end += 1
            piece = html.escape(line[start:end])
            parts.append(piece if value == 0 else f"{_MARK_OPEN[value]}{piece}</mark>")
            start = end
        body = "".join(parts)
        out.append(f'<strong class="source-heading">{body}</strong>' if heading and body else body)
        offset += len(line) + 1
    return "\n".join(out)


def derive_quotes(text: str) -> dict[int, list[str]]:
    """The lines of an answer that cite each number (markers and bullets removed): quotes to highlight."""
    quotes: dict[int, list[str]] = {}
    for line in (text or "").splitlines():
        numbers = [n for m in _CITE.finditer(line) for n in cite_numbers(m.group(1))]
        quote = plain_quote(line)
        if quote:
            for n in dict.fromkeys(numbers):
                quotes.setdefault(n, []).append(quote)
    return quotes


def with_quotes(citations: Iterable[dict], answer: str) -> list[dict]:
    """The citations, each without ``quotes`` given the lines of ``answer`` that cite it."""
    derived = derive_quotes(answer)
    out = []
    for c in citations:
        if not c.get("quotes") and derived.get(int(c["n"])):
            c = {**c, "quotes": derived[int(c["n"])]}
        out.append(c)
    return out
