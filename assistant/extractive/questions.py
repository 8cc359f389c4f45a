"""What a question asks for: a list, a fact of some type, or an explanation.

Usage:
    >>> q = analyse("เครือข่ายความร่วมมือมีองค์ประกอบกี่ประการ อะไรบ้าง")
    >>> q.kind, q.count_asked
    (<Kind.LIST: 'list'>, True)
    >>> analyse("When was the Act published?").answer_type
    <AnswerType.DATE: 'date'>

The answer's shape follows from it: a list question gets the enumerated items of the best
section, a factual one the sentence that holds the fact, with the fact first. The cues
are the usual question words of Thai and English; the patterns are data-like tables here
rather than code paths, so adding a cue is adding a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from assistant import grounding as g


class Kind(StrEnum):
    """The shape of answer a question wants."""

    LIST = "list"
    FACT = "fact"
    EXPLAIN = "explain"


class AnswerType(StrEnum):
    """What kind of fact a factual question wants."""

    DATE = "date"
    NUMBER = "number"
    WHO = "who"
    PLACE = "place"
    DEFINITION = "definition"
    ANY = "any"


_LIST_TH = re.compile(
    r"อะไรบ้าง|อะไร\s*บ้าง|ใครบ้าง|ที่ไหนบ้าง|ด้านใดบ้าง|ข้อใดบ้าง|อย่างไรบ้าง|ไหนบ้าง|มีกี่|กี่ประการ|กี่ข้อ|กี่ขั้น|กี่ด้าน"
    r"|กี่กลุ่ม|กี่องค์ประกอบ|กี่ประเภท|กี่ส่วน|กี่ระยะ|ขั้นตอน|ประกอบด้วย|ได้แก่|แต่ละ|ทั้งหมด|บ้าง\s*$"
)
_LIST_EN = re.compile(
    r"^\s*(?:what|which|who)\s+(?:are|were)\b|\b(?:list|name|enumerate)\b|\bwhat\s+(?:kinds?|types?|steps?)\b"
    r"|\bsteps?\b|\bstages?\b|\bphases?\b|\bcomponents?\b|\bfactors?\b|\bprinciples?\b|\bobjectives?\b"
    r"|\bstrateg(?:y|ies)\b|\bgoals\b|\bbenefits?\b|\bchallenges?\b|\bareas\b|\bduties\b|\brights\b"
    r"|\bresponsibilities\b|\bresponsible for\b|\broles?\b|\bobligations?\b|\bmembers\b|\bhow many\b"
    r"|\bwhat does .* include\b|\bwhat .* consist|\bwhat should\b|\bwhat must\b|\bwhat (?:do|does) .* do\b"
    # "what (internal) strengths did …", "which resources does …": a plural noun asked for
    r"|^\W*(?:what|which)\s+(?:[a-z-]+\s+)?[a-z-]{2,}(?:[^isu\W]s|ies)\s+"
    r"(?:do|does|did|are|were|have|has|had|should|must|can|could|will|would)\b",
    re.I,
)
_COUNT = re.compile(r"กี่|how many", re.I)
_CUES: dict[AnswerType, tuple[str, ...]] = {
    AnswerType.DATE: (
        r"เมื่อไร|เมื่อใด|วันที่เท่าไร|วันใด|วันไหน|ปีใด|ปีไหน|พ\.ศ\.\s*ใด|ช่วงใด|ช่วงไหน",
        r"^\W*when\b|\bwhen (?:was|is|did|does|will|were|do|are|must|should|can|has|have)\b",
        r"\bwhat (?:date|year|day|month)s?\b|\bwhich (?:dates?|years?|period)\b",
    ),
    AnswerType.NUMBER: (
        r"เท่าไร|เท่าใด|กี่|จำนวน|ร้อยละ",
        r"\bhow (?:many|much|long|quickly|soon|often)\b|\bwithin (?:how|what)\b",
        r"\bwhat (?:percentage|number|amount|score|total)\b",
    ),
    AnswerType.WHO: (
        r"ใคร|ผู้ใด|หน่วยงานใด|องค์กรใด",
        r"\bwho\b|\bwhom\b|\bwhich (?:organi[sz]ation|person|agency|company|institut)",
    ),
    AnswerType.PLACE: (r"ที่ไหน|ที่ใด|จังหวัดใด", r"\bwhere\b|\bwhich (?:city|province|country|place)\b"),
    AnswerType.DEFINITION: (
        r"คืออะไร|หมายถึง|หมายความว่า|ความหมาย",
        r"\bwhat (?:is|are|does) .*\bmean\b|\bdefin|^\W*what (?:is|are) (?:a|an)\b",
    ),
}
"""Question words that ask for each type of fact, Thai and English (the first that matches wins)."""
_TYPES = tuple((t, re.compile("|".join(cues), re.I)) for t, cues in _CUES.items())
_ASKING = re.compile(
    r"\bhow (?:many|much|long|quickly|soon|often)\b"
    r"|\bwhat (?:date|year|day|month|percentage|number|amount)s?\b"
    r"|\bwhich (?:dates?|years?|period)\b|\bwithin (?:how|what)\b",
    re.I,
)
_LEADING_CLAUSE = re.compile(
    r"^\W*(?:when|if|after|before|once|while|since)\b[^?,]*,\s*"
    r"(?=(?:which|what|who|whom|whose|how|where|when|why|do|does|did|is|are|was|were|can|should|must)\b)",
    re.I,
)
"""A leading time or condition clause ("When the network was upgraded in 2009, which switch…"):
the question word after it says what is asked."""
_EXPLAIN = re.compile(
    r"ทำไม|เพราะเหตุใด|อย่างไร|เหตุใด|\bwhy\b|\bhow (?:do|does|can|should|to)\b|\bexplain\b", re.I
)


@dataclass(frozen=True)
class Question:
    """A question as the answering steps see it."""

    text: str
    language: str
    kind: Kind
    answer_type: AnswerType = AnswerType.ANY
    count_asked: bool = False

    @property
    def terms(self) -> frozenset[str]:
        """The question's content words (Thai-aware, stop words out), without the words that only ask
        ("how long", "what date"): those say what kind of answer is wanted, not what it is about."""
        return g.content_terms(_ASKING.sub(" ", self.text))


def analyse(text: str) -> Question:
    """Classify a question (see the module doc); never fails."""
    language = g.question_language(text)
    clause = _LEADING_CLAUSE.match(text)
    asking = text[clause.end() :] if clause else text  # "When X happened, which Y…?" asks which
    answer_type = next((t for t, p in _TYPES if p.search(asking)), AnswerType.ANY)
    listy = bool(_LIST_TH.search(text) if language == "th" else _LIST_EN.search(text))
    count = bool(_COUNT.search(text))
    if listy and answer_type in (AnswerType.DATE, AnswerType.PLACE) and not count:
        listy = bool(re.search(r"บ้าง|\b(?:list|which .* (?:dates|places))\b", text, re.I))
    if listy and answer_type == AnswerType.NUMBER and not re.search(r"บ้าง|อะไร|which|what are", text, re.I):
        listy = False  # "how many members…?" wants a number, "กี่ประการ อะไรบ้าง" the list
    if listy:
        kind = Kind.LIST
    elif answer_type != AnswerType.ANY:
        kind = Kind.FACT
    elif _EXPLAIN.search(text):
        kind = Kind.EXPLAIN
    else:
        kind = Kind.FACT
    return Question(text, language, kind, answer_type, count)


_SPLIT_EN = re.compile(
    r",?\s+and\s+(?=(?:who|what|when|where|why|how|which|whom|whose|does|do|did|is|are|was|were|can|must|should)\b)",
    re.I,
)
_ASKS_TH = re.compile(
    r"ใคร|อะไร|เท่าไร|เท่าไหร่|เท่าใด|อย่างไร|ยังไง|ไหน|ที่ใด|เมื่อไร|เมื่อไหร่|เมื่อใด|กี่|ใด|ไหม|หรือไม่"
)
"""A Thai question word: a compound Thai question has one on each side of its "และ"."""
_JOIN_TH = re.compile(r"\s+(?:และ|แล้ว)\s*")


def _split_th(text: str) -> list[str]:
    """A Thai question cut at each " และ …" that has a question word before it and after it
    ("… เริ่มใช้งานเมื่อไร และในปี 2553 ใช้ประชุมไปกี่ครั้ง")."""
    for join in _JOIN_TH.finditer(text):
        left, right = text[: join.start()], text[join.end() :]
        if _ASKS_TH.search(left) and _ASKS_TH.search(right):
            return [left, *_split_th(right)]
    return [text]


_COMPARE = (
    re.compile(
        r"^(?P<a>.{4,}?)\s*(?:กับ|และ)\s*(?P<b>.{4,}?)\s*(?:มี)?(?:ความ)?(?:แตกต่าง|ต่าง|เหมือน)(?:กัน)?"
        r"(?:หรือ(?:ต่าง|ไม่)\S*)?\s*(?:อย่างไร|ยังไง|ตรงไหน|ไหม|หรือไม่)?\s*[?？]?\s*$"
    ),
    re.compile(
        r"^\W*(?:how|in what ways?)\s+(?:does|do|is|are)\s+(?P<a>.{4,}?)\s+differ\s+from\s+(?P<b>.{4,}?)\W*$",
        re.I,
    ),
    re.compile(
        r"^\W*(?:what\s+(?:is|are)\s+)?the\s+differences?\s+between\s+(?P<a>.{4,}?)\s+and\s+(?P<b>.{4,}?)\W*$",
        re.I,
    ),
    re.compile(r"^\W*compare\s+(?P<a>.{4,}?)\s+(?:and|with|to)\s+(?P<b>.{4,}?)\W*$", re.I),
)
"""A comparison ("A กับ B แตกต่างกันอย่างไร", "How does A differ from B?"): each side is answered on its own."""


def _compared(text: str) -> list[str]:
    """The two things a comparison question sets side by side, or [] when it is not one."""
    for pattern in _COMPARE:
        match = pattern.match(text.strip())
        if match:
            return [match.group("a").strip(" ,"), match.group("b").strip(" ,")]
    return []


def parts(question: Question) -> list[Question]:
    """The questions a compound question asks ("Where is the fund, and who chairs it?"); itself when one.

    A part is cut where "and" is followed by a new question, or where "และ" has a question word
    on each side; a comparison ("A กับ B ต่างกันอย่างไร") has a part for each side. Each part is
    analysed on its own.
    """
    cut = _compared(question.text) or (
        _split_th(question.text) if question.language == "th" else _SPLIT_EN.split(question.text)
    )
    pieces = [p.strip(" ,") for p in cut if p.strip(" ,")]
    if len(pieces) < 2 or any(len(p) < 8 for p in pieces):
        return [question]
    return [analyse(p) for p in pieces]
