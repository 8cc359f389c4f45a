"""A goal's suggested indicator measures what the goal measures (issue #17 item 6)."""

from __future__ import annotations

import pytest

from assistant.drafting.knowledge import load_framework
from assistant.plan.kpi import goal_kpi, measure_en, measure_th


def kpis(language: str) -> list[str]:
    return [k for c in load_framework().components for k in c.kpis.get(language)]


RESOURCE_WORDS = {"th": "ทรัพยากร", "en": "resource"}


@pytest.mark.parametrize(
    ("language", "goal", "measure"),
    [
        ("th", "นักเรียนชั้น ป.1–3 อ่านออกเขียนได้เพิ่มขึ้นร้อยละ 20", "อ่านออกเขียนได้"),
        ("th", "เพิ่มผลสัมฤทธิ์การอ่านของนักเรียน ป.3 ร้อยละ 10", "ผลสัมฤทธิ์การอ่าน"),
        ("th", "ส่งเสริมการอ่านของนักเรียน", "การอ่านของนักเรียน"),
        ("en", "Improve Grade 3 reading scores by 10%", "reading scores"),
        ("en", "Students read fluently by the end of Grade 2", "read fluently"),
        ("en", "All pupils reach the expected reading level", "reach the expected reading level"),
    ],
)
def test_a_reading_goal_gets_a_reading_indicator(language: str, goal: str, measure: str) -> None:
    kpi = goal_kpi(goal, language, kpis(language))
    assert measure in kpi
    assert RESOURCE_WORDS[language] not in kpi.lower()
    assert kpi not in kpis(language)


def test_the_indicator_says_who_and_the_target() -> None:
    th = goal_kpi("นักเรียนชั้น ป.1–3 อ่านออกเขียนได้เพิ่มขึ้นร้อยละ 20", "th", kpis("th"))
    assert th == "ร้อยละของนักเรียนชั้น ป.1–3 ที่อ่านออกเขียนได้ (ค่าเป้าหมาย: เพิ่มขึ้นร้อยละ 20)"
    verb = goal_kpi("เพิ่มผลสัมฤทธิ์การอ่านของนักเรียน ป.3 ร้อยละ 10", "th", kpis("th"))
    assert verb == "ผลสัมฤทธิ์การอ่านของนักเรียน ป.3 เทียบกับข้อมูลพื้นฐานก่อนเริ่มแผน (ค่าเป้าหมาย: เพิ่มร้อยละ 10)"
    fewer = goal_kpi("ลดจำนวนนักเรียนออกกลางคัน", "th", kpis("th"))
    assert fewer == "จำนวนนักเรียนออกกลางคัน เทียบกับข้อมูลพื้นฐานก่อนเริ่มแผน (ค่าเป้าหมาย: ลดลง)"
    en = goal_kpi("Improve Grade 3 reading scores by 10%", "en", kpis("en"))
    assert en == "Grade 3 reading scores compared with the baseline before the plan (target: improve by 10%)"
    share = goal_kpi("Every Grade 9 student completes a hospitality placement", "en", kpis("en"))
    assert share == "Share of Grade 9 students who complete a hospitality placement"


def test_a_framework_kpi_is_suggested_when_it_names_the_goals_measure() -> None:
    th = goal_kpi("ครูในเครือข่ายอธิบายเป้าหมายของเครือข่ายได้ถูกต้อง", "th", kpis("th"))
    assert th == "ร้อยละของครูในเครือข่ายที่อธิบายเป้าหมายของเครือข่ายได้ถูกต้อง" and th in kpis("th")
    en = goal_kpi("Increase the number of times resources are used jointly", "en", kpis("en"))
    assert en == "Number of times resources were used jointly"
    assert goal_kpi("Share of tasks finished on time", "en", kpis("en")) == "Share of tasks finished on time"


def test_the_measure_of_a_goal() -> None:
    assert measure_th("ครูทุกโรงเรียนใช้สื่อดิจิทัลในการสอน").group == "ครู"
    assert measure_th("ครูทุกโรงเรียนใช้สื่อดิจิทัลในการสอน").what == "ใช้สื่อดิจิทัลในการสอน"
    m = measure_en("Raise the share of students who read fluently to 80%")
    assert (m.what, m.target, m.verb) == ("share of students who read fluently", "to 80%", "raise")
    assert measure_en("Students can guide visitors in English").group == "students"
    assert goal_kpi("Reading", "en", []) == "Reading compared with the baseline before the plan"
