"""Grounded answering: retrieve, grow hits into sections, build the cited skeleton, let the model write in it.

Usage:
    >>> answerer = Answerer(retriever, llm=None)               # extractive ("none") mode
    >>> answer = answerer.ask("องค์ประกอบของเครือข่ายมีอะไรบ้าง")
    >>> answer.text, [c.source for c in answer.citations]
    >>> for event in Answerer(retriever, chat_model, "embedded").stream("What is SDG 4?"):
    ...     ...  # PASSAGES, SKELETON, then TOKEN pieces (prose), then one FINAL

The steps of :meth:`Answerer.stream`:

1. The question is checked (empty → ValueError, very long → cut with a note) and analysed
   (:mod:`assistant.extractive.questions`): its language, and whether it wants a list, a fact or an
   explanation. A follow-up is rewritten into a standalone query.
2. Hybrid retrieval in both languages (:mod:`assistant.retrieval.hybrid`); the relevance gate
   (:mod:`assistant.retrieval.relevance`) keeps the passages that may answer. None → "not found".
3. Small-to-big (:mod:`assistant.retrieval.context`): each relevant chunk grows into its section;
   each page of each section becomes a numbered piece [n] with its document and page.
4. The skeleton (:mod:`assistant.extractive`): the enumerated items of the best list, or
   the sentence that holds the fact, each line citing its piece. No skeleton → "not found".
5. Without a model, the skeleton is the answer. With one, the model gets the pieces
   (trimmed to the token budget, list items and the question's sentences kept) and writes
   a JSON list of points, each naming its piece; prose is accepted too. Every sentence is
   verified against the piece it cites (:func:`assistant.grounding.verify_citations`). The
   model's answer is kept only when it passes the checks and covers at least as much of
   the skeleton's list; otherwise the skeleton is the answer, with a note saying why.

Modules (one concept each; this package re-exports their names):

* :mod:`~assistant.ask.prompts` — :class:`Prompts`, :func:`load_prompts`;
* :mod:`~assistant.ask.context` — :class:`Context`, :func:`number_pieces`;
* :mod:`~assistant.ask.answerer` — :class:`Answerer`: the question, follow-ups, retrieval, the stream;
* :mod:`~assistant.ask.model_answer` — the model's prompt, reply, checks and the skeleton fallback;
* :mod:`~assistant.ask.helpers` — pure helpers: :func:`check_question`, follow-up rewrites, piece text.
"""

from __future__ import annotations

from assistant.ask.answerer import Answerer
from assistant.ask.context import MAX_PASSAGES, SECTION_CHARS, Context, number_pieces
from assistant.ask.helpers import (
    FOLLOW_UP_MIN_TERMS,
    HISTORY_TURN_CHARS,
    MAX_QUESTION_CHARS,
    check_question,
    clean_rewrite,
    expand_with_history,
    is_follow_up,
    unreadable_question,
)
from assistant.ask.helpers import _claims as _claims
from assistant.ask.helpers import _covers as _covers
from assistant.ask.helpers import _interleave as _interleave
from assistant.ask.helpers import _piece_header as _piece_header
from assistant.ask.helpers import _render_points as _render_points
from assistant.ask.helpers import _short as _short
from assistant.ask.helpers import _trim_piece as _trim_piece
from assistant.ask.helpers import _with_quotes as _with_quotes
from assistant.ask.model_answer import LOOP_CHECK_EVERY, MAX_ANSWER_CHARS, ModelAnswer
from assistant.ask.prompts import PROMPTS_DIR, Prompts, load_prompts
from assistant.llm.checks import (
    DECLINED,
    NOT_FOUND_MESSAGES,
    drop_echo_lines,
    leaks_prompt,
    output_problems,
    says_not_found,
)
from assistant.retrieval.relevance import Relevance, Scored, identifiers, promote_named

__all__ = [
    "DECLINED",
    "FOLLOW_UP_MIN_TERMS",
    "HISTORY_TURN_CHARS",
    "LOOP_CHECK_EVERY",
    "MAX_ANSWER_CHARS",
    "MAX_PASSAGES",
    "MAX_QUESTION_CHARS",
    "NOT_FOUND_MESSAGES",
    "PROMPTS_DIR",
    "SECTION_CHARS",
    "Answerer",
    "Context",
    "ModelAnswer",
    "Prompts",
    "Relevance",
    "Scored",
    "check_question",
    "clean_rewrite",
    "drop_echo_lines",
    "expand_with_history",
    "identifiers",
    "is_follow_up",
    "leaks_prompt",
    "load_prompts",
    "number_pieces",
    "output_problems",
    "promote_named",
    "says_not_found",
    "unreadable_question",
]
