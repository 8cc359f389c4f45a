"""Dates and months as a person types them into a form, the Thai way or the English way.

Usage:
    >>> from assistant.drafting.dates import parse_date, parse_month
    >>> {parse_date(t) for t in ("1/6/2568", "1 มิ.ย. 68", "1 มิถุนายน 2568", "1 June 2025", "2025-06-01")}
    {datetime.date(2025, 6, 1)}
    >>> parse_month("พ.ค. 2568"), parse_month("5/2568"), parse_month("May 2025"), parse_month("2025-05")
    ((2025, 5), (2025, 5), (2025, 5), (2025, 5))
    >>> parse_date("31/2/2568")
    Traceback (most recent call last):
    ValueError: '31/2/2568' is not a real date: February 2025 has 28 days

Accepted: ISO (``2025-06-01``, ``2025-06``), numbers day first (``1/6/2568``, ``01-06-2025``,
``5/2568`` for a month), Thai month names full or short, with or without dots (``มิถุนายน``,
``มิ.ย.``, ``มิย``), English month names (``June``, ``Jun``; ``June 1, 2025`` too), Thai digits,
and an era written out (``พ.ศ.``, ``ค.ศ.``, ``B.E.``, ``A.D.``). A four-digit year of 2400 or
more is Buddhist era (B.E. = A.D. + 543); a two-digit year is read only after a Thai month name
(``1 มิ.ย. 68`` is 2568) or a written ``พ.ศ.``. Text that cannot be read raises ValueError with a
specific English message; the forms pass it on and the UI shows it in its language
(:mod:`assistant.ui.date_problems`). The month names and the era offset are those of
:mod:`assistant.mou.dates`, which reads the dates written in MOUs and formats dates for show.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from assistant.mou.dates import BUDDHIST_ERA_OFFSET, EN_MONTHS, THAI_MONTHS, thai_digits_to_arabic

YEARS = (1900, 2199)
"""The A.D. years a form's date may fall in (B.E. 2443–2742): anything outside is a typing slip."""
DATE_EXAMPLES = "1/6/2568, 1 มิ.ย. 2568, 1 June 2025 or 2025-06-01"
MONTH_EXAMPLES = "พ.ค. 2568, 5/2568, May 2025 or 2025-05"

_MONTHS: dict[str, int] = {}
for _number, (_full, _short) in enumerate(THAI_MONTHS, start=1):
    _MONTHS[_full] = _MONTHS[_short.replace(".", "")] = _number
for _number, _name in enumerate(EN_MONTHS, start=1):
    _MONTHS[_name] = _MONTHS[_name[:3]] = _number
_MONTHS["sept"] = 9

_BE = re.compile(r"พุทธศักราช|พ\.?\s?ศ\.?|(?<![a-z])b\.?\s?e\.?(?![a-z])", re.IGNORECASE)
_CE = re.compile(r"คริสต์ศักราช|ค\.?\s?ศ\.?|(?<![a-z])(?:a\.?\s?d|c\.?\s?e)\.?(?![a-z])", re.IGNORECASE)
_YEAR = r"(?P<y>\d{4}|\d{2})"
_NAME = r"(?P<m>[^\d\s,/\-][^\d,/]*?)"
"""A month's name: anything from a non-digit up to the number that follows (looked up afterwards)."""
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"

DATE_FORMS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),  # 2025-06-01
    re.compile(rf"(?P<d>\d{{1,2}})[-/.](?P<m>\d{{1,2}})[-/.]{_YEAR}"),  # 1/6/2568, 01-06-2025
    re.compile(rf"{_DAY}\s*(?:of\s+)?{_NAME}\s*,?\s*{_YEAR}", re.IGNORECASE),  # 1 มิ.ย. 2568, 1 June 2025
    re.compile(rf"{_NAME}\s*{_DAY}\s*,?\s+{_YEAR}", re.IGNORECASE),  # June 1, 2025
)
MONTH_FORMS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})"),  # 2025-05
    re.compile(rf"(?P<m>\d{{1,2}})[-/.]{_YEAR}"),  # 5/2568, 05-2025
    re.compile(rf"{_NAME}\s*,?\s*{_YEAR}", re.IGNORECASE),  # พ.ค. 2568, พฤษภาคม 68, May 2025
)


def _read(
    forms: tuple[re.Pattern[str], ...], plain: str, era: str | None, text: str
) -> tuple[re.Match[str], int, int] | None:
    """The first form ``plain`` is written in, with its A.D. year and month number (None: no form)."""
    for pattern in forms:
        match = pattern.fullmatch(plain)
        if match:
            month = _month(match["m"])
            if month is None:
                continue
            return match, _year(match["y"], era, _is_thai(match["m"]), text), month
    return None


def parse_date(text: str) -> date:
    """The day ``text`` names; ValueError says what was expected when it names none."""
    plain, era = _clean(text)
    if not plain:
        raise ValueError(f"give a date, e.g. {DATE_EXAMPLES}")
    found = _read(DATE_FORMS, plain, era, text)
    if found is None:
        raise ValueError(f"cannot read {_shown(text)} as a date; write it as {DATE_EXAMPLES}")
    match, year, month = found
    return _day(year, month, int(match["d"]), text)


def parse_month(text: str) -> tuple[int, int]:
    """The (A.D. year, month) ``text`` names; a whole date names its month. ValueError otherwise."""
    plain, era = _clean(text)
    if not plain:
        raise ValueError(f"give a month, e.g. {MONTH_EXAMPLES}")
    found = _read(MONTH_FORMS, plain, era, text)
    if found is not None:
        _, year, month = found
        if not 1 <= month <= 12:
            raise ValueError(f"{_shown(text)} has no month {month}: months run from 1 to 12")
        return year, month
    if any(pattern.fullmatch(plain) for pattern in DATE_FORMS):
        day = parse_date(text)
        return day.year, day.month
    raise ValueError(f"cannot read {_shown(text)} as a month; write it as {MONTH_EXAMPLES}")


def date_value(value: object) -> date:
    """A form's date field: a date (a B.E. year, as YAML reads ``2568-06-01``, made A.D.) or text."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if value.year < 2400:
            return value
        return _day(value.year - BUDDHIST_ERA_OFFSET, value.month, value.day, value.isoformat())
    if value is None or isinstance(value, str):
        return parse_date(value or "")
    raise ValueError(f"cannot read {_shown(str(value))} as a date; write it as {DATE_EXAMPLES}")


def month_value(value: object) -> tuple[int, int]:
    """A form's month field: a date's month (B.E. years made A.D.), or text :func:`parse_month` reads."""
    if isinstance(value, date):
        day = date_value(value)
        return day.year, day.month
    if value is None or isinstance(value, str):
        return parse_month(value or "")
    raise ValueError(f"cannot read {_shown(str(value))} as a month; write it as {MONTH_EXAMPLES}")


def _clean(text: str) -> tuple[str, str | None]:
    """``text`` with Arabic digits, single spaces and no ``วันที่``/era words; the era written, if any."""
    plain = " ".join(thai_digits_to_arabic(str(text or "")).split()).strip(" ,")
    plain = re.sub(r"^วันที่\s*", "", plain)
    era = None
    for name, pattern in (("be", _BE), ("ce", _CE)):
        if pattern.search(plain):
            era = name if era is None else "both"
            plain = " ".join(pattern.sub(" ", plain).split()).strip(" ,")
    if era == "both":
        raise ValueError(f"{_shown(text)} names both eras (พ.ศ./B.E. and ค.ศ./A.D.); give one")
    return plain, era


def _month(name: str) -> int | None:
    """1–12 (or the number typed) for a month's number or name, else None."""
    if name.isdigit():
        return int(name)
    key = re.sub(r"[\s.]", "", name.lower()).removeprefix("เดือน")
    return _MONTHS.get(key)


def _is_thai(name: str) -> bool:
    return not name.isdigit() and not name.isascii()


def _year(raw: str, era: str | None, thai_month: bool, text: str) -> int:
    """The A.D. year of a typed year: 2400 and later (or any with พ.ศ.) is B.E.; ``68`` after a Thai month."""
    year = int(raw)
    if len(raw) == 2:
        if era == "ce" or not (era == "be" or thai_month):
            raise ValueError(
                f"write the year of {_shown(text)} in full (e.g. 2568 or 2025); "
                "a two-digit year is read only after a Thai month name (มิ.ย. 68)"
            )
        year += 2500
    if era == "be" or (era is None and year >= 2400):
        year -= BUDDHIST_ERA_OFFSET
    first, last = YEARS
    if not first <= year <= last:
        raise ValueError(
            f"the year of {_shown(text)} is out of range: give a year from "
            f"{first + BUDDHIST_ERA_OFFSET} to {last + BUDDHIST_ERA_OFFSET} B.E. ({first} to {last} A.D.)"
        )
    return year


def _day(year: int, month: int, day: int, text: str) -> date:
    """The date, or ValueError naming the month that has no such day."""
    if not 1 <= month <= 12:
        raise ValueError(f"{_shown(text)} has no month {month}: months run from 1 to 12")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = EN_MONTHS[month - 1].capitalize()
        raise ValueError(f"{_shown(text)} is not a real date: {name} {year} has {days} days")
    return date(year, month, day)


def _shown(text: str) -> str:
    """The typed text quoted, as a message names it."""
    return repr(" ".join(str(text).split()))
