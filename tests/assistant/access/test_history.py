"""Persistent per-user history: save, update, list, load, delete, access checks, restarts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.access import history
from assistant.access.accounts import add_user
from assistant.access.history import History, HistoryNotFound, Kind
from assistant.access.workspaces import (
    Principal,
    WorkspaceAccessError,
    add_member,
    create_workspace,
    principal_for,
)
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "long enough password"


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    s = Settings(data_dir=tmp_path / "data", auth=True)
    for name, role in (("boss", "admin"), ("alice", "teacher"), ("bob", "leader")):
        add_user(name, PASSWORD, role, settings=s)
    create_workspace("net-a", "เครือข่าย A", settings=s)
    create_workspace("net-b", settings=s)
    add_member("alice", "net-a", settings=s)
    add_member("bob", "net-b", settings=s)
    return s


def test_save_update_list_load_delete(settings: Settings) -> None:
    alice = principal_for(settings, "alice")
    chat = history.save(
        alice,
        "conversation",
        "องค์ประกอบของเครือข่าย",
        {"turns": [{"q": "ก"}]},
        workspace="net-a",
        settings=settings,
    )
    plan = history.save(
        alice, Kind.PLAN, "แผนพัฒนา", {"goals": ["อ่านออก"]}, workspace="net-a", settings=settings
    )
    note = history.save(alice, Kind.SESSION, "no workspace", {"x": 1}, settings=settings)
    assert chat.user == "alice" and chat.kind == Kind.CONVERSATION and chat.created == chat.updated
    assert [i.id for i in history.list_items(alice, settings=settings)] == [note.id, plan.id, chat.id]
    assert [i.id for i in history.list_items(alice, "net-a", Kind.PLAN, settings=settings)] == [plan.id]
    changed = history.update(alice, chat.id, payload={"turns": [{"q": "ก"}, {"q": "ข"}]}, settings=settings)
    assert changed.title == "องค์ประกอบของเครือข่าย" and changed.updated >= chat.updated
    assert history.load(alice, chat.id, settings=settings).payload == {"turns": [{"q": "ก"}, {"q": "ข"}]}
    assert history.list_items(alice, settings=settings)[0].id == chat.id  # most recently updated first
    history.delete(alice, chat.id, settings=settings)
    with pytest.raises(HistoryNotFound):
        history.load(alice, chat.id, settings=settings)
    with pytest.raises(ValueError, match="unknown history kind"):
        history.save(alice, "diary", "x", {}, settings=settings)


def test_items_are_private_to_their_owner_and_workspace(settings: Settings) -> None:
    alice, bob, boss = (principal_for(settings, n) for n in ("alice", "bob", "boss"))
    item = history.save(alice, "mou", "MOU draft", {"text": "ลับ"}, workspace="net-a", settings=settings)
    for other in (bob, boss):
        with pytest.raises(HistoryNotFound):
            history.load(other, item.id, settings=settings)
        with pytest.raises(HistoryNotFound):
            history.update(other, item.id, title="mine now", settings=settings)
        with pytest.raises(HistoryNotFound):
            history.delete(other, item.id, settings=settings)
        assert history.list_items(other, settings=settings) == []
    with pytest.raises(WorkspaceAccessError):
        history.save(alice, "plan", "x", {}, workspace="net-b", settings=settings)
    with pytest.raises(WorkspaceAccessError):
        history.list_items(alice, "net-b", settings=settings)
    with pytest.raises(WorkspaceAccessError):
        history.save(Principal.anonymous(), "plan", "x", {}, settings=settings)  # accounts on: log in


def test_leaving_a_workspace_hides_its_items(settings: Settings) -> None:
    from assistant.access.workspaces import remove_member

    alice = principal_for(settings, "alice")
    item = history.save(alice, "workshop", "Workshop", {"n": 1}, workspace="net-a", settings=settings)
    remove_member("alice", "net-a", settings=settings)
    assert history.list_items(alice, settings=settings) == []
    with pytest.raises(WorkspaceAccessError):
        history.load(alice, item.id, settings=settings)


def test_anonymous_mode_keeps_history_too(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "data")
    me = principal_for(s, None)
    item = history.save(me, "conversation", "q", {"turns": []}, workspace="default", settings=s)
    assert me.name == "anonymous" and history.load(me, item.id, settings=s).user == "anonymous"


def test_history_survives_a_restart(settings: Settings) -> None:
    """Written by this process, read back by a fresh one from the same data directory."""
    alice = principal_for(settings, "alice")
    item = history.save(
        alice,
        "assessment",
        "แบบประเมินตนเอง",
        {"score": 3.5, "th": "ดีมาก"},
        workspace="net-a",
        settings=settings,
    )
    code = (
        "import json, sys\n"
        "from assistant.settings import Settings\n"
        "from assistant.access.history import list_items, load\n"
        "from assistant.access.workspaces import principal_for\n"
        "s = Settings(data_dir=sys.argv[1], auth=True)\n"
        "me = principal_for(s, 'alice')\n"
        "print(json.dumps({'ids': [i.id for i in list_items(me, settings=s)],"
        " 'payload': load(me, sys.argv[2], settings=s).payload}, ensure_ascii=False))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(settings.data_dir), item.id],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    data = json.loads(out.stdout)
    assert data == {"ids": [item.id], "payload": {"score": 3.5, "th": "ดีมาก"}}
    reopened = History.for_settings(settings)  # and a new handle in this process
    assert reopened.load(alice, item.id).title == "แบบประเมินตนเอง"


def test_removing_a_user_removes_their_history(settings: Settings) -> None:
    from assistant.access.accounts import remove_user

    alice = principal_for(settings, "alice")
    item = history.save(alice, "plan", "p", {}, workspace="net-a", settings=settings)
    remove_user("alice", settings=settings)
    add_user("alice", PASSWORD, "teacher", settings=settings)  # a new account with the old name
    add_member("alice", "net-a", settings=settings)
    with pytest.raises(HistoryNotFound):
        history.load(principal_for(settings, "alice"), item.id, settings=settings)
