"""Browser test of the Portfolio tab: form → streamed guide with rubrics → DOCX; reflection PII refusal."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.ui.i18n import get_labels
from assistant.ui.portfolio_tab import area_choices, competency_choices, grade_choices, reflection_markdown

from .conftest import UI

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_choices_come_from_the_framework_in_both_languages() -> None:
    assert [v for _, v in grade_choices("th")] == [f"P{n}" for n in range(1, 7)] + [
        f"M{n}" for n in range(1, 7)
    ]
    assert ("ม.1", "M1") in grade_choices("th") and ("Grade 7 (M1)", "M1") in grade_choices("en")
    assert len(area_choices("th")) == 8 and ("Arts", "arts") in area_choices("en")
    assert len(competency_choices("en")) == 5
    assert get_labels().keys("portfolio.")


def test_reflection_markdown_refuses_personal_data_without_echoing_it() -> None:
    md = reflection_markdown("th", "โทรหาหนูที่ 081-234-5678", ["thinking"], "P5")
    assert "ไม่รับข้อความนี้" in md and "081-234-5678" not in md and "08•-•••-••78" in md


def test_teacher_builds_a_guide_downloads_docx_and_reflection_refuses_a_phone(page: Page, ui: UI) -> None:
    from docx import Document

    ui.open_tab(page, "portfolio")
    page.locator("#portfolio-description textarea").fill("โครงงานปลูกผักไฮโดรโปนิกส์ร่วมกับ อบต.")
    weeks = page.locator("#portfolio-weeks input")
    weeks.fill("6")
    page.locator("#portfolio-make").click()
    guide = page.locator("#portfolio-guide")
    guide.get_by_text("แหล่งอ้างอิง").first.wait_for(timeout=ui.answer_timeout)
    text = guide.inner_text()
    assert "เกณฑ์การประเมิน 4 ระดับ" in text and "4 ดีเยี่ยม" in text and "1 ควรปรับปรุง" in text
    assert "การคิดวิเคราะห์" in text and "สัปดาห์ที่ 6" in text
    assert "✅" in page.locator("#portfolio-status").inner_text()
    link = page.locator("#portfolio-files a[download$='.docx']").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    doc = Document(io.BytesIO(data))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "โครงงานปลูกผักไฮโดรโปนิกส์ร่วมกับ อบต." in body
    ui.screenshot(page, "portfolio-guide")

    page.locator("#reflection-text textarea").fill("วันนี้หนูได้เรียนรู้เรื่องผัก ติดต่อหนูที่ 081-234-5678 นะคะ")
    page.locator("#reflection-button").click()
    feedback = page.locator("#reflection-feedback")
    feedback.get_by_text("ไม่รับข้อความนี้").wait_for(timeout=30_000)
    assert "081-234-5678" not in feedback.inner_text()
    assert "หมายเลขโทรศัพท์" in feedback.inner_text()

    page.locator("#reflection-text textarea").fill(
        "วันนี้เราช่วยกันทดลองปลูกผัก หนูได้เรียนรู้ว่าผักต้องการแสง เพราะต้นในร่มโตช้า ครั้งหน้าหนูจะวางแผนใหม่"
    )
    page.locator("#reflection-button").click()
    feedback.get_by_text("คำถามชวนคิดต่อ").wait_for(timeout=30_000)
    assert "การคิดวิเคราะห์" in feedback.inner_text()
    ui.screenshot(page, "portfolio-reflection")
