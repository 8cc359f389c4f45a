"""The radar chart of an assessment: axes, series (before/now), PNG and plotly figure.

Rendering lives in :mod:`assistant.assess.radar` and loads matplotlib / plotly on first use only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.assess.questionnaire import Questionnaire
from assistant.assess.result import HealthResult

if TYPE_CHECKING:
    from assistant.assess.radar import RadarSeries


def chart_axes(q: Questionnaire, language: str, *, png: bool = False) -> list[str]:
    """Axis labels (area names); for a PNG, English when no Thai font is installed."""
    from assistant.assess.radar import can_render

    names = [a.name(language) for a in q.areas]
    if png and not can_render(names):
        return [a.name("en") for a in q.areas]
    return names


def chart_series(result: HealthResult) -> list[RadarSeries]:
    """The radar series: the earlier assessment (when compared) then this one."""
    from assistant.assess.radar import RadarSeries

    q, lang = result.questionnaire, result.language
    series = []
    if result.progress is not None:
        p = result.progress
        name = p.previous_label or f"#{p.previous_id}"
        series.append(RadarSeries(f"{q.text('header_before', lang)}: {name}", [a.before for a in p.areas]))
    now = result.label or q.text("header_now", lang)
    series.append(
        RadarSeries(
            now if not result.progress else f"{q.text('header_now', lang)}: {now}",
            [result.scores.area(a.id).mean for a in q.areas],
        )
    )
    return series


def chart_png(result: HealthResult) -> bytes:
    """The radar chart as PNG bytes (matplotlib, Thai font when installed)."""
    from assistant.assess.radar import can_render, radar_png

    q = result.questionnaire
    axes = chart_axes(q, result.language, png=True)
    series = chart_series(result)
    title = q.text("title", result.language)
    if not can_render([title, *(s.name for s in series)]):
        title = q.text("title", "en")
        series = [
            type(s)(s.name if can_render([s.name]) else f"#{n + 1}", s.values) for n, s in enumerate(series)
        ]
    return radar_png(axes, series, title=title, scale=(q.scale.min, q.scale.max))


def chart_figure(result: HealthResult) -> Any:
    """The radar chart as a plotly figure (for ``gr.Plot``)."""
    from assistant.assess.radar import radar_figure

    q = result.questionnaire
    return radar_figure(
        chart_axes(q, result.language), chart_series(result), scale=(q.scale.min, q.scale.max)
    )
