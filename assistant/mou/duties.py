"""Each party's duties: the sub-groups of a duties section, or one "Responsibilities of X" heading per party.

Usage:
    >>> from assistant.mou.duties import find_duties
    >>> from assistant.mou.sections import HeadingClassifier
    >>> from assistant.mou.text import lines_of
    >>> lines = lines_of([(1, "ข้อ 3 หน้าที่\\n3.1 โรงเรียนบ้านนาดี\\n- จัดครู\\n3.2 เทศบาลตำบลนาดี\\n- จัดรถ")])
    >>> find_duties(lines, ["โรงเรียนบ้านนาดี", "เทศบาลตำบลนาดี"], {}, HeadingClassifier()).value
    {'โรงเรียนบ้านนาดี': ['จัดครู'], 'เทศบาลตำบลนาดี': ['จัดรถ']}

A sub-heading names its party by name, short name ("the College", "โรงเรียน") or role; items
that open with a party ("The Institute shall …") are grouped by it when there are no
sub-headings. A heading for all parties ("หน้าที่ของแต่ละฝ่าย", "Roles of the Parties") is a
section; a heading for one ("Responsibilities of the SIET") holds that party's duties alone. A
duties list ends at the next clause or where the signature block begins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.mou.aliases import resolve
from assistant.mou.records import FieldValue
from assistant.mou.sections import CLAUSE_TH, DUTY_OF, ITEM, HeadingClassifier, items, sections, title_of
from assistant.mou.text import (
    Line,
    clean,
    concepts,
    flat_text,
    is_organisation,
    is_signature_line,
    names_all_parties,
    strip_role,
)


def _group_key(text: str, parties: list[str], known: dict[str, str]) -> str | None:
    """The party a duties sub-heading names ("3.1 โรงเรียน", "ก. บริษัท…", "The NGO shall:"), else None."""
    stripped = clean(text.replace("**", "").lstrip("# "))
    if len(stripped) > 90:
        return None
    m = DUTY_OF.match(stripped)
    key = m.group("who") if m else stripped
    key = re.sub(r"^\s*(?:\d{1,2}\.\d{1,2}\.?|[ก-ฮa-zA-Z][.)]|\(?\d{1,2}[.)])\s*", "", key)
    key = re.sub(r"\s*(?:shall|will|จะ)\s*(?:[:：]|\(|$).*$", "", key, flags=re.IGNORECASE)
    key = re.sub(r"\s*\([^)]*\)\s*$|\s+ในฐานะ.*$|\s*[:：]\s*$", "", key)
    if not key:
        return None
    resolved = resolve(key, parties, known)
    if resolved in parties or is_organisation(strip_role(key)) or (m and len(key) <= 60):
        return resolved
    if re.search(r"(?:shall|will)\s*:?\s*$", stripped, re.IGNORECASE) and len(key) <= 50:
        return resolved
    if any(re.match(rf"{re.escape(alias)}\b", key, re.IGNORECASE) for alias in known):
        return resolved
    return None


def _groups(
    body: Sequence[Line], parties: list[str], known: dict[str, str]
) -> list[tuple[str, int, list[str]]]:
    groups: list[tuple[str, int, list[Line]]] = []
    for ln in body:
        text = ln.text.strip()
        if not text:
            continue
        label = re.match(r"^(?P<who>[^:：]{2,60})[:：]\s*(?P<rest>\S.+)$", text)
        if label and _group_key(label.group("who"), parties, known) and not ITEM.match(text):
            who = _group_key(label.group("who"), parties, known)
            groups.append((who or "", ln.page, [Line(ln.page, label.group("rest"))]))
            continue
        key = _group_key(text, parties, known) if (len(text) <= 90 and not _wrapped_item(text)) else None
        if key:
            groups.append((key, ln.page, []))
        elif groups:
            groups[-1][2].append(ln)
    out = []
    for key, page, lines in groups:
        out.append((key, page, [t for t, _, _ in items(lines)]))
    return out


def _wrapped_item(text: str) -> bool:
    """A bulleted or numbered item that is a sentence, not a sub-heading."""
    m = ITEM.match(text)
    return bool(m and len(m.group("text")) > 45 and not re.search(r"(?:shall|will)\s*:?\s*$", text, re.I))


_SUBJECT = re.compile(r"^(?:the\s+)?(.{2,60}?)\s+(?:(?:shall|will|must|agrees?\s+to)\s|จะ)", re.IGNORECASE)
"""An item that opens with its party: "The Institute shall …", "สภาวัฒนธรรมอำเภอ… จะจัดหา…" (Thai writes จะ
against the verb)."""


def _by_subject(
    body: Sequence[Line], parties: list[str], known: dict[str, str]
) -> list[tuple[str, int, list[str]]]:
    """Items grouped by the party each starts with ("The Institute shall …", "Party A will …", "3.1 โรงเรียน
    บ้านนา จัดสถานที่": a party's name or short name, then its duty)."""
    groups: dict[str, tuple[int, list[str]]] = {}
    for text, page, _ in items(body):
        m = _SUBJECT.match(text)
        who = resolve(m.group(1), parties, known) if m else _opening_party(text, parties, known)
        if who in parties:
            groups.setdefault(who, (page, []))[1].append(text)
    return [(k, p, v) for k, (p, v) in groups.items()]


def _opening_party(text: str, parties: list[str], known: dict[str, str]) -> str | None:
    """The party whose name or short name opens ``text`` and is followed by more words, else None."""
    owners = {p: p for p in parties} | {a: o for a, o in known.items() if o in parties}
    for key in sorted(owners, key=len, reverse=True):
        head = re.match(r"\s*".join(map(re.escape, key.split())) + r"\s+\S", text, re.IGNORECASE)
        if head:
            return owners[key]
    return None


def find_duties(
    lines: Sequence[Line], parties: list[str], known: dict[str, str], classifier: HeadingClassifier
) -> FieldValue | None:
    """Each party's duties: the sub-groups of a duties section (or an annex's), else items by subject."""
    duty_sections = sections(lines, classifier, "duties")
    duty_sections.sort(key=lambda section: section[2].how != "phrase")
    for start, end, heading in duty_sections:
        if _one_party_heading(heading.title):
            continue  # "Responsibilities of X": read below, one such heading per party
        body = lines[start:end]
        groups = [g for g in _groups(body, parties, known) if g[2]]
        if len(groups) < 2:
            groups = [g for g in _by_subject(body, parties, known) if g[2]] or groups
        if groups:
            return _duties_value(groups)
    # "Responsibilities of X" / "บทบาทของ X" headings, each with its own items
    groups = []
    for i, line in enumerate(lines):
        m = DUTY_OF.match(line.text.replace("**", ""))
        if not m or len(line.text) > 90 or names_all_parties(m.group("who")):
            continue
        if classifier.by_phrase(m.group("who"), at_start=True) == "duties":
            continue  # "หน้าที่ความรับผิดชอบ": one heading phrase, not the duties of a party named "ความรับผิดชอบ"
        end, expected = i + 1, 1
        while end < len(lines) and end - i < 40 and not DUTY_OF.match(lines[end].text.replace("**", "")):
            got = title_of(lines[end].text)
            if got and got[1]:
                # "1. To assign …", "2. To design …" are this heading's items, in order; any other
                # numbered line ("ARTICLE IV", "5. Termination") is the next clause
                number = re.match(r"\s*(?:\*\*)?\s*(\d{1,2})[.)]\s", lines[end].text)
                if not number or int(number.group(1)) != expected:
                    break
                expected += 1
            if is_signature_line(lines[end].text) or re.match(r"\s*for\s+\S", lines[end].text, re.I):
                break
            end += 1
        found = [t for t, _, _ in items(lines[i + 1 : end])]
        if found:
            groups.append((resolve(m.group("who"), parties, known), line.page, found))
    if groups:
        return _duties_value(groups)
    for rule in (_by_clause_subject, _by_lead_lines):
        groups = rule(lines, parties, known)
        if len(groups) >= 2:
            return _duties_value(groups)
    return None


_CLAUSE_HEAD = re.compile(
    rf"^\s*(?:\*\*)?\s*(?:{CLAUSE_TH}\s*\d{{1,2}}|\d{{1,2}}[.)]|(?:clause|article)\s*\(?(?:\d{{1,2}}|[IVX]{{1,5}})\)?[.:]?)(?![.\d])\s*"
    r"(?:\*\*)?\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_DUTY_VERB = re.compile(
    r"^\s*[ฯ.]?\s*(?:จะ|มีหน้าที่|รับผิดชอบ|ตกลง(?:จะ)?|ยินดี(?:จะ)?|shall|will|agrees?\s+to|undertakes?\s+to)",
    re.IGNORECASE,
)


def _by_clause_subject(
    lines: Sequence[Line], parties: list[str], known: dict[str, str]
) -> list[tuple[str, int, list[str]]]:
    """Duties written as clauses with no duties heading: a numbered clause that opens with a party (its
    name, short name or head noun) and a duty verb ("ข้อ 2 อบต. จะจัดสรร…", "3. X มีหน้าที่…", "Article 4.
    The Company shall …") is a duty of that party; the clause runs to the next numbered line."""
    groups: dict[str, tuple[int, list[str]]] = {}
    for i, line in enumerate(lines):
        m = _CLAUSE_HEAD.match(line.text)
        if not m:
            continue
        body = [m.group("rest")]
        for nxt in lines[i + 1 : i + 12]:
            ends = _CLAUSE_HEAD.match(nxt.text) or is_signature_line(nxt.text)
            if ends or nxt.text.lstrip().startswith("#"):
                break
            body.append(nxt.text)
        text = flat_text("\n".join(body))
        owner = lead_party(text, parties, known)
        if owner:
            groups.setdefault(owner, (line.page, []))[1].append(clean(text))
    return [(k, p, v) for k, (p, v) in groups.items()]


def lead_party(text: str, parties: list[str], known: dict[str, str]) -> str | None:
    """The party that opens ``text`` followed by a duty verb ("The College will …", "มหาวิทยาลัยจะ…",
    "ฝ่ายที่หนึ่งจะ…"): by its name or short name, else by its head noun when one party has it."""
    text = re.sub(r"^(?:the\s+)", "", text.strip(), flags=re.IGNORECASE)
    owners = {p: p for p in parties} | {a: o for a, o in known.items() if o in parties}
    for key in sorted(owners, key=len, reverse=True):
        head = re.match(r"\s*".join(map(re.escape, key.split())), text, re.IGNORECASE)
        if head and _DUTY_VERB.match(text[head.end() :]):
            return owners[key]
    nouns = sorted(concepts().organisations_th, key=len, reverse=True)
    noun = next((w for w in nouns if text.startswith(w) and _DUTY_VERB.match(text[len(w) :])), None)
    if noun is None:
        m = re.match(r"([A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,5}?)\s+(?=shall|will|agrees|undertakes)", text)
        noun = m.group(1) if m else None
    owner = resolve(noun, parties, known) if noun else None
    return owner if owner in parties else None


def _by_lead_lines(
    lines: Sequence[Line], parties: list[str], known: dict[str, str]
) -> list[tuple[str, int, list[str]]]:
    """Duties under lines that name one party and lead into its list, with no duties heading ("The College
    will:", "มหาวิทยาลัยจะดำเนินการ ดังนี้"): each list runs to the next such line, heading or signature."""
    leads = [
        (i, owner)
        for i, line in enumerate(lines)
        if len(line.text) <= 90
        and re.search(r"(?:[:：]|ดังนี้|ดังต่อไปนี้)\s*$", line.text)
        and (owner := lead_party(_strip_number(line.text), parties, known))
    ]
    groups: dict[str, tuple[int, list[str]]] = {}
    for k, (i, owner) in enumerate(leads):
        end = leads[k + 1][0] if k + 1 < len(leads) else min(len(lines), i + 25)
        for j in range(i + 1, end):
            got = title_of(lines[j].text)
            if is_signature_line(lines[j].text) or (got and not ITEM.match(lines[j].text.strip())):
                end = j
                break
        found = [t for t, _, _ in items(lines[i + 1 : end])]
        if found:
            groups.setdefault(owner, (lines[i].page, []))[1].extend(found)
    return [(k, p, v) for k, (p, v) in groups.items()]


def _strip_number(text: str) -> str:
    """A line without its clause or item number and emphasis."""
    m = _CLAUSE_HEAD.match(text)
    if m:
        return m.group("rest")
    return re.sub(r"^\s*(?:\d{1,2}\.\d{1,2}\.?|[A-Za-zก-ฮ][.)])\s+", "", text.replace("**", ""))


def _one_party_heading(title: str) -> bool:
    """Whether a duties heading names one party ("Responsibilities of the Institute"), not all of them."""
    if not DUTY_OF.match(title):
        return False
    m = re.search(r"(?:ของ|\bof\b)\s*(?:the\s+)?(?P<who>\S.*)$", title, re.IGNORECASE)
    return bool(m and not names_all_parties(m.group("who")))


def _duties_value(groups: list[tuple[str, int, list[str]]]) -> FieldValue:
    duties: dict[str, list[str]] = {}
    for key, _, found in groups:
        duties.setdefault(key, []).extend(found)
    first = groups[0]
    evidence = f"{first[0]}: {first[2][0]}"[:200]
    return FieldValue(duties, first[1], evidence, pages=list(dict.fromkeys(g[1] for g in groups)))
