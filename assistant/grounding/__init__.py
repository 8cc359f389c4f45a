"""Grounding: compact numbered context for the model, and checks of what the model wrote.

Everything here is a pure function of its arguments (no model, no index), so it can be
unit-tested on strings. :mod:`assistant.ask` puts the pieces together.

Building the context
    * :func:`estimate_tokens` guesses prompt cost without a tokenizer: Thai costs about
      1 token per 1.4 characters on the embedded model, everything else about 1 per 4.
    * :func:`pack_passages` fits passages into a token budget, trimming a passage to its
      sentences that share most words with the question when it does not fit whole.
    * :func:`sanitize_passage` neutralises what could break the fence around retrieved
      text (fence markers, ``[n]`` markers) so that a document cannot pose as the prompt.

Checking the answer
    * :func:`parse_markers` / :func:`rewrite_markers` read and clean ``[n]``, ``[1, 2]``,
      ``[1][2]`` and ``[1-3]`` markers.
    * :func:`verify_citations` drops numbers that are not in the context and checks that
      every cited passage shares content with the sentence citing it
      (:data:`SUPPORT_MIN` of the sentence's content words, at least :data:`SUPPORT_MIN_SHARED`).
    * :func:`language_mismatch`, :func:`cjk_leak` and :func:`has_repetition` detect the weak
      model's usual failures: wrong language, Chinese/Japanese/Korean leakage and loops.

Sentence splitting (:func:`split_sentences`)
    English: after ``.``, ``!`` or ``?`` (and any citation markers) when the next word starts
    with a capital, a Thai letter, a bracket or a quote; and at line breaks. Thai has no
    sentence punctuation: writers put a space between sentences and phrases, so a space
    between two Thai letters (or after a citation marker, before a Thai letter) is a boundary.
    Thai phrases are short, so consecutive pieces are joined until a sentence has at least
    :data:`THAI_MIN_SENTENCE` characters or ends with a citation marker. (pythainlp's
    ``sent_tokenize`` on its offline engine splits on every space, which is the same rule
    without the joining.)

Modules (one concept each; this package re-exports their public names):

* :mod:`~assistant.grounding.markers` — citation markers: parse, strip, rewrite;
* :mod:`~assistant.grounding.text` — the thresholds, token estimates, language, loops, Thai-aware
  sentence splitting, content terms and support;
* :mod:`~assistant.grounding.verification` — :func:`verify_citations` and moving markers;
* :mod:`~assistant.grounding.packing` — fitting passages into the token budget, sanitising them.
"""

from __future__ import annotations

from assistant.grounding.markers import MARKER, parse_markers, rewrite_markers, strip_markers
from assistant.grounding.packing import (
    MIN_PASSAGE_TOKENS,
    PassageText,
    best_sentences,
    cut_to_tokens,
    pack_passages,
    sanitize_passage,
    sentence_scores,
    terms_of,
)
from assistant.grounding.text import (
    EN_MAX_THAI_SHARE,
    MIN_CHECKED_TERMS,
    OTHER_CHARS_PER_TOKEN,
    REPEAT_COUNT,
    REPEAT_SENTENCE_MIN,
    REPEAT_WINDOW,
    SPECIFIC_MIN,
    SUPPORT_MIN,
    SUPPORT_MIN_SHARED,
    THAI_CHARS_PER_TOKEN,
    THAI_MIN_SENTENCE,
    THAI_MIN_SHARE,
    cjk_leak,
    clean_line,
    content_terms,
    estimate_tokens,
    has_repetition,
    language_mismatch,
    numbers_across,
    numbers_of,
    question_language,
    same_script,
    sentence_spans,
    split_sentences,
    stem,
    support,
    supports,
    thai_share,
)

# private helpers the tests reach through the package
from assistant.grounding.text import _normalise as _normalise
from assistant.grounding.text import _repeated_window as _repeated_window
from assistant.grounding.verification import (
    Across,
    Verification,
    add_marker,
    g_has_words,
    move_leading_markers,
    verify_citations,
)

__all__ = [
    "EN_MAX_THAI_SHARE",
    "MARKER",
    "MIN_CHECKED_TERMS",
    "MIN_PASSAGE_TOKENS",
    "OTHER_CHARS_PER_TOKEN",
    "REPEAT_COUNT",
    "REPEAT_SENTENCE_MIN",
    "REPEAT_WINDOW",
    "SPECIFIC_MIN",
    "SUPPORT_MIN",
    "SUPPORT_MIN_SHARED",
    "THAI_CHARS_PER_TOKEN",
    "THAI_MIN_SENTENCE",
    "THAI_MIN_SHARE",
    "Across",
    "PassageText",
    "Verification",
    "add_marker",
    "best_sentences",
    "cjk_leak",
    "clean_line",
    "content_terms",
    "cut_to_tokens",
    "estimate_tokens",
    "g_has_words",
    "has_repetition",
    "language_mismatch",
    "move_leading_markers",
    "numbers_across",
    "numbers_of",
    "pack_passages",
    "parse_markers",
    "question_language",
    "rewrite_markers",
    "same_script",
    "sanitize_passage",
    "sentence_scores",
    "sentence_spans",
    "split_sentences",
    "stem",
    "strip_markers",
    "support",
    "supports",
    "terms_of",
    "thai_share",
    "verify_citations",
]
