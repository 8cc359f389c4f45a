"""Dates by role (Buddhist and Christian era, Thai digits and month names), durations, notice periods."""

from __future__ import annotations

from datetime import date

from assistant.mou.analysis import analyze_mou
from assistant.mou.terms import find_dates_by_role, find_duration, find_termination


def test_buddhist_era_dates_take_the_role_of_the_keyword_before_them() -> None:
    pages = [
        (
            1,
            "บันทึกข้อตกลงนี้ทำขึ้นเมื่อวันที่ ๑๕ มีนาคม พ.ศ. ๒๕๖๘ มีผลตั้งแต่วันที่ ๑ เม.ย. ๒๕๖๘\nและสิ้นสุดวันที่ ๓๑ มีนาคม ๒๕๗๐",
        )
    ]
    found = find_dates_by_role(pages)
    assert {k: v.value for k, v in found.items()} == {
        "signing_date": date(2025, 3, 15),
        "start_date": date(2025, 4, 1),
        "end_date": date(2027, 3, 31),
    }
    assert all(v.page == 1 for v in found.values())


def test_english_dates_by_role() -> None:
    pages = [(2, "This MOU is signed on 2 June 2025 and takes effect on 1 July 2025, until 30 June 2027.")]
    found = find_dates_by_role(pages)
    assert found["signing_date"].value == date(2025, 6, 2)
    assert found["start_date"].value == date(2025, 7, 1)
    assert found["end_date"].value == date(2027, 6, 30)
    assert found["start_date"].page == 2


def test_duration_in_words_and_digits() -> None:
    thai = find_duration([(1, "บันทึกข้อตกลงนี้มีผลใช้บังคับเป็นระยะเวลาหนึ่ง (๑) ปี นับแต่วันลงนาม")])
    assert thai is not None and thai.value == 12
    english = find_duration([(3, "This MOU shall remain in force for a period of three (3) years.")])
    assert english is not None and (english.value, english.page) == (36, 3)
    months = find_duration([(1, "มีกำหนดระยะเวลา ๖ เดือน")])
    assert months is not None and months.value == 6


def test_notice_written_as_words() -> None:
    clause, notice = find_termination(
        [
            (1, "Scope of work."),
            (4, "Either party may terminate this MOU by giving ninety days in advance notice."),
        ]
    )
    assert notice is not None and (notice.value, notice.page) == (90, 4)
    assert clause is not None and "terminate" in clause.evidence_text
    _, thai = find_termination([(2, "ฝ่ายใดประสงค์จะบอกเลิกบันทึกข้อตกลงนี้ ให้แจ้งเป็นหนังสือล่วงหน้าเก้าสิบวัน")])
    assert thai is not None and thai.value == 90
    _, months = find_termination(
        [(1, "Either party may terminate it with three (3) months' written notice.")]
    )
    assert months is not None and months.value == 90


def test_a_notice_that_is_not_about_termination_is_not_taken() -> None:
    clause, notice = find_termination(
        [(1, "Visits are arranged with thirty days in advance notice to the school.")]
    )
    assert clause is None and notice is None


def test_end_date_derived_from_start_and_duration_in_thai_words() -> None:
    record = analyze_mou(
        [
            "บันทึกข้อตกลงความร่วมมือ ระหว่าง โรงเรียนบ้านนาดี กับ เทศบาลตำบลนาดี\n"
            "มีผลตั้งแต่วันที่ ๑ เมษายน ๒๕๖๘ เป็นระยะเวลาสอง (๒) ปี"
        ],
        source="x.txt",
    )
    assert record.start_date is not None and record.start_date.value == date(2025, 4, 1)
    assert record.duration_months is not None and record.duration_months.value == 24
    assert record.end_date is not None and record.end_date.value == date(2027, 3, 31)
    assert record.end_date.method == "derived"


def test_thai_keywords_wrapped_across_lines() -> None:
    duration = find_duration([(1, "มีผลใช้บังคับตั้งแต่วันที่ ๑๖ พฤษภาคม ๒๕๖๘ เป็นต้นไป มี\nกำหนด ๓ ปี")])
    assert duration is not None and duration.value == 36
    _, notice = find_termination([(2, "ประสงค์จะยุติความร่วมมือ ให้แจ้งเป็นหนังสือล่วงหน้าไม่\nน้อยกว่าหกสิบวัน")])
    assert notice is not None and notice.value == 60


def test_given_on_signs_and_enter_into_force_starts() -> None:
    thai = [(2, "อาจสิ้นสุดลงก่อนกำหนดเมื่อทั้งสองฝ่ายตกลงกัน\nให้ไว้ ณ วันที่ ๙ มีนาคม พ.ศ. ๒๕๖๘")]
    assert {k: v.value for k, v in find_dates_by_role(thai).items()} == {"signing_date": date(2025, 3, 9)}
    english = [(1, "This Memorandum shall enter into force on 1 October 2025 and remain in force.")]
    assert {k: v.value for k, v in find_dates_by_role(english).items()} == {"start_date": date(2025, 10, 1)}


def test_signed_in_duplicate_and_done_at_are_signing_dates() -> None:
    en = [(2, "Signed in duplicate at Lampang on this 3rd day of March 2026.")]
    assert find_dates_by_role(en)["signing_date"].value == date(2026, 3, 3)
    done = [(1, "Done at Nan on 9 May 2025 in two copies.")]
    assert find_dates_by_role(done)["signing_date"].value == date(2025, 5, 9)


def test_a_term_in_years_and_months_and_ocr_lost_marks() -> None:
    assert find_duration([(1, "มีผลตั้งแต่วันที่ 1 มกราคม 2569 มีระยะเวลา 2 ปี 3 เดือน")]).value == 27
    assert find_duration([(1, "มีระยะเวลา 1 ป 6 เดอน")]).value == 18  # OCR dropped ี and ื


def test_ending_the_cooperation_is_termination() -> None:
    clause, notice = find_termination([(2, "หน่วยงานใดประสงค์จะสิ้นสุดความร่วมมือ ให้แจ้งล่วงหน้าไม่น้อยกว่าสองเดือน")])
    assert clause is not None and notice.value == 60


def test_a_date_label_signs_and_begin_starts() -> None:
    found = find_dates_by_role([(1, "Date: 14 January 2026\nThis MOU will begin on 1 February 2026.")])
    assert found["signing_date"].value == date(2026, 1, 14)
    assert found["start_date"].value == date(2026, 2, 1)
