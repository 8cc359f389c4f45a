"""Sections found by what their headings mean (phrases, then the real e5 model), areas and duties."""

from __future__ import annotations

import pytest

from assistant.mou.duties import find_duties
from assistant.mou.sections import HeadingClassifier, find_areas
from assistant.mou.text import lines_of

ACTIVITIES = (
    "MEMORANDUM OF UNDERSTANDING\n"
    "between Hillside School and Lakeview Teachers College.\n"
    "Article 1 – Purpose\n"
    "To improve the teaching of science in rural schools.\n"
    "Article 2 – Collaborative Activities\n"
    "a) Joint workshops for science teachers\n"
    "b) Student teaching placements at the school\n"
    "c) Shared laboratory equipment\n"
    "Article 3 – Governing Law\n"
    "This MOU is governed by the laws of Thailand.\n"
)


def test_scope_of_work_and_roles_and_responsibilities_by_phrase() -> None:
    lines = lines_of(
        [
            (
                1,
                "1. Scope of Work\n"
                "1.1 Internships for final-year students\n"
                "1.2 Guest lectures by company engineers\n"
                "2. Roles and Responsibilities\n"
                "2.1 The Institute shall:\n"
                "- nominate students for internships\n"
                "- appoint a faculty coordinator\n"
                "2.2 The Company shall:\n"
                "- provide a mentor for each intern\n"
                "3. Duration\n"
                "This MOU is valid for two years.\n",
            )
        ]
    )
    classifier = HeadingClassifier()
    areas = find_areas(lines, classifier)
    assert areas is not None and areas.value == [
        "Internships for final-year students",
        "Guest lectures by company engineers",
    ]
    parties = ["Sahyadri Institute of Technology", "Nimbus Software Solutions Company"]
    known = {"Institute": parties[0], "Company": parties[1]}
    duties = find_duties(lines, parties, known, classifier)
    assert duties is not None
    assert duties.value == {
        parties[0]: ["nominate students for internships", "appoint a faculty coordinator"],
        parties[1]: ["provide a mentor for each intern"],
    }


def test_a_heading_found_only_by_its_meaning(embedder) -> None:
    lines = lines_of([(1, ACTIVITIES)])
    assert find_areas(lines, HeadingClassifier()) is None  # no concept phrase in "Collaborative Activities"
    areas = find_areas(lines, HeadingClassifier(embedder))
    assert areas is not None
    assert areas.value == [
        "Joint workshops for science teachers",
        "Student teaching placements at the school",
        "Shared laboratory equipment",
    ]
    assert "(heading matched by e5)" in areas.evidence_text


@pytest.mark.parametrize(
    ("title", "concept"),
    [
        ("Collaborative Activities", "areas"),
        ("Fields of Co-operation", "areas"),
        ("กิจกรรมที่จะดำเนินการร่วมกัน", "areas"),
        ("อายุของข้อตกลง", "term"),
        ("การสิ้นสุดบันทึกข้อตกลง", "termination"),
        ("Governing Law", None),
    ],
)
def test_headings_by_meaning_in_thai_and_english(embedder, title: str, concept: str | None) -> None:
    assert HeadingClassifier(embedder).classify([title])[0][0] == concept


def test_the_heading_phrases_come_first_and_need_no_model() -> None:
    classifier = HeadingClassifier()
    assert classifier.by_phrase("ข้อ 3 หน้าที่ความรับผิดชอบของแต่ละฝ่าย") == "duties"
    assert classifier.by_phrase("SCOPE OF THE MoU") == "areas"
    assert classifier.by_phrase("Period of Validity") == "term"
    assert classifier.by_phrase("Collaborative Activities") is None


def test_labelled_items_with_their_numbers_set_apart() -> None:
    page = (
        "CLAUSE 2\n"
        "SCOPE\n"
        "1) Both parties believe that close co-operation will benefit students.\n"
        "2)\n"
        "Curriculum Design: the company reviews the syllabus every year.\n"
        "3) Guest Lectures: engineers give talks to students.\n"
        "Placement Support: the company helps students find jobs.\n"
        "4)\n"
        "CLAUSE 3\n"
        "VALIDITY\n"
    )
    areas = find_areas(lines_of([(2, page)]), HeadingClassifier())
    assert areas is not None and areas.value == ["Curriculum Design", "Guest Lectures", "Placement Support"]


def test_areas_after_a_lead_in_sentence_run_past_their_own_numbers() -> None:
    page = (
        "The parties have the following areas of consensus for mutual benefit.\n"
        "1) Teacher Exchange: teachers visit each other's schools.\n"
        "2) Student Camps: a joint camp each term.\n"
        "3) Duration\n"
        "This MOU is valid for three years.\n"
    )
    areas = find_areas(lines_of([(1, page)]), HeadingClassifier())
    assert areas is not None and areas.value == ["Teacher Exchange", "Student Camps"]


def test_items_run_together_in_a_paragraph() -> None:
    page = (
        "2. Scope of Work\n"
        "a) Rural internship of four weeks for students in the\n"
        "partner villages. b) Design of low-cost rainwater harvesting\n"
        "systems. c) Digital literacy camps for village youth.\n"
        "3. Duration\n"
    )
    areas = find_areas(lines_of([(1, page)]), HeadingClassifier())
    assert areas is not None and areas.value == [
        "Rural internship of four weeks for students in the partner villages",
        "Design of low-cost rainwater harvesting systems",
        "Digital literacy camps for village youth",
    ]


def test_sub_items_end_at_the_next_clause_even_when_it_is_a_sentence() -> None:
    page = (
        "1. ขอบเขตความร่วมมือด้านการจัดการเรียนรู้\n"
        "1.1 หลักสูตรช่างซ่อมเครื่องยนต์เล็ก\n"
        "1.2 หลักสูตรการแปรรูปผลไม้\n"
        "2. วิทยาลัยการอาชีพนาดีมีหน้าที่จัดครูผู้สอนและวัสดุฝึกให้เพียงพอต่อผู้เรียนทุกรุ่นตลอดปี\n"
        "3. บันทึกนี้มีผลตั้งแต่วันที่ 1 มิถุนายน 2568\n"
    )
    found = find_areas(lines_of([(1, page)]), HeadingClassifier())
    assert found is not None and found.value == ["หลักสูตรช่างซ่อมเครื่องยนต์เล็ก", "หลักสูตรการแปรรูปผลไม้"]


def test_unmarked_items_wrap_only_when_they_reach_the_text_block_margin() -> None:
    from assistant.mou.sections import items, text_width
    from assistant.mou.text import Line

    wide = "บันทึกความร่วมมือนี้จัดทำขึ้นเพื่อส่งเสริมการเรียนรู้ของเยาวชนในชุมชนและวัดใกล้เคียงทุกแห่ง"
    body = [
        Line(1, "ธนาคารขยะรีไซเคิลในโรงเรียนและชุมชน โดยนำรายได้สมทบกองทุนอาหารของโรงเรียน"),
        Line(1, "กลางวัน"),
        Line(1, "การสอนทำขนมพื้นบ้านโดยปราชญ์ชาวบ้าน"),
        Line(1, "การสวดมนต์ทำวัตรเย็นทุกวันศุกร์"),
    ]
    width = text_width([Line(1, wide)] * 5 + body)
    assert [t for t, _, _ in items(body, width)] == [
        "ธนาคารขยะรีไซเคิลในโรงเรียนและชุมชน โดยนำรายได้สมทบกองทุนอาหารของโรงเรียน กลางวัน",
        "การสอนทำขนมพื้นบ้านโดยปราชญ์ชาวบ้าน",
        "การสวดมนต์ทำวัตรเย็นทุกวันศุกร์",
    ]


def test_areas_in_a_table_with_numbered_rows() -> None:
    text = (
        "ข้อ 2 ขอบข่ายความร่วมมือ ทั้งสองฝ่ายตกลงร่วมมือกันตามตารางต่อไปนี้\n"
        "ลำดับ โครงการ ระยะเวลา\n"
        "1 คลินิกสายตาเคลื่อนที่ในโรงเรียน ภาคเรียนที่ 1\n"
        "2 อบรมอาสาสมัครปฐมพยาบาล ตุลาคม\n"
        "3 ตรวจคุณภาพน้ำดื่มของโรงเรียน ทุกเดือน\n"
        "ข้อ 3 ระยะเวลา\n"
    )
    found = find_areas(lines_of([(1, text)]), HeadingClassifier()).value
    assert [a.split()[0] for a in found] == [
        "คลินิกสายตาเคลื่อนที่ในโรงเรียน",
        "อบรมอาสาสมัครปฐมพยาบาล",
        "ตรวจคุณภาพน้ำดื่มของโรงเรียน",
    ]


def test_areas_after_a_colon_lead_in_and_a_semicolon_list_that_ends() -> None:
    text = (
        "We intend to cooperate in three activities:\n"
        "weekend astronomy nights for families;\n"
        "a loan scheme for classroom telescopes;\n"
        "a yearly science fair.\n"
        "This letter creates no legal obligation for either of us and we look forward to a formal\n"
        "agreement next year.\n"
    )
    found = find_areas(lines_of([(1, text)]), HeadingClassifier()).value
    assert found == [
        "weekend astronomy nights for families",
        "a loan scheme for classroom telescopes",
        "a yearly science fair",
    ]


def test_thai_ordinal_markers_blank_lines_and_a_wrapped_tail() -> None:
    wide = "ด้านที่ 1 การสอนทอผ้าพื้นเมืองลายดอกแก้วและลายน้ำไหลในกิจกรรมชุมนุมของ"
    text = (
        "ทั้งสองฝ่ายตกลงร่วมมือกันใน 3 ด้าน ดังนี้\n\n"
        f"{wide}\nโรงเรียน\n\n"
        "ด้านที่ 2 การทำขนมพื้นบ้านของตำบล\n\n"
        "านที่ 3 การจัดทำแผนที่ภูมิปัญญาชุมชน\n\n"
        "ภาระหน้าที\n"
        "ก. ชุมชนบ้านนา จะจัดวิทยากร\n"
    )
    found = find_areas(lines_of([(1, text)]), HeadingClassifier()).value
    assert len(found) == 3
    assert found[0].endswith("โรงเรียน") and found[2].startswith("การจัดทำแผนที่")


def test_an_ocr_heading_without_its_tone_marks_keeps_its_concept() -> None:
    classifier = HeadingClassifier()
    assert classifier.by_phrase("ภาระหน้าที") == "duties"  # "หน้าที่" with its marks lost
    assert classifier.by_phrase("ระยะเวลา") == "term"


def test_agreement_numbered_clauses_are_headings() -> None:
    text = "ข้อตกลงที่ 1 ขอบเขตความร่วมมือ\n(1) การอบรมครู\n(2) การแลกเปลี่ยนนักเรียน\nข้อตกลงที่ 2 ระยะเวลา\nมีผลสองปี\n"
    assert find_areas(lines_of([(1, text)]), HeadingClassifier()).value == ["การอบรมครู", "การแลกเปลี่ยนนักเรียน"]


def test_roman_numerals_inline_and_a_list_after_the_colon_of_a_lead_in() -> None:
    roman = (
        "1. Scope of Collaboration\n"
        "The Parties will collaborate in (i) bursaries for pupils, (ii) reading mentors,\n"
        "and (iii) book fairs.\n"
        "2. Term\n"
    )
    assert find_areas(lines_of([(1, roman)]), HeadingClassifier()).value == [
        "bursaries for pupils",
        "reading mentors",
        "book fairs",
    ]
    inline = "Scope\nThe parties will cooperate on the following: pond surveys; a bird count; and a garden."
    assert find_areas(lines_of([(1, inline)]), HeadingClassifier()).value == [
        "pond surveys",
        "a bird count",
        "a garden",
    ]
