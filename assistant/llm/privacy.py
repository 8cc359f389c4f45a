"""Personal-data screen run on every text BEFORE any model sees it (PDPA B.E. 2562).

Two ways to use it:

* **refuse**: :func:`ensure_no_personal_data` raises :class:`PersonalDataError` (portfolios and
  reflections refuse learner text that holds personal data, and say what to remove);
* **mask at the model boundary**: :func:`screened` wraps a chat model so that every message it
  is sent passes :func:`redact_personal_data` first: each finding is replaced by its masked form
  (``08•-•••-••78``). :class:`assistant.ask.Answerer` (Ask and workshop sessions),
  :class:`assistant.drafting.engine.Writer` (every drafting tool and the MOU analysis) and the query
  translator wrap their model this way, so a question, a session question or an MOU's text
  reaches the model screened, whatever the front end. What the user sees and what is stored
  are not changed.

Usage:
    >>> from assistant.llm.privacy import find_personal_data, ensure_no_personal_data
    >>> [f.kind for f in find_personal_data("โทร 081-234-5678 หรือ kru@example.ac.th")]
    ['phone', 'email']
    >>> ensure_no_personal_data("ฉันทำโครงงานปลูกผักปี 2567 หน้า 12", "th")   # clean: returns None
    >>> ensure_no_personal_data("ด.ช.สมชาย ใจดี 1-1037-02071-81-1", "en")
    Traceback (most recent call last):
    PersonalDataError: The text seems to hold personal data: Thai national ID number (1-10••-•••••-••-1); ...

What is found:

* **Thai national ID numbers**: 13 digits, plain or grouped with dashes, spaces or dots
  (``1-2345-67890-12-1``), Arabic or Thai digits (๐–๙), accepted only when the check digit
  is right (the mod-11 checksum), so a random 13-digit number is not flagged;
* **phone numbers**: Thai mobiles (06/08/09 + 8 digits), Bangkok (02 + 7 digits) and
  provincial landlines (03–07 + 7 digits), with dashes or spaces, or ``+66`` without the 0;
* **e-mail addresses**;
* **student-ID-like numbers** after a label (``เลขประจำตัวนักเรียน 12345``, ``student ID: 6601234``);
* **Thai full names after a title** (ด.ช., ด.ญ., เด็กชาย, เด็กหญิง, นาย, นาง, นางสาว, น.ส.)
  and English ones after Mr/Mrs/Ms/Miss. "นาย" inside a word (นายก, นายอำเภอ) is not a title:
  the title must stand as its own word (pythainlp segmentation).

Years (2567), page numbers and scores are not flagged. Messages never echo a value in
full: every finding is masked (first and last characters kept).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ingest.lexical import THAI_DIGITS

__all__ = [
    "KIND_NAMES",
    "PersonalDataError",
    "PiiFinding",
    "ScreenedModel",
    "ensure_no_personal_data",
    "find_personal_data",
    "mask",
    "redact_personal_data",
    "screen_messages",
    "screened",
    "thai_id_checksum_ok",
]

log = logging.getLogger(__name__)


KIND_NAMES: dict[str, dict[str, str]] = {
    "national_id": {"th": "เลขประจำตัวประชาชน", "en": "Thai national ID number"},
    "phone": {"th": "หมายเลขโทรศัพท์", "en": "phone number"},
    "email": {"th": "อีเมล", "en": "email address"},
    "student_id": {"th": "เลขประจำตัวนักเรียน", "en": "student ID number"},
    "name": {"th": "ชื่อ-นามสกุลจริง", "en": "real full name"},
}

_SEP = r"[ \-.]?"
_NATIONAL_ID = re.compile(r"(?<![\d+])\d(?:" + _SEP + r"\d){12}(?![\d])")
_PHONE = re.compile(
    r"(?<![\d+])(?:"
    r"\(?\+66\)?[ \-]?"
    r"(?:[689]\d[ \-]?\d{3}[ \-]?\d{4}|2[ \-]?\d{3}[ \-]?\d{4}|[3-7]\d[ \-]?\d{3}[ \-]?\d{3})"
    r"|\(?0[689]\d\)?[ \-]?\d{3}[ \-]?\d{4}"
    r"|\(?02\)?[ \-]?\d{3}[ \-]?\d{4}"
    r"|\(?0[3-7]\d\)?[ \-]?\d{3}[ \-]?\d{3}"
    r")(?![\d])"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_STUDENT_ID = re.compile(
    r"(?:เลขประจำตัวนักเรียน|รหัสประจำตัวนักเรียน|รหัสนักเรียน|เลขที่นักเรียน|student\s*(?:id|no\.?|number)"
    r"|เลขประจำตัว)\s*[:：#]?\s*(\d{4,10})(?!\d)",
    re.IGNORECASE,
)
_THAI_WORD = r"[\u0E01-\u0E4E]{2,}"
_THAI_TITLES = ("เด็กชาย", "เด็กหญิง", "นางสาว", "ด.ช.", "ด.ญ.", "น.ส.", "นาย", "นาง")
_THAI_NAME = re.compile(  # a lookahead, so that a rejected candidate does not hide the name after it
    "(?=("
    + "|".join(re.escape(t) for t in _THAI_TITLES)
    + r")\s*("
    + _THAI_WORD
    + r")[ \t]+("
    + _THAI_WORD
    + "))"
)
_NOT_A_NAME = re.compile(
    "(?:และ|หรือ|กับ|ทุก|ทั้ง|แต่ละ|ของ|ที่|ใน|ซึ่ง)|.*(?:" + "|".join(re.escape(t) for t in _THAI_TITLES) + ")"
)
"""A word after a title that cannot be a first name or surname: a conjunction, a quantifier or another
title ("เด็กชายและเด็กหญิง ทุกคน" is a group of children, not a child's name)."""
_EN_NAME = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+([A-Z][a-z]+)\s+([A-Z][a-z]+)\b")


@dataclass(frozen=True)
class PiiFinding:
    """One piece of personal data: its kind, where it is, and a masked form safe to show."""

    kind: str
    start: int
    end: int
    masked: str

    def label(self, language: str = "th") -> str:
        """``"phone number (08•-•••-••78)"`` in the language asked."""
        lang = "th" if language == "th" else "en"
        return f"{KIND_NAMES[self.kind][lang]} ({self.masked})"


class PersonalDataError(ValueError):
    """The text holds personal data; the message names each kind found, masked."""

    def __init__(self, findings: list[PiiFinding], language: str = "th") -> None:
        self.findings = findings
        self.language = "th" if language == "th" else "en"
        super().__init__(self.message(self.language))

    @property
    def kinds(self) -> list[str]:
        """The kinds found, each once, in order of first appearance."""
        return list(dict.fromkeys(f.kind for f in self.findings))

    def message(self, language: str = "th") -> str:
        """The refusal: what was found (masked) and what to do."""
        found = "; ".join(f.label(language) for f in self.findings)
        if language == "th":
            return (
                f"ข้อความนี้ดูเหมือนมีข้อมูลส่วนบุคคล: {found} "
                "จึงไม่ส่งต่อให้โมเดลภาษา กรุณาลบข้อมูลเหล่านี้หรือใช้ชื่อสมมติแทน แล้วลองอีกครั้ง (ตาม PDPA)"
            )
        return (
            f"The text seems to hold personal data: {found}. It was not passed to any language model; "
            "remove these details or use a pseudonym, then try again (PDPA)."
        )


def thai_id_checksum_ok(digits: str) -> bool:
    """True when 13 digits carry a valid Thai national ID check digit (mod 11)."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def mask(value: str, keep: int = 1) -> str:
    """Hide a value's letters and digits except the first and last ``keep``; separators stay."""
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    if len(positions) <= 2 * keep:
        return "•" * len(value)
    shown = set(positions[:keep] + positions[-keep:])
    return "".join(ch if (i in shown or not ch.isalnum()) else "•" for i, ch in enumerate(value))


def _mask_email(value: str) -> str:
    user, _, domain = value.partition("@")
    return f"{user[0]}•••@{domain[0]}•••{domain[domain.rfind('.') :]}"


def _mask_name(title: str, first: str, last: str) -> str:
    return f"{title} {first[0]}••• {last[0]}•••"


@lru_cache(maxsize=256)  # bounded: whole prompts pass through the screen
def _tokenize(text: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(word_tokenize(text, engine="newmm", keep_whitespace=True))


def _boundaries(text: str) -> set[int]:
    """Character offsets where a word starts or ends (pythainlp newmm)."""
    offsets, pos = {0}, 0
    for token in _tokenize(text):
        pos += len(token)
        offsets.add(pos)
    return offsets


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def find_personal_data(text: str, *, names: bool = True, student_ids: bool = True) -> list[PiiFinding]:
    """Every piece of personal data in ``text``, in reading order (masked, never the raw value)."""
    if not text:
        return []
    norm = text.translate(THAI_DIGITS)  # same length: offsets stay valid for ``text``
    findings: list[PiiFinding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int, masked: str) -> None:
        findings.append(PiiFinding(kind, start, end, masked))
        taken.append((start, end))

    for m in _EMAIL.finditer(norm):
        add("email", m.start(), m.end(), _mask_email(m.group(0)))
    for m in _NATIONAL_ID.finditer(norm):
        digits = re.sub(r"\D", "", m.group(0))
        if thai_id_checksum_ok(digits) and not _overlaps(m.span(), taken):
            add("national_id", m.start(), m.end(), mask(text[m.start() : m.end()]))
    for m in _PHONE.finditer(norm):
        if not _overlaps(m.span(), taken):
            add("phone", m.start(), m.end(), mask(text[m.start() : m.end()], keep=2))
    if student_ids:
        for m in _STUDENT_ID.finditer(norm):
            if not _overlaps(m.span(1), taken):
                add("student_id", m.start(1), m.end(1), mask(text[m.start(1) : m.end(1)]))
    if names:
        bounds: set[int] | None = None
        for m in _THAI_NAME.finditer(norm):
            title = m.group(1)
            if not title.endswith("."):  # a spelled-out title must be a word of its own (not นายก)
                bounds = bounds if bounds is not None else _boundaries(text)
                if m.end(1) not in bounds or m.start(1) not in bounds:
                    continue
            if _NOT_A_NAME.match(m.group(2)) or _NOT_A_NAME.match(m.group(3)):
                continue
            if not _overlaps((m.start(1), m.end(3)), taken):
                add("name", m.start(1), m.end(3), _mask_name(title, m.group(2), m.group(3)))
        for m in _EN_NAME.finditer(norm):
            if not _overlaps(m.span(), taken):
                add("name", m.start(), m.end(), _mask_name(m.group(1), m.group(2), m.group(3)))
    return sorted(findings, key=lambda f: f.start)


def ensure_no_personal_data(text: str, language: str = "th", **options: bool) -> None:
    """Raise :class:`PersonalDataError` (message in ``language``) when ``text`` holds personal data."""
    findings = find_personal_data(text, **options)
    if findings:
        raise PersonalDataError(findings, language)


def redact_personal_data(text: str, **options: bool) -> str:
    """``text`` with every piece of personal data replaced by its masked form (``08•-•••-••78``)."""
    findings = find_personal_data(text, **options)
    for f in reversed(findings):
        text = text[: f.start] + f.masked + text[f.end :]
    return text


def screen_messages(messages: Any) -> Any:
    """Chat messages (LangChain messages, or a plain prompt string) with their text screened.

    Messages without personal data are passed on unchanged (the same objects); the others are
    copied with the masked text. Only the kinds found are logged, never a value.
    """
    if isinstance(messages, str):
        return _screen_text(messages)
    if not isinstance(messages, Sequence):
        return messages
    out = []
    for message in messages:
        content = getattr(message, "content", None)
        if isinstance(content, str):
            clean = _screen_text(content)
            if clean is not content:
                message = message.model_copy(update={"content": clean})
        elif isinstance(message, str):
            message = _screen_text(message)
        out.append(message)
    return out


def _screen_text(text: str) -> str:
    findings = find_personal_data(text)
    if not findings:
        return text
    log.info("privacy screen: masked %s before the model", ", ".join(sorted({f.kind for f in findings})))
    return redact_personal_data(text)


class ScreenedModel:
    """A chat model whose every prompt passes the privacy screen (:func:`screen_messages`) first.

    ``invoke``, ``stream`` and ``batch`` screen their input; ``with_structured_output`` returns a
    screened runnable; anything else is the wrapped model's. Build it with :func:`screened`.
    """

    def __init__(self, model: Any) -> None:
        self.model = model

    def invoke(self, messages: Any, *args: Any, **kwargs: Any) -> Any:
        return self.model.invoke(screen_messages(messages), *args, **kwargs)

    def stream(self, messages: Any, *args: Any, **kwargs: Any) -> Any:
        return self.model.stream(screen_messages(messages), *args, **kwargs)

    def batch(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return self.model.batch([screen_messages(m) for m in inputs], *args, **kwargs)

    def with_structured_output(self, *args: Any, **kwargs: Any) -> ScreenedModel:
        return ScreenedModel(self.model.with_structured_output(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def __repr__(self) -> str:
        return f"ScreenedModel({self.model!r})"


def screened(model: Any) -> Any:
    """``model`` behind the privacy screen (None stays None; a screened model is not wrapped twice)."""
    if model is None or isinstance(model, ScreenedModel):
        return model
    return ScreenedModel(model)
