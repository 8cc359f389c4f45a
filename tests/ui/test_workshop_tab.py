"""The Workshop tab: rendering helpers (no browser), then a trainer and a participant in two browsers.

The browser test: the trainer creates a session by uploading a small Markdown pack, a second,
independent browser context joins with the code (after a wrong code is refused) and asks, the
trainer refreshes the dashboard and sees the question, closes the session, and the participant's
next question gets the "closed" message.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.access.workspaces import SYSTEM
from assistant.records import Citation
from assistant.sessions import (
    LoggedQuestion,
    QuestionGroup,
    SessionClosedError,
    SessionError,
    SessionNotFoundError,
    TrainerKeyError,
)
from assistant.ui.i18n import LANGUAGES, get_labels
from assistant.ui.workshop_view import citations_markdown, groups_markdown, session_error

from .conftest import UI

if TYPE_CHECKING:
    from playwright.sync_api import Page

PACK = """---
title: คู่มือผู้เข้าร่วมเวิร์กชอปแฟ้มสะสมผลงาน
type: guide
language: th
---
# แฟ้มสะสมผลงานของผู้เรียน

แฟ้มสะสมผลงานของผู้เรียนในเวิร์กชอปนี้มีสี่ส่วน ได้แก่ เป้าหมายการเรียนรู้ ผลงานที่คัดเลือก การสะท้อนคิด และการประเมินตนเอง
ผู้เรียนต้องเขียนบันทึกการใช้ AI ทุกครั้งที่ใช้ AI ช่วยทำงาน โดยระบุว่าใช้เครื่องมือใดและส่วนใดที่ทำเอง
"""
QUESTION = "แฟ้มสะสมผลงานในเวิร์กชอปนี้มีกี่ส่วน"


# ---------------------------------------------------------------- no browser needed


def test_workshop_labels_have_both_languages_and_the_same_placeholders() -> None:
    labels = get_labels()
    keys = labels.keys("workshop.")
    assert len(keys) > 40
    fmt = string.Formatter()
    for key in keys:
        names = [{f for _, f, _, _ in fmt.parse(labels.table[key][code]) if f} for code in LANGUAGES]
        assert names[0] == names[1], key


def test_session_errors_get_their_own_message_in_each_language() -> None:
    labels = get_labels()
    for lang in LANGUAGES:
        assert labels.text("workshop.err_not_found", lang) in session_error(lang, SessionNotFoundError("X"))
        assert labels.text("workshop.err_closed", lang) in session_error(lang, SessionClosedError("X"))
        assert labels.text("workshop.err_key", lang) in session_error(lang, TrainerKeyError())
        assert "the session needs a name" in session_error(lang, SessionError("the session needs a name"))


def test_dashboard_and_sources_render_escaped_markdown() -> None:
    q = LoggedQuestion(1, "<b>แฟ้ม</b> มีกี่ส่วน", "สี่ส่วน [1]", [], True, "th", "none", 0.0)
    missing = LoggedQuestion(2, "ราคาทอง", "ไม่พบ", [], False, "th", "none", 0.0)
    text = groups_markdown("th", [QuestionGroup("แฟ้ม · ส่วน", [q]), QuestionGroup("ราคา", [missing])])
    assert "&lt;b&gt;แฟ้ม&lt;/b&gt;" in text and "(2 ข้อ" in text
    assert get_labels().text("workshop.not_found_mark", "th") in text
    assert groups_markdown("en", []) == get_labels().text("workshop.no_questions", "en")
    c = Citation(1, "pack.md", 2, "แฟ้ม " * 100, "chunk-1")
    sources = citations_markdown("en", [c])
    assert "[1] pack.md, page 2" in sources and sources.endswith("…”")


# ---------------------------------------------------------------- in the browser


def _field(page: Page, elem_id: str):
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def _open(page: Page, ui: UI, sub: str) -> None:
    ui.open_tab(page, "workshop")
    page.locator(f"#tab-workshop-{sub}-button").click()
    page.locator(f"#tab-workshop-{sub}").wait_for(state="visible")


@pytest.mark.slow
def test_trainer_creates_a_session_a_participant_joins_and_asks(
    page: Page, new_context, app_url: str, ui: UI, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    labels = get_labels()
    pack = tmp_path / "คู่มือ เวิร์กชอป.md"
    pack.write_text(PACK, encoding="utf-8")

    # the trainer creates the session from an uploaded pack
    _open(page, ui, "trainer")
    _field(page, "session-name").fill("เวิร์กชอปแฟ้มสะสมผลงาน")
    _field(page, "session-trainer").fill("อ.สมชาย")
    page.locator("#session-pack input[type=file]").set_input_files(str(pack))
    expect(page.locator("#session-pack")).to_contain_text("คู่มือ")
    page.locator("#session-create").click()
    created = page.locator("#session-created")
    # the success message (while indexing, the progress bar inside it already names the file)
    expect(created).to_contain_text("รหัสเข้าร่วมสำหรับผู้เข้าร่วม", timeout=ui.answer_timeout)
    expect(created).to_contain_text("คู่มือ_เวิร์กชอป.md")
    code_box = _field(page, "dashboard-code")
    expect(code_box).to_have_value(re.compile(r"^[A-Z2-9]{6}$"))
    code = code_box.input_value()
    assert code in created.inner_text()
    ui.screenshot(page, "workshop-trainer-created")

    # a second, independent browser joins: a wrong code first, then the right one
    other = new_context().new_page()
    ui.open(other, app_url)
    _open(other, ui, "participant")
    _field(other, "join-code").fill("ZZZZZZ")
    other.locator("#join-button").click()
    expect(other.locator("#join-message")).to_contain_text(labels.text("workshop.err_not_found", "th"))
    _field(other, "join-code").fill(code.lower())
    other.locator("#join-button").click()
    expect(other.locator("#join-message")).to_contain_text("เวิร์กชอปแฟ้มสะสมผลงาน")
    _field(other, "participant-question").fill(QUESTION)
    other.locator("#participant-ask").click()
    answer = other.locator("#participant-answer")
    expect(answer).to_contain_text(re.compile(r"\[\d+\]"), timeout=ui.answer_timeout)
    expect(answer).to_contain_text("สี่ส่วน")
    expect(other.locator("#participant-sources")).to_contain_text("คู่มือ_เวิร์กชอป.md")
    ui.screenshot(other, "workshop-participant")

    # the trainer refreshes and sees the question
    page.locator("#dashboard-refresh").click()
    expect(page.locator("#dashboard-questions")).to_contain_text(QUESTION, timeout=ui.answer_timeout)
    expect(page.locator("#dashboard-message")).to_contain_text(code)
    ui.screenshot(page, "workshop-dashboard")

    # the participant cannot use the dashboard without the trainer key
    _open(other, ui, "trainer")
    _field(other, "dashboard-code").fill(code)
    other.locator("#dashboard-close").click()
    expect(other.locator("#dashboard-message")).to_contain_text(labels.text("workshop.err_key", "th"))

    # the trainer closes the session; the participant's next question is refused
    page.locator("#dashboard-close").click()
    closed = labels.text("workshop.closed", "th", code=code)
    expect(page.locator("#dashboard-message")).to_contain_text(closed)
    _open(other, ui, "participant")
    other.locator("#participant-ask").click()
    expect(other.locator("#participant-answer")).to_contain_text(labels.text("workshop.err_closed", "th"))


# ---------------------------------------------------------------- limits (a real app, gradio_client)


@pytest.mark.slow
def test_workshop_questions_spend_the_same_budget_as_the_ask_tab(
    tmp_path: Path, model_dir: Path, embedder
) -> None:
    """A client at its limit got 25 more answers through a workshop session; now every path counts.

    Without accounts the budget is the client address's (here 127.0.0.1), shared by the Ask tab
    and any workshop session it joins; a second participant from the same address gets no more.
    """
    from gradio_client import Client

    from assistant.sessions import Sessions
    from assistant.settings import Settings
    from ingest.store import Store
    from tests.ui.conftest import start_app

    data = tmp_path / "data"
    pack = tmp_path / "pack.md"
    pack.write_text(PACK, encoding="utf-8")
    store = Store.open(data, embedder)
    session = Sessions(Settings(data_dir=data, model_dir=model_dir), store=store, llm=False).create_session(
        "เวิร์กชอปแฟ้มสะสมผลงาน", files=[pack], principal=SYSTEM
    )
    app = start_app(data, model_dir, tmp_path / "app.log", EDUNET_ASK_RATE_PER_MINUTE="3")
    try:
        limited = get_labels().text("session.rate_limited", "en", seconds="")[:20]

        def participant(name: str):  # the join handle is kept in the client's session state
            client = Client(app.url, verbose=False, download_files=False)
            client.predict("en", session.code, name, api_name="/do_join")
            return client

        client = participant("Somchai")
        answers = [client.predict("en", QUESTION, api_name="/do_ask")[0] for _ in range(2)]
        assert all(limited not in a and "[1]" in a for a in answers), answers
        notice = client.predict("What is a portfolio?", "en", "default", api_name="/ask")[3]
        assert limited not in str(notice)  # the third question of the minute, through the Ask tab
        refused, _ = client.predict("en", QUESTION, api_name="/do_ask")
        assert limited in refused and "seconds" in refused
        refused, _ = participant("Malee").predict("en", QUESTION, api_name="/do_ask")
        assert limited in refused  # a new participant from the same address: the same budget
    finally:
        app.stop()
        store.manifest.close()
