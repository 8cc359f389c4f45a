"""The Partners tab's network map in words: the report as Markdown, the legend in the reader's language."""

from __future__ import annotations

from typing import Any

from assistant.ui.display import code_label, show_date
from assistant.ui.i18n import Labels


def network_markdown(labels: Labels, lang: str, report: dict) -> str:
    """The network report (``NetworkReport.to_dict()``) as Markdown."""
    names = {
        m["id"]: ((m["name_en"] or m["name_th"]) if lang == "en" else (m["name_th"] or m["name_en"]))
        for m in report["members"]
    }
    none = labels.text("partners.none", lang)
    lines = [f"**{labels.text('partners.connectors', lang)}**"]
    central = [m for m in report["members"] if m["betweenness"] > 0][:8]
    lines += [
        f"- {m['id']} {names[m['id']]} — "
        + labels.text("partners.centrality", lang, degree=m["degree"], betweenness=f"{m['betweenness']:.3f}")
        for m in central
    ] or [f"- {none}"]
    lines += ["", f"**{labels.text('partners.isolated', lang, count=len(report['isolated']))}**"]
    lines.append(", ".join(f"{i} {names.get(i, '')}" for i in report["isolated"]) or none)
    lines += ["", f"**{labels.text('partners.expiring', lang, months=report['months'])}**"]
    for e in report["expiring"]:
        left = labels.text("partners.days_left", lang, days=e["days_left"])
        ended = show_date(e["end_date"], lang)
        lines.append(f"- {e['mou_id']} · {ended} ({left}) · {', '.join(e['members'])}")
    if not report["expiring"]:
        lines.append(f"- {none}")
    if report["expired"]:
        lines += ["", f"**{labels.text('partners.expired', lang)}**"]
        lines += [
            f"- {e['mou_id']} · {show_date(e['end_date'], lang)} · {', '.join(e['members'])}"
            for e in report["expired"]
        ]
    lines += ["", f"**{labels.text('partners.uncovered', lang, count=len(report['uncovered_needs']))}**"]
    lines += [
        f"- {n['partner_id']} {names.get(n['partner_id'], '')}: {n['need']}"
        for n in report["uncovered_needs"]
    ]
    return "\n".join(lines)


def legend_in_words(labels: Labels, lang: str, figure: Any) -> Any:
    """The network figure with partner types in words in its legend, and no legend entry for the lines."""
    for trace in figure.data:
        if not trace.name:  # the MOU lines: plotly would call them "trace 0"
            trace.showlegend = False
        else:
            trace.name = code_label(labels, lang, "partner_type", trace.name)
    return figure
