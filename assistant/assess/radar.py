"""Radar charts of health-check scores: a matplotlib PNG (CLI, DOCX, Markdown) and a plotly figure (UI).

Usage:
    >>> from assistant.assess.radar import RadarSeries, radar_png, radar_figure
    >>> axes = ["วิสัยทัศน์และเป้าหมายร่วมกัน", "ระบบการสื่อสาร", "ภาวะผู้นำ"]
    >>> now = RadarSeries("ครั้งนี้", [3.5, 2.0, 4.25])
    >>> before = RadarSeries("ครั้งก่อน", [2.5, 2.0, None])       # None: no answers, a gap
    >>> png = radar_png(axes, [before, now], title="สุขภาพเครือข่าย")   # PNG bytes
    >>> fig = radar_figure(axes, [before, now])                       # plotly Figure for gr.Plot

matplotlib renders Thai only with a Thai-capable font: :func:`thai_font` registers one of
the TLWG fonts (Loma, Garuda, Waree, ...) or Noto Sans Thai when installed. Without any,
``radar_png`` reports it through :func:`thai_font` returning ``None`` and callers draw the
English labels instead (never boxes). matplotlib and plotly are imported inside the functions:
importing this module is cheap.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

THAI_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/tlwg"),
    Path("/usr/share/fonts/opentype/tlwg"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/thai"),
)
THAI_FONT_FILES = (
    "Loma.ttf",
    "Garuda.ttf",
    "Waree.ttf",
    "Sarabun.ttf",
    "NotoSansThai-Regular.ttf",
    "Loma.otf",
)
"""Preferred files, in order; the first found is registered with matplotlib."""
CURRENT_COLOUR = "#3f51b5"
EARLIER_COLOURS = ("#8a96a3", "#e67e22", "#009688")
"""The current (last) series is indigo; earlier ones grey, then orange and teal."""
LABEL_WIDTH = 18


@dataclass(frozen=True)
class RadarSeries:
    """One polygon: a name and one value per axis (``None`` where the area has no score)."""

    name: str
    values: Sequence[float | None]


def _has_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


@cache
def thai_font() -> str | None:
    """The family of a Thai-capable font registered with matplotlib, or ``None`` when none is installed."""
    from matplotlib import font_manager

    for folder in THAI_FONT_DIRS:
        for name in THAI_FONT_FILES:
            path = folder / name
            if path.is_file():
                font_manager.fontManager.addfont(str(path))
                return font_manager.FontProperties(fname=str(path)).get_name()
    for path in font_manager.findSystemFonts():  # anything else that says it is Thai
        stem = Path(path).stem.lower()
        if "thai" in stem or stem.startswith(("loma", "garuda", "waree", "sarabun", "kinnari", "norasi")):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def can_render(labels: Sequence[str]) -> bool:
    """Whether matplotlib can draw these labels: Latin always, Thai only with a Thai font installed."""
    return not any(_has_thai(label) for label in labels) or thai_font() is not None


def _wrap(label: str, width: int = LABEL_WIDTH) -> str:
    """Wrap long axis labels at spaces (Thai names without spaces stay on one line)."""
    return "\n".join(textwrap.wrap(label, width)) if " " in label and len(label) > width else label


def _colours(n: int) -> list[str]:
    """One colour per series: earlier series first, the current (last) one indigo."""
    return [EARLIER_COLOURS[i % len(EARLIER_COLOURS)] for i in range(n - 1)] + [CURRENT_COLOUR]


def _check(axes: Sequence[str], series: Sequence[RadarSeries]) -> None:
    if len(axes) < 3:
        raise ValueError(f"a radar chart needs at least 3 axes, got {len(axes)}")
    if not series:
        raise ValueError("a radar chart needs at least one series")
    for s in series:
        if len(s.values) != len(axes):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(axes)} axes")


def radar_png(
    axes: Sequence[str],
    series: Sequence[RadarSeries],
    *,
    title: str = "",
    scale: tuple[float, float] = (1, 5),
    size_inches: float = 8.0,
    dpi: int = 110,
) -> bytes:
    """Draw the series on a radar chart and return PNG bytes (Agg backend; Thai font when available).

    Missing values (``None``) break the polygon's line instead of being drawn as zero.
    """
    _check(axes, series)
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    family = thai_font()
    fonts = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    low, high = scale
    angles = [2 * math.pi * i / len(axes) for i in range(len(axes))]
    with matplotlib.rc_context({"font.family": fonts, "axes.unicode_minus": False}):
        fig = Figure(figsize=(size_inches, size_inches), dpi=dpi)
        ax = fig.add_subplot(projection="polar")
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_ylim(low - (high - low) * 0.1, high)
        ticks = [v for v in range(math.ceil(low), math.floor(high) + 1)]
        ax.set_yticks(ticks)
        ax.set_yticklabels([str(t) for t in ticks], fontsize=8, color="#666666")
        ax.set_xticks(angles)
        ax.set_xticklabels([_wrap(a) for a in axes], fontsize=9)
        ax.tick_params(axis="x", pad=14)
        colours = _colours(len(series))
        for i, s in enumerate(series):
            colour = colours[i]
            values = [math.nan if v is None else float(v) for v in s.values]
            closed_angles, closed = [*angles, angles[0]], [*values, values[0]]
            ax.plot(closed_angles, closed, color=colour, linewidth=2, marker="o", markersize=4, label=s.name)
            filled = [low if math.isnan(v) else v for v in closed]
            ax.fill(closed_angles, filled, color=colour, alpha=0.15 if i == len(series) - 1 else 0.08)
        if title:
            ax.set_title(title, fontsize=13, pad=28)
        ax.legend(loc="upper right", bbox_to_anchor=(1.18, 1.12), fontsize=9, frameon=False)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def radar_figure(
    axes: Sequence[str],
    series: Sequence[RadarSeries],
    *,
    title: str = "",
    scale: tuple[float, float] = (1, 5),
) -> Any:
    """The same chart as a plotly ``Figure`` (Scatterpolar traces) for ``gr.Plot``; browsers render Thai."""
    _check(axes, series)
    import plotly.graph_objects as go

    colours = _colours(len(series))
    fig = go.Figure()
    for i, s in enumerate(series):
        values = [None if v is None else round(float(v), 2) for v in s.values]
        fig.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*axes, axes[0]],
                name=s.name,
                fill="toself",
                opacity=0.85 if i == len(series) - 1 else 0.6,
                line={"color": colours[i], "width": 2},
                connectgaps=False,
                hovertemplate="%{theta}: %{r}<extra>" + s.name + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": title} if title else None,
        polar={
            "radialaxis": {
                "range": [scale[0] - 0.4, scale[1]],
                "tickvals": list(range(math.ceil(scale[0]), math.floor(scale[1]) + 1)),
            }
        },
        showlegend=True,
        legend={"orientation": "h", "y": -0.12},
        margin={"l": 90, "r": 90, "t": 60 if title else 30, "b": 40},
        height=560,
        font={"family": "Sarabun, 'Noto Sans Thai', Loma, Tahoma, sans-serif"},
    )
    return fig
