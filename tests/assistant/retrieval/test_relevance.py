"""The relevance gate on hand-made hits: which retrieved passages may answer a question."""

from __future__ import annotations

import pytest

from assistant import grounding as g
from assistant.retrieval.relevance import (
    Relevance,
    Scored,
    about,
    as_relevance,
    identifiers,
    overlap,
    promote_named,
    score_hits,
    select,
)
from ingest.records import Hit

GATE = Relevance()


def hit(
    name: str, text: str = "x", *, dense: float | None = None, bm25: bool = False, title: str = ""
) -> Hit:
    ranks = {"dense": 1} if dense is not None else {}
    if bm25:
        ranks["bm25"] = 1
    return Hit(
        chunk_id=name,
        text=text,
        source=name,
        page=1,
        score=0.0,
        workspace="w",
        title=title,
        ranks=ranks,
        dense_score=dense,
    )


def scored(name: str, cosine: float | None, words: float, bm25: bool = False) -> Scored:
    return Scored(hit(name, dense=cosine, bm25=bm25), cosine, words)


def names(chosen: list[Scored]) -> list[str]:
    return [s.hit.chunk_id for s in chosen]


def test_a_strong_cosine_is_relevant_on_its_own() -> None:
    assert names(select([scored("a", 0.87, 0.0)], GATE)) == ["a"]
    assert select([scored("a", 0.85, 0.0)], GATE) == []


def test_between_floor_and_strong_a_hit_needs_bm25_and_word_overlap() -> None:
    assert names(select([scored("a", 0.84, 0.3, bm25=True)], GATE)) == ["a"]
    assert select([scored("a", 0.84, 0.3, bm25=False)], GATE) == []  # not a keyword hit
    assert select([scored("a", 0.84, 0.2, bm25=True)], GATE) == []  # too few of the question's words
    assert select([scored("a", 0.82, 0.9, bm25=True)], GATE) == []  # below the floor


def test_a_keyword_hit_with_every_word_of_a_short_question_is_relevant_at_a_lower_cosine() -> None:
    every = Scored(hit("a", dense=0.81, bm25=True), 0.81, 1.0, terms=3)  # "What steps does Starkey propose?"
    assert names(select([every], GATE)) == ["a"]
    one_word = Scored(hit("a", dense=0.81, bm25=True), 0.81, 1.0, terms=1)
    assert select([one_word], GATE) == []  # one shared word says little
    most = Scored(hit("a", dense=0.81, bm25=True), 0.81, 0.67, terms=3)
    assert select([most], GATE) == []
    far = Scored(hit("a", dense=0.76, bm25=True), 0.76, 1.0, terms=3)
    assert select([far], GATE) == []


def test_off_topic_questions_get_nothing() -> None:
    hits = [scored("a", 0.80, 0.0), scored("b", 0.78, 0.2, bm25=True), scored("c", None, 0.4, bm25=True)]
    assert select(hits, GATE) == []


def test_once_one_hit_is_relevant_close_ones_and_wordy_bm25_hits_join() -> None:
    hits = [
        scored("best", 0.90, 0.5, bm25=True),
        scored("close", 0.845, 0.0),  # within keep_margin of the best and above the floor
        scored("far", 0.82, 0.1),  # below the floor
        scored("keyword", None, 0.6, bm25=True),  # BM25-only hit holding most of the question's words
        scored("thin", None, 0.2, bm25=True),
    ]
    assert names(select(hits, GATE)) == ["best", "close", "keyword"]


def test_bm25_only_retrieval_is_judged_by_words() -> None:
    hits = [scored("a", None, 0.5, bm25=True), scored("b", None, 0.4, bm25=True)]
    assert names(select(hits, GATE)) == ["a"]


def test_as_relevance() -> None:
    assert as_relevance(None) == Relevance()
    custom = Relevance(strong=0.9)
    assert as_relevance(custom) is custom
    assert as_relevance(0.95) == Relevance(strong=0.95, floor=0.83)
    assert as_relevance(0.5) == Relevance(strong=0.5, floor=0.5)  # the floor never exceeds the strong cosine


def test_a_stricter_gate_refuses_what_the_default_keeps() -> None:
    hits = [scored("a", 0.88, 0.5, bm25=True)]
    assert select(hits, GATE) and select(hits, Relevance(strong=0.99, floor=0.99)) == []


def test_identifiers() -> None:
    # (the docstring's example also lists "mou": the match starts at the first part with a digit)
    assert identifiers("บันทึกข้อตกลง MOU-2024-001 มีระยะเวลากี่ปี") == {"2024", "001"}
    assert identifiers("What is SDG 4?") == set()  # "4" is too short
    assert identifiers("see 2567.v2 and ABC12") == {"2567", "abc12"}


def test_documents_named_by_an_identifier_of_the_question_come_first() -> None:
    hits = [
        Scored(hit("mou/MOU-2024-003.th.md", dense=0.9), 0.9, 0.5),
        Scored(hit("mou/MOU-2024-001.th.md", dense=0.9), 0.9, 0.5),
        Scored(hit("policy/sdg4.en.md", dense=0.9), 0.9, 0.5),
        Scored(hit("x.md", dense=0.9, title="MOU-2024-001 signed copy"), 0.9, 0.5),
    ]
    order = names(promote_named(hits, "MOU-2024-001 มีระยะเวลากี่ปี"))
    assert order == ["mou/MOU-2024-001.th.md", "x.md", "mou/MOU-2024-003.th.md", "policy/sdg4.en.md"]
    assert promote_named(hits, "What is SDG 4?") == hits
    # select applies the same promotion to the relevant hits
    assert names(select(hits, GATE, "MOU-2024-001 มีระยะเวลากี่ปี"))[:2] == ["mou/MOU-2024-001.th.md", "x.md"]


def test_overlap_and_about_count_the_file_name_and_title() -> None:
    terms = g.content_terms("canteen notice lunch")
    h = hit("notices/canteen_notice.en.md", "Lunch is served at noon.", title="School notices")
    assert "canteen notice en md" in about(h) and "School notices" in about(h)
    assert overlap(terms, about(h)) == pytest.approx(1.0)
    assert overlap(terms, h.text) == pytest.approx(1 / 3)
    assert overlap(frozenset(), "anything") == 0.0


def test_score_hits_takes_the_dense_cosine_and_the_word_overlap() -> None:
    hits = [
        hit("a.md", "Consent must be asked before collection.", dense=0.88),
        hit("b.md", "Buses", bm25=True),
    ]
    out = score_hits(hits, "When must consent be asked?")
    assert [s.cosine for s in out] == [0.88, None]
    assert out[0].overlap == pytest.approx(1.0) and out[1].overlap == 0.0
    assert not out[0].in_bm25 and out[1].in_bm25


def test_a_passage_in_the_other_script_is_judged_by_the_translated_query() -> None:
    thai = hit("th.md", "ศูนย์เทคโนโลยีการศึกษามีสื่อโสตทัศน์ 2,915 รายการ", dense=0.84)
    thai.ranks["bm25:th"] = 3  # a keyword hit of the translated query
    english = hit("en.md", "The centre lends audiovisual media to teachers.", dense=0.84)
    question = "How many audiovisual media items does the educational technology centre have?"
    alone = score_hits([thai, english], question)
    translated = score_hits([thai, english], question, "ศูนย์เทคโนโลยีการศึกษา สื่อโสตทัศน์")
    assert alone[0].overlap == 0.0 and translated[0].overlap == pytest.approx(1.0)
    assert translated[1].overlap == alone[1].overlap  # a passage in the question's script: its own words
    assert translated[0].in_bm25
    assert names(select(translated, GATE)) == ["th.md", "en.md"] and select(alone, GATE) == []
