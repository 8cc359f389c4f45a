"""Scoring the lists of a context: features, weights and the choice they make."""

from __future__ import annotations

from assistant.extractive import Piece, Terms, list_skeleton
from assistant.extractive.lists import LIST_WEIGHTS, scored_lists
from assistant.extractive.questions import analyse

PLAN = """## Strategies

1. Build a data centre for the campus
2. Train staff in the new records system
3. Open wireless access in every building
"""

REPORT = """## Strategies

1. Admit more students from the region
2. Raise research output
3. Preserve local culture
"""


def pieces() -> list[Piece]:
    return [
        Piece(1, REPORT, 0, ("University annual report",), "University annual report"),
        Piece(2, PLAN, 1, ("Information technology master plan",), "Information technology master plan"),
    ]


def test_every_candidate_is_scored_by_exactly_the_weighted_features() -> None:
    question = analyse("What are the strategies of the information technology master plan?")
    context = pieces()
    lists = scored_lists(question, context, Terms.of(question, "", context))
    assert len(lists) == 2
    for cand in lists:
        assert set(cand.features) == set(LIST_WEIGHTS)
        assert cand.score == sum(LIST_WEIGHTS[k] * v for k, v in cand.features.items())


def test_the_document_the_question_names_tells_two_alike_lists_apart() -> None:
    # the same heading and the same count in two documents: the question names the plan, whose
    # title and section trail hold its words, so its list wins although the report came first
    question = analyse("What are the strategies of the information technology master plan?")
    context = pieces()
    report, plan = scored_lists(question, context, Terms.of(question, "", context))
    assert plan.features["source"] > report.features["source"]
    skeleton = list_skeleton(question, context, Terms.of(question, "", context))
    assert skeleton is not None
    assert [line.text for line in skeleton.items][0] == "Build a data centre for the campus"


def test_no_list_is_given_when_no_question_word_is_near_any() -> None:
    question = analyse("Which vaccines do children need before school?")
    context = pieces()
    assert list_skeleton(question, context, Terms.of(question, "", context)) is None
