"""Other forms of a question's word, from the glossary: found where the text uses one of them."""

from __future__ import annotations

from pathlib import Path

from assistant.extractive import Piece, compose
from assistant.extractive.questions import analyse
from assistant.extractive.synonyms import alternatives, synonym_index
from assistant.extractive.terms import Terms

ROOT = Path(__file__).resolve().parents[3]
CORPUS = str(ROOT / "corpus")

HISTORY = (
    "สำนักวิทยบริการมีห้องสมุดสี่ชั้นและให้บริการฐานข้อมูลออนไลน์แก่นักศึกษาทุกคณะ\n\n"
    "สำนักวิทยบริการประกาศจัดตั้งครั้งแรกเป็นห้องสมุดวิทยาลัยครู เมื่อวันที่ 15 มิถุนายน 2515\n\n"
    "เมื่อ พ.ศ. 2547 สำนักวิทยบริการได้รับงบประมาณปรับปรุงอาคารเพิ่มเติม\n"
)


def test_the_glossary_keeps_the_forms_of_one_concept_together() -> None:
    assert frozenset({"จัดตั้ง"}) in alternatives("ก่อตั้ง", CORPUS)
    assert frozenset({"examin"}) in alternatives("exam", CORPUS)  # stemmed, as sentences are
    assert alternatives("no-such-word", CORPUS) == ()


def test_a_thai_form_that_holds_the_word_is_not_an_alternative(tmp_path: Path) -> None:
    (tmp_path / "glossary.yaml").write_text(
        "terms:\n  - en: [teaching, instruction]\n    th: [การสอน, การเรียนการสอน]\n", encoding="utf-8"
    )
    index = synonym_index(str(tmp_path))
    assert index["teach"] == (frozenset({"instruct"}),)
    assert "การสอน" not in index  # "การเรียนการสอน" is found by its letters anyway


def test_a_sentence_with_another_form_holds_the_questions_word() -> None:
    question = analyse("สำนักวิทยบริการก่อตั้งเมื่อปีใด")
    terms = Terms.of(question, "", [Piece(1, HISTORY, 0)])
    assert "ก่อตั้ง" in terms.found("ประกาศจัดตั้งครั้งแรกเป็นห้องสมุดวิทยาลัยครู")
    assert "ก่อตั้ง" not in terms.found("เมื่อ พ.ศ. 2547 ได้รับงบประมาณปรับปรุงอาคารเพิ่มเติม")
    rendered = compose(question, [Piece(1, HISTORY, 0)]).render()
    assert "2515" in rendered.split("\n")[0]


def test_a_translations_words_get_no_alternatives() -> None:
    # the translation is the glossary's preferred form already; its other forms would let
    # unrelated lists of the other language share the question's words
    question = analyse("When was the library founded?")
    terms = Terms.of(question, "ห้องสมุด ก่อตั้ง", [Piece(1, HISTORY, 0)])
    assert "ก่อตั้ง" in terms.weights and "ก่อตั้ง" not in terms.synonyms
