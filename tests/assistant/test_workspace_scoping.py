"""The tool libraries enforce workspace membership themselves when given a principal (issue #8).

With accounts on, alice (a member of ``net-a``) is refused by every entry point that opens
per-workspace data of ``net-b`` (the partner registry, saved assessments, MOU analysis,
a workshop session's library copy, a draft's retrieval, the Library tab's re-index), before
anything is read or created there; she is allowed in ``net-a``. ``SYSTEM`` is the local
operator (the CLI), and anonymous callers are allowed only with accounts off.

The index uses a small deterministic hashing embedder (no model download, fast): these
tests are about who may open what, not about ranking.
"""

from __future__ import annotations

import hashlib
import math
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from assistant.access.accounts import add_user
from assistant.access.workspaces import (
    SYSTEM,
    Principal,
    WorkspaceAccessError,
    add_member,
    checked_ingest,
    create_workspace,
    principal_for,
)
from assistant.assess import AssessmentStore
from assistant.drafting.engine import draft_context
from assistant.mou.analysis import analyze_document
from assistant.partners.registry import Registry
from assistant.plan import chosen_partners, workspace_partners
from assistant.retrieval.hybrid import HybridRetriever
from assistant.sessions import Sessions
from assistant.settings import Settings
from ingest.store import Store

ROOT = Path(__file__).resolve().parents[2]
MOU = ROOT / "corpus" / "mou" / "MOU-2025-002.en.md"
PASSWORD = "long enough password"
DIMENSIONS = 64


class HashEmbedder:
    """Bag-of-words vectors from hashed tokens: deterministic, instant, no model files."""

    model_dir = ""

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * DIMENSIONS
        for token in re.findall(r"\w+", text.lower()):
            vector[int(hashlib.sha1(token.encode()).hexdigest(), 16) % DIMENSIONS] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[list[float]]:
        vectors = [self._vector(t) for t in texts]
        if progress is not None:
            progress(len(vectors))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class World:
    """One installation with accounts on: alice in net-a, bob in net-b, the same MOU indexed in both."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.settings = Settings(data_dir=root / "data", auth=True)
        self.open_mode = Settings(data_dir=root / "data")  # the same data, accounts off
        for name, role in (("alice", "teacher"), ("bob", "leader")):
            add_user(name, PASSWORD, role, settings=self.settings)
        create_workspace("net-a", settings=self.settings)
        create_workspace("net-b", settings=self.settings)
        add_member("alice", "net-a", settings=self.settings)
        add_member("bob", "net-b", settings=self.settings)
        self.alice = principal_for(self.settings, "alice")
        self.bob = principal_for(self.settings, "bob")
        self.embedder = HashEmbedder()
        self.store = Store.open(self.settings.data_dir, self.embedder)
        for who, ws in ((self.alice, "net-a"), (self.bob, "net-b")):
            folder = root / ws
            folder.mkdir()
            shutil.copy(MOU, folder / MOU.name)
            report = checked_ingest(who, ws, [folder / MOU.name], settings=self.settings, store=self.store)
            assert report.ok, report

    def workspace_dir(self, ws: str) -> Path:
        return self.settings.data_dir / "workspaces" / ws


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = World(tmp_path_factory.mktemp("scoping"))
    yield w
    w.store.manifest.close()


def test_the_partner_registry_opens_only_for_members(world: World) -> None:
    s = world.settings
    for caller in (world.alice, Principal.anonymous()):
        with pytest.raises(WorkspaceAccessError):
            Registry.for_workspace(s, "net-b", principal=caller)
    assert not (world.workspace_dir("net-b") / "partners.sqlite").exists()  # refused before creating it

    mine = Registry.for_workspace(s, "net-a", principal=world.alice)
    assert mine.path == world.workspace_dir("net-a") / "partners.sqlite"
    assert mine.seed_if_empty(ROOT / "corpus") is not None and mine.get("P026") is not None
    assert mine.add_to_plan(["P026"]) == ["P026"]
    # bob's registry is another file: alice's partners and plan are not in it
    theirs = Registry.for_workspace(s, "net-b", principal=world.bob)
    assert theirs.count() == 0 and theirs.plan_members() == []
    # the local operator (CLI) and the anonymous user of single-user mode may open any workspace
    assert Registry.for_workspace(s, "net-a", principal=SYSTEM).plan_members() == ["P026"]
    anonymous = principal_for(world.open_mode, None)
    assert Registry.for_workspace(world.open_mode, "net-a", principal=anonymous).plan_members() == ["P026"]
    # the plan builder reads the partners chosen for a plan through the same rule
    assert chosen_partners(s, "net-a", principal=world.alice) == ["P026"]
    with pytest.raises(WorkspaceAccessError):
        chosen_partners(s, "net-a", principal=world.bob)
    with pytest.raises(WorkspaceAccessError):
        workspace_partners(s, "net-a", principal=world.bob)
    assert "P026" in workspace_partners(s, "net-a", principal=world.alice).partners


def test_saved_assessments_open_only_for_members(world: World) -> None:
    s = world.settings
    with pytest.raises(WorkspaceAccessError, match="'alice' is not a member of workspace 'net-b'"):
        AssessmentStore.for_workspace(s, "net-b", principal=world.alice)
    assert not (world.workspace_dir("net-b") / "assessments.sqlite").exists()
    store = AssessmentStore.for_workspace(s, "net-a", principal=world.alice)
    assert store.path == world.workspace_dir("net-a") / "assessments.sqlite" and store.list() == []
    assert AssessmentStore.for_workspace(s, "net-b", principal=SYSTEM).path.is_file()  # the CLI: no check
    anonymous = principal_for(world.open_mode, None)
    assert AssessmentStore.for_workspace(world.open_mode, "net-b", principal=anonymous).list() == []


def test_mou_analysis_reads_only_a_members_workspace(world: World) -> None:
    s = world.settings
    with pytest.raises(WorkspaceAccessError):
        analyze_document(s, "net-b", MOU.name, principal=world.alice)
    record = analyze_document(s, "net-a", MOU.name, principal=world.alice)
    parties = " ".join(record.parties.value) if record.parties else ""
    assert record.source == MOU.name and "Ban Sap Makrut School" in parties
    assert analyze_document(s, "net-b", MOU.name, principal=world.bob).source == MOU.name
    anonymous = principal_for(world.open_mode, None)
    assert analyze_document(world.open_mode, "net-b", MOU.name, principal=anonymous).parties is not None
    assert analyze_document(s, "net-b", MOU.name, principal=SYSTEM).parties is not None  # the CLI


def test_a_session_copies_library_documents_only_from_a_members_workspace(world: World) -> None:
    sessions = Sessions(world.settings, store=world.store, embedder=world.embedder, llm=False)
    before = {x.code for x in sessions.list_sessions()}
    with pytest.raises(WorkspaceAccessError):
        sessions.create_session(
            "Intruder", "alice", from_workspace="net-b", documents=[MOU.name], principal=world.alice
        )
    assert {x.code for x in sessions.list_sessions()} == before  # nothing reserved, nothing copied

    session = sessions.create_session(
        "Partners day", "alice", from_workspace="net-a", documents=[MOU.name], principal=world.alice
    )
    assert session.is_open and session.documents == [MOU.name]
    assert {d.source for d in world.store.documents(session.workspace)} == {MOU.name}
    # a pack of uploaded files reads no library workspace: no membership needed to copy it
    pack = world.root / "pack.md"
    pack.write_text("# Pack\n\nThe workshop pack explains partner visits.\n", encoding="utf-8")
    assert sessions.create_session("Own pack", "alice", [pack], principal=world.alice).is_open


def test_a_draft_retrieves_only_from_a_members_workspace(world: World) -> None:
    s = world.settings
    with pytest.raises(WorkspaceAccessError):
        draft_context(s, "net-b", "en", llm=False, principal=world.alice)
    # a retriever built elsewhere does not get around the check
    theirs = HybridRetriever(store=world.store, workspace="net-b", k=5)
    with pytest.raises(WorkspaceAccessError):
        draft_context(s, "net-b", "en", llm=False, retriever=theirs, principal=world.alice)

    mine = HybridRetriever(store=world.store, workspace="net-a", k=5)
    ctx = draft_context(s, "net-a", "en", llm=False, retriever=mine, principal=world.alice)
    assert ctx.sources.retriever is mine
    cited = [c.source for c in ctx.sources.retriever.search("Ban Sap Makrut School internship")]
    assert cited and set(cited) == {MOU.name}
    anonymous = principal_for(world.open_mode, None)
    assert draft_context(world.open_mode, "net-b", "en", llm=False, retriever=theirs, principal=anonymous)


def test_draft_context_builds_a_scoped_retriever_for_a_principal(world: World, model_dir: Path) -> None:
    # the app's own store (the model folder must exist; the model is not loaded here)
    s = Settings(data_dir=world.settings.data_dir, model_dir=model_dir, auth=True)
    with pytest.raises(WorkspaceAccessError):
        draft_context(s, "net-b", "th", llm=False, principal=world.alice)
    ctx = draft_context(s, "net-a", "th", llm=False, principal=world.alice)
    assert isinstance(ctx.sources.retriever, HybridRetriever)
    assert ctx.sources.retriever.workspace == "net-a"


def test_the_library_reindex_refuses_another_workspace(world: World) -> None:
    from assistant.ui.library_tab import reindex, uploads_dir

    with pytest.raises(WorkspaceAccessError):
        reindex(world.settings, workspace="net-b", principal=world.alice)
    assert uploads_dir(world.settings, "net-a") == world.settings.data_dir / "uploads" / "net-a"
    with pytest.raises(ValueError, match="invalid workspace name"):
        uploads_dir(world.settings, "../net-b")
