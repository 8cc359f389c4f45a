"""A session, a participant, a logged question and a group of questions of one theme."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from assistant.records import Citation


class Status(StrEnum):
    PREPARING = "preparing"
    OPEN = "open"
    CLOSED = "closed"


@dataclass
class Session:
    """A workshop session. ``trainer_key`` is set only on the object ``create_session`` returns."""

    code: str
    name: str
    trainer: str
    workspace: str
    status: Status
    documents: list[str]
    created_at: float
    closed_at: float | None = None
    trainer_key: str = ""

    @property
    def is_open(self) -> bool:
        return self.status is Status.OPEN

    def to_dict(self, *, with_key: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        if not with_key:
            data.pop("trainer_key")
        return data


@dataclass(frozen=True)
class Participant:
    """A participant's handle: which session they joined, under which id."""

    id: str
    code: str
    session_name: str
    name: str = ""


@dataclass
class LoggedQuestion:
    """A question asked in a session, with the answer it got."""

    id: int
    question: str
    answer: str
    citations: list[Citation]
    grounded: bool
    language: str
    backend: str
    asked_at: float
    participant: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["citations"] = [c.to_dict() for c in self.citations]
        return data


@dataclass
class QuestionGroup:
    """Questions of one theme; ``label`` is their most frequent key terms."""

    label: str
    questions: list[LoggedQuestion] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.questions)

    def best(self) -> LoggedQuestion:
        """The best-answered question: grounded first, then more citations, better score, earlier."""
        return max(
            self.questions,
            key=lambda q: (
                q.grounded,
                len(q.citations),
                max((c.score for c in q.citations), default=0),
                -q.id,
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "size": self.size, "questions": [q.to_dict() for q in self.questions]}
