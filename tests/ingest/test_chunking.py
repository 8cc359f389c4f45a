"""Chunking: sizes, spans that point at the page text, Thai words never cut, sections kept."""

from __future__ import annotations

import itertools

import pytest
from pythainlp.tokenize import word_tokenize

from ingest.chunking import Chunker
from ingest.records import Health, Page

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
        assert 1 <= len(c.text) <= 600
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
