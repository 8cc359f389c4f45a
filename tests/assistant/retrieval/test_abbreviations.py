"""Thai abbreviations spelled out for search, and found where a passage spells them out."""

from __future__ import annotations

import pytest

from assistant.extractive import Terms
from assistant.retrieval.abbreviations import full_forms, load_abbreviations, spell_out
from assistant.settings import get_settings

TABLE = {"มรภ.": "มหาวิทยาลัยราชภัฏ", "รพ.": "โรงพยาบาล", "รพ.สต.": "โรงพยาบาลส่งเสริมสุขภาพตำบล"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("มรภ.รำไพพรรณี", "มรภ. (มหาวิทยาลัยราชภัฏ) รำไพพรรณี"),
        ("รพ.สต.บ้านนา ทำอะไร", "รพ.สต. (โรงพยาบาลส่งเสริมสุขภาพตำบล) บ้านนา ทำอะไร"),  # the longest form
        ("มหาวิทยาลัยราชภัฏ (มรภ.) ที่จันทบุรี", "มหาวิทยาลัยราชภัฏ (มรภ.) ที่จันทบุรี"),  # spelled out already
        ("ของมรภ.จันทบุรี", "ของมรภ. (มหาวิทยาลัยราชภัฏ) จันทบุรี"),  # Thai runs words together
        ("อ.มรภ.", "อ.มรภ."),  # after a dot it is part of a longer abbreviation
        ("What does the MOU say?", "What does the MOU say?"),
    ],
)
def test_spell_out(text: str, expected: str) -> None:
    assert spell_out(text, TABLE) == expected


def test_the_corpus_list_loads_and_names_common_education_abbreviations() -> None:
    table = load_abbreviations(get_settings().corpus_dir)
    assert table["พ.ร.บ."] == "พระราชบัญญัติ" and table["อบต."] == "องค์การบริหารส่วนตำบล"
    assert all(full and full != short for short, full in table.items())


def test_a_passage_that_spells_out_the_abbreviation_holds_it() -> None:
    # the question's rarest word is its abbreviation; a passage with the full form must count it
    terms = Terms({"มรภ.": 5.0, "วิสัยทัศน์": 1.0})
    assert terms.share("วิสัยทัศน์ของมหาวิทยาลัยราชภัฏรำไพพรรณี") == 1.0
    assert terms.share("วิสัยทัศน์ของโรงเรียน") == pytest.approx(1 / 6)


def test_full_forms_replace_each_abbreviation() -> None:
    assert full_forms("มรภ.รำไพพรรณี", {"มรภ.": "มหาวิทยาลัยราชภัฏ"}) == "มหาวิทยาลัยราชภัฏรำไพพรรณี"
    assert full_forms("no abbreviation here", {"มรภ.": "มหาวิทยาลัยราชภัฏ"}) == "no abbreviation here"
    assert full_forms("อ.ม.ร.", {"ม.ร.": "มหาวิทยาลัยรามคำแหง"}) == "อ.ม.ร."  # not right after a dot
