"""Question analysis: list, fact or explanation, and the type of fact asked, in Thai and English."""

from __future__ import annotations

import pytest

from assistant.extractive.questions import AnswerType, Kind, analyse

LIST, FACT, EXPLAIN = Kind.LIST, Kind.FACT, Kind.EXPLAIN
DATE, NUMBER, WHO, PLACE, DEFINITION, ANY = (
    AnswerType.DATE,
    AnswerType.NUMBER,
    AnswerType.WHO,
    AnswerType.PLACE,
    AnswerType.DEFINITION,
    AnswerType.ANY,
)


@pytest.mark.parametrize(
    ("question", "kind", "answer_type"),
    [
        # lists
        ("เครือข่ายความร่วมมือมีองค์ประกอบกี่ประการ อะไรบ้าง", LIST, NUMBER),
        ("ขั้นตอนการสร้างเครือข่ายมีอะไรบ้าง", LIST, ANY),
        ("คนพิการมีสิทธิทางการศึกษาอะไรบ้าง", LIST, ANY),
        ("ใครบ้างที่เป็นสมาชิกเครือข่าย", LIST, WHO),
        ("เครือข่ายประกอบด้วยหน่วยงานใด", LIST, WHO),
        # facts
        ("เครือข่ายมีสมาชิกกี่คน", FACT, NUMBER),
        ("งบประมาณของโครงการเท่าไร", FACT, NUMBER),
        ("พระราชบัญญัติประกาศใช้เมื่อใด", FACT, DATE),
        ("PDPA มีผลบังคับใช้เมื่อไร", FACT, DATE),
        ("ใครเป็นผู้ลงนามในบันทึกข้อตกลง", FACT, WHO),
        ("โรงเรียนแม่ข่ายตั้งอยู่ที่ไหน", FACT, PLACE),
        ("เครือข่ายความร่วมมือหมายถึงอะไร", FACT, DEFINITION),
        ("ชุมชนการเรียนรู้ทางวิชาชีพคืออะไร", FACT, DEFINITION),
        # explanations
        ("ทำไมโรงเรียนขนาดเล็กต้องมีเครือข่าย", EXPLAIN, ANY),
        ("จะสร้างความไว้วางใจระหว่างสมาชิกได้อย่างไร", EXPLAIN, ANY),
    ],
)
def test_thai_questions(question: str, kind: Kind, answer_type: AnswerType) -> None:
    q = analyse(question)
    assert (q.language, q.kind, q.answer_type) == ("th", kind, answer_type)


@pytest.mark.parametrize(
    ("question", "kind", "answer_type"),
    [
        # lists
        ("What are the components of a collaboration network?", LIST, ANY),
        ("List the steps of building a network", LIST, ANY),
        ("Name the partners of the network", LIST, ANY),
        ("What rights do persons with disabilities have?", LIST, ANY),
        ("Which schools are members?", LIST, ANY),
        ("How many steps are there and what are they?", LIST, NUMBER),
        ("What internal strengths did the university identify?", LIST, ANY),
        ("Which resources does the council contribute?", LIST, ANY),
        # facts
        ("What analysis did the office run?", FACT, ANY),
        ("What process does the school follow?", FACT, ANY),
        ("How many members does the network have?", FACT, NUMBER),
        ("How much does the shared bus cost each term?", FACT, NUMBER),
        ("When was the Act published?", FACT, DATE),
        ("What year did the national plan start?", FACT, DATE),
        ("Who signs the MOU for the school?", FACT, WHO),
        ("Which organisation funds the bus?", FACT, WHO),
        ("Where is the hub school located?", FACT, PLACE),
        ("What is a learning network?", FACT, DEFINITION),
        ("What does PDPA mean?", FACT, DEFINITION),
        ("Define a hub school", FACT, DEFINITION),
        # explanations
        ("Why do small schools need networks?", EXPLAIN, ANY),
        ("How can schools share teachers?", EXPLAIN, ANY),
        ("Explain how the cluster shares its bus", EXPLAIN, ANY),
    ],
)
def test_english_questions(question: str, kind: Kind, answer_type: AnswerType) -> None:
    q = analyse(question)
    assert (q.language, q.kind, q.answer_type) == ("en", kind, answer_type)


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("เครือข่ายมีองค์ประกอบกี่ประการ", True),
        ("How many members does the network have?", True),
        ("What are the components of a network?", False),
        ("องค์ประกอบของเครือข่ายมีอะไรบ้าง", False),
    ],
)
def test_a_count_asked_is_noted(question: str, counted: bool) -> None:
    assert analyse(question).count_asked is counted


def test_a_date_or_place_question_with_a_list_word_is_still_a_fact() -> None:
    assert analyse("When do the steps of the plan start?").kind == FACT
    assert analyse("ขั้นตอนแรกเริ่มเมื่อไร").kind == FACT
    assert analyse("กิจกรรมจัดที่ไหนบ้าง").kind == LIST, "บ้าง asks for all of them"


def test_a_number_question_with_a_list_word_wants_the_number() -> None:
    assert analyse("How many members are in the network?").kind == FACT
    assert analyse("เครือข่ายมีองค์ประกอบกี่ประการ").kind == FACT
    assert analyse("เครือข่ายมีองค์ประกอบกี่ประการ อะไรบ้าง").kind == LIST


def test_a_thai_question_with_english_terms_is_thai() -> None:
    q = analyse("PDPA กำหนดหน้าที่ของโรงเรียนอะไรบ้าง")
    assert q.language == "th" and q.kind == LIST


def test_terms_are_the_content_words() -> None:
    # English words are compared by their Snowball stems
    assert analyse("What rights do persons with disabilities have?").terms == {"right", "person", "disabl"}
    assert analyse("คนพิการมีสิทธิอะไรบ้าง").terms == {"คนพิการ", "สิทธิ"}


@pytest.mark.parametrize("text", ["", "   ", "?", "12345"])
def test_analyse_never_fails(text: str) -> None:
    q = analyse(text)
    assert q.kind == FACT and q.answer_type == ANY


@pytest.mark.parametrize(
    "question", ["What is the budget of the project?", "What is the deadline for applications?"]
)
def test_what_is_the_value_of_something_is_not_a_definition(question: str) -> None:
    assert analyse(question).answer_type != DEFINITION


def test_a_leading_when_clause_does_not_make_a_date_question() -> None:
    question = analyse("When the campus network was upgraded in 2009, which switch did it install?")
    assert question.answer_type == AnswerType.ANY
    assert analyse("When was the campus network upgraded?").answer_type == AnswerType.DATE
    assert analyse("If the school joins, how many teachers are trained?").answer_type == AnswerType.NUMBER


def test_a_thai_compound_question_is_cut_before_each_question_word() -> None:
    from assistant.extractive.questions import parts

    asked = parts(analyse("ระบบนี้มีผู้สมัครใช้งานกี่คน และส่งข้อความผ่านเครือข่ายมือถือค่ายไหน"))
    assert [p.text for p in asked] == ["ระบบนี้มีผู้สมัครใช้งานกี่คน", "ส่งข้อความผ่านเครือข่ายมือถือค่ายไหน"]


def test_a_thai_compound_question_is_cut_where_each_side_asks() -> None:
    from assistant.extractive.questions import parts

    asked = parts(analyse("ระบบนี้เริ่มใช้งานจริงเมื่อไร และในปี 2553 ใช้ประชุมสภาไปทั้งหมดกี่ครั้ง"))
    assert [p.text for p in asked] == ["ระบบนี้เริ่มใช้งานจริงเมื่อไร", "ในปี 2553 ใช้ประชุมสภาไปทั้งหมดกี่ครั้ง"]
    assert len(parts(analyse("ครูและผู้ปกครองมีบทบาทอย่างไร"))) == 1  # "และ" joins the subject


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        (
            "วิสัยทัศน์ของมหาวิทยาลัย กับวิสัยทัศน์ของแผนสารสนเทศ แตกต่างกันอย่างไร",
            ["วิสัยทัศน์ของมหาวิทยาลัย", "วิสัยทัศน์ของแผนสารสนเทศ"],
        ),
        (
            "How does formative assessment differ from summative assessment?",
            ["formative assessment", "summative assessment"],
        ),
        ("Compare the KG curriculum with the primary one", ["the KG curriculum", "the primary one"]),
    ],
)
def test_a_comparison_has_a_part_for_each_side(question: str, sides: list[str]) -> None:
    from assistant.extractive.questions import parts

    assert [p.text for p in parts(analyse(question))] == sides
