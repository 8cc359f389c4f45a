"""Form problems in the UI's language, naming each field as the form shows it (MOU, Health, Portfolio).

No browser: the tabs' translation functions are called with the library's English problems.
"""

from __future__ import annotations

from assistant.assess import AnswerError, load_questionnaire, parse_answers
from assistant.drafting.forms import FormError
from assistant.mou.draft import parse_mou_form
from assistant.portfolio import parse_portfolio_form
from assistant.ui.form_problems import field_label
from assistant.ui.health_tab import answer_problems
from assistant.ui.i18n import get_labels
from assistant.ui.mou_tab import example_inputs, form_from_inputs, problems_markdown
from assistant.ui.portfolio_tab import form_errors


def _mou_problems(lang: str, **changes: object) -> str:
    labels = get_labels()
    data, problems = form_from_inputs(labels, lang, **(example_inputs("th") | changes))
    try:
        parse_mou_form(data)
    except FormError as exc:
        problems += exc.found
    return problems_markdown(labels, lang, problems)


def test_the_mou_form_problems_are_thai_and_name_the_form_fields() -> None:
    shown = _mou_problems(
        "th",
        duties="โรงเรียน จัดเวลา",
        objectives="",
        start_date="31/2/2568",
        parties="โรงเรียนบ้านเขา\nโรงเรียนบ้านเขา",
    )
    assert shown.splitlines() == [
        "แบบฟอร์มยังไม่ครบถ้วน:",
        "- หน้าที่: บรรทัด “โรงเรียน จัดเวลา” ต้องมีรูปแบบ ฝ่าย: ข้อความ",
        "- คู่ภาคี: ชื่อคู่ภาคีซ้ำ: โรงเรียนบ้านเขา",
        "- วัตถุประสงค์: กรุณาระบุอย่างน้อยหนึ่งข้อ",
        "- วันที่มีผล: ไม่มีวันที่ “31/2/2568” ในปฏิทิน เดือนนั้นมี 28 วัน",
    ]
    assert "วันที่มีผล" not in _mou_problems("th", start_date="25/06/2568")  # a Thai date is a date
    english = _mou_problems("en", objectives="", duties="โรงเรียน จัดเวลา")
    assert "- Objectives: give at least one item" in english
    assert "- Duties: the line “โรงเรียน จัดเวลา” must read party: text" in english


def test_the_mou_form_wide_problems_are_thai_too() -> None:
    shown = _mou_problems("th", duration_months=0, coordinators="ใครไม่รู้: ครูแดง")
    assert "- กรุณาระบุระยะเวลา (เดือน)" in shown
    assert "ระบุผู้ประสานงานให้ฝ่ายที่ไม่อยู่ในรายชื่อคู่ภาคี “ใครไม่รู้”" in shown
    assert "form:" not in shown and "duration_months" not in shown and "coordinator given" not in shown


def test_a_label_loses_its_hint_whatever_its_form() -> None:
    labels = get_labels()
    assert field_label(labels, "th", "mou.parties") == "คู่ภาคี"
    assert field_label(labels, "en", "mou.coordinators") == "Coordinators"
    assert field_label(labels, "th", "mou.duration_months") == "ระยะเวลา"
    assert field_label(labels, "th", "plan.members") == "สมาชิก"


def test_the_portfolio_form_problems_are_thai_and_name_the_form_fields() -> None:
    data = {"grade": "X9", "learning_area": "nope", "competencies": [], "description": "", "weeks": 0}
    try:
        parse_portfolio_form(data | {"language": "th"})
    except FormError as exc:
        problems = exc.problems
    shown = form_errors("th", problems)
    assert shown.splitlines()[2:] == [
        "- ระดับชั้น: ไม่รู้จักระดับชั้น “X9” ใช้ ป.1–ป.6 หรือ ม.1–ม.6",
        "- กลุ่มสาระการเรียนรู้: ไม่มี “nope” ในกลุ่มสาระการเรียนรู้ 8 กลุ่ม",
        "- สมรรถนะเป้าหมาย: เลือกสมรรถนะ 1–5 ข้อ",
        "- โครงงานหรือหน่วยการเรียนรู้: กรุณาอธิบายโครงงานหรือหน่วยการเรียนรู้",
        "- ระยะเวลา: ระยะเวลาต้องอยู่ระหว่าง 1–40 สัปดาห์ (ได้ 0)",
    ]
    assert "valid options" not in shown and "weeks:" not in shown
    english = form_errors("en", problems)
    assert "- Duration: the duration must be 1–40 weeks, got 0" in english


def test_the_health_answers_problems_are_thai_and_name_the_statement() -> None:
    q = load_questionnaire()
    labels = get_labels()
    try:
        parse_answers({"stakeholders.1": 9, "stakeholders.2": "x", "nope.1": 2}, q, require_all=True)
    except AnswerError as exc:
        problems = exc.problems
    shown = answer_problems(labels, "th", q=q, problems=problems)
    statement = q.indicator("stakeholders.1").text("th")
    assert f"{statement}: คะแนน 9 อยู่นอกช่วง 1–5 (ให้คะแนน 1–5 หรือเลือก ไม่แน่ใจ)" in shown
    assert f"{q.indicator('stakeholders.2').text('th')}: x ไม่ใช่คะแนน" in shown
    assert "ไม่รู้จักข้อคำถามรหัส nope.1" in shown and "ยังไม่ได้ตอบ" in shown
    assert "stakeholders.1:" not in shown and "not sure" not in shown


def test_the_workshop_form_problems_are_thai_and_name_the_form_fields() -> None:
    from assistant.ui.workshop_tab import _agenda_error
    from assistant.workshop.form import parse_workshop

    try:
        parse_workshop({"topic": "", "duration_hours": "9", "start_time": "9 โมง", "goals": ["x"] * 30})
    except FormError as exc:
        thai, english = _agenda_error("th", exc), _agenda_error("en", exc)
    else:
        raise AssertionError("the form has four problems")
    assert thai.splitlines()[2:] == [
        "- หัวข้อ: ยังไม่ได้ใส่หัวข้อ บอกว่าเวิร์กชอปเกี่ยวกับอะไร",
        "- ระยะเวลา: ระยะเวลาต้องอยู่ระหว่าง 1–6 ชั่วโมง เช่น 3 หรือ 1.5",
        "- เป้าหมาย: เป้าหมายไม่เกิน 6 ข้อ เวิร์กชอปที่มีเป้าหมายมากกว่านี้มักไปไม่ถึงสักข้อ",
        "- เวลาเริ่ม: เวลาเริ่มต้องเป็นชั่วโมง:นาที เช่น 09:00",
    ]
    assert "HH:MM" not in thai and "start_time" not in thai and "duration_hours" not in english
    assert "- Start time: start time must be HH:MM, e.g. 09:00" in english.splitlines()
