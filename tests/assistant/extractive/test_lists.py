"""Scoring the lists of a context: features, weights and the choice they make."""

from __future__ import annotations

from assistant.extractive import Piece, Terms, compose, list_skeleton
from assistant.extractive.lists import LIST_WEIGHTS, scored_lists
from assistant.extractive.questions import Kind, analyse

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
    assert skeleton.items[0].text == "Build a data centre for the campus"


def test_no_list_is_given_when_no_question_word_is_near_any() -> None:
    question = analyse("Which vaccines do children need before school?")
    context = pieces()
    assert list_skeleton(question, context, Terms.of(question, "", context)) is None


BOOK_REVIEW_AND_VISIT = """## Books of the month

- A book about loving your everyday work at the school library
- A guide to the school garden

## Library news

In August the library team visited Ban Khlong school, catalogued its books and set up a reading corner.
"""


def unrelated(question: str, texts: list[str]) -> list[float]:
    return [0.5] * len(texts)  # far below what e5 gives text that answers


def test_a_list_nothing_introduces_as_asked_gives_way_to_sentences() -> None:
    # the book list shares "school library" by chance; its heading is neither worded nor meant as
    # asked, so the sentence that says what the team did answers
    question = analyse("Which tasks did the library team carry out for the Ban Khlong school library?")
    assert question.kind == Kind.LIST
    context = [Piece(1, BOOK_REVIEW_AND_VISIT, 0, (), "Newsletter")]
    terms = Terms.of(question, "", context)
    listed = list_skeleton(question, context, terms, unrelated)
    assert listed is not None and not listed.introduced
    skeleton = compose(question, context, similar=unrelated)
    assert not skeleton.items
    assert "catalogued its books" in skeleton.render()


NESTED = """The Parties agree as follows:
1. Scope. The Parties will promote the following:
A. Exchange visits of teachers;
B. Joint supervision of student projects;
2. Duties. Each party will:
A. Name a coordinator;
B. Report to the board each year.
3. Term. This agreement runs for five years."""


def test_items_of_another_label_kind_at_the_same_indent_are_a_list_of_their_own() -> None:
    from assistant.extractive import Piece
    from assistant.extractive.lists import _candidates

    found = {c.lead[0] if c.lead else "": [t for t, _ in c.items] for c in _candidates([Piece(1, NESTED, 0)])}
    assert found["The Parties agree as follows:"] == [
        "Scope. The Parties will promote the following:",
        "Duties. Each party will:",
        "Term. This agreement runs for five years.",
    ]
    assert found["Scope. The Parties will promote the following:"] == [
        "Exchange visits of teachers;",
        "Joint supervision of student projects;",
    ]
    assert found["Duties. Each party will:"] == ["Name a coordinator;", "Report to the board each year."]


TABLE_PAGES = (
    "## Improvement plan\n\n1. Suggestions, actions, time frame\n2. Add ten new computers to the lab\n",
    "1. Suggestions, actions, time frame\n2. Replace the broken headphones\n",
    "1. Suggestions, actions, tme frame\n2. Check the room's network every month\n",
)


def test_a_header_row_repeated_on_every_page_is_one_item_not_one_per_page() -> None:
    question = analyse("What improvements does the improvement plan list?")
    context = [
        Piece(n, text, 0, ("Improvement plan",), "Lab report") for n, text in enumerate(TABLE_PAGES, 1)
    ]
    skeleton = list_skeleton(question, context, Terms.of(question, "", context))
    assert skeleton is not None
    texts = [line.text for line in skeleton.items]
    # the header (read once more through an OCR slip, "tme") is said once
    assert sum("frame" in t for t in texts) <= 1
    assert len(texts) == len(set(texts))
