"""The network map: members linked by shared MOUs, who connects it, who is isolated, what expires.

Usage:
    >>> from assistant.partners.network import network_report, plotly_figure, draw_png
    >>> report = network_report(registry, embedder, months=12, lead=("P015",))
    >>> report.isolated[:3], [e.mou_id for e in report.expiring]
    (['P005', 'P007', 'P008'], ['MOU-2024-001'])
    >>> fig = plotly_figure(report, "th")                 # for gr.Plot
    >>> draw_png(report, Path("map.png"), "th")            # for the CLI (matplotlib, Agg, Thai font)

The graph (networkx): one node per registered partner (the lead school(s) are marked), and an
edge between two partners that are parties to (or linked with) the same MOU, carrying the MOU
ids. Reported per member: degree, degree centrality and normalised betweenness centrality.
Also reported: isolated members (no shared MOU), MOUs ending within N months (and those already
ended), and members' needs that no *other* member's capabilities or resources cover (same
relevance and ``COVER_MIN`` threshold as matching; BM25 only when no embedder is given).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.partners.models import MouRecord, Partner
from assistant.partners.registry import Registry

if TYPE_CHECKING:
    import networkx as nx
    import plotly.graph_objects as go

    from ingest.embeddings import Embedder

ENDING_DAYS = 90
"""An MOU ending within this many days is *ending soon* (the map's colour; partner cards use the same)."""
MOU_STATES = ("active", "ending", "ended", "none")
"""A member's MOU standing, as the map colours it: a running MOU, one ending soon, all ended, or none."""
THAI_FONTS = ["Loma", "Garuda", "Noto Sans Thai", "Sarabun", "Tahoma", "DejaVu Sans"]
TYPE_COLOURS = {
    "school": "#4c6ef5",
    "university": "#7950f2",
    "vocational_college": "#be4bdb",
    "lao": "#12b886",
    "business": "#fab005",
    "ngo": "#fd7e14",
    "hospital": "#fa5252",
    "community": "#40c057",
    "government_office": "#868e96",
    "other": "#adb5bd",
}


@dataclass
class Member:
    """One member's place in the network."""

    id: str
    name_th: str
    name_en: str
    type: str
    degree: int
    degree_centrality: float
    betweenness: float
    lead: bool = False
    mous: list[str] = field(default_factory=list)
    mou_state: str = "none"  # one of MOU_STATES

    def name(self, lang: str) -> str:
        """The name in ``lang``, falling back to the other language."""
        return (self.name_en or self.name_th) if lang == "en" else (self.name_th or self.name_en)


@dataclass
class Expiry:
    """An MOU that ends soon (or has ended), with its members."""

    mou_id: str
    title: str
    end_date: str
    days_left: int
    members: list[str]


@dataclass
class OpenNeed:
    """A member's need that no other member covers."""

    partner_id: str
    need: str
    best_partner: str | None  # the closest other member, for orientation
    best_score: float


@dataclass
class NetworkReport:
    """Everything the network map shows."""

    members: list[Member]
    edges: list[tuple[str, str, list[str]]]
    isolated: list[str]
    expiring: list[Expiry]
    expired: list[Expiry]
    uncovered_needs: list[OpenNeed]
    months: int
    today: str
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    mou_ends: dict[str, str] = field(default_factory=dict)  # MOU id -> ISO end date ("" when unknown)

    @property
    def connectors(self) -> list[Member]:
        """Members on shortest paths between others (betweenness > 0), most central first."""
        return sorted((m for m in self.members if m.betweenness > 0), key=lambda m: (-m.betweenness, m.id))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "today": self.today,
            "months": self.months,
            "members": [
                asdict(m) for m in sorted(self.members, key=lambda m: (-m.betweenness, -m.degree, m.id))
            ],
            "edges": [{"a": a, "b": b, "mous": m} for a, b, m in self.edges],
            "connectors": [m.id for m in self.connectors],
            "isolated": self.isolated,
            "expiring": [asdict(e) for e in self.expiring],
            "expired": [asdict(e) for e in self.expired],
            "uncovered_needs": [asdict(n) for n in self.uncovered_needs],
            "mou_ends": dict(self.mou_ends),
        }


# ---------------------------------------------------------------------- the graph


def build_graph(partners: Sequence[Partner], mous: Sequence[MouRecord], lead: Sequence[str] = ()) -> nx.Graph:
    """Members as nodes; an edge for every pair of members sharing an MOU (``mous`` edge attribute)."""
    import networkx as nx

    graph = nx.Graph()
    known = {p.id for p in partners}
    for p in partners:
        graph.add_node(p.id, name_th=p.name_th, name_en=p.name_en, type=p.type.value, lead=p.id in set(lead))
    members: dict[str, set[str]] = {}
    for m in mous:
        members.setdefault(m.id, set()).update(x for x in m.parties if x in known)
    for p in partners:
        for mou_id in p.mous:
            members.setdefault(mou_id, set()).add(p.id)
    for mou_id, ids in sorted(members.items()):
        for a, b in itertools.combinations(sorted(ids), 2):
            if graph.has_edge(a, b):
                graph[a][b]["mous"].append(mou_id)
            else:
                graph.add_edge(a, b, mous=[mou_id])
    return graph


def centrality(graph: nx.Graph) -> tuple[dict[str, int], dict[str, float], dict[str, float]]:
    """Degree, degree centrality and normalised betweenness of every node."""
    import networkx as nx

    degree = dict(graph.degree())
    return degree, nx.degree_centrality(graph), nx.betweenness_centrality(graph, normalized=True)


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months ahead (clamped to the month's last day)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def expiring_mous(
    mous: Sequence[MouRecord], graph: nx.Graph, months: int, today: date
) -> tuple[list[Expiry], list[Expiry]]:
    """MOUs ending within ``months`` of ``today``, and MOUs already ended (each with its members)."""
    horizon = add_months(today, months)
    members: dict[str, set[str]] = {m.id: {x for x in m.parties if x in graph} for m in mous}
    for a, b, data in graph.edges(data=True):
        for mou_id in data.get("mous", []):
            members.setdefault(mou_id, set()).update((a, b))
    soon: list[Expiry] = []
    ended: list[Expiry] = []
    for m in mous:
        end = m.end()
        if end is None:
            continue
        item = Expiry(m.id, m.title, end.isoformat(), (end - today).days, sorted(members.get(m.id, ())))
        if end < today:
            ended.append(item)
        elif end <= horizon:
            soon.append(item)
    return sorted(soon, key=lambda e: e.end_date), sorted(ended, key=lambda e: e.end_date)


def mou_state(ends: Sequence[date | None], today: date, days: int = ENDING_DAYS) -> str:
    """A member's MOU standing from its MOUs' end dates (None: unknown end, taken as running).

    ``active`` when one runs beyond ``days`` from ``today`` (or has no known end), else ``ending``
    when one ends within ``days``, else ``ended``; ``none`` without MOUs.
    """
    if not ends:
        return "none"
    if any(e is None or (e - today).days > days for e in ends):
        return "active"
    return "ending" if any(e >= today for e in ends if e is not None) else "ended"


def uncovered_needs(registry: Registry, embedder: Embedder | None) -> list[OpenNeed]:
    """Members' needs that no other member covers (relevance below ``COVER_MIN`` for every other member)."""
    from assistant.partners.match_index import build_index
    from assistant.partners.match_records import Mode
    from assistant.partners.matching import COVER_MIN, relevance_matrix

    index = build_index(registry, embedder)
    pairs = [(pos, need) for pos, p in enumerate(index.partners) for need in p.needs]
    if not pairs:
        return []
    needs = [need for _, need in pairs]
    rel_u, _, _ = relevance_matrix(needs, index, embedder, Mode.COMBINED if embedder else Mode.BM25)
    per_partner = np.zeros((len(index.partners), len(needs)), dtype=np.float32)
    if len(index.starts):
        rel_items = rel_u[index.item_unique] * index.item_weight[:, None]
        per_partner[index.with_items] = np.maximum.reduceat(rel_items, index.starts, axis=0)
    out: list[OpenNeed] = []
    for j, (owner, need) in enumerate(pairs):
        column = per_partner[:, j].copy()
        column[owner] = -1.0
        best = int(np.argmax(column))
        if column[best] < COVER_MIN:
            found = index.partners[best].id if column[best] > 0 else None
            out.append(OpenNeed(index.partners[owner].id, need, found, round(float(max(column[best], 0)), 4)))
    return out


def network_report(
    registry: Registry,
    embedder: Embedder | None = None,
    *,
    months: int = 6,
    today: date | None = None,
    lead: Sequence[str] = (),
    with_needs: bool = True,
) -> NetworkReport:
    """The network of the registry's members with its metrics, expiring MOUs and uncovered needs."""

    if months < 0:
        raise ValueError(f"months must be 0 or more, not {months}")
    today = today or date.today()
    partners = registry.all()
    mous = registry.mous()
    graph = build_graph(partners, mous, lead)
    degree, dc, bc = centrality(graph)
    ends = {m.id: m.end() for m in mous}
    members = [
        Member(
            id=p.id,
            name_th=p.name_th,
            name_en=p.name_en,
            type=p.type.value,
            degree=int(degree.get(p.id, 0)),
            degree_centrality=round(float(dc.get(p.id, 0.0)), 4),
            betweenness=round(float(bc.get(p.id, 0.0)), 4),
            lead=p.id in set(lead),
            mous=sorted({m for _, _, d in graph.edges(p.id, data=True) for m in d["mous"]} | set(p.mous)),
        )
        for p in partners
    ]
    for member in members:
        member.mou_state = mou_state([ends.get(m) for m in member.mous], today)
    soon, ended = expiring_mous(mous, graph, months, today)
    positions = map_layout(graph)
    return NetworkReport(
        members=members,
        edges=[(a, b, list(d["mous"])) for a, b, d in graph.edges(data=True)],
        isolated=sorted(n for n in graph if graph.degree(n) == 0),
        expiring=soon,
        expired=ended,
        uncovered_needs=uncovered_needs(registry, embedder) if with_needs else [],
        months=months,
        today=today.isoformat(),
        positions={n: (float(x), float(y)) for n, (x, y) in positions.items()},
        mou_ends={m.id: (end.isoformat() if (end := m.end()) else "") for m in mous},
    )


# ---------------------------------------------------------------------- drawing

GROUPS_SPAN = 1.3
"""Linked members are drawn inside the square of this side around the centre; the ring has radius 1."""


def _upright(points: np.ndarray) -> np.ndarray:
    """Turn a group's points so that its longest spread is vertical (labels are written beside them)."""
    centred = points - points.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    vx, vy = vectors[:, -1]  # the direction of the largest spread
    turn = math.pi / 2 - math.atan2(vy, vx)
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    return centred @ rotation.T


def map_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Where each member is drawn: linked groups apart in the middle, unlinked members on a ring around them.

    A plain spring layout pushes the many unlinked members outwards and squeezes each group of
    MOU partners into one spot, where their labels overlap. Here each group of two or more gets
    its own cell of a grid (Kamada-Kawai inside the cell, so its members keep their distance),
    and the members without a link sit evenly on the unit circle, in id order. Deterministic.
    """
    import networkx as nx

    groups = sorted(
        (sorted(c) for c in nx.connected_components(graph) if len(c) > 1), key=lambda c: (-len(c), c[0])
    )
    positions: dict[str, tuple[float, float]] = {}
    if groups:
        cols = math.ceil(math.sqrt(len(groups)) / 1.4)  # taller than wide: labels are written sideways
        rows = math.ceil(len(groups) / cols)
        width, height = GROUPS_SPAN / cols, GROUPS_SPAN / rows
        for i, group in enumerate(groups):
            row, col = divmod(i, cols)
            cx = -GROUPS_SPAN / 2 + width * (col + 0.5)
            cy = GROUPS_SPAN / 2 - height * (row + 0.5)
            inside = nx.kamada_kawai_layout(graph.subgraph(group))
            points = _upright(np.array([inside[n] for n in group], dtype=float))
            points /= max(float(np.abs(points).max()), 1e-9)
            points *= (width * 0.12, height * 0.36)
            positions.update(
                {n: (cx + float(x), cy + float(y)) for n, (x, y) in zip(group, points, strict=True)}
            )
    alone = sorted(n for n in graph if graph.degree(n) == 0)
    for j, node in enumerate(alone):
        angle = math.pi / 2 - 2 * math.pi * j / len(alone)
        positions[node] = (math.cos(angle), math.sin(angle))
    return positions


def label_sides(report: NetworkReport) -> dict[str, bool]:
    """For each member, whether its label goes to the right (True) or left of it, away from its partners.

    Members on the ring are labelled outwards; a member of a group on the side away from the
    middle of its partners (the groups are drawn upright, so their labels stack without overlap).
    """
    pos = report.positions
    neighbours: dict[str, list[str]] = {}
    for a, b, _ in report.edges:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    sides: dict[str, bool] = {}
    for member in report.members:
        x = pos[member.id][0]
        around = neighbours.get(member.id)
        middle = sum(pos[n][0] for n in around) / len(around) if around else 0.0
        sides[member.id] = x >= middle - 1e-6
    return sides


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plotly_figure(report: NetworkReport, lang: str = "th") -> go.Figure:
    """An interactive map (plotly): edges as lines, members coloured by type and sized by degree."""
    import plotly.graph_objects as go

    pos = report.positions
    expiring = {m for e in report.expiring for m in e.members}
    sides = label_sides(report)
    fig = go.Figure()
    xs: list[float | None] = []
    ys: list[float | None] = []
    for a, b, _ in report.edges:
        xs += [pos[a][0], pos[b][0], None]
        ys += [pos[a][1], pos[b][1], None]
    fig.add_trace(
        go.Scatter(x=xs, y=ys, mode="lines", line={"width": 1, "color": "#adb5bd"}, hoverinfo="skip")
    )
    for kind, colour in TYPE_COLOURS.items():
        members = [m for m in report.members if m.type == kind]
        if not members:
            continue
        fig.add_trace(
            go.Scatter(
                x=[pos[m.id][0] for m in members],
                y=[pos[m.id][1] for m in members],
                mode="markers+text",
                name=kind,
                text=[m.id for m in members],
                textposition=["middle right" if sides[m.id] else "middle left" for m in members],
                hovertext=[
                    f"{m.id} {m.name(lang)}<br>degree {m.degree} · betweenness {m.betweenness:.2f}"
                    + (f"<br>MOU: {', '.join(m.mous)}" if m.mous else "")
                    for m in members
                ],
                hoverinfo="text",
                marker={
                    "size": [12 + 5 * m.degree + (8 if m.lead else 0) for m in members],
                    "color": colour,
                    "symbol": ["star" if m.lead else "circle" for m in members],
                    "line": {
                        "width": [3 if m.id in expiring else 1 for m in members],
                        "color": ["#e03131" if m.id in expiring else "#ffffff" for m in members],
                    },
                },
            )
        )
    fig.update_layout(
        showlegend=True,
        height=560,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"visible": False},
        yaxis={"visible": False},
        font={"family": ", ".join(THAI_FONTS)},
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def draw_png(report: NetworkReport, path: Path, lang: str = "th", title: str = "") -> Path:
    """Draw the map as a PNG with matplotlib (Agg backend, a Thai-capable font); returns ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    plt.rcParams["font.family"] = [f for f in THAI_FONTS if f in available] or ["DejaVu Sans"]
    pos = report.positions
    expiring = {m for e in report.expiring for m in e.members}
    on_ring = set(report.isolated)
    fig, ax = plt.subplots(figsize=(14, 11), dpi=110)
    parties: dict[str, set[str]] = {}
    for a, b, mous in report.edges:
        ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color="#adb5bd", linewidth=1, zorder=1)
        for mou in mous:
            parties.setdefault(mou, set()).update((a, b))
    if len(parties) <= 40:  # each MOU named once, in the middle of its parties
        by_members: dict[frozenset[str], list[str]] = {}
        for mou, members in sorted(parties.items()):
            by_members.setdefault(frozenset(members), []).append(mou)
        for members, mous in by_members.items():
            x = sum(pos[m][0] for m in members) / len(members)
            y = sum(pos[m][1] for m in members) / len(members)
            ax.text(x, y, "\n".join(mous), fontsize=6, color="#868e96", ha="center", va="center", zorder=1)
    sides = label_sides(report)
    for kind, colour in TYPE_COLOURS.items():
        members = [m for m in report.members if m.type == kind]
        if not members:
            continue
        ax.scatter(
            [pos[m.id][0] for m in members],
            [pos[m.id][1] for m in members],
            s=[80 + 60 * m.degree + (120 if m.lead else 0) for m in members],
            c=colour,
            marker="o",
            edgecolors=["#e03131" if m.id in expiring else "#ffffff" for m in members],
            linewidths=[2.5 if m.id in expiring else 0.8 for m in members],
            label=kind,
            zorder=2,
        )
        for m in members:
            label = f"{m.id} {_short(m.name(lang))}"
            weight = "bold" if m.lead else "normal"
            x, y = pos[m.id]
            right = sides[m.id]
            if m.id in on_ring:  # outward along the radius, so neighbours on the ring never overlap
                angle = math.degrees(math.atan2(y, x))
                ax.annotate(
                    label,
                    (x, y),
                    xytext=(x * 1.04, y * 1.04),
                    rotation=angle if right else angle - 180,
                    rotation_mode="anchor",
                    ha="left" if right else "right",
                    va="center",
                    fontsize=7,
                    fontweight=weight,
                )
            else:
                ax.annotate(
                    f"{m.id} {_short(m.name(lang), 16)}",
                    (x, y),
                    textcoords="offset points",
                    xytext=(9 if right else -9, 0),
                    ha="left" if right else "right",
                    va="center",
                    fontsize=7,
                    fontweight=weight,
                )
    from matplotlib.lines import Line2D

    def key(colour: str, edge: str = "#ffffff") -> Line2D:
        return Line2D([], [], linestyle="", marker="o", markersize=8, color=colour, markeredgecolor=edge)

    shown = [k for k in TYPE_COLOURS if any(m.type == k for m in report.members)]
    handles = [key(TYPE_COLOURS[k]) for k in shown]
    names = list(shown)
    if expiring:
        handles.append(key("#ffffff", "#e03131"))
        names.append(f"MOU ends ≤ {report.months} mo")
    ax.legend(handles, names, loc="upper left", bbox_to_anchor=(0, 1), fontsize=8, frameon=False)
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.6, 1.6)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
