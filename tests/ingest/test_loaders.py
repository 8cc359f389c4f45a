"""Loaders: every format yields pages with metadata; bad files fail with one clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    LoadError,
    TooLarge,
    UnsupportedFile,
    WrongType,
    load,
)
from ingest.records import DocType, Language
from tests.fixtures.files import make_blank_pdf, make_docx, make_encrypted_pdf, make_zip

THAI = "เครือข่ายความร่วมมือทางการศึกษาช่วยให้โรงเรียนขนาดเล็กแบ่งปันครูและทรัพยากร"


def test_markdown_front_matter_sets_title_type_and_language(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        f"---\ntitle: กรอบการทำงาน\ntype: framework\nlanguage: th\nid: fw-1\n---\n# หัวข้อ\n\n{THAI}\n",
        encoding="utf-8",
    )
    doc = load(path)
    assert doc.meta.title == "กรอบการทำงาน"
    assert doc.meta.doc_type == DocType.FRAMEWORK
    assert doc.meta.language == Language.TH
    assert doc.meta.extra["id"] == "fw-1"
    assert len(doc.pages) == 1 and THAI in doc.pages[0].text
    assert "---" not in doc.pages[0].text
    assert len(doc.meta.content_hash) == 64


def test_folder_name_gives_type_and_override_wins(tmp_path: Path) -> None:
    folder = tmp_path / "mou"
    folder.mkdir()
    path = folder / "agreement.txt"
    path.write_text("Memorandum of understanding between a school and a hotel.", encoding="utf-8")
    assert load(path).meta.doc_type == DocType.MOU
    assert load(path, doc_type="policy").meta.doc_type == DocType.POLICY
    assert load(path).meta.language == Language.EN
    with pytest.raises(ValueError, match="unknown document type"):
        load(path, doc_type="poem")


def test_docx_pages_split_at_page_breaks(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "plan.docx",
        [THAI, "second paragraph", "after the break"],
        page_break_after=1,
        title="Network plan",
    )
    doc = load(path)
    assert [p.number for p in doc.pages] == [1, 2]
    assert THAI in doc.pages[0].text and "after the break" in doc.pages[1].text
    assert doc.meta.title == "Network plan"
    assert doc.pages[0].text.startswith("# Network plan")


def test_html_drops_scripts_and_keeps_headings(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Policy page</title><script>alert('x')</script></head>"
        f"<body><h2>Vision</h2><p>{THAI}</p></body></html>",
        encoding="utf-8",
    )
    doc = load(path)
    assert doc.meta.title == "Policy page"
    assert "alert" not in doc.pages[0].text
    assert "## Vision" in doc.pages[0].text and THAI in doc.pages[0].text


def test_text_in_thai_cp874_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(THAI.encode("cp874"))
    assert THAI in load(path).pages[0].text


@pytest.mark.parametrize(
    ("maker", "error", "words"),
    [
        (lambda d: make_encrypted_pdf(d / "locked.pdf"), EncryptedFile, "encrypted"),
        (lambda d: make_zip(d / "archive.pdf"), WrongType, "not a PDF"),
        (lambda d: make_zip(d / "archive.docx"), WrongType, "no Word document"),
        (
            lambda d: _write(d / "corrupt.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50),
            CorruptFile,
            "cannot be read",
        ),
        (lambda d: _write(d / "zero.pdf", b""), EmptyFile, "empty"),
        (lambda d: _write(d / "sheet.xlsx", b"PK\x03\x04"), UnsupportedFile, "unsupported file type .xlsx"),
        (lambda d: _write(d / "blank.md", b"  \n"), EmptyFile, "holds no text"),
        (lambda d: _write(d / "image.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), WrongType, "PNG"),
    ],
)
def test_bad_files_raise_one_clear_reason(tmp_path: Path, maker, error: type[LoadError], words: str) -> None:
    path = maker(tmp_path)
    with pytest.raises(error) as info:
        load(path)
    assert words in info.value.reason
    assert "\n" not in info.value.reason


def test_size_and_page_limits(tmp_path: Path) -> None:
    path = make_blank_pdf(tmp_path / "long.pdf", pages=3)
    with pytest.raises(TooLarge, match="3 pages, over the limit of 2"):
        load(path, max_pages=2)
    with pytest.raises(TooLarge, match="over the limit"):
        load(path, max_bytes=100)


def test_blank_pdf_pages_are_marked_unreadable(tmp_path: Path) -> None:
    doc = load(make_blank_pdf(tmp_path / "scan.pdf", pages=2))
    assert doc.unreadable_pages == [1, 2]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
