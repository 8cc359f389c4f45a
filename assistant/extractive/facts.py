"""The answer types' patterns (dates, numbers, names, places): :func:`holds_type` and :func:`pick_fact`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from assistant import grounding as g
from assistant.extractive.questions import AnswerType
from assistant.extractive.skeleton import THAI_DIGITS

_DATE = re.compile(
    r"(?:\d{1,2}|[๐-๙]{1,2})\s*(?:ม\.?ค\.?|ก\.?พ\.?|มี\.?ค\.?|เม\.?ย\.?|พ\.?ค\.?|มิ\.?ย\.?|ก\.?ค\.?|ส\.?ค\.?|ก\.?ย\.?|ต\.?ค\.?|พ\.?ย\.?|ธ\.?ค\.?"
    r"|มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม)"
    r"(?:\s*(?:พ\.ศ\.|ค\.ศ\.)?\s*[\d๐-๙]{2,4})?"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:january|february|march|april|may|june|july|august|september|october|november|december)\b(?:,?\s*\d{4})?"
    r"|\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+(?:\d{1,2},?\s*)?\d{4}"
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
_THAI_NUMBER_WORD = re.compile(
    r"(?:กึ่ง|ครึ่ง|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่|เอ็ด|ร้อย|พัน|หมื่น|แสน|ล้าน)+"
)
_THAI_CLASSIFIER = re.compile(
    r"(?:คน|คณะ|แห่ง|อัน|ชุด|ประการ|ฉบับ|ตำแหน่ง|ราย|ท่าน|ครั้ง|เรื่อง|ส่วน|ข้อ|ฝ่าย|ชนิด|ประเภท|วัน|ปี)\s*$"
)
"""A Thai classifier: "หนึ่ง" after it is the article "a" ("กรรมการคนหนึ่ง"), not a count."""
_YEAR = re.compile(r"(?:19|20)\d{2}|2[45]\d{2}")
_COUNT_UNIT = re.compile(r"\s*(?:%|ร้อยละ|คน|บาท|ครั้ง|แห่ง|โรงเรียน|people|persons|students|baht|times)", re.I)


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
    r"(?!\s*(?:ดร|อาจารย์|ศาสตราจารย์)(?:[\s.]|$))"  # a title followed only by another title is no name
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
_NOT_A_PERSON = re.compile(
    r"\b(?:Authority|Part(?:y|ies)|Institute|Institution|Technology|Universit(?:y|ies)|College|School|Ministry|"
    r"Department|Office|Committee|Board|Council|Fund|Foundation|Company|Ltd|Pvt|Limited|Government|Centre|Center|"
    r"Education|Association|Agency|Programme|Program|Act|Plan|Policy|Memorandum|Understanding|"
    r"Head|Director|Manager|Officer|Principal|Dean|Chair(?:man|person)?|President|Secretary|Coordinator|"
    r"Representative|Signatory)\b"
)
"""A word that makes a run of capitalised words the name of an organisation, a document or a post
("Divisional Head"), not of a person."""
_POST_BEFORE = re.compile(
    r"^(?:(?:Authori[sz]ed|Representative|Signatory|Director|Principal|Chair(?:man|person)?|President|Dean|"
    r"Secretary|Coordinator)\s+)+(?=[A-Z][a-z]+\s+[A-Z][a-z]+)"
)
"""A post written before a name in a run of capitalised words ("Representative Rajeev Ranjan")."""
_ACRONYM = re.compile(r"\b[A-Z][A-Z&]{2,}\b")
"""An organisation named by its letters ("UNICEF", "OBEC"): taken after names written out."""
_PLACE = re.compile(r"(?:จังหวัด|อำเภอ|ตำบล|ณ\s)\S+|\b(?:[Aa]t|[Ii]n)\s+(?-i:[A-Z][a-z]+)", re.I)
"""A place: a Thai province, district or sub-district; "at"/"in" before a capitalised name, not "in the"."""
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:น\.|นาฬิกา|a\.?m\.?|p\.?m\.?|hrs?)?|เวลา\s*[\d๐-๙]", re.I)
_STAGE = re.compile(
    r"\b(?:at|by|before|after|until|from|in)\s+the\s+(?:end|start|beginning|close|middle)\s+of\s+"
    r"(?:the\s+|each\s+|every\s+)?[A-Za-z-]+(?:\s+(?:[A-Z][a-z]+|\d{1,2}))?"
    r"|(?:ปลาย|สิ้น|ต้น|กลาง)(?:ปีการศึกษา|ปีงบประมาณ|ปี|ภาคเรียน|ภาคการศึกษา|ภาค|เดือน)"
    r"|\b(?:in|by|during|from|until|before|after|each|every)\s+(?:early\s+|late\s+|mid-?)?"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)\b"
    r"|(?:ใน|ช่วง|ทุก)?เดือน(?:มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน"
    r"|ตุลาคม|พฤศจิกายน|ธันวาคม)",
    re.I,
)
"""A time told by a stage or a month rather than a date ("at the end of Basic 2", "ปลายภาคเรียน",
"in August", "ทุกเดือนพฤษภาคม"): answers "when"."""
_TYPE_PATTERNS = {
    AnswerType.DATE: (_DATE, _TIME, _STAGE),
    AnswerType.NUMBER: (_NUMBER, _NUMBER_WORDS),
    AnswerType.WHO: (_PERSON, _ORGANISATION, _ACRONYM),
    AnswerType.PLACE: (_PLACE,),
}


def holds_type(text: str, answer_type: AnswerType) -> bool:
    """True when ``text`` holds something of the wanted type (a date, a number, a name, a place)."""
    patterns = _TYPE_PATTERNS.get(answer_type)
    return True if patterns is None else any(p.search(text) for p in patterns)


_REFERENCE = re.compile(r"(?:มาตรา|ข้อ|section|article|clause|chapter|หมวด|ตาราง|table|figure|ภาพ)\s*$", re.I)


_MONTH = re.compile(
    r"january|february|march|april|may|june|july|august|september|october|november|december|เดือน", re.I
)
"""A month named alone ("in August") tells "when" less than a day does: a bare year's rank."""
_BARE_YEAR = re.compile(r"(?:(?:พ\.ศ\.|ค\.ศ\.|B\.E\.|A\.D\.|ปี(?:การศึกษา|งบประมาณ)?)\s*)?[\d๐-๙]{4}", re.I)
_ASKS_YEAR = re.compile(
    r"ปี(?:การศึกษา|งบประมาณ)?\s*(?:ใด|ไหน|อะไร)|พ\.ศ\.\s*(?:ใด|อะไร)|\b(?:which|what)\s+years?\b", re.I
)


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
    stated_terms = asked_terms | g.content_terms(full_forms(asked))
    person_first = wants_person(answer_type, asked)
    best: tuple[float, int, int, int, str] | None = None
    for rank, pattern in enumerate(_TYPE_PATTERNS.get(answer_type, ())):
        for order, match in enumerate(pattern.finditer(text)):
            value = match.group(0).strip(" ,.;:")
            if pattern is _ORGANISATION:
                value = _POST_BEFORE.sub("", value)  # "Representative Rajeev Ranjan" names Rajeev Ranjan
            if not value or len(value) < 2 or any(_squeezed(value) in q for q in stated):
                continue
            if _REFERENCE.search(text[max(0, match.start() - 12) : match.start()]):
                continue
            if person_first and _a_deputy(text[match.end() : match.end() + 30], asked):
                continue  # "… สุขแสงประสิทธิ์ รองผู้อำนวยการ" when the director is asked for
            if _restates(value, stated_terms, asked) or (
                answer_type == AnswerType.NUMBER
                and not (
                    _a_quantity(value, text, match.start(), match.end())
                    and _of_the_asked_kind(value, text, match.start(), match.end(), asked)
                )
            ):
                continue
            around = text[match.start() : match.end() + 20]
            shared = len(g.content_terms(around) & asked_terms)
            acronym = pattern is _ACRONYM
            place = float(rank)
            if person_first and pattern is _ORGANISATION and _NOT_A_PERSON.search(value):
                place += 0.5  # "Competent Authority", "Turnia Technology": after a name without a title
            # "when" is answered by the day it happened before a bare year ("Act B.E. 2562 … since
            # 1 June 2022"), unless the question asks for the year
            vague = (
                pattern is _DATE and bool(_BARE_YEAR.fullmatch(value)) and not _ASKS_YEAR.search(asked)
            ) or (pattern is _STAGE and not re.search(r"[\d๐-๙]", value) and bool(_MONTH.search(value)))
            key = (place if person_first else int(acronym), int(vague), -shared, order, value)
            if best is None or key < best:
                best = key
    return best[-1] if best else ""


_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*%?\s*(?:-|–|—|to|ถึง)\s*(\d+(?:\.\d+)?)", re.I)


def in_a_range(text: str, asked: str) -> bool:
    """Whether ``text`` states a range that holds a number of the question ("35 - 44%" for a
    pupil who "scored 40%"): the band a value falls in answers what the value means."""
    numbers = []
    for number in g.numbers_of(asked):
        try:
            numbers.append(float(number))
        except ValueError:
            continue
    if not numbers:
        return False
    for low, high in _RANGE.findall(g.strip_markers(text).translate(THAI_DIGITS)):
        a, b = float(low), float(high)
        if a < b and any(a <= x <= b for x in numbers) and not (a.is_integer() and 1900 <= a <= 2700):
            return True
    return False


_ASKS_MONEY = re.compile(
    r"(?<!ปี)งบประมาณ|ค่าใช้จ่าย|ค่าตอบแทน|ราคา|กี่บาท|จำนวนเงิน|\b(?:budget|cost|price|funding|fee|how much money)",
    re.I,
)
_ASKS_PERCENT = re.compile(r"ร้อยละ|เปอร์เซ็นต์|\bper ?cent|%", re.I)
_MONEY_AFTER = re.compile(r"\s*(?:บาท|baht|ล้าน|million|billion|dollars?|US\$|฿)", re.I)
_MONEY_BEFORE = re.compile(r"(?:US\$|\$|฿|THB|USD|บาท)\s*$", re.I)
_AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d{2}")
"""A sum written as money is in a table without its unit ("7,956,500.00"): thousands separators or cents."""


_UNITS: dict[str, tuple[str, ...]] = {
    "persons": ("คน", "ท่าน", "people", "persons", "students", "teachers", "pupils", "users", "members",
                "participants", "visitors", "learners", "staff"),
    "times": ("ครั้ง", "times", "visits", "sessions"),
    "places": ("แห่ง", "โรงเรียน", "schools", "sites", "centres", "centers", "campuses"),
    "days": ("วัน", "days"),
    "weeks": ("สัปดาห์", "weeks"),
    "months": ("เดือน", "months"),
    "years": ("ปี", "years"),
    "hours": ("ชั่วโมง", "hours"),
    "items": ("เครื่อง", "เล่ม", "ชิ้น", "รายการ", "computers", "books", "titles", "items"),
}
"""Count units by what they count: a number followed by a unit of another group does not answer
"กี่คน" / "how many people" ("97 ครั้ง" is a number of times, not of people)."""
_UNIT_GROUP = {unit: group for group, units in _UNITS.items() for unit in units}


def _alternatives(units: list[str]) -> str:
    return "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True))


_UNIT_AFTER = re.compile(rf"\s*({_alternatives(list(_UNIT_GROUP))})(?![a-z])", re.I)
_ASKED_UNIT = re.compile(
    rf"กี่\s*({_alternatives([u for u in _UNIT_GROUP if not u.isascii()])})"
    rf"|\bhow\s+many\s+(?:\w+\s+)?({_alternatives([u for u in _UNIT_GROUP if u.isascii()])})\b",
    re.I,
)


def asked_unit(asked: str) -> str | None:
    """The group of the unit a count question names ("กี่คน", "how many students" → "persons")."""
    match = _ASKED_UNIT.search(asked)
    if not match:
        return None
    return _UNIT_GROUP.get((match.group(1) or match.group(2)).lower())


def _unit_after(value: str, text: str, end: int) -> str | None:
    """The group of the count unit right after a number (in the value or the text), if any."""
    digits = value.split()[0]
    match = _UNIT_AFTER.match(value, len(digits)) or _UNIT_AFTER.match(text, end)
    return _UNIT_GROUP.get(match.group(1).lower()) if match else None


def _of_the_asked_kind(value: str, text: str, start: int, end: int, asked: str) -> bool:
    """Whether a number is of the kind the question asks: a sum of money for a budget or a cost
    ("งบประมาณเท่าไร", "how much does it cost"), a percentage for a share ("กี่เปอร์เซ็นต์"),
    a count of what the question counts ("กี่คน": not "97 ครั้ง").
    A count of projects or a satisfaction rate does not answer what a project cost."""
    if _ASKS_DURATION.search(asked) and not (
        _DURATION_AFTER.match(value, len(value.split()[0])) or _DURATION_AFTER.match(text, end)
    ):
        return False  # "for how long": a span of time, not "two (2) original copies"
    unit = asked_unit(asked)
    if unit is not None:
        found = _unit_after(value, text, end)
        if found is not None and found != unit:
            return False
    if not _says_what_it_counts(text, asked, unit):
        return False
    if _ASKS_PERCENT.search(asked):
        return bool(_ASKS_PERCENT.search(text[start : end + 12]))
    if _ASKS_MONEY.search(asked):
        digits = value.split()[0]
        return bool(
            _MONEY_AFTER.match(text, end)
            or _MONEY_AFTER.search(value)
            or _MONEY_BEFORE.search(text[max(0, start - 6) : start])
            or _AMOUNT.fullmatch(digits)
        )
    return True


_ASKS_DURATION = re.compile(r"\bhow long\b|นานเท่า(?:ไร|ไหร่|ใด)|นานแค่ไหน|ระยะเวลา(?:กี่|เท่า)", re.I)
_DURATION_AFTER = re.compile(
    r"[\s)]*(?:\([^)]{1,12}\)\s*)?[-\s]*(?:calendar\s+|working\s+|academic\s+|full\s+)?"
    r"(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|semesters?|terms?|sessions?"
    r"|วินาที|นาที|ชั่วโมง|ชม\.|วัน|สัปดาห์|เดือน|ปี|ภาคเรียน|ภาคการศึกษา|คาบ)",
    re.I,
)
"""A number followed by a unit of time ("5 (five) years", "thirty (30) days", "3 ปี"): how long."""

_HOW_MANY = re.compile(r"\bhow\s+many\s+(?:[a-z-]+\s+)?([a-z]{3,})\b", re.I)


def _says_what_it_counts(text: str, asked: str, unit: str | None) -> bool:
    """For "how many X", whether the text names X (or a word of X's unit group): "two (2) original
    Memoranda" does not say how many students there are."""
    match = _HOW_MANY.search(asked)
    if not match:
        return True
    counted = match.group(1).lower()
    words = g.content_terms(text)
    if g.stem(counted) in words:
        return True
    return unit is not None and any(g.stem(u) in words for u in _UNITS[unit])


def wants_person(answer_type: AnswerType, asked: str) -> bool:
    """Whether the question asks who holds a post (a person's name answers, not an organisation's)."""
    return answer_type == AnswerType.WHO and bool(_ROLE.search(asked))


def opens_with_person(text: str) -> bool:
    """Whether a text opens with a person's name and title ("นายสมชาย ใจดี ประธาน", "Dr. Anan Srisuk, …")."""
    return bool(_PERSON.match(text.lstrip()))


def names_person(value: str) -> bool:
    """Whether a picked value is a person's name with its title ("Shri. Prasad Wali", "นายสมชาย ใจดี")."""
    return bool(_PERSON.search(value))


_DEPUTY_WORDS = r"(?:รอง|ผู้ช่วย|รักษาการ|\b(?:deputy|vice|assistant|acting)\b|\bvice-)"
_DEPUTY = re.compile(rf"^[\s,(]*{_DEPUTY_WORDS}", re.I)


def _a_deputy(after: str, asked: str) -> bool:
    """Whether the post written after a name is the deputy's, assistant's or acting holder's
    ("รองผู้อำนวยการ", "Deputy Director") while the question asks for the post itself."""
    return bool(_DEPUTY.search(after)) and not re.search(_DEPUTY_WORDS, asked, re.I)


def _restates(value: str, stated_terms: frozenset[str], asked: str = "") -> bool:
    """Whether a name is mostly the question's own words ("Edutech India Pvt" for a question
    about "RBM Edutech India"): two of its three words or more; or the letters of a name the
    question writes out ("EOF" for "the Education Outcomes Fund")."""
    if _ACRONYM.fullmatch(value) and value in _initials(asked):
        return True
    words = g.content_terms(value)
    return len(words) >= 2 and len(words & stated_terms) * 3 >= len(words) * 2


def _initials(text: str) -> set[str]:
    """The initials of each run of capitalised words in ``text`` ("Education Outcomes Fund" → "EOF")."""
    out: set[str] = set()
    for run in re.finditer(r"[A-Z][a-z]+(?:\s+(?:of|for|and|the|&)?\s*[A-Z][a-z]+)+", text):
        letters = "".join(w[0] for w in run.group(0).split() if w[:1].isupper())
        out.update(letters[i:j] for i in range(len(letters)) for j in range(i + 2, len(letters) + 1))
    return out


def _a_quantity(value: str, text: str, start: int, end: int) -> bool:
    """Whether a number found in ``text[start:end]`` is a quantity that can answer "how many":
    not a year ("กรกฎาคม – สิงหาคม 2563", "September 2008") unless a count unit follows it,
    and not the Thai article "หนึ่ง" after a classifier ("กรรมการคนหนึ่ง")."""
    digits = value.split()[0].rstrip(",.")
    if _YEAR.fullmatch(digits) and not _COUNT_UNIT.match(text, start + len(digits)):
        return False
    return not (value == "หนึ่ง" and _THAI_CLASSIFIER.search(text[max(0, start - 12) : start]))


def _squeezed(text: str) -> str:
    """``text`` lower-cased without white space (Thai writes a name with or without spaces)."""
    return re.sub(r"\s+", "", text).lower()
