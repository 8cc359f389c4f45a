"""Numbers written as words, in English and in Thai: ``ninety``, ``forty-five``, ``เก้าสิบ``, ``หนึ่งร้อยแปดสิบ``.

Usage:
    >>> from assistant.grounding.numbers import number_value, words_value
    >>> words_value("ninety"), words_value("forty-five"), words_value("one hundred and twenty")
    (90, 45, 120)
    >>> words_value("เก้าสิบ"), words_value("ยี่สิบเอ็ด"), number_value("๙๐")
    (90, 21, 90)

Shared by whatever reads a number a text spells out: MOU terms ("ninety days", "หนึ่ง (๑) ปี",
:mod:`assistant.mou.numbers`) and the count a text announces ("five key competencies",
"เจ็ดขั้นตอน", :mod:`assistant.extractive.numbering`).
"""

from __future__ import annotations

import re

from ingest.lexical import THAI_DIGITS  # re-exported: the readers of numbers import it from here

EN_UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "a": 1, "an": 1,
}  # fmt: skip
EN_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
TH_DIGIT_WORDS: dict[str, int] = {
    "ศูนย์": 0, "หนึ่ง": 1, "เอ็ด": 1, "สอง": 2, "ยี่": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6,
    "เจ็ด": 7, "แปด": 8, "เก้า": 9,
}  # fmt: skip
TH_MULTIPLIERS: dict[str, int] = {"สิบ": 10, "ร้อย": 100, "พัน": 1000}

_EN_WORD = "|".join(sorted([*EN_UNITS, *EN_TENS, "hundred"], key=len, reverse=True))
EN_WORDS_PATTERN = rf"(?:(?:{_EN_WORD})(?:[\s-]+(?:and\s+)?(?:{_EN_WORD}))*)"
"""One English number in words: ``ninety``, ``forty-five``, ``one hundred and twenty``."""
_TH_WORD = "|".join(sorted([*TH_DIGIT_WORDS, *TH_MULTIPLIERS], key=len, reverse=True))
TH_WORDS_PATTERN = rf"(?:(?:{_TH_WORD})+)"
"""One Thai number in words: ``เก้าสิบ``, ``สิบห้า``, ``หนึ่งร้อยยี่สิบ``."""
DIGITS_PATTERN = r"(?:[0-9๐-๙]{1,4})"


def words_value(text: str) -> int | None:
    """The value of an English or Thai number in words, or None when it is not one."""
    text = text.strip().lower()
    if not text:
        return None
    if re.fullmatch(TH_WORDS_PATTERN, text):
        return _thai_words(text)
    parts = [p for p in re.split(r"[\s-]+", text) if p and p != "and"]
    if not parts or any(p not in EN_UNITS and p not in EN_TENS and p != "hundred" for p in parts):
        return None
    if parts in (["a"], ["an"]):
        return None  # "a" alone is an article, not a number
    total, current = 0, 0
    for part in parts:
        if part == "hundred":
            current = (current or 1) * 100
        elif part in EN_TENS:
            current += EN_TENS[part]
        else:
            current += EN_UNITS[part]
    return total + current


def _thai_words(text: str) -> int | None:
    tokens = re.findall(_TH_WORD, text)
    if "".join(tokens) != text:
        return None
    total, digit = 0, None
    for token in tokens:
        if token in TH_MULTIPLIERS:
            total += (1 if digit is None else digit) * TH_MULTIPLIERS[token]
            digit = None
        else:
            if digit is not None:  # two digit words in a row ("สองสาม") is not a number
                return None
            digit = TH_DIGIT_WORDS[token]
    return total + (digit or 0)


def number_value(text: str) -> int | None:
    """An integer from digits (Thai or Arabic) or from English or Thai words, else None."""
    plain = (text or "").strip().translate(THAI_DIGITS)
    if plain.isdigit():
        return int(plain)
    return words_value(plain)
