"""A conversation turn as the Ask tab keeps it: a plain dict folded from the answerer's events.

:func:`apply_event` folds PASSAGES, SKELETON and TOKEN events into the turn, :func:`finish_turn`
puts FINAL's verified answer in its place, :func:`history_pairs` gives the answerer the last
finished turns, and :func:`_error_text` says what went wrong in one line.
"""

from __future__ import annotations

from assistant.records import Answer, AnswerEvent, Citation, EventKind
from assistant.ui.ask_passage import with_quotes

HISTORY_TURNS = 3
"""How many earlier question/answer pairs are passed to the answerer."""


def apply_event(turn: dict, event: AnswerEvent) -> bool:
    """Fold one PASSAGES, SKELETON or TOKEN event into the turn; True when the screen should update.

    * PASSAGES: the numbered passages (the source list fills before the answer comes);
    * SKELETON: the grounded answer, complete and cited, shown at once with a note that the
      model is writing its own;
    * TOKEN: a piece of the answer, appended; after a SKELETON it is the model's draft, which is
      kept aside (unverified; FINAL decides what is shown) and does not update the screen.
    """
    if event.kind == EventKind.PASSAGES:
        turn["citations"] = [_as_dict(c) for c in event.citations]
        return True
    if event.kind == EventKind.SKELETON:
        turn.update(answer=event.text, writing=True)
        turn["citations"] = with_quotes(turn.get("citations") or [], event.text)
        return True
    if event.kind == EventKind.TOKEN:
        if turn.get("writing"):
            turn["draft"] = turn.get("draft", "") + event.text
            return False
        turn["answer"] = turn.get("answer", "") + event.text
        return True
    return False


def finish_turn(turn: dict, final: Answer | None) -> dict:
    """The turn once answered: FINAL's text and citations (with quotes) replace what was shown."""
    if final is not None:
        turn["answer"] = final.text
        turn["citations"] = with_quotes([_as_dict(c) for c in final.citations], final.text)
        turn["grounded"] = final.grounded
        turn["kind"] = final.kind or ("not-found" if final.refused else "")
        turn["unsupported"] = list(final.unsupported)
        turn["notes"] = list(final.notes)
    turn.pop("writing", None)
    turn.pop("draft", None)
    turn["done"] = True
    return turn


def history_pairs(turns: list[dict], limit: int = HISTORY_TURNS) -> list[tuple[str, str]]:
    """The last ``limit`` finished turns as ``(question, answer)`` pairs for ``Answerer.stream``."""
    done = [t for t in turns if t.get("done") and not t.get("error") and t["answer"]]
    return [(t["question"], t["answer"]) for t in done[-limit:]] if limit > 0 else []


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def _error_text(exc: BaseException) -> str:
    """A user-facing sentence for an exception raised while answering."""
    try:
        from assistant.llm.backends import backend_error_message, is_backend_error

        if is_backend_error(exc):
            return backend_error_message(exc)
    except ImportError:  # pragma: no cover - llm/backends.py is part of the package
        pass
    return _one_line(exc)


def _as_dict(c: Citation | dict) -> dict:
    return c if isinstance(c, dict) else c.to_dict()
