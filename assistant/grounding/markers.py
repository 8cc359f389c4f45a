"""Citation markers: ``[n]``, ``[1, 2]``, ``[1;2]``, ``[1-3]`` read, stripped and rewritten."""

from __future__ import annotations

import re
from collections.abc import Callable

_NUM_GROUP = r"\d{1,3}(?:\s*[-–]\s*\d{1,3})?"
MARKER = re.compile(rf"\[\s*({_NUM_GROUP}(?:\s*[,;]\s*{_NUM_GROUP})*)\s*\]")
"""An inline citation marker: ``[1]``, ``[1, 2]``, ``[1;2]``, ``[1-3]``."""


def _expand(group: str) -> list[int]:
    """The numbers of one marker's inside: "1, 2" → [1, 2]; "1-3" → [1, 2, 3]."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        if not part:
            continue
        bounds = re.split(r"\s*[-–]\s*", part)
        low, high = int(bounds[0]), int(bounds[-1])
        if high < low or high - low > 20:
            high = low
        numbers.extend(range(low, high + 1))
    return numbers


def parse_markers(text: str) -> list[int]:
    """Every citation number in ``text``, in order of appearance, repeats kept."""
    return [n for m in MARKER.finditer(text) for n in _expand(m.group(1))]


def strip_markers(text: str) -> str:
    """``text`` without its citation markers (and the space before them)."""
    return MARKER.sub("", re.sub(rf"\s+(?={MARKER.pattern})", "", text))


def rewrite_markers(text: str, keep: Callable[[int], bool]) -> str:
    """Rewrite each marker as ``[a][b]`` keeping only numbers for which ``keep`` is true.

    A marker left with no number disappears together with the space before it.
    """

    def one(match: re.Match[str]) -> str:
        kept = list(dict.fromkeys(n for n in _expand(match.group(1)) if keep(n)))
        return "".join(f"[{n}]" for n in kept)

    out = MARKER.sub(one, text)
    return re.sub(r"[ \t]+(?=[.!?,;:]|$)", "", out, flags=re.MULTILINE)
