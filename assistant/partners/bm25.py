"""Okapi BM25 over the short texts of the registry (capabilities, resources, names)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

BM25_K1 = 1.5
BM25_B = 0.75


class BM25:
    """Okapi BM25 over short texts (each a list of terms), with an inverted index in numpy arrays."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = BM25_K1, b: float = BM25_B) -> None:
        """Index ``docs`` (lists of terms)."""
        self.size = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        avg = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        postings: dict[str, dict[int, int]] = {}
        for i, terms in enumerate(docs):
            for term in terms:
                slot = postings.setdefault(term, {})
                slot[i] = slot.get(i, 0) + 1
        self.index: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, docs_tf in postings.items():
            ids = np.fromiter(docs_tf.keys(), dtype=np.int64, count=len(docs_tf))
            tf = np.fromiter(docs_tf.values(), dtype=np.float32, count=len(docs_tf))
            df = len(docs_tf)
            idf = math.log(1 + (self.size - df + 0.5) / (df + 0.5))
            norm = k1 * (1 - b + b * lengths[ids] / avg)
            self.index[term] = (ids, (idf * tf * (k1 + 1) / (tf + norm)).astype(np.float32))

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the query terms (each distinct term counted once)."""
        out = np.zeros(self.size, dtype=np.float32)
        for term in dict.fromkeys(terms):
            hit = self.index.get(term)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out
