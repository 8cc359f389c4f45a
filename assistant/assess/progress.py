"""Progress: the change per area between an earlier saved assessment and this one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.assess.scoring import Scores

if TYPE_CHECKING:
    from assistant.assess.storage import SavedAssessment


@dataclass(frozen=True)
class AreaDelta:
    id: str
    before: float | None
    now: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.now is None else self.now - self.before

    def to_json(self) -> dict[str, Any]:
        r = lambda v: None if v is None else round(v, 4)  # noqa: E731
        return {"id": self.id, "before": r(self.before), "now": r(self.now), "delta": r(self.delta)}


@dataclass(frozen=True)
class Progress:
    """The change since an earlier saved assessment, area by area."""

    previous_id: int
    previous_label: str
    previous_created: str
    areas: tuple[AreaDelta, ...]
    overall: AreaDelta

    def improved(self, threshold: float = 0.005) -> list[AreaDelta]:
        return [a for a in self.areas if a.delta is not None and a.delta > threshold]

    def declined(self, threshold: float = 0.005) -> list[AreaDelta]:
        return [a for a in self.areas if a.delta is not None and a.delta < -threshold]

    def to_json(self) -> dict[str, Any]:
        return {
            "previous": {
                "id": self.previous_id,
                "label": self.previous_label,
                "created": self.previous_created,
            },
            "overall": self.overall.to_json(),
            "areas": [a.to_json() for a in self.areas],
        }


def compare(now: Scores, previous: SavedAssessment) -> Progress:
    """Deltas per area (by id) between ``previous``'s saved scores and ``now``."""
    before = previous.scores
    areas = tuple(
        AreaDelta(a.id, before.area(a.id).mean if before.has(a.id) else None, a.mean) for a in now.areas
    )
    return Progress(
        previous.id,
        previous.label,
        previous.created,
        areas,
        AreaDelta("overall", before.overall, now.overall),
    )
