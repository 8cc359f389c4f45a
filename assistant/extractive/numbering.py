"""How list items are counted and numbered: the count a text announces ("7 ประการ", "five key
competencies"), whether a run is numbered 1, 2, 3 … in order, and a run cut to its numbered members."""

from __future__ import annotations

import itertools
import re

from assistant.extractive.skeleton import THAI_DIGITS
from assistant.grounding.numbers import EN_UNITS, TH_DIGIT_WORDS, words_value

_NOT_COUNTS = ("a", "an", "เอ็ด", "ยี่")  # an article, and Thai digit words only inside a number
_COUNT_WORDS = sorted(
    [*(w for w, v in {**EN_UNITS, **TH_DIGIT_WORDS}.items() if v >= 1 and w not in _NOT_COUNTS), "สิบ"],
    key=len,
    reverse=True,
)
"""The number words a list's count is written with ("five key competencies", "เจ็ดขั้นตอน")."""
_COUNTED = (
    r"(?:ประการ|ข้อ|ขั้นตอน|ขั้น|ด้าน|กลุ่ม|องค์ประกอบ|ส่วน|ประเภท|ระยะ|กรณี|หลักการ|key\s+\w+|main\s+\w+|"
    r"steps?|components?|groups?|factors?|stages?|areas?|principles?|phases?|types?|kinds?|strateg(?:y|ies)|"
    r"goals?|objectives?|competenc(?:y|ies)|characteristics?|benefits?|challenges?|elements?|pillars?)"
)
_COUNT_RE = re.compile(
    rf"(?<![\d๐-๙])([\d๐-๙]{{1,2}}|{'|'.join(_COUNT_WORDS)})\s*(?:\w+\s+){{0,2}}?{_COUNTED}", re.I
)
_LABEL = re.compile(
    r"^\s*(?:[\w\u0e00-\u0e7f]{1,12}ที่\s*|(?:step|stage|phase|group|part|component|factor|principle|clause|"
    r"article|section|chapter|goal|strategy|ข้อ)\s+)?\(?([\d๐-๙]{1,2}|[a-z]|[ก-ฮ])[.):]?(?:\s|$)",
    re.I,
)


def announced(text: str) -> int | None:
    """The count a text announces ("… 7 ประการ", "five key competencies", "เจ็ดขั้นตอน"), if any."""
    match = _COUNT_RE.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    value = words_value(word)
    return value if value is not None else int(word.translate(THAI_DIGITS))


def numbered_run(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A run of headings cut to its numbered members when most are numbered ("ขั้นที่ 1 …", "2. …")."""
    labelled = [bool(_LABEL.match(text)) for text, _ in items]
    if sum(labelled) < 2 or sum(labelled) == len(items):
        return items
    first = labelled.index(True)
    last = len(labelled) - 1 - labelled[::-1].index(True)
    return items[first : last + 1]


def consecutive(items: list[tuple[str, int]]) -> bool:
    """True when the items are numbered 1, 2, 3 … (or ก, ข, ค …) in order."""
    labels = [m.group(1) for m in (_LABEL.match(t) for t, _ in items) if m]
    if len(labels) < 2 or len(labels) < len(items) * 0.8:
        return False
    digits = [lab.translate(THAI_DIGITS) for lab in labels]
    if all(d.isdigit() for d in digits):
        values = [int(d) for d in digits]
        return all(b == a + 1 for a, b in itertools.pairwise(values))
    return len(set(labels)) == len(labels)
