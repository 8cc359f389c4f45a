"""Numbers as MOUs write them: digits (Thai or Arabic), English and Thai words, and both together."""

from __future__ import annotations

import re

import pytest

from assistant.mou.numbers import amount_pattern, number_value, parse_amount, words_value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ninety", 90),
        ("thirty", 30),
        ("forty-five", 45),
        ("one hundred and twenty", 120),
        ("two", 2),
        ("เก้าสิบ", 90),
        ("สามสิบ", 30),
        ("หนึ่ง", 1),
        ("สิบ", 10),
        ("สิบห้า", 15),
        ("ยี่สิบเอ็ด", 21),
        ("หนึ่งร้อยแปดสิบ", 180),
    ],
)
def test_number_words(text: str, value: int) -> None:
    assert words_value(text) == value


@pytest.mark.parametrize("text", ["a", "an", "days", "สองสาม", "ninety days", ""])
def test_what_is_not_a_number(text: str) -> None:
    assert words_value(text) is None


def test_digits_thai_and_arabic() -> None:
    assert number_value("๙๐") == 90
    assert number_value("90") == 90
    assert number_value("เก้าสิบ") == 90


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("หนึ่ง (๑)", 1),
        ("หนึ่ง (1)", 1),
        ("thirty (30)", 30),
        ("5 (five)", 5),
        ("๖๐ (หกสิบ)", 60),
        ("๐๐ (หกสิบ)", 60),  # OCR misread the digits; the words are the safer witness
        ("90 (nine)", 9),
    ],
)
def test_an_amount_written_twice(text: str, value: int) -> None:
    assert parse_amount(text) == value


def test_amount_pattern_finds_amounts_in_running_text() -> None:
    pattern = re.compile(rf"({amount_pattern()})\s*(days|วัน|ปี)")
    found = [
        parse_amount(m.group(1))
        for m in pattern.finditer(
            "giving ninety days notice; ล่วงหน้าเก้าสิบวัน; ระยะเวลาหนึ่ง (๑) ปี; thirty (30) days"
        )
    ]
    assert found == [90, 90, 1, 30]
