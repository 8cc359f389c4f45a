"""Scores: the mean of the answered statements per area, per kind (components, factors) and overall.

Also the two number formats the report and the saved-assessment list share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.assess.answers import Answers
from assistant.assess.questionnaire import AreaKind, Questionnaire


@dataclass(frozen=True)
class AreaScore:
    """One area's result: the mean of its answered statements (None when none was answered)."""

    id: str
    kind: AreaKind
    mean: float | None
    answered: int
    total: int
    percent: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "mean": None if self.mean is None else round(self.mean, 4),
            "percent": None if self.percent is None else round(self.percent, 2),
            "answered": self.answered,
            "total": self.total,
        }


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


@dataclass(frozen=True)
class Scores:
    """Means per area, per kind and overall (the mean of the areas with answers, each weighing the same)."""

    areas: tuple[AreaScore, ...]
    overall: float | None
    components: float | None
    factors: float | None
    answered: int
    total: int
    scale_min: int = 1
    scale_max: int = 5

    def area(self, area_id: str) -> AreaScore:
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(f"no area {area_id!r} in these scores")

    def has(self, area_id: str) -> bool:
        return any(a.id == area_id for a in self.areas)

    def percent(self, mean: float | None) -> float | None:
        return None if mean is None else (mean - self.scale_min) / (self.scale_max - self.scale_min) * 100

    def to_json(self) -> dict[str, Any]:
        r = lambda v: None if v is None else round(v, 4)  # noqa: E731
        return {
            "overall": r(self.overall),
            "overall_percent": None if self.overall is None else round(self.percent(self.overall) or 0, 2),
            "components": r(self.components),
            "factors": r(self.factors),
            "answered": self.answered,
            "total": self.total,
            "scale": [self.scale_min, self.scale_max],
            "areas": [a.to_json() for a in self.areas],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Scores:
        low, high = data.get("scale", [1, 5])
        areas = tuple(
            AreaScore(a["id"], AreaKind(a["kind"]), a["mean"], a["answered"], a["total"], a.get("percent"))
            for a in data["areas"]
        )
        return cls(
            areas,
            data["overall"],
            data["components"],
            data["factors"],
            data["answered"],
            data["total"],
            low,
            high,
        )


def score(answers: Answers, q: Questionnaire) -> Scores:
    """Means per component and factor group, the two kind averages and the overall mean."""
    areas = []
    for a in q.areas:
        values = [answers.scores[i.id] for i in a.indicators if i.id in answers.scores]
        mean = _mean(values)
        areas.append(
            AreaScore(
                a.id,
                a.kind,
                mean,
                len(values),
                len(a.indicators),
                None if mean is None else q.scale.percent(mean),
            )
        )
    by_kind = {kind: _mean(s.mean for s in areas if s.kind is kind) for kind in AreaKind}
    return Scores(
        tuple(areas),
        _mean(s.mean for s in areas),
        by_kind[AreaKind.COMPONENT],
        by_kind[AreaKind.FACTOR],
        len(answers.scores),
        len(q.indicators),
        q.scale.min,
        q.scale.max,
    )


def fmt_score(value: float | None, digits: int = 2) -> str:
    """A mean or percent for display (``–`` when there is none)."""
    return "–" if value is None else f"{value:.{digits}f}"


def fmt_delta(value: float | None) -> str:
    """A change with its sign (``+0.25``), or ``–``."""
    return "–" if value is None else f"{value:+.2f}"
