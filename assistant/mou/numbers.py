"""Numbers as MOUs write them: digits (Thai or Arabic), English and Thai words, and both together.

Usage:
    >>> from assistant.mou.numbers import amount_pattern, parse_amount, words_value
    >>> words_value("ninety"), words_value("forty-five"), words_value("one hundred and twenty")
    (90, 45, 120)
    >>> words_value("เก้าสิบ"), words_value("ยี่สิบเอ็ด"), words_value("หนึ่งร้อยแปดสิบ")
    (90, 21, 180)
    >>> parse_amount("๖๐ (หกสิบ)"), parse_amount("5 (five)"), parse_amount("๐๐ (หกสิบ)")
    (60, 5, 60)

An amount written twice ("หนึ่ง (1) ปี", "thirty (30) days") is read from the words when the
two disagree: OCR misreads a Thai digit far more often than a whole word (``๖๐`` read as
``๐๐``), so the words are the safer witness.
"""

from __future__ import annotations

import re

from assistant.grounding.numbers import (
    DIGITS_PATTERN,
    EN_WORDS_PATTERN,
    TH_WORDS_PATTERN,
    THAI_DIGITS,
    number_value,
    words_value,
)

__all__ = ["amount_pattern", "number_value", "parse_amount", "words_value"]


def amount_pattern() -> str:
    """A regex (no groups) for an amount: digits or words, optionally repeated in brackets.

    ``30``, ``thirty``, ``thirty (30)``, ``30 (thirty)``, ``หกสิบ``, ``๖๐ (หกสิบ)``, ``หนึ่ง (๑)``.
    """
    one = rf"(?:{DIGITS_PATTERN}|{EN_WORDS_PATTERN}|{TH_WORDS_PATTERN})"
    return rf"(?:{one}(?:\s*[(\[]\s*{one}\s*[)\]])?)"


def parse_amount(text: str) -> int | None:
    """The value of an :func:`amount_pattern` match; words win when digits and words disagree."""
    m = re.fullmatch(r"\s*(.+?)\s*(?:[(\[]\s*(.+?)\s*[)\]])?\s*", text or "")
    if not m:
        return None
    first = number_value(m.group(1))
    second = number_value(m.group(2)) if m.group(2) else None
    if first is None or second is None or first == second:
        return first if first is not None else second
    first_is_words = not m.group(1).strip().translate(THAI_DIGITS).isdigit()
    return first if first_is_words else second
