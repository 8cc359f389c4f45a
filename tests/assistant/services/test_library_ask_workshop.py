"""LibraryService, AskService and SessionService over one small real index, without a browser.

alice uploads a notice into net-a (Library), asks about it and keeps the conversation (Ask),
and runs a workshop session from it (Workshop); then the document is removed again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.access.history import HistoryNotFound
from assistant.access.workspaces import SYSTEM
from assistant.records import EventKind
from assistant.services.ask import AskService
from assistant.services.library import LibraryService
from assistant.services.workshop import NewSession, SessionService

from .conftest import Accounts

NOTICE = """---
title: Canteen notice
type: other
language: en
---
# Canteen notice

The school canteen opens at 7:30 every morning and serves free milk to pupils in Grades 1 to 3.
Lunch is served from 11:30 to 12:30 in the main hall.
"""


@pytest.fixture()
def uploaded(accounts: Accounts, store, tmp_path: Path) -> tuple[LibraryService, Path]:
    """The notice uploaded by alice into net-a (under a name a browser might send), and a rejected file."""
    browser = tmp_path / "browser"
    browser.mkdir()
    notice = browser / "Canteen notice 2567.MD"
    notice.write_text(NOTICE, encoding="utf-8")
    (browser / "run.exe").write_bytes(b"MZ")
    library = LibraryService(accounts.settings, store=store)
    done = library.upload(accounts.alice, "net-a", [notice, browser / "run.exe"])
    assert done.workspace == "net-a" and done.rejected == [("run.exe", "bad_type")]
    assert [r.ok for r in done.reports] == [True]
    return library, accounts.settings.data_dir / "uploads" / "net-a" / "Canteen_notice_2567.md"


def test_the_library_lists_removes_and_reindexes(uploaded, accounts: Accounts) -> None:
    library, stored = uploaded
    assert stored.is_file()
    found = library.documents(accounts.alice, "net-a")
    assert [d.source for d in found.documents] == [stored.name] and found.chunks >= 1
    assert library.documents(SYSTEM, "net-b").documents == []
    report = library.reindex(accounts.alice, "net-a")
    assert [r.outcome.value for r in report.results] != [] and report.workspace == "net-a"
    gone = library.remove(accounts.alice, "net-a", found.documents[0].path)
    assert gone.removed and gone.name == stored.name and not stored.exists()
    assert not library.remove(accounts.alice, "net-a", found.documents[0].path).removed


def test_ask_answers_from_the_workspace_and_keeps_the_conversation(
    uploaded, accounts: Accounts, store
) -> None:
    ask = AskService(accounts.settings, store=store)
    alice = accounts.alice
    events = list(ask.stream(alice, "net-a", "When does the school canteen open in the morning?"))
    final = next(e.answer for e in events if e.kind == EventKind.FINAL)
    assert "7:30" in final.text and final.citations
    assert ask.status is not None and ask.status.backend == "none"

    turns = [{"question": "When does the canteen open?", "answer": final.text, "done": True}]
    saved = ask.save_conversation(alice, "net-a", None, turns)
    again = ask.save_conversation(alice, "net-a", saved.id, [*turns, {**turns[0], "question": "And lunch?"}])
    assert again.id == saved.id
    assert [i.id for i in ask.conversations(alice, "net-a")] == [saved.id]
    assert ask.conversations(alice, None) == []
    opened = ask.open_conversation(alice, saved.id)
    assert opened.workspace == "net-a" and [t["question"] for t in opened.turns][-1] == "And lunch?"
    with pytest.raises(HistoryNotFound):
        ask.open_conversation(accounts.bob, saved.id)  # only the caller's own
    ask.forget_conversation(alice, saved.id)
    assert ask.conversations(alice, "net-a") == []


def test_a_workshop_session_from_a_pack_or_from_library_documents(
    uploaded, accounts: Accounts, store, tmp_path: Path
) -> None:
    from assistant.access.history import Kind, list_items

    service = SessionService(accounts.settings, llm=False, store=store)
    alice = accounts.alice
    library_docs = service.library_documents(alice, "net-a")
    assert library_docs == ["Canteen_notice_2567.md"]
    created = service.create(alice, "net-a", NewSession.from_form("วันภาคี", "อ.สมชาย", None, library_docs))
    session = created.session
    assert session.is_open and session.documents == library_docs and session.trainer == "อ.สมชาย"
    assert created.history_id in {
        i.id for i in list_items(alice, "net-a", Kind.SESSION, settings=accounts.settings)
    }
    pack = tmp_path / "pack.md"
    pack.write_text("# Pack\n\nThe workshop pack explains partner visits.\n", encoding="utf-8")
    own = service.create(alice, "net-a", NewSession("Own pack", files=(pack,)), remember=False)
    assert own.session.is_open and own.history_id is None
    assert service.sessions().get(session.code).name == "วันภาคี"
