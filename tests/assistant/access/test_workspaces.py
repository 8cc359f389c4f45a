"""Workspaces: registry, members, the access rule, and isolation enforced in the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.access.accounts import AccountError, add_user
from assistant.access.workspaces import (
    Principal,
    WorkspaceAccessError,
    WorkspaceError,
    add_member,
    checked_ingest,
    create_workspace,
    principal_for,
    remove_member,
    require_access,
    scoped_retriever,
    workspaces_for,
)
from assistant.settings import Settings
from tests.fixtures.planted import planted_words, write_planted, write_public

PASSWORD = "long enough password"


def _people(s: Settings) -> None:
    for name, role in (("boss", "admin"), ("alice", "teacher"), ("bob", "leader")):
        add_user(name, PASSWORD, role, settings=s)
    create_workspace("net-a", "เครือข่าย A", settings=s)
    create_workspace("net-b", "เครือข่าย B", settings=s)
    add_member("alice", "net-a", settings=s)
    add_member("bob", "net-b", settings=s)


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    s = Settings(data_dir=tmp_path / "data", auth=True)
    _people(s)
    return s


def test_members_see_only_their_workspaces(settings: Settings) -> None:
    alice, bob, boss = (principal_for(settings, n) for n in ("alice", "bob", "boss"))
    assert [w.name for w in workspaces_for(alice, settings=settings)] == ["net-a"]
    assert [w.name for w in workspaces_for(bob, settings=settings)] == ["net-b"]
    assert [w.name for w in workspaces_for(boss, settings=settings)] == ["default", "net-a", "net-b"]
    require_access(alice, "net-a", settings=settings)
    require_access(boss, "net-b", settings=settings)
    with pytest.raises(WorkspaceAccessError, match="'alice' is not a member of workspace 'net-b'") as refused:
        require_access(alice, "net-b", settings=settings)
    assert isinstance(refused.value, PermissionError) and refused.value.workspace == "net-b"
    with pytest.raises(WorkspaceAccessError, match="invalid workspace name"):
        require_access(boss, "../net-b", settings=settings)


def test_anonymous_is_everyone_only_without_accounts(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(WorkspaceAccessError, match="log in"):
        require_access(Principal.anonymous(), "net-a", settings=settings)
    assert workspaces_for(Principal.anonymous(), settings=settings) == []
    with pytest.raises(WorkspaceAccessError, match="log in"):
        principal_for(settings, None)
    with pytest.raises(WorkspaceAccessError, match="unknown user"):
        principal_for(settings, "mallory")
    open_mode = Settings(data_dir=settings.data_dir)  # same installation, accounts off
    me = principal_for(open_mode, "alice")  # no login in single-user mode: the name is ignored
    assert me.is_anonymous
    require_access(me, "net-b", settings=open_mode)
    assert [w.name for w in workspaces_for(me, settings=open_mode)] == ["default", "net-a", "net-b"]


def test_membership_changes_take_effect_at_once(settings: Settings) -> None:
    alice = principal_for(settings, "alice")
    add_member("alice", "net-b", "trainer", settings=settings)
    require_access(alice, "net-b", settings=settings)
    remove_member("alice", "net-b", settings=settings)
    with pytest.raises(WorkspaceAccessError):
        require_access(alice, "net-b", settings=settings)
    with pytest.raises(WorkspaceError, match="not a member"):
        remove_member("alice", "net-b", settings=settings)


def test_registry_errors_are_clear(settings: Settings) -> None:
    with pytest.raises(WorkspaceError, match="already exists"):
        create_workspace("net-a", settings=settings)
    with pytest.raises(WorkspaceError, match="invalid workspace name"):
        create_workspace("Net A", settings=settings)
    with pytest.raises(WorkspaceError, match="no workspace 'net-z'"):
        add_member("alice", "net-z", settings=settings)
    with pytest.raises(AccountError, match="no user 'mallory'"):
        add_member("mallory", "net-a", settings=settings)
    with pytest.raises(ValueError, match="unknown role"):
        add_member("alice", "net-a", "janitor", settings=settings)


@pytest.mark.slow
def test_a_user_of_workspace_a_never_sees_workspace_b(store, tmp_path: Path) -> None:
    """100 code words planted only in net-b: alice (net-a) probes for each and gets none of them."""
    s = Settings(data_dir=tmp_path / "data", auth=True)  # the store fixture's data directory
    _people(s)
    alice, bob, boss = (principal_for(s, n) for n in ("alice", "bob", "boss"))
    words = planted_words(100)
    report_b = checked_ingest(bob, "net-b", write_planted(tmp_path / "b", words), settings=s, store=store)
    report_a = checked_ingest(alice, "net-a", write_public(tmp_path / "a"), settings=s, store=store)
    assert report_b.ok and report_a.ok
    b_sources = {d.source for d in store.documents("net-b")}
    assert len(b_sources) == 10

    # uploads into another workspace are refused before any file is read
    intruder = tmp_path / "x" / "intrude.md"
    intruder.parent.mkdir()
    intruder.write_text("alice writes into B: zqintruderword", encoding="utf-8")
    with pytest.raises(WorkspaceAccessError):
        checked_ingest(alice, "net-b", [intruder], settings=s, store=store)
    assert {d.source for d in store.documents("net-b")} == b_sources

    # reading another workspace is refused before the index is touched
    with pytest.raises(WorkspaceAccessError):
        scoped_retriever(alice, "net-b", settings=s, store=store)

    retriever = scoped_retriever(alice, "net-a", settings=s, store=store, k=10)
    leaked = []
    for word in words:
        for query in (word, f"What is the secret project codeword {word}?"):
            for hit in retriever.search(query):
                if word in hit.text or hit.source in b_sources or "network B" in hit.text:
                    leaked.append((query, hit.source))
    assert leaked == []

    # control: the words are there, and found by the members of B and by an admin
    for who in (bob, boss):
        own = scoped_retriever(who, "net-b", settings=s, store=store, k=5)
        missed = [w for w in words if not any(w in h.text for h in own.search(w))]
        assert missed == []
