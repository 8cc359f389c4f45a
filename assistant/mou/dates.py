"""Dates and numbers as Thai and English MOUs write them: Buddhist-era years, Thai month names, Thai digits.

Usage:
    >>> from assistant.mou.dates import find_dates, format_date, thai_digits_to_arabic
    >>> [(d.value.isoformat(), d.text) for d in find_dates("มีผลตั้งแต่วันที่ ๑ มิถุนายน พ.ศ. ๒๕๖๗")]
    [('2024-06-01', '๑ มิถุนายน พ.ศ. ๒๕๖๗')]
    >>> format_date(date(2024, 6, 1), "th"), format_date(date(2024, 6, 1), "en")
    ('1 มิถุนายน 2567', '1 June 2024')
    >>> thai_digits_to_arabic("๓๐ วัน")
    '30 วัน'

Thai digits are single characters, so :func:`thai_digits_to_arabic` keeps every offset:
a match found in the converted text quotes the original text at the same span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.grounding.numbers import TH_WORDS_PATTERN, THAI_DIGITS, words_value
from assistant.grounding.text import BUDDHIST_ERA as BUDDHIST_ERA_OFFSET

THAI_MONTHS: tuple[tuple[str, str], ...] = (
    ("มกราคม", "ม.ค."),
    ("กุมภาพันธ์", "ก.พ."),
    ("มีนาคม", "มี.ค."),
    ("เมษายน", "เม.ย."),
    ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."),
    ("กรกฎาคม", "ก.ค."),
    ("สิงหาคม", "ส.ค."),
    ("กันยายน", "ก.ย."),
    ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."),
    ("ธันวาคม", "ธ.ค."),
)
EN_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_NUMBER: dict[str, int] = {}
for _i, (_full, _short) in enumerate(THAI_MONTHS, start=1):
    _MONTH_NUMBER[_full] = _i
    _MONTH_NUMBER[_short] = _i
    _MONTH_NUMBER[_short.replace(".", "")] = _i
for _i, _name in enumerate(EN_MONTHS, start=1):
    _MONTH_NUMBER[_name] = _i
    _MONTH_NUMBER[_name[:3]] = _i
_MONTH_NUMBER["sept"] = 9

_TH_MONTH = "|".join(sorted((re.escape(k) for k in _MONTH_NUMBER if not k.isascii()), key=len, reverse=True))
_EN_MONTH = "|".join(sorted((k for k in _MONTH_NUMBER if k.isascii()), key=len, reverse=True))
_TH_ERA = r"พ\.\s?ศ\.|ค\.\s?ศ\.|พุทธศักราช|คริสต์ศักราช"
YEARS = (1990, 2100)
"""The years an MOU's dates fall in: a date outside is a misread (OCR takes "๒๕๖๘" for "๒๕๒๕", 1982),
so it is left out rather than reported."""

DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 1 มิถุนายน 2567 / 1 มิ.ย. พ.ศ. 2567 / วันที่ 1 เดือนมิถุนายน พ.ศ.2567 / … พุทธศักราช 2567
    re.compile(rf"(?P<d>\d{{1,2}})\s*(?:เดือน\s*)?(?P<m>{_TH_MONTH})\s*(?:{_TH_ERA})?\s*(?P<y>\d{{4}})"),
    # วันที่ยี่สิบเอ็ด เดือนมกราคม พุทธศักราช สองพันห้าร้อยหกสิบแปด (a formal date in words)
    re.compile(
        rf"(?P<d>{TH_WORDS_PATTERN})\s*(?:เดือน\s*)?(?P<m>{_TH_MONTH})\s*(?:{_TH_ERA})?\s*(?:ปี\s*)?"
        rf"(?P<y>{TH_WORDS_PATTERN}(?:[ \t]*\n[ \t]*{TH_WORDS_PATTERN})*)"  # a year in words may wrap
    ),
    # 2 June 2025 / 2nd day of June, 2025
    re.compile(
        rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?(?P<m>{_EN_MONTH})\.?,?\s+(?P<y>\d{{4}})",
        re.IGNORECASE,
    ),
    # June 2, 2025
    re.compile(
        rf"(?P<m>{_EN_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.IGNORECASE
    ),
    # 2025-06-02
    re.compile(r"(?<![\d/])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d/])"),
    # 27/11/2017, 27.11.2017 (day first, as in Thailand, India and Europe)
    re.compile(r"(?<![\d/.])(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})(?![\d/])"),
)


@dataclass(frozen=True)
class DateMention:
    """A date found in a text: its value, the span in the text and the text as written."""

    value: date
    start: int
    end: int
    text: str


def thai_digits_to_arabic(text: str) -> str:
    """``๒๕๖๗`` → ``2567``; every other character (and so every offset) unchanged."""
    return text.translate(THAI_DIGITS)


def normalize_year(year: int) -> int:
    """A Buddhist-era year (2400 and later) as the Common Era year; others unchanged."""
    return year - BUDDHIST_ERA_OFFSET if year >= 2400 else year


def month_number(name: str) -> int | None:
    """1–12 for a Thai or English month name or abbreviation (``"มิ.ย."``, ``"Sept"``), else None."""
    key = name.strip().lower()
    if key.isdigit():
        number = int(key)
        return number if 1 <= number <= 12 else None
    return _MONTH_NUMBER.get(key) or _MONTH_NUMBER.get(key.rstrip("."))


def find_dates(text: str) -> list[DateMention]:
    """Every valid date in ``text`` (Thai or Arabic digits), in order, without overlaps."""
    plain = thai_digits_to_arabic(text)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(plain):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            month = month_number(m.group("m"))
            day, year = _number(m.group("d")), _number(m.group("y"))
            if month is None or day is None or year is None:
                continue
            try:
                value = date(normalize_year(year), month, day)
            except ValueError:
                continue
            if not YEARS[0] <= value.year <= YEARS[1]:
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(value, m.start(), m.end(), text[m.start() : m.end()]))
    return sorted(found, key=lambda d: d.start)


def _number(text: str) -> int | None:
    """A day or year in digits or in Thai words."""
    return int(text) if text.isdigit() else words_value(re.sub(r"\s+", "", text))


def parse_date(text: str) -> date | None:
    """The first date written in ``text``, or None."""
    dates = find_dates(text or "")
    return dates[0].value if dates else None


def format_date(value: date, language: str, *, short: bool = False) -> str:
    """``1 มิถุนายน 2567`` (Buddhist era) in Thai, ``1 June 2024`` in English.

    ``short`` abbreviates the month as people type it: ``1 มิ.ย. 2567``, ``1 Jun 2024``.
    """
    if language == "th":
        month = THAI_MONTHS[value.month - 1][1 if short else 0]
        return f"{value.day} {month} {value.year + BUDDHIST_ERA_OFFSET}"
    month = EN_MONTHS[value.month - 1].capitalize()
    return f"{value.day} {month[:3] if short else month} {value.year}"


def add_months(start: date, months: int) -> date:
    """The day before the same day ``months`` later: the last day of a term that starts on ``start``."""
    from datetime import timedelta

    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    day = start.day
    while True:
        try:
            return date(year, month, day) - timedelta(days=1)
        except ValueError:
            day -= 1


def months_between(start: date, end: date) -> int:
    """Whole months of a term from ``start`` to ``end`` inclusive (1 Jun 2024 → 31 May 2026 is 24)."""
    from datetime import timedelta

    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day < start.day:
        months -= 1
    return max(months, 0)
