"""Grade levels: ``ป.4``, ``ม.2``, ``P4``, ``M2``, ``Grade 8`` or 1–12 parsed to one :class:`Grade`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lexical import THAI_DIGITS


@dataclass(frozen=True)
class Grade:
    """A grade level 1–12 (ป.1–ป.6 are 1–6, ม.1–ม.6 are 7–12)."""

    number: int

    @property
    def code(self) -> str:
        """``P4`` or ``M2``."""
        return f"P{self.number}" if self.number <= 6 else f"M{self.number - 6}"

    def label(self, lang: str) -> str:
        """``ป.4`` / ``Grade 4 (P4)``."""
        if lang == "th":
            return f"ป.{self.number}" if self.number <= 6 else f"ม.{self.number - 6}"
        return f"Grade {self.number} ({self.code})"


GRADE_HELP = "use ป.1–ป.6 or ม.1–ม.6 (P1–P6, M1–M6) or Grade 1–12"
_PRIMARY = re.compile(r"^(?:ป|ประถม(?:ศึกษา)?(?:ปีที่)?|p|prathom|primary)\s*\.?\s*(\d{1,2})$", re.I)
_SECONDARY = re.compile(
    r"^(?:ม|มัธยม(?:ศึกษา)?(?:ปีที่)?|m|mattayom|mathayom|matthayom|secondary)\s*\.?\s*(\d{1,2})$", re.I
)
_GRADE = re.compile(r"^(?:grade|gr|g|เกรด|ชั้น)\s*\.?\s*(\d{1,2})$", re.I)


def parse_grade(value: str | int) -> Grade:
    """A grade from ``ป.4``, ``ม.2``, ``P4``, ``M2``, ``Grade 8``, ``ประถมศึกษาปีที่ 4`` or 1–12."""
    text = " ".join(str(value).translate(THAI_DIGITS).split())
    if isinstance(value, int) or text.isdigit():
        n = int(text)
        if 1 <= n <= 12:
            return Grade(n)
    elif m := _PRIMARY.match(text):
        if 1 <= int(m.group(1)) <= 6:
            return Grade(int(m.group(1)))
    elif m := _SECONDARY.match(text):
        if 1 <= int(m.group(1)) <= 6:
            return Grade(int(m.group(1)) + 6)
    elif (m := _GRADE.match(text)) and 1 <= int(m.group(1)) <= 12:
        return Grade(int(m.group(1)))
    raise ValueError(f"unknown grade level {str(value)!r} (ไม่รู้จักระดับชั้นนี้); {GRADE_HELP}")
