"""Split pages into passages that keep their place in the document's structure.

Usage:
    >>> from ingest.chunking import Chunker
    >>> chunks = Chunker(target=700).split(pages, title="พระราชบัญญัติการจัดการศึกษาสำหรับคนพิการ")
    >>> chunks[0].page, chunks[0].start, chunks[0].end, chunks[0].trail, chunks[0].lead

Each page is read into blocks (:mod:`ingest.structure`): headings, list items, lead-ins,
table rows and page furniture. The chunker packs a page's text into chunks between
``min_chars`` and ``max_chars``, cutting at the strongest boundary in the window: before a
heading, between paragraphs, between list items, at a line, a sentence, a space, and
inside long runs of Thai letters only at the word boundaries found by pythainlp's newmm
tokenizer. It does not cut between a heading or a lead-in ("… ดังนี้") and what follows
it, and a chunk never starts or ends on a page number or a running header.

Every chunk keeps its page number, its exact character span on that page, and its place:

* ``trail`` – the headings it falls under, outermost first (หมวด › มาตรา; Chapter › 2.1);
* ``lead`` – when the chunk continues a list or a table begun in an earlier chunk, the line
  that introduced it (or the table's header row), so the items are never cut off from
  what they are items of;
* ``kind`` – ``body``, or ``contents``/``cover`` for pages that only list or announce.

The trail and lead are indexed with the chunk's text (contextual chunk headers); the
chunk's ``text`` stays exactly the page's text, so citations point at what the page says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.records import Chunk, Page
from ingest.structure import Block, BlockKind, Layout, is_contents_page, is_cover_page, parse_page

THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")

# Boundary strengths: higher is a better place to cut.
HEADING_BREAK, PARAGRAPH, ITEM_BREAK, LINE, SENTENCE, SPACE, WORD = 6, 5, 4, 3, 2, 1, 0
HOLD = -1
"""A boundary that is cut only when nothing else fits: after a heading or a lead-in."""

SECTION_MIN_CHARS = 200
"""A new heading ends the chunk once it holds this much; shorter sections join the next one."""
MAX_TRAIL = 4
"""At most this many headings are kept in a chunk's trail (the innermost ones)."""
LEAD_MAX_CHARS = 200
"""A lead-in longer than this is shortened when it is carried into later chunks."""


@cache
def _thai_words(run: str) -> tuple[int, ...]:
    """Offsets of the word boundaries inside a run of Thai letters."""
    from pythainlp.tokenize import word_tokenize

    offsets, pos = [], 0
    for word in word_tokenize(run, engine="newmm", keep_whitespace=True):
        pos += len(word)
        offsets.append(pos)
    return tuple(offsets[:-1])


@dataclass(frozen=True)
class Chunker:
    """Packs a page's text into chunks between ``min_chars`` and ``max_chars``.

    ``target`` is where the chunker starts preferring a strong boundary; ``overlap`` is
    how many characters of the previous chunk the next one repeats (never across a
    heading or into a new list item).
    """

    target: int = 700
    min_chars: int = 400
    max_chars: int = 1000
    overlap: int = 80

    def __post_init__(self) -> None:
        if not 0 < self.min_chars <= self.target <= self.max_chars:
            raise ValueError("chunk sizes must satisfy 0 < min_chars <= target <= max_chars")
        if not 0 <= self.overlap < self.min_chars:
            raise ValueError("overlap must be between 0 and min_chars")

    def split(self, pages: list[Page], title: str = "") -> list[Chunk]:
        """Chunk every readable page; chunk indexes run across the whole document."""
        layout = Layout.of(pages)
        chunks: list[Chunk] = []
        trail = _Trail()
        for page in pages:
            if page.health is not None and not page.health.readable:
                continue
            blocks = parse_page(page.text, layout)
            kind = _page_kind(page, len(pages))
            if kind == "contents":  # a table of contents lists headings; they head nothing here
                blocks = [b for b in blocks if b.kind != BlockKind.HEADING]
            taken = 0
            for start, end in self._spans(page.text, blocks):
                while taken < len(blocks) and blocks[taken].start < start:
                    trail.take(blocks[taken])
                    taken += 1
                inside = [b for b in blocks[taken:] if b.start < end and b.kind != BlockKind.FURNITURE]
                path, lead = trail.at(inside)
                chunks.append(
                    Chunk(
                        text=page.text[start:end],
                        page=page.number,
                        start=start,
                        end=end,
                        index=len(chunks),
                        section=path[-1] if path else "",
                        trail=path,
                        lead=lead,
                        kind=kind,
                    )
                )
            for block in blocks[taken:]:
                trail.take(block)
        return chunks

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) character spans of the chunks of one page's text."""
        return self._spans(text, parse_page(text))

    def _spans(self, text: str, blocks: list[Block]) -> list[tuple[int, int]]:
        cuts = _cut_points(text, blocks)
        furniture = [(b.start, b.end) for b in blocks if b.kind == BlockKind.FURNITURE]
        spans: list[tuple[int, int]] = []
        n = len(text)
        start = _skip(text, 0, furniture)
        while start < n:
            end = (
                self._tail_end(cuts, start, n)
                if n - start <= self.max_chars
                else self._choose_end(cuts, start)
            )
            span = _trim(text, start, end, furniture)
            if span and not (spans and spans[-1][0] <= span[0] and span[1] <= spans[-1][1]):
                spans.append(span)
            if end >= n:
                break
            start = _skip(text, self._next_start(text, cuts, start, end), furniture)
        return spans

    def _tail_end(self, cuts: dict[int, int], start: int, n: int) -> int:
        """The end of a page's last chunk: the page's end, or a heading that starts a new section."""
        lo = start + min(SECTION_MIN_CHARS, self.min_chars)
        for pos in sorted(p for p, strength in cuts.items() if strength == HEADING_BREAK and lo <= p):
            if n - pos >= SECTION_MIN_CHARS // 2:
                return pos
        return n

    def _choose_end(self, cuts: dict[int, int], start: int) -> int:
        """The best cut in the window: a heading break early on, else the strongest late one."""
        lo, hi = start + self.min_chars, start + self.max_chars
        for pos in range(start + min(SECTION_MIN_CHARS, self.min_chars), lo):
            if cuts.get(pos) == HEADING_BREAK:
                return pos
        window = [(strength, pos) for pos, strength in cuts.items() if lo <= pos <= hi]
        if window:
            best = max(strength for strength, _ in window)
            if best == HEADING_BREAK:  # a section ends the chunk as soon as it may
                return min(pos for strength, pos in window if strength == best)
            if best >= ITEM_BREAK:
                # among strong boundaries prefer the one nearest the target
                target = start + self.target
                strong = [pos for strength, pos in window if strength == best]
                return min(strong, key=lambda pos: (abs(pos - target), -pos))
            return max(pos for strength, pos in window if strength == best)
        earlier = [pos for pos, strength in cuts.items() if start < pos <= hi and strength > HOLD]
        return max(earlier) if earlier else hi

    def _next_start(self, text: str, cuts: dict[int, int], start: int, end: int) -> int:
        """Where the next chunk starts: ``overlap`` characters back, on a boundary, or at ``end``."""
        if cuts.get(end, WORD) >= ITEM_BREAK or self.overlap == 0:
            return _skip_space(text, end)
        candidates = [
            pos
            for pos, strength in cuts.items()
            if end - self.overlap <= pos < end and pos > start and strength > HOLD
        ]
        return _skip_space(text, min(candidates)) if candidates else _skip_space(text, end)


class _Trail:
    """The headings open at a point of a document, and the lead-in of the list being read."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []
        self.lead = ""

    def take(self, b: Block) -> None:
        """Read one block: a heading opens a section, a lead-in starts a list, text ends it."""
        if b.kind == BlockKind.HEADING:
            self.stack = [(lvl, t) for lvl, t in self.stack if lvl < b.level] + [(b.level, b.text)]
            self.lead = ""
        elif b.kind == BlockKind.TEXT and (b.lead or len(b.text) > 80):
            self.lead = b.text if b.lead else ""
        elif b.kind == BlockKind.ROW and not self.lead:
            self.lead = b.text

    def at(self, inside: list[Block]) -> tuple[tuple[str, ...], str]:
        """The trail and carried lead-in of a chunk made of ``inside`` blocks (not yet taken in)."""
        stack = list(self.stack)
        lead = self.lead
        first_body = next((b for b in inside if b.kind != BlockKind.HEADING), None)
        for b in inside:
            if b is first_body:
                break
            stack = [(lvl, t) for lvl, t in stack if lvl < b.level] + [(b.level, b.text)]
            lead = ""
        continues = first_body is not None and first_body.kind in (BlockKind.ITEM, BlockKind.ROW)
        carried = _short(lead) if continues and lead and first_body is not None else ""
        if (
            carried
            and first_body is not None
            and first_body.kind == BlockKind.ROW
            and first_body.text == lead
        ):
            carried = ""
        return tuple(t for _, t in stack[-MAX_TRAIL:]), carried


def _short(text: str) -> str:
    return text if len(text) <= LEAD_MAX_CHARS else text[: LEAD_MAX_CHARS - 1].rstrip() + "…"


def _page_kind(page: Page, pages: int) -> str:
    if is_contents_page(page.text):
        return "contents"
    if is_cover_page(page.text, page.number, pages):
        return "cover"
    return "body"


def _cut_points(text: str, blocks: list[Block] = ()) -> dict[int, int]:  # type: ignore[assignment]
    """Every position where a chunk may end, with the strength of that boundary."""
    cuts: dict[int, int] = {}

    def mark(pos: int, strength: int) -> None:
        if 0 < pos < len(text) and cuts.get(pos, -1) < strength:
            cuts[pos] = strength

    for match in re.finditer(r"\s+", text):
        ws = match.group()
        pos = match.start()
        before = text[pos - 1] if pos else ""
        if ws.count("\n") >= 2:
            mark(match.end(), PARAGRAPH)
        elif "\n" in ws:
            mark(match.end(), LINE)
        elif before in ".!?;:" or before == "ฯ":
            mark(match.end(), SENTENCE)
        else:
            mark(match.end(), SPACE)
    for match in THAI_RUN.finditer(text):
        if match.end() - match.start() > 12:
            for offset in _thai_words(match.group()):
                mark(match.start() + offset, WORD)
    for b in blocks:
        if b.kind == BlockKind.HEADING:
            mark(b.start, HEADING_BREAK)
        elif b.kind in (BlockKind.ITEM, BlockKind.ROW):
            mark(b.start, ITEM_BREAK)
    for b in blocks:  # never right after a heading or a lead-in: keep them with what they announce
        if b.kind == BlockKind.HEADING or b.lead:
            nxt = _skip_space(text, b.end)
            for pos in range(b.end, nxt + 1):
                if pos in cuts:
                    cuts[pos] = HOLD
    return cuts


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _skip(text: str, pos: int, furniture: list[tuple[int, int]]) -> int:
    """``pos`` moved past spaces and past furniture (page numbers, running headers) it meets."""
    moved = True
    while moved:
        moved = False
        pos = _skip_space(text, pos)
        for a, b in furniture:
            if a <= pos < b:
                pos, moved = b, True
    return pos


def _trim(text: str, start: int, end: int, furniture: list[tuple[int, int]] = ()) -> tuple[int, int] | None:  # type: ignore[assignment]
    """The span without spaces and furniture at its edges (None when nothing is left)."""
    start = _skip(text, start, list(furniture))
    changed = True
    while changed and end > start:
        changed = False
        while end > start and text[end - 1].isspace():
            end -= 1
        for a, b in furniture:
            if a < end <= b or (a >= start and b >= end - 1 and a < end):
                end, changed = a, True
    return (start, end) if end > start else None
