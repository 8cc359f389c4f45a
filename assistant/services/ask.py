"""Ask: answering a question over a workspace, and the caller's saved conversations.

Usage:
    >>> from assistant.services.ask import AskService
    >>> service = AskService(settings)
    >>> for event in service.stream(principal, "net-a", "องค์ประกอบของเครือข่ายมีอะไรบ้าง"):
    ...     ...                                           # AnswerEvent: passages, tokens, the final answer
    >>> saved = service.save_conversation(principal, "net-a", None, turns)
    >>> service.conversations(principal, "net-a")          # newest first

The chat model is built once per service (thread-safe; a failure is retried next time); the
retriever is built per question for the caller's workspace through
:func:`assistant.access.workspaces.scoped_retriever`, so a workspace the caller may not use is refused
before the index is touched. The model's prompts pass the privacy screen inside the Answerer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.services.base import Service
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.access.history import HistoryItem
    from assistant.access.workspaces import Principal
    from assistant.ask import Answerer
    from assistant.llm.backends import LLMStatus
    from assistant.records import AnswerEvent
    from ingest.store import Store

log = logging.getLogger(__name__)


def one_line(exc: BaseException) -> str:
    """The first line of an error's message (its type when it has none), at most 300 characters."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text[:300] or type(exc).__name__


@dataclass
class SavedConversation:
    """A conversation reopened from the caller's history: its id and its finished turns."""

    id: str
    workspace: str
    turns: list[dict[str, Any]] = field(default_factory=list)


class AskService(Service):
    """The chat model for one app, built once on first use (thread-safe); failures are retried next time.

    Answerers are made per question by :meth:`answerer`, for the caller's workspace. ``store``
    is the index to use (default: the process's, :func:`assistant.retrieval.runtime.get_store`).
    """

    def __init__(self, settings: Settings | None = None, store: Store | None = None) -> None:
        super().__init__(settings)
        self.store = store
        self._lock = threading.Lock()
        self._llm: Any = None
        self.status: LLMStatus | None = None
        self.error: str | None = None

    # ------------------------------------------------------------ the model and the answerer

    def get(self) -> tuple[Any, LLMStatus]:
        """The chat model (None: extractive) and its status; raises (readably) when it cannot start."""
        with self._lock:
            if self.status is None:
                try:
                    self._llm, self.status = self._build()
                    self.error = None
                except Exception as exc:
                    self.error = one_line(exc)
                    raise
            return self._llm, self.status

    def answerer(self, principal: Principal, workspace: str | None) -> Answerer:
        """An ``Answerer`` over ``workspace`` for ``principal``; WorkspaceAccessError when not allowed."""
        from assistant.access.workspaces import scoped_retriever
        from assistant.ask import Answerer
        from assistant.retrieval.translate import expander_for

        ws = self.workspace(principal, workspace)
        llm, status = self.get()
        expand, expander = expander_for(llm, status.backend, str(self.settings.query_translation))
        retriever = scoped_retriever(
            principal, ws, settings=self.settings, store=self.store, expand=expand, expander=expander
        )
        return Answerer(retriever, llm, status.backend)

    def stream(
        self,
        principal: Principal,
        workspace: str | None,
        question: str,
        history: Sequence[tuple[str, str]] = (),
    ) -> Iterator[AnswerEvent]:
        """Answer ``question`` (with the earlier turns as ``(question, answer)`` pairs), as events."""
        yield from self.answerer(principal, workspace).stream(question, list(history))

    def warm_embedder(self) -> None:
        """Load the embedding model now, so that the first question does not wait for it."""
        from assistant.retrieval.runtime import get_embedder

        _ = get_embedder(self.settings).model

    def _build(self) -> tuple[Any, LLMStatus]:
        from assistant.llm.backends import get_chat_model
        from assistant.retrieval.runtime import get_store

        if self.store is None:
            get_store(self.settings)  # open the index now, so that a broken one shows in the status line
        return get_chat_model(self.settings)

    # ------------------------------------------------------------ saved conversations

    def conversations(self, principal: Principal, workspace: str | None) -> list[HistoryItem]:
        """The caller's conversations in ``workspace``, newest first (none without a workspace)."""
        from assistant.access.history import Kind, list_items

        if not workspace:
            return []
        return list_items(principal, workspace, Kind.CONVERSATION, settings=self.settings)

    def save_conversation(
        self, principal: Principal, workspace: str, item_id: str | None, turns: Sequence[dict[str, Any]]
    ) -> HistoryItem:
        """Keep the finished turns: update item ``item_id`` when it is still the caller's, else a new one."""
        from assistant.access.history import HistoryNotFound, Kind, save, update

        done = [t for t in turns if t.get("done")]
        payload = {"workspace": workspace, "turns": done}
        item = None
        if item_id:
            try:
                item = update(principal, item_id, payload=payload, settings=self.settings)
            except HistoryNotFound:
                item = None
        if item is None:
            title = done[0]["question"] if done else ""
            item = save(
                principal, Kind.CONVERSATION, title, payload, workspace=workspace, settings=self.settings
            )
        return item

    def open_conversation(self, principal: Principal, item_id: str) -> SavedConversation:
        """A saved conversation of the caller's (HistoryNotFound / WorkspaceAccessError otherwise)."""
        from assistant.access.history import load

        item = load(principal, item_id, settings=self.settings)
        payload = item.payload or {}
        turns = [t for t in payload.get("turns", []) if isinstance(t, dict) and "question" in t]
        return SavedConversation(item.id, str(payload.get("workspace") or item.workspace or ""), turns)

    def forget_conversation(self, principal: Principal, item_id: str) -> None:
        """Delete a saved conversation of the caller's (HistoryNotFound when there is none)."""
        from assistant.access.history import delete

        delete(principal, item_id, settings=self.settings)
