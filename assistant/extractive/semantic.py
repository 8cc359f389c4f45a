"""How close a candidate list is in meaning to the question: the e5 model's cosine.

The skeleton's word scores find the list whose lead-in and items share the question's
words. When several lists share them (a university's strategies and its IT plan's, an
MOU's aims and its areas of cooperation), the one whose gist is closest in meaning to the
question is the better bet: :class:`SentenceSimilarity` gives that closeness, and
:func:`~assistant.extractive.lists.list_skeleton` adds it to a list's score.

Measured on the dev half of ``bench/answer_quality.py`` (2026-12-07): adding it to lists
(weight 0.15) took key-point recall from 0.691 to 0.702 with refusals unchanged; adding it to
single sentences as well changed answers both ways (recall 0.697, one correct refusal lost),
so sentences are chosen by their words alone. Tried again on the grown dev half (99
questions, 30 new ones not tuned on): weight 0.1 gave recall 0.633 → 0.642 and cost a correct
refusal (0.875 → 0.812); letting a sentence at cosine ≥ 0.90 answer without the question's
words changed nothing (no best sentence reaches it: on-topic questions the documents do not
answer reach 0.85–0.89, as answerable ones do).

The model is the one that indexed the documents (e5 cosines are compressed: unrelated text
scores about 0.75, a sentence that answers 0.85 and more), so :func:`closeness` maps a
cosine onto 0–1 between :data:`UNRELATED` and :data:`ANSWERS`.

Usage:
    >>> similar = SentenceSimilarity(embedder)         # ingest.embeddings.Embedder
    >>> similar("Who chairs the fund's board?", ["The board is chaired by …", "…"])
    [0.87, 0.79]
    >>> compose(question, pieces, similar=similar)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Similar = Callable[[str, Sequence[str]], list[float]]
"""(question, texts) → the cosine of each text to the question."""

UNRELATED = 0.78
"""An e5-small cosine at or below which a sentence is taken as unrelated to the question."""
ANSWERS = 0.90
"""An e5-small cosine at or above which a sentence is as close as answers get."""
CACHED_TEXTS = 2000
"""How many texts' vectors :class:`SentenceSimilarity` keeps (a few questions' contexts)."""
MAX_SENTENCES = 160
"""At most this many texts are embedded per question (the context's first, in order)."""


class SentenceSimilarity:
    """The e5 cosine between a question (``query:``) and texts (``passage:``), with the index's model."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}  # text -> passage vector: the parts of one question
        # and its lists and sentences embed the same context; kept for the last CACHED_TEXTS texts

    def __call__(self, question: str, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        query = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
        known = {t: v for t in texts if (v := self._vectors.get(t)) is not None}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            try:
                vectors = self.embedder.embed_passages(missing, urgent=True)
            except TypeError:  # an embedder without the urgent turn (a test double, an older one)
                vectors = self.embedder.embed_passages(missing)
            fresh = dict(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
            known.update(fresh)
            if len(self._vectors) + len(fresh) > CACHED_TEXTS:
                self._vectors = {}  # a new dict: a caller reading the old one is not disturbed
            self._vectors.update(fresh)
        return [float(known[t] @ query) for t in texts]


def closeness(cosine: float) -> float:
    """A cosine on 0–1: 0 at :data:`UNRELATED` or below, 1 at :data:`ANSWERS` or above."""
    return min(1.0, max(0.0, (cosine - UNRELATED) / (ANSWERS - UNRELATED)))


def similarities(similar: Similar | None, question: str, texts: Sequence[str]) -> list[float | None]:
    """The cosine of each text (the first :data:`MAX_SENTENCES`), None where it was not measured.

    A failing model costs only the measure: every text is then None, and the word scores decide.
    """
    if similar is None or not texts:
        return [None] * len(texts)
    head = list(texts[:MAX_SENTENCES])
    try:
        found = similar(question, head)
    except Exception:
        import logging

        logging.getLogger(__name__).warning("sentence similarity failed", exc_info=True)
        return [None] * len(texts)
    return [*found, *[None] * (len(texts) - len(head))]
