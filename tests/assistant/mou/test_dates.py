"""Dates as MOUs write them: Buddhist-era years, Thai dates in words, and misread years left out."""

from __future__ import annotations

from datetime import date

from assistant.mou.dates import find_dates, format_date


def test_a_formal_thai_date_in_words_wrapped_across_a_line() -> None:
    text = "ทำขึ้นเมื่อวันที่ยี่สิบเอ็ด เดือนมกราคม พุทธศักราช สองพันห้าร้อยหกสิบ\nแปด ระหว่าง"
    assert [d.value for d in find_dates(text)] == [date(2025, 1, 21)]


def test_buddhist_era_written_out() -> None:
    assert [d.value for d in find_dates("ณ วันที่ ๙ มีนาคม พุทธศักราช ๒๕๖๘")] == [date(2025, 3, 9)]


def test_a_year_outside_the_years_of_mous_is_a_misread_and_left_out() -> None:
    # OCR read ๒๕๖๘ as ๒๕๒๕ (1982): better no date than a wrong one
    assert find_dates("ทำขึ้นเมื่อวันที่ ๓ กุมภาพันธ์ ๒๕๒๕") == []
    assert [d.value for d in find_dates("signed on 3 February 2025")] == [date(2025, 2, 3)]


def test_number_words_inside_other_words_are_not_days() -> None:
    # "สามัคคี" opens with "สาม" (three) but no month follows it
    assert [d.value for d in find_dates("กลุ่มโรงเรียนสามัคคี 3 มกราคม 2568")] == [date(2025, 1, 3)]


def test_a_date_formatted_with_its_month_short_as_people_type_it() -> None:
    assert format_date(date(2025, 6, 1), "th", short=True) == "1 มิ.ย. 2568"
    assert format_date(date(2025, 6, 1), "en", short=True) == "1 Jun 2025"
    assert format_date(date(2025, 6, 1), "th") == "1 มิถุนายน 2568"  # the long form stays the default
