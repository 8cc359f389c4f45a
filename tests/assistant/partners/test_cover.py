"""Greedy set cover: a hand-checked case, ties, and what stays uncovered."""

from __future__ import annotations

from assistant.partners.cover import greedy_cover


def test_hand_checked_cover_picks_the_fewest_partners() -> None:
    # needs 0..5; the optimum is B + D (B covers 0,1,2; D covers 3,4), need 5 nobody covers.
    coverage = {
        "A": {0, 1},
        "B": {0, 1, 2},
        "C": {2, 3},
        "D": {3, 4},
        "E": {4},
    }
    result = greedy_cover(["n0", "n1", "n2", "n3", "n4", "n5"], coverage)
    assert result.partner_ids == ["B", "D"]
    assert [sorted(s.new) for s in result.steps] == [[0, 1, 2], [3, 4]]
    assert result.uncovered == [5]
    assert result.to_dict()["uncovered"] == ["n5"]


def test_ties_go_to_the_higher_score_then_the_smaller_id() -> None:
    coverage = {"P2": {0}, "P1": {0}, "P3": {1}}
    assert greedy_cover(2, coverage).partner_ids == ["P1", "P3"]
    assert greedy_cover(2, coverage, scores={"P2": 0.9, "P1": 0.1}).partner_ids == ["P2", "P3"]


def test_nothing_to_cover() -> None:
    result = greedy_cover(3, {})
    assert result.steps == [] and result.uncovered == [0, 1, 2]
