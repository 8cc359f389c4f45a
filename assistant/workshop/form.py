"""The workshop form: what a trainer fills in, checked field by field."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.drafting.engine import check_language
from assistant.drafting.forms import parse_form

if TYPE_CHECKING:
    from collections.abc import Mapping

MIN_HOURS, MAX_HOURS = 1.0, 6.0
MAX_GOALS = 6
ALLOWED_DURATIONS: tuple[float, ...] = tuple(h / 2 for h in range(2, 13))
"""1, 1.5, …, 6 hours."""
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class WorkshopForm(BaseModel):
    """What a trainer fills in; every problem gets a message naming its field (see ``parse_form``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    topic: str = Field(description="what the workshop is about")
    audience: str = Field(default="", description="who comes, e.g. teachers of small schools")
    duration_hours: float = Field(description="1–6 hours, in half hours")
    goals: list[str] = Field(default_factory=list, description="what participants should be able to do")
    language: str = "th"
    start_time: str | None = Field(default=None, description="HH:MM, optional; gives clock times")

    @field_validator("topic")
    @classmethod
    def _topic(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the topic is empty: say what the workshop is about")
        if len(v) > 200:
            raise ValueError("the topic is too long (at most 200 characters)")
        return " ".join(v.split())

    @field_validator("audience")
    @classmethod
    def _audience(cls, v: str) -> str:
        if len(v) > 200:
            raise ValueError("the audience is too long (at most 200 characters)")
        return " ".join(v.split())

    @field_validator("duration_hours", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        try:
            hours = float(str(v).strip().replace(",", "."))
        except (TypeError, ValueError):
            raise ValueError("duration must be 1–6 hours, e.g. 3 or 1.5") from None
        if not MIN_HOURS <= hours <= MAX_HOURS:
            raise ValueError("duration must be 1–6 hours")
        if abs(hours * 2 - round(hours * 2)) > 1e-9:
            raise ValueError("duration must be in whole or half hours (1, 1.5, 2, … 6)")
        return round(hours * 2) / 2

    @field_validator("goals", mode="before")
    @classmethod
    def _goals(cls, v: Any) -> list[str]:
        if v is None:
            return []
        if isinstance(v, str):
            v = v.splitlines()
        goals = [" ".join(str(g).split()) for g in v]
        goals = [g for g in goals if g]
        if len(goals) > MAX_GOALS:
            raise ValueError(f"at most {MAX_GOALS} goals; a workshop with more rarely reaches any")
        if any(len(g) > 200 for g in goals):
            raise ValueError("each goal must be at most 200 characters")
        return list(dict.fromkeys(goals))

    @field_validator("language")
    @classmethod
    def _language(cls, v: str) -> str:
        return check_language(v)

    @field_validator("start_time", mode="before")
    @classmethod
    def _start(cls, v: Any) -> str | None:
        if v is None or str(v).strip() == "":
            return None
        if isinstance(v, int) and not isinstance(v, bool):  # YAML reads 09:00 as 540 (sexagesimal)
            v = f"{v // 60}:{v % 60:02d}"
        match = _CLOCK.match(str(v).strip())
        if not match:
            raise ValueError("start time must be HH:MM, e.g. 09:00")
        return f"{int(match.group(1)):02d}:{match.group(2)}"

    @property
    def minutes(self) -> int:
        return round(self.duration_hours * 60)


def parse_workshop(data: Mapping[str, Any] | WorkshopForm) -> WorkshopForm:
    """Validate a workshop form (raises ``FormError`` listing every problem)."""
    return parse_form(WorkshopForm, data)
