"""The parties of an MOU, from its party list, title, opening clause, party labels or signature block.

Usage:
    >>> from assistant.mou.parties import find_parties
    >>> pages = [(1, "บันทึกข้อตกลงนี้ทำขึ้นระหว่าง โรงเรียนบ้านนาดี โดยผู้อำนวยการ\\nกับ เทศบาลตำบลนาดี")]
    >>> find_parties(pages).value
    ['โรงเรียนบ้านนาดี', 'เทศบาลตำบลนาดี']

Rules run in order and the first that names at least two organisations wins: a list after
"ระหว่าง"/"between"; a title block (BETWEEN / X / AND / Y); "X, the First Party … Y, the
Second Party"; "… of the ONE PART … of the OTHER PART"; the opening clause ("ระหว่าง X … กับ Y",
"by and between: X, … And Y", read across line breaks); an opening sentence that starts with
the parties ("X และ Y ได้ตกลง…", "X and Y enter into…"); party labels ("Party A: X"); the
signature block ("For X", "(ลงชื่อ) … ผู้อำนวยการโรงเรียน X"). A name counts when it reads as an
organisation's (``concepts.yaml``); a name with no organisation word (a resort's, a shop's) counts
only where a party's name stands (a party-list item, a slot of the opening clause, a party label,
"For X" or a role's organisation in a signature block) and only when it reads as a name, not as a
sentence, a person or a date (:func:`assistant.mou.text.looks_like_name`). A date that ends a
name ("… กับ บริษัท ก จำกัด ลงวันที่ 1 มิ.ย. 2568") is cut off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.mou.dates import find_dates, thai_digits_to_arabic
from assistant.mou.records import FieldValue
from assistant.mou.text import (
    Line,
    clean,
    concepts,
    evidence,
    is_bare_head,
    is_organisation,
    is_signature_line,
    lines_of,
    looks_like_name,
    squash,
    strip_role,
)

Found = tuple[list[str], int, str]
THAI = re.compile(r"[\u0e01-\u0e5b]")

_STOP_TH = (
    r"\s(?:อำเภอ|ตำบล|จังหวัด|โดย|ซึ่ง|ตั้งอยู่|สำนักงานใหญ่|เลขที่|รหัส|สังกัด|เพื่อ|ได้|ตกลง|มีความ|ในฐานะ|"
    r"ทั้งสอง|ต่อไป|ทำ(?:ขึ้น|ที่|\s*ณ)|เมื่อ|ลงนาม|ฝ่าย\s*หนึ่ง|อีก\s*ฝ่าย|ข้อ(?:ที่)?\s*\d|\d{1,2}\.\s)|\s?\((?!มหาชน\))|,|\"|“"
)
_EN_SUFFIX = r"(?:Ltd|Limited|Inc|Co|LLC|Pvt|Plc|PLC)\b"
_LIST_ITEM = re.compile(r"^\s*(?:[‘’'`\"|,.]\s*)?(?:\(?\d{1,2}[.)]|[-•*])\s+(.+)$")
_LEAD_IN = re.compile(
    r"(?:ระหว่าง|between|คู่ความร่วมมือ|คู่ภาคี|ภาคี|คู่สัญญา|the\s+parties\s+are|^[#*\s]*(?:the\s+)?parties\b"
    r"|(?:ผู้ลงนาม|หน่วยงาน)\S{0,30}\s*(?:ประกอบด้วย|ได้แก่)|(?:parties|signatories)\s+(?:are|include))"
    r"\s*[^\n]{0,20}?[:：]?\s*$",
    re.IGNORECASE,
)
_MEMBERS = re.compile(r"(?:ซึ่ง)?ประกอบด้วย|consisting of|comprising|made up of", re.IGNORECASE)
_MEMBERS_END = re.compile(r"\s(?:โดย|ซึ่งต่อไป)|,?\s+(?:represented|hereinafter|by its)", re.IGNORECASE)


def party_name(item: str) -> str:
    """An organisation's name from the text that introduces it (address, representative, alias cut)."""
    bold = re.match(r"\s*\*\*(.+?)\*\*", item)
    if bold:
        return clean(bold.group(1))
    text = re.sub(r"^\s*(?:ด้วย|โดยที่|และ|กับ|the\s+)\s*", "", item.strip(), flags=re.IGNORECASE)
    # Thai by its letters, not by any non-ASCII sign: an English clause may hold “quotes” or an en dash
    cut = re.split(_STOP_TH, text, maxsplit=1)[0] if THAI.search(text) else text
    if not THAI.search(cut):
        # a comma ends an English name unless a company suffix follows it ("Co., Ltd.")
        parts = re.split(r",(?!\s*" + _EN_SUFFIX + r")", cut, maxsplit=1)
        cut = parts[0]
        cut = re.split(
            r"\s*\(|\s+of\s+(?=\d)|\s+\d{1,2}\.\s|\s+(?:represented|hereinafter|located|having|with\s+registered|a\s+(?:registered|company)|"
            r"enter|agree|have|hereby|wish|signed|dated|made\s+on)\b",
            cut,
            maxsplit=1,
            flags=re.IGNORECASE,
        )[0]
    return clean(cut)


def _members(item: str) -> list[str]:
    """Member organisations of a party that is a group ("เครือข่าย… ซึ่งประกอบด้วย A (P001) B และ C")."""
    m = _MEMBERS.search(item)
    if not m:
        return []
    rest = item[m.end() :]
    end = _MEMBERS_END.search(rest)
    rest = rest[: end.start()] if end else rest
    parts = re.split(r"\([^)]*\)|,|;|\s+and\s+|\s+และ\s*|^\s*และ", rest)
    names = [clean(re.sub(r"^(?:และ|and)\s*", "", p.strip())) for p in parts]
    return [n for n in names if len(n) >= 4]


def without_date(name: str) -> str:
    """A name with a date that follows it cut off ("เทศบาลตำบลนาดี วันที่ 1 มิ.ย. 2568" → "เทศบาลตำบลนาดี")."""
    dates = find_dates(name)
    head = name[: dates[0].start] if dates else name
    head = re.sub(r"\s*(?:(?:ลง)?วันที่|เมื่อ(?:วันที่)?|\bdated|\bon)\s*$", "", head, flags=re.IGNORECASE)
    m = re.search(r"\s(?:ลง)?วันที่", head)
    head = head[: m.start()] if m else head
    return clean(head) if head != name else name


def _organisations(names: list[str], slots: bool = False) -> list[str]:
    """The names that read as organisations', in order, each once.

    ``slots``: the names stand where parties' names stand (a party list, the opening clause), so
    a name without an organisation word is kept too when it reads as a name, as long as every
    name before it was kept (a run of names, not a stray piece of a sentence after them).
    """
    kept: list[str] = []
    run = True
    for raw in names:
        name = without_date(raw)
        if any(squash(name) == squash(k) for k in kept) or is_bare_head(name):
            continue
        if is_organisation(name) or (slots and run and looks_like_name(name)):
            kept.append(name)
        else:
            run = False
    return kept


# ---------------------------------------------------------------------------------------- rules


def _from_list(lines: Sequence[Line]) -> Found | None:
    """A list of organisations after a line ending "ระหว่าง" / "between:" / "คู่ความร่วมมือ ดังนี้"."""
    for i, line in enumerate(lines):
        if not _LEAD_IN.search(line.text.replace("ดังนี้", "").rstrip(" :")):
            continue
        items: list[str] = []
        raw: list[str] = []
        gap = 0
        for nxt in lines[i + 1 : i + 40]:
            if not nxt.text.strip():
                continue
            m = _LIST_ITEM.match(nxt.text)
            if m:
                items.append(m.group(1))
                raw.append(nxt.text)
                gap = 0
                continue
            gap += 1
            if items and gap > 1:
                break
            if not items and gap > 2:
                break
        names: list[str] = []
        for item in items:
            members = _members(item)
            # "X Cluster, comprising four schools of …": a description, not a list of members
            names.extend(members if len(members) >= 2 else [party_name(item)])
        names = _organisations(names, slots=True)
        if len(names) >= 2:
            return names, line.page, " | ".join(clean(r)[:160] for r in raw)
    return None


_UNIT_LINE = re.compile(r"(?:เขต|วิทยาเขต|district|campus|region|zone)\s*\S{1,20}", re.IGNORECASE)
"""A title line that finishes the name above it ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสระแก้ว" / "เขต 2")."""


def _with_unit(block: list[str]) -> str:
    """A title block's name: its first line, and the next when that one only adds a district or campus."""
    if len(block) >= 2 and _UNIT_LINE.fullmatch(block[1].strip()):
        return clean(f"{block[0]} {block[1]}")
    return clean(block[0])


def _from_title_block(lines: Sequence[Line]) -> Found | None:
    """A centred title: BETWEEN / X (first line of its block) / AND or & or กับ / Y."""
    for i, line in enumerate(lines[:80]):
        if not re.fullmatch(r"\s*(?:between|ระหว่าง)\s*", line.text, re.IGNORECASE):
            continue
        blocks: list[list[str]] = [[]]
        for nxt in lines[i + 1 : i + 14]:
            text = nxt.text.strip()
            if re.fullmatch(r"(?:&|and|กับ|และ)", text, re.IGNORECASE):
                blocks.append([])
                continue
            if not text or (len(blocks) >= 2 and blocks[-1] and not is_organisation(text)):
                if len(blocks) >= 2 and blocks[-1]:
                    break
                continue
            blocks[-1].append(text)
        names = _organisations([_with_unit(b) for b in blocks if b], slots=True)
        if len(names) >= 2:
            return names, line.page, "between " + " & ".join(names)
    return None


def _first_pair(
    pages: Sequence[tuple[int, str]], first: str, second: str, gate: str | None = None
) -> Found | None:
    """The two parties of the first page where ``first`` and ``second`` (one group each) both match.

    The page's text is read as one line; ``gate``, when given, must match the page first.
    """
    for number, text in pages:
        flat = " ".join(text.split())
        if gate is not None and not re.search(gate, flat, re.IGNORECASE):
            continue
        one, two = re.search(first, flat), re.search(second, flat)
        if one and two:
            quote = evidence(flat, one.start(), one.end(), 0)
            return [clean(one.group(1)), clean(two.group(1))], number, quote
    return None


def _from_labels(pages: Sequence[tuple[int, str]]) -> Found | None:
    """ "between X, the First Party … and Y, the Second Party"."""
    return _first_pair(
        pages,
        r"between\s+(?:the\s+)?([A-Z][^,]{2,100}?),\s*(?i:the\s+first\s+party)",
        r"\b(?i:and)\s+(?:the\s+)?([A-Z][^,]{2,100}?),(?:\s*[A-Z][a-z]+)?\s+(?i:the\s+second\s+party)",
    )


def _from_parts(pages: Sequence[tuple[int, str]]) -> Found | None:
    """ "between X, … of the ONE PART. Y … of the OTHER PART"."""
    return _first_pair(
        pages,
        r"between\s+(?:the\s+)?([A-Z][^,]{2,100}?),",
        r"(?i:(?:one|first)\s+part)\.?\s+([A-Z][\w&.'\- ]{2,80}?)"
        r"\s*(?:,|\(|\s(?:with|is|represented|having))",
        gate=r"[O0]THER\s+PART|SECOND\s+PART",
    )


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split on ``separator`` (a regex) outside brackets and quotes."""
    parts, depth, start = [], 0, 0
    quote = False
    pattern = re.compile(separator, re.IGNORECASE)
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif ch in '"“”':
            quote = not quote if ch == '"' else ch == "“"
        elif depth == 0 and not quote:
            m = pattern.match(text, i)
            if m and m.end() > m.start():
                parts.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    parts.append(text[start:])
    return parts


def _from_opening(pages: Sequence[tuple[int, str]]) -> Found | None:
    """The opening clause across line breaks: "ระหว่าง X … กับ Y (และ Z)", "between X, … and Y, …"."""
    for number, text in pages[:2]:
        flat = " ".join(text.split())
        for m in re.finditer(r"(?:ระหว่าง|\bbetween\b)\s*[:：]?\s*", flat, re.IGNORECASE):
            window = flat[m.end() : m.end() + 900]
            thai = not window[:40].isascii()
            separator = r"\s+(?:กับ|และ)\s*" if thai else r"(?:(?<=[,;\"”)])|(?<=\.))\s*(?:and|&)\s+(?=[A-Z])"
            pieces = _split_top(window, separator)
            found = [n for p in pieces[:6] for n in (_thai_run(p) if thai else [party_name(p)])]
            names = _opening_names(found) if len(pieces) >= 2 else []
            if len(names) < 2 and not thai:
                names = _single_and(window)
            if len(names) >= 2:
                return names, number, evidence(flat, m.start(), m.end() + 160, 0)
    return None


_NOT_A_PARTY_START = ("คณะ",)
"""Organisation words that open a unit of the party before them (a faculty), not another party."""


def _thai_run(piece: str) -> list[str]:
    """The names in one slot of a Thai opening clause: Thai runs a list with spaces ("ระหว่าง A (อบจ.) B
    และ C"), so a slot holds several names when each space-separated part opens with an organisation
    word and reads as a whole organisation's name (not a bare "บริษัท" before the company's name)."""
    text = re.sub(r"\((?!มหาชน\))[^()]*\)", " ", piece)
    head = re.split(_STOP_TH, re.sub(r"^\s*(?:และ|กับ)\s*", "", text.strip()), maxsplit=1)[0]
    starts = "|".join(re.escape(w) for w in concepts().organisations_th if w not in _NOT_A_PARTY_START)
    parts = [clean(p) for p in re.split(rf"\s+(?=(?:{starts}))", head) if clean(p)]
    if len(parts) >= 2 and all(is_organisation(p) and not is_bare_head(p) for p in parts):
        return parts
    return [party_name(piece)]


def _opening_names(names: list[str]) -> list[str]:
    """The parties of an opening clause: "between X and Y" are slots (a name without an organisation
    word is kept there); a third name or more must read as an organisation's, since the clause runs
    on into the text (a purpose, a diploma, "youth in the area")."""
    first = _organisations(names[:2], slots=True)
    if len(first) < 2:
        return _organisations(names)
    rest = _organisations(names[2:])
    return first + [n for n in rest if not any(squash(n) == squash(f) for f in first)]


def _single_and(window: str) -> list[str]:
    """ "between X and Y." with no comma: split on the one "and"/"&" of the sentence, if it has only one."""
    # the sentence ends at a full stop, not at an abbreviation ("Pvt. Ltd.", "Co.", "Dr.")
    sentence = re.split(
        r"(?<=[a-z)])(?<!Pvt)(?<!Ltd)(?<!Co)(?<!Inc)(?<!Dr)(?<!St)\.(?:\s|$)", window, maxsplit=1
    )[0]
    pieces = _split_top(sentence, r"\s+(?:and|&)\s+(?=[A-Z])")
    if len(pieces) != 2 or len(re.findall(r"\s(?:and|&)\s", sentence, re.IGNORECASE)) != 1:
        return []
    return _organisations([party_name(p) for p in pieces], slots=True)


_DEFINES = re.compile(
    r"(?:ซึ่ง)?\s*(?:ต่อไป\s*(?:ใน\S{0,30}?)?\s*)?เรียก(?:โดยย่อ)?ว่า\s*[.,'`]?\s*[\"“”]\s*[^\"”“]{1,30}[\"”“]"
    r"|\(?\s*hereinafter\s+(?:referred\s+to\s+as\s+|called\s+|known\s+as\s+)?[\"“'‘][^\"”'’]{1,40}[\"”'’]\s*\)?"
    r"|\(\s*[\"“](?:the\s+)?[^\"”]{1,40}[\"”]\s*\)",
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(r"ระหว่าง|ได้แก่|\bbetween\b|\bby\b|[:：]", re.IGNORECASE)
_JOINERS = re.compile(r"^(?:[\s,;.:\-–]|and\b|the\b|by\b|between\b|กับ|และ|ระหว่าง|ฝ่ายหนึ่ง|อีกฝ่ายหนึ่ง)+", re.I)


def _defined_name(segment: str) -> str | None:
    """The organisation a short-name definition stands for, from the text before it: the first name
    that reads as an organisation's, read past joining words and OCR noise ("AY" for "กับ")."""
    text = _JOINERS.sub("", segment.strip())
    if not text:
        return None
    name = party_name(text)
    if is_organisation(name):
        return name
    if text.isascii():
        return None
    # Thai: the first word that opens an organisation's name, after a space
    starts = [m.start(1) for w in concepts().organisations_th for m in re.finditer(rf"(?:^|\s)({w})", text)]
    for start in sorted(starts):
        name = party_name(text[start:])
        if is_organisation(name):
            return name
    return None


def _from_definitions(pages: Sequence[tuple[int, str]]) -> Found | None:
    """Parties named by their short-name definitions: "X ซึ่งต่อไปเรียกว่า "A" … Y ซึ่งต่อไปเรียกว่า "B"",
    "X, a public university (hereinafter "the University"), and Y … (hereinafter "the Office")".
    Each party is the organisation written just before its definition (after the previous one), so a
    joining word the OCR lost, a description or a recital in between does not matter."""
    for number, text in pages[:2]:
        flat = " ".join(text.split())
        group = re.compile(r"รวมกัน|jointly|collectively", re.IGNORECASE)
        found = [m for m in _DEFINES.finditer(flat) if not group.search(m.group(0))]
        if len(found) < 2:
            continue
        first = found[0].start()
        lead = list(_CLAUSE_START.finditer(flat, max(0, first - 400), first))
        begin = lead[-1].end() if lead else max(0, first - 200)
        names: list[str] = []
        for m in found[:6]:
            name = _defined_name(flat[begin : m.start()])
            begin = m.end()
            if name and not any(squash(name) == squash(n) for n in names):
                names.append(name)
        names = _organisations(names)
        if len(names) >= 2:
            return names, number, evidence(flat, found[0].start() - 120, found[1].end(), 0)
    return None


_ENUMERATED = re.compile(
    r"(?:ได้แก่|ประกอบด้วย|ระหว่าง|\bnamely|\bbetween)\s*[:：]?\s*\(1\)\s*(?P<rest>.{6,600})", re.IGNORECASE
)


def _from_enumeration(pages: Sequence[tuple[int, str]]) -> Found | None:
    """Parties numbered inside a sentence: "ผู้ร่วมลงนาม ได้แก่ (1) X (2) Y ซึ่ง… และ (3) Z"."""
    for number, text in pages[:2]:
        flat = " ".join(thai_digits_to_arabic(text).split())
        m = _ENUMERATED.search(flat)
        if not m:
            continue
        pieces = re.split(r"\s*(?:และ|and)?\s*\((?:[2-9])\)\s*", m.group("rest"))
        names = _organisations([party_name(p) for p in pieces[:8]])
        if len(names) >= 2 and len(names) == len(pieces[:8]):
            return names, number, evidence(flat, m.start(), m.start() + 200, 0)
    return None


def _from_opening_sentence(pages: Sequence[tuple[int, str]]) -> Found | None:
    """A sentence that starts with the parties: "X และ Y ได้…", "X ("A") and Y ("B") enter into …"."""
    for number, text in pages[:2]:
        lines = text.splitlines()
        for i, line in enumerate(lines[:60]):
            start = re.sub(r"^\s*(?:ด้วย|โดยที่|\*\*)\s*", "", line)
            if not is_organisation(party_name(start)):
                continue
            flat = " ".join(" ".join([start, *lines[i + 1 : i + 6]]).split())[:700]
            thai = not flat[:40].isascii()
            verb = r"\s(?:ได้|ตกลง|มีความ|มีเจตนา|เห็น|จึง)" if thai else r"\s(?:enter|agree|have|hereby|wish)"
            head = re.split(verb, flat, maxsplit=1, flags=re.IGNORECASE)[0]
            separator = r"\s+(?:และ|กับ)\s*" if thai else r"\s+(?:and|&)\s+(?=[A-Z])"
            pieces = _split_top(head, separator)
            if len(pieces) < 2:
                continue
            names = _organisations([party_name(p) for p in pieces])
            if len(names) >= 2 and len(names) == len([p for p in pieces if p.strip()]):
                return names, number, head[:200]
    return None


PARTY_LABEL = re.compile(
    r"^\s*(?:\*\*)?(?:คู่สัญญา|คู่ภาคี)?(?P<label>party\s+[a-z1-9]|(?:first|second|third)\s+party|ฝ่ายที่\s*\S+|"
    r"ภาคีที่\s*\S+)"
    r"\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*(?P<name>.+)$",
    re.IGNORECASE,
)


def _from_party_labels(lines: Sequence[Line]) -> Found | None:
    """Lines "Party A: X", "First Party: X", "ฝ่ายที่หนึ่ง: X"."""
    names, page, raw = [], 0, []
    for line in lines:
        m = PARTY_LABEL.match(line.text)
        if m:
            names.append(party_name(m.group("name")))
            raw.append(clean(line.text)[:120])
            page = page or line.page
    names = _organisations(names, slots=True)
    return (names, page, " | ".join(raw)) if len(names) >= 2 else None


_CELL_BREAK = re.compile(
    r"\s{3,}|\||\s\S?(?=(?:ผู้อำนวยการ|ประธาน|นายก(?!\s)|คณบดี|อธิการบดี|กรรมการผู้จัดการ|ผู้จัดการ)\S)"
)
"""Where two signature cells meet on one line: wide spaces, a table rule, or a space (and maybe a speck the
OCR read) before the next cell's Thai role ("ประธานสภาวัฒนธรรมอำเภอปัว ผู้อำนวยการโรงเรียน…")."""


def _signature_names(lines: Sequence[Line]) -> tuple[list[str], int]:
    """The organisations of the signature block ("For X", a role's organisation), and its page."""
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if re.search(r"ลงชื่อ|ลงนาม\s*$|signed\s+for|^\s*for\s+\S", line.text, re.IGNORECASE)
            or is_signature_line(line.text)
        ),
        None,
    )
    if start is None:
        return [], 0
    names: list[str] = []
    for text in _joined_roles([line.text for line in lines[start : start + 40]]):
        text = re.sub(r"\(?ลงชื่อ\)?|\.{3,}|…+", " ", text)
        text = re.sub(r"\s(?:พยาน|witness)\b.*$", "", text, flags=re.IGNORECASE)
        for cell in re.split(_CELL_BREAK, text):
            behalf = re.match(
                r"\s*(?:(?:signed\s+)?for\s+and\s+on\s+behalf\s+of|on\s+behalf\s+of|for|ในนาม(?:ของ)?)\s+",
                cell,
                re.IGNORECASE,
            )
            cell = cell[behalf.end() :] if behalf else cell
            name = strip_role(cell)
            # a role's organisation ("ผู้จัดการ X") or "For X" stands where a party's name stands
            slot = bool(behalf) or (bool(name) and name != clean(cell))
            if name and (is_organisation(name) or (slot and looks_like_name(without_date(name)))):
                names.append(without_date(name))
    names = _organisations(names, slots=True)
    # one party written twice ("…วิทยาลัยเทคนิคจันทบุรี" and "วิทยาลัยเทคนิคจันทบุรี") counts once
    names = [n for n in names if not any(n != o and squash(n) in squash(o) for o in names)]
    return names, lines[start].page


def _continues_name(text: str) -> bool:
    """Whether a signature-block line is the rest of a Thai organisation's name wrapped in its cell
    ("ผู้อำนวยการโรงเรียนบ้าน" / "ปากน้ำแหลมสิงห์"): short Thai text that is not a person in brackets,
    a role, another organisation, a signature word or a dotted line."""
    t = text.strip()
    if not t or t.isascii() or len(t) > 40 or re.search(r"\s{3,}|\.{3,}|…|[()]", t):
        return False
    if is_signature_line(t) or strip_role(t) != clean(t) or is_organisation(t):
        return False
    return not re.search(r"\d", t)


def _joined_roles(texts: list[str]) -> list[str]:
    """Signature-block lines with a role's organisation joined to the line that continues it."""
    out: list[str] = []
    for text in texts:
        previous = out[-1] if out else ""
        single = previous and not re.search(r"\s{3,}|\|", previous.strip())
        if single and strip_role(previous) != clean(previous) and _continues_name(text):
            out[-1] = previous.rstrip() + text.strip()
        else:
            out.append(text)
    return out


_ADDRESSED = re.compile(r"\s*(?:เรียน|to\s*:|attention\s*:|attn\.?\s*:?)\s*(?:the\s+)?(.{3,120})$", re.I)


def _addressee(lines: Sequence[Line]) -> tuple[str, Line] | None:
    """The organisation a letter is addressed to, and its line: "เรียน ผู้อำนวยการศูนย์…", "To: The Director,
    X", or the address block between the letter's date and "Dear …" ("Dr. A" / "Director" / "X School")."""
    for line in lines[:30]:
        m = _ADDRESSED.match(line.text)
        if m:
            written = m.group(1)
            if written.isascii():  # "The Director, Riverside Foundation": the organisation follows the role
                written = re.sub(r"^[^,]{0,40},\s*(?=\S)", "", written)
            addressee = strip_role(written)
            return (addressee, line) if is_organisation(addressee) else None
    dear = next((i for i, ln in enumerate(lines[:40]) if re.match(r"\s*dear\b", ln.text, re.I)), None)
    if dear is None:
        return None
    dated = [i for i, ln in enumerate(lines[:dear]) if _date_line(ln.text)]
    for line in lines[dated[-1] + 1 if dated else 0 : dear]:
        name = strip_role(re.sub(r"^\s*(?:subject|re)\s*:.*$", "", line.text, flags=re.I))
        if name and is_organisation(name) and not looks_like_sentence(name):
            return name, line
    return None


def _date_line(text: str) -> bool:
    """Whether a line is a date alone (a letter's date)."""
    dates = find_dates(text)
    return bool(dates) and len(text.strip()) <= len(dates[0].text) + 4


def looks_like_sentence(text: str) -> bool:
    """Whether English text holds a word of a sentence (``concepts.yaml`` sentence_words)."""
    words = re.findall(r"[a-z]+", text.lower())
    return any(w in concepts().sentence_words_en for w in words)


def _from_letter(lines: Sequence[Line]) -> Found | None:
    """A letter (of intent): the organisation it is addressed to (:func:`_addressee`) and the one that signs
    it (its signature block, else its letterhead: the first line, when it names an organisation)."""
    found = _addressee(lines)
    if found is None:
        return None
    addressee, line = found
    signers, _ = _signature_names(lines)
    if not signers and lines and is_organisation(lines[0].text):
        signers = [clean(lines[0].text)]
    names = _organisations([*signers, addressee])
    return (names, line.page, clean(line.text)) if len(names) >= 2 else None


def _from_signatures(lines: Sequence[Line]) -> Found | None:
    """The signature block: "For X  For Y", "Signed for and on behalf of X", "(ลงชื่อ) … ผู้อำนวยการโรงเรียนX"."""
    for line in lines:
        m = re.match(r"\s*For\s+(.{3,80}?)\s+For\s+(.{3,80}?)\s*$", line.text)
        if m:
            names = _organisations([clean(m.group(1)), clean(m.group(2))], slots=True)
            if len(names) >= 2:
                return names, line.page, clean(line.text)
    names, page = _signature_names(lines)
    return (names, page, "; ".join(names)[:200]) if len(names) >= 2 else None


def looks_like_mou(pages: Sequence[tuple[int, str]], title: str = "") -> bool:
    """Whether the title or the opening calls the document an MOU, an agreement or a letter of intent."""
    head = title + " " + " ".join(text for _, text in pages[:2])[:1500]
    return bool(
        re.search(
            r"memorand\w*\s+of\s+(?:understanding|agreement)|\bmou\b|agreement|letter\s+of\s+intent|"
            r"บันทึกข้อตกลง|บันทึกความ(?:เข้าใจ|ร่วมมือ)|ข้อตกลง\S*ความร่วมมือ|ความตกลง|เจตจำนง|ความจำนง",
            head,
            re.IGNORECASE,
        )
    )


def list_parties(lines: Sequence[Line]) -> FieldValue | None:
    """Only an explicit party list (what is taken from a document that does not call itself an MOU)."""
    found = _from_list(lines)
    return FieldValue(found[0], found[1], found[2]) if found else None


def find_parties(pages: Sequence[tuple[int, str]], lines: Sequence[Line] | None = None) -> FieldValue | None:
    """The parties, by the first rule that names at least two organisations."""
    lines = lines if lines is not None else lines_of(pages)
    rules = (
        lambda: _from_list(lines),
        lambda: _from_title_block(lines),
        lambda: _from_labels(pages),
        lambda: _from_parts(pages),
        lambda: _from_enumeration(pages),
        lambda: _from_opening(pages),
        lambda: _from_definitions(pages),
        lambda: _from_opening_sentence(pages),
        lambda: _from_party_labels(lines),
        lambda: _from_signatures(lines),
        lambda: _from_letter(lines),
    )
    for rule in rules:
        found = rule()
        if found:
            names, page, text = found
            return FieldValue(names, page, text)
    return None
