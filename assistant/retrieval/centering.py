"""Query centering: part of what every question of a language shares is taken out before the dense search.

Usage:
    >>> centering = QueryCentering.for_embedder(embedder)       # built once per model, lazily
    >>> vector = centering.apply(embedder.embed_query(q), "en")  # search Chroma with this vector

A multilingual encoder's vectors carry the language of a text as well as what it says: every
English question leans towards English passages, whatever it asks. The mean query vector of a
language (here, of the team's sample questions in ``corpus/sample_questions.yaml``) is that
shared direction; subtracting ``weight`` of it (Libovický et al., 2020, "On the Language
Neutrality of Pre-trained Multilingual Representations") leaves more of what the question asks,
so an English question can reach the Thai passage that answers it.

The stored passage vectors are not touched: only the vector a search is run with changes, and
each hit keeps its plain cosine to the question (the relevance gate's thresholds are calibrated
on plain cosines). The weight was chosen on the dev half of ``bench/retrieval_real.py``
(2026-12-07, hybrid search): 0 → 0.55 took recall@5 0.771 → 0.802, MRR 0.644 → 0.671 and
English→Thai recall@5 0.57 → 0.68; a weight of 1 took MRR down to 0.618. Means from other
question sets (the benchmarks' own) point the same way (cosine 0.99 with these).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

WEIGHT = 0.55
"""How much of a language's mean question vector is taken out (0 turns centering off)."""
MIN_QUESTIONS = 10
"""A language needs at least this many sample questions for its mean to be used."""


@dataclass(frozen=True)
class QueryCentering:
    """The mean query vector of each language and how much of it a search leaves out."""

    means: dict[str, np.ndarray]
    weight: float = WEIGHT

    def apply(self, vector: list[float], language: str) -> list[float]:
        """``vector`` without ``weight`` of its language's mean, normalised; unchanged for a language
        without a mean (a mixed-script question)."""
        mean = self.means.get(language)
        if mean is None or self.weight <= 0:
            return vector
        centred = np.asarray(vector, dtype=np.float32) - self.weight * mean
        norm = float(np.linalg.norm(centred))
        return (centred / norm).tolist() if norm > 0 else vector

    @classmethod
    def from_questions(
        cls, embedder: Any, questions: dict[str, list[str]], weight: float = WEIGHT
    ) -> QueryCentering:
        """The centering of ``embedder``'s query vectors from sample questions per language."""
        means: dict[str, np.ndarray] = {}
        for language, texts in questions.items():
            if len(texts) < MIN_QUESTIONS:
                continue
            vectors = np.asarray(embedder.embed_queries(texts), dtype=np.float32)
            means[language] = vectors.mean(axis=0)
        return cls(means, weight)

    @classmethod
    def for_embedder(cls, embedder: Any, corpus_dir: Path | str | None = None) -> QueryCentering | None:
        """The centering of ``embedder`` (computed once per model folder and corpus), or None when the
        embedder cannot embed a batch of questions (a test double) or there are no sample questions."""
        if not callable(getattr(embedder, "embed_queries", None)):
            return None
        if corpus_dir is None:
            from assistant.settings import get_settings

            corpus_dir = get_settings().corpus_dir
        key = (str(getattr(embedder, "model_dir", id(embedder))), str(corpus_dir))
        with _lock:
            if key not in _cache:
                questions = sample_questions(Path(corpus_dir))
                try:
                    _cache[key] = cls.from_questions(embedder, questions) if questions else None
                except Exception as exc:  # a model that fails here fails the search too; say it there
                    log.warning("query centering is off: %s", exc)
                    _cache[key] = None  # not tried again on every search
            return _cache[key]


_cache: dict[tuple[str, str], QueryCentering | None] = {}
_lock = threading.Lock()


def sample_questions(corpus_dir: Path) -> dict[str, list[str]]:
    """The sample questions of ``corpus_dir/sample_questions.yaml`` by language ({} when it is absent)."""
    from assistant.datafiles import DataFileError, load_mapping

    path = corpus_dir / "sample_questions.yaml"
    data = load_mapping(path, default={})
    out: dict[str, list[str]] = {}
    for language, texts in data.items():
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise DataFileError(path, f"{path}: '{language}' must be a list of questions")
        out[str(language)] = [t.strip() for t in texts if t.strip()]
    return out
