"""Exports: DOCX with Thai text unchanged and a Thai font named, Markdown with sources, atomic writes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.drafting import export as ex
from assistant.drafting.engine import Block, Draft, Section
from assistant.drafting.export import ExportFormat, export, render, to_markdown
from assistant.records import Citation

THAI = "เครือข่ายความร่วมมือโรงเรียนขนาดเล็กอำเภอโป่งน้ำร้อน มุ่งพัฒนาทักษะอาชีพด้านการท่องเที่ยว"


def _draft(language: str = "th") -> Draft:
    cite = Citation(
        n=1,
        source="framework/components.th.md",
        page=1,
        text="องค์ประกอบที่ 1 วิสัยทัศน์และเป้าหมายร่วม " * 20,
        chunk_id="c1",
        title="องค์ประกอบของเครือข่าย",
    )
    sections = [
        Section(
            "vision",
            "วิสัยทัศน์",
            [
                Block.paragraph(THAI + " [1]"),
                Block.paragraph("ย่อหน้าจากโมเดล [1]", generated=True),
                Block.bullets(["ประชุมเดือนละครั้ง", "แบ่งปันครูคอมพิวเตอร์"]),
                Block.table(["เดือน", "กิจกรรม"], [["1", "ประชุม | วางแผน"]]),
                Block.note("หมายเหตุ"),
            ],
        )
    ]
    return Draft("plan", "แผนเครือข่าย", language, sections, [cite], fields={"ผู้นำ": "โรงเรียนบ้านห้วยทับทิม"})


def test_docx_keeps_thai_text_and_names_a_thai_font(tmp_path: Path) -> None:
    from docx import Document

    path = export(_draft(), tmp_path / "plan.docx")
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert THAI + " [1]" in text
    assert "แหล่งอ้างอิง" in text and "framework/components.th.md, หน้า 1" in text
    assert "ประชุม | วางแผน" in [c.text for row in doc.tables[0].rows for c in row.cells]
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode("utf-8")
    assert f'w:cs="{ex.THAI_FONT}"' in styles and 'w:bidi="th-TH"' in styles


def test_markdown_lists_sources_and_marks_model_prose() -> None:
    md = to_markdown(_draft())
    assert md.startswith("# แผนเครือข่าย")
    assert "| 1 | ประชุม \\| วางแผน |" in md  # table cells escape the pipe
    assert "(ร่างโดยโมเดลภาษา" in md
    source_line = next(line for line in md.splitlines() if line.startswith("[1] "))
    assert "หน้า 1" in source_line and source_line.endswith("…”")  # long quotes are cut
    english = to_markdown(_draft("en"))
    assert "## Sources" in english and "page 1" in english


def test_formats_parse_and_render(tmp_path: Path) -> None:
    assert ExportFormat.parse("MARKDOWN") is ExportFormat.MARKDOWN
    assert ExportFormat.from_path(Path("x.DOCX")) is ExportFormat.DOCX
    with pytest.raises(ValueError, match="export format"):
        ExportFormat.parse("pdf")
    with pytest.raises(ValueError, match="add a suffix"):
        export(_draft(), tmp_path / "noext")
    assert render(_draft(), "json").decode("utf-8").count('"kind": "plan"') == 1
    zipfile.ZipFile(io.BytesIO(render(_draft(), "docx"))).testzip()


def test_a_failed_export_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plan.docx"
    target.write_bytes(b"old version")

    def broken(data: bytes) -> None:
        raise OSError("disk full")

    real_fdopen = ex.os.fdopen

    def fdopen(fd: int, mode: str):
        handle = real_fdopen(fd, mode)
        monkeypatch.setattr(handle, "write", broken)
        return handle

    monkeypatch.setattr(ex.os, "fdopen", fdopen)
    with pytest.raises(OSError, match="disk full"):
        export(_draft(), target)
    assert target.read_bytes() == b"old version"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["plan.docx"]  # no temporary left behind


def test_reference_quotes_are_plain_text() -> None:
    from assistant.drafting.export import _quote

    quoted = _quote("## องค์ประกอบของเครือข่าย\n\n- **วิสัยทัศน์ร่วม**: ทุกฝ่ายเห็นปลายทางเดียวกัน")
    assert quoted == "องค์ประกอบของเครือข่าย วิสัยทัศน์ร่วม: ทุกฝ่ายเห็นปลายทางเดียวกัน"
