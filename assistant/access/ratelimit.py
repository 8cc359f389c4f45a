"""Per-user rate limits on asking: a sliding window kept in the app database.

Usage:
    >>> from assistant.access.ratelimit import RateLimiter, RateLimitError
    >>> limiter = RateLimiter.for_settings(settings)      # settings.ask_rate_per_minute per user
    >>> try:
    ...     limiter.check(principal.key)                   # records the request, or raises
    ... except RateLimitError as exc:
    ...     print(exc.retry_after)                         # seconds until the next one is allowed

Every allowed request is one row ``(key, at)`` in ``rate_events``; a check counts the key's
rows in the last ``window`` seconds inside one ``BEGIN IMMEDIATE`` transaction, so several
app processes on one host share the same limit. Old rows are pruned as they expire.

One request may count against several keys at once (:meth:`RateLimiter.charge`): a workshop
question counts for the asker, the participant and the whole room, all or nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings, get_settings
from assistant.storage import app_db, connect

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rate_events (key TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rate_events_by_key ON rate_events (key, at)",
)


class RateLimitError(RuntimeError):
    """Too many requests in the window; ``retry_after`` says how many seconds to wait."""

    def __init__(self, key: str, limit: int, window: float, retry_after: float) -> None:
        self.key = key
        self.limit = limit
        self.window = window
        self.retry_after = max(0.0, retry_after)
        wait = max(1, math.ceil(self.retry_after))
        super().__init__(
            f"too many questions: at most {limit} per {window:g} s; try again in {wait} s "
            f"(ถามบ่อยเกินไป ลองใหม่อีกครั้งใน {wait} วินาที)"
        )

    @property
    def retry_seconds(self) -> int:
        """Whole seconds to wait (at least 1)."""
        return max(1, math.ceil(self.retry_after))


@dataclass(frozen=True)
class Quota:
    """At most ``limit`` requests for ``key`` per window; 0 means no limit."""

    key: str
    limit: int


_ready: set[str] = set()


class RateLimiter:
    """At most ``limit`` requests per key in any ``window`` seconds; ``limit`` 0 means no limit."""

    def __init__(self, path: Path, limit: int, window: float = 60.0, *, clock=time.time) -> None:
        self.path = Path(path)
        self.limit = int(limit)
        self.window = float(window)
        self.clock = clock
        if str(self.path) not in _ready:
            with connect(self.path) as db:
                for statement in SCHEMA:
                    db.execute(statement)
            _ready.add(str(self.path))

    @classmethod
    def for_settings(cls, settings: Settings | None = None) -> RateLimiter:
        """The asking limit of the settings (``ask_rate_per_minute``) in the app database."""
        s = settings or get_settings()
        return cls(app_db(s), s.ask_rate_per_minute, 60.0)

    def check(self, key: str) -> None:
        """Record one request for ``key``, or raise RateLimitError (recording nothing) when over the limit."""
        self.charge([Quota(key, self.limit)])

    def charge(self, quotas: Sequence[Quota]) -> None:
        """Record one request against every quota, or raise RateLimitError for the one that is full
        (the longest wait when several are), recording nothing."""
        active = [q for q in quotas if q.limit > 0]
        if not active:
            return
        now = self.clock()
        start = now - self.window
        refused: RateLimitError | None = None
        with connect(self.path) as db:
            for q in active:
                db.execute("DELETE FROM rate_events WHERE key = ? AND at <= ?", (q.key, start))
                count, oldest = db.execute(
                    "SELECT COUNT(*), MIN(at) FROM rate_events WHERE key = ?", (q.key,)
                ).fetchone()
                if count >= q.limit:
                    # the window opens again when enough of the oldest requests have aged out
                    ages = db.execute(
                        "SELECT at FROM rate_events WHERE key = ? ORDER BY at LIMIT 1 OFFSET ?",
                        (q.key, count - q.limit),
                    ).fetchone()
                    wait = (ages[0] if ages else oldest) + self.window - now
                    if refused is None or wait > refused.retry_after:
                        refused = RateLimitError(q.key, q.limit, self.window, wait)
            if refused is not None:
                raise refused
            db.executemany("INSERT INTO rate_events (key, at) VALUES (?, ?)", [(q.key, now) for q in active])

    def remaining(self, key: str, limit: int | None = None) -> int:
        """How many more requests ``key`` may make now (against ``limit``, default the limiter's)."""
        limit = self.limit if limit is None else limit
        if limit <= 0:
            return -1
        with connect(self.path) as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM rate_events WHERE key = ? AND at > ?", (key, self.clock() - self.window)
            ).fetchone()
        return max(0, limit - count)

    def reset(self, key: str) -> None:
        """Forget a key's requests (e.g. after an admin lifts a limit)."""
        with connect(self.path) as db:
            db.execute("DELETE FROM rate_events WHERE key = ?", (key,))


def check(user_key: str, *, settings: Settings | None = None) -> None:
    """Count one question for ``user_key`` against ``settings.ask_rate_per_minute`` (or RateLimitError)."""
    RateLimiter.for_settings(settings).check(user_key)
