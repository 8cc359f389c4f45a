"""Whether a passage in the other script holds what a model's sentence says: the e5 model's closeness.

The citation check (:func:`assistant.grounding.verify_citations`) judges a sentence by the
words and numbers it shares with its passage. A Thai answer from an English passage shares
neither words nor, often, the script of its numbers, so across scripts the check first asks
that every number of the sentence is in the passage (a year in either era), then asks this
module: is the sentence as close in meaning to some window of the passage (one sentence, or two
in a row) as a translation is? A weak model's invented sentence on the passage's topic ("the
library stays open until 22:00") is then not cited, as it would not be in the same script.

:data:`CROSS_SUPPORT_MIN` is chosen with ``bench/cross_support.py`` on XQuAD's parallel Thai
and English paragraphs (not on the answer benchmark): translations against paragraphs of the
same article on the same subject.

Usage:
    >>> across = cross_support(similar)             # an extractive.semantic.Similar
    >>> verify_citations(text, passages, across=across)
"""

from __future__ import annotations

import itertools

from assistant import grounding as g
from assistant.extractive.semantic import Similar

CROSS_SUPPORT_MIN = 0.85
"""The e5-small cosine a sentence must reach with a window of a passage in the other script."""
MAX_WINDOWS = 60
"""A passage's first this many windows are compared (a piece the model reads is a few sentences)."""


def windows(passage: str) -> list[str]:
    """The passage's sentences, and each two sentences in a row (a claim may join two)."""
    sentences = [s for s in g.split_sentences(g.strip_markers(passage)) if s.strip()]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(sentences)]
    return [*sentences, *pairs][:MAX_WINDOWS]


def closest_window(similar: Similar, sentence: str, passage: str) -> float:
    """The highest cosine between ``sentence`` and a window of ``passage`` (0 when it has none)."""
    texts = windows(passage)
    if not texts:
        return 0.0
    return max(similar(g.strip_markers(sentence), texts))


def cross_support(similar: Similar | None) -> g.Across | None:
    """A judge for :func:`~assistant.grounding.verify_citations`'s ``across``; None without a model.

    A failing model answers "not supported": a sentence that cannot be checked is not cited.
    """
    if similar is None:
        return None

    def across(sentence: str, passage: str) -> bool:
        try:
            return closest_window(similar, sentence, passage) >= CROSS_SUPPORT_MIN
        except Exception:
            import logging

            logging.getLogger(__name__).warning("cross-script support check failed", exc_info=True)
            return False

    return across
