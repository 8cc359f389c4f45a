"""Theme labels on the workshop dashboard: Thai compounds of the domain glossary stay whole (no index)."""

from __future__ import annotations

from pathlib import Path

from assistant.sessions.themes import glossary_compounds, key_terms, theme_label

PORTFOLIO = ["แฟ้มสะสมผลงานมีกี่ส่วน", "แฟ้มสะสมผลงานประกอบด้วยส่วนใดบ้าง", "แฟ้มสะสมผลงานมีกี่ส่วน"]


def test_a_glossary_compound_is_one_term_of_the_label_not_three_words() -> None:
    label = theme_label(PORTFOLIO)
    assert label == "แฟ้มสะสมผลงาน · ประกอบด้วย"
    assert "แฟ้ม · สะสม" not in label
    assert key_terms("แฟ้มสะสมผลงานมีกี่ส่วน", glossary_compounds()) == ["แฟ้มสะสมผลงาน"]


def test_without_compounds_the_label_is_the_tokenizer_words_as_before() -> None:
    assert theme_label(PORTFOLIO, compounds=()) == "แฟ้ม · สะสม · ผลงาน"


def test_a_word_of_a_chosen_compound_is_not_repeated_beside_it() -> None:
    questions = ["แฟ้มสะสมผลงานมีกี่ส่วน", "ผลงานของนักเรียนเก็บอย่างไร", "แฟ้มสะสมผลงานนักเรียนควรมีอะไร"]
    label = theme_label(questions)
    assert label.split(" · ")[0] == "แฟ้มสะสมผลงาน"
    assert "ผลงาน" not in label.split(" · ")[1:]
    assert "แฟ้มสะสมผลงานนักเรียน" not in label.split(" · ")


def test_english_labels_and_a_compound_off_word_boundaries_are_unchanged() -> None:
    english = ["How do small schools share teachers?", "Can small schools share a bus?"]
    assert theme_label(english) == theme_label(english, compounds=()) == "small · schools · share"
    # a compound must start and end where the question's words do
    assert key_terms("ครูพี่เลี้ยงดี", ["เลี้ยงดี"]) == key_terms("ครูพี่เลี้ยงดี") == ["ครู", "พี่เลี้ยง", "ดี"]
    assert key_terms("ครูพี่เลี้ยงดี", ["พี่เลี้ยงดี"]) == ["ครู", "พี่เลี้ยงดี"]


def test_the_compounds_come_from_the_corpus_glossary(tmp_path: Path) -> None:
    (tmp_path / "glossary.yaml").write_text(
        "terms:\n  - en: [portfolio]\n    th: [แฟ้มสะสมผลงาน, ครู]\n  - en: [x]\n    th: นักเรียนแกนนำ\n",
        encoding="utf-8",
    )
    assert glossary_compounds(tmp_path) == ("นักเรียนแกนนำ", "แฟ้มสะสมผลงาน")  # one-word forms are left out
    assert glossary_compounds(tmp_path / "missing") == ()
    assert "แฟ้มสะสมผลงาน" in glossary_compounds()
