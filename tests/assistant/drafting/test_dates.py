"""Dates and months typed into a form: the Thai way (B.E., Thai month names) and the English way."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.drafting.dates import date_value, month_value, parse_date, parse_month

JUNE_1 = date(2025, 6, 1)


@pytest.mark.parametrize(
    "text",
    [
        # Thai: day first, Buddhist era, month names full or short, with or without dots
        "1/6/2568",
        "01/06/2568",
        "1-6-2568",
        "1.6.2568",
        "1 มิ.ย. 2568",
        "1 มิ.ย 2568",
        "1 มิย 2568",
        "1 มิ. ย. 2568",
        "1มิ.ย.2568",
        "1 มิถุนายน 2568",
        "1 มิ.ย. 68",
        "1 มิถุนายน 68",
        "๑ มิ.ย. ๒๕๖๘",
        "๑/๖/๒๕๖๘",
        "วันที่ 1 เดือนมิถุนายน พ.ศ. 2568",
        "1 มิ.ย. พ.ศ.2568",
        "1 มิถุนายน พุทธศักราช 2568",
        "1 มิถุนายน ค.ศ. 2025",
        "  1/6/2568  ",
        # English and ISO, Common era
        "2025-06-01",
        "2025-6-1",
        "2025/06/01",
        "2568-06-01",
        "1/6/2025",
        "01-06-2025",
        "1 June 2025",
        "1 june 2025",
        "1 Jun 2025",
        "1 Jun. 2025",
        "1st June 2025",
        "1st of June 2025",
        "June 1, 2025",
        "June 1 2025",
        "1 June 2568",
        "1 June 2025 A.D.",
        "1 June 2568 BE",
    ],
)
def test_a_date_typed_the_thai_or_the_english_way(text: str) -> None:
    assert parse_date(text) == JUNE_1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2567", date(2024, 12, 31)),
        ("29/2/2567", date(2024, 2, 29)),  # B.E. 2567 is 2024, a leap year
        ("15 ก.พ. 2569", date(2026, 2, 15)),
        ("3 ธันวาคม 2570", date(2027, 12, 3)),
        ("30 ก.ย. 68", date(2025, 9, 30)),
        ("1 พ.ย. 2568", date(2025, 11, 1)),  # not พ.ค. (May)
        ("1 พฤศจิกายน 2568", date(2025, 11, 1)),
        ("7 Sept 2025", date(2025, 9, 7)),
        ("December 31, 2026", date(2026, 12, 31)),
        ("12/1/2568", date(2025, 1, 12)),  # day first
        ("1 มิ.ย. 25", date(1982, 6, 1)),  # a two-digit year after a Thai month is B.E. 25xx
    ],
)
def test_other_days_months_and_years(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "give a date, e.g. 1/6/2568, 1 มิ.ย. 2568, 1 June 2025 or 2025-06-01"),
        ("   ", "give a date, e.g. 1/6/2568"),
        ("soon", "cannot read 'soon' as a date; write it as 1/6/2568, 1 มิ.ย. 2568, 1 June 2025 or 2025-06"),
        ("1 Jnue 2025", "cannot read '1 Jnue 2025' as a date"),
        ("June 2025", "cannot read 'June 2025' as a date"),  # a month, not a day
        ("2568", "cannot read '2568' as a date"),
        ("1/6", "cannot read '1/6' as a date"),
        ("31/2/2568", "'31/2/2568' is not a real date: February 2025 has 28 days"),
        ("29/2/2568", "'29/2/2568' is not a real date: February 2025 has 28 days"),
        ("31 เม.ย. 2568", "'31 เม.ย. 2568' is not a real date: April 2025 has 30 days"),
        ("0/6/2568", "'0/6/2568' is not a real date: June 2025 has 30 days"),
        ("2025-02-30", "'2025-02-30' is not a real date: February 2025 has 28 days"),
        ("1/13/2568", "'1/13/2568' has no month 13: months run from 1 to 12"),
        ("1/6/68", "write the year of '1/6/68' in full (e.g. 2568 or 2025)"),
        ("1 June 25", "write the year of '1 June 25' in full"),
        ("1 มิ.ย. ค.ศ. 25", "write the year of '1 มิ.ย. ค.ศ. 25' in full"),
        (
            "1/6/3025",
            "the year of '1/6/3025' is out of range: give a year from 2443 to 2742 B.E. (1900 to 2199",
        ),
        ("1 มิ.ย. พ.ศ. 2025", "the year of '1 มิ.ย. พ.ศ. 2025' is out of range"),  # B.E. 2025 is 1482
        ("1 มิ.ย. พ.ศ. 2568 ค.ศ.", "names both eras (พ.ศ./B.E. and ค.ศ./A.D.); give one"),
    ],
)
def test_a_date_that_cannot_be_read_says_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(text)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "พ.ค. 2568",
        "พ.ค.2568",
        "พค 2568",
        "พฤษภาคม 2568",
        "เดือนพฤษภาคม พ.ศ. 2568",
        "พ.ค. 68",
        "๕/๒๕๖๘",
        "5/2568",
        "05/2568",
        "5-2568",
        "2568-05",
        "2025-05",
        "2025-5",
        "5/2025",
        "May 2025",
        "may 2025",
        "May, 2025",
        "1/5/2568",  # a whole date names its month
        "1 May 2025",
    ],
)
def test_a_month_typed_the_thai_or_the_english_way(text: str) -> None:
    assert parse_month(text) == (2025, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "give a month, e.g. พ.ค. 2568, 5/2568, May 2025 or 2025-05"),
        ("May", "cannot read 'May' as a month; write it as พ.ค. 2568, 5/2568, May 2025 or 2025-05"),
        ("2568", "cannot read '2568' as a month"),
        ("ภาคเรียนที่ 1", "cannot read 'ภาคเรียนที่ 1' as a month"),
        ("2025-13", "'2025-13' has no month 13: months run from 1 to 12"),
        ("13/2568", "'13/2568' has no month 13"),
        ("5/68", "write the year of '5/68' in full"),
        ("May 3025", "the year of 'May 3025' is out of range"),
        ("31/2/2568", "'31/2/2568' is not a real date: February 2025 has 28 days"),
    ],
)
def test_a_month_that_cannot_be_read_says_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_month(text)
    assert message in str(caught.value)


def test_a_form_value_may_be_a_date_already() -> None:
    """YAML reads ``2025-06-01`` (and ``2568-06-01``, a B.E. year) as a date: both are the same day."""
    assert date_value(JUNE_1) == JUNE_1
    assert date_value(date(2568, 6, 1)) == JUNE_1
    assert date_value("1 มิ.ย. 2568") == JUNE_1
    assert month_value(date(2568, 5, 31)) == (2025, 5) == month_value("พ.ค. 2568")
    with pytest.raises(ValueError, match="give a date"):
        date_value(None)
    with pytest.raises(ValueError, match="cannot read '20250601' as a date"):
        date_value(20250601)
    with pytest.raises(ValueError, match="is not a real date: February 2025 has 28 days"):
        date_value(date(2568, 2, 29))  # B.E. 2568 is 2025, not a leap year
