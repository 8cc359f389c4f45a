"""Sentences read with what they sit under: a list item with the line that announces its list."""

from __future__ import annotations

from assistant.extractive import Piece, compose
from assistant.extractive.questions import analyse
from assistant.extractive.sentences import _paragraphs

ORDER = """คำสั่งมหาวิทยาลัย
เพื่อจัดทำระบบสารสนเทศของมหาวิทยาลัย มหาวิทยาลัยจึงแต่งตั้งคณะกรรมการจัดทำแผนระบบ
สารสนเทศ ประกอบด้วยบุคคลดังต่อไปนี้
1. นายปฏิคม ทองจริง ประธานกรรมการ
2. นางสาวรุ่งรัตน์ เชื้อแก้ว กรรมการและเลขานุการ
"""

MEETINGS = (
    "The committee meets as follows:\nThe full committee meets each May to set the plan.\n"
    "A smaller working group meets each October to review progress.\n"
)


def test_a_list_item_is_read_under_the_sentence_that_announces_its_list() -> None:
    paragraphs = _paragraphs(Piece(1, ORDER, 0))
    context, item = paragraphs[-2]
    assert item == "นายปฏิคม ทองจริง ประธานกรรมการ"
    # the announcing line is the end of a wrapped sentence: the whole sentence is the context
    assert "แต่งตั้งคณะกรรมการจัดทำแผนระบบ" in context and "ดังต่อไปนี้" in context


def test_who_chairs_the_committee_is_the_item_of_the_list_that_names_its_members() -> None:
    question = analyse("ใครเป็นประธานคณะกรรมการจัดทำแผนระบบสารสนเทศ")
    rendered = compose(question, [Piece(1, ORDER, 0)]).render()
    assert "นายปฏิคม ทองจริง" in rendered


def test_whole_sentences_after_an_announcing_one_keep_their_own_context() -> None:
    # not items: each is a sentence, read by its own words (the announcing one takes them along)
    contexts = [c for c, _ in _paragraphs(Piece(1, MEETINGS, 0))]
    assert contexts == ["", "", ""]


SYSTEMS = """## ระบบสารบรรณอิเล็กทรอนิกส์ (e-Document)

ผู้ใช้ระบบมีความพึงพอใจโดยภาพรวมอยู่ในระดับมาก ค่าเฉลี่ยเท่ากับ 3.86

## ระบบการประชุมอิเล็กทรอนิกส์ (e-Meeting)

เริ่มใช้งานจริงเมื่อเดือนเมษายน พ.ศ. 2553 ในการประชุมสภามหาวิทยาลัย
"""


def test_a_value_under_another_systems_heading_does_not_answer_for_the_system_named() -> None:
    # the page gives a satisfaction score for e-Document only; e-Meeting's is not there
    asked = analyse("ผู้ใช้ระบบการประชุมอิเล็กทรอนิกส์ (e-Meeting) พึงพอใจค่าเฉลี่ยเท่าไร")
    assert compose(asked, [Piece(1, SYSTEMS, 0)]).empty
    named = analyse("ผู้ใช้ระบบสารบรรณอิเล็กทรอนิกส์ (e-Document) พึงพอใจค่าเฉลี่ยเท่าไร")
    assert "3.86" in compose(named, [Piece(1, SYSTEMS, 0)]).render()


VISIT = """ข่าวกิจกรรมเดือนมีนาคม

วันที่ 9 มีนาคม 2567 ทีมบรรณารักษ์ของศูนย์การเรียนรู้ชุมชนได้เดินทางไปยังโรงเรียนบ้านหนองน้ำใส
เพื่อช่วยปรับปรุงห้องสมุดของโรงเรียนก่อนเปิดภาคเรียนใหม่ โดยได้ซ่อมแซมหนังสือที่ชำรุด คัดแยกหนังสือ
ตามหมวดหมู่ ติดป้ายชั้นหนังสือใหม่ทั้งหมด และอบรมนักเรียนแกนนำให้ดูแลการยืมคืนด้วยตนเอง
"""


def test_a_list_the_text_gives_in_prose_keeps_the_items_that_run_past_the_best_sentence() -> None:
    asked = analyse("ทีมบรรณารักษ์ไปช่วยทำอะไรให้ห้องสมุดของโรงเรียนบ้านหนองน้ำใสบ้าง")
    rendered = compose(asked, [Piece(1, VISIT, 0)]).render()
    for item in ("ซ่อมแซมหนังสือ", "ติดป้ายชั้นหนังสือ", "อบรมนักเรียนแกนนำ"):
        assert item in rendered


CHARTER = """## The network charter

Clauses 4 and 5 of the charter set out what member schools promise one another.

### Clause 4

Under clause 4 every member school promises to open its science lab to the other schools one day a week.

### Clause 5

Under clause 5 every member school promises to share its teachers' lesson plans each term.
"""


def test_an_open_what_question_takes_the_other_sentences_that_answer_it_too() -> None:
    # "what do … promise" asks for no typed value: the sentence that names the clauses is not the answer alone
    asked = analyse("What do clauses 4 and 5 of the charter promise member schools?")
    rendered = compose(asked, [Piece(1, CHARTER, 0)]).render()
    assert "science lab" in rendered and "lesson plans" in rendered


CLAUSES = (
    "IX. Evaluation. All programs will be subject to periodic evaluation.\n"
    "X. Term, Amendment, Renewal, Termination. This MOU will become effective on the\n\n"
    "date of the last signature, for a period of 5 (five) years. It constitutes the entire\n"
    "agreement between the Parties.\n"
    "XI. Originals. The Parties shall sign two (2) original hard copies of this MOU.\n"
)


def test_a_line_that_goes_on_with_an_items_sentence_joins_the_item() -> None:
    # a scan set "date of the last signature" apart from the clause it finishes
    texts = [t for _, t in _paragraphs(Piece(1, CLAUSES, 0))]
    joined = next(t for t in texts if "effective on the" in t)
    assert "effective on the date of the last signature, for a period of 5 (five) years" in joined
    assert "agreement between the Parties." in joined
    assert not any(t.startswith("date of the last signature") for t in texts)
