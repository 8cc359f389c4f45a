"""User accounts: argon2 password hashes in the app database, roles, password policy and lockout.

Usage:
    >>> from assistant.access.accounts import Role, add_user, authenticate
    >>> add_user("somchai", "a long passphrase", Role.TEACHER, settings=s)
    >>> authenticate("somchai", "a long passphrase", settings=s)     # -> User, or None
    User(username='somchai', role=<Role.TEACHER: 'teacher'>, ...)

Accounts live in the ``users`` table of :func:`assistant.storage.app_db` (SQLite, WAL), so
several app processes on one host share them. Passwords are hashed with argon2id
(``argon2.PasswordHasher``: a random salt per hash); the plain text is never stored, logged
or printed. After ``settings.lockout_failures`` wrong passwords in a row an account is locked
for ``settings.lockout_minutes``: while locked, even the right password is refused. Every
refusal (unknown name, wrong password, locked account) costs one argon2 verification, so the
time of an answer does not tell which names exist.

Log-in sessions (the app's cookie tokens) live in ``login_sessions``, stored as SHA-256 hashes
of the token: one ends after ``settings.session_idle_hours`` without use or
``settings.session_max_hours`` after log-in, and every session of an account ends when it is
locked, its password changes or it is removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import Settings, get_settings
from assistant.storage import app_db, connect, open_db
from ingest.records import parse_choice

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from pydantic import SecretStr

log = logging.getLogger(__name__)

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
"""Longer inputs are refused before hashing (they only cost CPU)."""
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
RESERVED_NAMES = frozenset({"anonymous", "system"})
"""Names no account may take: ``anonymous`` (single-user mode) and ``system`` (the local operator)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username     TEXT PRIMARY KEY,
    role         TEXT NOT NULL,
    pw_hash      TEXT NOT NULL,
    created      REAL NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0,
    last_login   REAL
);
CREATE TABLE IF NOT EXISTS login_sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    created    REAL NOT NULL,
    last_seen  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_sessions_by_user ON login_sessions (username);
"""

SEEN_EVERY = 60.0
"""A session's ``last_seen`` is written at most this often (seconds): reads stay reads."""


class Role(StrEnum):
    """What a user is in the installation; ``admin`` sees and manages every workspace."""

    ADMIN = "admin"
    LEADER = "leader"
    TEACHER = "teacher"
    TRAINER = "trainer"

    @classmethod
    def parse(cls, value: str | Role) -> Role:
        """A role from user input (case-insensitive), or ValueError naming the allowed roles."""
        return parse_choice(cls, value, "role")


class AccountError(ValueError):
    """A request about accounts that cannot be done (unknown user, duplicate, bad name)."""


class PasswordPolicyError(AccountError):
    """A new password that the policy refuses; the message says why (never quoting the password)."""


class LoginStatus(StrEnum):
    """How a login attempt ended."""

    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class User:
    """An account, without its password hash."""

    username: str
    role: Role
    created: float
    failures: int = 0
    locked_until: float = 0.0
    last_login: float | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def locked(self, now: float | None = None) -> bool:
        """Whether the account is locked at ``now`` (default: the current time)."""
        return self.locked_until > (time.time() if now is None else now)

    def to_dict(self) -> dict:
        """A JSON-safe view (no hash)."""
        return {
            "username": self.username,
            "role": self.role.value,
            "created": self.created,
            "failures": self.failures,
            "locked": self.locked(),
            "locked_until": self.locked_until or None,
            "last_login": self.last_login,
        }


@dataclass(frozen=True)
class LoginResult:
    """The outcome of :meth:`Accounts.login`: the user when ``status`` is OK."""

    status: LoginStatus
    user: User | None = None
    retry_after: float = 0.0
    """Seconds until a locked account opens again."""


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown users, so that they take as long as known ones."""
    return _hasher().hash("not a real password, only for timing")


def check_username(name: str) -> str:
    """A valid account name: 2–32 of a–z, 0–9, '.', '_', '-' starting with a letter or digit."""
    value = (name or "").strip()
    if not USERNAME.match(value):
        raise AccountError(
            f"invalid user name {name!r}: use 2–32 lower-case letters, digits, '.', '_' or '-'"
        )
    if value in RESERVED_NAMES:
        raise AccountError(f"the user name {value!r} is reserved")
    return value


def check_password(username: str, password: str) -> None:
    """Apply the password policy: at least ``MIN_PASSWORD_CHARS`` characters and not the user name."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordPolicyError(
            f"the password is too short: use at least {MIN_PASSWORD_CHARS} characters "
            f"(รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD_CHARS} ตัวอักษร)"
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise PasswordPolicyError(f"the password is too long: use at most {MAX_PASSWORD_CHARS} characters")
    if password.strip().lower() == username.strip().lower():
        raise PasswordPolicyError("the password must not be the user name (รหัสผ่านต้องไม่ซ้ำกับชื่อผู้ใช้)")


def _plain(password: str | SecretStr) -> str:
    return password.get_secret_value() if hasattr(password, "get_secret_value") else str(password)


def _user(row) -> User:
    return User(
        username=row["username"],
        role=Role(row["role"]),
        created=row["created"],
        failures=row["failures"],
        locked_until=row["locked_until"],
        last_login=row["last_login"],
    )


_ready: set[str] = set()


def ensure_schema(path: Path) -> None:
    """Create the ``users`` and ``login_sessions`` tables in ``path`` when missing (once per process)."""
    if str(path) in _ready:
        return
    with connect(path) as db:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
    _ready.add(str(path))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    """The accounts of one installation (one app database)."""

    def __init__(
        self,
        path: Path,
        *,
        lockout_failures: int = 5,
        lockout_minutes: float = 15.0,
        session_idle_hours: float = 12.0,
        session_max_hours: float = 7 * 24.0,
        clock=time.time,
    ) -> None:
        self.path = Path(path)
        self.lockout_failures = lockout_failures
        self.lockout_seconds = lockout_minutes * 60
        self.session_idle = session_idle_hours * 3600
        self.session_max = session_max_hours * 3600
        self.clock = clock
        ensure_schema(self.path)

    @classmethod
    def for_settings(cls, settings: Settings | None = None) -> Accounts:
        """The accounts in the settings' app database, with its lockout and session settings."""
        s = settings or get_settings()
        return cls(
            app_db(s),
            lockout_failures=s.lockout_failures,
            lockout_minutes=s.lockout_minutes,
            session_idle_hours=s.session_idle_hours,
            session_max_hours=s.session_max_hours,
        )

    # ------------------------------------------------------------------ management

    def add(self, username: str, password: str | SecretStr, role: Role | str) -> User:
        """Create an account; AccountError when the name is taken or invalid, PasswordPolicyError."""
        name = check_username(username)
        role = Role.parse(role)
        plain = _plain(password)
        check_password(name, plain)
        digest = _hasher().hash(plain)
        with connect(self.path) as db:
            if db.execute("SELECT 1 FROM users WHERE username = ?", (name,)).fetchone():
                raise AccountError(f"the user {name!r} already exists")
            db.execute(
                "INSERT INTO users (username, role, pw_hash, created) VALUES (?, ?, ?, ?)",
                (name, role.value, digest, self.clock()),
            )
        log.info("account created: %s (%s)", name, role.value)
        return self.get(name)

    def get(self, username: str) -> User:
        """One account; AccountError when there is none."""
        user = self.find(username)
        if user is None:
            raise AccountError(f"no user {username!r} (see `edunet users list`)")
        return user

    def find(self, username: str) -> User | None:
        """One account, or None."""
        conn = open_db(self.path)
        try:
            row = conn.execute(
                "SELECT * FROM users WHERE username = ?", ((username or "").strip().lower(),)
            ).fetchone()
        finally:
            conn.close()
        return _user(row) if row else None

    def list(self) -> list[User]:
        """Every account, by name."""
        conn = open_db(self.path)
        try:
            rows = conn.execute("SELECT * FROM users ORDER BY username").fetchall()
        finally:
            conn.close()
        return [_user(r) for r in rows]

    def remove(self, username: str) -> None:
        """Delete an account with its memberships, history and rate-limit records."""
        name = self.get(username).username
        with connect(self.path) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "memberships" in tables:
                db.execute("DELETE FROM memberships WHERE username = ?", (name,))
            if "history" in tables:
                db.execute("DELETE FROM history WHERE user = ?", (name,))
            if "rate_events" in tables:
                db.execute("DELETE FROM rate_events WHERE key = ?", (f"user:{name}",))
            db.execute("DELETE FROM login_sessions WHERE username = ?", (name,))
            db.execute("DELETE FROM users WHERE username = ?", (name,))
        log.info("account removed: %s", name)

    def set_password(self, username: str, password: str | SecretStr) -> None:
        """Replace a password (policy-checked); also clears failures and any lock, and ends every session."""
        name = self.get(username).username
        plain = _plain(password)
        check_password(name, plain)
        digest = _hasher().hash(plain)
        with connect(self.path) as db:
            db.execute(
                "UPDATE users SET pw_hash = ?, failures = 0, locked_until = 0 WHERE username = ?",
                (digest, name),
            )
            db.execute("DELETE FROM login_sessions WHERE username = ?", (name,))
        log.info("password changed: %s (its sessions ended)", name)

    def set_role(self, username: str, role: Role | str) -> User:
        """Change an account's role."""
        name = self.get(username).username
        with connect(self.path) as db:
            db.execute("UPDATE users SET role = ? WHERE username = ?", (Role.parse(role).value, name))
        return self.get(name)

    def unlock(self, username: str) -> None:
        """Lift a lockout and reset the failure count."""
        name = self.get(username).username
        with connect(self.path) as db:
            db.execute("UPDATE users SET failures = 0, locked_until = 0 WHERE username = ?", (name,))
        log.info("account unlocked: %s", name)

    def has_admin(self) -> bool:
        """Whether at least one admin account exists."""
        return any(u.is_admin for u in self.list())

    # ------------------------------------------------------------------ login

    def login(self, username: str, password: str | SecretStr) -> LoginResult:
        """Check a password, counting failures and locking the account after too many in a row."""
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        name = (username or "").strip().lower()
        plain = _plain(password or "")
        conn = open_db(self.path)
        try:
            row = conn.execute("SELECT * FROM users WHERE username = ?", (name,)).fetchone()
        finally:
            conn.close()
        if row is None or len(plain) > MAX_PASSWORD_CHARS:
            # the same work as a real check, so that timing does not tell which names exist
            with contextlib.suppress(VerificationError):
                _hasher().verify(_dummy_hash(), plain[:MAX_PASSWORD_CHARS])
            log.warning("login refused: unknown user or over-long password (%s)", name[:32])
            return LoginResult(LoginStatus.UNKNOWN if row is None else LoginStatus.WRONG)
        now = self.clock()
        try:
            _hasher().verify(row["pw_hash"], plain)
            right = True
        except (VerificationError, VerifyMismatchError, InvalidHashError):
            right = False
        if row["locked_until"] > now:  # checked after the hash, so a lock answers as slowly as a refusal
            log.warning("login refused: %s is locked", name)
            return LoginResult(LoginStatus.LOCKED, retry_after=row["locked_until"] - now)
        if not right:
            return self._failed(name)
        new_hash = _hasher().hash(plain) if _hasher().check_needs_rehash(row["pw_hash"]) else row["pw_hash"]
        with connect(self.path) as db:
            db.execute(
                "UPDATE users SET failures = 0, locked_until = 0, last_login = ?, pw_hash = ? "
                "WHERE username = ?",
                (now, new_hash, name),
            )
        log.info("login: %s", name)
        return LoginResult(LoginStatus.OK, self.get(name))

    def _failed(self, name: str) -> LoginResult:
        now = self.clock()
        with connect(self.path) as db:  # one transaction: concurrent failures are all counted
            db.execute("UPDATE users SET failures = failures + 1 WHERE username = ?", (name,))
            failures = db.execute("SELECT failures FROM users WHERE username = ?", (name,)).fetchone()[0]
            if failures >= self.lockout_failures:
                db.execute(
                    "UPDATE users SET failures = 0, locked_until = ? WHERE username = ?",
                    (now + self.lockout_seconds, name),
                )
                db.execute("DELETE FROM login_sessions WHERE username = ?", (name,))
        if failures >= self.lockout_failures:
            log.warning(
                "login refused: wrong password for %s; locked for %.0f s, its sessions ended",
                name,
                self.lockout_seconds,
            )
            return LoginResult(LoginStatus.LOCKED, retry_after=self.lockout_seconds)
        log.warning("login refused: wrong password for %s (%d/%d)", name, failures, self.lockout_failures)
        return LoginResult(LoginStatus.WRONG)

    def authenticate(self, username: str, password: str | SecretStr) -> User | None:
        """The user when the password is right and the account is not locked, else None."""
        return self.login(username, password).user

    # ------------------------------------------------------------------ sessions

    def open_session(self, token: str, username: str) -> None:
        """Record a session token handed out at log-in (only its hash is stored)."""
        name = self.get(username).username
        now = self.clock()
        with connect(self.path) as db:
            db.execute(
                "INSERT OR REPLACE INTO login_sessions (token_hash, username, created, last_seen)"
                " VALUES (?, ?, ?, ?)",
                (_token_hash(token), name, now, now),
            )

    def session_user(self, token: str | None) -> str | None:
        """The account a session token belongs to, or None when it is unknown, expired, or its account
        is locked or gone (an expired session is deleted)."""
        if not token:
            return None
        digest = _token_hash(token)
        now = self.clock()
        conn = open_db(self.path)
        try:
            row = conn.execute(
                "SELECT s.username, s.created, s.last_seen, u.locked_until FROM login_sessions s"
                " LEFT JOIN users u ON u.username = s.username WHERE s.token_hash = ?",
                (digest,),
            ).fetchone()
        finally:
            conn.close()
        if row is None:
            return None
        expired = now - row["last_seen"] > self.session_idle or now - row["created"] > self.session_max
        if expired or row["locked_until"] is None or row["locked_until"] > now:
            self.end_session(token)
            log.info("session ended: %s (%s)", row["username"], "expired" if expired else "locked or removed")
            return None
        if now - row["last_seen"] > SEEN_EVERY:
            with connect(self.path) as db:
                db.execute("UPDATE login_sessions SET last_seen = ? WHERE token_hash = ?", (now, digest))
        return row["username"]

    def end_session(self, token: str) -> None:
        """Forget one session token (log-out)."""
        with connect(self.path) as db:
            db.execute("DELETE FROM login_sessions WHERE token_hash = ?", (_token_hash(token),))

    def end_sessions(self, username: str) -> int:
        """End every session of an account; returns how many there were."""
        with connect(self.path) as db:
            name = (username or "").strip().lower()
            return db.execute("DELETE FROM login_sessions WHERE username = ?", (name,)).rowcount


# ---------------------------------------------------------------- module-level shortcuts


def add_user(
    username: str, password: str | SecretStr, role: Role | str, *, settings: Settings | None = None
) -> User:
    """Create an account in the settings' app database (see :meth:`Accounts.add`)."""
    return Accounts.for_settings(settings).add(username, password, role)


def remove_user(username: str, *, settings: Settings | None = None) -> None:
    """Delete an account with its memberships and history (see :meth:`Accounts.remove`)."""
    Accounts.for_settings(settings).remove(username)


def set_password(username: str, password: str | SecretStr, *, settings: Settings | None = None) -> None:
    """Replace an account's password (see :meth:`Accounts.set_password`)."""
    Accounts.for_settings(settings).set_password(username, password)


def list_users(*, settings: Settings | None = None) -> list[User]:
    """Every account, by name."""
    return Accounts.for_settings(settings).list()


def get_user(username: str, *, settings: Settings | None = None) -> User | None:
    """One account, or None."""
    return Accounts.for_settings(settings).find(username)


def authenticate(
    username: str, password: str | SecretStr, *, settings: Settings | None = None
) -> User | None:
    """The user for a right password on an unlocked account, else None (see :meth:`Accounts.login`)."""
    return Accounts.for_settings(settings).authenticate(username, password)
