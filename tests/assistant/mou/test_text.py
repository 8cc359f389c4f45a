"""Text helpers: names without an organisation word, signature-block lines, all-party words, concepts."""

from __future__ import annotations

import pytest

from assistant.mou.text import concepts, find_page, is_signature_line, looks_like_name, names_all_parties


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ชายหาดทอง รีสอร์ต แอนด์ สปา", True),
        ("Green Valley Farms", True),
        ("ร้านกาแฟบ้านสวน", True),
        ("นายสมชาย ใจดี", False),  # a person
        ("Dr. A. Kumar", False),
        ("ผู้จัดการทั่วไป", False),  # a role
        ("1 มิถุนายน 2568", False),  # a date
        ("เพื่อพัฒนาคุณภาพการศึกษา", False),  # a clause
        ("The parties agree", False),
        ("will provide trainers every month", False),
        ("เยาวชนในพื้นที่ ข้อ ๑ แนวทางความร่วมมือ", False),
    ],
)
def test_looks_like_name(text: str, expected: bool) -> None:
    assert looks_like_name(text) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("IN WITNESS WHEREOF the parties have signed", True),
        ("(ลงชื่อ) ....................", True),
        ("ลงชื่อ ........ ผู้อำนวยการ", True),
        ("พยาน", True),
        ("For SECAB Institute of Engineering For TURNIA TECHNOLOGY", True),
        ("Yours sincerely,", True),
        ("For the purpose of this MOU, a student means", False),
        ("ข้อ 3 หน้าที่ความรับผิดชอบ", False),
        ("The College shall sign attendance sheets.", False),
    ],
)
def test_is_signature_line(line: str, expected: bool) -> None:
    assert is_signature_line(line) is expected


def test_names_all_parties() -> None:
    assert names_all_parties("แต่ละฝ่าย")
    assert names_all_parties("the Parties")
    assert not names_all_parties("the Institute")
    assert not names_all_parties("โรงเรียนบ้านนาดี")


def test_concepts_load_and_find_page_ignores_spacing() -> None:
    c = concepts()
    assert "areas" in c.headings and "scope of work" in c.headings["areas"]
    assert "witness" in c.signatures and "นาย" in c.people
    assert find_page("Scope of Work", [(1, "intro"), (2, "SCOPE  OF\nWORK")]) == 2


def test_flat_text_joins_thai_wrapped_inside_a_phrase() -> None:
    from assistant.mou.text import flat_text

    assert flat_text("เป็นต้นไป มี\nกำหนด ๓ ปี\nThe end\nof it") == "เป็นต้นไป มีกำหนด ๓ ปี The end of it"


def test_names_all_parties_after_of() -> None:
    assert names_all_parties("ความรับผิดชอบของแต่ละฝ่าย")
    assert names_all_parties("แต่ละหน่วยงาน")
    assert names_all_parties("Responsibilities of each partner")


def test_misread_bullets_stray_marks_and_a_glued_first_item() -> None:
    from assistant.mou.text import lines_of

    page = (
        "Programme Components\n๑ Classroom libraries\n-@ Reading coaching visits\n"
        ". ๑.๑ การพัฒนาครู\n๑ จัดอาจารย์นิเทศ\n๑ สนับสนุนเอกสาร\nเดือนละ\n๑ ครั้ง\n"
        "หน้าที่ความรับผิดชอบของแต่ละฝ่ายก. สำนักงานเขตพื้นที่การศึกษา\nอบต. จะจัดรถ\n"
    )
    assert [line.text for line in lines_of([(1, page)])] == [
        "Programme Components",
        "- Classroom libraries",
        "- Reading coaching visits",
        "1.1 การพัฒนาครู",
        "- จัดอาจารย์นิเทศ",
        "- สนับสนุนเอกสาร",
        "เดือนละ",
        "1 ครั้ง",  # a lone "๑" that is no bullet (a wrapped "๑ ครั้ง") stays a number
        "หน้าที่ความรับผิดชอบของแต่ละฝ่าย",
        "ก. สำนักงานเขตพื้นที่การศึกษา",
        "อบต. จะจัดรถ",
    ]


def test_ocr_noise_and_display_width() -> None:
    from assistant.mou.text import display_width, is_ocr_noise

    assert is_ocr_noise("ซ%   :    ข    | =@ 17    17 1/ A    at   a")
    assert not is_ocr_noise("ทุนละ 12,000 บาท") and not is_ocr_noise("1.1 40 ชั่วโมง")
    # Thai vowels and tone marks above or below a letter take no width
    assert display_width("ที่นี่") == 2


def test_organisation_names_heads_and_recitals() -> None:
    from assistant.mou.text import is_bare_head, is_organisation

    assert is_organisation("วัดโพธิ์ศรี") and is_organisation("ชุมชนบ้านนาดี")
    assert is_organisation("Tha Bo Small Schools Cluster")
    assert is_bare_head("โรงเรียน") and is_bare_head("the University")
    assert not is_bare_head("Lakeview University")
    assert not is_organisation("WHEREAS the University operates a Faculty of Education")
    assert not is_organisation("วิทยาลัยการอาชีพนาดีมีหน้าที่จัดครู")


def test_signature_openings_read_through_ocr_and_a_letter_sentence_is_not_one() -> None:
    assert is_signature_line("ลงชีอ ......... ผู้อำนวยการ")  # "ลงชื่อ" with its mark misread
    assert not is_signature_line("On behalf of the Hill Trust, I am pleased to confirm our support.")
    assert is_signature_line("On behalf of the Hill Trust")
