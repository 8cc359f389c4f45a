"""MOU analysis: parties, dates, duration, cooperation areas, duties and termination terms, with pages.

Usage:
    >>> from assistant.mou.analysis import analyze_file, analyze_mou
    >>> record = analyze_file(Path("../shared/testdata/pdf/en05_mou_secab_rbm_edutech_skills_placement.pdf"))
    >>> record.parties.value, record.parties.page
    (['SECAB Institute of Engineering & Technology', 'RBM Edutech India Pvt. Ltd'], 1)
    >>> record.notice_days.value, record.notice_days.page
    (30, 5)
    >>> [m.field for m in record.missing]          # not found, so not guessed
    ['signing_date', 'start_date', 'end_date', 'duration_months', 'duties']
    >>> record.to_partner_record()["provenance"]["parties"]
    {'source': 'en05_mou_secab_rbm_edutech_skills_placement.pdf', 'page': 1}

Rules come first (regular expressions for Thai and English: Buddhist-era dates, Thai month
names and digits, "between X and Y", "ระหว่าง ... กับ ...", numbered clauses, "thirty (30)
days", "30 วัน"). When a model is available (:class:`assistant.drafting.Writer`), it is asked
only for the fields the rules did not find, and a value it gives is kept only when it can be
found in a page's text (ignoring case, spaces and punctuation): that page becomes its
provenance. A field found nowhere is listed in ``missing`` with the reason, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from assistant.mou.dates import (
    NUMBER_WORD_PATTERN,
    add_months,
    find_dates,
    months_between,
    number_value,
    parse_date,
    thai_digits_to_arabic,
)

if TYPE_CHECKING:
    from assistant.drafting import Writer
    from assistant.settings import Settings
    from assistant.workspaces import Principal
    from ingest.records import Page

FIELDS: tuple[str, ...] = (
    "parties",
    "signing_date",
    "start_date",
    "end_date",
    "duration_months",
    "areas",
    "duties",
    "termination",
    "notice_days",
)
"""Every field of a :class:`MouRecord`, in display order."""
REQUIRED_FIELDS: tuple[str, ...] = ("parties", "areas")
"""Without these an analysis cannot feed the partner registry (the CLI exits 1 when one is missing)."""
LLM_CONTEXT_CHARS = 3500
"""How much of the document's text the model sees (the embedded model is small and slow)."""

MISSING_MESSAGES: dict[str, str] = {
    "parties": "no two parties found (no 'between … and …', 'ระหว่าง … กับ …', party list or signature block)",
    "signing_date": "no signing date found (e.g. 'made on 2 June 2025', 'ทำขึ้นเมื่อวันที่ …')",
    "start_date": "no start date found (e.g. 'takes effect on …', 'มีผลตั้งแต่วันที่ …')",
    "end_date": "no end date found, and none follows from a start date and a duration",
    "duration_months": "no duration found (e.g. 'for 2 years', 'เป็นระยะเวลา 2 ปี')",
    "areas": "no scope or cooperation-areas section with items found",
    "duties": "no section of each party's duties or responsibilities found",
    "termination": "no termination clause found",
    "notice_days": "no notice period for termination found (e.g. '30 days' written notice', 'ล่วงหน้า 30 วัน')",
}


# ---------------------------------------------------------------------------------------- records


@dataclass
class FieldValue:
    """One extracted field: its value, the page it came from and the text that shows it.

    ``method`` says how it was found: ``rule``, ``llm`` (checked against the page text) or
    ``derived`` (computed from other found fields, e.g. the end date from start + duration).
    ``pages`` lists every page a list value drew on (the first is ``page``).
    """

    value: Any
    page: int
    evidence_text: str
    method: str = "rule"
    pages: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        return {
            "value": value,
            "page": self.page,
            "pages": self.pages or [self.page],
            "evidence_text": self.evidence_text,
            "method": self.method,
        }


@dataclass
class MissingField:
    """A field the analysis could not find, and why."""

    field: str
    message: str


@dataclass
class MouRecord:
    """The structured result of analysing one MOU."""

    source: str
    mou_id: str
    title: str = ""
    language: str = "en"
    pages: int = 0
    parties: FieldValue | None = None
    signing_date: FieldValue | None = None
    start_date: FieldValue | None = None
    end_date: FieldValue | None = None
    duration_months: FieldValue | None = None
    areas: FieldValue | None = None
    duties: FieldValue | None = None
    termination: FieldValue | None = None
    notice_days: FieldValue | None = None
    missing: list[MissingField] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    backend: str = "none"

    def get(self, name: str) -> FieldValue | None:
        """A field by name (KeyError for an unknown name)."""
        if name not in FIELDS:
            raise KeyError(f"no field {name!r}; fields: {', '.join(FIELDS)}")
        return getattr(self, name)

    def found(self) -> dict[str, FieldValue]:
        """The fields that were found, in display order."""
        return {name: value for name in FIELDS if (value := getattr(self, name)) is not None}

    @property
    def missing_required(self) -> list[str]:
        """Required fields (:data:`REQUIRED_FIELDS`) that were not found."""
        return [name for name in REQUIRED_FIELDS if getattr(self, name) is None]

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape: every field (null when missing), the missing list and notes."""
        return {
            "source": self.source,
            "mou_id": self.mou_id,
            "title": self.title,
            "language": self.language,
            "pages": self.pages,
            "backend": self.backend,
            "fields": {name: (v.to_json() if (v := getattr(self, name)) else None) for name in FIELDS},
            "missing": [{"field": m.field, "message": m.message} for m in self.missing],
            "notes": self.notes,
        }

    def to_partner_record(self) -> dict[str, Any]:
        """What ``Registry.upsert_from_mou`` accepts: parties, mou_id, source, dates, areas, provenance.

        ``start_date`` is the effective date, else the signing date (its provenance then points
        at the signing clause). Dates are ISO strings, empty when unknown.
        """
        start = self.start_date or self.signing_date
        fields: dict[str, FieldValue | None] = {
            "parties": self.parties,
            "start_date": start,
            "end_date": self.end_date,
            "areas": self.areas,
        }
        return {
            "mou_id": self.mou_id,
            "title": self.title,
            "source": self.source,
            "parties": list(self.parties.value) if self.parties else [],
            "start_date": start.value.isoformat() if start else "",
            "end_date": self.end_date.value.isoformat() if self.end_date else "",
            "areas": list(self.areas.value) if self.areas else [],
            "provenance": {
                name: {"source": self.source, "page": value.page}
                for name, value in fields.items()
                if value is not None
            },
        }


# ---------------------------------------------------------------------------------------- text


@dataclass(frozen=True)
class _Line:
    page: int
    text: str  # Thai digits converted, markdown bold kept


def _pages(pages: Sequence[Page] | Sequence[tuple[int, str]] | Sequence[str]) -> list[tuple[int, str]]:
    result = []
    for i, p in enumerate(pages, start=1):
        if isinstance(p, str):
            result.append((i, p))
        elif isinstance(p, tuple):
            result.append((int(p[0]), str(p[1])))
        else:
            result.append((int(p.number), str(p.text)))
    return result


def _clean(text: str) -> str:
    """Value text: markdown emphasis removed, spaces collapsed, stray punctuation trimmed."""
    text = text.replace("**", "").replace("__", "")
    return " ".join(text.split()).strip(" ,;:-–—\"'“”")


def _evidence(text: str, start: int, end: int, pad: int = 60) -> str:
    a = max(0, start - pad)
    b = min(len(text), end + pad)
    return " ".join(text[a:b].split())


def squash(text: str) -> str:
    """Text for verbatim-ish comparison: lower case, Thai digits as Arabic, no spaces or punctuation."""
    text = thai_digits_to_arabic(text).lower().replace("**", "")
    return re.sub(r"[\W_]+", "", text)


def find_page(value: str, pages: Sequence[tuple[int, str]]) -> int | None:
    """The first page whose text contains ``value`` verbatim-ish (see :func:`squash`), else None."""
    needle = squash(value)
    if len(needle) < 3:
        return None
    for number, text in pages:
        if needle in squash(text):
            return number
    return None


# ---------------------------------------------------------------------------------------- parties

_STOP_TH = r"\s(?:อำเภอ|ตำบล|จังหวัด|โดย|ซึ่ง|ตั้งอยู่|สำนักงาน|เลขที่|รหัส)|\s?\(|,"
_MEMBERS = re.compile(r"(?:ซึ่ง)?ประกอบด้วย|consisting of|comprising|made up of", re.IGNORECASE)
_MEMBERS_END = re.compile(r"\s(?:โดย|ซึ่งต่อไป)|,?\s+(?:represented|hereinafter|by its)", re.IGNORECASE)
_ALIAS = re.compile(
    r"(?:เรียก(?:รวมกัน|โดยย่อ)?ว่า|hereinafter(?:\s+(?:jointly\s+)?(?:referred\s+to\s+as|called))?|"
    r"referred\s+to\s+as)\s*(?:the\s+)?[\"“'‘]\s*(?:the\s+)?([^\"”'’]{2,60}?)\s*[\"”'’]",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-•*])\s+(.+)$")
_BETWEEN_LINE = re.compile(r"(?:ระหว่าง|between)\s*[:：]?\s*$", re.IGNORECASE)


def _party_name(item: str) -> str:
    bold = re.match(r"\s*\*\*(.+?)\*\*", item)
    if bold:
        return _clean(bold.group(1))
    cut = re.split(_STOP_TH, item, maxsplit=1)[0]
    cut = re.split(
        r",|\s+(?:represented|hereinafter|located|having|with registered)\b", cut, maxsplit=1, flags=re.I
    )[0]
    return _clean(cut)


def _members(item: str) -> list[str]:
    """Member organisations of a party that is a group ("เครือข่าย… ซึ่งประกอบด้วย A (P001) B และ C")."""
    m = _MEMBERS.search(item)
    if not m:
        return []
    rest = item[m.end() :]
    end = _MEMBERS_END.search(rest)
    rest = rest[: end.start()] if end else rest
    parts = re.split(r"\([^)]*\)|,|;|\s+and\s+|\s+และ\s*|^\s*และ", rest)
    names = [_clean(re.sub(r"^(?:และ|and)\s*", "", p.strip())) for p in parts]
    return [n for n in names if len(n) >= 4]


def _aliases(pages: Sequence[tuple[int, str]], parties: list[str]) -> dict[str, str]:
    """Short names the document gives its parties (``"โรงเรียน"``, ``"the College"``) → party name."""
    aliases: dict[str, str] = {}
    for item in _party_items(pages):  # a list item names its party and, often, its short name
        alias = _ALIAS.search(item)
        if alias:
            aliases.setdefault(_clean(alias.group(1)), _party_name(item))
    for _, text in pages:
        flat = text.replace("\n", " ")
        for m in _ALIAS.finditer(flat):
            before = squash(flat[max(0, m.start() - 700) : m.start()])
            owner = None
            best = -1
            for party in parties:
                key = squash(party)[:20]
                pos = before.rfind(key) if key else -1
                if pos > best:
                    owner, best = party, pos
            if owner:
                aliases.setdefault(_clean(m.group(1)), owner)
    return aliases


def _party_items(pages: Sequence[tuple[int, str]]) -> list[str]:
    """The list items that follow "ระหว่าง" / "between:" (the party list), if the document has one."""
    lines = [_Line(n, line) for n, t in pages for line in t.splitlines()]
    found = _list_after_between(lines)
    return found[2] if found else []


def _list_after_between(lines: Sequence[_Line]) -> tuple[int, list[str], list[str]] | None:
    for i, line in enumerate(lines):
        if not _BETWEEN_LINE.search(line.text):
            continue
        items: list[str] = []
        raw: list[str] = []
        for nxt in lines[i + 1 : i + 40]:
            if not nxt.text.strip():
                continue
            m = _LIST_ITEM.match(nxt.text)
            if not m:
                if items:
                    break
                continue
            items.append(m.group(1))
            raw.append(nxt.text)
        if len(items) >= 2 or (items and _members(items[0])):
            return line.page, raw, items
    return None


def _parties_from_list(lines: Sequence[_Line]) -> tuple[list[str], int, str] | None:
    found = _list_after_between(lines)
    if found is None:
        return None
    page, raw, items = found
    names: list[str] = []
    for item in items:
        names.extend(_members(item) or [_party_name(item)])
    names = [n for n in dict.fromkeys(names) if n]
    if len(names) >= 2:
        return names, page, " | ".join(_clean(r)[:160] for r in raw)
    return None


def _parties_from_title_block(lines: Sequence[_Line]) -> tuple[list[str], int, str] | None:
    """A cover page: BETWEEN / X / & / Y / FOR …"""
    for i, line in enumerate(lines):
        if not re.fullmatch(r"\s*(?:between|ระหว่าง)\s*", line.text, re.IGNORECASE):
            continue
        names, current = [], []
        for nxt in lines[i + 1 : i + 12]:
            text = nxt.text.strip()
            if re.fullmatch(r"(?:for|on|regarding|in|กับ)?", text, re.IGNORECASE) and text.lower() != "":
                break
            if re.fullmatch(r"(?:&|and|กับ|และ)", text, re.IGNORECASE):
                if current:
                    names.append(" ".join(current))
                current = []
                continue
            if not text:
                break
            current.append(text)
        if current:
            names.append(" ".join(current))
        names = [_clean(n) for n in names if 3 <= len(n) <= 120]
        if len(names) >= 2:
            return names, line.page, " ".join(line.text.split()) + " " + " & ".join(names)
    return None


def _parties_from_labels(pages: Sequence[tuple[int, str]]) -> tuple[list[str], int, str] | None:
    """ "between X, the First Party … and Y, the Second Party"."""
    for number, text in pages:
        flat = text.replace("\n", " ")
        first = re.search(r"between\s+(?:the\s+)?([A-Z][^,]{2,100}?),\s*(?i:the\s+first\s+party)", flat)
        second = re.search(
            r"\b(?i:and)\s+(?:the\s+)?([A-Z][^,]{2,100}?),(?:\s*[A-Z][a-z]+)?\s+(?i:the\s+second\s+party)",
            flat,
        )
        if first and second:
            names = [_clean(first.group(1)), _clean(second.group(1))]
            return names, number, _evidence(flat, first.start(), first.end(), 0)
    return None


def _parties_from_parts(pages: Sequence[tuple[int, str]]) -> tuple[list[str], int, str] | None:
    """ "between X, … of the ONE PART. Y … of the OTHER PART"."""
    for number, text in pages:
        flat = text.replace("\n", " ")
        if not re.search(r"[O0]THER\s+PART|SECOND\s+PART", flat, re.IGNORECASE):
            continue
        first = re.search(r"between\s+(?:the\s+)?([A-Z][^,]{2,100}?),", flat)
        second = re.search(
            r"(?i:(?:one|first)\s+part)\.?\s+([A-Z][\w&.'\- ]{2,80}?)"
            r"\s*(?:,|\(|\s(?:with|is|represented|having))",
            flat,
        )
        if first and second:
            names = [_clean(first.group(1)), _clean(second.group(1))]
            return names, number, _evidence(flat, first.start(), first.end(), 0)
    return None


def _parties_from_between(pages: Sequence[tuple[int, str]]) -> tuple[list[str], int, str] | None:
    """A sentence: "between X and Y" / "ระหว่าง X กับ Y (และ Z)"."""
    en = re.compile(
        r"between\s+(?:the\s+)?([A-Z][^,;:()\n]{2,80}?)\s+(?:and|&)\s+(?:the\s+)?([A-Z][^,;:()\n]{2,80}?)"
        r"(?=\s*(?:[,;:(.]|\s(?:for|on|to|in|regarding|hereinafter|represented)\b|$))",
        re.MULTILINE,
    )
    th = re.compile(r"ระหว่าง\s*(\S[^\n]{2,120}?)\s+กับ\s+(\S[^\n]{2,200})")
    for number, text in pages:
        for line in text.splitlines():
            line = line.lstrip("#").strip()
            m = th.search(line)
            if m:
                rest = [p for p in re.split(r"\s+และ\s*", m.group(2)) if p.strip()]
                names = [_party_name(m.group(1))] + [_party_name(p) for p in rest]
                names = [n for n in names if len(n) >= 3]
                if len(names) >= 2:
                    return names, number, _clean(line)[:200]
            m = en.search(line)
            if m:
                return [_clean(m.group(1)), _clean(m.group(2))], number, _clean(line)[:200]
    return None


def _parties_from_signatures(lines: Sequence[_Line]) -> tuple[list[str], int, str] | None:
    """A signature block: "For X    For Y" on one line."""
    for line in lines:
        m = re.match(r"\s*For\s+(.{3,80}?)\s+For\s+(.{3,80}?)\s*$", line.text)
        if m:
            return [_clean(m.group(1)), _clean(m.group(2))], line.page, _clean(line.text)
    return None


def _looks_like_mou(pages: Sequence[tuple[int, str]], title: str = "") -> bool:
    """Whether the title or the opening of the document calls it an MOU or an agreement."""
    head = title + " " + " ".join(text for _, text in pages[:2])[:700]
    return bool(
        re.search(
            r"memorandum\s+of\s+(?:understanding|agreement)|\bmou\b|agreement|letter\s+of\s+intent|"
            r"บันทึกข้อตกลง|บันทึกความ(?:เข้าใจ|ร่วมมือ)|ข้อตกลงความร่วมมือ|ความตกลง",
            head,
            re.IGNORECASE,
        )
    )


def find_parties(pages: Sequence[tuple[int, str]], lines: Sequence[_Line]) -> FieldValue | None:
    """The parties, by the first rule that names at least two."""
    rules = (
        lambda: _parties_from_list(lines),
        lambda: _parties_from_title_block(lines),
        lambda: _parties_from_labels(pages),
        lambda: _parties_from_parts(pages),
        lambda: _parties_from_between(pages),
        lambda: _parties_from_signatures(lines),
    )
    for rule in rules:
        found = rule()
        if found:
            names, page, evidence = found
            return FieldValue(names, page, evidence)
    return None


# ---------------------------------------------------------------------------------------- dates

_SIGNING = re.compile(
    r"ทำขึ้น(?:ณ\s*)?เมื่อ|ลงนาม(?:กัน)?(?:เมื่อ|ณ)|ลงวันที่|made\s+(?:on|this)|entered\s+into\s+on|"
    r"signed\s+(?:on|at)|executed\s+on|dated|entered\s+into\s+(?:at\s+\S+\s+)?on",
    re.IGNORECASE,
)
_START = re.compile(
    r"มีผล(?:บังคับ(?:ใช้)?)?(?:ตั้งแต่|นับแต่)|เริ่ม(?:ตั้งแต่|ต้น)|ตั้งแต่วันที่|take[s]?\s+effect|"
    r"effective\s+(?:from|on|as\s+of|date)|commenc\w*|come[s]?\s+into\s+(?:force|effect)|in\s+force\s+from|"
    r"valid\s+from|starting\s+(?:on|from)|from",
    re.IGNORECASE,
)
_END = re.compile(
    r"สิ้นสุด|ถึงวันที่|จนถึง|หมดอายุ|until|expir\w*|end(?:s|ing)?\s+on|through|to\b|till",
    re.IGNORECASE,
)


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
                mention.value, number, _evidence(text, window_start + best[0] - 30, mention.end, 30)
            )
    return found


_DURATION = (
    re.compile(r"(?:ระยะเวลา|เป็นเวลา|มีอายุ|อายุ)\s*(?:ของบันทึก\S*\s*)?(\d{1,3})\s*(ปี|เดือน)"),
    re.compile(
        rf"(?:period\s+of|term\s+of|for|valid\s+for|duration\s+of|remain\w*\s+in\s+(?:force|effect)\s+for)"
        rf"\s+(?:a\s+period\s+of\s+)?(\d{{1,3}}|{NUMBER_WORD_PATTERN})(?:\s*\((\d{{1,3}})\))?\s*(years?|months?)\b",
        re.IGNORECASE,
    ),
)


def find_duration(pages: Sequence[tuple[int, str]]) -> FieldValue | None:
    """The term of the MOU in months ("เป็นระยะเวลา 2 ปี", "for a period of two (2) years")."""
    for number, text in pages:
        plain = thai_digits_to_arabic(text)
        for pattern in _DURATION:
            for m in pattern.finditer(plain):
                groups = [g for g in m.groups() if g]
                unit = groups[-1].lower()
                amount = number_value(groups[1]) if len(groups) == 3 else number_value(groups[0])
                if amount is None or amount <= 0:
                    continue
                months = amount * 12 if unit in ("ปี", "year", "years") else amount
                if months > 240:
                    continue
                return FieldValue(months, number, _evidence(text, m.start(), m.end(), 30))
    return None


# ---------------------------------------------------------------------------------------- termination

_TERMINATION_WORDS = re.compile(
    r"terminat\w*|cancel\w*|withdraw\w*|rescind\w*|ยกเลิก|บอกเลิก|เลิกบันทึก|ถอนตัว|สิ้นสุดข้อตกลง",
    re.IGNORECASE,
)
_NOTICE = (
    re.compile(
        rf"(\d{{1,3}}|{NUMBER_WORD_PATTERN})(?:\s*\((\d{{1,3}})\))?\s*(?:calendar\s+|working\s+|business\s+|clear\s+)?"
        r"(days?|months?)['’]?\s*(?:of\s+)?(?:prior\s+|advance\s+)?(?:written\s+)?notice",
        re.IGNORECASE,
    ),
    re.compile(
        rf"notice\s+(?:in\s+writing\s+)?(?:of\s+)?(?:at\s+least\s+|not\s+less\s+than\s+)?"
        rf"(\d{{1,3}}|{NUMBER_WORD_PATTERN})(?:\s*\((\d{{1,3}})\))?\s*(?:calendar\s+|working\s+)?(days?|months?)",
        re.IGNORECASE,
    ),
    re.compile(r"ล่วงหน้า\s*(?:เป็นเวลา\s*)?(?:ไม่น้อยกว่า|อย่างน้อย)?\s*(\d{1,3})\s*(วัน|เดือน)"),
    re.compile(r"(\d{1,3})\s*(วัน|เดือน)\s*(?:ล่วงหน้า)"),
)


def find_termination(pages: Sequence[tuple[int, str]]) -> tuple[FieldValue | None, FieldValue | None]:
    """The termination clause and its notice period in days (only notices that are about termination)."""
    clause: FieldValue | None = None
    for number, text in pages:
        plain = thai_digits_to_arabic(text).replace("\n", " ")
        for pattern in _NOTICE:
            for m in pattern.finditer(plain):
                context = plain[max(0, m.start() - 220) : m.end() + 60]
                if not _TERMINATION_WORDS.search(context):
                    continue
                groups = [g for g in m.groups() if g]
                unit = groups[-1].lower()
                amount = number_value(groups[1]) if len(groups) == 3 else number_value(groups[0])
                if amount is None:
                    continue
                days = amount * 30 if unit.startswith(("month", "เดือน")) else amount
                before = plain[max(0, m.start() - 220) : m.start()]
                words = list(_TERMINATION_WORDS.finditer(before))
                first = max(0, m.start() - 220) + (words[-1].start() if words else 0)
                start = max(0, first - 60)
                dot = plain.rfind(". ", start, first)
                start = dot + 2 if dot >= 0 else start
                evidence = " ".join(text.replace("\n", " ")[start : m.end() + 40].split())
                return (FieldValue(evidence, number, evidence), FieldValue(days, number, evidence))
        if clause is None:
            m = _TERMINATION_WORDS.search(plain)
            if m:
                clause = FieldValue(
                    _evidence(plain, m.start(), m.end(), 120), number, _evidence(plain, m.start(), m.end())
                )
    return clause, None


# ---------------------------------------------------------------------------------------- sections

_TOP_HEADING = re.compile(
    r"^\s*(?:#{1,2}\s|ข้อ\s*\d+\s|clause\s*\d+|article\s*\d+|\d{1,2}\.\s+[A-Zก-๙][^.:]{2,60}$|"
    r"(?:responsibilit|dut|obligation)\w*\s+of\b|conta\w+\s+details|registered\s+office|in\s+witness|"
    r"both\s+parties\s+here|now\s+this|การลงนาม|signatures?\s*$|for\s+\S.*\s+for\s+\S)",
    re.IGNORECASE,
)
_SCOPE_HEADING = re.compile(
    r"ขอบเขต|scope\b|areas?\s+of\s+(?:co-?operation|collaboration|consensus)|co-?operation\s+areas",
    re.IGNORECASE,
)
_DUTIES_HEADING = re.compile(
    r"หน้าที่|บทบาท|ความรับผิดชอบ|duties|responsibilities|obligations|roles\s+of", re.IGNORECASE
)
_ITEM = re.compile(r"^\s*(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]?|[-•*]|[A-Za-z][.)])\s+(.+)$")
_LABEL = re.compile(
    r"^\s*(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]?\s*)?(?:\*\*(?P<bold>[^*]{2,80})\*\*|"
    r"(?P<label>[A-Z][A-Za-z&/' -]{2,60}?)\s*:(?!\S*//))"
)


def _heading_like(text: str) -> bool:
    stripped = text.strip()
    if not stripped or len(stripped) > 90:
        return False
    if stripped.startswith("#") or re.match(r"(?:ข้อ\s*\d+|clause\s*\d+|article\s*\d+)", stripped, re.I):
        return True
    if re.match(r"\d{1,2}\.?\s+\S", stripped) and len(stripped) < 60 and not re.match(r"\d+\.\d", stripped):
        return True
    letters = [c for c in stripped if c.isalpha() and c.isascii()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _section(lines: Sequence[_Line], heading: re.Pattern[str]) -> tuple[int, int] | None:
    """(first line, end line) of the first section whose heading matches, or None."""
    return next(_sections(lines, heading), None)


def _sections(lines: Sequence[_Line], heading: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """(first line, end line) of every section whose heading matches, in order."""
    for i, line in enumerate(lines):
        text = line.text
        if heading.search(text) and (
            _heading_like(text) or re.search(r"areas?\s+of\s+consensus", text, re.IGNORECASE)
        ):
            end = len(lines)
            for j in range(i + 1, len(lines)):
                nxt = lines[j].text
                if _TOP_HEADING.match(nxt) and not nxt.lstrip().startswith("###"):
                    # a heading of the same section's own numbered items does not end it
                    if re.match(r"\s*\d{1,2}\.\d", nxt):
                        continue
                    end = j
                    break
            yield i, end


def _items(lines: Sequence[_Line]) -> list[tuple[str, int, str]]:
    """Items of a section: (text, page, the item's line), continuation lines joined."""
    items: list[list[Any]] = []
    open_item = False
    for line in lines:
        text = line.text.strip()
        if not text:
            open_item = False  # a blank line ends an item; what follows is a new paragraph
            continue
        m = _ITEM.match(text)
        if m:
            items.append([m.group(1), line.page, text])
            open_item = True
        elif items and open_item and not text.startswith("#"):
            items[-1][0] += " " + text
    return [(_clean(t), p, raw) for t, p, raw in items]


def _labelled(lines: Sequence[_Line]) -> list[tuple[str, int, str]]:
    found = []
    for line in lines:
        m = _LABEL.match(line.text)
        if m:
            label = _clean(m.group("bold") or m.group("label"))
            if len(label.split()) <= 8:
                found.append((label, line.page, _clean(line.text)))
    return found


def _short(text: str, limit: int = 120) -> str:
    text = _clean(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut if len(cut) >= limit // 2 else text[:limit]


def find_areas(lines: Sequence[_Line]) -> FieldValue | None:
    """Cooperation areas: the labelled (or else numbered) items of the scope section."""
    for start, end in _sections(lines, _SCOPE_HEADING):
        body = lines[start + 1 : end]
        items = _labelled(body) or [(_short(t), p, raw) for t, p, raw in _items(body)]
        items = [(t, p, raw) for t, p, raw in items if len(t) >= 3]
        if items:
            break
    else:
        return None
    names = list(dict.fromkeys(t for t, _, _ in items))
    pages = list(dict.fromkeys([lines[start].page] + [p for _, p, _ in items]))
    evidence = _clean(lines[start].text) + " — " + items[0][2][:160]
    return FieldValue(names, lines[start].page, evidence, pages=pages)


def _resolve(key: str, parties: list[str], aliases: dict[str, str]) -> str:
    k = squash(re.sub(r"^(?:the|of)\s+", "", key.strip(), flags=re.IGNORECASE))
    if not k:
        return key
    for alias, owner in aliases.items():
        if squash(alias) == k:
            return owner
    for party in parties:
        p = squash(party)
        if k == p or (len(k) >= 6 and (k in p or p in k)):
            return party
    for alias, owner in aliases.items():
        a = squash(alias)
        if len(a) >= 4 and (a in k or k in a):
            return owner
    return _clean(key)


def find_duties(lines: Sequence[_Line], parties: list[str], aliases: dict[str, str]) -> FieldValue | None:
    """Each party's duties: sub-headings (``### 3.1 โรงเรียน``, "Responsibilities of X") with their items."""
    span = _section(lines, _DUTIES_HEADING)
    groups: list[tuple[str, int, list[str]]] = []
    if span is not None:
        start, end = span
        current: tuple[str, int, list[str]] | None = None
        for line in lines[start + 1 : end]:
            text = line.text.strip()
            sub = re.match(r"^#{3,}\s*(?:\d+(?:\.\d+)*\.?\s*)?(.+)$", text) or re.match(
                r"^\d{1,2}\.\d{1,2}\.?\s+(\S.{0,50})$", text
            )
            if sub and (text.startswith("#") or not _ITEM.match(text)):
                current = (_clean(sub.group(1)), line.page, [])
                groups.append(current)
                continue
            m = re.match(r"^\s*[-•*]\s+(.+)$", text)
            if m and current is not None:
                current[2].append(_clean(m.group(1)))
    if not groups:
        groups = _duties_by_heading_lines(lines)
    groups = [g for g in groups if g[2]]
    if not groups:
        return None
    duties: dict[str, list[str]] = {}
    for key, _, items in groups:
        duties.setdefault(_resolve(key, parties, aliases), []).extend(items)
    first = groups[0]
    evidence = f"{first[0]}: {first[2][0]}"[:200]
    return FieldValue(duties, first[1], evidence, pages=list(dict.fromkeys(g[1] for g in groups)))


def _duties_by_heading_lines(lines: Sequence[_Line]) -> list[tuple[str, int, list[str]]]:
    """ "Responsibilities of the X" lines, each followed by sentences until the next heading."""
    groups: list[tuple[str, int, list[str]]] = []
    pattern = re.compile(
        r"^\s*(?:responsibilit\w*|dut\w*|obligations?)\s+of\s+(?:the\s+)?(.{2,60}?)\s*:?\s*$", re.I
    )
    for i, line in enumerate(lines):
        m = pattern.match(line.text)
        if not m:
            continue
        items: list[str] = []
        buffer = ""
        for nxt in lines[i + 1 : i + 40]:
            text = nxt.text.strip()
            if not text:
                continue
            if _TOP_HEADING.match(text) or pattern.match(text):
                break
            bullet = re.match(r"^\s*[-•*]\s+(.+)$", text)
            buffer = f"{buffer} {bullet.group(1) if bullet else text}".strip()
            if buffer.endswith((".", ";")) or bullet:
                items.append(_clean(buffer))
                buffer = ""
        if buffer:
            items.append(_clean(buffer))
        groups.append((_clean(m.group(1)), line.page, items))
    return groups


# ---------------------------------------------------------------------------------------- the model


class LlmMouFields(BaseModel):
    """What the model is asked for: only plain values, copied from the text."""

    parties: list[str] | None = Field(None, description="names of the organisations that sign, as written")
    signing_date: str | None = Field(None, description="the date the MOU was signed, as written")
    start_date: str | None = Field(None, description="the date the MOU takes effect, as written")
    end_date: str | None = Field(None, description="the date the MOU ends, as written")
    areas: list[str] | None = Field(None, description="areas or activities of cooperation, as written")
    notice_days: int | None = Field(None, description="days of notice needed to terminate")


def _llm_fill(record: MouRecord, pages: Sequence[tuple[int, str]], writer: Writer) -> None:
    """Ask the model for the missing fields; keep only values found in a page's text."""
    wanted = [
        n
        for n in ("parties", "signing_date", "start_date", "end_date", "areas", "notice_days")
        if getattr(record, n) is None
    ]
    if not wanted or not writer.enabled:
        return
    context, used = [], 0
    for number, text in pages:
        chunk = f"[page {number}]\n{' '.join(text.split())}"
        if used + len(chunk) > LLM_CONTEXT_CHARS:
            chunk = chunk[: max(0, LLM_CONTEXT_CHARS - used)]
        context.append(chunk)
        used += len(chunk)
        if used >= LLM_CONTEXT_CHARS:
            break
    task = (
        "Extract these fields of the memorandum of understanding (MOU), copying text exactly as written: "
        + ", ".join(wanted)
    )
    result = writer.structured(LlmMouFields, task, "\n\n".join(context))
    if not isinstance(result, LlmMouFields):
        record.notes.append("llm: no usable structured answer")
        return
    for name in wanted:
        value = getattr(result, name)
        if value in (None, "", []):
            continue
        kept = _checked_llm_value(name, value, pages)
        if kept is None:
            record.notes.append(f"llm: dropped {name} (not found in the document text)")
        else:
            setattr(record, name, kept)
            record.notes.append(f"llm: filled {name}")


def _checked_llm_value(name: str, value: Any, pages: Sequence[tuple[int, str]]) -> FieldValue | None:
    if name in ("parties", "areas"):
        items = [str(v) for v in value if str(v).strip()]
        located = [(v, find_page(v, pages)) for v in items]
        kept = [(v, p) for v, p in located if p is not None]
        if (name == "parties" and len(kept) < 2) or not kept:
            return None
        return FieldValue(
            [_clean(v) for v, _ in kept],
            kept[0][1],
            "; ".join(v for v, _ in kept)[:200],
            "llm",
            pages=list(dict.fromkeys(p for _, p in kept)),
        )
    if name == "notice_days":
        days = int(value)
        for number, text in pages:
            plain = thai_digits_to_arabic(text).replace("\n", " ")
            for m in re.finditer(
                rf"(?<!\d){days}\s*(?:\)\s*)?(?:calendar\s+|working\s+)?(?:days?|วัน)", plain, re.I
            ):
                if _TERMINATION_WORDS.search(plain[max(0, m.start() - 220) : m.end() + 60]):
                    return FieldValue(days, number, _evidence(plain, m.start(), m.end()), "llm")
        return None
    written = str(value)
    parsed = parse_date(written)
    page = find_page(written, pages)
    if parsed is None or page is None:
        return None
    return FieldValue(parsed, page, written, "llm")


# ---------------------------------------------------------------------------------------- entry points


def analyze_mou(
    pages: Sequence[Page] | Sequence[tuple[int, str]] | Sequence[str],
    *,
    source: str = "",
    mou_id: str = "",
    title: str = "",
    language: str | None = None,
    writer: Writer | None = None,
    use_rules: bool = True,
) -> MouRecord:
    """Analyse an MOU's pages (``Page`` objects, ``(number, text)`` pairs or plain page texts).

    ``use_rules=False`` leaves every field to the model (with the same provenance check): the
    benchmark's measure of what the model alone would find.
    """
    page_list = _pages(pages)
    text = " ".join(t for _, t in page_list)
    if language is None:
        thai = sum(1 for c in text if "\u0e00" <= c <= "\u0e7f")
        latin = sum(1 for c in text if c.isascii() and c.isalpha())
        language = "th" if thai > latin else "en"
    stem = Path(source).stem if source else "mou"
    record = MouRecord(
        source=source, mou_id=mou_id or stem, title=title, language=language, pages=len(page_list)
    )
    if writer is not None:
        record.backend = writer.backend
    lines = [_Line(n, thai_digits_to_arabic(line)) for n, t in page_list for line in t.splitlines()]
    is_mou = _looks_like_mou(page_list, title)
    if not is_mou:
        record.notes.append(
            "the document does not call itself an MOU or agreement: only a party list is used"
        )

    if not is_mou:
        # Not an MOU: only an explicit "between:" party list is taken; nothing else is inferred.
        if found := _parties_from_list(lines):
            record.parties = FieldValue(found[0], found[1], found[2])
        record.missing = [MissingField(n, MISSING_MESSAGES[n]) for n in FIELDS if getattr(record, n) is None]
        return record
    if use_rules:
        record.parties = find_parties(page_list, lines)
        names = list(record.parties.value) if record.parties else []
        aliases = _aliases(page_list, names)
        record.areas = find_areas(lines)
        record.duties = find_duties(lines, names, aliases)
        record.termination, record.notice_days = find_termination(page_list)
        for role, value in find_dates_by_role(page_list).items():
            setattr(record, role, value)
        record.duration_months = find_duration(page_list)

    if writer is not None and writer.enabled:
        _llm_fill(record, page_list, writer)
    _derive(record)
    record.missing = [MissingField(n, MISSING_MESSAGES[n]) for n in FIELDS if getattr(record, n) is None]
    if record.termination is not None and record.notice_days is None:
        for m in record.missing:
            if m.field == "notice_days":
                page = record.termination.page
                m.message = f"a termination clause is on page {page} but it states no notice period"
    return record


def _derive(record: MouRecord) -> None:
    """End date from start + duration, or duration from start and end (marked ``derived``)."""
    start = record.start_date or record.signing_date
    if record.end_date is None and start and record.duration_months:
        months = int(record.duration_months.value)
        record.end_date = FieldValue(
            add_months(start.value, months),
            record.duration_months.page,
            f"{start.evidence_text} + {months} months",
            "derived",
        )
    elif record.duration_months is None and start and record.end_date:
        months = months_between(start.value, record.end_date.value)
        if months > 0:
            record.duration_months = FieldValue(
                months,
                record.end_date.page,
                f"{start.value.isoformat()} → {record.end_date.value.isoformat()}",
                "derived",
            )


def analyze_file(
    path: Path, *, writer: Writer | None = None, source: str | None = None, use_rules: bool = True
) -> MouRecord:
    """Load a file the way ingestion does (``ingest.loaders.load``: pages + Thai repair) and analyse it.

    Raises ``ingest.loaders.LoadError`` (one-line reason) for files that cannot be read.
    """
    from ingest.loaders import load

    doc = load(Path(path), source=source)
    record = analyze_mou(
        doc.pages,
        source=doc.meta.source,
        mou_id=doc.meta.extra.get("id", ""),
        title=doc.meta.title,
        language=str(doc.meta.language),
        writer=writer,
        use_rules=use_rules,
    )
    unreadable = doc.unreadable_pages
    if unreadable:
        pages_text = ", ".join(map(str, unreadable))
        record.notes.append(f"pages without a usable text layer (need OCR): {pages_text}")
    return record


class DocumentNotFound(LookupError):
    """No ingested document has this name in the workspace."""


def document_pages(settings: Settings, workspace: str, name: str) -> tuple[Any, list[tuple[int, str]]]:
    """An ingested document's row and its pages (number, text).

    The pages are re-read from the stored file when it is still there and unchanged (exactly
    what was indexed); otherwise they are stitched back together from the document's live
    chunks in the manifest (chunks carry their page and character span).
    """
    import hashlib

    from ingest.loaders import load
    from ingest.manifest import Manifest

    manifest = Manifest(Path(settings.data_dir) / "edunet.db")
    try:
        rows = manifest.find(workspace, name)
        if not rows:
            rows = [d for d in manifest.documents(workspace) if Path(d.path).name == name or d.source == name]
        if not rows:
            known = ", ".join(d.source for d in manifest.documents(workspace)[:20]) or "none"
            raise DocumentNotFound(f"no document {name!r} in workspace {workspace!r} (documents: {known})")
        row = rows[0]
        path = Path(row.path)
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == row.content_hash:
            doc = load(path, source=row.source)
            return row, [(p.number, p.text) for p in doc.pages]
        # The file moved or changed: rebuild pages from the indexed chunks.
        # (The manifest has no public "chunks of a document" reader yet; this reads its table.)
        cur = manifest._conn().execute(
            'SELECT page, start, "end", text FROM chunks WHERE doc_id = ? AND state = ? ORDER BY page, start',
            (row.id, "live"),
        )
        return row, _stitch(cur.fetchall())
    finally:
        manifest.close()


def _stitch(chunks: Iterable[Any]) -> list[tuple[int, str]]:
    """Pages rebuilt from overlapping chunks (page, start, end, text) ordered by page and start."""
    pages: dict[int, str] = {}
    cursor: dict[int, int] = {}
    for page, start, end, text in chunks:
        so_far = cursor.get(page, 0)
        if end <= so_far:
            continue
        skip = max(0, so_far - start)
        piece = text[skip:] if len(text) == end - start else text
        pages[page] = pages.get(page, "") + ("" if skip or not pages.get(page) else "\n") + piece
        cursor[page] = end
    return sorted(pages.items())


def analyze_document(
    settings: Settings,
    workspace: str,
    name: str,
    *,
    writer: Writer | None = None,
    principal: Principal | None = None,
) -> MouRecord:
    """Analyse an ingested document, named by its source name, path or title.

    With a ``principal``, WorkspaceAccessError is raised before the index is read unless they
    may use ``workspace``; ``None`` is the trusted local operator (the CLI).
    """
    if principal is not None:
        from assistant.workspaces import require_access

        require_access(principal, workspace, settings=settings)
    row, pages = document_pages(settings, workspace, name)
    return analyze_mou(
        pages,
        source=row.source,
        mou_id=str(row.meta.get("id") or ""),
        title=row.title,
        language=row.language if row.language in ("th", "en") else None,
        writer=writer,
    )
