"""The Sessions facade: creating, opening, joining and closing sessions; asking; the trainer's view."""

from __future__ import annotations

import json
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.records import Answer
from assistant.sessions import answering, faq
from assistant.sessions.codes import CODE_ATTEMPTS, hash_key, new_code, workspace_for
from assistant.sessions.errors import (
    SessionClosedError,
    SessionError,
    SessionNotReadyError,
    TrainerKeyError,
)
from assistant.sessions.models import ModelCache
from assistant.sessions.pack import PACK_SUFFIXES, copy_into, source_name
from assistant.sessions.records import LoggedQuestion, Participant, QuestionGroup, Session, Status
from assistant.sessions.storage import ensure_schema, logged_questions, read_session, session_from_row
from assistant.sessions.themes import THEME_THRESHOLD, glossary_compounds, group_by_theme, theme_label
from assistant.settings import Settings
from assistant.storage import app_db, connect, open_db
from ingest.records import check_workspace

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.access.workspaces import Principal
    from assistant.drafting.engine import Draft
    from assistant.records import AnswerEvent
    from ingest.embeddings import Embedder
    from ingest.store import Store


class Sessions:
    """Workshop sessions of one installation (app database + the shared index).

    ``llm``: ``True`` uses the configured backend (``backend`` overrides it), ``False``/``None``
    answers extractively, a chat model is used as given. ``store`` and ``embedder`` default to
    the process-wide ones (:mod:`assistant.retrieval.runtime`).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        embedder: Embedder | None = None,
        llm: BaseChatModel | bool | None = True,
        backend: str | None = None,
    ) -> None:
        self.settings = settings
        self.db_path = app_db(settings)
        self.models = ModelCache(settings, store=store, embedder=embedder, llm=llm, backend=backend)
        ensure_schema(self.db_path)

    # ------------------------------------------------------------------ plumbing

    @property
    def store(self) -> Store:
        return self.models.store

    @property
    def embedder(self) -> Embedder:
        return self.models.embedder

    def _row(self, code: str) -> Session:
        return read_session(self.db_path, code)

    def pack_dir(self, code: str) -> Path:
        return self.settings.sessions_dir / code / "pack"

    # ------------------------------------------------------------------ trainer

    def create_session(
        self,
        name: str,
        trainer: str = "",
        files: Iterable[str | Path] = (),
        *,
        from_workspace: str | None = None,
        documents: Iterable[str] = (),
        progress: Callable[[float, int, str], None] | None = None,
        principal: Principal,
    ) -> Session:
        """Create a session: reserve a unique code, ingest the pack into its own workspace, open it.

        ``files`` are uploaded pack files; ``documents`` name documents (by source, title or
        path) of ``from_workspace`` to copy in. Raises :class:`SessionError` for an empty name,
        no pack, unknown documents or a pack of which nothing could be indexed (nothing is
        kept then). Copying from ``from_workspace`` needs ``principal`` to have access to it:
        WorkspaceAccessError is raised before anything is read or reserved (the CLI passes
        :data:`assistant.access.workspaces.SYSTEM`).
        """
        from assistant.retrieval.runtime import ingest_options
        from ingest.pipeline import Outcome, ingest

        if from_workspace:
            from assistant.access.workspaces import require_access

            require_access(principal, from_workspace, settings=self.settings)
        name = " ".join((name or "").split())
        if not name:
            raise SessionError("the session needs a name")
        if len(name) > 200:
            raise SessionError("the session name is too long (at most 200 characters)")
        trainer = " ".join((trainer or "").split())[:200]
        files = [Path(f) for f in files]
        docs = [d.strip() for d in documents if d and d.strip()]
        if docs and not from_workspace:
            raise SessionError("name the workspace the documents come from")
        picked = self._library_documents(check_workspace(from_workspace), docs) if docs else []
        if not files and not picked:
            raise SessionError("the session needs a workshop pack: upload files or choose library documents")
        for f in files:
            if not f.is_file():
                raise SessionError(f"{f}: no such file")
            if f.suffix.lower() not in PACK_SUFFIXES:
                raise SessionError(f"{f.name}: unsupported file type (use {', '.join(PACK_SUFFIXES)})")

        code, key = self._reserve(name, trainer)
        workspace = workspace_for(code)
        pack = self.pack_dir(code)
        try:
            stored = copy_into(files, pack)
            typed = copy_into(
                [Path(d.path) for d in picked], pack, names=[source_name(d.source) for d in picked]
            )
            store = self.store
            reports = []
            total = len(stored) + len(typed)
            done = 0

            def step(offset: int) -> Callable[[float, int, str], None]:
                def inner(d: float, t: int, label: str) -> None:
                    if progress is not None:
                        progress(offset + min(d, t), total, label)

                return inner

            if stored:
                reports.append(
                    ingest(
                        stored,
                        store,
                        workspace=workspace,
                        options=ingest_options(self.settings),
                        progress=step(0),
                    )
                )
                done += len(stored)
            for path, doc in zip(typed, picked, strict=True):
                options = ingest_options(self.settings, doc_type=doc.doc_type)
                reports.append(
                    ingest([path], store, workspace=workspace, options=options, progress=step(done))
                )
                done += 1
            results = [r for rep in reports for r in rep.results]
            ok = [r for r in results if r.outcome in (Outcome.INGESTED, Outcome.REPLACED, Outcome.UNCHANGED)]
            if not ok:
                reasons = (
                    "; ".join(f"{r.source}: {r.reason or r.outcome.value}" for r in results) or "no files"
                )
                raise SessionError(f"none of the pack files could be indexed ({reasons})")
        except BaseException:
            self._discard(code, workspace)
            raise
        with connect(self.db_path) as db:
            db.execute(
                "UPDATE workshop_sessions SET status = ?, documents = ? WHERE code = ?",
                (Status.OPEN.value, json.dumps([r.source for r in ok], ensure_ascii=False), code),
            )
        session = self._row(code)
        session.trainer_key = key
        return session

    def _library_documents(self, workspace: str, names: Sequence[str]) -> list[Any]:
        """The manifest rows of ``names`` in ``workspace`` (each must exist and have its file)."""
        found, missing = [], []
        for name in dict.fromkeys(names):
            rows = [r for r in self.store.manifest.find(workspace, name) if r.status != "duplicate"]
            if not rows:
                missing.append(name)
                continue
            for row in rows:
                if not Path(row.path).is_file():
                    raise SessionError(f"{row.source}: its file is gone; upload it instead")
                found.append(row)
        if missing:
            raise SessionError(f"not in workspace {workspace!r}: {', '.join(missing)}")
        return found

    def _reserve(self, name: str, trainer: str) -> tuple[str, str]:
        """Insert a 'preparing' row under a fresh unique code whose workspace is empty."""
        import sqlite3

        key = secrets.token_urlsafe(12)
        for _ in range(CODE_ATTEMPTS):
            code = new_code()
            workspace = workspace_for(code)
            if self.store.manifest.documents(workspace):  # leftovers under this name: draw again
                continue
            try:
                with connect(self.db_path) as db:
                    db.execute(
                        "INSERT INTO workshop_sessions (code, name, trainer, workspace, status, key_hash,"
                        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (code, name, trainer, workspace, Status.PREPARING.value, hash_key(key), time.time()),
                    )
                return code, key
            except sqlite3.IntegrityError:
                continue
        raise SessionError("could not find a free join code; try again")

    def _discard(self, code: str, workspace: str) -> None:
        """Remove a half-created session: its row, its indexed documents and its pack folder."""
        store = self.store
        with store.writing(workspace):
            for doc in store.documents(workspace):
                store.remove(workspace, doc.path)
        with connect(self.db_path) as db:
            db.execute("DELETE FROM workshop_sessions WHERE code = ?", (code,))
        shutil.rmtree(self.pack_dir(code).parent, ignore_errors=True)

    def check_trainer(self, code: str, key: str) -> Session:
        """The session when ``key`` is its trainer key (for the web dashboard); else TrainerKeyError."""
        session = self._row(code)
        conn = open_db(self.db_path)
        try:
            row = conn.execute(
                "SELECT key_hash FROM workshop_sessions WHERE code = ?", (session.code,)
            ).fetchone()
        finally:
            conn.close()
        if not key or not secrets.compare_digest(row["key_hash"], hash_key(key.strip())):
            raise TrainerKeyError()
        return session

    def close_session(self, code: str) -> Session:
        """Close the session: participants can no longer join or ask; the log and the FAQ stay."""
        session = self._row(code)
        if session.status is not Status.CLOSED:
            with connect(self.db_path) as db:
                db.execute(
                    "UPDATE workshop_sessions SET status = ?, closed_at = ? WHERE code = ?",
                    (Status.CLOSED.value, time.time(), session.code),
                )
        return self._row(session.code)

    def list_sessions(self) -> list[Session]:
        """Every session, newest first."""
        conn = open_db(self.db_path)
        try:
            rows = conn.execute(
                "SELECT * FROM workshop_sessions WHERE status != 'preparing' ORDER BY created_at DESC"
            ).fetchall()
        finally:
            conn.close()
        return [session_from_row(r) for r in rows]

    def get(self, code: str) -> Session:
        """The session with this code (any status); SessionNotFoundError otherwise."""
        return self._row(code)

    # ------------------------------------------------------------------ participants

    def open_session(self, code: str) -> Session:
        """The session if participants may use it now: not found / closed / preparing are errors."""
        session = self._row(code)
        if session.status is Status.CLOSED:
            raise SessionClosedError(code)
        if session.status is Status.PREPARING:
            raise SessionNotReadyError(code)
        return session

    def join(self, code: str, name: str = "") -> Participant:
        """Join an open session; returns the participant's handle."""
        session = self.open_session(code)
        pid = secrets.token_hex(8)
        with connect(self.db_path) as db:
            db.execute(
                "INSERT INTO workshop_participants (id, code, name, joined_at) VALUES (?, ?, ?, ?)",
                (pid, session.code, " ".join((name or "").split())[:80], time.time()),
            )
        return Participant(pid, session.code, session.name, name)

    def answerer(self, session: Session) -> Any:
        """An Answerer bound to the session's workspace only."""
        return answering.answerer(self, session)

    def stream(self, code: str, question: str, participant: str | None = None) -> Iterator[AnswerEvent]:
        """Answer events for a question (PASSAGES, TOKEN…, FINAL); the FINAL is checked and logged.

        Raises SessionNotFoundError / SessionClosedError / ValueError (empty question) before
        anything is streamed.
        """
        return answering.stream(self, code, question, participant)

    def ask(self, code: str, question: str, participant: str | None = None) -> Answer:
        """A grounded, cited answer from the session's documents only; the question is logged."""
        return answering.ask(self, code, question, participant)

    # ------------------------------------------------------------------ the trainer's view

    def log(self, code: str) -> list[LoggedQuestion]:
        """Every question of the session, in the order asked."""
        return logged_questions(self.db_path, self._row(code))

    def questions(self, code: str, threshold: float = THEME_THRESHOLD) -> list[QuestionGroup]:
        """The session's questions grouped by theme (see the module docstring), largest group first."""
        logged = self.log(code)
        if not logged:
            return []
        texts = [q.question for q in logged]
        vectors = self.embedder.embed_queries(texts)
        groups = group_by_theme(texts, vectors, threshold)
        compounds = glossary_compounds(self.settings.corpus_dir)
        return [
            QuestionGroup(
                theme_label((texts[i] for i in g), compounds=compounds) or texts[g[0]], [logged[i] for i in g]
            )
            for g in groups
        ]

    def export_faq(self, code: str, language: str | None = None) -> Draft:
        """The FAQ as a Draft: one section per theme with the questions asked and the best answer, cited.

        Citation numbers are renumbered across the whole FAQ (the same chunk keeps one number).
        The FAQ's wording is the ``faq:`` block of ``corpus/templates/workshop.yaml``.
        """
        return faq.export_faq(self, code, language)
