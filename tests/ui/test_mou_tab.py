"""The MOU tab: form mapping and record table (no browser), then analysing a corpus MOU in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import frontmatter
import pytest

from assistant.drafting.forms import FormError, FormProblem
from assistant.mou.analysis import analyze_file
from assistant.mou.draft import parse_mou_form
from assistant.ui.i18n import get_labels
from assistant.ui.mou_tab import example_inputs, form_from_inputs, record_html, show_mou_problem

from .conftest import ROOT, UI

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_the_example_inputs_make_a_valid_form() -> None:
    labels = get_labels()
    for language in ("th", "en"):
        values = example_inputs(language)
        data, problems = form_from_inputs(labels, language, **values)
        assert problems == []
        form = parse_mou_form(data)
        assert len(form.parties) == 2 and form.language == language


def test_the_example_start_date_is_shown_the_way_its_label_says() -> None:
    labels = get_labels()
    assert example_inputs("th")["start_date"] == "1 มิ.ย. 2568"
    assert example_inputs("en")["start_date"] == "2 June 2025"
    thai = labels.text("mou.start_date", "th")
    assert "1 มิ.ย. 2568" in thai and "ค.ศ." not in thai and "ปปปป" not in thai
    assert "1 June 2025" in labels.text("mou.start_date", "en")


def test_a_start_date_typed_the_thai_way_makes_the_same_form_as_the_iso_one() -> None:
    labels = get_labels()

    def form(typed: str):
        data, problems = form_from_inputs(labels, "th", **(example_inputs("th") | {"start_date": typed}))
        assert problems == []
        return parse_mou_form(data)

    expected = form("2025-06-01")
    for typed in ("1/6/2568", "01/06/2568", "1 มิ.ย. 2568", "1 มิถุนายน 2568", "1 มิ.ย. 68", "1 June 2025"):
        assert form(typed) == expected, typed
    assert expected.start_date.isoformat() == "2025-06-01"


@pytest.mark.parametrize(
    ("typed", "thai", "english"),
    [
        (
            "1 มิ.ย.",
            "วันที่มีผล: อ่านวันที่ “1 มิ.ย.” ไม่ได้ เขียนได้แบบ 1/6/2568, 1 มิ.ย. 2568 หรือ 1 มิถุนายน 2568",
            "Start date: cannot read “1 มิ.ย.” as a date; write it as 1 June 2025, 1/6/2025 (day first)",
        ),
        (
            "31/2/2568",
            "วันที่มีผล: ไม่มีวันที่ “31/2/2568” ในปฏิทิน เดือนนั้นมี 28 วัน",
            "Start date: “31/2/2568” is not a real date: that month has 28 days",
        ),
        (
            "1/6/68",
            "วันที่มีผล: กรุณาเขียนปีของ “1/6/68” ให้ครบ 4 หลัก",
            "Start date: write the year of “1/6/68” in full",
        ),
        ("", "วันที่มีผล: กรุณาใส่วันที่ เช่น 1/6/2568 หรือ 1 มิ.ย. 2568", "Start date: give a date, e.g. 1 June 2025"),
    ],
)
def test_a_date_the_tab_cannot_read_is_told_in_the_ui_language(typed: str, thai: str, english: str) -> None:
    labels = get_labels()
    data, _ = form_from_inputs(labels, "th", **(example_inputs("th") | {"start_date": typed}))
    with pytest.raises(FormError) as caught:
        parse_mou_form(data)
    [problem] = caught.value.found
    assert show_mou_problem(labels, "th", problem).startswith(thai)
    assert show_mou_problem(labels, "en", problem).startswith(english)


def test_bad_duty_lines_are_reported() -> None:
    values = example_inputs("th") | {"duties": "โรงเรียน จัดเวลา"}
    _, problems = form_from_inputs(get_labels(), "th", **values)
    assert problems == [FormProblem("duties", "บรรทัด “โรงเรียน จัดเวลา” ต้องมีรูปแบบ ฝ่าย: ข้อความ")]


def test_a_whole_form_problem_is_told_apart_by_its_missing_field_not_by_its_text() -> None:
    labels = get_labels()
    whole = FormProblem(None, "give duration_months, duration_years or end_date")
    assert show_mou_problem(labels, "th", whole) == "กรุณาระบุระยะเวลา (เดือน)"
    assert show_mou_problem(labels, "en", whole) == "give the duration (months)"
    assert str(whole) == "form: give duration_months, duration_years or end_date"  # the CLI's text
    field = FormProblem("duration_months", "give duration_months, duration_years or end_date")
    assert show_mou_problem(labels, "th", field) == "ระยะเวลา: กรุณาระบุระยะเวลา (เดือน)"
    data, _ = form_from_inputs(labels, "th", **(example_inputs("th") | {"duration_months": None}))
    with pytest.raises(FormError) as caught:
        parse_mou_form(data)
    assert [p.field for p in caught.value.found] == [None]
    assert caught.value.problems == ["form: give duration_months, duration_years or end_date"]


def test_record_table_shows_values_pages_and_missing_fields(tmp_path: Path) -> None:
    record = analyze_file(ROOT / "corpus" / "mou" / "MOU-2024-001.th.md").to_json()
    text = record_html(get_labels(), "th", record)
    assert "โรงเรียนบ้านเขาแก้วพัฒนา" in text and "หน้า 1" in text and "พบข้อมูลครบทุกช่อง" in text
    other = tmp_path / "note.txt"
    other.write_text("บันทึกข้อตกลงความร่วมมือ\nยังไม่มีรายละเอียด", encoding="utf-8")
    missing = record_html(get_labels(), "en", analyze_file(other).to_json())
    assert "Not found (not guessed)" in missing and 'data-missing="parties"' in missing


def test_analyse_a_corpus_mou_in_the_browser(page: Page, ui: UI) -> None:
    path = ROOT / "corpus" / "mou" / "MOU-2025-002.en.md"
    meta = frontmatter.load(path).metadata
    ui.open_tab(page, "mou")
    dropdown = page.locator("#mou-document input")
    dropdown.click()
    mou_words = get_labels().text("codes.doc_type.mou", "th")  # issue #17: the type in words, not "mou"
    page.get_by_role("option", name=f"{path.name} · {mou_words}").click()
    page.locator("#mou-analyse-button").click()
    result = page.locator("#mou-result .mou-record")
    result.wait_for(state="visible", timeout=60_000)
    parties_row = page.locator('#mou-result tr[data-field="parties"]')
    assert "Ban Sap Makrut School" in parties_row.inner_text()
    assert "Soi Dao Phatthana College of Agriculture and Technology" in parties_row.inner_text()
    assert "หน้า 1" in parties_row.inner_text()
    notice_row = page.locator('#mou-result tr[data-field="notice_days"]')
    assert str(meta["notice_days"]) in notice_row.inner_text()
    ui.screenshot(page, "mou-analyse")
