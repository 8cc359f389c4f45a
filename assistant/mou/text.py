"""Text helpers shared by the MOU rules: pages as lines, clean values, evidence, verbatim-ish search.

Usage:
    >>> from assistant.mou.text import lines_of, squash, find_page, concepts
    >>> [line.text for line in lines_of([(1, "ข้อ ๑ ขอบเขต\\n๑.๑ การอบรม")])]
    ['ข้อ 1 ขอบเขต', '1.1 การอบรม']
    >>> squash("MOu  between: A-B"), find_page("a b", [(1, "x"), (2, "A, B")])
    ('moubetweenab', 2)
    >>> "โรงเรียน" in concepts().organisations_th
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.datafiles import DataFileError, load_yaml
from assistant.mou.dates import thai_digits_to_arabic

if TYPE_CHECKING:
    from ingest.records import Page

CONCEPTS_FILE = Path(__file__).with_name("concepts.yaml")


@dataclass(frozen=True)
class Line:
    """One line of a page: its page number and its text (Thai digits as Arabic, markdown kept)."""

    page: int
    text: str


@dataclass(frozen=True)
class Concepts:
    """The data of ``concepts.yaml``: heading phrases per field concept, organisation, role and person
    words, the words of a sentence (not a name), words for all parties, and signature-block openings."""

    headings: dict[str, list[str]]
    organisations_th: tuple[str, ...]
    organisations_en: tuple[str, ...]
    roles: tuple[str, ...]
    people: tuple[str, ...] = ()
    sentence_words_th: tuple[str, ...] = ()
    sentence_words_en: tuple[str, ...] = ()
    all_parties: tuple[str, ...] = ()
    signatures: tuple[str, ...] = ()


@cache
def concepts(path: Path = CONCEPTS_FILE) -> Concepts:
    """Load the concept lists (once); a broken file raises ValueError naming the file."""
    try:
        data = load_yaml(path)
        headings = {
            name: [str(p) for p in (v.get("th") or []) + (v.get("en") or [])]
            for name, v in data["headings"].items()
        }
        orgs = data["organisations"]
        roles = data["roles"]

        def both(key: str) -> tuple[str, ...]:
            return tuple(str(w).lower() for w in data[key]["th"] + data[key]["en"])

        return Concepts(
            headings,
            tuple(str(w) for w in orgs["th"]),
            tuple(str(w).lower() for w in orgs["en"]),
            tuple(str(w) for w in roles["th"] + roles["en"]),
            people=both("people"),
            sentence_words_th=tuple(str(w) for w in data["sentence_words"]["th"]),
            sentence_words_en=tuple(str(w).lower() for w in data["sentence_words"]["en"]),
            all_parties=both("all_parties"),
            signatures=both("signatures"),
        )
    except (DataFileError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: not a usable MOU concept list ({exc})") from exc


def page_list(pages: Sequence[Page] | Sequence[tuple[int, str]] | Sequence[str]) -> list[tuple[int, str]]:
    """``Page`` objects, ``(number, text)`` pairs or plain page texts as ``(number, text)`` pairs."""
    result = []
    for i, p in enumerate(pages, start=1):
        if isinstance(p, str):
            result.append((i, p))
        elif isinstance(p, tuple):
            result.append((int(p[0]), str(p[1])))
        else:
            result.append((int(p.number), str(p.text)))
    return result


_OCR_BULLET = re.compile(r"^(\s*)(?:-?\s*[@©®•●▪◦■□]|๑(?=\s+[A-Za-z]))\s+(?=\S)")
"""A bullet as OCR reads it: "•" seen as "@", "©", "-@", or as the Thai digit one before English text."""


def repair_bullet(line: str) -> str:
    """A line whose bullet OCR misread ("๑ supply readers", "-@ share results") with a plain "- " bullet."""
    return _OCR_BULLET.sub(r"\1- ", line, count=1)


_STRAY_MARK = re.compile(r"^\s*[.,'‘’`|]\s+(?=[(\d๐-๙\-•])")
"""A speck OCR read as a mark before a list item (". ๑.๑ การพัฒนาครู")."""
_THAI_ONE = re.compile(r"^\s*๑\s+(?=\S)")


def _bullets(texts: list[str]) -> list[str]:
    """Lines with misread bullets repaired: those of :func:`repair_bullet`, and a run of lines that each
    open with a lone "๑ " (a bullet read as the Thai digit one, before Thai text too)."""
    out = [repair_bullet(_STRAY_MARK.sub("", t, count=1)) for t in texts]
    ones = [bool(_THAI_ONE.match(t)) for t in out]
    for i, t in enumerate(out):
        if ones[i] and ((i > 0 and ones[i - 1]) or (i + 1 < len(out) and ones[i + 1])):
            out[i] = _THAI_ONE.sub("- ", t, count=1)
    return out


_GLUED_FIRST_ITEM = re.compile(r"(?<=[\u0e01-\u0e4e]{6})(?=ก\.\s+\S)")
"""A lettered list's first item run onto the heading above it by the text layer
("หน้าที่ความรับผิดชอบของแต่ละฝ่ายก. สำนักงาน…"): the line is split before "ก. "."""


def lines_of(pages: Sequence[tuple[int, str]]) -> list[Line]:
    """Every line of every page, misread bullets repaired, a glued first item split off, Thai digits
    as Arabic."""
    return [
        Line(n, thai_digits_to_arabic(line))
        for n, t in pages
        for line in _bullets([part for raw in t.splitlines() for part in _GLUED_FIRST_ITEM.split(raw)])
    ]


_THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def skeleton(text: str) -> str:
    """Thai text without its vowel and tone marks above and below the letters: what OCR of a scan keeps
    reliably ("ลงชีอ" and "ลงชื่อ", "ภาระหน้าที" and "ภาระหน้าที่" have one skeleton)."""
    return _THAI_MARKS.sub("", text)


def loosely_opens(text: str, word: str) -> bool:
    """Whether ``text`` opens with ``word``; for a Thai word, compared by :func:`skeleton` (OCR drops or
    swaps the marks), when the skeleton keeps at least three letters."""
    if word.isascii():
        return bool(re.match(rf"{re.escape(word)}\b", text))
    if text.startswith(word):
        return True
    bare = skeleton(word)
    return len(bare) >= 3 and skeleton(text).startswith(bare)


def display_width(text: str) -> int:
    """How wide a line is set, in characters: Thai vowels and tone marks above or below a letter take
    no width of their own, so a Thai line is not taken for a wider one than an English line."""
    return len(_THAI_MARKS.sub("", text.strip()))


def is_ocr_noise(text: str) -> bool:
    """Whether a line is what OCR makes of specks, stamps or a fold: scattered one- and two-character
    tokens ("ซ% : ข | =@ 17 17 1/ A at a"), or mostly signs rather than letters."""
    tokens = text.split()
    if not tokens:
        return False
    letters = len(re.findall(r"[A-Za-z\u0e01-\u0e4e]", text))
    visible = len("".join(tokens))
    if len(tokens) >= 3 and all(len(t) <= 2 for t in tokens):
        return True
    return visible >= 6 and letters / visible < 0.3


def clean(text: str) -> str:
    """Value text: markdown emphasis removed, spaces collapsed, stray punctuation trimmed."""
    text = text.replace("**", "").replace("__", "")
    return " ".join(text.split()).strip(" ,;:-–—\"'“”.|")


def evidence(text: str, start: int, end: int, pad: int = 60) -> str:
    """The text around a match, on one line."""
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


_RECITAL = re.compile(r"(?:whereas|now,?\s+therefore|witnesseth|โดยที่\s*ทั้ง)", re.IGNORECASE)
"""How a recital opens ("WHEREAS the University operates …"): a sentence about a party, never its name."""
_VERBS = frozenset(
    [
        "shall",
        "will",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "hereby",
        "agree",
        "agrees",
        "agreed",
        "wish",
        "wishes",
        "operates",
        "supervises",
    ]
)
"""English words that make a piece of text a sentence rather than an organisation's name."""


def is_bare_head(name: str) -> bool:
    """Whether a name is only a kind of organisation ("โรงเรียน", "University", "the Office"): a heading
    word, a role's remainder or a short name, not the name of one organisation."""
    c = concepts()
    text = clean(name)
    if not text.isascii():
        return squash(text) in {squash(w) for w in c.organisations_th}
    words = [w for w in re.findall(r"[a-z.]+", text.lower()) if w not in ("the", "of", "and", "&")]
    return bool(words) and all(w in c.organisations_en for w in words)


def is_organisation(name: str) -> bool:
    """Whether a name reads as an organisation's (starts with a Thai organisation word, or holds an
    English one), not a person's, a role's or a sentence's."""
    text = clean(name)
    if not text or len(text) > 140 or _RECITAL.match(text):
        return False
    c = concepts()
    if any(text.startswith(w) for w in c.organisations_th):
        return not re.search(r"มีหน้าที่|\sจะ\s", text)
    words = re.findall(r"[a-z.]+", text.lower())
    if not words or len(words) > 14 or any(w in _VERBS for w in words):
        return False
    lowered = " " + " ".join(words) + " "
    return any(f" {w} " in lowered or (f" {w}" in lowered and w.endswith(".")) for w in c.organisations_en)


def strip_role(text: str) -> str:
    """A signature line's organisation, its role title removed ("ผู้อำนวยการโรงเรียนX" → "โรงเรียนX")."""
    text = clean(text)
    changed = True
    while changed:
        changed = False
        for role in sorted(concepts().roles, key=len, reverse=True):
            if text.lower().startswith(role.lower()):
                text = clean(re.sub(r"^[\s,]*(?:ใน)?(?:ตำแหน่ง)?\s*", "", text[len(role) :]))
                changed = True
                break
    # "นายกเทศมนตรีตำบลX" (the mayor) signs for "เทศบาลตำบลX" (the municipality)
    return re.sub(r"^เทศมนตรี(?=\S)", "เทศบาล", text)


def looks_like_name(name: str) -> bool:
    """Whether text that stands where a party's name stands reads as a name even without an organisation
    word (a resort's, a shop's): short, not a person's (``นาย…``, ``Dr. …``), not a role, not a date, and
    holding no word of a sentence (``concepts.yaml`` sentence_words); English names in title case."""
    from assistant.mou.dates import find_dates

    text = clean(name)
    if not 3 <= len(text) <= 80 or re.search(r"[:;!?]|\d{3,}", text) or find_dates(text):
        return False
    c = concepts()
    lowered = text.lower()
    if any(
        re.match(rf"{re.escape(p)}(?:\.|\s|$)" if p.isascii() else re.escape(p), lowered) for p in c.people
    ):
        return False
    if strip_role(text) != text:
        return False
    if not text.isascii():
        return not any(w in text for w in c.sentence_words_th) and len(text.split()) <= 6
    words = re.findall(r"[A-Za-z][A-Za-z'.-]*", text)
    if not words or len(words) > 8 or any(w.lower() in c.sentence_words_en for w in words):
        return False
    small = {"of", "and", "the", "for", "de", "la", "at", "on", "in"}
    return all(w[0].isupper() or w.lower() in small for w in words) and words[0][0].isupper()


def names_all_parties(text: str) -> bool:
    """Whether text speaks of every party at once ("แต่ละฝ่าย", "ทุกหน่วยงาน", "the Parties", "each
    partner"), not of one: it opens with a word of ``concepts.yaml`` all_parties."""
    lowered = clean(text).lower()
    # "ความรับผิดชอบของแต่ละฝ่าย", "responsibilities of each party": what follows "of" is who
    tails = {lowered, lowered.split("ของ")[-1].strip(), re.split(r"\bof\s+", lowered)[-1].strip()}
    for tail in tails:
        for w in concepts().all_parties:
            if w.isascii():
                if re.match(rf"(?:the\s+)?{re.escape(w)}(?:$|\s|[,.:])", tail):
                    return True
            elif tail.startswith(w):
                return True
    return False


def flat_text(text: str) -> str:
    """A page's text on one line for clause patterns: a line break between two Thai letters is dropped
    (Thai wraps inside a phrase: "มี\\nกำหนด ๓ ปี", "ล่วงหน้าไม่\\nน้อยกว่า"), any other becomes a space."""
    joined = re.sub(r"(?<=[\u0e00-\u0e7f])[ \t]*\n[ \t]*(?=[\u0e00-\u0e7f])", "", text)
    return " ".join(joined.split())


_SENTENCE_AFTER_OPENER = re.compile(r",\s*(?:i|we|it|they|our)\s+\w+", re.IGNORECASE)
"""A clause with a pronoun for subject after a comma: the line is a sentence."""
_TWO_COLUMNS = re.compile(r"^\s*(?:For|FOR)\s+\S.{2,80}?\s(?:For|FOR)\s+\S")
"""Two signature columns on one line: "For X   For Y"."""


def is_signature_line(text: str) -> bool:
    """Whether a line opens the signature block or the closing formula before it ("IN WITNESS …",
    "(ลงชื่อ) …", "พยาน", "For X   For Y"): what comes after it is not part of any section."""
    original = re.sub(r"^[\s>*#\-•]+", "", text.replace("**", ""))
    stripped = original.lower()
    if not stripped:
        return False
    if _TWO_COLUMNS.match(original):
        return True
    if _SENTENCE_AFTER_OPENER.search(stripped):
        return False  # "On behalf of X, I am pleased to …": a letter's sentence, not a signature
    return any(loosely_opens(stripped, w) for w in concepts().signatures)
