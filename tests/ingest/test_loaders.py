"""Loaders: every format yields pages with metadata; bad files fail with one clear reason."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from ingest.loaders import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    LoadError,
    TooLarge,
    UnsupportedFile,
    WrongType,
    document_title,
    load,
)
from ingest.records import DocType, Language, Page
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("พระราชบัญญัติ\nการศึกษาของชุมชนบนพื้นที่สูง\nพ.ศ. ๒๕๖๘\n\nมาตรา ๑ พระราชบัญญัตินี้เรียกว่า", DocType.POLICY),
        ("ระเบียบกระทรวงศึกษาธิการ\nว่าด้วยการรับนักเรียน พ.ศ. ๒๕๖๗\nข้อ ๑ ระเบียบนี้เรียกว่า", DocType.POLICY),
        ("บันทึกข้อตกลงความร่วมมือ\nระหว่าง โรงเรียนบ้านนา กับ องค์การบริหารส่วนตำบลนา", DocType.MOU),
        ("MEMORANDUM OF UNDERSTANDING\nbetween the Hill School and the Valley Clinic", DocType.MOU),
        ("รายงานประจำปี ๒๕๖๗\nโรงเรียนบ้านนาได้ดำเนินโครงการตามพระราชบัญญัติการศึกษา", DocType.OTHER),
    ],
)
def test_an_uploaded_statute_or_mou_is_typed_by_its_opening_lines(
    tmp_path: Path, text: str, expected: DocType
) -> None:
    # no front matter and no telling folder: what the document says it is decides
    path = tmp_path / "uploads" / "document.txt"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    assert load(path).meta.doc_type == expected
    assert load(path, doc_type="guide").meta.doc_type == DocType.GUIDE  # the user's choice still wins


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


# ------------------------------------------------------------------------------------------ titles

RUNNING = "The network met twelve times this year and the schools shared buses, teachers and labs.\n"


def make_text_pdf(path: Path, pages: list[list[str]], title: str = "") -> Path:
    """A PDF whose pages hold the given lines as real text (Helvetica), with an optional metadata title."""
    writer = PdfWriter()
    for lines in pages:
        page = writer.add_blank_page(width=595, height=842)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        ops = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title})
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_document_title_order_front_matter_file_title_page_stem(tmp_path: Path) -> None:
    pages = [Page(1, "School Network Handbook\nSmall Schools of Nan\n\n" + RUNNING * 3)]
    path = tmp_path / "handbook-v2.pdf"
    assert document_title("  คู่มือเครือข่าย ", "Network plan", pages, path) == "คู่มือเครือข่าย"
    assert document_title("", "Network   plan\n2024", pages, path) == "Network plan 2024"
    assert (
        document_title("", "Microsoft Word - 1.doc", pages, path)
        == "School Network Handbook Small Schools of Nan"
    )
    assert document_title("", "", pages, path) == "School Network Handbook Small Schools of Nan"
    assert document_title("", "Untitled", [Page(1, RUNNING * 3)], path) == "handbook-v2"


def test_pdf_with_a_junk_metadata_title_takes_its_title_page(tmp_path: Path) -> None:
    path = make_text_pdf(
        tmp_path / "1.pdf",
        [["SCHOOL NETWORK REPORT", "Cluster of Small Schools in Nan"], [RUNNING.strip()] * 3],
        title="Microsoft Word - 1.doc",
    )
    doc = load(path)
    assert "SCHOOL NETWORK REPORT" in doc.pages[0].text, "the helper PDF has a text layer"
    assert doc.meta.title == "SCHOOL NETWORK REPORT Cluster of Small Schools in Nan"


def test_pdf_with_a_real_metadata_title_keeps_it(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "plan.pdf", [["SCHOOL NETWORK REPORT"]], title="Network Plan 2024")
    assert load(path).meta.title == "Network Plan 2024"


def test_scanned_pdf_with_a_junk_title_is_named_by_its_file(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Microsoft Word - 1.doc"})
    path = tmp_path / "mou-hotel-2567.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert load(path).meta.title == "mou-hotel-2567"


def test_docx_with_a_junk_core_title_takes_its_first_lines(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Microsoft Word - แผน.doc"
    document.add_paragraph("แผนพัฒนาเครือข่าย")
    document.add_paragraph("โรงเรียนขนาดเล็ก จังหวัดน่าน")
    document.add_paragraph("เครือข่ายโรงเรียนขนาดเล็กประชุมร่วมกันทุกเดือนเพื่อวางแผนกิจกรรมและติดตามผล" * 3)
    path = tmp_path / "plan.docx"
    document.save(path)
    assert load(path).meta.title == "แผนพัฒนาเครือข่าย โรงเรียนขนาดเล็ก จังหวัดน่าน"


def test_text_file_title_from_its_first_lines_or_its_name(tmp_path: Path) -> None:
    titled = tmp_path / "report.txt"
    titled.write_text("ANNUAL REPORT 2024\nSchool Network of Nan\n\n" + RUNNING * 3, encoding="utf-8")
    assert load(titled).meta.title == "ANNUAL REPORT 2024 School Network of Nan"
    running = tmp_path / "meeting-notes.txt"
    running.write_text(RUNNING * 3, encoding="utf-8")
    assert load(running).meta.title == "meeting-notes"


def test_markdown_title_from_its_first_heading(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(f"Intro line.\n\n# Shared vision\n\n{THAI}\n", encoding="utf-8")
    assert load(path).meta.title == "Shared vision"
