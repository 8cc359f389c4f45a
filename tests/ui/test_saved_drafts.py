"""Saved drafts in the tabs: the panel's helpers (no browser), then a workshop agenda that survives a restart.

The browser test runs its own app over a private copy of the indexed data directory: it drafts
an agenda in the Workshop tab, stops the app, starts a new one over the same data, loads the
page in a fresh browser context and reopens the agenda from the saved list.
"""

from __future__ import annotations

import io
import string
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.drafting.engine import Block, Draft, Section
from assistant.sessions import Session, Status
from assistant.ui.health_tab import history_draft
from assistant.ui.i18n import LANGUAGES, get_labels
from assistant.ui.workshop_tab import record_session, session_payload
from assistant.ui.workshop_view import saved_session_markdown

from .conftest import UI, start_app

if TYPE_CHECKING:
    from playwright.sync_api import Page

TOPIC = "การใช้ AI ช่วยครูทำแฟ้มสะสมผลงานของผู้เรียน"
AUDIENCE = "ครูโรงเรียนขนาดเล็ก"
GOALS = "ออกแบบโครงสร้างแฟ้มสะสมผลงาน\nใช้ AI อย่างรับผิดชอบ"


# ---------------------------------------------------------------- no browser needed


def test_saved_labels_have_both_languages_and_the_same_placeholders() -> None:
    labels = get_labels()
    keys = labels.keys("saved.")
    assert {"saved.title", "saved.pick", "saved.open", "saved.delete", "saved.opened"} <= set(keys)
    assert labels.text("saved.title", "th") == "ฉบับที่บันทึกไว้"
    assert labels.text("saved.title", "en") == "Saved drafts"
    fmt = string.Formatter()
    for key in keys:
        names = [{f for _, f, _, _ in fmt.parse(labels.table[key][code]) if f} for code in LANGUAGES]
        assert names[0] == names[1], key


def test_a_saved_session_keeps_no_trainer_key_and_reopens_with_its_status() -> None:
    session = Session(
        code="K7P2QX",
        name="<เวิร์กชอป> แฟ้มสะสมผลงาน",
        trainer="อ.สมชาย",
        workspace="session-k7p2qx",
        status=Status.OPEN,
        documents=["pack.md"],
        created_at=0.0,
        trainer_key="secret-trainer-key",
    )
    payload = session_payload(session)
    assert payload == {
        "code": "K7P2QX",
        "name": "<เวิร์กชอป> แฟ้มสะสมผลงาน",
        "trainer": "อ.สมชาย",
        "documents": ["pack.md"],
    }
    assert "secret-trainer-key" not in repr(payload)
    labels = get_labels()
    text = saved_session_markdown("th", payload, session)
    assert "K7P2QX" in text and "&lt;เวิร์กชอป&gt;" in text
    assert labels.text("workshop.status_open", "th") in text
    closed = Session(**{**session.__dict__, "status": Status.CLOSED, "trainer_key": ""})
    assert labels.text("workshop.status_closed", "en") in saved_session_markdown("en", payload, closed)
    gone = saved_session_markdown("en", payload, None)
    assert labels.text("saved.session_gone", "en") in gone and "K7P2QX" in gone


def test_a_created_session_is_listed_for_its_trainer_only(tmp_path: Path) -> None:
    from assistant.access import history
    from assistant.access.accounts import add_user
    from assistant.access.history import Kind
    from assistant.access.workspaces import add_member, create_workspace, principal_for
    from assistant.settings import Settings
    from assistant.ui.saved_drafts import item_choices

    s = Settings(data_dir=tmp_path / "data", auth=True)
    for name in ("trainer", "other"):
        add_user(name, "long enough password", "trainer", settings=s)
    create_workspace("net-a", settings=s)
    for name in ("trainer", "other"):
        add_member(name, "net-a", settings=s)
    session = Session(
        "K7P2QX", "แฟ้มสะสมผลงาน", "อ.สมชาย", "session-k7p2qx", Status.OPEN, [], 0.0, None, "key"
    )
    trainer = principal_for(s, "trainer")
    item_id = record_session(s, trainer, "net-a", session)
    assert item_id is not None
    assert item_choices(s, trainer, "net-a", Kind.SESSION)[0][1] == item_id
    assert item_choices(s, principal_for(s, "other"), "net-a", Kind.SESSION) == []
    item = history.load(trainer, item_id, settings=s)
    assert item.title == "แฟ้มสะสมผลงาน" and item.payload == session_payload(session)
    assert "key" not in item.payload.values()
    assert record_session(s, trainer, "net-b", session) is None  # refused (no such workspace): logged only


def test_an_assessment_is_kept_without_its_chart_and_titled_with_its_label() -> None:
    sections = [
        Section("summary", "สรุป", [Block.paragraph("ภาพรวม 3.2")]),
        Section("chart", "แผนภูมิ", [Block.paragraph("![แผนภูมิ](health-radar.png)")]),
        Section("rec-1", "ข้อเสนอแนะ", [Block.bullets(["ประชุมภาคี"])]),
    ]
    draft = Draft("health", "รายงานสุขภาพเครือข่าย", "th", sections, [])
    kept, title = history_draft(draft, "  ภาคเรียนที่ 1 ")
    assert [s.id for s in kept.sections] == ["summary", "rec-1"]
    assert title == "รายงานสุขภาพเครือข่าย — ภาคเรียนที่ 1"
    assert [s.id for s in draft.sections] == ["summary", "chart", "rec-1"]  # the shown report is unchanged
    assert history_draft(draft, "")[1] == "รายงานสุขภาพเครือข่าย"


# ---------------------------------------------------------------- in the browser


def _field(page: Page, elem_id: str):
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def _open_saved(page: Page, ui: UI, url: str) -> None:
    """Load the app, open the Workshop tab and expand its Saved drafts accordion."""
    ui.open(page, url)
    ui.open_tab(page, "workshop")
    page.locator("#workshop-saved").get_by_text(get_labels().text("saved.title", "th")).first.click()
    page.locator("#workshop-saved-list").wait_for(state="visible")


@pytest.mark.slow
def test_a_workshop_agenda_is_reopened_from_the_saved_list_after_a_restart(
    new_context: Callable, make_data_dir: Callable[[], Path], model_dir: Path, ui: UI, tmp_path: Path
) -> None:
    from docx import Document
    from playwright.sync_api import expect

    labels = get_labels()
    data_dir = make_data_dir()
    first = start_app(data_dir, model_dir, tmp_path / "first.log")
    try:
        page = new_context().new_page()
        ui.open(page, first.url)
        ui.open_tab(page, "workshop")
        _field(page, "workshop-topic").fill(TOPIC)
        _field(page, "workshop-audience").fill(AUDIENCE)
        _field(page, "workshop-goals").fill(GOALS)
        page.locator("#workshop-make").click()
        page.locator("#workshop-files a[href*='.docx']").first.wait_for(timeout=ui.answer_timeout)
        agenda = page.locator("#workshop-agenda")
        expect(agenda).to_contain_text("แหล่งอ้างอิง")
        drafted = agenda.inner_text()
        assert TOPIC in drafted
        # listed at once, in this session
        page.locator("#workshop-saved").get_by_text(labels.text("saved.title", "th")).first.click()
        page.locator("#workshop-saved-list input").click()
        expect(page.get_by_role("option", name=TOPIC, exact=False)).to_have_count(1)
        page.keyboard.press("Escape")
    finally:
        first.stop()

    second = start_app(data_dir, model_dir, tmp_path / "second.log")  # a restart over the same data
    try:
        page = new_context().new_page()  # a fresh browser session too
        _open_saved(page, ui, second.url)
        agenda = page.locator("#workshop-agenda")
        assert TOPIC not in agenda.inner_text()
        page.locator("#workshop-saved-list input").click()
        page.get_by_role("option", name=TOPIC, exact=False).click()
        page.locator("#workshop-saved-open").click()
        expect(page.locator("#workshop-saved-message")).to_contain_text(TOPIC, timeout=30_000)
        expect(agenda).to_contain_text(TOPIC)
        assert agenda.inner_text() == drafted  # the same Markdown as when it was drafted
        ui.screenshot(page, "workshop-saved-reopened")
        link = page.locator("#workshop-files a[href*='.docx']").first
        link.wait_for(timeout=30_000)
        with page.expect_download() as info:
            link.click()
        doc = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
        assert any(TOPIC in p.text for p in doc.paragraphs)

        # deleting it empties the list
        page.locator("#workshop-saved-delete").click()
        deleted = labels.text("saved.deleted", "th", title=TOPIC).split(TOPIC)[0].strip()
        message = page.locator("#workshop-saved-message")
        expect(message).to_contain_text(deleted)
        expect(message).to_contain_text(TOPIC)
        page.locator("#workshop-saved-list input").click()
        expect(page.get_by_role("option", name=TOPIC, exact=False)).to_have_count(0)
        page.keyboard.press("Escape")
        # the empty list says so, in the language chosen now
        panel = page.locator("#workshop-saved")
        expect(panel).to_contain_text(labels.text("saved.none", "th"))
        ui.set_language(page, "en")
        expect(panel).to_contain_text(labels.text("saved.none", "en"))
        expect(panel).not_to_contain_text(labels.text("saved.none", "th"))
    except Exception:
        print(second.log())
        raise
    finally:
        second.stop()
