"""Answers made of the documents' own words: the skeleton every answer stands on.

Usage:
    >>> skeleton = compose(question, pieces)      # pieces: the numbered, cited context
    >>> skeleton.render()
    'องค์ประกอบของเครือข่าย … 7 ประการ [1]\\n1. วิสัยทัศน์และเป้าหมายร่วมกัน [1]\\n2. …'

Without a model this is the answer; with one, the model's answer must cover at least as
much of it, or this is shown instead. Three shapes, chosen by :mod:`assistant.extractive.questions`:

* **list** – the enumerated items of the best list in the context, in document order,
  each with its citation, after the lead-in that announced them. A list is a run of list
  items (``1.``, ``(๒)``, bullets) or of sibling headings (``## 1. …``, ``มาตรา …``) under
  one parent. Lists are scored by how much of the question their lead-in, parent heading
  and items share, how early their passage was retrieved, and whether their length is the
  number the text announces ("… 7 ประการ").
* **fact** – the sentence that holds the fact, with the fact (a date, a number, a name)
  first when it can be picked out.
* **explain** – the best two or three sentences, in document order.

Sentences are scored by the question's words weighted by rarity (a word found in every
passage says little), plus its terms in the other language (the glossary's translation)
so an English question can pick a Thai sentence.

Modules (one concept each; this package re-exports their public names):

* :mod:`~assistant.extractive.skeleton` — :class:`Piece`, :class:`Line`, :class:`Skeleton` and its rendering;
* :mod:`~assistant.extractive.terms` — :class:`Terms` (rarity weights), :func:`about`, :func:`names_match`;
* :mod:`~assistant.extractive.facts` — the answer types' patterns, :func:`holds_type`, :func:`pick_fact`;
* :mod:`~assistant.extractive.lists` — the lists of the context, :func:`list_skeleton`;
* :mod:`~assistant.extractive.sentences` — :func:`sentence_skeleton`, :func:`answerable`;
* :mod:`~assistant.extractive.compose` — :func:`compose`, :func:`definition_skeleton`, compound questions.

Two more, used by the answering pipeline too and not re-exported (import them from there):

* :mod:`~assistant.extractive.questions` — what a question asks for (list, fact of a type,
  explanation), which picks the shape above;
* :mod:`~assistant.extractive.definitions` — where a text says what a term means, for the
  definition questions.
"""

from __future__ import annotations

from assistant.extractive.compose import _compound as _compound
from assistant.extractive.compose import compose, definition_skeleton
from assistant.extractive.facts import holds_type, in_a_range, pick_fact
from assistant.extractive.lists import (
    INTRO_CHARS,
    LABEL_CHARS,
    LEAD_CHARS,
    TERM_WORDS,
    items_text_of,
    list_skeleton,
)
from assistant.extractive.lists import _candidates as _candidates
from assistant.extractive.numbering import announced as _announced  # noqa: F401
from assistant.extractive.sentences import _sentences as _sentences
from assistant.extractive.sentences import answerable, sentence_skeleton
from assistant.extractive.skeleton import (
    EXPLAIN_SENTENCES,
    ITEM_CHARS,
    MAX_ITEMS,
    MIN_SCORE,
    SAME_LANGUAGE,
    Line,
    Piece,
    Skeleton,
)
from assistant.extractive.terms import Terms, about, names_match

# _compound, _announced, _candidates and _sentences (private) stay reachable here for debugging
__all__ = [
    "EXPLAIN_SENTENCES",
    "INTRO_CHARS",
    "ITEM_CHARS",
    "LABEL_CHARS",
    "LEAD_CHARS",
    "MAX_ITEMS",
    "MIN_SCORE",
    "SAME_LANGUAGE",
    "TERM_WORDS",
    "Line",
    "Piece",
    "Skeleton",
    "Terms",
    "about",
    "answerable",
    "compose",
    "definition_skeleton",
    "holds_type",
    "in_a_range",
    "items_text_of",
    "list_skeleton",
    "names_match",
    "pick_fact",
    "sentence_skeleton",
]
