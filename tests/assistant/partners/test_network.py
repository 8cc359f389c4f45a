"""The network: metrics on small known graphs, expiring MOUs, isolated members, drawings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.partners.network import (
    GROUPS_SPAN,
    add_months,
    build_graph,
    centrality,
    draw_png,
    map_layout,
    network_report,
    plotly_figure,
)
from assistant.partners.registry import MouRecord, Partner, PartnerType, Registry


def _partner(pid: str, mous: list[str] | None = None) -> Partner:
    return Partner(
        id=pid, name_th=f"ภาคี {pid}", name_en=f"Partner {pid}", type=PartnerType.SCHOOL, mous=mous or []
    )


def test_path_graph_betweenness_is_known() -> None:
    # A - B - C - D (each edge one MOU): B and C each lie on 2 of the 3 pairs not involving them.
    partners = [_partner(x) for x in "ABCDE"]
    mous = [
        MouRecord("M1", parties=["A", "B"]),
        MouRecord("M2", parties=["B", "C"]),
        MouRecord("M3", parties=["C", "D"]),
    ]
    graph = build_graph(partners, mous)
    degree, _, between = centrality(graph)
    assert degree == {"A": 1, "B": 2, "C": 2, "D": 1, "E": 0}
    # normalised by (n-1)(n-2)/2 = 6 for n = 5 nodes: B is on A-C and A-D → 2/6
    assert between["B"] == pytest.approx(2 / 6)
    assert between["C"] == pytest.approx(2 / 6)
    assert between["A"] == between["E"] == 0


def test_star_from_one_mou_with_many_parties_and_links() -> None:
    # one MOU with three parties is a triangle; a second MOU links the hub to a fourth member
    partners = [_partner("H", ["M2"]), _partner("X"), _partner("Y"), _partner("Z", ["M2"])]
    graph = build_graph(partners, [MouRecord("M1", parties=["H", "X", "Y"])])
    assert sorted(graph.edges()) == [("H", "X"), ("H", "Y"), ("H", "Z"), ("X", "Y")]
    _, _, between = centrality(graph)
    # H is the only way from Z to X and to Y: 2 of the 3 pairs without H
    assert between["H"] == pytest.approx(2 / 3)
    assert graph["H"]["Z"]["mous"] == ["M2"]


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


def test_report_on_the_corpus_registry(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "partners.sqlite")
    registry.seed_if_empty(Path(__file__).resolve().parents[3] / "corpus")
    report = network_report(registry, None, months=6, today=date(2026, 1, 1), lead=("P015",))
    ids = {m.id: m for m in report.members}
    # MOU-2024-003 joins P001, P002, P003 and P021: a clique of four
    assert ids["P021"].degree == 3 and ids["P001"].degree == 3
    assert ids["P015"].lead and "P015" in report.isolated
    assert "P005" in report.isolated and "P021" not in report.isolated
    # from 2026-01-01, only MOU-2024-001 (ends 2026-05-31) ends within 6 months
    assert [e.mou_id for e in report.expiring] == ["MOU-2024-001"]
    assert report.expiring[0].members == ["P004", "P016"]
    assert report.expired == []
    # BM25-only coverage: some needs are met by another member, some are not
    assert report.uncovered_needs
    assert all(n.best_score < 0.5 for n in report.uncovered_needs)
    data = report.to_dict()
    assert data["expiring"][0]["days_left"] == (date(2026, 5, 31) - date(2026, 1, 1)).days

    fig = plotly_figure(report, "th")
    assert len(fig.data) >= 2  # edges + at least one member type
    png = draw_png(report, tmp_path / "map.png", "th")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_map_layout_keeps_members_apart(tmp_path: Path) -> None:
    """Linked groups get their own cells in the middle; unlinked members sit on the unit circle."""
    import itertools
    import math

    registry = Registry(tmp_path / "partners.sqlite")
    registry.seed_if_empty(Path(__file__).resolve().parents[3] / "corpus")
    report = network_report(registry, None, months=6, today=date(2026, 1, 1), with_needs=False)
    graph = build_graph(registry.all(), registry.mous())
    pos = map_layout(graph)
    assert pos == map_layout(graph)  # deterministic
    assert set(pos) == {m.id for m in report.members}
    for node in report.isolated:
        assert math.hypot(*pos[node]) == pytest.approx(1.0)
    for node in set(pos) - set(report.isolated):
        assert max(abs(pos[node][0]), abs(pos[node][1])) <= GROUPS_SPAN / 2
    # the four parties of MOU-2024-003 (a clique) used to be drawn on top of each other
    closest = min(math.dist(pos[a], pos[b]) for a, b in itertools.combinations(pos, 2))
    assert closest > 0.1
    assert report.positions == {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def test_the_map_layout_of_a_small_graph() -> None:
    partners = [_partner(x) for x in "ABC"]
    graph = build_graph(partners, [MouRecord("M1", parties=["A", "B"])])
    pos = map_layout(graph)
    assert pos["A"][0] == pytest.approx(pos["B"][0])  # a pair is drawn upright
    assert pos["C"] == pytest.approx((0.0, 1.0))  # the one unlinked member at the top of the ring


def test_each_member_has_an_mou_standing() -> None:
    """In force, ending within 90 days, ended or none: what the map's colours say."""
    from assistant.partners.network import ENDING_DAYS, mou_state

    today = date(2026, 1, 1)
    assert ENDING_DAYS == 90
    assert mou_state([], today) == "none"
    assert mou_state([date(2027, 1, 1)], today) == "active"
    assert mou_state([None], today) == "active"  # no known end: taken as running
    assert mou_state([date(2026, 3, 1)], today) == "ending"
    assert mou_state([date(2025, 6, 1)], today) == "ended"
    assert mou_state([date(2025, 6, 1), date(2026, 2, 1)], today) == "ending"
    assert mou_state([date(2025, 6, 1), date(2028, 2, 1)], today) == "active"

    partners = [_partner("A"), _partner("B"), _partner("C"), _partner("D"), _partner("E")]
    mous = [
        MouRecord("M1", parties=["A", "B"], end_date="2026-02-15"),
        MouRecord("M2", parties=["C", "D"], end_date="2025-12-01"),
    ]

    class Book:
        def all(self) -> list[Partner]:
            return partners

        def mous(self) -> list[MouRecord]:
            return mous

    report = network_report(Book(), None, months=6, today=today, with_needs=False)  # type: ignore[arg-type]
    states = {m.id: m.mou_state for m in report.members}
    assert states == {"A": "ending", "B": "ending", "C": "ended", "D": "ended", "E": "none"}
    assert report.to_dict()["mou_ends"] == {"M1": "2026-02-15", "M2": "2025-12-01"}
    assert {m["id"]: m["mou_state"] for m in report.to_dict()["members"]} == states
