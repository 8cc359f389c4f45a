"""Page structure: headings, items, lead-ins, rows and furniture; contents and cover pages; titles."""

from __future__ import annotations

import itertools

import pytest

from ingest.records import Health, Page
from ingest.structure import (
    Block,
    BlockKind,
    Layout,
    good_metadata_title,
    is_contents_page,
    is_cover_page,
    parse_page,
    title_from_pages,
)

STATUTE = """หมวด ๑
สิทธิทางการศึกษา

มาตรา ๕ ในพระราชบัญญัตินี้
“คนพิการ” หมายความว่า บุคคลซึ่งมีข้อจำกัดในการปฏิบัติกิจกรรมในชีวิตประจำวัน

มาตรา ๖ ให้คนพิการมีสิทธิทางการศึกษาตามที่กฎหมายกำหนด
(๑) ได้รับการศึกษาโดยไม่เสียค่าใช้จ่าย
(๒) เลือกบริการทางการศึกษาและสถานศึกษา
(๓) ได้รับการศึกษาที่มีมาตรฐาน

มาตรา ๑๐/๑ ทวิ ให้สถานศึกษาจัดสิ่งอำนวยความสะดวก
"""

REPORT = """CHAPTER 2
Learning Areas

2.1 Core subjects
The curriculum sets eight learning areas for every student in basic education.

2.1.3 Assessment of learning
2.2 This numbered line is a sentence of the body and it ends with a full stop.

SCOPE OF WORK
The partners agree to the following:
\uf0b7 share teachers between the schools of the cluster
\uf0b7 run joint training for the teachers every term
- keep a record of every activity
"""

MARKDOWN = """# Framework

## Shared **vision**

Body text of the **shared** vision, long enough to be a paragraph.

- first item
  - nested item
- second item

| Partner | Role |
|---|---|
| University | Mentors |
"""


def blocks(text: str, layout: Layout | None = None) -> list[tuple[str, int, str, str, bool]]:
    return [(b.kind.value, b.level, b.label, b.text, b.lead) for b in parse_page(text, layout)]


def of_kind(text: str, kind: BlockKind, layout: Layout | None = None) -> list[Block]:
    return [b for b in parse_page(text, layout) if b.kind == kind]


def assert_lines_covered_once(text: str, layout: Layout | None = None) -> None:
    """Every non-blank line lies inside exactly one block; blocks are in order and do not overlap."""
    parsed = parse_page(text, layout)
    for a, b in itertools.pairwise(parsed):
        assert a.end <= b.start, (a, b)
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            first = pos + line.index(stripped[0])
            owners = [b for b in parsed if b.start <= first < b.end]
            assert len(owners) == 1, (line, owners)
        pos += len(line)


# ------------------------------------------------------------------------------------------ statutes


def test_statute_divisions_sections_and_thai_numbered_items() -> None:
    got = blocks(STATUTE)
    assert got[0] == ("heading", 1, "หมวด ๑", "หมวด ๑ สิทธิทางการศึกษา", False), "title line joins the label"
    headings = [(level, text) for kind, level, _, text, _ in got if kind == "heading"]
    assert headings == [
        (1, "หมวด ๑ สิทธิทางการศึกษา"),
        (3, "มาตรา ๕"),
        (3, "มาตรา ๖"),
        (3, "มาตรา ๑๐/๑ ทวิ"),
    ]
    items = of_kind(STATUTE, BlockKind.ITEM)
    assert [(b.label, b.text) for b in items] == [
        ("(๑)", "ได้รับการศึกษาโดยไม่เสียค่าใช้จ่าย"),
        ("(๒)", "เลือกบริการทางการศึกษาและสถานศึกษา"),
        ("(๓)", "ได้รับการศึกษาที่มีมาตรฐาน"),
    ]
    assert_lines_covered_once(STATUTE)


def test_statute_section_label_is_the_heading_and_the_rest_of_the_line_is_text() -> None:
    parsed = parse_page(STATUTE)
    i = next(i for i, b in enumerate(parsed) if b.text == "มาตรา ๖")
    head, rest = parsed[i], parsed[i + 1]
    assert STATUTE[head.start : head.end] == "มาตรา ๖"
    assert rest.kind == BlockKind.TEXT
    assert STATUTE[rest.start : rest.end] == "ให้คนพิการมีสิทธิทางการศึกษาตามที่กฎหมายกำหนด"


def test_thai_numbered_divisions_are_headings_with_their_label() -> None:
    text = "ยุทธศาสตร์ที่ 2 การพัฒนาครู\nตัวบ่งชี้ที่ 1.1 ร้อยละของครูที่ผ่านการอบรม\nบทเฉพาะกาล\nบทที่ ๓\nวิธีดำเนินการ\n"
    assert blocks(text) == [
        ("heading", 2, "ยุทธศาสตร์ที่ 2", "ยุทธศาสตร์ที่ 2 การพัฒนาครู", False),
        ("heading", 2, "ตัวบ่งชี้ที่ 1.1", "ตัวบ่งชี้ที่ 1.1 ร้อยละของครูที่ผ่านการอบรม", False),
        ("heading", 1, "", "บทเฉพาะกาล", False),
        ("heading", 1, "บทที่ ๓", "บทที่ ๓ วิธีดำเนินการ", False),
    ]


def test_a_long_numbered_division_line_is_a_label_and_a_sentence() -> None:
    sentence = "ให้สถานศึกษาทุกแห่งจัดทำแผนพัฒนาคุณภาพการศึกษาที่สอดคล้องกับมาตรฐานการศึกษาของชาติและบริบทของชุมชนในท้องถิ่น"
    text = f"ข้อที่ 3 {sentence}\n"
    assert blocks(text) == [("heading", 2, "ข้อที่ 3", "ข้อที่ 3", False), ("text", 0, "", sentence, False)]


def test_a_part_of_a_chapter_is_below_the_chapter() -> None:
    text = "หมวด ๒\nการบริหาร\n\nส่วนที่ ๑\nบททั่วไป\n\nมาตรา ๙ ให้มีคณะกรรมการ\n"
    levels = {b.label: b.level for b in of_kind(text, BlockKind.HEADING) if b.label}
    assert levels["หมวด ๒"] < levels["ส่วนที่ ๑"]


# ------------------------------------------------------------------------------------------ English


def test_english_report_chapters_decimal_and_capitals_headings() -> None:
    headings = [(b.level, b.label, b.text) for b in of_kind(REPORT, BlockKind.HEADING)]
    assert headings == [
        (2, "CHAPTER 2", "CHAPTER 2 Learning Areas"),
        (3, "2.1", "2.1 Core subjects"),
        (4, "2.1.3", "2.1.3 Assessment of learning"),
        (2, "", "SCOPE OF WORK"),
    ]
    # a decimal-numbered sentence is a numbered clause, not a heading
    clause = next(b for b in parse_page(REPORT) if b.label == "2.2")
    assert clause.kind == BlockKind.ITEM and clause.level == 2
    assert clause.text == "This numbered line is a sentence of the body and it ends with a full stop."
    assert_lines_covered_once(REPORT)


CLAUSES = """## Clause 2 Scope of cooperation

2.1 Internships in four departments of the hotel for students of grades 10 to 12
each term

2.2 A career talk at the school
2.3 A new elective course in English for hospitality

## Clause 3 Duties

3.1 The school
- selects the students
"""


def test_decimal_clauses_between_headings_are_items_and_a_section_title_stays_a_heading() -> None:
    parsed = parse_page(CLAUSES)
    items = [(b.label, b.text) for b in parsed if b.kind == BlockKind.ITEM]
    assert items == [
        ("2.1", "Internships in four departments of the hotel for students of grades 10 to 12 each term"),
        ("2.2", "A career talk at the school"),
        ("2.3", "A new elective course in English for hospitality"),
        ("-", "selects the students"),
    ]
    assert [b.text for b in parsed if b.kind == BlockKind.HEADING] == [
        "Clause 2 Scope of cooperation",
        "Clause 3 Duties",
        "3.1 The school",
    ]
    assert_lines_covered_once(CLAUSES)


def test_english_bullets_including_pdf_glyph_bullets_and_the_lead_in() -> None:
    parsed = parse_page(REPORT)
    lead = next(b for b in parsed if b.text == "The partners agree to the following:")
    assert lead.kind == BlockKind.TEXT and lead.lead
    items = [(b.label, b.text) for b in parsed if b.kind == BlockKind.ITEM]
    assert items[1:] == [
        ("\uf0b7", "share teachers between the schools of the cluster"),
        ("\uf0b7", "run joint training for the teachers every term"),
        ("-", "keep a record of every activity"),
    ]
    body = next(b for b in parsed if b.text.startswith("The curriculum"))
    assert not body.lead


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Section 3 Definitions", "Section 3"),
        ("Article 4: Scope", "Article 4"),
        ("Annex A", "Annex A"),
        ("Chapter IV Findings", "Chapter IV"),
    ],
)
def test_english_division_words(line: str, label: str) -> None:
    [head] = of_kind(f"{line}\n", BlockKind.HEADING)
    assert head.label == label and head.text == line


def test_a_word_bullet_in_a_symbol_font_is_a_list_item() -> None:
    text = "Considerations\n\tf Technical capacity – know-how.\n\tf Costs – fees.\no Pedagogic Knowledge\n"
    items = of_kind(text, BlockKind.ITEM)
    expected = ["Technical capacity – know-how.", "Costs – fees.", "Pedagogic Knowledge"]
    assert [i.text for i in items] == expected
    assert of_kind("of the people, for the people.\n", BlockKind.ITEM) == []


@pytest.mark.parametrize(
    "line",
    [
        "Article 38, on the other hand, requires free compulsory basic education from 1995.",
        "Section 5 of the Act provides for free education.",
        "Clause 2 states that either party may end the agreement.",
    ],
)
def test_a_sentence_that_opens_with_a_division_reference_is_not_a_heading(line: str) -> None:
    assert of_kind(f"{line}\n", BlockKind.HEADING) == []


def test_a_wrapped_item_keeps_its_following_line() -> None:
    text = (
        "The partners agree to the following:\n"
        "1. The university sends student teachers to the schools of the cluster every\n"
        "term and pays for their travel\n"
        "2. The schools host them\n"
    )
    items = of_kind(text, BlockKind.ITEM)
    assert [b.label for b in items] == ["1.", "2."]
    assert items[0].text.endswith("every term and pays for their travel")
    assert text[items[0].start : items[0].end].endswith("\nterm and pays for their travel")


def test_label_only_lines_join_the_next_line() -> None:
    text = (
        "Duties of the coordinator include\na)\nCalling the monthly meeting\n"
        "2.\nKeeping the minutes\n(๓)\nจัดทำรายงานประจำปี\n"
    )
    items = of_kind(text, BlockKind.ITEM)
    assert [(b.label, b.text) for b in items] == [
        ("a)", "Calling the monthly meeting"),
        ("2.", "Keeping the minutes"),
        ("(๓)", "จัดทำรายงานประจำปี"),
    ]
    assert text[items[0].start : items[0].end] == "a)\nCalling the monthly meeting"
    assert_lines_covered_once(text)


# ------------------------------------------------------------------------------------------ lead-ins


@pytest.mark.parametrize(
    "lead",
    [
        "เครือข่ายมีหน้าที่ ดังนี้",
        "องค์ประกอบของเครือข่าย ได้แก่",
        "The network has three duties as follows",
        "Members include",
        "The main partners are:",
    ],
)
def test_a_lead_in_before_a_list_is_marked(lead: str) -> None:
    text = (
        f"เครือข่ายความร่วมมือช่วยให้โรงเรียนขนาดเล็กพัฒนาคุณภาพการศึกษาได้ดีขึ้นอย่างต่อเนื่อง.\n{lead}\n1. ข้อแรก\n2. ข้อสอง\n"
    )
    marked = [b.text for b in parse_page(text) if b.lead]
    assert marked == [lead]


def test_a_lead_in_before_a_table_is_marked() -> None:
    text = (
        "Some intro sentence of the body, which is long enough to be text.\nThe main partners are:\n\n"
        "| Partner | Role |\n|---|---|\n| University | Mentors |\n"
    )
    parsed = parse_page(text)
    assert [b.text for b in parsed if b.lead] == ["The main partners are:"]
    rows = [b.text for b in parsed if b.kind == BlockKind.ROW]
    assert rows == ["| Partner | Role |", "| University | Mentors |"], "the rule row is not a row"


def test_a_lead_in_word_without_a_list_after_it_is_not_a_lead() -> None:
    text = (
        "เครือข่ายความร่วมมือช่วยให้โรงเรียนขนาดเล็กพัฒนาคุณภาพการศึกษาได้ดีขึ้น.\n"
        "ผลการดำเนินงานของเครือข่ายในปีที่ผ่านมาเป็นไปตามแผนที่กำหนดไว้ทุกประการ ดังนี้\n"
        "โรงเรียนทุกแห่งได้รับการจัดสรรงบประมาณครบถ้วนตามที่ขอไว้และดำเนินการตามแผนอย่างครบถ้วน\n"
    )
    assert not [b for b in parse_page(text) if b.lead]


def test_a_thai_lead_in_is_a_lead_whatever_the_length_of_the_first_item() -> None:
    text = "หน้าที่ของเครือข่าย มีดังนี้\n1. ประสานงานระหว่างโรงเรียนในเครือข่ายทุกแห่งอย่างสม่ำเสมอ\n2. จัดอบรมครู\n"
    first = parse_page(text)[0]
    assert first.kind == BlockKind.TEXT and first.lead


def test_a_lead_in_on_the_section_line_is_marked() -> None:
    text = "มาตรา ๖ คนพิการมีสิทธิทางการศึกษา ดังนี้\n(๑) ได้รับการศึกษาโดยไม่เสียค่าใช้จ่าย\n(๒) เลือกบริการทางการศึกษา\n"
    assert [b.text for b in parse_page(text) if b.lead] == ["คนพิการมีสิทธิทางการศึกษา ดังนี้"]


# ------------------------------------------------------------------------------------------ Markdown


def test_markdown_headings_items_and_rows() -> None:
    assert blocks(MARKDOWN) == [
        ("heading", 1, "", "Framework", False),
        ("heading", 2, "", "Shared vision", False),
        ("text", 0, "", "Body text of the shared vision, long enough to be a paragraph.", False),
        ("item", 1, "-", "first item", False),
        ("item", 2, "-", "nested item", False),
        ("item", 1, "-", "second item", False),
        ("row", 0, "", "| Partner | Role |", False),
        ("row", 0, "", "| University | Mentors |", False),
    ]


def test_block_spans_point_at_the_page_text() -> None:
    for text in (STATUTE, REPORT, MARKDOWN):
        for b in parse_page(text):
            span = text[b.start : b.end]
            assert span.strip() and span == span.rstrip(), b
            if b.kind != BlockKind.ITEM:  # an item's span starts at its line, indent included
                assert span == span.strip(), b
            if b.kind == BlockKind.ITEM:
                assert span.lstrip().startswith(b.label)
            if b.kind == BlockKind.HEADING and b.label:
                assert span.startswith(b.label.split()[0])


# ------------------------------------------------------------------------------------------ furniture


BODY = [
    "เครือข่ายโรงเรียนขนาดเล็กประชุมร่วมกันทุกเดือนเพื่อวางแผนกิจกรรม",
    "ครูแลกเปลี่ยนแผนการสอนและสังเกตการสอนของกันและกัน",
    "มหาวิทยาลัยส่งนักศึกษาฝึกสอนไปยังโรงเรียนในพื้นที่ห่างไกล",
    "ผู้ปกครองและชุมชนสนับสนุนโรงเรียนทั้งเวลาและงบประมาณ",
    "องค์การบริหารส่วนตำบลจัดรถรับส่งนักเรียนร่วมกัน",
    "สถานประกอบการในท้องถิ่นรับนักเรียนฝึกประสบการณ์อาชีพ",
    "ศึกษานิเทศก์ติดตามผลการดำเนินงานของเครือข่ายทุกภาคเรียน",
]


PROVINCES = ["น่าน", "แพร่", "ลำปาง", "เชียงราย", "พะเยา", "ตาก", "สุโขทัย"]


def report_page(n: int) -> str:
    body = [f"{BODY[j]}ที่{PROVINCES[n % len(PROVINCES)]}" for j in range(5)]
    return "\n".join(["รายงานประจำปี 2567 สำนักงานเขตพื้นที่การศึกษา", "", *body, "", f"หน้า {n}"])


def test_running_headers_and_page_numbers_are_furniture() -> None:
    pages = [Page(n, report_page(n)) for n in range(1, 7)]
    layout = Layout.of(pages)
    for page in pages:
        parsed = parse_page(page.text, layout)
        furniture = [b.text for b in parsed if b.kind == BlockKind.FURNITURE]
        assert furniture == ["รายงานประจำปี 2567 สำนักงานเขตพื้นที่การศึกษา", f"หน้า {page.number}"]
        assert len([b for b in parsed if b.kind == BlockKind.TEXT]) == 5, "body lines are not furniture"
        assert_lines_covered_once(page.text, layout)


def test_a_header_differing_only_in_numbers_is_still_the_running_header() -> None:
    pages = [
        Page(n, f"Annual Report 20{20 + n} - Chapter {n}\n\n{BODY[n]}\n{BODY[n + 1]}") for n in range(1, 5)
    ]
    layout = Layout.of(pages)
    assert layout.is_furniture("Annual Report 2031 - Chapter 9")
    assert not layout.is_furniture(BODY[2])


def test_a_line_repeated_on_too_few_pages_is_not_furniture() -> None:
    pages = [Page(n, f"{'Draft for comment' if n <= 2 else BODY[n]}\n\n{BODY[n % 7]}\n") for n in range(1, 7)]
    assert not Layout.of(pages).is_furniture("Draft for comment")


@pytest.mark.parametrize("line", ["12", "- 12 -", "หน้า ๑๒", "Page 7", "page 7", "– ๓ –"])
def test_page_numbers_are_furniture_without_any_layout(line: str) -> None:
    assert Layout().is_furniture(line)
    text = f"{line}\nเครือข่ายความร่วมมือช่วยให้โรงเรียนขนาดเล็กพัฒนาคุณภาพการศึกษา"
    assert parse_page(text)[0].kind == BlockKind.FURNITURE


def test_furniture_is_looked_for_only_at_the_edges_of_a_page() -> None:
    text = "\n".join([*BODY[:4], "12", *BODY[4:]])
    assert not of_kind(text, BlockKind.FURNITURE)


# ------------------------------------------------------------------------------------------ pages


THAI_CONTENTS = """สารบัญ
บทที่ 1 บทนำ ........ 1
บทที่ 2 แนวคิดและทฤษฎี ........ 5
บทที่ 3 วิธีดำเนินการ ........ 12
บทที่ 4 ผลการศึกษา ........ 20
บทที่ 5 สรุปและข้อเสนอแนะ ........ 31
บรรณานุกรม ........ 40
"""

ENGLISH_CONTENTS = """CONTENTS
Introduction    1
Background of the network    3
Methods    7
Findings    12
Discussion    20
References    31
"""


def test_contents_pages_are_recognised() -> None:
    assert is_contents_page(THAI_CONTENTS)
    assert is_contents_page(ENGLISH_CONTENTS)
    assert not is_contents_page(STATUTE)
    assert not is_contents_page(REPORT)
    assert not is_contents_page("\n".join(THAI_CONTENTS.splitlines()[:4])), "too few lines"


def test_a_near_empty_first_page_is_a_cover() -> None:
    assert is_cover_page("รายงานประจำปี 2567\nเครือข่ายโรงเรียนขนาดเล็ก", 1)
    assert is_cover_page("Annual Report 2024", 2)
    assert not is_cover_page("Annual Report 2024", 3), "only the first pages can be covers"
    assert not is_cover_page(REPORT, 1)


# ------------------------------------------------------------------------------------------ titles


@pytest.mark.parametrize(
    "junk",
    [
        "Microsoft Word - 1.doc",
        "Microsoft PowerPoint - slides",
        "Untitled",
        "Document1",
        "report_final.docx",
        "<0a1b2c3d4e5f6a7b>",
        "",
        "   ",
        "ab\ufffdcd",
        "x" * 201,
    ],
)
def test_junk_metadata_titles_are_rejected(junk: str) -> None:
    assert not good_metadata_title(junk)


@pytest.mark.parametrize(
    "title",
    ["แผนการศึกษาแห่งชาติ พ.ศ. 2560-2579", "National Education Plan 2017-2036", "Word problems in maths"],
)
def test_real_metadata_titles_are_kept(title: str) -> None:
    assert good_metadata_title(title)


def test_title_page_lines_are_joined_and_the_gazette_line_skipped() -> None:
    page = (
        "เล่ม ๑๒๕ ตอนที่ ๒๘ ก ราชกิจจานุเบกษา ๔ กุมภาพันธ์ ๒๕๕๑\n"
        "หน้า ๑\n"
        "พระราชบัญญัติ\n"
        "การจัดการศึกษาสำหรับคนพิการ\n"
        "พ.ศ. ๒๕๕๑\n"
        "\n"
        "ภูมิพลอดุลยเดช ป.ร.\n"
        "ให้ไว้ ณ วันที่ ๕ กุมภาพันธ์ พ.ศ. ๒๕๕๑\n"
    )
    assert title_from_pages([Page(1, page)]) == "พระราชบัญญัติ การจัดการศึกษาสำหรับคนพิการ พ.ศ. ๒๕๕๑"


def test_title_skips_links_and_addresses_and_unreadable_pages() -> None:
    scan = Page(1, "", Health(score=0.0, readable=False, chars=0))
    page = Page(
        2,
        "www.obec.go.th\ninfo@obec.go.th\nSchool Network Handbook\nSmall Schools of Nan\n\nThis handbook ...",
    )
    assert title_from_pages([scan, page]) == "School Network Handbook Small Schools of Nan"


def test_a_markdown_heading_is_the_title() -> None:
    assert title_from_pages([Page(1, "\n# Network **plan** 2024\n\nBody text.")]) == "Network plan 2024"


def test_no_title_when_the_first_page_starts_with_running_text() -> None:
    text = "This report describes how networks of schools share teachers across districts in the north.\n" * 4
    assert title_from_pages([Page(1, text)]) == ""


def test_a_year_split_over_two_lines_is_rejoined() -> None:
    assert title_from_pages([Page(1, "แผนการศึกษาแห่งชาติ พ.ศ. 25\n60\n\nสำนักงานเลขาธิการสภาการศึกษา")]) == (
        "แผนการศึกษาแห่งชาติ พ.ศ. 2560"
    )


OCR_LETTERS = """2. Areas. The partners will work together on the following:
A, Teacher exchange visits between the two schools;
B. Shared science lessons by video link;
ie Joint training days for teachers and support staff;
D Reading camps in the school holidays, with volunteers

from the district library; and

E. A yearly report to both school boards.
3. Term. This agreement runs for three years."""


def test_lettered_labels_an_ocr_layer_misread_are_read_as_a_list() -> None:
    blocks = parse_page(OCR_LETTERS)
    items = [b for b in blocks if b.kind == BlockKind.ITEM]
    assert [b.label for b in items] == ["2.", "A.", "B.", "C.", "D.", "E.", "3."]
    assert items[3].text.startswith("Joint training days")  # the garbled "ie" between B and D is C
    # the wrapped end of item D ("… library; and") is not taken for a line that introduces a list
    assert not any(b.lead for b in blocks)


def test_capitals_that_open_lines_out_of_order_are_not_labels() -> None:
    text = "A New Start for Small Schools\nB Road School joined in May.\nThe network grew."
    assert not any(b.kind == BlockKind.ITEM for b in parse_page(text))
