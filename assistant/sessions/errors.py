"""Session errors: each message says what a user can do about it."""

from __future__ import annotations


class SessionError(ValueError):
    """A session problem a user can act on; the message says which."""


class SessionNotFoundError(SessionError):
    def __init__(self, code: str = "") -> None:
        super().__init__("no session with this code")
        self.code = code


class SessionClosedError(SessionError):
    def __init__(self, code: str = "") -> None:
        super().__init__("this session is closed")
        self.code = code


class SessionNotReadyError(SessionError):
    def __init__(self, code: str = "") -> None:
        super().__init__("this session is still being prepared; try again in a moment")
        self.code = code


class TrainerKeyError(SessionError):
    def __init__(self) -> None:
        super().__init__("the trainer key does not match this session")


class IsolationError(RuntimeError):
    """An answer cited a chunk outside the session's workspace (must never happen)."""
