"""Persistent, per-user history: conversations, plans, MOUs, assessments, portfolios and workshops.

Usage:
    >>> from assistant.access.history import Kind, save, update, list_items, load
    >>> item = save(caller, Kind.CONVERSATION, "องค์ประกอบของเครือข่าย", {"turns": [...]},
    ...             workspace="default", settings=s)
    >>> update(caller, item.id, payload={"turns": [...]}, settings=s)
    >>> [i.title for i in list_items(caller, workspace="default", kind=Kind.CONVERSATION, settings=s)]
    >>> load(caller, item.id, settings=s).payload

Items live in the ``history`` table of the app database (SQLite, WAL), so they survive
restarts and are shared by several app processes. Only their owner reads them, and only
while the owner may still use the item's workspace (:mod:`assistant.access.workspaces`); the
anonymous user of single-user mode owns the items made without a login.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from assistant.access.workspaces import Principal, WorkspaceAccessError, Workspaces
from assistant.access.workspaces import ensure_schema as ensure_workspace_schema
from assistant.settings import Settings, get_settings
from assistant.storage import app_db, connect, open_db
from ingest.records import parse_choice

MAX_TITLE_CHARS = 200
MAX_PAYLOAD_BYTES = 5 * 2**20
"""A single item's JSON is refused past this size."""

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS history (
        id        TEXT PRIMARY KEY,
        user      TEXT NOT NULL,
        workspace TEXT,
        kind      TEXT NOT NULL,
        title     TEXT NOT NULL,
        created   REAL NOT NULL,
        updated   REAL NOT NULL,
        payload   TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS history_by_user ON history (user, updated DESC)",
)


class Kind(StrEnum):
    """What a history item holds."""

    CONVERSATION = "conversation"
    PLAN = "plan"
    MOU = "mou"
    ASSESSMENT = "assessment"
    PORTFOLIO = "portfolio"
    WORKSHOP = "workshop"
    SESSION = "session"

    @classmethod
    def parse(cls, value: str | Kind) -> Kind:
        """A kind from user input, or ValueError naming the allowed kinds."""
        return parse_choice(cls, value, "history kind")


class HistoryNotFound(LookupError):
    """No such item for this user (it never existed, was deleted, or belongs to someone else)."""


@dataclass(frozen=True)
class HistoryItem:
    """One saved conversation, draft or session."""

    id: str
    user: str
    workspace: str | None
    kind: Kind
    title: str
    created: float
    updated: float
    payload: Any = field(default=None, compare=False)

    def to_dict(self, with_payload: bool = True) -> dict:
        data = {
            "id": self.id,
            "user": self.user,
            "workspace": self.workspace,
            "kind": self.kind.value,
            "title": self.title,
            "created": self.created,
            "updated": self.updated,
        }
        if with_payload:
            data["payload"] = self.payload
        return data


def _item(row, with_payload: bool = True) -> HistoryItem:
    return HistoryItem(
        id=row["id"],
        user=row["user"],
        workspace=row["workspace"],
        kind=Kind(row["kind"]),
        title=row["title"],
        created=row["created"],
        updated=row["updated"],
        payload=json.loads(row["payload"]) if with_payload else None,
    )


def _title(title: str) -> str:
    text = " ".join((title or "").split())
    return text[: MAX_TITLE_CHARS - 1] + "…" if len(text) > MAX_TITLE_CHARS else text or "—"


def _dump(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, default=str)
    if len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"the item is too large to save (over {MAX_PAYLOAD_BYTES // 2**20} MB)")
    return text


_ready: set[str] = set()


class History:
    """The history items of one installation, always read and written on behalf of a principal."""

    def __init__(self, path: Path, workspaces: Workspaces, *, clock=time.time) -> None:
        self.path = Path(path)
        self.workspaces = workspaces
        self.clock = clock
        if str(self.path) not in _ready:
            ensure_workspace_schema(self.path)
            with connect(self.path) as db:
                for statement in SCHEMA:
                    db.execute(statement)
            _ready.add(str(self.path))

    @classmethod
    def for_settings(cls, settings: Settings | None = None) -> History:
        """The history in the settings' app database, with its access rules."""
        s = settings or get_settings()
        return cls(app_db(s), Workspaces.for_settings(s))

    def save(
        self, principal: Principal, kind: Kind | str, title: str, payload: Any, workspace: str | None = None
    ) -> HistoryItem:
        """Store a new item owned by ``principal`` (who must be allowed in ``workspace``)."""
        ws = self.workspaces.require(principal, workspace) if workspace else None
        if principal.is_anonymous and self.workspaces.auth:
            raise WorkspaceAccessError("please log in first (กรุณาเข้าสู่ระบบก่อน)")
        now = self.clock()
        item_id = uuid.uuid4().hex
        with connect(self.path) as db:
            db.execute(
                "INSERT INTO history (id, user, workspace, kind, title, created, updated, payload) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item_id,
                    principal.name,
                    ws,
                    Kind.parse(kind).value,
                    _title(title),
                    now,
                    now,
                    _dump(payload),
                ),
            )
        return self.load(principal, item_id)

    def load(self, principal: Principal, item_id: str) -> HistoryItem:
        """The item, if ``principal`` owns it and may still use its workspace; else HistoryNotFound."""
        conn = open_db(self.path)
        try:
            row = conn.execute(
                "SELECT * FROM history WHERE id = ? AND user = ?", (str(item_id), principal.name)
            ).fetchone()
        finally:
            conn.close()
        if row is None:
            raise HistoryNotFound(f"no history item {item_id!r} for {principal.name!r}")
        if row["workspace"]:
            self.workspaces.require(principal, row["workspace"])
        return _item(row)

    def update(
        self, principal: Principal, item_id: str, *, title: str | None = None, payload: Any = None
    ) -> HistoryItem:
        """Change an owned item's title and/or payload (``None`` keeps it) and its ``updated`` time."""
        self.load(principal, item_id)  # ownership and workspace access
        sets, args = ["updated = ?"], [self.clock()]
        if title is not None:
            sets.append("title = ?")
            args.append(_title(title))
        if payload is not None:
            sets.append("payload = ?")
            args.append(_dump(payload))
        with connect(self.path) as db:
            db.execute(
                f"UPDATE history SET {', '.join(sets)} WHERE id = ? AND user = ?",
                (*args, item_id, principal.name),
            )
        return self.load(principal, item_id)

    def list(
        self,
        principal: Principal,
        workspace: str | None = None,
        kind: Kind | str | None = None,
        limit: int = 200,
    ) -> list[HistoryItem]:
        """The principal's items (newest first, payloads not loaded), in workspaces they may still use."""
        sql, args = "SELECT * FROM history WHERE user = ?", [principal.name]
        if workspace is not None:
            sql += " AND workspace = ?"
            args.append(self.workspaces.require(principal, workspace))
        if kind is not None:
            sql += " AND kind = ?"
            args.append(Kind.parse(kind).value)
        sql += " ORDER BY updated DESC LIMIT ?"
        args.append(int(limit))
        conn = open_db(self.path)
        try:
            rows = conn.execute(sql, args).fetchall()
        finally:
            conn.close()
        allowed: dict[str, bool] = {}
        items = []
        for row in rows:
            ws = row["workspace"]
            if ws and ws not in allowed:
                allowed[ws] = self.workspaces.can_access(principal, ws)
            if not ws or allowed[ws]:
                items.append(_item(row, with_payload=False))
        return items

    def delete(self, principal: Principal, item_id: str) -> None:
        """Delete an owned item; HistoryNotFound when there is none."""
        with connect(self.path) as db:
            gone = db.execute(
                "DELETE FROM history WHERE id = ? AND user = ?", (item_id, principal.name)
            ).rowcount
        if not gone:
            raise HistoryNotFound(f"no history item {item_id!r} for {principal.name!r}")


# ---------------------------------------------------------------- module-level API


def save(
    principal: Principal,
    kind: Kind | str,
    title: str,
    payload: Any,
    *,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> HistoryItem:
    """Store a new item for ``principal`` (see :meth:`History.save`)."""
    return History.for_settings(settings).save(principal, kind, title, payload, workspace)


def update(
    principal: Principal,
    item_id: str,
    *,
    title: str | None = None,
    payload: Any = None,
    settings: Settings | None = None,
) -> HistoryItem:
    """Change an owned item (see :meth:`History.update`)."""
    return History.for_settings(settings).update(principal, item_id, title=title, payload=payload)


def list_items(
    principal: Principal,
    workspace: str | None = None,
    kind: Kind | str | None = None,
    *,
    settings: Settings | None = None,
) -> list[HistoryItem]:
    """The principal's items, newest first, without payloads (see :meth:`History.list`)."""
    return History.for_settings(settings).list(principal, workspace, kind)


def load(principal: Principal, item_id: str, *, settings: Settings | None = None) -> HistoryItem:
    """One owned item with its payload (see :meth:`History.load`)."""
    return History.for_settings(settings).load(principal, item_id)


def delete(principal: Principal, item_id: str, *, settings: Settings | None = None) -> None:
    """Delete an owned item."""
    History.for_settings(settings).delete(principal, item_id)
