"""How stored values are shown to a person: codes in words, dates in the UI's calendar, file names not paths.

Usage:
    >>> from assistant.ui.i18n import get_labels
    >>> labels = get_labels()
    >>> code_label(labels, "th", "partner_type", "business")
    'สถานประกอบการ/ธุรกิจ'
    >>> code_choices(labels, "en", "partner_status", ["active"])
    [('Active', 'active')]
    >>> show_date("2025-05-31", "th"), show_date("2025-05-31", "en")
    ('31 พฤษภาคม 2568', '31 May 2025')
    >>> file_name("/work/main/corpus/partners.csv")
    'partners.csv'

The words live in ``labels/codes.yaml`` (``codes.<kind>.<code>``); :data:`CODE_KINDS` names each
kind's enum, so a test can check that every value has words and that none leaks into the Thai UI.
Dropdowns keep the code as the value: ``gr.Dropdown(code_choices(...))`` gives ``(words, code)``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from assistant.ui.i18n import Labels, normalize_language


def _enum_values(module: str, name: str) -> tuple[str, ...]:
    import importlib

    return tuple(str(member.value) for member in getattr(importlib.import_module(module), name))


CODE_KINDS: dict[str, tuple[str, str]] = {
    "partner_type": ("assistant.partners.registry", "PartnerType"),
    "partner_status": ("assistant.partners.registry", "PartnerStatus"),
    "doc_type": ("ingest.records", "DocType"),
    "language": ("ingest.records", "Language"),
    "backend": ("assistant.settings", "Backend"),
}
"""Each kind of code the UI shows: the module and enum that define its values."""


def codes_of(kind: str) -> tuple[str, ...]:
    """Every code of ``kind`` (the enum's values)."""
    return _enum_values(*CODE_KINDS[kind])


def code_key(kind: str, code: str) -> str:
    """The label key of a code: ``codes.<kind>.<code>`` (languages: ``codes.language.lang_<code>``)."""
    return f"codes.{kind}.lang_{code}" if kind == "language" else f"codes.{kind}.{code}"


def code_label(labels: Labels, lang: str | None, kind: str, code: Any) -> str:
    """``code`` of ``kind`` in words in ``lang``; an unknown code is shown as it is (never an error)."""
    value = str(getattr(code, "value", code) or "")
    key = code_key(kind, value)
    return labels.text(key, lang) if key in labels.table else value


def code_choices(labels: Labels, lang: str | None, kind: str, codes: Iterable[Any]) -> list[tuple[str, str]]:
    """Gradio choices ``(words, code)``: the user reads words, the handler gets the code."""
    return [(code_label(labels, lang, kind, c), str(getattr(c, "value", c))) for c in codes]


# ---------------------------------------------------------------- dates


def show_date(value: date | datetime | str | None, lang: str | None) -> str:
    """A day as the UI's language writes it: ``31 พฤษภาคม 2568`` (Buddhist era) or ``31 May 2025``.

    Accepts a date or an ISO string (``2025-05-31``, a datetime's date part is used); text
    that is not an ISO date is returned unchanged.
    """
    from assistant.mou.dates import format_date

    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value.strip())
        if not match:
            return value
        try:
            value = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return value
    return format_date(value, normalize_language(lang))


def show_time(timestamp: float, lang: str | None) -> str:
    """A moment (Unix time, local clock) as ``31 พฤษภาคม 2568 14:05`` or ``31 May 2025 14:05``."""
    local = time.localtime(timestamp)
    day = date(local.tm_year, local.tm_mon, local.tm_mday)
    return f"{show_date(day, lang)} {local.tm_hour:02d}:{local.tm_min:02d}"


def show_month(value: str, lang: str | None) -> str:
    """``2025-05`` as ``พฤษภาคม 2568`` / ``May 2025``; other text unchanged."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return value
    return show_date(date(int(match[1]), int(match[2]), 1), lang).split(" ", 1)[1]


# ---------------------------------------------------------------- documents


HEALTH_GOOD = 0.85
"""A document whose readable pages score at least this reads well."""
HEALTH_FAIR = 0.6
"""Below this the text is hard to read (garbled OCR or broken fonts)."""


def health_kind(health: float | None, status: str, needs_ocr: Iterable[int] = ()) -> str:
    """The word for a document's text health: ``good``, ``fair``, ``poor``, ``needs_ocr``, ``some_ocr``."""
    if status == "needs_ocr":
        return "needs_ocr"
    if health is None:
        return "needs_ocr" if list(needs_ocr) else "unknown"
    if list(needs_ocr):
        return "some_ocr"
    if health >= HEALTH_GOOD:
        return "good"
    return "fair" if health >= HEALTH_FAIR else "poor"


def health_words(labels: Labels, lang: str | None, health: float | None, status: str, needs_ocr: Any) -> str:
    """A document's text health in words (``อ่านได้ดี``, ``ต้องสแกนอ่าน OCR``…), not a score."""
    return labels.text(f"codes.health.{health_kind(health, status, needs_ocr or ())}", lang)


def file_name(path: str | PurePath | None) -> str:
    """Only the file name of a server path: the user never sees where the server keeps files."""
    if not path:
        return ""
    return PurePath(str(path).replace("\\", "/")).name


_PATH = re.compile(r"(?<![\w.:/])(?:/[\w.\-ก-๛]+){2,}/?")


def hide_paths(text: str) -> str:
    """Absolute POSIX paths in a message (an error, a note) replaced by their file names."""
    return _PATH.sub(lambda m: file_name(m.group(0).rstrip("/")) or m.group(0), text or "")
