"""A cross-process lock file beside a path, so concurrent one-time builds take turns.

Usage:
    >>> with file_lock(Path("models/e5")):
    ...     build_once()
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def file_lock(dest: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``.<name>.lock`` beside ``dest`` for the duration of the block."""
    lock_path = dest.parent / f".{dest.name}.lock"
    with lock_path.open("a+") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - non-POSIX: no inter-process lock
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
