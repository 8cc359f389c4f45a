"""Real PDFs from ../shared/testdata: legacy Thai fonts, broken sara am, scans and OCR garbage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest import thai
from ingest.pipeline import Outcome, ingest
from ingest.store import Store

PUA = re.compile("[\uf700-\uf71f]")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, embedder, pdf_dir: Path) -> tuple[Store, dict]:
    """All the test PDFs ingested once into a fresh store."""
    store = Store.open(tmp_path_factory.mktemp("pdfs"), embedder)
    report = ingest([pdf_dir], store)
    return store, {r.source: r for r in report.results}


def test_thai_statute_with_pua_glyphs_is_clean_after_ingest(ingested) -> None:
    store, results = ingested
    name = "th02_education_for_persons_with_disabilities_act_2551.pdf"
    assert results[name].outcome == Outcome.INGESTED and results[name].chunks > 10
    rows = (
        store.manifest._conn()
        .execute(
            "SELECT c.text FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.source = ?", (name,)
        )
        .fetchall()
    )
    text = "\n".join(r[0] for r in rows)
    assert not PUA.search(text)
    assert thai.thai_word_share(text) >= 0.95
    hits = store.keyword("default", "การศึกษาสำหรับคนพิการ", 5)
    assert any(h.source == name for h in hits)


def test_scans_and_latin_ocr_layers_need_ocr_and_add_no_chunks(ingested) -> None:
    store, results = ingested
    for name, pages in [
        ("th09_rbru_action_conclusion_2558_garbage_textlayer.pdf", 9),
        ("th10_rbru_improvement_report_59_image_only.pdf", 4),
        ("en08_mou_secab_pennstate_image_only.pdf", 5),
    ]:
        result = results[name]
        assert result.outcome == Outcome.NEEDS_OCR, name
        assert result.chunks == 0 and result.needs_ocr_pages == list(range(1, pages + 1))
        assert "needs OCR" in result.reason
        doc = next(d for d in store.documents("default") if d.source == name)
        assert doc.status == "needs_ocr" and doc.chunks == 0
    gibberish = results["th09_rbru_action_conclusion_2558_garbage_textlayer.pdf"].reason
    assert "latin" in gibberish.lower()
    assert not [h for h in store.keyword("default", "tnsuliuTns", 10)]


def test_english_mous_are_indexed_with_page_numbers(ingested) -> None:
    store, results = ingested
    name = "en05_mou_secab_rbm_edutech_skills_placement.pdf"
    assert results[name].outcome == Outcome.INGESTED and results[name].pages == 6
    hits = store.keyword("default", "agreement valid until expressly terminated", 5)
    top = next(h for h in hits if h.source == name)
    assert top.page == 5
    pages = {
        r[0]
        for r in store.manifest._conn().execute(
            "SELECT DISTINCT c.page FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.source = ?",
            (name,),
        )
    }
    assert len(pages) >= 4
    assert results["en06_mou_secab_turnia_internship.pdf"].outcome == Outcome.INGESTED


def test_word_export_with_split_sara_am_is_repaired(ingested) -> None:
    store, _ = ingested
    name = "th08_rbru_newsletter_2563_no4_word2019.pdf"
    text = "\n".join(
        r[0]
        for r in store.manifest._conn().execute(
            "SELECT c.text FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.source = ?", (name,)
        )
    )
    assert "ส านัก" not in text and "สำนัก" in text
