"""Short names of an MOU's parties and what they stand for: definitions, bracketed abbreviations, labels.

Usage:
    >>> from assistant.mou.aliases import aliases, resolve
    >>> pages = [(1, 'ระหว่าง องค์การบริหารส่วนจังหวัดนาดี (อบจ.นาดี) กับ โรงเรียนบ้านนา เรียกว่า "โรงเรียน"')]
    >>> known = aliases(pages, ["องค์การบริหารส่วนจังหวัดนาดี", "โรงเรียนบ้านนา"])
    >>> resolve("อบจ.นาดี", ["องค์การบริหารส่วนจังหวัดนาดี", "โรงเรียนบ้านนา"], known)
    'องค์การบริหารส่วนจังหวัดนาดี'

A short name is defined in quotes ("ซึ่งต่อไปเรียกว่า "ฝ่ายที่หนึ่ง"", (hereinafter "the College")), in
brackets right after a party's name without quotes ("… (อบจ.นาดี)", "… (CRPO)"), or by a party label
("Party A: X"). The duties of a party are often headed by its short name, its head noun ("มหาวิทยาลัย",
"the Foundation") or its role: :func:`resolve` maps each back to the party.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.mou.parties import PARTY_LABEL, party_name
from assistant.mou.text import clean, is_bare_head, is_organisation, squash, strip_role

_ALIAS = re.compile(
    r"(?:เรียก(?:รวมกัน|โดยย่อ)?ว่า|hereinafter(?:\s+(?:jointly\s+)?(?:referred\s+to\s+as|called|known\s+as))?|"
    r"referred\s+to\s+as)\s*[.,'`]?\s*(?:the\s+)?[\"“'‘]\s*(?:the\s+)?([^\"”'’]{2,60}?)\s*[\"”'’]",
    re.IGNORECASE,
)
ALIAS_REACH = 700
"""How far before a short name ("hereinafter referred to as …") its party's name may stand (characters):
a party's description (address, degrees offered, affiliation) often runs several lines."""
_BRACKET_ALIAS = re.compile(r"\(\s*(?:the\s+)?[\"“]([^\"”]{2,40})[\"”]\s*\)", re.IGNORECASE)


def _abbreviations(flat: str, parties: list[str]) -> dict[str, str]:
    """Short names written in brackets right after a party's name, without quotes: "องค์การบริหารส่วนจังหวัด
    ชัยภูมิ (อบจ.ชัยภูมิ)", "Chiang Rai Provincial Office (CRPO)" → party name."""
    found: dict[str, str] = {}
    for party in parties:
        name = r"\s*".join(map(re.escape, squash_spaces(party)))
        for m in re.finditer(rf"{name}\s*\(\s*([^()\"“”]{{2,24}}?)\s*\)", flat):
            short = clean(m.group(1))
            if re.search(r"[A-Za-z\u0e01-\u0e2e]", short) and not re.fullmatch(r"มหาชน|[A-Za-z]?\d+", short):
                found.setdefault(short, party)
    return found


def squash_spaces(name: str) -> list[str]:
    """A name's characters without its spaces (a line break may have split it anywhere)."""
    return [c for c in name if not c.isspace()]


def _label_aliases(pages: Sequence[tuple[int, str]], parties: list[str]) -> dict[str, str]:
    """Party labels as short names: "Party A: X" makes "Party A" stand for X."""
    found: dict[str, str] = {}
    for _, text in pages:
        for line in text.splitlines():
            m = PARTY_LABEL.match(line)
            if not m:
                continue
            named = squash(party_name(m.group("name")))
            owner = next((p for p in parties if named and (squash(p) in named or named in squash(p))), None)
            if owner:
                found.setdefault(clean(m.group("label")), owner)
    return found


def aliases(pages: Sequence[tuple[int, str]], parties: list[str]) -> dict[str, str]:
    """Short names the document gives its parties (``"โรงเรียน"``, ``"the College"``, ``"อบจ.ชัยภูมิ"``,
    ``"Party A"``) → party name."""
    found: dict[str, str] = _label_aliases(pages, parties)
    for _, text in pages:
        for short, owner in _abbreviations(" ".join(text.split()), parties).items():
            found.setdefault(short, owner)
    for _, text in pages:
        flat = " ".join(text.split())
        for pattern in (_ALIAS, _BRACKET_ALIAS):
            for m in pattern.finditer(flat):
                before = squash(flat[max(0, m.start() - ALIAS_REACH) : m.start()])
                spans = {}
                for party in parties:
                    key = squash(party)[:20]
                    pos = before.rfind(key) if key else -1
                    if pos >= 0:
                        spans[party] = (pos, pos + len(squash(party)))
                owner, best = None, -1
                for party, (pos, end) in spans.items():
                    # "โรงเรียนวัดโพธิ์ทอง…": the temple's name inside the school's is the school's
                    inside = any(o != party and a <= pos and end <= b for o, (a, b) in spans.items())
                    if pos > best and not inside:
                        owner, best = party, pos
                alias = clean(m.group(1))
                if alias and re.search(r"รวมกัน|jointly|collectively", m.group(0), re.IGNORECASE):
                    # "เครือข่ายโรงเรียนห้วยทับทิม ซึ่งประกอบด้วย … เรียกรวมกันว่า "เครือข่ายโรงเรียน"":
                    # the alias stands for the group whose name it begins, not for its last member
                    whole = flat[max(0, m.start() - ALIAS_REACH) : m.start()].replace("*", "")
                    group = re.search(rf"{re.escape(alias)}[^\s(,]+", whole)
                    if group and is_organisation(group.group(0)):
                        owner = clean(group.group(0))
                if owner and alias and squash(alias) not in ("party", "parties", "ภาคี"):
                    found.setdefault(alias, owner)
    return found


def resolve(key: str, parties: list[str], known: dict[str, str]) -> str:
    """The party a short name, an alias or a role title stands for, else the key cleaned."""
    # "มหาวิทยาลัยฯ": the sign ฯ shortens a name the document gave in full
    text = strip_role(re.sub(r"^(?:the|of)\s+", "", key.strip().rstrip("ฯ").strip(), flags=re.IGNORECASE))
    k = squash(re.sub(r"^(?:the)\s+", "", text, flags=re.IGNORECASE))
    if not k:
        return clean(key)
    for alias, owner in known.items():
        if squash(alias) == k:
            return owner
    for party in parties:
        p = squash(party)
        # a short name inside the party's name, or the party's name opening a slightly longer key
        if k == p or (len(k) >= 6 and (k in p or (k.startswith(p) and len(k) <= len(p) + 20))):
            return party
    for alias, owner in known.items():
        a = squash(alias)
        if len(a) >= 3 and (k.startswith(a) or a in k[: len(a) + 12]):
            return owner
    if is_bare_head(text):
        # "วัด", "ชุมชน", "the Foundation": the one party whose name opens (Thai) or ends (English) so
        opening = [p for p in parties if squash(p).startswith(k) or squash(p).endswith(k)]
        if len(opening) == 1:
            return opening[0]
    return clean(text)
