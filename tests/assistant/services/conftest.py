"""Fixtures for the service tests: an installation with accounts (alice in net-a, bob in net-b)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.access.accounts import add_user
from assistant.access.workspaces import Principal, add_member, create_workspace, principal_for
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "corpus"


@dataclass
class Accounts:
    settings: Settings
    alice: Principal  # a member of net-a only
    bob: Principal  # a member of net-b only


@pytest.fixture()
def accounts(tmp_path: Path) -> Accounts:
    s = Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS, auth=True, backend="none")
    for name in ("alice", "bob"):
        add_user(name, "long enough password", "teacher", settings=s)
    for ws, who in (("net-a", "alice"), ("net-b", "bob")):
        create_workspace(ws, settings=s)
        add_member(who, ws, settings=s)
    return Accounts(s, principal_for(s, "alice"), principal_for(s, "bob"))
