"""The unit's stages fitted to its weeks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineRow:
    """A stage placed on the weeks: ``start``..``end`` inclusive."""

    stage: str
    start: int
    end: int


def fit_timeline(weeks: int, shares: Sequence[float]) -> list[tuple[int, int]]:
    """Week ranges (inclusive) for stages with these shares, covering weeks 1..``weeks`` in order.

    With at least one week per stage the ranges are disjoint and contiguous (largest
    remainder, at least one week each); with fewer weeks, stages share weeks.
    """
    n = len(shares)
    if weeks < n:
        # fewer weeks than stages: stage i sits in the week proportional to its position
        return [(min(weeks, 1 + i * weeks // n), min(weeks, 1 + i * weeks // n)) for i in range(n)]
    total = sum(shares)
    exact = [weeks * s / total for s in shares]
    counts = [max(1, math.floor(x)) for x in exact]
    order = sorted(range(n), key=lambda i: exact[i] - math.floor(exact[i]), reverse=True)
    i = 0
    while sum(counts) < weeks:
        counts[order[i % n]] += 1
        i += 1
    while sum(counts) > weeks:
        big = max(range(n), key=lambda j: counts[j])
        counts[big] -= 1
    ranges, start = [], 1
    for c in counts:
        ranges.append((start, start + c - 1))
        start += c
    return ranges
