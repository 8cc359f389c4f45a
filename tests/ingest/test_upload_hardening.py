"""Upload hardening: limits, type by content, safe stored names, zip bombs; one bad file never stops a batch.

Files go through the same two steps as the Library tab's upload handler: ``store_uploads``
copies them under safe names into the workspace's upload folder (the browser's name is
never used as a path), then ``ingest`` loads each one. Every bad case must end with a
clear one-line reason while the good file of the same batch goes in.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import docx
import pytest

from assistant.ui.library_tab import MAX_NAME_BYTES, safe_name, store_uploads
from ingest.loaders import DOCX_MAX_UNPACKED, CorruptFile, TooLarge, docx_unpack_limit, load
from ingest.pipeline import IngestOptions, Outcome, ingest
from ingest.store import Store
from tests.fixtures.files import make_blank_pdf, make_zip

GOOD = """---
title: Shared science lab
language: en
---
# Shared science lab

Four small schools share one science lab at the district school; each school books two afternoons a week.
"""


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def padded_docx(path: Path, padding: int) -> Path:
    """A real Word file whose word/document.xml is followed by ``padding`` spaces (deflate: ~1000:1)."""
    source = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("A perfectly ordinary paragraph.")
    document.save(source)
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "word/document.xml":
                out.writestr(info.filename, data)
                continue
            with out.open("word/document.xml", "w") as fh:
                fh.write(data)
                block = b" " * 2**20
                for _ in range(padding // len(block)):
                    fh.write(block)
                fh.write(b" " * (padding % len(block)))
    return path


def docx_bomb(path: Path, unpacked: int) -> Path:
    """A small .docx that honestly declares it inflates to more than ``unpacked`` bytes."""
    return padded_docx(path, unpacked)


def lying_docx_bomb(path: Path, real: int = 20 * 2**20, declared: int = 4000) -> Path:
    """A .docx whose zip headers declare ``declared`` bytes for a document.xml that inflates to ``real``."""
    data = bytearray(padded_docx(path, real).read_bytes())
    patched = 0
    for signature, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_len = struct.unpack_from("<H", data, start + name_len_at)[0]
            if bytes(data[start + name_at : start + name_at + name_len]) == b"word/document.xml":
                struct.pack_into("<I", data, start + size_at, declared)
                patched += 1
            start += 4
    assert patched == 2, "both headers of word/document.xml should be patched"
    path.write_bytes(bytes(data))
    return path


# ---------------------------------------------------------------- the loader's guards


def test_a_docx_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = docx_bomb(tmp_path / "bomb.docx", DOCX_MAX_UNPACKED + 2**20)
    assert bomb.stat().st_size < 2 * 2**20, "the bomb should be small on disk"
    with pytest.raises(TooLarge, match=r"unpacks to [\d.]+ MiB, over the safe limit"):
        load(bomb)


def test_a_small_docx_may_not_unpack_to_much_more_than_20_times_its_size(tmp_path: Path) -> None:
    """The cap is tied to memory: 20x the file (at least 4 MiB), never more than 100 MiB."""
    bomb = padded_docx(tmp_path / "ratio.docx", 8 * 2**20)
    size = bomb.stat().st_size
    assert size < 200 * 2**10 and docx_unpack_limit(size) < 8 * 2**20
    expected = r"unpacks to 8\.\d MiB, over the safe limit of 4\.0 MiB \(20x the file"
    with pytest.raises(TooLarge, match=expected):
        load(bomb)
    ordinary = padded_docx(tmp_path / "ordinary.docx", 2**20)  # 1 MiB of XML: under the floor
    assert "perfectly ordinary" in load(ordinary).pages[0].text
    assert docx_unpack_limit(10 * 2**20) == DOCX_MAX_UNPACKED == 100 * 2**20


def test_a_docx_whose_headers_lie_about_its_size_is_refused(tmp_path: Path) -> None:
    """Python's zipfile stops at the declared size, so a lying header ends in a CRC error, not a blow-up."""
    bomb = lying_docx_bomb(tmp_path / "liar.docx")
    with pytest.raises(CorruptFile, match="cannot be read"):
        load(bomb)


# ---------------------------------------------------------------- stored names


@pytest.mark.parametrize(
    ("client_name", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/etc/passwd.md", "passwd.md"),
        ("..\\..\\Windows\\system32\\drivers.txt", "drivers.txt"),
        ("C:\\Users\\ครู\\แผน งาน 2567.PDF", "แผน_งาน_2567.pdf"),
        ("evil\x00.md.pdf", "evil.md.pdf"),
        ("report\x00/../../x.md", "x.md"),
        ("..", "upload"),
        ("...md", "upload.md"),
        (".bashrc.md", "bashrc.md"),
        ("name\nwith\rcontrol\tchars.txt", "namewithcontrolchars.txt"),
        ("bill\u202egpj.md", "billgpj.md"),  # a right-to-left override cannot disguise the suffix
        ("$(rm -rf ~);`id`.html", "rm_-rf_id.html"),
    ],
)
def test_client_names_become_safe_base_names(client_name: str, stored: str) -> None:
    name = safe_name(client_name)
    assert name == stored
    assert "/" not in name and "\\" not in name and "\x00" not in name and not name.startswith(".")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


def test_stored_uploads_stay_inside_the_upload_folder(tmp_path: Path) -> None:
    """Names that are legal on disk but hostile still land inside ``dest`` under safe names."""
    incoming = tmp_path / "gradio-tmp"
    hostile = [
        "..pdf.md",
        "-rf .md",
        "a b c.TXT",
        "CON.md",
        "x" * 250 + ".md",
        "ก" * 80 + ".md",
        "\u202etxt.md",
    ]
    files = [write(incoming / str(i) / name, b"# note\n\nsome text\n") for i, name in enumerate(hostile)]
    dest = tmp_path / "uploads" / "default"
    stored, rejected = store_uploads(files, dest, max_bytes=2**20)
    assert rejected == []
    assert len(stored) == len(hostile) and len({p.name for p in stored}) == len(hostile)
    root = dest.resolve()
    for path in stored:
        assert path.resolve().parent == root and path.is_file()
        assert path.name == safe_name(path.name)  # already safe: sanitising again changes nothing
    assert sorted(p.name for p in (tmp_path / "uploads").rglob("*") if p.is_file()) == sorted(
        p.name for p in stored
    )


# ---------------------------------------------------------------- a whole batch, as the Library tab runs it


def test_every_bad_upload_gets_a_clear_reason_and_the_rest_goes_in(tmp_path: Path, store: Store) -> None:
    incoming = tmp_path / "gradio-tmp"  # Gradio keeps each upload in its own temp folder

    def at(name: str) -> Path:
        folder = incoming / str(len(list(incoming.glob("*"))) if incoming.exists() else 0)
        folder.mkdir(parents=True)
        return folder / name

    long_docx = docx.Document()  # explicit page breaks: 8 pages
    for i in range(8):
        long_docx.add_paragraph(f"Page {i + 1} of the plan.")
        long_docx.add_page_break()
    long_path = at("long.docx")
    long_docx.save(long_path)
    pdf_bytes = make_blank_pdf(tmp_path / "blank.pdf").read_bytes()
    big = write(at("big.md"), b"# big\n\n" + b"word " * 250_000)  # 1.2 MiB
    uploads = [
        big,
        make_blank_pdf(at("long.pdf"), pages=6),
        long_path,
        make_zip(at("archive.pdf")),
        write(at("scan.docx"), pdf_bytes),
        write(at("picture.md"), b"\x89PNG\r\n\x1a\n" + b"\x00" * 300),
        write(at("program.pdf"), b"\x7fELF\x02\x01\x01" + b"\x00" * 300),
        docx_bomb(at("bomb.docx"), DOCX_MAX_UNPACKED + 2**20),
        lying_docx_bomb(at("liar.docx")),
        write(at("tool.exe"), b"MZ" + b"\x00" * 100),
        write(at("lab.md"), GOOD.encode()),
    ]

    dest = tmp_path / "uploads" / "default"
    stored, rejected = store_uploads(uploads, dest, max_bytes=2**20)
    assert sorted(rejected) == [("big.md", "too_large"), ("tool.exe", "bad_type")]
    report = ingest(stored, store, options=IngestOptions(max_pages=5, max_bytes=2**20))
    by_name = {r.source: r for r in report.results}
    expected = {
        "long.pdf": "the PDF has 6 pages, over the limit of 5",
        "long.docx": "pages, over the limit of 5",
        "archive.pdf": "named .pdf but the content is a ZIP file, not a PDF",
        "scan.docx": "named .docx but the content is a PDF file, not a Word document",
        "picture.md": "named .md but the content is a PNG file, not text",
        "program.pdf": "named .pdf but the content is",
        "bomb.docx": "over the safe limit",
        "liar.docx": "the DOCX cannot be read",
    }
    for name, words in expected.items():
        result = by_name[name]
        assert result.outcome == Outcome.FAILED, (name, result)
        assert words in result.reason and "\n" not in result.reason, (name, result.reason)
    assert [r.source for r in report.of(Outcome.INGESTED)] == ["lab.md"]
    assert not report.ok
    docs = store.documents("default")
    assert [d.source for d in docs] == ["lab.md"]
    assert Path(docs[0].path).parent == dest.resolve()
    assert store.keyword("default", "science lab", 1)[0].source == "lab.md"

    # The loader's own size limit (the CLI path has no upload step) gives the same kind of reason.
    cli = ingest([big], store, options=IngestOptions(max_bytes=2**20))
    assert cli.results[0].outcome == Outcome.FAILED
    assert "the file is 1.2 MiB, over the limit of 1 MiB" in cli.results[0].reason
