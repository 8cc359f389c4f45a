"""The timed agenda: segments and breaks that add up exactly to the duration."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.workshop.form import WorkshopForm
from assistant.workshop.template import SegmentTemplate, WorkshopTemplate, load_template


class AgendaError(ValueError):
    """The duration cannot hold the agenda (too short for the mandatory segments, or past midnight)."""


@dataclass
class AgendaItem:
    """One timed segment of the agenda. ``start``/``end`` are minutes from the start."""

    kind: str
    title: str
    minutes: int
    start: int
    end: int
    activity: str = ""
    facilitation: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    goal: str = ""
    start_clock: str = ""
    end_clock: str = ""

    @property
    def is_break(self) -> bool:
        return self.kind in ("break", "lunch")

    def time_label(self) -> str:
        """``09:00–09:15`` with a start time, else ``0:00–0:15`` from the start."""
        if self.start_clock:
            return f"{self.start_clock}–{self.end_clock}"
        return f"{_hm(self.start)}–{_hm(self.end)}"


@dataclass
class Agenda:
    """The timed agenda: items that add up exactly to ``total`` minutes."""

    total: int
    items: list[AgendaItem]
    start_time: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "total_minutes": self.total,
            "start_time": self.start_time,
            "items": [asdict(i) for i in self.items],
        }


def allocate(total: int, minimums: Sequence[int], shares: Sequence[float], step: int = 5) -> list[int]:
    """Split ``total`` minutes into parts of ``step`` minutes by ``shares``, each at least its minimum.

    Deterministic largest-remainder rounding; the parts always sum to ``total``.

    >>> allocate(60, [10, 10, 10], [1, 2, 1])
    [15, 30, 15]

    Raises :class:`AgendaError` when the minimums need more than ``total``.
    """
    if total % step:
        raise AgendaError(f"the duration ({total} minutes) must be a multiple of {step} minutes")
    if len(minimums) != len(shares) or not shares:
        raise ValueError("one minimum and one share per segment are needed")
    need = sum(minimums)
    if need > total:
        raise AgendaError(
            f"{total} minutes cannot hold the mandatory segments, which need at least {need} minutes"
        )
    units = total // step
    mins = [-(-m // step) for m in minimums]
    weight = sum(shares)
    ideal = [units * s / weight for s in shares]
    parts = [max(m, int(i)) for m, i in zip(mins, ideal, strict=True)]
    n = len(parts)
    while sum(parts) < units:  # give the units left by the largest remainder; ties → the earlier
        best = max(range(n), key=lambda j: (ideal[j] - parts[j], -j))
        parts[best] += 1
    while sum(parts) > units:  # minimums overshot: the one furthest above its ideal gives back; ties → later
        donors = [j for j in range(n) if parts[j] > mins[j]]
        worst = max(donors, key=lambda j: (parts[j] - ideal[j], j))
        parts[worst] -= 1
    return [p * step for p in parts]


def plan_agenda(form: WorkshopForm, template: WorkshopTemplate | None = None) -> Agenda:
    """The timed agenda of ``form``: segments by template share, breaks inserted, clock times if asked."""
    t = template or load_template()
    lang, total = form.language, form.minutes
    breaks = [t.break_kinds[b] for b in t.break_plan(total)]
    content = total - sum(b.minutes for b in breaks)
    goals = form.goals or [form.topic]
    slots: list[tuple[SegmentTemplate, str, float]] = []
    for seg in t.segments:
        if not seg.mandatory and total < seg.from_minutes:
            continue
        if seg.per_goal:
            slots += [(seg, goal, seg.share / len(goals)) for goal in goals]
        else:
            slots.append((seg, "", seg.share))
    need = sum(s.min_minutes for s, _, _ in slots) + sum(b.minutes for b in breaks)
    if need > total:
        per_goal = [s for s in t.segments if s.per_goal]
        hint = (
            f"; each of the {len(goals)} goals needs its own {per_goal[0].min_minutes}-minute "
            "hands-on segment: choose a longer duration or fewer goals"
            if per_goal and len(goals) > 1
            else ""
        )
        raise AgendaError(
            f"a {_hours(form.duration_hours)} workshop cannot be met: the mandatory segments need at least "
            f"{need} minutes, and it has {total}{hint}"
        )
    minutes = allocate(
        content, [s.min_minutes for s, _, _ in slots], [w for _, _, w in slots], t.rounding_minutes
    )
    values = {"topic": form.topic, "audience": form.audience or "-"}
    items: list[AgendaItem] = []
    repeats = Counter(seg.id for seg, _, _ in slots)
    seen: Counter[str] = Counter()
    for (seg, goal, _), m in zip(slots, minutes, strict=True):
        seen[seg.id] += 1
        count = f" ({seen[seg.id]}/{repeats[seg.id]})" if repeats[seg.id] > 1 else ""
        items.append(
            AgendaItem(
                kind=seg.id,
                title=seg.title.get(lang) + count,
                minutes=m,
                start=0,
                end=0,
                activity=seg.activity.get(lang).format(**values, goal=goal or form.topic),
                facilitation=[x.format(**values, goal=goal) for x in seg.facilitation.get(lang)],
                materials=[x.format(**values, goal=goal) for x in seg.materials.get(lang)],
                goal=goal,
            )
        )
    positions = _break_positions([i.minutes for i in items], len(breaks))
    for position, kind in list(zip(positions, t.break_plan(total), strict=True))[::-1]:
        b = t.break_kinds[kind]
        items.insert(
            position, AgendaItem(kind=kind, title=b.title.get(lang), minutes=b.minutes, start=0, end=0)
        )
    clock = 0
    for item in items:
        item.start, item.end = clock, clock + item.minutes
        clock = item.end
    assert clock == total, (clock, total)
    if form.start_time:
        begin = int(form.start_time[:2]) * 60 + int(form.start_time[3:])
        if begin + total > 24 * 60:
            raise AgendaError(
                f"starting at {form.start_time}, a {_hours(form.duration_hours)} workshop "
                "would end after midnight"
            )
        for item in items:
            item.start_clock, item.end_clock = (
                _hm(begin + item.start, pad=True),
                _hm(begin + item.end, pad=True),
            )
    return Agenda(total=total, items=items, start_time=form.start_time)


def _break_positions(lengths: Sequence[int], count: int) -> list[int]:
    """Where to insert ``count`` breaks between segments (indices into ``lengths``), ascending.

    Break j goes at the boundary whose elapsed content time is closest to j/(count+1) of the
    whole (ties: the earlier boundary), never before the first or after the last segment,
    and never two at one boundary.
    """
    if count == 0:
        return []
    total = sum(lengths)
    bounds = list(range(1, len(lengths)))
    elapsed = {b: sum(lengths[:b]) for b in bounds}
    chosen: list[int] = []
    for j in range(1, count + 1):
        target = total * j / (count + 1)
        free = [b for b in bounds if b not in chosen and (not chosen or b > chosen[-1])]
        if not free:
            raise AgendaError("too few segments to place the breaks")
        chosen.append(min(free, key=lambda b: (abs(elapsed[b] - target), b)))
    return chosen


def _hm(minutes: int, *, pad: bool = False) -> str:
    h, m = divmod(minutes, 60)
    return f"{h:02d}:{m:02d}" if pad else f"{h}:{m:02d}"


def _hours(hours: float) -> str:
    return f"{hours:g}-hour"
