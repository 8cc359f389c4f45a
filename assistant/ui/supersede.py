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
  have stopped, so its own update is sent after theirs.

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
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

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
