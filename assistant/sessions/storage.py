"""The session tables of the app database: the schema, session rows and the question log."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from assistant.records import Answer, Citation
from assistant.sessions.codes import normalize_code
from assistant.sessions.errors import SessionNotFoundError
from assistant.sessions.records import LoggedQuestion, Session, Status
from assistant.storage import connect, open_db

SCHEMA = """
CREATE TABLE IF NOT EXISTS workshop_sessions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    trainer TEXT NOT NULL DEFAULT '',
    workspace TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('preparing', 'open', 'closed')),
    key_hash TEXT NOT NULL,
    documents TEXT NOT NULL DEFAULT '[]',
    created_at REAL NOT NULL,
    closed_at REAL
);
CREATE TABLE IF NOT EXISTS workshop_participants (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL REFERENCES workshop_sessions (code) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    joined_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS workshop_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL REFERENCES workshop_sessions (code) ON DELETE CASCADE,
    participant TEXT,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    grounded INTEGER NOT NULL,
    language TEXT NOT NULL,
    backend TEXT NOT NULL,
    asked_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS workshop_questions_code ON workshop_questions (code, id);
"""


def ensure_schema(db_path: Path) -> None:
    """Create the session tables in the app database if they are missing."""
    conn = open_db(db_path)
    try:
        conn.executescript(SCHEMA)
    finally:
        conn.close()


def read_session(db_path: Path, code: str) -> Session:
    """The session row for a typed code (read leniently); SessionNotFoundError when there is none."""
    canonical = normalize_code(code)
    if not canonical:
        raise SessionNotFoundError(code)
    conn = open_db(db_path)
    try:
        row = conn.execute("SELECT * FROM workshop_sessions WHERE code = ?", (canonical,)).fetchone()
    finally:
        conn.close()
    if row is None:
        raise SessionNotFoundError(code)
    return session_from_row(row)


def log_question(
    db_path: Path, session: Session, question: str, answer: Answer, participant: str | None
) -> None:
    """Append a question and the answer it got to the session's log."""
    with connect(db_path) as db:
        db.execute(
            "INSERT INTO workshop_questions (code, participant, question, answer, citations, grounded,"
            " language, backend, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session.code,
                participant,
                question,
                answer.text,
                json.dumps([c.to_dict() for c in answer.citations], ensure_ascii=False),
                int(answer.grounded),
                answer.language,
                answer.backend,
                time.time(),
            ),
        )


def logged_questions(db_path: Path, session: Session) -> list[LoggedQuestion]:
    """Every question of the session, in the order asked."""
    conn = open_db(db_path)
    try:
        rows = conn.execute(
            "SELECT * FROM workshop_questions WHERE code = ? ORDER BY id", (session.code,)
        ).fetchall()
    finally:
        conn.close()
    return [
        LoggedQuestion(
            id=r["id"],
            question=r["question"],
            answer=r["answer"],
            citations=[Citation(**c) for c in json.loads(r["citations"])],
            grounded=bool(r["grounded"]),
            language=r["language"],
            backend=r["backend"],
            asked_at=r["asked_at"],
            participant=r["participant"],
        )
        for r in rows
    ]


def session_from_row(row: Any) -> Session:
    """A session from its database row (the trainer key is never read back)."""
    return Session(
        code=row["code"],
        name=row["name"],
        trainer=row["trainer"],
        workspace=row["workspace"],
        status=Status(row["status"]),
        documents=json.loads(row["documents"] or "[]"),
        created_at=row["created_at"],
        closed_at=row["closed_at"],
    )
