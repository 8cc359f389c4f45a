"""A Thai UI without English leaks (issue #17): no enum code reaches a Thai user.

The first tests build each tab's outputs with its render functions, in Thai, from data holding
every code (partner types and statuses, document types, languages, backends) and fail on any
code word. The browser test walks the running app's tabs in Thai, screenshots each one into
``/tmp/edunet-ui/thai-walk-<tab>.png`` and checks the visible text the same way; it also checks
that the language choice survives a reload.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from assistant.ui.display import (
    CODE_KINDS,
    code_choices,
    code_key,
    codes_of,
    health_words,
    hide_paths,
    show_date,
)
from assistant.ui.i18n import LANGUAGES, get_labels

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.ui.conftest import UI

LABELS = get_labels()
CODES = sorted({code for kind in CODE_KINDS for code in codes_of(kind)}, key=len, reverse=True)
CODE_WORD = re.compile(r"(?<![\w.\-/])(" + "|".join(map(re.escape, CODES)) + r")(?![\w.\-/])")
"""Any enum code as a word of its own (``en06_mou_x.pdf`` and ``partners.csv`` are not words)."""


def leaks(text: str) -> list[str]:
    """The code words in ``text``."""
    return sorted(set(CODE_WORD.findall(text)))


def shown(value: Any) -> str:
    """Everything a render function's value shows: a table's headers and cells, a choice's label."""
    if hasattr(value, "to_csv"):  # a pandas DataFrame
        return value.to_csv(sep="\t", index=False)
    if isinstance(value, list):
        return "\n".join(str(item[0]) if isinstance(item, tuple) else str(item) for item in value)
    return str(value)


# ---------------------------------------------------------------- the words


def test_every_code_has_words_in_both_languages() -> None:
    for kind in CODE_KINDS:
        for code in codes_of(kind):
            key = code_key(kind, code)
            assert key in LABELS.table, f"no label {key} in assistant/ui/labels/codes.yaml"
            for lang in LANGUAGES:
                assert LABELS.text(key, lang).strip()
            assert not leaks(LABELS.text(key, "th")), key


def test_choices_keep_the_code_as_value_and_show_words() -> None:
    choices = code_choices(LABELS, "th", "partner_type", codes_of("partner_type"))
    assert [value for _, value in choices] == list(codes_of("partner_type"))
    assert ("สถานประกอบการ/ธุรกิจ", "business") in choices
    assert not leaks(shown(choices))


def test_dates_and_paths() -> None:
    assert show_date("2025-05-31", "th") == "31 พฤษภาคม 2568"
    assert show_date(date(2025, 5, 31), "en") == "31 May 2025"
    assert show_date("not a date", "th") == "not a date"
    assert hide_paths("cannot read /work/main/corpus/partners.csv now") == "cannot read partners.csv now"
    assert hide_paths("see https://example.org/a/b") == "see https://example.org/a/b"
    assert health_words(LABELS, "th", 0.99, "ready", []) == "อ่านได้ดี"
    assert health_words(LABELS, "th", None, "needs_ocr", [1]) == "ต้องสแกนอ่าน OCR"
    assert health_words(LABELS, "en", 0.99, "ready", []) == "Reads well"


# ---------------------------------------------------------------- each tab's outputs in Thai


def _documents() -> list[Any]:
    from ingest.manifest import DocumentRow

    rows = []
    for n, doc_type in enumerate(codes_of("doc_type")):
        for m, language in enumerate(codes_of("language")):
            rows.append(
                DocumentRow(
                    id=n * 10 + m, workspace="default", path=f"/srv/edunet/uploads/default/doc{n}{m}.pdf",
                    source=f"doc{n}{m}.pdf", title="t", doc_type=doc_type, language=language,
                    content_hash="0" * 64, status=("ready", "needs_ocr")[m % 2], pages=2, chunks=1,
                    health=(0.95, None, 0.5)[m % 3], needs_ocr=[2] if m == 2 else [],
                    error="could not read /srv/edunet/uploads/default/x.pdf" if m == 1 else None,
                )
            )
    return rows


def test_library_tab_in_thai() -> None:
    from assistant.ui.library_tab import document_table

    text = shown(document_table(LABELS, "th", _documents()))
    assert not leaks(text), leaks(text)
    assert "/srv/" not in text
    assert "อ่านได้ดี" in text and "ต้องสแกนอ่าน OCR" in text and "0.95" not in text


def _partners() -> list[Any]:
    from assistant.partners.registry import Partner, PartnerStatus, PartnerType

    statuses = list(PartnerStatus)
    return [
        Partner(
            id=f"P{n:03d}", name_th=f"ภาคี {n}", name_en=f"Partner {n}", type=kind, province="ตราด",
            status=statuses[n % len(statuses)], capabilities=["ฝึกงาน"], mous=["MOU-1"],
        )
        for n, kind in enumerate(PartnerType)
    ]


def test_partners_tab_in_thai() -> None:
    from assistant.ui.partners_tab import (
        TYPES,
        cards_html,
        network_markdown,
        partner_table,
        seeded_text,
    )

    partners = _partners()
    suggestions = [
        {
            "id": p.id, "name_th": p.name_th, "name_en": p.name_en, "type": p.type.value,
            "province": p.province, "district": "", "status": p.status.value, "score": 0.7,
            "distance_km": 3.2, "reasons": [], "covers": [],
            "mous": [{"id": "MOU-1", "title": "x", "end_date": "2025-05-31"}], "citations": [],
        }
        for p in partners
    ]
    end = (date.today() + timedelta(days=40)).isoformat()
    report = {
        "members": [
            {"id": p.id, "name_th": p.name_th, "name_en": p.name_en, "degree": 1, "betweenness": 0.5}
            for p in partners
        ],
        "isolated": [],
        "months": 12,
        "expiring": [{"mou_id": "MOU-1", "end_date": end, "days_left": 40, "members": ["P001"]}],
        "expired": [{"mou_id": "MOU-0", "end_date": "2024-01-31", "members": ["P002"]}],
        "uncovered_needs": [],
    }

    class Seeded:
        def seeded(self, workspace: str | None = None) -> tuple[int, str]:
            return 50, "/work/main/corpus/partners.csv"

    outputs = [
        partner_table(LABELS, "th", partners),
        cards_html(LABELS, "th", {"suggestions": suggestions}),
        network_markdown(LABELS, "th", report),
        code_choices(LABELS, "th", "partner_type", TYPES),
        code_choices(LABELS, "th", "partner_status", codes_of("partner_status")),
        seeded_text(LABELS, "th", Seeded()),  # type: ignore[arg-type]
    ]
    text = "\n".join(shown(o) for o in outputs)
    assert not leaks(text), leaks(text)
    assert "/work/" not in text and "partners.csv" in text
    assert "31 พฤษภาคม 2568" in text and "2024-01-31" not in text
    assert "betweenness" not in text


def test_network_legend_names_types_in_words() -> None:
    go = pytest.importorskip("plotly.graph_objects")
    from assistant.ui.partners_tab import legend_in_words

    figure = go.Figure([go.Scatter(x=[0], y=[0]), go.Scatter(x=[1], y=[1], name="vocational_college")])
    figure = legend_in_words(LABELS, "th", figure)
    assert figure.data[0].showlegend is False  # the lines: no "trace 0"
    assert figure.data[1].name == "วิทยาลัยอาชีวศึกษา"


def test_ask_status_line_in_thai_for_every_backend() -> None:
    from assistant.llm.backends import LLMStatus
    from assistant.settings import Settings
    from assistant.ui.ask_tab import AskService, status_text

    for backend in codes_of("backend"):
        service = AskService(Settings(data_dir=Path("/nonexistent"), backend=backend))
        lines = [status_text(LABELS, "th", service)]
        service.status = LLMStatus(backend, backend, True, "ok")
        lines.append(status_text(LABELS, "th", service))
        service.status = LLMStatus("none", backend, False, "unreachable")
        lines.append(status_text(LABELS, "th", service))
        assert not leaks("\n".join(lines)), (backend, lines)


def test_plan_form_problems_in_thai_name_the_fields() -> None:
    from assistant.drafting.forms import FormError
    from assistant.plan import parse_plan_form
    from assistant.ui.plan_tab import problems_markdown

    data = {
        "network_name": "", "lead_organisation": "", "members": ["P012", "P999", "x | nothing"],
        "needs": [], "goals": [], "duration_months": 48, "start_month": "13/2568",
        "budget_min": 5, "budget_max": 1, "language": "th",
    }
    with pytest.raises(FormError) as caught:
        parse_plan_form(data)
    text = problems_markdown(LABELS, "th", caught.value.problems)
    for field in ("ชื่อเครือข่าย:", "หน่วยงานแกนนำ:", "สมาชิก:", "ระยะเวลา:", "เดือนเริ่ม:", "งบประมาณสูงสุด:"):
        assert field in text, text
    for english in ("network_name", "give the", "duration must", "budget_min", "no partner with id", ".csv"):
        assert english not in text, text
    assert "ไม่พบภาคีรหัส P999" in text and "ระยะเวลาต้องอยู่ระหว่าง 1–36 เดือน" in text
    assert "เดือนเริ่ม: “13/2568” ไม่มีเดือนที่ 13 (เดือนมีเลข 1–12)" in text and "months run" not in text
    english_text = problems_markdown(LABELS, "en", caught.value.problems)
    assert "Network name: give the network a name" in english_text


def test_saved_lists_and_draft_dates_in_thai(tmp_path: Path) -> None:
    from assistant.drafting.engine import Draft
    from assistant.drafting.export import meta_line
    from assistant.ui.saved_drafts import item_label

    class Item:
        title = "แผน"
        updated = time.mktime((2025, 6, 1, 14, 5, 0, 0, 0, -1))

    assert item_label(Item(), "th") == "แผน · 1 มิถุนายน 2568 14:05"  # type: ignore[arg-type]
    draft = Draft("plan", "แผน", "th", [], [], backend="none", created="2025-06-01")
    line = meta_line(draft)
    assert "1 มิถุนายน 2568" in line and not leaks(line), line


# ---------------------------------------------------------------- the running app, in a browser

TABS = ("ask", "plan", "mou", "health", "partners", "portfolio", "workshop", "library")

_TABLE_CELLS = """sel => Array.from(document.querySelectorAll(sel + ' tbody tr'))
    .map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim()))"""

_VISIBLE_TEXT = """tab => {
    const root = document.querySelector('#tab-' + tab).cloneNode(true);
    root.querySelectorAll('#partners-table').forEach(el => el.remove());  // partners' own words: see below
    return root.innerText;
}"""


def test_walk_every_tab_in_thai_and_find_no_code_word(page: Page, ui: UI) -> None:
    """Open every tab in Thai, screenshot it, and read its visible text: no enum code is shown.

    The registry table holds partners' own English words ("school farm plot"), so only its
    type and status columns are checked there. Then English is chosen and the page reloaded:
    the choice is remembered.
    """
    from playwright.sync_api import expect

    found: dict[str, list[str]] = {}
    for tab in TABS:
        ui.open_tab(page, tab)
        if tab == "partners":
            registry = LABELS.text("partners.section_registry", "th")
            page.locator("#partners-registry").get_by_text(registry).first.click()
            expect(page.locator("#partners-table")).to_contain_text("P001", timeout=60_000)
            rows = page.evaluate(_TABLE_CELLS, "#partners-table")
            found["partners-table"] = leaks("\n".join(f"{r[2]}\t{r[5]}" for r in rows if len(r) > 5))
            page.locator("#partners-edit-type input").click()
            options = page.get_by_role("option").all_inner_texts()
            assert LABELS.text("codes.partner_type.business", "th") in options, options
            found["partners-type-options"] = leaks("\n".join(options))
            page.keyboard.press("Escape")
        if tab == "library":
            expect(page.locator("#docs-table")).to_contain_text(LABELS.text("library.status.ready", "th"))
        page.wait_for_timeout(500)
        ui.screenshot(page, f"thai-walk-{tab}")
        found[tab] = leaks(page.evaluate(_VISIBLE_TEXT, tab))
    found["header"] = leaks(page.locator("#app-header").inner_text())
    assert not any(found.values()), {k: v for k, v in found.items() if v}

    # the language choice survives a reload
    ui.set_language(page, "en")
    expect(page.locator("#tab-ask-button")).to_have_text(LABELS.text("tabs.ask", "en"))
    page.wait_for_timeout(500)  # the choice is written to the browser's storage
    page.reload()
    expect(page.locator("#tab-ask-button")).to_have_text(LABELS.text("tabs.ask", "en"), timeout=30_000)
    ui.screenshot(page, "thai-walk-reloaded-english")
    ui.set_language(page, "th")  # leave the browser context as other tests expect it
