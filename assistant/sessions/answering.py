"""Answering in a session: from its workspace only, every citation checked, every question logged."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.records import Answer, Citation
from assistant.sessions.errors import IsolationError
from assistant.sessions.records import Session
from assistant.sessions.storage import log_question

if TYPE_CHECKING:
    from assistant.records import AnswerEvent
    from assistant.sessions.facade import Sessions


MAX_QUESTION_CHARS = 1000


def answerer(sessions: Sessions, session: Session) -> Any:
    """An Answerer bound to the session's workspace only."""
    from assistant.ask import Answerer
    from assistant.retrieval.hybrid import HybridRetriever

    retriever = HybridRetriever(store=sessions.store, workspace=session.workspace, k=sessions.settings.top_k)
    model, backend = sessions.models.chat_model()
    return Answerer(retriever, model, backend)


def stream(
    sessions: Sessions, code: str, question: str, participant: str | None = None
) -> Iterator[AnswerEvent]:
    """Answer events for a question (PASSAGES, TOKEN…, FINAL); the FINAL is checked and logged.

    Raises SessionNotFoundError / SessionClosedError / ValueError (empty question) before
    anything is streamed.
    """
    from assistant.records import EventKind

    session = sessions.open_session(code)
    question = (question or "").strip()
    if not question:
        raise ValueError("the question is empty")
    question = question[:MAX_QUESTION_CHARS]
    answerer = sessions.answerer(session)

    def events() -> Iterator[AnswerEvent]:
        for event in answerer.stream(question):
            if event.kind is EventKind.PASSAGES:
                check_isolation(sessions, session, event.citations)
            if event.kind is EventKind.FINAL and event.answer is not None:
                check_isolation(sessions, session, event.answer.citations)
                log_question(sessions.db_path, session, question, event.answer, participant)
            yield event

    return events()


def ask(sessions: Sessions, code: str, question: str, participant: str | None = None) -> Answer:
    """A grounded, cited answer from the session's documents only; the question is logged."""
    final: Answer | None = None
    for event in sessions.stream(code, question, participant):
        final = event.answer or final
    assert final is not None
    return final


def check_isolation(sessions: Sessions, session: Session, citations: Sequence[Citation]) -> None:
    ids = [c.chunk_id for c in citations]
    if not ids:
        return
    live = sessions.store.manifest.live_ids(session.workspace, ids)
    outside = [i for i in ids if i not in live]
    if outside:
        raise IsolationError(f"an answer cited chunks outside {session.workspace}: {outside}")
