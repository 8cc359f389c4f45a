"""The plan's calendar: its months, the set-up and run phases and the PDCA cycles, fitted to its length."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.plan.record import Month
from assistant.plan.wording import PLAN_PROMPTS, phrase


@dataclass(frozen=True)
class Calendar:
    """The plan's months and its phases (set-up, run window, PDCA cycles), computed from the form."""

    months: list[Month]
    setup: list[int]
    run: list[int]
    cadence: int
    cycles: list[tuple[int, int]]  # (first, last) month index of each PDCA cycle

    @property
    def last(self) -> int:
        return len(self.months) - 1

    def early(self) -> int:
        return min(len(self.setup), self.last)

    def middle(self) -> int:
        return self.run[len(self.run) // 2]

    def recurring(self) -> list[int]:
        return self.run[:: self.cadence]

    def checks(self) -> list[int]:
        found: list[int] = []
        for first, last in self.cycles:
            found += _cycle_checks(first, last)
        return found

    def stage_months(self, first: int, last: int, cycle_no: int) -> dict[str, list[int]]:
        """Months of plan/do/check/act within one cycle."""
        length = last - first + 1
        if length == 1:
            return {"plan": [first], "do": [first], "check": [first], "act": [first]}
        plan_len = len(self.setup) if cycle_no == 1 else 1
        plan_len = min(plan_len, length - 1)
        plan = list(range(first, first + plan_len))
        do = list(range(first + plan_len, last)) or [last]
        return {"plan": plan, "do": do, "check": _cycle_checks(first, last), "act": [last]}


def _cycle_checks(first: int, last: int) -> list[int]:
    length = last - first + 1
    if length <= 2:
        return [last]
    end_check = last - 1
    mid = first + (length - 1) // 2
    return sorted({mid, end_check}) if length >= 4 else [end_check]


def month_label(year: int, month: int, language: str) -> str:
    """A month as shown in ``language`` (Thai month names and Buddhist-era years in Thai)."""
    names = phrase("months", language)
    offset = int(phrase("year_offset", language))
    return phrase("month_format", language, month=names[month - 1], year=year + offset)


def make_calendar(start: str, months: int, language: str) -> Calendar:
    """The months from ``start`` (YYYY-MM) for ``months`` months, with phases fitted to the length."""
    year, month = (int(p) for p in start.split("-"))
    found = []
    for i in range(months):
        y, m = divmod(month - 1 + i, 12)
        found.append(Month(i, f"{year + y:04d}-{m + 1:02d}", month_label(year + y, m + 1, language)))
    setup_len = min(3, max(1, round(months / 6)))
    setup = list(range(min(setup_len, months)))
    run = list(range(setup_len, months - 1)) if months - setup_len >= 2 else [min(setup_len, months - 1)]
    cadence = 1 if months <= 6 else 2 if months <= 12 else 3
    cycles = [(c * 12, min(c * 12 + 11, months - 1)) for c in range(math.ceil(months / 12))]
    return Calendar(found, setup, run, cadence, cycles)


def phase_months(calendar: Calendar, phase: str) -> list[int]:
    """The month indexes of a named phase (setup, early, run, run_all, recurring, check, end)."""
    if phase == "setup":
        return calendar.setup
    if phase == "early":
        return [calendar.early()]
    if phase == "run":
        return [calendar.middle()]
    if phase == "run_all":
        return calendar.run
    if phase == "recurring":
        return calendar.recurring()
    if phase == "check":
        return calendar.checks()
    if phase == "end":
        return [calendar.last]
    raise ValueError(f"unknown phase {phase!r} in {PLAN_PROMPTS.name}")


def month_labels(calendar: Calendar, indexes: Sequence[int], limit: int = 4) -> str:
    """The labels of the months at ``indexes``, comma-joined; long lists keep the first few and the last."""
    names = [calendar.months[i].label for i in dict.fromkeys(indexes)]
    if len(names) > limit:
        names = [*names[: limit - 1], "…", names[-1]]
    return ", ".join(names)
