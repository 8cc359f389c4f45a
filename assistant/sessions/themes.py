"""Grouping questions by theme: average-linkage clustering of e5 query vectors, labelled by key terms."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

THEME_THRESHOLD = 0.87
"""Mean e5 cosine at which two question groups count as one theme (see the package docstring)."""
THEME_TERMS = 3


def group_by_theme(
    texts: Sequence[str], vectors: Sequence[Sequence[float]], threshold: float = THEME_THRESHOLD
) -> list[list[int]]:
    """Average-linkage agglomerative clustering of unit vectors by cosine; deterministic.

    Repeatedly merges the pair of groups with the highest mean pairwise cosine while it is at
    least ``threshold`` (ties: the pair with the smallest indices). Returns groups of indices,
    each in ascending order, ordered by size (largest first) then by first index.
    """
    import numpy as np

    n = len(texts)
    if n == 0:
        return []
    m = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    m = m / np.where(norms == 0, 1, norms)
    sim = m @ m.T
    groups: list[list[int]] = [[i] for i in range(n)]
    while len(groups) > 1:
        best: tuple[float, int, int] | None = None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                score = float(sim[np.ix_(groups[a], groups[b])].mean())
                if best is None or score > best[0] + 1e-12:
                    best = (score, a, b)
        assert best is not None
        score, a, b = best
        if score < threshold:
            break
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def theme_label(questions: Iterable[str], limit: int = THEME_TERMS) -> str:
    """The group's most frequent key terms (ties: first seen), e.g. ``"แฟ้ม · ผลงาน · ส่วน"``."""
    from ingest.lexical import tokenize

    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for q in questions:
        for term in dict.fromkeys(tokenize(q)):
            counts[term] += 1
            first.setdefault(term, len(first))
    ranked = sorted(counts, key=lambda t: (-counts[t], first[t]))
    return " · ".join(ranked[:limit])
