"""The Partners tab's network map for a teacher: names not codes, what the links mean in words.

Usage:
    >>> data = report.to_dict() | {"positions": report.positions}  # a NetworkReport, as the tab keeps it
    >>> figure = network_figure(labels, "th", data)                   # gr.Plot
    >>> network_markdown(labels, "th", data)    # below the map: who links the network, who is alone, needs
    >>> mou_watch_markdown(labels, "th", data)  # beside the map: MOUs ended or ending soon, with dates

Everything is drawn from the report's data (not the report object), so a change of language
redraws the map and the lists from the tab's state without computing the network again.

On the map each member is labelled with its name in the UI's language; its symbol says its type
and its colour its MOU standing (``mou_state``: in force, ending within
:data:`~assistant.partners.network.ENDING_DAYS` days, ended, none). The hover text says in words
how many partners it works with and whether it links others; the legend names types and MOU
states in words (no "trace 0", no "degree" or "betweenness").
"""

from __future__ import annotations

import html
from typing import Any

from assistant.ui.display import code_label, show_date
from assistant.ui.i18n import Labels

STATE_COLOURS = {"active": "#2f9e44", "ending": "#f08c00", "ended": "#e03131", "none": "#adb5bd"}
"""The fill of a member by its MOU standing: green, orange, red, grey."""
TYPE_SYMBOLS = {
    "school": "circle",
    "university": "square",
    "vocational_college": "diamond",
    "lao": "triangle-up",
    "business": "pentagon",
    "ngo": "hexagon",
    "hospital": "cross",
    "community": "triangle-down",
    "government_office": "triangle-left",
    "other": "circle-open",
}
"""The symbol of each partner type (the legend shows them in words)."""
LEAD_SYMBOL = "star"
NAME_LIMIT = 24


def _ending_days() -> int:
    from assistant.partners.network import ENDING_DAYS

    return ENDING_DAYS


def member_name(member: dict, lang: str) -> str:
    """A member's name in ``lang`` (the other language's when missing, the code as a last resort)."""
    th, en = member.get("name_th") or "", member.get("name_en") or ""
    return ((en or th) if lang == "en" else (th or en)) or str(member.get("id", ""))


def _names(report: dict, lang: str) -> dict[str, str]:
    return {m["id"]: member_name(m, lang) for m in report.get("members", [])}


def _short(text: str, limit: int = NAME_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def state_words(labels: Labels, lang: str, state: str) -> str:
    """A member's MOU standing in words (the legend's entry)."""
    return labels.text(f"partners.mou_state.{state}", lang, days=_ending_days())


def _mou_end_words(labels: Labels, lang: str, end: str, today: str) -> str:
    if not end:
        return labels.text("partners.mou_no_end", lang)
    key = "partners.mou_ended_on" if today and end < today else "partners.mou_ends_on"
    return labels.text(key, lang, date=show_date(end, lang))


def hover_text(labels: Labels, lang: str, member: dict, report: dict) -> str:
    """What a member's pop-up says: name, type, how many it works with, whether it links others, its MOUs."""
    name = html.escape(member_name(member, lang))
    lines = [f"<b>{name}</b>"]
    kind = code_label(labels, lang, "partner_type", member.get("type", ""))
    lines.append(labels.text("partners.kind", lang, kind=html.escape(kind)))
    if member.get("lead"):
        lines.append(labels.text("partners.lead_school", lang))
    degree = int(member.get("degree", 0))
    if degree:
        lines.append(labels.text("partners.works_with", lang, count=degree))
    else:
        lines.append(labels.text("partners.works_with_none", lang))
    if member.get("betweenness", 0) > 0:
        lines.append(labels.text("partners.links_others", lang))
    ends = report.get("mou_ends", {})
    for mou in member.get("mous", []):
        when = _mou_end_words(labels, lang, ends.get(mou, ""), report.get("today", ""))
        lines.append(labels.text("partners.mou_line", lang, mou=html.escape(mou), state=when))
    return "<br>".join(lines)


WIDTH = 10.0
"""The map's drawing units across (and up): columns of unlinked members at the sides, groups between."""
COLUMN_X = (0.1, 7.6)
"""Where the two columns of members without a shared MOU stand (their names written to the right)."""
GROUPS_X = 4.9
"""The middle of the column of linked groups (names to the left and right of it)."""


def teacher_layout(report: dict) -> tuple[dict[str, tuple[float, float]], dict[str, bool]]:
    """Where each member is drawn and whether its name goes right of it (True) or left.

    Names are long (Thai school names especially), so the map keeps them apart: members without
    a shared MOU stand in two columns at the sides, written rightwards one per row; the groups of
    MOU partners are stacked in the middle, one above the other, each keeping the shape the
    report's layout gave it, its names written away from its middle.
    """
    members = [m["id"] for m in report.get("members", [])]
    known = set(members)
    pos = report.get("positions", {})
    around: dict[str, set[str]] = {}
    for edge in report.get("edges", []):
        if edge["a"] in known and edge["b"] in known:
            around.setdefault(edge["a"], set()).add(edge["b"])
            around.setdefault(edge["b"], set()).add(edge["a"])
    groups: list[list[str]] = []
    seen: set[str] = set()
    for start in sorted(around):
        if start in seen:
            continue
        group, todo = [], [start]
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                group.append(node)
                todo += sorted(around[node] - seen)
        groups.append(sorted(group))
    groups.sort(key=lambda g: (-len(g), g[0]))
    alone = sorted(n for n in members if n not in around)
    where: dict[str, tuple[float, float]] = {}
    sides: dict[str, bool] = {}
    half = (len(alone) + 1) // 2
    rows = max(half, 1)
    for j, node in enumerate(alone):
        column, row = divmod(j, half) if half else (0, 0)
        y = WIDTH - (row + 0.5) * WIDTH / rows
        where[node] = (COLUMN_X[column], y)
        sides[node] = True
    total = sum(len(g) + 1 for g in groups) or 1
    top = WIDTH
    for group in groups:
        band = WIDTH * (len(group) + 1) / total
        points = [pos.get(n, (0.0, float(i))) for i, n in enumerate(group)]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sx = max(max(abs(x - mx) for x in xs), 1e-9)
        sy = max(max(abs(y - my) for y in ys), 1e-9)
        for node, x, y in zip(group, xs, ys, strict=True):
            dx = (x - mx) / sx * 0.35 if sx > 1e-6 else 0.0
            dy = (y - my) / sy * band * 0.35 if sy > 1e-6 else 0.0
            where[node] = (GROUPS_X + dx, top - band / 2 + dy)
            sides[node] = dx >= -1e-6
        top -= band
    return where, sides


def _size(member: dict) -> int:
    """A member's marker size: larger for more partners (up to six), and for a lead school."""
    return 12 + 3 * min(int(member.get("degree", 0)), 6) + (6 if member.get("lead") else 0)


def network_figure(labels: Labels, lang: str, report: dict) -> Any:
    """The map (plotly): members named in ``lang``, coloured by MOU standing, shaped by type."""
    import plotly.graph_objects as go

    from assistant.partners.network import THAI_FONTS

    pos, sides = teacher_layout(report)
    members = [m for m in report.get("members", []) if m["id"] in pos]
    fig = go.Figure()
    xs: list[float | None] = []
    ys: list[float | None] = []
    for edge in report.get("edges", []):
        if edge["a"] in pos and edge["b"] in pos:
            xs += [pos[edge["a"]][0], pos[edge["b"]][0], None]
            ys += [pos[edge["a"]][1], pos[edge["b"]][1], None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"width": 1, "color": "#ced4da"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    mou_title = labels.text("partners.legend_mou", lang)
    for state, colour in STATE_COLOURS.items():
        group = [m for m in members if m.get("mou_state", "none") == state]
        if not group:  # the key still shows every colour, so a teacher knows what orange would mean
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    name=state_words(labels, lang, state),
                    legendgroup="mou",
                    legendgrouptitle={"text": mou_title},
                    marker={"size": 12, "color": colour, "line": {"width": 1, "color": "#495057"}},
                    hoverinfo="skip",
                )
            )
            continue
        names = [html.escape(_short(member_name(m, lang))) for m in group]
        fig.add_trace(
            go.Scatter(
                x=[pos[m["id"]][0] for m in group],
                y=[pos[m["id"]][1] for m in group],
                mode="markers+text",
                name=state_words(labels, lang, state),
                legendgroup="mou",
                legendgrouptitle={"text": mou_title},
                text=[f"<b>{n}</b>" if m.get("lead") else n for n, m in zip(names, group, strict=True)],
                textposition=["middle right" if sides.get(m["id"], True) else "middle left" for m in group],
                textfont={"size": 11},
                hovertext=[hover_text(labels, lang, m, report) for m in group],
                hoverinfo="text",
                marker={
                    "size": [_size(m) for m in group],
                    "color": colour,
                    "symbol": [
                        LEAD_SYMBOL if m.get("lead") else TYPE_SYMBOLS.get(m.get("type", ""), "circle")
                        for m in group
                    ],
                    "line": {"width": 1, "color": "#495057"},
                },
            )
        )
    type_title = labels.text("partners.legend_types", lang)
    shown_types = [t for t in TYPE_SYMBOLS if any(m.get("type") == t for m in members)]
    for kind in shown_types:  # legend only: the symbol of each type, in words
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=code_label(labels, lang, "partner_type", kind),
                legendgroup="types",
                legendgrouptitle={"text": type_title},
                marker={"size": 10, "color": "#868e96", "symbol": TYPE_SYMBOLS[kind]},
                hoverinfo="skip",
            )
        )
    if any(m.get("lead") for m in members):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=labels.text("partners.lead_school", lang),
                legendgroup="types",
                marker={"size": 12, "color": "#868e96", "symbol": LEAD_SYMBOL},
                hoverinfo="skip",
            )
        )
    fig.update_layout(
        showlegend=True,
        height=760,
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        xaxis={"visible": False, "range": [-0.1, WIDTH], "fixedrange": False},
        yaxis={"visible": False, "range": [-0.2, WIDTH + 0.5]},  # room for the plot's label at the top
        legend={
            "orientation": "h",
            "x": 0,
            "y": -0.01,
            "yanchor": "top",
            "groupclick": "toggleitem",
            "tracegroupgap": 16,
            "font": {"size": 12},
        },
        font={"family": ", ".join(THAI_FONTS)},
        hoverlabel={"align": "left"},
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def network_markdown(labels: Labels, lang: str, report: dict) -> str:
    """Below the map: who holds the network together, who has no shared MOU yet, needs no member covers."""
    names = _names(report, lang)
    none = labels.text("partners.none", lang)
    lines = [f"**{labels.text('partners.connectors', lang)}**"]
    central = [m for m in report["members"] if m.get("betweenness", 0) > 0][:8]
    lines += [
        f"- {names[m['id']]} — " + labels.text("partners.centrality", lang, degree=m.get("degree", 0))
        for m in central
    ] or [f"- {none}"]
    lines += ["", f"**{labels.text('partners.isolated', lang, count=len(report['isolated']))}**"]
    lines.append(", ".join(names.get(i, i) for i in report["isolated"]) or none)
    uncovered = report.get("uncovered_needs", [])
    lines += ["", f"**{labels.text('partners.uncovered', lang, count=len(uncovered))}**"]
    lines += [f"- {names.get(n['partner_id'], n['partner_id'])}: {n['need']}" for n in uncovered]
    return "\n".join(lines)


def _watch_item(labels: Labels, lang: str, names: dict[str, str], item: dict, when: str) -> str:
    who = ", ".join(names.get(i, i) for i in item.get("members", [])) or item.get("title") or item["mou_id"]
    return "- " + labels.text("partners.watch_item", lang, names=who, when=when, mou=item["mou_id"])


def mou_watch_markdown(labels: Labels, lang: str, report: dict | None) -> str:
    """Beside the map: the MOUs that have ended and those ending within the chosen months, with dates.

    Those ending within :data:`~assistant.partners.network.ENDING_DAYS` days are marked as ending
    soon (the map's orange). Dates are in the UI's calendar (Buddhist era in Thai).
    """
    if not report:
        return labels.text("partners.watch_empty", lang)
    names = _names(report, lang)
    months = report.get("months", 0)
    lines = [f"### {labels.text('partners.watch_title', lang)}"]
    ended = report.get("expired", [])
    if ended:
        lines += ["", f"**{labels.text('partners.expired', lang)}**"]
        for e in ended:
            when = labels.text("partners.mou_ended_on", lang, date=show_date(e["end_date"], lang))
            lines.append(_watch_item(labels, lang, names, e, when))
    soon = report.get("expiring", [])
    if soon:
        lines += ["", f"**{labels.text('partners.expiring', lang, months=months)}**"]
        for e in soon:
            when = labels.text("partners.mou_ends_on", lang, date=show_date(e["end_date"], lang))
            when += " · " + labels.text("partners.days_left", lang, days=e.get("days_left", 0))
            if e.get("days_left", 0) <= _ending_days():
                when += f" · **{labels.text('partners.watch_soon', lang)}**"
            lines.append(_watch_item(labels, lang, names, e, when))
    if not ended and not soon:
        lines += ["", labels.text("partners.watch_none", lang, months=months)]
    return "\n".join(lines)


def legend_in_words(labels: Labels, lang: str, figure: Any) -> Any:
    """A figure with partner types in words in its legend, and no legend entry for the lines."""
    for trace in figure.data:
        if not trace.name:  # the MOU lines: plotly would call them "trace 0"
            trace.showlegend = False
        else:
            trace.name = code_label(labels, lang, "partner_type", trace.name)
    return figure
