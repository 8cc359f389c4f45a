"""Chunking: sizes, spans that point at the page text, Thai words never cut, sections kept."""

from __future__ import annotations

import itertools
import random

import pytest
from pythainlp.tokenize import word_tokenize

from ingest.chunking import MAX_TRAIL, Chunker
from ingest.records import Chunk, Health, Page, context_header
from ingest.structure import BlockKind, Layout, parse_page

THAI_PARAGRAPH = (
    "การจัดการเครือข่ายความร่วมมือทางการศึกษาเป็นแนวทางสำคัญในการพัฒนาคุณภาพการเรียนการสอน"
    "ลดความเหลื่อมล้ำทางการศึกษาและสร้างโอกาสทางการศึกษาให้แก่ผู้เรียนในพื้นที่ห่างไกล"
    "โรงเรียนขนาดเล็กที่ขาดแคลนครูและงบประมาณจึงต้องอาศัยความร่วมมือจากมหาวิทยาลัยองค์กรปกครองส่วนท้องถิ่น"
    "สถานประกอบการและชุมชนเพื่อจัดประสบการณ์ด้านอาชีพให้แก่นักเรียน"
)


def _words_of(text: str) -> set[int]:
    """Offsets where newmm places a word boundary in ``text``."""
    pos, cuts = 0, {0, len(text)}
    for w in word_tokenize(text, engine="newmm", keep_whitespace=True):
        pos += len(w)
        cuts.add(pos)
    return cuts


def test_thai_text_without_spaces_is_cut_only_at_word_boundaries() -> None:
    text = THAI_PARAGRAPH * 4
    chunker = Chunker(target=200, min_chars=150, max_chars=250, overlap=40)
    spans = chunker.spans(text)
    assert len(spans) >= 4
    boundaries = _words_of(text)
    for start, end in spans:
        assert start in boundaries, f"chunk starts inside a word at {start}: {text[start - 5 : start + 5]!r}"
        assert end in boundaries, f"chunk ends inside a word at {end}: {text[end - 5 : end + 5]!r}"
        assert end - start <= 250


def test_spans_reproduce_page_text_and_cover_it() -> None:
    text = "\n\n".join([THAI_PARAGRAPH, "English sentence one. Another sentence here. " * 12, THAI_PARAGRAPH])
    chunks = Chunker().split([Page(number=3, text=text)])
    assert chunks and all(c.page == 3 for c in chunks)
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert 1 <= len(c.text) <= Chunker().max_chars
    # every non-space character is in some chunk
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_chunks_overlap_and_respect_target_sizes() -> None:
    text = " ".join(f"Sentence number {i} talks about school networks." for i in range(60))
    chunks = Chunker(target=450, min_chars=300, max_chars=600, overlap=80).split([Page(1, text)])
    assert len(chunks) > 3
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end, "consecutive chunks should overlap"
        assert a.end - b.start <= 80
    assert all(300 <= len(c.text) <= 600 for c in chunks[:-1])


def test_markdown_headings_start_chunks_and_name_sections() -> None:
    body = "Details of this component. " * 12
    text = f"# Framework\n\n## Shared vision\n\n{body}\n\n## Communication system\n\n{body}"
    chunks = Chunker().split([Page(1, text)])
    sections = [c.section for c in chunks]
    assert "Shared vision" in sections and "Communication system" in sections
    comm = next(c for c in chunks if c.section == "Communication system")
    assert comm.text.startswith("## Communication system")


def test_unreadable_pages_are_not_chunked() -> None:
    bad = Health(score=0.0, readable=False, chars=30, reason="latin gibberish")
    chunks = Chunker().split([Page(1, "f,quwf,tnsuliuTns " * 30, bad), Page(2, THAI_PARAGRAPH)])
    assert chunks and {c.page for c in chunks} == {2}


def test_invalid_sizes_are_rejected() -> None:
    with pytest.raises(ValueError, match="chunk sizes"):
        Chunker(target=100, min_chars=300, max_chars=600)


# ------------------------------------------------------------------------------------------ sizes


def test_default_sizes() -> None:
    c = Chunker()
    assert (c.target, c.min_chars, c.max_chars, c.overlap) == (700, 400, 1000, 80)
    with pytest.raises(ValueError, match="overlap"):
        Chunker(overlap=400)


def test_default_chunks_are_between_min_and_max_and_overlap_a_little() -> None:
    text = " ".join(
        f"Sentence number {i} tells how the school network shares its teachers." for i in range(80)
    )
    chunks = Chunker().split([Page(1, text)])
    assert len(chunks) >= 5
    assert all(400 <= len(c.text) <= 1000 for c in chunks[:-1])
    for a, b in itertools.pairwise(chunks):
        assert 0 < a.end - b.start <= 80
        assert b.text[0].isalnum(), "a chunk starts at a word"


def test_a_short_page_is_one_chunk() -> None:
    text = "## Vision\n\n" + "The network shares teachers and buses between schools. " * 10
    chunks = Chunker().split([Page(1, text)])
    assert len(chunks) == 1 and chunks[0].text == text.strip()


# ------------------------------------------------------------------------------------------ trails


def _items(lo: int, hi: int) -> str:
    return "\n".join(
        f"{n}. The network shares resource number {n} among the member schools so every learner benefits."
        for n in range(lo, hi)
    )


REPORT_P1 = f"""CHAPTER 3
RESOURCE SHARING

3.1 Shared resources
Small schools cannot afford everything on their own, and the cluster pools what it has.
The network shares the following resources:
{_items(1, 6)}
"""

REPORT_P2 = f"""{_items(6, 9)}

3.2 Shared staff
Teachers are shared between the schools of the cluster according to an agreed plan
that is reviewed every term by the heads of the schools."""


def test_trail_runs_across_pages_and_a_new_heading_replaces_its_sibling() -> None:
    chunks = Chunker().split([Page(1, REPORT_P1), Page(2, REPORT_P2)], title="Guide")
    assert [(c.page, c.trail) for c in chunks] == [
        (1, ("CHAPTER 3 RESOURCE SHARING", "3.1 Shared resources")),
        (2, ("CHAPTER 3 RESOURCE SHARING", "3.1 Shared resources")),
        (2, ("CHAPTER 3 RESOURCE SHARING", "3.2 Shared staff")),
    ]
    assert all(c.section == c.trail[-1] for c in chunks)
    assert chunks[2].text.startswith("3.2 Shared staff"), "a chunk is cut before a heading"


def test_a_list_continued_on_the_next_page_carries_its_lead_in() -> None:
    first, continued, staff = Chunker().split([Page(1, REPORT_P1), Page(2, REPORT_P2)])
    assert first.lead == "", "the lead-in is inside the first chunk"
    assert "The network shares the following resources:" in first.text
    assert continued.text.startswith("6. ")
    assert continued.lead == "The network shares the following resources:"
    assert staff.lead == "", "a new heading ends the list"


def test_a_long_list_carries_its_lead_in_into_every_later_chunk() -> None:
    text = REPORT_P1.replace(_items(1, 6), _items(1, 25))
    chunks = Chunker().split([Page(3, text)])
    assert len(chunks) >= 3
    assert chunks[0].lead == ""
    for c in chunks[1:]:
        assert c.text[0].isdigit(), "later chunks start at an item"
        assert c.lead == "The network shares the following resources:"
        assert c.header("Guide") == (
            "Guide › CHAPTER 3 RESOURCE SHARING › 3.1 Shared resources\n"
            "The network shares the following resources:"
        )


def test_a_long_table_carries_its_header_row() -> None:
    rows = "\n".join(
        f"| School {n} | Hosts {n} student teachers and shares its science lab with the cluster |"
        for n in range(1, 25)
    )
    head = "| School | Contribution |\n|---|---|"
    text = f"## Partners\n\nThe partner schools are listed below.\n\n{head}\n{rows}\n"
    chunks = Chunker().split([Page(1, text)])
    assert len(chunks) >= 3
    assert chunks[0].lead == ""
    for c in chunks[1:]:
        assert c.text.startswith("| School ") and c.lead == "| School | Contribution |"
        assert c.trail == ("Partners",)


def test_trail_keeps_the_innermost_headings() -> None:
    text = "# A\n\n## B\n\n### C\n\n#### D\n\n##### E\n\n" + "Body words about the network. " * 10
    [chunk] = Chunker().split([Page(1, text)])
    assert chunk.trail == ("A", "B", "C", "D", "E")[-MAX_TRAIL:]
    assert chunk.section == "E"


def test_statute_chunks_carry_chapter_and_section() -> None:
    items = "\n".join(
        f"({d}) สิทธิข้อที่ {d} ของคนพิการในการได้รับบริการทางการศึกษาและสิ่งอำนวยความสะดวกที่เหมาะสมจากสถานศึกษาทุกระดับ"
        for d in "๑๒๓๔๕๖๗๘๙"
    )
    text = f"หมวด ๑\nสิทธิทางการศึกษา\n\nมาตรา ๕ คนพิการมีสิทธิทางการศึกษาตามที่กฎหมายกำหนด\n{items}\n"
    chunks = Chunker().split([Page(4, text)])
    assert len(chunks) >= 2
    assert {c.trail for c in chunks} == {("หมวด ๑ สิทธิทางการศึกษา", "มาตรา ๕")}
    assert chunks[1].text.startswith("(")


def test_contents_entries_do_not_become_the_trail_of_the_body() -> None:
    toc = "สารบัญ\n" + "\n".join(f"บทที่ {n} หัวข้อที่ {n} ของรายงาน ........ {n * 5}" for n in range(1, 7))
    body = "เครือข่ายโรงเรียนขนาดเล็กประชุมร่วมกันทุกเดือนเพื่อวางแผนกิจกรรมของโรงเรียน " * 8
    chunks = Chunker().split([Page(2, toc), Page(3, body)])
    assert chunks[0].kind == "contents"
    assert [c.trail for c in chunks if c.page == 3] == [()]


# ------------------------------------------------------------------------------------------ cut points

WORDS = ["school", "network", "teacher", "learner", "cluster", "budget"]
WORDS += ["plan", "term", "village", "partner", "university", "mentor"]


def _sentence(r: random.Random, n: int) -> str:
    return " ".join(r.choice(WORDS) for _ in range(n)).capitalize() + "."


def _structured_doc(seed: int) -> str:
    r = random.Random(seed)
    out = []
    for s in range(r.randint(2, 5)):
        out.append(f"{s + 1}.{r.randint(1, 9)} {r.choice(WORDS).capitalize()} {r.choice(WORDS)}")
        for _ in range(r.randint(0, 3)):
            out.append(" ".join(_sentence(r, r.randint(5, 25)) for _ in range(r.randint(1, 4))))
            out.append("")
        if r.random() < 0.6:
            out.append("The plan covers the following:")
            out.extend(f"- {_sentence(r, r.randint(4, 20))}" for _ in range(r.randint(2, 12)))
            out.append("")
    return "\n".join(out)


@pytest.mark.parametrize(
    "chunker", [Chunker(), Chunker(target=300, min_chars=200, max_chars=400, overlap=40)]
)
def test_a_heading_or_a_lead_in_is_never_the_last_thing_of_a_chunk(chunker: Chunker) -> None:
    checked = 0
    for seed in range(40):
        text = _structured_doc(seed)
        blocks = parse_page(text)
        spans = chunker.spans(text)
        for a, b in spans[:-1]:
            inside = [x for x in blocks if a <= x.start < b]
            if not inside:  # the middle of one long paragraph
                continue
            last = inside[-1]
            assert last.kind != BlockKind.HEADING and not last.lead, (seed, text[a:b][-120:])
            checked += 1
        for a, b in spans:
            assert text[a:b] == text[a:b].strip()
            assert b - a <= chunker.max_chars
    assert checked > 40, "the documents should make several chunks each"


def test_a_chunk_starts_at_a_heading_inside_its_window() -> None:
    body = "The schools of the cluster share their teachers and buses every term. " * 5
    text = f"2.1 Buses\n{body}\n\n2.2 Teachers\n{body}{body}"
    chunks = Chunker().split([Page(1, text)])
    assert [c.text.split("\n")[0] for c in chunks][:2] == ["2.1 Buses", "2.2 Teachers"]
    assert [c.section for c in chunks][:2] == ["2.1 Buses", "2.2 Teachers"]


# ------------------------------------------------------------------------------------------ furniture

PARAGRAPHS = [
    "เครือข่ายโรงเรียนขนาดเล็กประชุมร่วมกันทุกเดือนเพื่อวางแผนกิจกรรมและติดตามผลการดำเนินงาน",
    "ครูแลกเปลี่ยนแผนการสอนและสังเกตการสอนของกันและกันเพื่อพัฒนาการจัดการเรียนรู้",
    "มหาวิทยาลัยส่งนักศึกษาฝึกสอนไปยังโรงเรียนในพื้นที่ห่างไกลทุกภาคเรียน",
    "ผู้ปกครองและชุมชนสนับสนุนโรงเรียนทั้งเวลาแรงงานและงบประมาณ",
    "องค์การบริหารส่วนตำบลจัดรถรับส่งนักเรียนของโรงเรียนในเครือข่ายร่วมกัน",
    "สถานประกอบการในท้องถิ่นรับนักเรียนฝึกประสบการณ์อาชีพในช่วงปิดภาคเรียน",
]
PROVINCES = ["น่าน", "แพร่", "ลำปาง", "เชียงราย", "พะเยา", "ตาก", "สุโขทัย"]
HEADER = "รายงานผลการดำเนินงานเครือข่าย ปีการศึกษา 2567"


def _page_with_furniture(n: int) -> str:
    lines = [f"{p}ในจังหวัด{PROVINCES[n]} " * 2 for p in PARAGRAPHS]
    return "\n".join([HEADER, "", *lines, "", f"- {n} -"])


def test_furniture_is_never_at_the_edge_of_a_chunk() -> None:
    pages = [Page(n, _page_with_furniture(n)) for n in range(1, 6)]
    chunks = Chunker().split(pages)
    assert {c.page for c in chunks} == {1, 2, 3, 4, 5}
    layout = Layout.of(pages)
    for c in chunks:
        lines = [ln for ln in c.text.splitlines() if ln.strip()]
        assert not layout.is_furniture(lines[0]) and not layout.is_furniture(lines[-1]), c.text[:60]
        assert HEADER not in c.text and not c.text.rstrip().endswith("-")
    for page in pages:  # every body line is still in a chunk
        text = "\n".join(c.text for c in chunks if c.page == page.number)
        assert all(ln.strip() in text for ln in page.text.splitlines()[2:-2])


def _body_of_length(length: int) -> str:
    lines, i = [], 0
    while sum(len(ln) + 1 for ln in lines) < length:
        lines.append(
            f"Line {chr(65 + i % 26)}{chr(97 + i // 26)} of the report tells what the network did this term."
        )
        i += 1
    return "\n".join(lines)[:length].rstrip() + "."


def test_no_chunk_lies_inside_the_previous_one() -> None:
    text = _body_of_length(996) + "\nPage 3"
    chunks = Chunker().split([Page(3, text)])
    for a, b in itertools.pairwise(chunks):
        assert not (a.start <= b.start and b.end <= a.end), ((a.start, a.end), (b.start, b.end))


# ------------------------------------------------------------------------------------------ kinds and headers


def test_contents_and_cover_pages_are_marked() -> None:
    toc = "สารบัญ\n" + "\n".join(f"บทที่ {n} หัวข้อที่ {n} ของรายงาน ........ {n * 5}" for n in range(1, 7))
    body = "เครือข่ายโรงเรียนขนาดเล็กประชุมร่วมกันทุกเดือนเพื่อวางแผนกิจกรรมของโรงเรียน " * 8
    pages = [Page(1, "รายงานการศึกษา\nเครือข่ายโรงเรียนขนาดเล็ก"), Page(2, toc), Page(3, body)]
    kinds = {c.page: c.kind for c in Chunker().split(pages)}
    assert kinds == {1: "cover", 2: "contents", 3: "body"}


def test_a_short_one_page_note_is_body_text() -> None:
    note = (
        "## ระบบการสื่อสาร\n\nเครือข่ายความร่วมมือต้องมีช่องทางการสื่อสารที่ชัดเจน เช่น การประชุมประจำเดือน"
        " กลุ่มไลน์ของผู้ประสานงาน และจดหมายข่าวออนไลน์ เพื่อให้สมาชิกรับรู้ความคืบหน้าได้ทันเวลา"
    )
    assert [c.kind for c in Chunker().split([Page(1, note)])] == ["body"]


def test_context_header() -> None:
    chunk = Chunk("x", 1, 0, 1, 0, trail=("หมวด ๑", "มาตรา ๕"), lead="ดังนี้")
    assert chunk.header("พ.ร.บ.") == "พ.ร.บ. › หมวด ๑ › มาตรา ๕\nดังนี้"
    assert chunk.header() == "หมวด ๑ › มาตรา ๕\nดังนี้"
    assert context_header("Plan", ["Plan", "Goals", " "]) == "Plan › Goals", (
        "a heading equal to the title once"
    )
    assert context_header("", (), "") == ""
