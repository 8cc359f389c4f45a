"""Saved assessments: one SQLite file per workspace (``assessments.sqlite``), listed newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.assess.scoring import Scores, fmt_score
from assistant.settings import ASSESSMENTS_FILE

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.assess.result import HealthResult
    from assistant.settings import Settings

DB_NAME = ASSESSMENTS_FILE


@dataclass(frozen=True)
class SavedAssessment:
    """A stored assessment: when, what it was called, its answers and scores."""

    id: int
    created: str
    label: str
    language: str
    answers: dict[str, Any]
    scores: Scores

    def to_json(self, *, full: bool = False) -> dict[str, Any]:
        data = {
            "id": self.id,
            "created": self.created,
            "label": self.label,
            "language": self.language,
            "overall": None if self.scores.overall is None else round(self.scores.overall, 4),
            "answered": self.scores.answered,
            "total": self.scores.total,
        }
        if full:
            data |= {"answers": self.answers, "scores": self.scores.to_json()}
        return data

    def title(self) -> str:
        """One line for lists and dropdowns: ``#3 ภาคเรียนที่ 1 · 2025-06-01 10:00 · 3.25``."""
        label = f" {self.label}" if self.label else ""
        return f"#{self.id}{label} · {self.created.replace('T', ' ')[:16]} · {fmt_score(self.scores.overall)}"


class AssessmentStore:
    """The saved assessments of one workspace (``<workspace dir>/assessments.sqlite``)."""

    SCHEMA = """
        CREATE TABLE IF NOT EXISTS assessments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT 'th',
            answers TEXT NOT NULL,
            scores TEXT NOT NULL
        )
    """

    def __init__(self, path: Path) -> None:
        from assistant.storage import connect

        self.path = Path(path)
        with connect(self.path) as db:
            db.execute(self.SCHEMA)

    @classmethod
    def for_workspace(
        cls, settings: Settings, workspace: str, *, principal: Principal
    ) -> AssessmentStore:
        """The saved assessments of ``workspace``.

        WorkspaceAccessError is raised before the file is opened or created unless ``principal``
        may use ``workspace`` (the CLI passes :data:`assistant.access.workspaces.SYSTEM`).
        """
        from assistant.access.workspaces import require_access
        from assistant.storage import workspace_dir

        require_access(principal, workspace, settings=settings)
        workspace_dir(settings, workspace)  # the folder, created on first use
        return cls(settings.assessments_path(workspace))

    def save(self, result: HealthResult, label: str | None = None) -> SavedAssessment:
        """Store ``result`` (its ``label`` unless one is given); sets ``result.saved_id``."""
        from assistant.storage import connect

        label = (label if label is not None else result.label).strip()
        created = datetime.now().isoformat(timespec="seconds")
        answers = json.dumps(result.answers.to_json(), ensure_ascii=False)
        scores = json.dumps(result.scores.to_json(), ensure_ascii=False)
        with connect(self.path) as db:
            cur = db.execute(
                "INSERT INTO assessments (created, label, language, answers, scores) VALUES (?, ?, ?, ?, ?)",
                (created, label, result.language, answers, scores),
            )
            new_id = int(cur.lastrowid or 0)
        result.saved_id = new_id
        if label:
            result.label = label
        return self.get(new_id)

    def list(self) -> list[SavedAssessment]:
        """Every saved assessment, newest first."""
        from assistant.storage import open_db

        conn = open_db(self.path)
        try:
            rows = conn.execute("SELECT * FROM assessments ORDER BY id DESC").fetchall()
        finally:
            conn.close()
        return [self._row(r) for r in rows]

    def get(self, ref: int | str) -> SavedAssessment:
        """An assessment by id, or ``"latest"``; a ValueError naming the saved ids otherwise."""
        saved = self.list()
        if isinstance(ref, str) and ref.strip().lower() == "latest":
            if not saved:
                raise ValueError("no saved assessment in this workspace yet: nothing to compare with")
            return saved[0]
        try:
            wanted = int(str(ref).lstrip("#"))
        except ValueError:
            raise ValueError(f"{ref!r} is not an assessment id (a number, or 'latest')") from None
        for item in saved:
            if item.id == wanted:
                return item
        ids = ", ".join(str(s.id) for s in saved) or "none yet"
        raise ValueError(f"no saved assessment #{wanted}; saved ids: {ids}")

    @staticmethod
    def _row(row: Any) -> SavedAssessment:
        return SavedAssessment(
            id=int(row["id"]),
            created=row["created"],
            label=row["label"],
            language=row["language"],
            answers=json.loads(row["answers"]),
            scores=Scores.from_json(json.loads(row["scores"])),
        )


def answer_mapping(saved: SavedAssessment) -> dict[str, Any]:
    """A saved assessment's answers as an answers mapping (scores, and "not sure" for the skipped)."""
    data: dict[str, Any] = dict(saved.answers.get("scores", {}))
    data.update({iid: "not sure" for iid in saved.answers.get("not_sure", [])})
    return data
