"""Definitions in documents: the term a question asks about, and the sentence that defines it."""

from __future__ import annotations

from assistant.extractive import Piece, compose
from assistant.extractive.definitions import asked_term, find_definition
from assistant.extractive.questions import analyse

STATUTE = """มาตรา ๓ ในพระราชบัญญัตินี้
“ผู้เรียนพิเศษ” หมายความว่า ผู้เรียนที่ต้องการความช่วยเหลือเป็นรายบุคคล
“ครูพี่เลี้ยง” หมายความว่า
ครูที่ผ่านการอบรมการดูแลผู้เรียนพิเศษไม่น้อยกว่าหกสิบชั่วโมง
“สถานศึกษา” หมายความว่า สถานศึกษาของรัฐหรือเอกชน
"""

ENGLISH = """Section 2. Definitions
In this policy, "learning hub" means a room in a member school that lends tablets to pupils
of every school in the cluster. "Cluster" means the schools that signed the agreement."""


def test_the_term_asked_about_is_the_quoted_one_or_the_words_before_the_marker() -> None:
    assert asked_term("ตามพระราชบัญญัตินี้ “ครูพี่เลี้ยง” หมายถึงครูที่มีคุณสมบัติอย่างไร") == "ครูพี่เลี้ยง"
    assert asked_term("ครูพี่เลี้ยงหมายถึงอะไร") == "ครูพี่เลี้ยง"
    assert asked_term("What does the term learning hub mean?") == "learning hub"
    assert asked_term("What is meant by a cluster?") == "cluster"
    assert asked_term("When was the MOU signed?") == ""


def test_a_definition_runs_over_its_wrapped_line_and_stops_at_the_next_term() -> None:
    found = find_definition("ครูพี่เลี้ยง", STATUTE)
    assert found == "“ครูพี่เลี้ยง” หมายความว่า ครูที่ผ่านการอบรมการดูแลผู้เรียนพิเศษไม่น้อยกว่าหกสิบชั่วโมง"
    hub = find_definition("learning hub", ENGLISH)
    assert hub.startswith('"learning hub" means a room in a member school') and hub.endswith("in the cluster")


def test_a_term_inside_a_longer_word_or_never_defined_is_not_a_definition() -> None:
    assert find_definition("ศึกษา", STATUTE) == ""  # only the tail of "สถานศึกษา"
    assert find_definition("ผู้ปกครอง", STATUTE) == ""


def test_a_definition_question_is_answered_by_the_definition_whatever_its_other_words() -> None:
    # the question says คุณสมบัติ (qualifications); the statute says what training the teacher has
    question = analyse("ตามพระราชบัญญัตินี้ “ครูพี่เลี้ยง” หมายถึงครูที่มีคุณสมบัติอย่างไร")
    skeleton = compose(question, [Piece(1, STATUTE, 0, ("มาตรา ๓",), "พระราชบัญญัติการดูแลผู้เรียน")])
    assert "หกสิบชั่วโมง" in skeleton.render() and skeleton.render().endswith("[1]")
