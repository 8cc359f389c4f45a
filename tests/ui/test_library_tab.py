"""The Library tab's document notes: pages read by OCR, pages that still need it, and why."""

from __future__ import annotations

from assistant.ui.i18n import get_labels
from assistant.ui.library_tab import document_note
from ingest.manifest import DocumentRow


def _row(**kw) -> DocumentRow:
    base = dict(
        id=1, workspace="default", path="/x/scan.pdf", source="scan.pdf", title="scan", doc_type="other",
        language="th", content_hash="0" * 64, status="ready", pages=4, chunks=3, health=0.9,
    )
    return DocumentRow(**{**base, **kw})


def test_notes_name_the_pages_read_by_ocr_and_the_missing_engine() -> None:
    labels = get_labels()
    done = _row(meta={"ocr_pages": "1,2,3"}, needs_ocr=[4])
    assert document_note(labels, "en", done) == "pages 1-3 read by OCR; pages 4 need OCR"
    assert document_note(labels, "th", done).startswith("หน้า 1-3 อ่านด้วย OCR")
    note = "Tesseract not installed: apt-get install tesseract-ocr tesseract-ocr-tha"
    missing = _row(meta={"ocr_note": note}, needs_ocr=[1, 3, 4])
    assert document_note(labels, "en", missing) == f"pages 1, 3-4 need OCR; {note}"
    scan = _row(status="needs_ocr", chunks=0, needs_ocr=[1], error=f"needs OCR: pages 1 … ({note})")
    assert note in document_note(labels, "en", scan)
    assert document_note(labels, "en", _row()) == ""
