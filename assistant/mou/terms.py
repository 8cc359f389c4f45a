"""The MOU's dates by role (signing, start, end), its duration and its termination terms.

Usage:
    >>> from assistant.mou.terms import find_dates_by_role, find_duration, find_termination
    >>> pages = [(1, "ทำขึ้นเมื่อวันที่ ๑ มิ.ย. ๒๕๖๗ มีผลตั้งแต่วันที่ ๑ ก.ค. ๒๕๖๗ เป็นระยะเวลาหนึ่ง (๑) ปี")]
    >>> {k: v.value.isoformat() for k, v in find_dates_by_role(pages).items()}
    {'signing_date': '2024-06-01', 'start_date': '2024-07-01'}
    >>> find_duration(pages).value
    12
    >>> find_termination([(2, "ฝ่ายใดจะบอกเลิก ให้แจ้งล่วงหน้าไม่น้อยกว่าเก้าสิบ (๙๐) วัน")])[1].value
    90

Each date takes the role of the nearest keyword before it; a date on its own line at the top of
a letter of intent is its signing date. Amounts are digits or words, Thai or English, or both
("หนึ่ง (1) ปี", "5 (five) years"); see :mod:`assistant.mou.numbers`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.mou.dates import find_dates, thai_digits_to_arabic
from assistant.mou.numbers import amount_pattern, parse_amount
from assistant.mou.records import FieldValue
from assistant.mou.text import evidence, flat_text

_AMOUNT = amount_pattern()
_SIGNING = re.compile(
    r"ทำขึ้น|ทำ\s*(?:ที่|ณ)|ให้ไว้\s*(?:ณ)?|ลง\s*นาม|ลงวันที่|ลงลายมือชื่อ|เมื่อ\s*วันที่|made\s+(?:on|this|and)|"
    r"entered\s+into(?!\s+(?:force|effect))|"
    r"signed\b|executed\s+on|dated|as\s+of|done\s+(?:at|in|on)\b|\bdate\s*:",
    re.IGNORECASE,
)
_START = re.compile(
    r"มีผล|(?:ใช้)?บังคับ|เริ่ม(?:ตั้งแต่|ต้น)?|ตั้งแต่|นับ\s*(?:แต่|จาก)|take[s]?\s+effect|effective|commenc\w*|"
    r"(?:come[s]?|enter(?:s|ed)?)\s+into\s+(?:force|effect)|in\s+force\s+from|valid\s+from|starting\s+(?:on|from)|"
    r"begin(?:s|ning)?\s+(?:on|from)|"
    r"from",
    re.IGNORECASE,
)
_END = re.compile(
    r"สิ้นสุด|ถึง\s*วันที่|จน\s*ถึง|ถึง|หมดอายุ|until|expir\w*|end(?:s|ing)?\s+on|through|\bto\b|till",
    re.IGNORECASE,
)
_LETTER = re.compile(r"เจตจำนง|ความจำนง|letter\s+of\s+intent", re.IGNORECASE)


def find_dates_by_role(pages: Sequence[tuple[int, str]]) -> dict[str, FieldValue]:
    """Signing, start and end dates: each date is given the role of the nearest keyword before it."""
    found: dict[str, FieldValue] = {}
    for number, text in pages:
        previous_end = 0
        for mention in find_dates(text):
            window_start = max(previous_end, mention.start - 90)
            window = thai_digits_to_arabic(text[window_start : mention.start])
            previous_end = mention.end
            best: tuple[int, str] | None = None
            for role, pattern in (("signing_date", _SIGNING), ("start_date", _START), ("end_date", _END)):
                for m in pattern.finditer(window):
                    if best is None or m.end() > best[0]:
                        best = (m.end(), role)
            if best is None or best[1] in found:
                continue
            found[best[1]] = FieldValue(
                mention.value, number, evidence(text, window_start + best[0] - 30, mention.end, 30)
            )
    if "signing_date" not in found and pages and _LETTER.search(" ".join(t for _, t in pages[:1])[:1500]):
        number, text = pages[0]
        for line in text.splitlines()[:15]:
            dates = find_dates(line)
            if len(dates) == 1 and len(line.strip()) <= len(dates[0].text) + 4:
                found["signing_date"] = FieldValue(dates[0].value, number, line.strip())
                break
    return found


_DURATION = (
    re.compile(
        rf"(?:ระยะเวลา|เป็นเวลา|มีอายุ|อายุ|มีกำหนด)\s*(?:ของบันทึก\S*\s*)?(?:ความร่วมมือ\s*)?"
        rf"(?:ไม่เกิน\s*)?({_AMOUNT})\s*(ปี|ป(?=\s)|เดือน|เดอน)(?:\s*({_AMOUNT})\s*(?:เดือน|เดอน))?"
    ),
    re.compile(
        rf"(?:period\s+of|term\s+of|for|valid\s+for|duration\s+of|remain\w*\s+in\s+(?:force|effect)\s+for)"
        rf"\s+(?:a\s+(?:period|term)\s+of\s+)?({_AMOUNT})\s*(years?|months?)\b",
        re.IGNORECASE,
    ),
)


def find_duration(pages: Sequence[tuple[int, str]]) -> FieldValue | None:
    """The term of the MOU in months ("เป็นระยะเวลา 2 ปี", "for a period of two (2) years")."""
    for number, text in pages:
        plain = thai_digits_to_arabic(flat_text(text))
        for pattern in _DURATION:
            for m in pattern.finditer(plain):
                amount = parse_amount(m.group(1))
                if amount is None or amount <= 0:
                    continue
                unit = m.group(2).lower()
                months = amount * 12 if unit in ("ปี", "ป", "year", "years") else amount
                extra = parse_amount(m.group(3)) if m.lastindex and m.lastindex >= 3 and m.group(3) else None
                months += extra or 0  # "1 ปี 6 เดือน"
                if months > 240:
                    continue
                return FieldValue(months, number, evidence(plain, m.start(), m.end(), 30))
    return None


TERMINATION_WORDS = re.compile(
    r"terminat\w*|cancel\w*|withdraw\w*|rescind\w*|\bend\s+this|ยกเลิก|บอกเลิก|เลิกบันทึก|ถอนตัว|ยุติ|"
    r"สิ้นสุด(?:ข้อตกลง|ความร่วมมือ|การเป็นภาคี)|ออกจาก(?:กลุ่ม|เครือข่าย|ความร่วมมือ)",
    re.IGNORECASE,
)
_NOTICE = (
    re.compile(
        rf"({_AMOUNT})\s*(?:calendar\s+|working\s+|business\s+|clear\s+)?(days?|months?)['’]?\s*"
        r"(?:of\s+)?(?:prior\s+|advance\s+)?(?:written\s+)?notice",
        re.IGNORECASE,
    ),
    re.compile(
        rf"notice\s+(?:in\s+writing\s+)?(?:of\s+)?(?:to\s+the\s+other\s+party\s+)?(?:at\s+least\s+|not\s+less\s+than\s+)?"
        rf"({_AMOUNT})\s*(?:calendar\s+|working\s+)?(days?|months?)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"({_AMOUNT})\s*(days?|months?)\s+(?:in\s+advance|beforehand|prior\s+to|before)", re.IGNORECASE
    ),
    re.compile(rf"ล่วงหน้า\s*(?:เป็นเวลา\s*)?(?:ไม่น้อยกว่า|อย่างน้อย)?\s*(?:เป็นเวลา\s*)?({_AMOUNT})\s*(วัน|เดือน)"),
    re.compile(rf"({_AMOUNT})\s*(วัน|เดือน)\s*(?:ล่วงหน้า)"),
)


def find_termination(pages: Sequence[tuple[int, str]]) -> tuple[FieldValue | None, FieldValue | None]:
    """The termination clause and its notice period in days (only notices that are about termination)."""
    clause: FieldValue | None = None
    for number, text in pages:
        flat = flat_text(text)
        plain = thai_digits_to_arabic(flat)
        for pattern in _NOTICE:
            for m in pattern.finditer(plain):
                context = plain[max(0, m.start() - 250) : m.end() + 60]
                if not TERMINATION_WORDS.search(context):
                    continue
                amount = parse_amount(m.group(1))
                if amount is None or amount <= 0:
                    continue
                days = amount * 30 if m.group(2).lower().startswith(("month", "เดือน")) else amount
                before = plain[max(0, m.start() - 250) : m.start()]
                words = list(TERMINATION_WORDS.finditer(before))
                first = max(0, m.start() - 250) + (words[-1].start() if words else 0)
                start = max(0, first - 60)
                dot = plain.rfind(". ", start, first)
                start = dot + 2 if dot >= 0 else start
                quoted = " ".join(flat[start : m.end() + 40].split())
                return FieldValue(quoted, number, quoted), FieldValue(days, number, quoted)
        if clause is None:
            m = TERMINATION_WORDS.search(plain)
            if m:
                clause = FieldValue(
                    evidence(flat, m.start(), m.end(), 120), number, evidence(flat, m.start(), m.end())
                )
    return clause, None
