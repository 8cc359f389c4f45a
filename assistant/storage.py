"""Where the tools keep their own data: per-workspace folders and SQLite databases in WAL mode.

Usage:
    >>> from assistant.storage import connect, workspace_dir
    >>> folder = workspace_dir(settings, "default")          # <data_dir>/workspaces/default/
    >>> with connect(folder / "partners.sqlite") as db:      # one transaction; commits or rolls back
    ...     db.execute("CREATE TABLE IF NOT EXISTS ...")

One SQLite file per concern keeps tools independent; WAL mode and a busy timeout let
several app processes on one host share them (see the README's deployment notes).
``app_db`` is the installation-wide database (workshop sessions, users, history).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.settings import Settings

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000


def workspace_dir(settings: Settings, workspace: str) -> Path:
    """The folder for a workspace's tool data (created on first use); the name is checked, never trusted."""
    folder = settings.workspace_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


def app_db(settings: Settings) -> Path:
    """The installation-wide SQLite file (workshop sessions, accounts, history), private to its owner.

    It holds password hashes and session tokens: the file (with its ``-wal``/``-shm`` companions,
    which SQLite creates with the file's mode) is made ``0600`` and the data folder ``0700``,
    whether they are new or were created looser by an older version.
    """
    path = settings.app_db_path
    path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    make_private(path)
    return path


def make_private(path: Path) -> None:
    """Create ``path`` if missing and make it, its SQLite companions and its folder owner-only."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    wanted = [(path.parent, PRIVATE_DIR)]
    wanted += [(path.with_name(path.name + end), PRIVATE_FILE) for end in ("", "-wal", "-shm")]
    for item, mode in wanted:
        try:
            if item.stat().st_mode & 0o777 != mode:
                item.chmod(mode)
        except FileNotFoundError:
            continue
        except PermissionError:  # another user's folder: say so, do not stop the app
            log.warning("cannot make %s private (mode %o): not its owner", item, mode)


def open_db(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode with a busy timeout and foreign keys on; rows behave like dicts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """Open ``path`` and run the block inside one ``BEGIN IMMEDIATE`` transaction, then close."""
    conn = open_db(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()
