"""The skeleton answer of a question (:func:`compose`): a definition, a list or sentences, or parts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.extractive.definitions import asked_term, find_definition
from assistant.extractive.lists import list_skeleton
from assistant.extractive.questions import AnswerType, Kind, Question, parts
from assistant.extractive.semantic import Similar
from assistant.extractive.sentences import sentence_skeleton
from assistant.extractive.skeleton import Line, Piece, Skeleton
from assistant.extractive.terms import Terms, about, names_match


def compose(
    question: Question,
    pieces: Sequence[Piece],
    translated: str = "",
    counts: dict[str, int] | None = None,
    total: int = 0,
    similar: Similar | None = None,
    said: frozenset[str] = frozenset(),
    topic: Question | None = None,
) -> Skeleton:
    """The skeleton answer: a list for list questions (when the context has one), else sentences.

    An explanation whose best source is a list (what to consider, what to do) gets the list.
    ``counts``/``total`` give index-wide term counts for the rarity weights (see :class:`Terms`);
    ``similar`` measures sentences' closeness in meaning (:mod:`~assistant.extractive.semantic`);
    ``said``: lines an earlier part of a compound question gave (see :func:`sentence_skeleton`);
    ``topic``: the whole compound question a part belongs to; when the part asks for a typed
    value, the whole question's other words weigh a little (:meth:`Terms.with_topic`).
    """
    asked = parts(question)
    if len(asked) > 1:
        return _compound(question, asked, pieces, translated, counts, total, similar)
    terms = Terms.of(question, translated, pieces, counts, total)
    if topic is not None and question.kind == Kind.FACT and question.answer_type not in _UNTYPED:
        # "… and what budget?": which value of the wanted type answers depends on the subject the
        # first part named (lists and explanations are picked by their own wording)
        terms = terms.with_topic(Terms.of(topic, translated, pieces, counts, total))
    if question.answer_type == AnswerType.DEFINITION:
        defined = definition_skeleton(question, pieces, terms)
        if defined is not None:
            return defined
    if question.kind == Kind.LIST:
        skeleton = list_skeleton(question, pieces, terms, similar)
        if skeleton is not None and not skeleton.introduced:
            # a list no heading or lead-in introduces as the one asked for: sentences that answer
            # in the text's own words are the better bet, when there are any
            said = sentence_skeleton(
                replace(question, kind=Kind.EXPLAIN), pieces, terms, said, similar, listing=True
            )
            return said or skeleton
        if skeleton is not None:
            return skeleton
    sentences = sentence_skeleton(question, pieces, terms, said, similar, listing=question.kind == Kind.LIST)
    if question.kind == Kind.EXPLAIN or (
        question.kind == Kind.FACT and question.answer_type == AnswerType.ANY
    ):
        listed = list_skeleton(question, pieces, terms, similar)
        if (
            listed is not None
            and (sentences is None or listed.score >= sentences.score + 0.1)
            and about(terms, listed.context, 0.5)
        ):
            return listed
    return sentences or Skeleton(question.kind)


_UNTYPED = (AnswerType.ANY, AnswerType.DEFINITION)


def definition_skeleton(question: Question, pieces: Sequence[Piece], terms: Terms) -> Skeleton | None:
    """The sentence that defines the term a "what does X mean" question asks about, if a piece has one.

    The first piece (in retrieval order) that defines the term, in its own words, answers; the
    question's other words need not be in it (:mod:`assistant.extractive.definitions`).
    """
    term = asked_term(question.text)
    if not term:
        return None
    for piece in sorted(pieces, key=lambda p: (p.passage, p.n)):
        found = find_definition(term, piece.text)
        where = f"{piece.text} {piece.title} {' '.join(piece.trail)}"
        if found and names_match(question, terms, where):
            return Skeleton(question.kind, sentences=[Line(found, piece.n)], score=1.0)
    return None


def _compound(
    whole: Question,
    asked: list[Question],
    pieces: Sequence[Piece],
    translated: str,
    counts: dict[str, int] | None,
    total: int,
    similar: Similar | None = None,
) -> Skeleton:
    """The skeleton of a compound question: each part's answer in turn, a sentence said once."""
    lines: list[Line] = []
    facts: list[str] = []
    score = 0.0
    for part in asked:
        said = frozenset(x.text for x in lines)
        sub = compose(part, pieces, translated, counts, total, similar, said, whole)
        if sub.empty:
            continue
        score = max(score, sub.score)
        for line in [*([sub.lead] if sub.lead else []), *sub.items, *sub.sentences]:
            if any(line.text in kept.text for kept in lines):
                continue  # said already
            lines = [kept for kept in lines if kept.text not in line.text]
            lines.append(line)
        if sub.fact:
            facts.append(sub.fact)
    kind = asked[0].kind if asked[0].kind != Kind.LIST else Kind.EXPLAIN
    return Skeleton(
        kind, sentences=lines, fact=" · ".join(facts) if len(facts) == len(asked) else "", score=score
    )
