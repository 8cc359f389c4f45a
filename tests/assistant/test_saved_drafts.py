"""Saved drafts: record a draft, list it, reopen it unchanged (Markdown, DOCX), per user, after restarts."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from assistant.access import history
from assistant.access.accounts import add_user
from assistant.access.history import History, HistoryNotFound, Kind
from assistant.access.workspaces import (
    Principal,
    WorkspaceAccessError,
    Workspaces,
    add_member,
    create_workspace,
    principal_for,
)
from assistant.drafting.engine import Block, Draft, DraftContext, Section, Sources, Writer
from assistant.drafting.export import to_markdown
from assistant.records import Citation
from assistant.settings import Settings
from assistant.storage import app_db
from assistant.ui.saved_drafts import item_choices, item_label, record_draft, reopen_draft
from assistant.workshop import draft_workshop, parse_workshop

PASSWORD = "long enough password"
THAI = "เครือข่ายโรงเรียนขนาดเล็กอำเภอโป่งน้ำร้อน พัฒนาทักษะอาชีพด้านการท่องเที่ยวร่วมกับภาคีในชุมชน"


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Accounts on; alice and bob are both members of net-a, only bob of net-b."""
    s = Settings(data_dir=tmp_path / "data", auth=True)
    for name, role in (("alice", "teacher"), ("bob", "leader")):
        add_user(name, PASSWORD, role, settings=s)
    create_workspace("net-a", "เครือข่าย A", settings=s)
    create_workspace("net-b", settings=s)
    add_member("alice", "net-a", settings=s)
    add_member("bob", "net-a", settings=s)
    add_member("bob", "net-b", settings=s)
    return s


def cited_draft() -> Draft:
    """A plan-like draft using every block kind, a citation, fields and notes."""
    cite = Citation(
        n=1,
        source="framework/components.th.md",
        page=2,
        text="องค์ประกอบที่ 1 วิสัยทัศน์และเป้าหมายร่วม " * 12,
        chunk_id="c1",
        title="องค์ประกอบของเครือข่าย",
        section="วิสัยทัศน์",
        score=0.71,
    )
    sections = [
        Section(
            "vision",
            "วิสัยทัศน์และเป้าหมายร่วมกัน",
            [
                Block.paragraph(THAI + " [1]"),
                Block.paragraph("ย่อหน้าที่โมเดลเขียน [1]", generated=True),
                Block.bullets(["ประชุมเดือนละครั้ง", "แบ่งปันครูคอมพิวเตอร์"]),
                Block.table(["เดือน", "กิจกรรม"], [["1", "ประชุม | วางแผน"], ["2", "อบรมครู"]]),
                Block.note("หมายเหตุ: ร่างนี้ต้องให้ภาคีทบทวน"),
            ],
        )
    ]
    return Draft(
        kind="plan",
        title="แผนพัฒนาเครือข่ายโป่งน้ำร้อน",
        language="th",
        sections=sections,
        citations=[cite],
        backend="none",
        subtitle="ร่างสำหรับการประชุมภาคี",
        fields={"ระยะเวลา": "6 เดือน", "หน่วยงานแกนนำ": "P016"},
        data={"members": ["P001", "P002"], "months": 6},
        notes=["llm:none"],
        created="2025-06-01",
    )


def workshop_draft() -> Draft:
    """A real workshop agenda from the builder (no index, no model: the deterministic skeleton)."""
    form = parse_workshop(
        {
            "topic": "การใช้ AI ช่วยครูทำแฟ้มสะสมผลงานของผู้เรียน",
            "audience": "ครูโรงเรียนขนาดเล็ก",
            "duration_hours": 3,
            "goals": ["ออกแบบโครงสร้างแฟ้มสะสมผลงาน", "ใช้ AI อย่างรับผิดชอบ"],
            "language": "th",
            "start_time": "08:30",
        }
    )
    return draft_workshop(form, DraftContext("th", Sources(None), Writer(None, "none", "th")))


def docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(io.BytesIO(path.read_bytes()))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.parametrize("make", [cited_draft, workshop_draft], ids=["cited-plan", "workshop"])
def test_recorded_draft_reopens_with_identical_markdown_and_a_docx_that_opens(
    settings: Settings, make
) -> None:
    alice = principal_for(settings, "alice")
    draft = make()
    kind = Kind.PLAN if draft.kind == "plan" else Kind.WORKSHOP
    item_id = record_draft(settings, alice, "net-a", kind, draft)

    listed = history.list_items(alice, "net-a", kind, settings=settings)
    assert [i.id for i in listed] == [item_id] and listed[0].title == draft.title
    assert item_choices(settings, alice, "net-a", kind) == [(item_label(listed[0]), item_id)]
    assert item_label(listed[0]).startswith(draft.title + " · ")
    assert item_choices(settings, alice, "net-a", Kind.MOU) == []  # only the panel's own kind
    assert item_choices(settings, alice, None, kind) == []  # no workspace chosen yet: nothing

    reopened = reopen_draft(history.load(alice, item_id, settings=settings))
    assert reopened.draft == draft
    assert reopened.markdown == to_markdown(draft)
    docx, md = (Path(f) for f in reopened.files)
    assert docx.suffix == ".docx" and md.suffix == ".md"
    assert md.read_text(encoding="utf-8") == to_markdown(draft)
    body = docx_text(docx)
    assert draft.title in body
    for section in draft.sections:
        assert section.title in body
    if draft.citations:
        assert "framework/components.th.md" in body and "ประชุม | วางแผน" in body
    else:  # the agenda's timetable is a table in the DOCX
        agenda_table = next(b for s in draft.sections for b in s.blocks if b.header)
        assert agenda_table.rows[0][2] in body


def test_items_are_listed_newest_first_with_their_date(settings: Settings) -> None:
    clock = iter([1_700_000_000.0, 1_700_000_600.0])
    store = History(app_db(settings), Workspaces.for_settings(settings), clock=lambda: next(clock))
    alice = principal_for(settings, "alice")
    first = store.save(alice, Kind.PLAN, "แผนแรก", cited_draft().to_json(), "net-a")
    second = store.save(alice, Kind.PLAN, "แผนที่สอง", cited_draft().to_json(), "net-a")
    choices = item_choices(settings, alice, "net-a", Kind.PLAN)
    assert [v for _, v in choices] == [second.id, first.id]
    local = time.localtime(1_700_000_600.0)
    clock_time = time.strftime("%H:%M", local)
    # issue #17: dates follow the UI's language, the Buddhist era and Thai month names in Thai
    thai_day = f"{local.tm_mday} พฤศจิกายน {local.tm_year + 543}"
    assert choices[0][0] == f"แผนที่สอง · {thai_day} {clock_time}"
    english = item_choices(settings, alice, "net-a", Kind.PLAN, "en")
    assert english[0][0] == f"แผนที่สอง · {local.tm_mday} November {local.tm_year} {clock_time}"


def test_another_user_cannot_list_open_or_delete_the_draft(settings: Settings) -> None:
    alice, bob = principal_for(settings, "alice"), principal_for(settings, "bob")
    item_id = record_draft(settings, alice, "net-a", Kind.MOU, cited_draft())
    # bob is a member of the same workspace, yet the item stays alice's
    assert item_choices(settings, bob, "net-a", Kind.MOU) == []
    with pytest.raises(HistoryNotFound):
        history.load(bob, item_id, settings=settings)
    with pytest.raises(HistoryNotFound):
        history.delete(bob, item_id, settings=settings)
    assert item_choices(settings, alice, "net-a", Kind.MOU)[0][1] == item_id
    # and nobody records into a workspace they may not use, nor without logging in
    with pytest.raises(WorkspaceAccessError):
        record_draft(settings, alice, "net-b", Kind.MOU, cited_draft())
    with pytest.raises(WorkspaceAccessError):
        record_draft(settings, Principal.anonymous(), "net-a", Kind.MOU, cited_draft())


def test_saved_drafts_survive_reopening_the_database(settings: Settings) -> None:
    alice = principal_for(settings, "alice")
    draft = cited_draft()
    item_id = record_draft(settings, alice, "net-a", Kind.PORTFOLIO, draft, title="คู่มือแฟ้ม ป.5")
    history._ready.clear()  # as in a new process: the schema is checked again
    fresh = History(app_db(settings), Workspaces.for_settings(settings))
    found = fresh.list(principal_for(settings, "alice"), "net-a", Kind.PORTFOLIO)
    assert [(i.id, i.title) for i in found] == [(item_id, "คู่มือแฟ้ม ป.5")]
    reopened = reopen_draft(fresh.load(alice, item_id))
    assert reopened.markdown == to_markdown(draft) and reopened.draft == draft
    fresh.delete(alice, item_id)
    assert item_choices(settings, alice, "net-a", Kind.PORTFOLIO) == []
