"""The answer types' patterns (dates, numbers, names, places): :func:`holds_type` and :func:`pick_fact`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from assistant import grounding as g
from assistant.extractive.questions import AnswerType

_DATE = re.compile(
    r"(?:\d{1,2}|[๐-๙]{1,2})\s*(?:ม\.?ค\.?|ก\.?พ\.?|มี\.?ค\.?|เม\.?ย\.?|พ\.?ค\.?|มิ\.?ย\.?|ก\.?ค\.?|ส\.?ค\.?|ก\.?ย\.?|ต\.?ค\.?|พ\.?ย\.?|ธ\.?ค\.?"
    r"|มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม)"
    r"(?:\s*(?:พ\.ศ\.|ค\.ศ\.)?\s*[\d๐-๙]{2,4})?"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:january|february|march|april|may|june|july|august|september|october|november|december)\b(?:,?\s*\d{4})?"
    r"|\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+\d{1,2},?\s*\d{4}"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b|(?:พ\.ศ\.|ค\.ศ\.|ปี(?:การศึกษา|งบประมาณ)?)\s*[\d๐-๙]{4}|\b(?:19|20)\d{2}\b|\b25\d{2}\b",
    re.I,
)
_NUMBER = re.compile(
    # a quantity: not an ordinal ("ปีที่ 9", "No. 4"), not part of a code ("P043", "4-94")
    r"(?<![\w\-/])(?<!ที่)(?<!ที่ )(?<!no\.)(?<!no\. )[\d๐-๙][\d๐-๙,.]*(?![\w\-/])\s*"
    r"(?:%|ร้อยละ|คน|บาท|ปี|วัน|เดือน|ครั้ง|แห่ง|โรงเรียน|[^\W\d_]+)?|ร้อยละ\s*[\d๐-๙.]+",
    re.I,
)
_ENGLISH_NUMBER_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million)\b",
    re.I,
)
_THAI_NUMBER_WORD = re.compile(r"(?:หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่|เอ็ด|ร้อย|พัน|หมื่น|แสน|ล้าน)+")


@dataclass(frozen=True)
class _Span:
    """A found value, read like a regular-expression match (``group``, ``start``, ``end``)."""

    text: str
    begin: int
    stop: int

    def group(self, _: int = 0) -> str:
        return self.text[self.begin : self.stop]

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.stop


@lru_cache(maxsize=8192)
def _thai_words_of(run: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(word_tokenize(run, engine="newmm", keep_whitespace=True))


class _NumberWords:
    """Numbers written as words, when they are whole words.

    "สามสิบ", "forty" are numbers; the same letters inside another Thai word are not
    ("พัน" in "พันธกิจ", "สาม" in "สามารถ", "ร้อย" in "เรียบร้อย"), so Thai text is read
    word by word (newmm).
    """

    def finditer(self, text: str) -> Iterator[re.Match[str] | _Span]:
        yield from _ENGLISH_NUMBER_WORDS.finditer(text)
        for run in re.finditer(r"[\u0e00-\u0e7f]+", text):
            pos = run.start()
            begin: int | None = None  # where the number words now running began ("สี่" "สิบห้า" is one)
            for word in _thai_words_of(run.group(0)):
                if _THAI_NUMBER_WORD.fullmatch(word):
                    begin = pos if begin is None else begin
                elif begin is not None:
                    yield _Span(text, begin, pos)
                    begin = None
                pos += len(word)
            if begin is not None:
                yield _Span(text, begin, pos)

    def search(self, text: str) -> re.Match[str] | _Span | None:
        return next(iter(self.finditer(text)), None)


_NUMBER_WORDS = _NumberWords()
_PERSON = re.compile(
    # a title, then the name ("อ.ดร.ภูวดล บัวบางพลู", "นางสาวสมศรี ใจดี", "Mr. Prasad Wali")
    r"(?:(?:อ\.|ผศ\.|รศ\.|ศ\.)?\s*ดร\.|(?<!มิถุ)นาย(?!ก(?:รัฐ|องค์|เทศ|สภา|อบต|ฯ))|นาง(?:สาว)?|ผศ\.|รศ\.|ศ\.|อาจารย์|ผู้ช่วยศาสตราจารย์|รองศาสตราจารย์)"
    r"\s*[\u0e00-\u0e7f]+(?:\s{1,2}[\u0e00-\u0e7f]+)?"
    r"|\b(?:Dr|Mr|Mrs|Ms|Miss|Prof|Shri|Smt)\.?\s+[A-Z][a-z]+(?:\s+[A-Z]\.)*(?:\s+[A-Z][a-z]+)*"
)
_ORGANISATION = re.compile(
    r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+|(?:กระทรวง|สำนักงาน|สำนัก|มหาวิทยาลัย|โรงเรียน|คณะกรรมการ|องค์การ|กรม)\S+"
)
_ROLE = re.compile(
    # the question asks who holds a post: a person's name answers before an organisation's
    r"ผู้อำนวยการ|ประธาน|อธิการบดี|คณบดี|เลขานุการ|ผู้แทน|ผู้ประสานงาน|หัวหน้า|นายก|ผู้ลงนาม|ลงนาม|ตำแหน่ง|วิทยากร"
    r"|ผู้เขียน|ผู้จัดทำ|บรรณาธิการ|\b(?:director|chair\w*|president|dean|rector|principal|secretary|head"
    r"|represent\w*|sign\w*|coordinator|author|editor|speaker|officer|manager)\b",
    re.I,
)
_PLACE = re.compile(r"(?:จังหวัด|อำเภอ|ตำบล|ณ\s)\S+|\b(?:at|in)\s+[A-Z][a-z]+", re.I)
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:น\.|นาฬิกา|a\.?m\.?|p\.?m\.?|hrs?)?|เวลา\s*[\d๐-๙]", re.I)
_TYPE_PATTERNS = {
    AnswerType.DATE: (_DATE, _TIME),
    AnswerType.NUMBER: (_NUMBER, _NUMBER_WORDS),
    AnswerType.WHO: (_PERSON, _ORGANISATION),
    AnswerType.PLACE: (_PLACE,),
}


def holds_type(text: str, answer_type: AnswerType) -> bool:
    """True when ``text`` holds something of the wanted type (a date, a number, a name, a place)."""
    patterns = _TYPE_PATTERNS.get(answer_type)
    return True if patterns is None else any(p.search(text) for p in patterns)


_REFERENCE = re.compile(r"(?:มาตรา|ข้อ|section|article|clause|chapter|หมวด|ตาราง|table|figure|ภาพ)\s*$", re.I)


def pick_fact(text: str, answer_type: AnswerType, asked: str) -> str:
    """The date, number, name or place in ``text`` that answers, when one can be picked out.

    Values the question already states are skipped (also when it abbreviates them: "มรภ."
    states "มหาวิทยาลัยราชภัฏ"), and so are references ("Section 10", "มาตรา ๕"); among the
    rest, the one whose neighbouring words the question shares comes first ("12 years" for
    "how many years"). A question about who holds a post ("ผู้อำนวยการ", "represented") takes
    a person's name before an organisation's. Returns "" when nothing qualifies.
    """
    from assistant.retrieval.abbreviations import full_forms

    asked_terms = g.content_terms(asked)
    stated = {_squeezed(asked), _squeezed(full_forms(asked))}
    person_first = answer_type == AnswerType.WHO and bool(_ROLE.search(asked))
    best: tuple[int, int, int, str] | None = None
    for rank, pattern in enumerate(_TYPE_PATTERNS.get(answer_type, ())):
        for order, match in enumerate(pattern.finditer(text)):
            value = match.group(0).strip(" ,.;:")
            if not value or len(value) < 2 or any(_squeezed(value) in q for q in stated):
                continue
            if _REFERENCE.search(text[max(0, match.start() - 12) : match.start()]):
                continue
            around = text[match.start() : match.end() + 20]
            shared = len(g.content_terms(around) & asked_terms)
            key = (rank if person_first else 0, -shared, order, value)
            if best is None or key < best:
                best = key
    return best[3] if best else ""


def _squeezed(text: str) -> str:
    """``text`` lower-cased without white space (Thai writes a name with or without spaces)."""
    return re.sub(r"\s+", "", text).lower()
