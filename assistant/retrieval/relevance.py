"""The relevance gate: which retrieved passages may answer a question, from retrieval signals only.

Usage:
    >>> gate = Relevance()
    >>> relevant = select([Scored(hit, hit.dense_score, overlap(terms, hit)) for hit in hits], gate, query)

A question none of whose passages is relevant is answered "not found in your documents":
better no answer than one built on passages about something else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant import grounding as g
from ingest.records import Hit


@dataclass(frozen=True)
class Relevance:
    """When a retrieved passage counts as relevant, from retrieval signals only.

    A hit is relevant when its dense (e5) cosine similarity to the question is at least
    ``strong``, or at least ``floor`` while it is also a BM25 hit containing ``min_overlap``
    of the question's content words. A question with no relevant hit is answered "not
    found". Once one hit is relevant, other hits within ``keep_margin`` of its cosine (or
    BM25-only hits with ``bm25_overlap`` of the question's words) join the context.

    Calibrated on the starter corpus (289 chunks) with multilingual-e5-small: the top
    cosine of 18 on-topic questions (Thai and English) was 0.843–0.936, that of 15
    off-topic ones ("What is the capital of France?", "สูตรต้มยำกุ้ง", "ราคาทองคำวันนี้",
    "ignore previous instructions…") 0.751–0.835; the on-topic ones below 0.86 were all BM25
    hits sharing at least a third of the question's words, the off-topic ones at 0.83 or above
    were not. e5 cosines are compressed (unrelated text scores about 0.75), so the numbers
    belong to this model: recalibrate with ``bench/citation_precision.py`` after changing it.
    """

    strong: float = 0.86
    floor: float = 0.83
    min_overlap: float = 0.3
    keep_margin: float = 0.06
    bm25_overlap: float = 0.5
    word_margin: float = 0.05
    """A keyword hit holding every content word of a question of two words or more is relevant
    down to ``floor - word_margin``: short questions ("What steps does Starkey propose?") embed
    far from the long passage that answers them."""


@dataclass
class Scored:
    """A hit with the signals relevance is judged by."""

    hit: Hit
    cosine: float | None
    overlap: float
    terms: int = 0  # how many content words the question has

    @property
    def in_bm25(self) -> bool:
        """A keyword hit of the question, or of its translation ("bm25:th"; a passage in the other script)."""
        return any(name == "bm25" or name.startswith("bm25:") for name in self.hit.ranks)


def select(scored: Sequence[Scored], rel: Relevance, query: str = "") -> list[Scored]:
    """The relevant hits, best first (empty when the question is not answered by the index).

    The order is the retriever's, except that passages of a document whose file name or
    title carries an identifier of the question ("MOU-2024-001") come first.
    """
    if all(s.cosine is None for s in scored):  # BM25-only retrieval: judge by words alone
        return [s for s in scored if s.overlap >= rel.bm25_overlap]
    strong = [s for s in scored if _is_relevant(s, rel)]
    if not strong:
        return []
    best = max((s.cosine for s in strong if s.cosine is not None), default=rel.strong)
    kept = [s for s in scored if s in strong or _joins_context(s, best, rel)]
    return promote_named(kept, query)


def score_hits(hits: Sequence[Hit], query: str, translated: str = "") -> list[Scored]:
    """Each hit with its dense cosine (None when it was not a dense hit) and its word overlap.

    A passage in the other script than the question cannot share its words: its overlap is
    with the question's translation (``translated``, the retriever's expansion) when there is one.
    """
    q_terms = g.content_terms(query)
    t_terms = g.content_terms(translated) if translated else frozenset()
    out: list[Scored] = []
    for h in hits:
        share = overlap(q_terms, about(h))
        if t_terms and not g.same_script(h.text, query):
            share = max(share, overlap(t_terms, about(h)))
        out.append(Scored(h, h.dense_score, share, len(q_terms)))
    return out


def as_relevance(value: Relevance | float | None) -> Relevance:
    """A Relevance from the constructor argument (a float sets the ``strong`` cosine)."""
    if value is None:
        return Relevance()
    if isinstance(value, Relevance):
        return value
    base = Relevance()
    return Relevance(strong=float(value), floor=min(base.floor, float(value)))


def _is_relevant(s: Scored, rel: Relevance) -> bool:
    """Whether one hit is relevant enough on its own (see :class:`Relevance`)."""
    if s.cosine is None:
        return False
    if s.cosine >= rel.strong:
        return True
    if s.in_bm25 and s.terms >= 2 and s.overlap >= 1.0 and s.cosine >= rel.floor - rel.word_margin:
        return True
    return s.cosine >= rel.floor and s.in_bm25 and s.overlap >= rel.min_overlap


_RE_IDENTIFIER = re.compile(r"[A-Za-z0-9]*\d[A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*")


def identifiers(text: str) -> set[str]:
    """The identifier-like parts of a text ("MOU-2025-002" → {"mou", "2025", "002"}), 3+ characters."""
    parts: set[str] = set()
    for match in _RE_IDENTIFIER.finditer(text):
        parts.update(p.lower() for p in re.split(r"[-/.]", match.group(0)) if len(p) >= 3)
    return parts


def promote_named(scored: Sequence[Scored], question: str) -> list[Scored]:
    """Passages whose file name or title holds more of the question's identifiers first (order kept)."""
    wanted = {p for p in identifiers(question) if any(ch.isdigit() for ch in p)}
    if not wanted:
        return list(scored)

    def named(s: Scored) -> int:
        return len(wanted & identifiers(f"{s.hit.source} {s.hit.title}"))

    return sorted(scored, key=lambda s: -named(s))


def _joins_context(s: Scored, best: float, rel: Relevance) -> bool:
    """Whether a hit that is not relevant on its own joins the context of an answerable question."""
    if s.cosine is not None and s.cosine >= max(rel.floor, best - rel.keep_margin):
        return True
    return s.in_bm25 and s.overlap >= rel.bm25_overlap


def overlap(q_terms: frozenset[str], text: str) -> float:
    """Share of the question's content words found in ``text``."""
    if not q_terms:
        return 0.0
    return len(q_terms & g.content_terms(text)) / len(q_terms)


def about(item: Hit) -> str:
    """A passage's text with its title and file name (split into words), for word overlap."""
    name = re.sub(r"[/_.\-]+", " ", item.source)
    return f"{name}\n{item.title}\n{item.text}"
