"""Split pages into passages of 300–600 characters that never cut inside a Thai word.

Usage:
    >>> from ingest.chunking import Chunker
    >>> chunks = Chunker(target=450).split(pages)
    >>> chunks[0].page, chunks[0].start, chunks[0].end, chunks[0].section

Thai writes words without spaces and uses spaces between phrases, so a plain
character splitter cuts words in half. Here the candidate cut points are
whitespace and, inside long runs of Thai letters, the word boundaries found by
pythainlp's newmm tokenizer. Among the cut points in the allowed window the
strongest boundary wins: a heading, a paragraph, a line, a sentence, then a space.
Each chunk keeps its page number and its exact character span on that page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.records import Chunk, Page

THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)

# Boundary strengths: higher is a better place to cut.
HEADING_BREAK, PARAGRAPH, LINE, SENTENCE, SPACE, WORD = 5, 4, 3, 2, 1, 0


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

    ``target`` is where the chunker starts looking for a strong boundary;
    ``overlap`` is how many characters of the previous chunk the next one repeats
    (never across a heading).
    """

    target: int = 450
    min_chars: int = 300
    max_chars: int = 600
    overlap: int = 80

    def __post_init__(self) -> None:
        if not 0 < self.min_chars <= self.target <= self.max_chars:
            raise ValueError("chunk sizes must satisfy 0 < min_chars <= target <= max_chars")
        if not 0 <= self.overlap < self.min_chars:
            raise ValueError("overlap must be between 0 and min_chars")

    def split(self, pages: list[Page]) -> list[Chunk]:
        """Chunk every readable page; chunk indexes run across the whole document."""
        chunks: list[Chunk] = []
        section = ""
        for page in pages:
            if page.health is not None and not page.health.readable:
                continue
            for start, end in self.spans(page.text):
                section = _section_at(page.text, start, section)
                chunks.append(
                    Chunk(
                        text=page.text[start:end],
                        page=page.number,
                        start=start,
                        end=end,
                        index=len(chunks),
                        section=section,
                    )
                )
        return chunks

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) character spans of the chunks of one page's text."""
        cuts = _cut_points(text)
        spans: list[tuple[int, int]] = []
        n = len(text)
        start = _skip_space(text, 0)
        while start < n:
            end = n if n - start <= self.max_chars else self._choose_end(cuts, start)
            span = _trim(text, start, end)
            if span:
                spans.append(span)
            if end >= n:
                break
            start = self._next_start(text, cuts, start, end)
        return spans

    def _choose_end(self, cuts: dict[int, int], start: int) -> int:
        """The best cut in the window: a heading break early on, else the strongest late one."""
        lo, hi = start + self.min_chars, start + self.max_chars
        for pos in range(start + min(150, self.min_chars), lo):
            if cuts.get(pos) == HEADING_BREAK:
                return pos
        window = [(strength, pos) for pos, strength in cuts.items() if lo <= pos <= hi]
        if window:
            best = max(strength for strength, _ in window)
            return max(pos for strength, pos in window if strength == best)
        earlier = [pos for pos in cuts if start < pos <= hi]
        return max(earlier) if earlier else hi

    def _next_start(self, text: str, cuts: dict[int, int], start: int, end: int) -> int:
        """Where the next chunk starts: ``overlap`` characters back, on a boundary."""
        if cuts.get(end) == HEADING_BREAK or self.overlap == 0:
            return _skip_space(text, end)
        candidates = [pos for pos in cuts if end - self.overlap <= pos < end and pos > start]
        return _skip_space(text, min(candidates)) if candidates else _skip_space(text, end)


def _cut_points(text: str) -> dict[int, int]:
    """Every position where a chunk may end, with the strength of that boundary."""
    cuts: dict[int, int] = {}

    def mark(pos: int, strength: int) -> None:
        if 0 < pos < len(text) and cuts.get(pos, -1) < strength:
            cuts[pos] = strength

    for match in re.finditer(r"\s+", text):
        ws = match.group()
        pos = match.start()
        before = text[pos - 1] if pos else ""
        if "\n" in ws and text.startswith("#", match.end()):
            mark(match.end(), HEADING_BREAK)
        elif ws.count("\n") >= 2:
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
    return cuts


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _section_at(text: str, start: int, previous: str) -> str:
    """The heading a chunk's content falls under: the last one before its first line of body text."""
    limit = len(text)
    for match in re.finditer(r"^.*$", text[start:], flags=re.M):
        line = match.group().strip()
        if line and not HEADING.match(line):
            limit = start + match.start()
            break
    section = previous
    for match in HEADING.finditer(text, 0, limit):
        section = match.group(1).strip()
    return section
