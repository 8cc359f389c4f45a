"""Workspaces, their members, and the one place that decides who may read or write a workspace.

Usage:
    >>> from assistant.access.workspaces import (
    ...     SYSTEM, Principal, add_member, create_workspace, scoped_retriever)
    >>> create_workspace("net-chanthaburi", "เครือข่ายจันทบุรี", settings=s)
    >>> add_member("somchai", "net-chanthaburi", settings=s)
    >>> caller = principal_for(s, "somchai")                      # from a login, or anonymous
    >>> retriever = scoped_retriever(caller, "net-chanthaburi", settings=s)   # checks, then builds
    >>> checked_ingest(caller, "net-chanthaburi", [Path("mou.pdf")], settings=s)

Access rules (:func:`require_access`):

* **anonymous** (``settings.auth`` off, the single-user default): every workspace;
* the **system** principal (:data:`SYSTEM`: the CLI, scripts and tests on the machine): every workspace;
* an **admin**: every workspace;
* anyone else: only the workspaces they are a member of.

The UI and the commands never build a ``HybridRetriever`` or call ``ingest`` for a caller
themselves: they go through :func:`scoped_retriever` and :func:`checked_ingest`, so the rule
is enforced in the library, whatever the front end. Workspaces and memberships live in the
app database (:func:`assistant.storage.app_db`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.access.accounts import AccountError, Accounts, Role, User
from assistant.access.accounts import ensure_schema as ensure_accounts_schema
from assistant.settings import Settings, get_settings
from assistant.storage import app_db, connect, open_db
from ingest.records import check_workspace

if TYPE_CHECKING:
    from assistant.retrieval.hybrid import HybridRetriever
    from ingest.pipeline import IngestOptions, Report
    from ingest.store import Store

log = logging.getLogger(__name__)

ANONYMOUS = "anonymous"
"""The name of the caller in single-user mode (no account may take it)."""

SYSTEM_NAME = "system"
"""The name of the local operator (the CLI, scripts, tests); no account may take it."""

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS workspaces (
        name    TEXT PRIMARY KEY,
        title   TEXT NOT NULL,
        created REAL NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS memberships (
        username  TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
        workspace TEXT NOT NULL REFERENCES workspaces(name) ON DELETE CASCADE,
        role      TEXT NOT NULL,
        added     REAL NOT NULL,
        PRIMARY KEY (username, workspace)
    )""",
)


class WorkspaceAccessError(PermissionError):
    """The caller may not use this workspace (or must log in first)."""

    def __init__(self, message: str, *, user: str = "", workspace: str = "") -> None:
        super().__init__(message)
        self.user = user
        self.workspace = workspace


class WorkspaceError(ValueError):
    """A request about workspaces that cannot be done (unknown, duplicate, bad name)."""


class WorkspaceName(str):
    """A validated workspace name: lower-case letters, digits, '-' and '_', 1–48 characters.

    A ``str`` (so it goes wherever a workspace name went before), but only made through
    :meth:`parse` or the constructor, both of which check the name (ValueError otherwise)::

        >>> WorkspaceName("net-a")
        'net-a'
        >>> WorkspaceName("../etc")        # ValueError: invalid workspace name
    """

    __slots__ = ()

    def __new__(cls, value: str) -> WorkspaceName:
        if isinstance(value, WorkspaceName):
            return value
        return super().__new__(cls, check_workspace(str(value) if value is not None else ""))

    @classmethod
    def parse(cls, value: str | None, settings: Settings | None = None) -> WorkspaceName:
        """``value``, or the settings' default workspace when ``value`` is empty, validated."""
        if not value:
            value = (settings or get_settings()).workspace
        return cls(value)


@dataclass(frozen=True)
class Workspace:
    """A registered workspace: one network or school."""

    name: str
    title: str
    created: float

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "created": self.created}


@dataclass(frozen=True)
class Membership:
    """A user's place in a workspace, with the role they have there."""

    username: str
    workspace: str
    role: Role
    added: float

    def to_dict(self) -> dict:
        return {"username": self.username, "workspace": self.workspace, "role": self.role.value}


@dataclass(frozen=True)
class Principal:
    """Who is calling: an account, the anonymous single user, or the local operator.

    Every library call that reads or writes a workspace takes a principal, always: there is
    no ``None`` that means "trusted". Build it with

    * :func:`principal_for` (from a login name: an account, or anonymous when accounts are off);
    * :meth:`anonymous`: the single user of a server without accounts (refused everywhere once
      accounts are switched on);
    * :meth:`system` (also :data:`SYSTEM`): the local operator who runs the CLI, scripts and
      tests on the machine itself, and may use every workspace. The web UI never builds it.
    """

    user: User | None = None
    trusted: bool = False

    @classmethod
    def anonymous(cls) -> Principal:
        """The caller of single-user mode."""
        return cls(None)

    @classmethod
    def system(cls) -> Principal:
        """The local operator (CLI, scripts, tests): every workspace, no login."""
        return cls(None, trusted=True)

    @classmethod
    def of(cls, user: User) -> Principal:
        """The caller logged in as ``user``."""
        return cls(user)

    @property
    def is_system(self) -> bool:
        return self.user is None and self.trusted

    @property
    def is_anonymous(self) -> bool:
        return self.user is None and not self.trusted

    @property
    def is_admin(self) -> bool:
        return self.user is not None and self.user.is_admin

    @property
    def name(self) -> str:
        """The user name, ``anonymous`` or ``system``."""
        if self.user is not None:
            return self.user.username
        return SYSTEM_NAME if self.trusted else ANONYMOUS

    @property
    def key(self) -> str:
        """A stable key for per-user records (rate limits): ``user:<name>``, ``anonymous`` or ``system``."""
        return f"user:{self.user.username}" if self.user is not None else self.name


SYSTEM = Principal.system()
"""The local operator: what the CLI, scripts and tests pass as the principal."""


Access = Principal
"""Another name for :class:`Principal`."""


def principal_for(settings: Settings, username: str | None) -> Principal:
    """The principal of a request: anonymous when accounts are off, else the logged-in account.

    Raises WorkspaceAccessError when accounts are on and nobody (or an unknown user) is logged in.
    """
    if not settings.auth:
        return Principal.anonymous()
    if not username:
        raise WorkspaceAccessError("please log in first (กรุณาเข้าสู่ระบบก่อน)")
    user = Accounts.for_settings(settings).find(username)
    if user is None:
        raise WorkspaceAccessError(f"unknown user {username!r}", user=username)
    return Principal.of(user)


_ready: set[str] = set()


def ensure_schema(path: Path) -> None:
    """Create the workspace tables (and the users table they refer to) when missing."""
    if str(path) in _ready:
        return
    ensure_accounts_schema(path)
    with connect(path) as db:
        for statement in SCHEMA:
            db.execute(statement)
    _ready.add(str(path))


class Workspaces:
    """The workspace registry and access rules of one installation."""

    def __init__(self, path: Path, *, auth: bool = False, default: str = "default", clock=time.time) -> None:
        self.path = Path(path)
        self.auth = auth
        self.default = default
        self.clock = clock
        ensure_schema(self.path)

    @classmethod
    def for_settings(cls, settings: Settings | None = None) -> Workspaces:
        """The registry in the settings' app database."""
        s = settings or get_settings()
        return cls(app_db(s), auth=s.auth, default=s.workspace)

    def _query(self, sql: str, args: tuple = ()) -> list[Any]:
        conn = open_db(self.path)
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    # ------------------------------------------------------------------ registry

    def create(self, name: str, title: str | None = None) -> Workspace:
        """Register a workspace; WorkspaceError when the name is invalid or taken."""
        try:
            ws = check_workspace(name)
        except ValueError as exc:
            raise WorkspaceError(str(exc)) from None
        with connect(self.path) as db:
            if db.execute("SELECT 1 FROM workspaces WHERE name = ?", (ws,)).fetchone():
                raise WorkspaceError(f"the workspace {ws!r} already exists")
            db.execute(
                "INSERT INTO workspaces (name, title, created) VALUES (?, ?, ?)",
                (ws, (title or "").strip() or ws, self.clock()),
            )
        log.info("workspace created: %s", ws)
        return self.get(ws)

    def get(self, name: str) -> Workspace:
        """A registered workspace; WorkspaceError when there is none."""
        rows = self._query("SELECT * FROM workspaces WHERE name = ?", (name,))
        if not rows:
            raise WorkspaceError(f"no workspace {name!r} (see `edunet workspaces list`)")
        return Workspace(rows[0]["name"], rows[0]["title"], rows[0]["created"])

    def all(self) -> list[Workspace]:
        """Every registered workspace, by name."""
        return [
            Workspace(r["name"], r["title"], r["created"])
            for r in self._query("SELECT * FROM workspaces ORDER BY name")
        ]

    def add_member(self, username: str, workspace: str, role: Role | str | None = None) -> Membership:
        """Add a user to a workspace (role: theirs by default); updates the role when already a member."""
        user = Accounts(self.path).find(username)
        if user is None:
            raise AccountError(f"no user {username!r} (see `edunet users list`)")
        ws = self.get(workspace).name
        role = Role.parse(role) if role else user.role
        with connect(self.path) as db:
            db.execute(
                "INSERT INTO memberships (username, workspace, role, added) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (username, workspace) DO UPDATE SET role = excluded.role",
                (user.username, ws, role.value, self.clock()),
            )
        log.info("member added: %s → %s (%s)", user.username, ws, role.value)
        return Membership(user.username, ws, role, self.clock())

    def remove_member(self, username: str, workspace: str) -> None:
        """Take a user out of a workspace; WorkspaceError when they were not a member."""
        with connect(self.path) as db:
            gone = db.execute(
                "DELETE FROM memberships WHERE username = ? AND workspace = ?", (username, workspace)
            ).rowcount
        if not gone:
            raise WorkspaceError(f"{username!r} is not a member of {workspace!r}")
        log.info("member removed: %s ✕ %s", username, workspace)

    def members(self, workspace: str) -> list[Membership]:
        """The members of a workspace, by name."""
        rows = self._query("SELECT * FROM memberships WHERE workspace = ? ORDER BY username", (workspace,))
        return [Membership(r["username"], r["workspace"], Role(r["role"]), r["added"]) for r in rows]

    def memberships(self, username: str) -> list[Membership]:
        """The workspaces a user belongs to, by workspace name."""
        rows = self._query("SELECT * FROM memberships WHERE username = ? ORDER BY workspace", (username,))
        return [Membership(r["username"], r["workspace"], Role(r["role"]), r["added"]) for r in rows]

    # ------------------------------------------------------------------ access

    def visible(self, principal: Principal) -> list[Workspace]:
        """The workspaces ``principal`` may use (the default one first for anonymous and admins)."""
        if principal.is_anonymous and self.auth:
            return []
        if principal.is_anonymous or principal.is_admin or principal.is_system:
            found = self.all()
            if self.default not in {w.name for w in found}:
                found.insert(0, Workspace(self.default, self.default, 0.0))
            else:
                found.sort(key=lambda w: w.name != self.default)
            return found
        names = {m.workspace for m in self.memberships(principal.name)}
        return [w for w in self.all() if w.name in names]

    def can_access(self, principal: Principal, workspace: str) -> bool:
        """Whether ``principal`` may read and write ``workspace``."""
        if principal.is_anonymous:
            return not self.auth
        if principal.is_admin or principal.is_system:
            return True
        rows = self._query(
            "SELECT 1 FROM memberships WHERE username = ? AND workspace = ?", (principal.name, workspace)
        )
        return bool(rows)

    def require(self, principal: Principal, workspace: str) -> WorkspaceName:
        """The checked workspace name, or WorkspaceAccessError saying why the caller may not use it."""
        try:
            ws = WorkspaceName(workspace)
        except ValueError as exc:
            raise WorkspaceAccessError(str(exc), user=principal.name, workspace=str(workspace)) from None
        if self.can_access(principal, ws):
            return ws
        if principal.is_anonymous:
            raise WorkspaceAccessError(
                "accounts are on: please log in first (กรุณาเข้าสู่ระบบก่อน)", user=ANONYMOUS, workspace=ws
            )
        log.warning("access refused: %s → workspace %s", principal.name, ws)
        raise WorkspaceAccessError(
            f"{principal.name!r} is not a member of workspace {ws!r} "
            f"(ผู้ใช้ {principal.name} ไม่ได้เป็นสมาชิกของพื้นที่ทำงาน {ws})",
            user=principal.name,
            workspace=ws,
        )


# ---------------------------------------------------------------- module-level API


def create_workspace(name: str, title: str | None = None, *, settings: Settings | None = None) -> Workspace:
    """Register a workspace (see :meth:`Workspaces.create`)."""
    return Workspaces.for_settings(settings).create(name, title)


def add_member(
    username: str, workspace: str, role: Role | str | None = None, *, settings: Settings | None = None
) -> Membership:
    """Add a user to a workspace (see :meth:`Workspaces.add_member`)."""
    return Workspaces.for_settings(settings).add_member(username, workspace, role)


def remove_member(username: str, workspace: str, *, settings: Settings | None = None) -> None:
    """Take a user out of a workspace."""
    Workspaces.for_settings(settings).remove_member(username, workspace)


def workspaces_for(principal: Principal, *, settings: Settings | None = None) -> list[Workspace]:
    """The workspaces ``principal`` may use (what a workspace selector offers)."""
    return Workspaces.for_settings(settings).visible(principal)


def require_access(
    principal: Principal, workspace: str, *, settings: Settings | None = None
) -> WorkspaceName:
    """The checked workspace name; WorkspaceAccessError unless ``principal`` may use ``workspace``.

    The local operator (:data:`SYSTEM`) may use every workspace: only the name is checked, and
    the app database is not opened.
    """
    if not isinstance(principal, Principal):
        raise TypeError(f"a Principal is required (Principal.system() for the CLI), got {principal!r}")
    if principal.is_system:
        try:
            return WorkspaceName(workspace)
        except ValueError as exc:
            raise WorkspaceAccessError(str(exc), user=principal.name, workspace=str(workspace)) from None
    return Workspaces.for_settings(settings).require(principal, workspace)


def scoped_retriever(
    principal: Principal,
    workspace: str,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    **options: Any,
) -> HybridRetriever:
    """A ``HybridRetriever`` over ``workspace`` after checking that ``principal`` may read it.

    ``options`` go to ``HybridRetriever`` (``k``, ``mode``, ``filters``...); ``k`` defaults
    to ``settings.top_k``. Raises WorkspaceAccessError before touching the index.
    """
    from assistant.retrieval.hybrid import HybridRetriever

    s = settings or get_settings()
    ws = require_access(principal, workspace, settings=s)
    if store is None:
        from assistant.retrieval.runtime import get_store

        store = get_store(s)
    options.setdefault("k", s.top_k)
    if "reranker" not in options:
        from assistant.retrieval.runtime import get_reranker

        options["reranker"] = get_reranker(s)
    return HybridRetriever(store=store, workspace=ws, **options)


def checked_ingest(
    principal: Principal,
    workspace: str,
    paths: Iterable[Path],
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    options: IngestOptions | None = None,
    sync: bool = False,
    progress: Callable[[float, int, str], None] | None = None,
) -> Report:
    """Ingest files into ``workspace`` after checking that ``principal`` may write it.

    Options default to the settings' limits (:func:`assistant.retrieval.runtime.ingest_options`).
    Raises WorkspaceAccessError before reading any file.
    """
    from ingest.pipeline import ingest

    s = settings or get_settings()
    ws = require_access(principal, workspace, settings=s)
    if options is None:
        from assistant.retrieval.runtime import ingest_options

        options = ingest_options(s)
    if store is None:
        from assistant.retrieval.runtime import get_store

        store = get_store(s)
    return ingest(list(paths), store, workspace=ws, options=options, sync=sync, progress=progress)
