"""Make "New conversation" final: an answer that was asked before it never reaches the screen.

Gradio's ``cancels=`` cannot promise that. The answer and the reset are separate queue
events that run side by side. A cancel closes the answer's generator while its last update
may still be on its way to the browser, so that update can land after the reset and bring
the cleared question back. A cancel sent before the answer's event id reaches the browser
misses the answer altogether. CI saw the cleared question come back.

Instead, the browser sends a generation number with each event. It is a hidden field, so its
value is the one shown when the user clicked, not the one on the server:

* the answer passes that number to :meth:`Superseder.answering` and calls ``stale()``
  before each update. Once the conversation has moved on, it stops without a word. Gradio
  asks a generator for its next update only after it has sent the previous one, so an
  answer that stops has nothing left in flight;
* the reset calls :meth:`Superseder.supersede` with the number. Every answer of that
  generation or older becomes stale. The reset then waits, briefly, until those answers
  have stopped, so its own update is sent after theirs;
* :func:`until_stale` makes the answer's updates in a worker thread and checks ``stale()``
  while it waits for the next one. A superseded answer therefore ends within a tenth of a
  second, even while a model is still loading or thinking. That matters because the browser
  ignores a new click on Send while the previous answer's event is still running;
* a superseded answer that has already shown something ends with a ``farewell`` update that
  changes nothing (every output skipped). Gradio's message that an event is complete repeats
  the event's last update in full, and that message races the reset's. Without the farewell
  it would repeat the question on screen and bring it back after the reset.

Example::

    >>> sup = Superseder()
    >>> with sup.answering("session-1", 0) as stale:
    ...     stale()
    False
    >>> sup.supersede("session-1", 0)
    1
    >>> with sup.answering("session-1", 0) as stale:
    ...     stale()
    True
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

WAIT_SECONDS = 2.0
"""How long a reset waits for older answers to stop before it shows the empty conversation."""


class Superseder:
    """Per-session generations of a conversation, shared by the answer and the reset events."""

    def __init__(self, wait_seconds: float = WAIT_SECONDS) -> None:
        self.wait_seconds = wait_seconds
        self._changed = threading.Condition()
        self._floor: dict[str, int] = {}  # answers of a lower generation are stale
        self._running: Counter[tuple[str, int]] = Counter()

    @staticmethod
    def generation(value: float | int | None) -> int:
        """The browser's generation number as an int (a hidden number field may send a float or nothing)."""
        try:
            return max(0, int(value or 0))
        except (TypeError, ValueError):
            return 0

    @contextlib.contextmanager
    def answering(self, session: str, generation: int) -> Iterator[Callable[[], bool]]:
        """Run one answer of ``generation``; the context gives ``stale()``, true once it is superseded."""
        key = (session, generation)
        with self._changed:
            self._running[key] += 1
        try:
            yield lambda: generation < self._floor.get(session, 0)
        finally:
            with self._changed:
                self._running[key] -= 1
                if self._running[key] <= 0:
                    del self._running[key]
                self._changed.notify_all()

    def supersede(self, session: str, generation: int) -> int:
        """Make answers of ``generation`` and older stale, wait until they stop; the next generation."""
        following = generation + 1
        deadline = time.monotonic() + self.wait_seconds
        with self._changed:
            self._floor[session] = max(self._floor.get(session, 0), following)
            floor = self._floor[session]
            while any(s == session and g < floor for s, g in self._running):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
        return following

    def forget(self, session: str) -> None:
        """Drop a closed session's generation (its answers, if any, count as current again)."""
        with self._changed:
            self._floor.pop(session, None)


_DONE = object()


def until_stale(
    updates: Iterable[T],
    stale: Callable[[], bool],
    poll_seconds: float = 0.1,
    farewell: T | None = None,
) -> Iterator[T]:
    """``updates``, until ``stale()``: then stop at once, even while an update is still being made.

    When it stops as stale after it has passed an update on, it passes ``farewell`` (if given)
    last, so that the last update of the event is one that changes nothing on screen.

    The updates are made in a worker thread and handed over one by one. While the next one is
    slow (a model loading, a retrieval, a language model's first token), ``stale()`` is checked
    every ``poll_seconds``, so a superseded answer ends within that time. Gradio then sees the
    event end, and the browser accepts the next question at once. The worker stops after the
    update it is making, and closes ``updates`` (which closes a streaming model call).
    """
    handover: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(item: object) -> bool:
        """Hand ``item`` over, unless the consumer has stopped; whether it was taken."""
        while not stop.is_set():
            try:
                handover.put(item, timeout=poll_seconds)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        source = iter(updates)
        try:
            while not stop.is_set():
                try:
                    update = next(source)
                except StopIteration:
                    offer(_DONE)
                    return
                if not offer(update):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            offer(exc)
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=make, name="answer-updates", daemon=True)
    worker.start()
    shown = False
    try:
        while True:
            try:
                item = handover.get(timeout=poll_seconds)
            except queue.Empty:
                if stale():
                    break
                continue
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            if stale():
                break
            shown = True
            yield item  # type: ignore[misc]
        if shown and farewell is not None:
            yield farewell
    finally:
        stop.set()
