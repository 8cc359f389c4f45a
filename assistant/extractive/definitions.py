"""Definitions in the documents: where a text says what a term means ("“ครู” หมายความว่า …", "X means …").

Statutes, regulations and reports define their terms in a fixed form: the term (often in
quotation marks), a marker (หมายความว่า, หมายถึง, คือ, means, refers to) and the meaning. A
question that asks what a term means is answered by that sentence, whatever else the
question's words are ("… หมายถึงครูที่มีคุณสมบัติอย่างไร" asks for the definition although
the definition says วุฒิ, not คุณสมบัติ).

Usage:
    >>> asked_term("“ครูการศึกษาพิเศษ” หมายถึงอะไร")
    'ครูการศึกษาพิเศษ'
    >>> find_definition("ครูการศึกษาพิเศษ", "“ครูการศึกษาพิเศษ” หมายความว่า ครูที่มีวุฒิทางการศึกษาพิเศษ")
    '“ครูการศึกษาพิเศษ” หมายความว่า ครูที่มีวุฒิทางการศึกษาพิเศษ'
"""

from __future__ import annotations

import re

MARKERS_TH = ("หมายความว่า", "หมายถึง", "แปลว่า", "คือ")
MARKERS_EN = ("means", "refers to", "is defined as", "shall mean")
DEFINITION_CHARS = 320
"""A definition is cut at the next defined term, at a blank line, or at this length (at a word)."""

_QUOTED = re.compile(r"[“\"‘']([^”\"’']{2,60})[”\"’']")
_THAI_ASKED = re.compile(
    r"^(?:.*?\s)?(?:คำว่า\s*)?(?P<term>[^\s“”\"]{2,40}?)\s*(?:หมายถึง|หมายความว่า|แปลว่า|คือ)"
)
_ENGLISH_ASKED = re.compile(
    r"(?:what\s+does\s+(?:the\s+term\s+)?(?P<a>.{2,60}?)\s+mean"
    r"|what\s+is\s+meant\s+by\s+(?P<b>.{2,60}?)[?.]?$"
    r"|definition\s+of\s+(?P<c>.{2,60}?)[?.]?$"
    r"|define\s+(?P<d>.{2,60}?)[?.]?$)",
    re.I,
)


def asked_term(question: str) -> str:
    """The term a definition question asks about: its quoted term, else the words before the marker."""
    quoted = _QUOTED.search(question)
    if quoted:
        return quoted.group(1).strip()
    english = _ENGLISH_ASKED.search(question.strip())
    if english:
        term = next(g for g in english.groups() if g)
        return re.sub(r"^(?:the|a|an)\s+", "", term.strip(), flags=re.I)
    thai = _THAI_ASKED.search(question.strip())
    return thai.group("term").strip() if thai else ""


def find_definition(term: str, text: str) -> str:
    """The sentence of ``text`` that defines ``term`` (term, marker and meaning), or "" when none does."""
    if len(term) < 2:
        return ""
    markers = MARKERS_EN if term.isascii() else MARKERS_TH
    marker = "|".join(re.escape(m) for m in markers)
    end = r"(?!\w)" if term.isascii() else ""
    pattern = re.compile(rf"[“\"‘']?{re.escape(term)}[”\"’']?[ \t]*\n?[ \t]*(?:{marker}){end}", re.I)
    for match in pattern.finditer(text):
        if not _starts_term(text, match.start()):
            continue
        rest = text[match.end() :]
        meaning = _meaning(rest)
        if len(meaning) >= 4:
            return " ".join(f"{text[match.start() : match.end()]} {meaning}".split())
    return ""


def _starts_term(text: str, at: int) -> bool:
    """Whether a match at ``at`` begins the term itself, not the tail of a longer word."""
    if at == 0 or text[at] in "“\"‘'":
        return True
    before = text[at - 1]
    return not before.isalnum() or (not before.isascii() and not text[at].isascii() and before in " \n")


def _meaning(rest: str) -> str:
    """The meaning after a marker: up to the next quoted term, a blank line or a sentence end."""
    stop = len(rest)
    for pattern in (r"\n\s*\n", r"[“\"]", r"(?<=[a-z)])\.\s", r"\n\s*(?:มาตรา|section)\s"):
        found = re.search(pattern, rest, re.I)
        if found and found.start() > 0:
            stop = min(stop, found.start())
    meaning = " ".join(rest[:stop].split())
    if len(meaning) > DEFINITION_CHARS:
        meaning = meaning[:DEFINITION_CHARS].rsplit(" ", 1)[0]
    return meaning.strip(" :;,")
