"""Closeness in meaning of a list to the question (assistant.extractive.semantic) and its use in lists."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.extractive import Piece, Terms, list_skeleton
from assistant.extractive.questions import analyse
from assistant.extractive.semantic import (
    ANSWERS,
    MAX_SENTENCES,
    UNRELATED,
    SentenceSimilarity,
    closeness,
    similarities,
)


def test_closeness_maps_compressed_cosines_onto_zero_to_one() -> None:
    assert closeness(0.5) == 0.0 and closeness(UNRELATED) == 0.0
    assert closeness(ANSWERS) == 1.0 and closeness(0.99) == 1.0
    assert 0.4 < closeness((UNRELATED + ANSWERS) / 2) < 0.6


def test_similarities_are_none_without_a_model_past_the_cap_and_when_the_model_fails() -> None:
    assert similarities(None, "q", ["a", "b"]) == [None, None]
    many = [f"t{i}" for i in range(MAX_SENTENCES + 3)]
    found = similarities(lambda q, texts: [0.8] * len(texts), "q", many)
    assert found[:MAX_SENTENCES] == [0.8] * MAX_SENTENCES and found[MAX_SENTENCES:] == [None] * 3

    def broken(question: str, texts: Sequence[str]) -> list[float]:
        raise RuntimeError("the model went away")

    assert similarities(broken, "q", ["a"]) == [None]


class _Embedder:
    """Vectors by keyword: a text about money points one way, anything else the other."""

    def __init__(self, urgent: bool = True) -> None:
        self.urgent = urgent
        self.calls: list[dict] = []

    @staticmethod
    def _vector(text: str) -> list[float]:
        v = np.array([1.0, 0.2] if "budget" in text else [0.2, 1.0])
        return list(v / np.linalg.norm(v))

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def embed_passages(self, texts, progress=None, **options):
        if options and not self.urgent:
            raise TypeError("unexpected keyword argument 'urgent'")
        self.calls.append(options)
        return [self._vector(t) for t in texts]


def test_sentence_similarity_is_the_cosine_and_asks_for_an_urgent_turn() -> None:
    embedder = _Embedder()
    got = SentenceSimilarity(embedder)("What budget?", ["the budget lines", "the members"])
    assert got[0] > 0.99 and got[1] < 0.6
    assert embedder.calls == [{"urgent": True}]
    older = _Embedder(urgent=False)  # an embedder without the urgent turn still works
    assert SentenceSimilarity(older)("What budget?", ["x"])[0] < 0.6


def test_sentence_similarity_embeds_a_text_once() -> None:
    embedded: list[str] = []

    class Counting(_Embedder):
        def embed_passages(self, texts, progress=None, **options):
            embedded.extend(texts)
            return super().embed_passages(texts, progress, **options)

    similar = SentenceSimilarity(Counting())
    first = similar("What budget?", ["the budget lines", "the members"])
    again = similar("What budget?", ["the members", "the budget lines", "a budget table"])
    assert embedded == ["the budget lines", "the members", "a budget table"]
    assert again[:2] == [first[1], first[0]] and again[2] > 0.99


TWO_LISTS = """Plan of the network

The network has the following aims:
1. Share teachers between member schools.
2. Share buses between member schools.
3. Share rooms between member schools.

The network has the following sources:
1. Money from the district office.
2. Money from the local council.
3. Money from parents' associations.
"""


def test_a_list_close_in_meaning_to_the_question_wins_when_words_do_not_decide() -> None:
    question = analyse("What does the network have?")
    pieces = [Piece(1, TWO_LISTS, 0)]
    terms = Terms.of(question, "", pieces)
    plain = list_skeleton(question, pieces, terms)
    assert plain is not None and "teachers" in plain.items[0].text  # words alone: the first list

    def about_money(q: str, texts: Sequence[str]) -> list[float]:
        return [0.92 if "Money" in t else 0.76 for t in texts]

    meant = list_skeleton(question, pieces, terms, about_money)
    assert meant is not None and "district office" in meant.items[0].text


def test_a_sentence_in_the_other_script_is_chosen_by_its_closeness_in_meaning() -> None:
    from assistant.extractive import compose

    text = (
        "ในปี 2552 สำนักวิทยบริการติดตั้ง Core Switch 6506 เชื่อมอาคาร 4 ด้วยความเร็ว 10 Gbps\n\n"
        "ในปี 2552 สำนักวิทยบริการจัดอบรมการใช้ห้องสมุดให้นักศึกษาใหม่ 12 ครั้ง"
    )

    def similar(question: str, texts: Sequence[str]) -> list[float]:
        return [0.88 if "Switch" in t else 0.80 for t in texts]

    question = analyse("Which core switch did the office install in 2009?")
    pieces = [Piece(1, text, 0)]
    assert "Core Switch 6506" in compose(question, pieces, similar=similar).render()
    # without the model the Thai sentences share no word of the question: nothing is said
    assert compose(question, pieces).empty
