"""Keyword terms: Thai and English words, question words out, numbers in both digit sets."""

from __future__ import annotations

from pathlib import Path

from ingest.lexical import digit_twin, fts_query, tokenize
from ingest.pipeline import ingest
from ingest.store import Store


def test_a_number_has_a_twin_in_the_other_digit_set() -> None:
    assert digit_twin("2566") == "๒๕๖๖"
    assert digit_twin("๓") == "3"
    assert digit_twin("มาตรา") == "มาตรา"


def test_the_match_expression_asks_for_both_digit_sets() -> None:
    match = fts_query(tokenize("มาตรา 3 พ.ศ. ๒๕๖๖"))
    for term in ('"3"', '"๓"', '"๒๕๖๖"', '"2566"', '"มาตรา"'):
        assert term in match


def test_words_that_only_ask_are_not_search_terms() -> None:
    terms = tokenize("What does the framework say about school days?")
    assert "say" not in terms and "framework" in terms


def test_a_statute_in_thai_digits_is_found_by_arabic_ones(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "decree.th.md").write_text(
        "---\ntitle: พระราชกฤษฎีกา\nlanguage: th\n---\nมาตรา ๓ ให้ยุบสภาผู้แทนราษฎร พ.ศ. ๒๕๖๖\n", encoding="utf-8"
    )
    (folder / "other.th.md").write_text(
        "---\ntitle: อื่น\nlanguage: th\n---\nมาตรา 7 การประชุมสภานักเรียน\n", encoding="utf-8"
    )
    assert ingest([folder], store).ok
    hits = store.keyword("default", "ยุบสภา พ.ศ. 2566", 2)
    assert hits and hits[0].source == "decree.th.md"
    assert store.manifest.term_counts("default", ["2566"]) == {"2566": 1}
