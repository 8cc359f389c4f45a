"""Browser test of the Health tab: answer, score, see the chart and cited advice, save, compare."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.ui.conftest import UI

TIMEOUT_MS = 120_000


def _answer(page: Page, indicator_id: str, choice: str) -> None:
    page.locator(f"#health-q-{indicator_id.replace('.', '-')}").get_by_text(choice, exact=True).click()


def test_health_check_scores_draws_the_radar_and_compares_with_a_saved_one(page: Page, ui: UI) -> None:
    ui.open_tab(page, "health")
    tab = page.locator("#tab-health")
    assert "สมาชิกทุกหน่วยงานร่วมกันกำหนดและรับรองวิสัยทัศน์" in tab.inner_text()
    for n, score in enumerate(["4", "3", "ไม่แน่ใจ", "4"], start=1):
        _answer(page, f"shared-vision-goals.{n}", score)
    page.locator("#health-area-stakeholders").get_by_text("องค์ประกอบ: ผู้มีส่วนได้ส่วนเสีย").click()
    for n, score in enumerate(["1", "2", "2", "1"], start=1):
        _answer(page, f"stakeholders.{n}", score)

    page.locator("#health-score").click()
    status = page.locator("#health-status")
    status.get_by_text("ประเมินแล้ว").wait_for(timeout=TIMEOUT_MS)
    assert "ตอบ 7 จาก 48 ข้อ" in status.inner_text()
    chart = page.locator("#health-chart .js-plotly-plot")
    chart.wait_for(timeout=30_000)
    assert chart.locator(".scatterlayer .trace").count() == 1
    results = page.locator("#health-results").inner_text()
    assert "ผู้มีส่วนได้ส่วนเสีย" in results and "1.50" in results and "3.67" in results
    advice = page.locator("#health-recommendations").inner_text()
    assert "ข้อเสนอแนะลำดับที่ 1: ผู้มีส่วนได้ส่วนเสีย" in advice
    assert "สำรวจความต้องการของผู้มีส่วนได้ส่วนเสียด้วยแบบสอบถาม" in advice
    sources = page.locator("#health-sources").inner_text()
    assert re.search(r"\[1(, \d+)*\]", advice), "the first recommendation cites [1]"
    assert "[1]" in sources and ".md" in sources
    files = page.locator("#health-files").inner_text()
    assert "health-check" in files and "docx" in files and "png" in files, files
    ui.screenshot(page, "health-scored")

    page.locator("#health-label input, #health-label textarea").first.fill("ภาคเรียนที่ 1")
    page.locator("#health-save").click()
    status.get_by_text("บันทึกเป็นการประเมิน #1 แล้ว").wait_for(timeout=30_000)

    _answer(page, "stakeholders.1", "4")  # 1.5 → 2.25
    page.locator("#health-compare input").click()
    page.get_by_role("option", name="#1 ภาคเรียนที่ 1", exact=False).click()
    page.locator("#health-score").click()
    page.wait_for_function(
        "document.querySelectorAll('#health-chart .scatterlayer .trace').length === 2", timeout=TIMEOUT_MS
    )
    results = page.locator("#health-results").inner_text()
    assert "ความก้าวหน้าเทียบกับการประเมินครั้งก่อน" in results and "+0.75" in results
    assert "ครั้งก่อน: ภาคเรียนที่ 1" in page.locator("#health-chart").inner_text()
    ui.screenshot(page, "health-compared")
