"""Workshop sessions: create one from uploaded files or library documents, and run it.

Usage:
    >>> from assistant.services.workshop import NewSession, SessionService
    >>> service = SessionService(settings)
    >>> new = NewSession("AI กับแฟ้มสะสมผลงาน", "อ.สมชาย", documents=("guide.md",))
    >>> created = service.create(principal, "net-a", new)
    >>> created.session.code, created.session.trainer_key, created.history_id
    >>> service.library_documents(principal, "net-a")        # what a pack may copy from the library
    >>> service.sessions().join(code, "ครูแดง")               # the join code is the participants' key

A session's pack is indexed into the session's own workspace. Copying library documents needs the
trainer's access to the workspace they come from (WorkspaceAccessError before anything is read or
reserved); a created session is kept in the trainer's history. Participants and the trainer's
dashboard reach a session by its join code and trainer key (:class:`assistant.sessions.Sessions`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.services.base import Service
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.sessions import Session, Sessions
    from ingest.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewSession:
    """A session to create: its name, the trainer, and its pack (uploaded files and/or library documents)."""

    name: str
    trainer: str = ""
    files: tuple[Path, ...] = ()
    documents: tuple[str, ...] = ()

    @classmethod
    def from_form(
        cls,
        name: str | None,
        trainer: str | None,
        files: Sequence[str] | None,
        documents: Sequence[str] | None,
    ) -> NewSession:
        return cls(name or "", trainer or "", tuple(Path(f) for f in files or []), tuple(documents or []))


@dataclass
class CreatedSession:
    """A new session, and its item in the trainer's history (None when it could not be kept)."""

    session: Session
    history_id: str | None = None


def session_payload(session: Session) -> dict[str, Any]:
    """What *My sessions* keeps of a created session: code, name, trainer and documents (no key)."""
    return {
        "code": session.code,
        "name": session.name,
        "trainer": session.trainer,
        "documents": list(session.documents),
    }


@dataclass
class SessionService(Service):
    """One :class:`~assistant.sessions.Sessions` per app, built on first use (thread-safe).

    ``store`` is the index to use (default: the process's, :func:`assistant.retrieval.runtime.get_store`).
    """

    settings: Settings
    llm: bool = True
    backend: str | None = None
    store: Store | None = None
    _sessions: Sessions | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def sessions(self) -> Sessions:
        """The sessions of this installation."""
        with self._lock:
            if self._sessions is None:
                from assistant.sessions import Sessions

                self._sessions = Sessions(self.settings, store=self.store, llm=self.llm, backend=self.backend)
            return self._sessions

    get = sessions  # the name the Workshop tab has always used

    def library_documents(self, principal: Principal, workspace: str | None = None) -> list[str]:
        """The ready documents of ``workspace`` a session's pack may copy (by source name)."""
        from assistant.retrieval.runtime import get_store

        ws = self.workspace(principal, workspace)
        store = self.store if self.store is not None else get_store(self.settings)
        return [d.source for d in store.documents(ws) if d.status == "ready"]

    def create(
        self,
        principal: Principal,
        workspace: str | None,
        new: NewSession,
        *,
        progress: Callable[[float, int, str], None] | None = None,
        remember: bool = True,
    ) -> CreatedSession:
        """Create and open a session (SessionError says what is missing), kept in the trainer's history."""
        ws = workspace or self.settings.workspace
        session = self.sessions().create_session(
            new.name,
            new.trainer,
            list(new.files),
            from_workspace=ws if new.documents else None,
            documents=list(new.documents),
            progress=progress,
            principal=principal,
        )
        return CreatedSession(session, self.remember(principal, ws, session) if remember else None)

    def remember(self, principal: Principal, workspace: str, session: Session) -> str | None:
        """Save a created session to the trainer's history; its id, or None if that failed."""
        from assistant.access.history import Kind, save

        try:
            payload = session_payload(session)
            return save(
                principal, Kind.SESSION, session.name, payload, workspace=workspace, settings=self.settings
            ).id
        except Exception:
            log.exception("the session %s could not be saved to history", session.code)
            return None
