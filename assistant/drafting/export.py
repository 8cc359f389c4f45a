"""Drafts out: Markdown, DOCX (Thai-capable font named in the document) and JSON.

Usage:
    >>> from assistant.drafting.export import ExportFormat, export, to_markdown
    >>> text = to_markdown(draft)                       # citations as a numbered source list
    >>> export(draft, Path("plan.docx"))                # format from the suffix; atomic write
    >>> data = render(draft, ExportFormat.DOCX)         # bytes, e.g. for a download button

Citations stay inline as ``[n]`` and are listed at the end with document, page and the
quoted passage. Files are written to a temporary name and renamed, so an interrupted
export never leaves a corrupt file behind.

PDF is not offered: the PDF writers available offline (fpdf2 without a shaping engine,
reportlab) place Thai tone marks and vowels above and below consonants wrongly, and a
plan with broken Thai is worse than none. DOCX opens in Word, LibreOffice and Google Docs.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.drafting.engine import BlockKind, Draft, Section, load_draft_prompts
from ingest.records import parse_choice

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

THAI_FONT = "TH Sarabun New"
"""The Thai government's standard font: installed with Office in Thailand; Thai-capable."""
LATIN_FONT = "TH Sarabun New"
BODY_SIZE_TH = 16
BODY_SIZE_EN = 12
QUOTE_CHARS = 240


class ExportFormat(StrEnum):
    DOCX = "docx"
    MARKDOWN = "md"
    JSON = "json"

    @classmethod
    def parse(cls, value: str | ExportFormat) -> ExportFormat:
        if isinstance(value, str) and value.lower() in ("markdown", ".md"):
            return cls.MARKDOWN
        return parse_choice(cls, value.lstrip(".") if isinstance(value, str) else value, "export format")

    @classmethod
    def from_path(cls, path: Path) -> ExportFormat:
        """The format named by a file's suffix (``.docx``, ``.md``, ``.json``)."""
        if not path.suffix:
            raise ValueError(f"{path}: add a suffix (.docx, .md or .json) or give the format")
        return cls.parse(path.suffix)

    @property
    def media_type(self) -> str:
        return {
            ExportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ExportFormat.MARKDOWN: "text/markdown; charset=utf-8",
            ExportFormat.JSON: "application/json",
        }[self]


def _quote(text: str) -> str:
    """A source's text as a short plain quote: Markdown heading, bullet and emphasis marks removed."""
    from assistant.grounding import clean_line

    flat = " ".join(" ".join(clean_line(line) for line in text.splitlines()).split())
    return flat if len(flat) <= QUOTE_CHARS else flat[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def sections_markdown(sections: Iterable[Section], language: str) -> str:
    """Sections as Markdown (no title or sources): the part of a draft streamed so far."""
    p = load_draft_prompts(language)
    lines: list[str] = []
    for section in sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            if block.kind is BlockKind.PARAGRAPH:
                suffix = f" _{p.label('generated')}_" if block.generated else ""
                lines += [block.text + suffix, ""]
            elif block.kind is BlockKind.NOTE:
                lines += [f"> {block.text}", ""]
            elif block.kind is BlockKind.BULLETS:
                lines += [f"- {item}" for item in block.items] + [""]
            elif block.kind is BlockKind.TABLE:
                lines.append("| " + " | ".join(_md_cell(h) for h in block.header) + " |")
                lines.append("|" + "---|" * len(block.header))
                lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
                lines.append("")
    return "\n".join(lines)


def meta_line(draft: Draft) -> str:
    """``จัดทำเมื่อ 1 มิถุนายน 2568 · โมเดลภาษา: ไม่ใช้`` / ``Prepared on 1 June 2025 · Language model: none``.

    The date is written as the draft's language writes it (Buddhist era in Thai); the backend is
    named by the ``backend_<code>`` label when the wording file has one.
    """
    from assistant.mou.dates import format_date

    p = load_draft_prompts(draft.language)
    try:
        created = format_date(date.fromisoformat(draft.created[:10]), draft.language)
    except ValueError:
        created = draft.created
    backend = p.labels.get(f"backend_{draft.backend}", draft.backend)
    return f"{p.label('created', date=created)} · {p.label('backend', backend=backend)}"


def to_markdown(draft: Draft) -> str:
    """The draft as Markdown: title, input summary, sections, then the numbered sources."""
    p = load_draft_prompts(draft.language)
    lines = [f"# {draft.title}", ""]
    if draft.subtitle:
        lines += [f"_{draft.subtitle}_", ""]
    for key, value in draft.fields.items():
        lines.append(f"- **{key}:** {value}")
    lines += ["", f"<sub>{meta_line(draft)}</sub>", ""]
    lines += [sections_markdown(draft.sections, draft.language)]
    lines += [f"## {p.label('sources')}", ""]
    if not draft.citations:
        lines += [p.label("no_sources"), ""]
    for c in draft.citations:
        name = f"{c.title} — " if c.title and c.title != c.source else ""
        lines.append(f"[{c.n}] {name}{c.source}, {p.label('page', page=c.page)}: “{_quote(c.text)}”")
        lines.append("")
    lines += ["---", f"<sub>{p.label('footer')}</sub>", ""]
    return "\n".join(lines)


def _set_fonts(doc: DocxDocument, language: str) -> None:
    """Name the Thai-capable font for every script (ascii, hAnsi, complex script, East Asian) and Thai as
    the complex-script language, in the default paragraph style and the heading styles."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    size = BODY_SIZE_TH if language == "th" else BODY_SIZE_EN
    for name in ["Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "Table Grid"]:
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        font = getattr(style, "font", None)
        if font is None:
            continue
        font.name = LATIN_FONT
        if name == "Normal":
            font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), THAI_FONT)
        if name == "Normal":
            size_cs = rpr.find(qn("w:szCs"))
            if size_cs is None:
                size_cs = OxmlElement("w:szCs")
                rpr.append(size_cs)
            size_cs.set(qn("w:val"), str(size * 2))
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "th-TH" if language == "th" else "en-GB")
        lang.set(qn("w:bidi"), "th-TH")


def to_docx_bytes(draft: Draft) -> bytes:
    """The draft as a DOCX file's bytes (python-docx), Thai text unchanged."""
    from docx import Document
    from docx.shared import Pt

    p = load_draft_prompts(draft.language)
    doc = Document()
    _set_fonts(doc, draft.language)
    doc.core_properties.title = draft.title
    doc.core_properties.language = "th-TH" if draft.language == "th" else "en-GB"
    doc.add_heading(draft.title, level=0)
    if draft.subtitle:
        doc.add_paragraph(draft.subtitle).runs[0].italic = True
    for key, value in draft.fields.items():
        para = doc.add_paragraph()
        para.add_run(f"{key}: ").bold = True
        para.add_run(value)
    meta = doc.add_paragraph(meta_line(draft))
    meta.runs[0].font.size = Pt(10)
    for section in draft.sections:
        doc.add_heading(section.title, level=1)
        for block in section.blocks:
            if block.kind is BlockKind.PARAGRAPH:
                para = doc.add_paragraph(block.text)
                if block.generated:
                    note = para.add_run(f" {p.label('generated')}")
                    note.italic = True
                    note.font.size = Pt(10)
            elif block.kind is BlockKind.NOTE:
                para = doc.add_paragraph(block.text)
                para.runs[0].italic = True
            elif block.kind is BlockKind.BULLETS:
                for item in block.items:
                    doc.add_paragraph(item, style="List Bullet")
            elif block.kind is BlockKind.TABLE:
                table = doc.add_table(rows=1, cols=len(block.header))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                    cell.text = text
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
                for row in block.rows:
                    for cell, text in zip(table.add_row().cells, row, strict=True):
                        cell.text = text
                doc.add_paragraph()
    doc.add_heading(p.label("sources"), level=1)
    if not draft.citations:
        doc.add_paragraph(p.label("no_sources"))
    for c in draft.citations:
        para = doc.add_paragraph()
        para.add_run(f"[{c.n}] ").bold = True
        name = f"{c.title} — " if c.title and c.title != c.source else ""
        para.add_run(f"{name}{c.source}, {p.label('page', page=c.page)}: ")
        para.add_run(f"“{_quote(c.text)}”").italic = True
    footer = doc.add_paragraph(p.label("footer"))
    footer.runs[0].font.size = Pt(10)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render(draft: Draft, fmt: ExportFormat | str) -> bytes:
    """The draft in ``fmt`` as bytes (UTF-8 for the text formats)."""
    fmt = ExportFormat.parse(fmt)
    if fmt is ExportFormat.DOCX:
        return to_docx_bytes(draft)
    if fmt is ExportFormat.MARKDOWN:
        return to_markdown(draft).encode("utf-8")
    return json.dumps(draft.to_json(), ensure_ascii=False, indent=2).encode("utf-8")


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def export(draft: Draft, path: Path, fmt: ExportFormat | str | None = None) -> Path:
    """Render ``draft`` and write it to ``path`` (format from ``fmt`` or the suffix)."""
    chosen = ExportFormat.parse(fmt) if fmt is not None else ExportFormat.from_path(Path(path))
    return write_atomic(Path(path), render(draft, chosen))


def export_files(draft: Draft, folder: Path, stem: str) -> dict[ExportFormat, Path]:
    """Write the draft as DOCX and Markdown into ``folder`` (for download buttons)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem).strip("-") or draft.kind
    return {
        fmt: export(draft, Path(folder) / f"{safe}.{fmt.value}", fmt)
        for fmt in (ExportFormat.DOCX, ExportFormat.MARKDOWN)
    }
