"""Browser test of the Plan tab: form problems listed, form → streamed plan → DOCX download; edits saved.

The app runs over the indexed corpus with the ``none`` backend (see conftest.py).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.ui.i18n import get_labels
from assistant.ui.plan_tab import budget_choices, form_from_inputs, language_choices, save_edited

from .conftest import UI

if TYPE_CHECKING:
    from playwright.sync_api import Page

NETWORK = "เครือข่ายโรงเรียนขนาดเล็กสอยดาว"


def inputs() -> dict:
    return {
        "network": " N ",
        "lead": "P016",
        "members": "P001\n\n- P002\n",
        "needs": "ขาดครู\nต้องการรถ",
        "goals": "ข",
        "duration": 6.0,
        "start": " ",
        "budget": "",
        "budget_min": None,
        "budget_max": None,
        "focus": "",
        "language": "auto",
        "ui_language": "en",
    }


def test_inputs_become_the_plan_form_and_follow_the_interface_language() -> None:
    data = form_from_inputs(**inputs())
    assert data == {
        "network_name": "N",
        "lead_organisation": "P016",
        "members": ["P001", "P002"],
        "needs": ["ขาดครู", "ต้องการรถ"],
        "goals": ["ข"],
        "language": "en",
        "duration_months": 6,
    }
    data = form_from_inputs(**{**inputs(), "budget_min": 0, "budget_max": 0})
    assert "budget_min" not in data and "budget_max" not in data
    data = form_from_inputs(**{**inputs(), "budget_min": 0, "budget_max": 20000.0, "language": "th"})
    assert (data["budget_min"], data["budget_max"], data["language"]) == (0, 20000.0, "th")
    labels = get_labels()
    assert [v for _, v in budget_choices(labels, "th")] == ["", "none", "small", "medium", "large"]
    assert language_choices(labels, "en")[0] == ("Same as the interface", "auto")


def test_a_start_month_typed_the_thai_way_and_its_problems_in_the_ui_language() -> None:
    from assistant.drafting.forms import FormError
    from assistant.plan import parse_plan_form
    from assistant.ui.plan_tab import problems_markdown

    labels = get_labels()
    assert "พ.ค. 2568" in labels.text("plan.start", "th") and "YYYY" not in labels.text("plan.start", "th")
    assert "May 2025" in labels.text("plan.start", "en")
    for typed in ("พ.ค. 2568", "5/2568", "พฤษภาคม 2568", "พ.ค. 68", "May 2025", "2025-05"):
        data = form_from_inputs(**{**inputs(), "start": typed})
        assert parse_plan_form(data).start_month == "2025-05", typed
    data = form_from_inputs(**{**inputs(), "start": "พฤษภา"})
    try:
        parse_plan_form(data)
    except FormError as exc:
        problems = exc.problems
    assert problems_markdown(labels, "th", problems).splitlines()[-1] == (
        "- เดือนเริ่ม: อ่านเดือน “พฤษภา” ไม่ได้ เขียนได้แบบ พ.ค. 2568, พฤษภาคม 2568 หรือ 5/2568 (ปี พ.ศ. หรือ ค.ศ. ก็ได้)"
    )
    assert problems_markdown(labels, "en", problems).splitlines()[-1] == (
        "- Start month: cannot read “พฤษภา” as a month; write it as May 2025, 5/2025 or 2025-05"
    )


def test_only_a_changed_text_is_saved_as_the_edited_version(tmp_path: Path) -> None:
    assert save_edited("# แผน", "# แผน") is None
    assert save_edited("", "# แผน") is None
    path = save_edited("# แผน (แก้ไข)", "# แผน")
    assert path is not None and path.name == "plan-edited.md"
    assert path.read_text(encoding="utf-8") == "# แผน (แก้ไข)"


def test_leader_drafts_a_plan_downloads_docx_and_saves_an_edit(page: Page, ui: UI) -> None:
    from docx import Document

    ui.open_tab(page, "plan")
    page.locator("#plan-network textarea").fill(NETWORK)
    page.locator("#plan-lead textarea").fill("P019")
    page.locator("#plan-members textarea").fill("P012\nP999")
    page.locator("#plan-needs textarea").fill("นักเรียนต้องการทักษะอาชีพด้านเกษตรสมัยใหม่\nขาดครูด้านเทคโนโลยี")
    page.locator("#plan-goals textarea").fill("นักเรียน ม.3 ทุกคนได้ฝึกเกษตรอัจฉริยะกับวิทยาลัย")
    page.locator("#plan-duration input").fill("48")
    page.locator("#plan-draft").click()
    status = page.locator("#plan-status")
    # issue #17: the problems are in Thai and name the fields as the form shows them
    status.get_by_text("ระยะเวลา: ระยะเวลาต้องอยู่ระหว่าง 1–36 เดือน").wait_for(timeout=60_000)
    assert "ไม่พบภาคีรหัส P999" in status.inner_text()

    page.locator("#plan-members textarea").fill("P012\nองค์การบริหารส่วนตำบลทรายขาว | local_government")
    page.locator("#plan-duration input").fill("6")
    page.locator("#plan-start textarea").fill("ม.ค. 2569")  # issue #17: a month typed the Thai way
    page.locator("#plan-draft").click()
    status.get_by_text("ร่างแผนเสร็จแล้ว").wait_for(timeout=ui.answer_timeout)
    preview = page.locator("#plan-preview").inner_text()
    assert "ม.ค. 2569" in preview
    assert "องค์ประกอบที่ 7" in preview and "กำหนดการประเมินผลตามวงจร PDCA" in preview
    assert "แหล่งอ้างอิง" in preview
    ui.screenshot(page, "plan-draft")
    link = page.locator("#plan-files a[href*='.docx']").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    doc = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert NETWORK in body and "นักเรียนต้องการทักษะอาชีพด้านเกษตรสมัยใหม่" in body
    assert "วิสัยทัศน์และเป้าหมายร่วมกัน" in body
    assert "ยังไม่ได้ระบุ" in "\n".join(p.text for p in doc.paragraphs if "งบประมาณ" in p.text)  # no budget typed

    editor = page.locator("#plan-edit textarea")
    assert NETWORK in editor.input_value()
    editor.fill(editor.input_value() + "\n\nหมายเหตุจากผู้นำเครือข่าย: ประชุมครั้งแรกวันจันทร์")
    page.locator("#plan-save-edit").click()
    edited = page.locator("#plan-edited-file a[href*='plan-edited.md']").first
    edited.wait_for(timeout=30_000)
    with page.expect_download() as info:
        edited.click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.endswith("หมายเหตุจากผู้นำเครือข่าย: ประชุมครั้งแรกวันจันทร์") and NETWORK in text
