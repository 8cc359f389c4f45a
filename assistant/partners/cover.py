"""The complementary set: the fewest partners that together cover a school's needs (greedy set cover).

Usage:
    >>> from assistant.partners.cover import greedy_cover
    >>> result = greedy_cover(5, {"A": {0, 1, 2}, "B": {2, 3}, "C": {3}}, scores={"A": 2.0, "B": 1.0})
    >>> [(s.partner_id, sorted(s.new)) for s in result.steps], result.uncovered
    ([('A', [0, 1, 2]), ('B', [3])], [4])

    >>> from assistant.partners.cover import complementary_set
    >>> cover = complementary_set(match_result)          # from assistant.partners.matching.match

Greedy set cover takes, at each step, the partner covering the most needs still open (ties go
to the higher match score, then the smaller id), and stops when no partner adds a need. It is
the classic ln(n)-approximation; for the handful of needs a school types it is usually optimal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.partners.match_records import MatchResult, Suggestion


@dataclass
class CoverStep:
    """One chosen partner and the needs it newly covers."""

    partner_id: str
    new: set[int]
    suggestion: Suggestion | None = None


@dataclass
class CoverResult:
    """The chosen partners in order, and the needs nobody covers."""

    needs: list[str]
    steps: list[CoverStep] = field(default_factory=list)
    uncovered: list[int] = field(default_factory=list)

    @property
    def partner_ids(self) -> list[str]:
        """The chosen partners' ids, in the order they were picked."""
        return [s.partner_id for s in self.steps]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (needs by text)."""
        return {
            "partners": [
                {
                    "id": s.partner_id,
                    "covers": [self.needs[i] for i in sorted(s.new)],
                    "name_th": s.suggestion.partner.name_th if s.suggestion else "",
                    "name_en": s.suggestion.partner.name_en if s.suggestion else "",
                }
                for s in self.steps
            ],
            "uncovered": [self.needs[i] for i in self.uncovered],
        }


def greedy_cover(
    needs: int | list[str],
    coverage: Mapping[str, set[int]],
    scores: Mapping[str, float] | None = None,
) -> CoverResult:
    """Pick partners greedily until every coverable need is covered.

    ``needs`` is the number of needs or their texts; ``coverage`` maps a partner id to the
    indexes of the needs it covers; ``scores`` break ties (higher first).
    """
    texts = [str(i) for i in range(needs)] if isinstance(needs, int) else list(needs)
    open_needs = set(range(len(texts)))
    scores = scores or {}
    result = CoverResult(needs=texts)
    candidates = {pid: set(c) & open_needs for pid, c in coverage.items()}
    while open_needs:
        best = max(
            candidates,
            key=lambda pid: (len(candidates[pid] & open_needs), scores.get(pid, 0.0), _neg(pid)),
            default=None,
        )
        if best is None:
            break
        gain = candidates[best] & open_needs
        if not gain:
            break
        result.steps.append(CoverStep(partner_id=best, new=gain))
        open_needs -= gain
        del candidates[best]
    result.uncovered = sorted(open_needs)
    return result


def complementary_set(result: MatchResult) -> CoverResult:
    """The fewest allowed partners covering the matched needs, each with its reasons."""
    cover = greedy_cover(result.needs, result.coverage, result.scores)
    for step in cover.steps:
        step.suggestion = result.explain(step.partner_id)
    return cover


def _neg(pid: str) -> tuple[int, ...]:
    """Sort key that prefers the smaller id when it is maximised."""
    return tuple(-ord(ch) for ch in pid)
