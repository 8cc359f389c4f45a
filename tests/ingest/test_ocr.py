"""OCR of scanned pages (ingest/ocr.py): real Tesseract on real scanned pages of ../shared/testdata.

The test PDF is put together in a temporary folder from single pages of the shared PDFs (never
copied into the repo): 1 an image-only Thai scan (th10 p.2), 2 a page with a good Thai text layer
(th05 p.5), 3 a Thai scan under a Latin garbage OCR layer (th09 p.3), 4 a drawing with no text.
Three pages are OCRed once per run (a few seconds on 2 cores); the rest reads the cache.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from ingest import thai
from ingest.loaders import load
from ingest.ocr import (
    OcrMode,
    OcrOptions,
    apply_ocr,
    drop_noise_lines,
    engine_problem,
    ocr_page,
    pages_to_read,
    read_image,
    render_page,
)
from ingest.pipeline import IngestOptions, Outcome, ingest
from ingest.records import Language
from ingest.store import Store

SCAN_PHRASES = ("ห้องปฏิบัติการคอมพิวเตอร์", "ตรวจเช็คระบบเครือข่ายภายในห้อง", "ซ่อมบำรุง")
"""Read off the image of th10 p.2 (the heading and two table cells)."""


@pytest.fixture(scope="module")
def tesseract() -> str:
    path = shutil.which("tesseract")
    if path is None:
        pytest.fail("Tesseract is not installed: run scripts/ocr-deps.sh (make install does)")
    return path


@pytest.fixture(scope="module")
def mixed_pdf(tmp_path_factory: pytest.TempPathFactory, pdf_dir: Path) -> Path:
    """Four pages: image-only Thai scan, good Thai text layer, Latin garbage layer over Thai, a drawing."""
    from PIL import Image, ImageDraw
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(pdf_dir / "th10_rbru_improvement_report_59_image_only.pdf").pages[1])
    writer.add_page(PdfReader(pdf_dir / "th05_rbru_internal_qa_report_2560.pdf").pages[4])
    writer.add_page(PdfReader(pdf_dir / "th09_rbru_action_conclusion_2558_garbage_textlayer.pdf").pages[2])
    drawing = Image.new("L", (1240, 1754), 255)
    pen = ImageDraw.Draw(drawing)
    for i in range(6):
        pen.ellipse((100 + i * 150, 300 + i * 120, 400 + i * 150, 600 + i * 120), outline=0, width=8)
    buf = io.BytesIO()
    drawing.save(buf, "PDF", resolution=150)
    writer.add_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])
    path = tmp_path_factory.mktemp("ocr-pdf") / "scanned_mixed.pdf"
    with path.open("wb") as f:
        writer.write(f)
    return path


@pytest.fixture(scope="module")
def ocr_run(tmp_path_factory: pytest.TempPathFactory, embedder, mixed_pdf: Path, tesseract: str):
    """The mixed PDF ingested once with OCR in auto mode, a fresh cache, and the progress it reported."""
    root = tmp_path_factory.mktemp("ocr-store")
    store = Store.open(root / "data", embedder)
    options = IngestOptions(ocr=OcrOptions(cache_dir=root / "cache", threads=2))
    events: list[tuple[float, int, str]] = []
    report = ingest([mixed_pdf], store, options=options, progress=lambda *e: events.append(e))
    return store, report.results[0], options, root / "cache", events


def _chunks(store: Store, source: str) -> list[tuple[int, str]]:
    rows = store.manifest._conn().execute(
        "SELECT c.page, c.text FROM chunks c JOIN documents d ON d.id = c.doc_id "
        "WHERE d.source = ? AND c.state = 'live' ORDER BY c.idx",
        (source,),
    )
    return [(r[0], r[1]) for r in rows]


def test_tesseract_reads_a_real_thai_scan_and_repair_joins_its_sara_am(
    mixed_pdf: Path, tesseract: str
) -> None:
    raw = read_image(render_page(mixed_pdf, 1, 300), OcrOptions())
    assert "\u0e4d\u0e32" in raw  # Tesseract writes sara am as nikhahit + sara aa
    fixed = thai.repair(raw)
    assert "\u0e4d\u0e32" not in fixed and "สำหรับการเรียนการสอน" in fixed
    for phrase in SCAN_PHRASES:
        assert phrase in fixed, phrase
    assert thai.health(fixed, Language.TH).readable


def test_a_page_scanned_upside_down_is_read_the_right_way_up(mixed_pdf: Path, tesseract: str) -> None:
    from PIL import Image

    width, height, pixels = _pgm(render_page(mixed_pdf, 1, 300))
    upside_down = Image.frombytes("L", (width, height), pixels).rotate(180)
    image = b"P5\n%d %d\n255\n" % (width, height) + upside_down.tobytes()
    text = thai.repair(read_image(image, OcrOptions()))
    for phrase in SCAN_PHRASES[1:]:  # the table cells (the heading may be cut into two lines)
        assert phrase in text, phrase
    assert thai.health(text, Language.TH).readable


def _pgm(image: bytes) -> tuple[int, int, bytes]:
    magic, size, depth, pixels = image.split(b"\n", 3)
    width, height = map(int, size.split())
    assert (magic, depth) == (b"P5", b"255")
    return width, height, pixels


def test_auto_ocr_reads_only_the_flagged_pages_and_cites_the_pdf_page(ocr_run, mixed_pdf: Path) -> None:
    store, result, _, _, events = ocr_run
    assert result.outcome == Outcome.INGESTED and result.pages == 4
    assert "pages 1, 3 read by OCR" in result.reason and "from the OCR cache" not in result.reason
    doc = next(d for d in store.documents("default") if d.source == result.source)
    assert doc.meta["ocr_pages"] == "1,3" and doc.language == "th"
    chunks = _chunks(store, result.source)
    scan_text = " ".join(text for page, text in chunks if page == 1)
    for phrase in SCAN_PHRASES:
        assert phrase in scan_text, phrase
    hit = store.keyword("default", "ตรวจเช็คระบบเครือข่ายภายในห้อง", 3)[0]
    assert (hit.source, hit.page) == (result.source, 1)
    # the garbage layer of page 3 is gone, its page is read as Thai
    assert not store.keyword("default", "Conctusion", 5)
    assert any("จำนวนโครงการ" in text for page, text in chunks if page == 3)
    # progress went page by page through OCR, then on through embedding, never backwards
    ocr_labels = [label for _, _, label in events if "OCR page" in label]
    assert len(ocr_labels) == 3
    done = [d for d, _, _ in events]
    assert done == sorted(done)


def test_a_good_text_layer_is_never_replaced_in_auto_mode(ocr_run, mixed_pdf: Path) -> None:
    store, result, *_ = ocr_run
    layer = load(mixed_pdf).pages[1].text
    page2 = [text for page, text in _chunks(store, result.source) if page == 2]
    assert page2 and all(" ".join(text.split()) in " ".join(layer.split()) for text in page2)


def test_a_page_still_unreadable_after_ocr_is_stored_with_its_reason_and_kept_out(ocr_run) -> None:
    store, result, *_ = ocr_run
    assert result.needs_ocr_pages == [4]
    assert "pages 4 are unreadable even after OCR" in result.reason
    assert not [page for page, _ in _chunks(store, result.source) if page == 4]
    doc = next(d for d in store.documents("default") if d.source == result.source)
    assert doc.needs_ocr == [4] and doc.status == "ready"


def test_reingest_takes_ocr_text_from_the_cache(ocr_run, mixed_pdf: Path) -> None:
    store, _, options, cache_dir, _ = ocr_run
    entries = {p: p.stat().st_mtime_ns for p in cache_dir.rglob("*.txt")}
    assert len(entries) == 3  # pages 1, 3 and 4 (an empty reading is cached too)
    again = ingest([mixed_pdf], store, options=IngestOptions(ocr=options.ocr, force=True)).results[0]
    assert again.outcome == Outcome.REPLACED
    assert "pages 1, 3 read by OCR (3 from the OCR cache)" in again.reason
    assert {p: p.stat().st_mtime_ns for p in cache_dir.rglob("*.txt")} == entries
    unchanged = ingest([mixed_pdf], store, options=IngestOptions(ocr=options.ocr)).results[0]
    assert unchanged.outcome == Outcome.UNCHANGED and unchanged.needs_ocr_pages == [4]


def test_off_mode_leaves_flagged_pages_out_and_turning_ocr_on_reads_them(store, ocr_run, mixed_pdf) -> None:
    _, _, options, _, _ = ocr_run
    off = ingest([mixed_pdf], store, options=IngestOptions(ocr=OcrOptions(mode=OcrMode.OFF))).results[0]
    assert off.outcome == Outcome.INGESTED and off.needs_ocr_pages == [1, 3, 4]
    assert "read by OCR" not in off.reason and off.reason == "pages 1, 3–4 need OCR"
    assert {page for page, _ in _chunks(store, off.source)} == {2}
    # the file is unchanged, but OCR now set up differently: its flagged pages are read (from the cache)
    on = ingest([mixed_pdf], store, options=IngestOptions(ocr=options.ocr)).results[0]
    assert on.outcome == Outcome.REPLACED and on.needs_ocr_pages == [4]
    assert store.keyword("default", "ตรวจเช็คระบบเครือข่ายภายในห้อง", 3)[0].page == 1


def test_force_mode_reads_every_page_but_keeps_a_better_text_layer(ocr_run, mixed_pdf: Path) -> None:
    _, _, options, _, _ = ocr_run
    doc = load(mixed_pdf)
    assert pages_to_read(doc, OcrMode.AUTO) == [1, 3, 4]
    assert pages_to_read(doc, OcrMode.FORCE) == [1, 2, 3, 4]
    assert pages_to_read(doc, OcrMode.OFF) == []
    layer = doc.pages[1]
    summary = apply_ocr(doc, mixed_pdf, OcrOptions(mode=OcrMode.FORCE, cache_dir=options.ocr.cache_dir))
    assert summary.pages_read == 4 and 4 in summary.still_unreadable
    page2 = doc.pages[1]
    assert page2.health is not None and page2.health.readable
    if 2 in summary.ocred:  # OCR text replaces a layer only when it scores at least as well
        assert page2.health.score >= thai.health(layer.text, doc.meta.language).score
    else:
        assert page2.text == layer.text
    assert OcrMode.parse("FORCE") is OcrMode.FORCE


def test_without_tesseract_ingest_flags_the_pages_says_why_and_goes_on(
    store, mixed_pdf: Path, pdf_dir: Path, tmp_path: Path
) -> None:
    missing = OcrOptions(binary=str(tmp_path / "bin" / "tesseract"), cache_dir=tmp_path / "cache")
    assert engine_problem(missing).startswith("Tesseract not installed")
    image_only = pdf_dir / "en08_mou_secab_pennstate_image_only.pdf"
    report = ingest([mixed_pdf, image_only], store, options=IngestOptions(ocr=missing))
    mixed, scan = report.results
    assert mixed.outcome == Outcome.INGESTED and mixed.needs_ocr_pages == [1, 3, 4]
    assert mixed.reason.startswith("pages 1, 3–4 need OCR (Tesseract not installed: apt-get install")
    assert scan.outcome == Outcome.NEEDS_OCR and "needs OCR (Tesseract not installed" in scan.reason
    docs = {d.source: d for d in store.documents("default")}
    assert "Tesseract not installed" in docs[scan.source].error
    assert docs[mixed.source].meta["ocr_note"].startswith("Tesseract not installed")
    assert not (tmp_path / "cache").exists()
    # once Tesseract is there (same file, OCR set up anew), the pages are read
    assert docs[mixed.source].meta["ocr"] == "auto:tha+eng:missing"


def test_missing_language_data_and_a_page_timeout_are_reasons_not_crashes(
    mixed_pdf: Path, tesseract: str
) -> None:
    assert "lacks the language data zzz" in engine_problem(OcrOptions(langs="tha+zzz"))
    assert engine_problem(OcrOptions()) == ""
    late = ocr_page(mixed_pdf, 1, OcrOptions(timeout=0.05))
    assert late.error == "OCR timed out after 0.05 s" and not late.text
    bad = ocr_page(mixed_pdf, 9, OcrOptions())
    assert bad.error.startswith("the page cannot be rendered")


def test_noise_lines_of_thai_marks_are_dropped_and_words_kept() -> None:
    text = "1 จำนวนโครงการ  27 โครงการ\n๐     ey Aw al  1      ๐ ay ๐  a\nUSA\n=\nPenn State University"
    assert drop_noise_lines(text) == "1 จำนวนโครงการ  27 โครงการ\nUSA\nPenn State University"
