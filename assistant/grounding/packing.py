"""Context packing: passages fitted into the model's token budget, trimmed to their best sentences."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.grounding.markers import MARKER, strip_markers
from assistant.grounding.text import clean_line, content_terms, estimate_tokens, split_sentences


@dataclass(frozen=True)
class PassageText:
    """One passage to pack: its text and the header that precedes it in the prompt."""

    text: str
    header: str = ""


def sentence_scores(sentences: Sequence[str], query: str) -> list[float]:
    """How relevant each sentence is to the query: the share of the query's words it contains."""
    q_terms = content_terms(query)
    if not q_terms:
        return [0.0] * len(sentences)
    return [len(q_terms & content_terms(s)) / len(q_terms) for s in sentences]


def best_sentences(text: str, query: str, budget_tokens: int, max_sentences: int | None = None) -> str:
    """The sentences of ``text`` that best match ``query`` and fit ``budget_tokens``, in text order.

    Sentences are ranked by :func:`sentence_scores` (ties: earlier first) and taken while
    they fit; sentences sharing no word with the query are left out unless none shares
    any; gaps are shown as " … ". When even the best sentence does not fit, it is cut
    to the budget. Returns "" when the budget is below one token.
    """
    sentences = split_sentences(text)
    if not sentences or budget_tokens < 1:
        return ""
    scores = sentence_scores(sentences, query)
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    if scores[order[0]] > 0:
        order = [i for i in order if scores[i] > 0]
    chosen: list[int] = []
    used = 0
    for i in order:
        cost = estimate_tokens(sentences[i]) + 1
        if used + cost > budget_tokens:
            continue
        chosen.append(i)
        used += cost
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
    if not chosen:
        return cut_to_tokens(sentences[order[0]], budget_tokens)
    return _join_with_gaps(sentences, sorted(chosen))


def _join_with_gaps(sentences: Sequence[str], chosen: Sequence[int]) -> str:
    """Join chosen sentences, marking skipped ones with " … "."""
    parts: list[str] = []
    for pos, i in enumerate(chosen):
        if pos and i != chosen[pos - 1] + 1:
            parts.append("…")
        parts.append(sentences[i])
    return " ".join(parts)


def cut_to_tokens(text: str, budget_tokens: int) -> str:
    """``text`` cut (at a space when possible) to about ``budget_tokens`` tokens, with "…" when cut."""
    if estimate_tokens(text) <= budget_tokens:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if estimate_tokens(text[:mid]) + 1 <= budget_tokens:
            low = mid
        else:
            high = mid - 1
    cut = text[:low]
    space = cut.rfind(" ")
    if space > len(cut) * 0.6:
        cut = cut[:space]
    return cut.rstrip() + " …" if cut else ""


MIN_PASSAGE_TOKENS = 30
"""A passage that cannot get at least this many tokens of the budget is left out."""


def pack_passages(passages: Sequence[PassageText], query: str, budget_tokens: int) -> list[str]:
    """Fit passages into ``budget_tokens``; returns their (possibly trimmed) texts, best first.

    Passages are taken in order (best first). Each gets an equal share of what is left of
    the budget, but at least :data:`MIN_PASSAGE_TOKENS` plus its header; a passage that
    fits its share goes in whole, else it is trimmed to its sentences most relevant to the
    query (:func:`best_sentences`). Budget a passage does not use flows to the next. When
    what is left is below that minimum, the remaining passages are left out, so the result
    may be shorter than the input.
    """
    texts: list[str] = []
    remaining = budget_tokens
    for i, passage in enumerate(passages):
        header = estimate_tokens(passage.header) + 1
        share = max(remaining // (len(passages) - i), header + MIN_PASSAGE_TOKENS)
        if share > remaining:
            break
        full = "\n".join(clean_line(line) for line in passage.text.splitlines() if clean_line(line))
        if estimate_tokens(full) <= share - header:
            text = full
        else:
            text = best_sentences(passage.text, query, share - header)
        if not text:
            break
        texts.append(text)
        remaining -= header + estimate_tokens(text)
    return texts


def sanitize_passage(text: str, fences: Iterable[str]) -> str:
    """Passage text made safe to fence: fence markers removed, ``[n]`` shown as ``(n)``.

    A document that contains the fence strings could otherwise "close" the quoted block
    and pose as instructions; bracketed numbers would be confused with citation markers.
    """
    for fence in fences:
        if fence:
            text = re.sub(re.escape(fence), " ", text, flags=re.IGNORECASE)
    text = MARKER.sub(lambda m: f"({m.group(1)})", text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def terms_of(text: str, limit: int, exclude: Iterable[str] = ()) -> list[str]:
    """Up to ``limit`` distinct content words of ``text`` in order, leaving out ``exclude``."""
    from ingest.lexical import tokenize

    skip = set(exclude)
    out: list[str] = []
    for term in tokenize(strip_markers(text)):
        if term not in skip and term not in out:
            out.append(term)
        if len(out) >= limit:
            break
    return out
