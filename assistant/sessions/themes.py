"""Grouping questions by theme: average-linkage clustering of e5 query vectors, labelled by key terms.

A label is the group's most frequent key terms. The word tokenizer cuts a Thai compound into its
words (แฟ้มสะสมผลงาน, "portfolio", into แฟ้ม, สะสม, ผลงาน), which no Thai reader would write as a
topic; so a compound of the domain glossary (``<corpus>/glossary.yaml``) found in a question
counts as one term, and its own words are not repeated beside it in the label.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

THEME_THRESHOLD = 0.87
"""Mean e5 cosine at which two question groups count as one theme (see the package docstring)."""
THEME_TERMS = 3
GLOSSARY_FILE = "glossary.yaml"
"""The domain glossary in the corpus folder; its Thai forms are the compounds a label keeps whole."""


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


@lru_cache(maxsize=4)
def glossary_compounds(corpus_dir: Path | None = None) -> tuple[str, ...]:
    """The Thai forms of the glossary that the tokenizer cuts into several words, longest first.

    ``corpus_dir`` defaults to the settings' corpus folder; no glossary file means no compounds.
    """
    from assistant.datafiles import load_mapping
    from assistant.settings import get_settings
    from ingest.lexical import tokenize

    path = Path(corpus_dir or get_settings().corpus_dir) / GLOSSARY_FILE
    forms: set[str] = set()
    for entry in load_mapping(path, default={}).get("terms") or []:
        values = entry.get("th") if isinstance(entry, dict) else None
        for value in [values] if isinstance(values, str) else values or []:
            form = unicodedata.normalize("NFC", " ".join(str(value).split()))
            if form and len(tokenize(form)) > 1:
                forms.add(form)
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


def key_terms(question: str, compounds: Sequence[str] = ()) -> list[str]:
    """The question's key terms in order (the search index's terms), each of ``compounds`` kept whole.

    A compound counts where it starts and ends on word boundaries of the question (longest
    first, no overlaps): ``แฟ้มสะสมผลงานมีกี่ส่วน`` gives ``["แฟ้มสะสมผลงาน"]``, not
    ``["แฟ้ม", "สะสม", "ผลงาน"]``.
    """
    from ingest.lexical import tokenize

    text = unicodedata.normalize("NFC", question or "")
    terms: list[str] = []
    start = 0
    for a, b in _compound_spans(text, compounds):
        terms += tokenize(text[start:a])
        terms.append(text[a:b])
        start = b
    return terms + tokenize(text[start:])


def _compound_spans(text: str, compounds: Sequence[str]) -> list[tuple[int, int]]:
    """Where the compounds occur in ``text`` on word boundaries, longest first, without overlaps; in order."""
    present = [c for c in compounds if c in text]  # a cheap test first: most are in no question
    if not present:
        return []
    from pythainlp.tokenize import word_tokenize

    edges, end = {0}, 0
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        end += len(word)
        edges.add(end)
    taken = [False] * len(text)
    spans = []
    for compound in sorted(present, key=len, reverse=True):
        for match in re.finditer(re.escape(compound), text):
            a, b = match.span()
            if a in edges and b in edges and not any(taken[a:b]):
                taken[a:b] = [True] * (b - a)
                spans.append((a, b))
    return sorted(spans)


def theme_label(
    questions: Iterable[str], limit: int = THEME_TERMS, *, compounds: Sequence[str] | None = None
) -> str:
    """The group's most frequent key terms (ties: first seen), e.g. ``"แฟ้มสะสมผลงาน · ประกอบด้วย"``.

    ``compounds`` (default: :func:`glossary_compounds`) stay whole; a term nested in a chosen one
    (``ผลงาน`` beside ``แฟ้มสะสมผลงาน``, or the reverse) is left out.
    """
    compounds = glossary_compounds() if compounds is None else compounds
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for q in questions:
        for term in dict.fromkeys(key_terms(q, compounds)):
            counts[term] += 1
            first.setdefault(term, len(first))
    ranked = sorted(counts, key=lambda t: (-counts[t], first[t]))
    known = set(compounds)
    chosen: list[str] = []
    for term in ranked:
        if len(chosen) == limit:
            break
        if not any(_nested(term, other) for other in chosen if known.intersection((term, other))):
            chosen.append(term)
    return " · ".join(chosen)


def _nested(a: str, b: str) -> bool:
    """True when the words of one term are all words of the other (ผลงาน and แฟ้มสะสมผลงาน)."""
    words_a, words_b = set(_words(a)), set(_words(b))
    return words_a <= words_b or words_b <= words_a


@lru_cache(maxsize=4096)
def _words(term: str) -> tuple[str, ...]:
    from ingest.lexical import tokenize

    return tuple(tokenize(term)) or (term,)
