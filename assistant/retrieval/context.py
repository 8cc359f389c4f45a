"""Small-to-big context: a retrieved chunk grows into its section, then into pieces to cite.

Usage:
    >>> passages = expand(hits, store.manifest, budget_chars=2400)
    >>> passages[0].trail, passages[0].pages, passages[0].text

Chunks are small so that search is precise; answers need the whole section: the heading
that announces a list and every item under it, the article of a statute with all its
clauses. :func:`expand` turns each retrieved chunk into a :class:`Passage`:

* the chunk's section – the run of chunks around it whose heading trail begins with the
  chunk's own trail (sub-sections included) – when it fits ``budget_chars``;
* else the chunk and its neighbours inside the section, the following ones first (a list
  goes on after the chunk that announced it), within the budget;
* with ``up=1``, the parent section instead (the siblings of a list item found alone).

Passages of one document that overlap or touch are merged in reading order, and the
overlap that consecutive chunks share is shown once. Every passage is made of stored,
live chunks, so whatever it shows was retrieved from the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.manifest import Manifest
from ingest.records import Hit

WINDOW = 24
"""How many chunks on each side of a hit are read to find its section."""


@dataclass
class Passage:
    """Consecutive chunks of one document, in reading order, and how they were found.

    ``hits`` are the ids of the chunks that retrieval returned (the rest came by
    expansion); ``rank`` is the best retrieval rank among them (1 is best).
    """

    chunks: list[Hit]
    hits: set[str] = field(default_factory=set)
    rank: int = 1
    score: float = 0.0
    cosine: float | None = None

    @property
    def first(self) -> Hit:
        return self.chunks[0]

    @property
    def source(self) -> str:
        return self.first.source

    @property
    def title(self) -> str:
        return self.first.title

    @property
    def doc_id(self) -> int:
        return self.first.doc_id

    @property
    def trail(self) -> tuple[str, ...]:
        """The trail the passage's chunks share (their common heading path)."""
        common = list(self.chunks[0].trail)
        for c in self.chunks[1:]:
            n = 0
            while n < min(len(common), len(c.trail)) and common[n] == c.trail[n]:
                n += 1
            common = common[:n]
        return tuple(common)

    @property
    def pages(self) -> list[int]:
        return sorted({c.page for c in self.chunks})

    @property
    def span(self) -> tuple[int, int]:
        return self.chunks[0].index, self.chunks[-1].index

    def page_texts(self) -> list[tuple[int, str, list[Hit]]]:
        """(page, text, chunks) for each page the passage covers, overlaps between chunks shown once."""
        out: list[tuple[int, str, list[Hit]]] = []
        for chunk in self.chunks:
            if out and out[-1][0] == chunk.page:
                page, text, members = out[-1]
                previous = members[-1]
                if chunk.start < previous.end:
                    tail = chunk.text[max(0, previous.end - chunk.start) :]
                    joiner = ""
                else:
                    tail = chunk.text
                    # chunks cut at a blank line (a heading, a new paragraph) are joined by one
                    joiner = "\n\n" if chunk.start - previous.end >= 2 else "\n"
                out[-1] = (page, (text + joiner + tail) if tail.strip() else text, [*members, chunk])
            else:
                out.append((chunk.page, chunk.text, [chunk]))
        return out

    @property
    def text(self) -> str:
        return "\n".join(text for _, text, _ in self.page_texts())

    def __len__(self) -> int:
        return sum(len(t) for _, t, _ in self.page_texts())


def _has_prefix(trail: Sequence[str], prefix: Sequence[str]) -> bool:
    return len(trail) >= len(prefix) and tuple(trail[: len(prefix)]) == tuple(prefix)


def section_of(hit: Hit, around: Sequence[Hit], up: int = 0) -> list[Hit]:
    """The run of ``around`` (neighbours in order) that belongs to the hit's section (or its parent's)."""
    key = tuple(hit.trail[: max(0, len(hit.trail) - up)]) if up else tuple(hit.trail)
    position = next((i for i, c in enumerate(around) if c.chunk_id == hit.chunk_id), None)
    if position is None:
        return [hit]
    lo = hi = position
    while lo > 0 and _has_prefix(around[lo - 1].trail, key) and around[lo - 1].index == around[lo].index - 1:
        lo -= 1
    while (
        hi + 1 < len(around)
        and _has_prefix(around[hi + 1].trail, key)
        and around[hi + 1].index == around[hi].index + 1
    ):
        hi += 1
    return list(around[lo : hi + 1])


def grow(hit: Hit, section: Sequence[Hit], budget_chars: int) -> list[Hit]:
    """The hit and its neighbours inside ``section`` within the budget, following chunks first."""
    position = next(i for i, c in enumerate(section) if c.chunk_id == hit.chunk_id)
    if sum(len(c.text) for c in section) <= budget_chars:
        return list(section)
    lo = hi = position
    used = len(hit.text)
    while True:
        grew = False
        for step in (1, -1):
            j = hi + 1 if step == 1 else lo - 1
            if 0 <= j < len(section) and used + len(section[j].text) <= budget_chars:
                used += len(section[j].text)
                lo, hi = min(lo, j), max(hi, j)
                grew = True
        if not grew:
            return list(section[lo : hi + 1])


def expand(
    hits: Sequence[Hit],
    manifest: Manifest,
    *,
    budget_chars: int = 2400,
    up: int = 0,
    cosines: dict[str, float | None] | None = None,
) -> list[Passage]:
    """Each hit grown into its section (see the module doc), merged per document, best first."""
    passages: list[Passage] = []
    cache: dict[tuple[int, int], list[Hit]] = {}
    for rank, hit in enumerate(hits, start=1):
        if not hit.doc_id:
            chunks = [hit]
        else:
            key = (hit.doc_id, hit.index)
            if key not in cache:
                cache[key] = manifest.neighbours(hit.doc_id, hit.index - WINDOW, hit.index + WINDOW)
            around = cache[key] or [hit]
            levels = up if len(hit.trail) > up else 0
            chunks = grow(hit, section_of(hit, around, levels), budget_chars)
        cosine = (cosines or {}).get(hit.chunk_id, hit.dense_score)
        passage = Passage(chunks=list(chunks), hits={hit.chunk_id}, rank=rank, score=hit.score, cosine=cosine)
        _merge_into(passages, passage, budget_chars)
    return passages


def _touch(a: Passage, b: Passage) -> bool:
    """True when two passages of one document overlap or are next to each other."""
    if a.doc_id != b.doc_id or not a.doc_id:
        return False
    (lo1, hi1), (lo2, hi2) = a.span, b.span
    return lo2 <= hi1 + 1 and lo1 <= hi2 + 1


def _merged(a: Passage, b: Passage) -> Passage:
    chunks = {x.chunk_id: x for x in [*a.chunks, *b.chunks]}
    return Passage(
        chunks=sorted(chunks.values(), key=lambda x: x.index),
        hits=a.hits | b.hits,
        rank=min(a.rank, b.rank),
        score=max(a.score, b.score),
        cosine=max((x for x in (a.cosine, b.cosine) if x is not None), default=None),
    )


def _holds(a: Passage, b: Passage) -> bool:
    return a.span[0] <= b.span[0] and b.span[1] <= a.span[1]


def _merge_into(passages: list[Passage], new: Passage, budget_chars: int) -> None:
    """Add ``new``, merged with every passage of its document it overlaps or touches (in place).

    A merge that would pass 1.5 × the budget is skipped unless one passage holds the other,
    so one document cannot take the whole context. Passages stay ordered by their best rank.
    """
    current = new
    merged = True
    while merged:
        merged = False
        for i, old in enumerate(passages):
            if not _touch(old, current):
                continue
            candidate = _merged(old, current)
            size = sum(len(x.text) for x in candidate.chunks)
            if size <= budget_chars * 1.5 or _holds(old, current) or _holds(current, old):
                passages.pop(i)
                current, merged = candidate, True
                break
    passages.append(current)
    passages.sort(key=lambda p: p.rank)
