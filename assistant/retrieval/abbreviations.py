"""Thai abbreviations in questions, spelled out so that a document that writes the full form is found.

A leader asks about "มรภ.รำไพพรรณี" or "พ.ร.บ.การศึกษา"; the documents write
"มหาวิทยาลัยราชภัฏรำไพพรรณี" and "พระราชบัญญัติการศึกษา". The short form is rare in the
index, so it weighs most among the question's words and no passage holds it. The list of
abbreviations is data (``corpus/abbreviations.yaml``); this module adds each one's full form
after it, keeping the short form for documents that use it.

Usage:
    >>> spell_out("มรภ.รำไพพรรณีมีวิสัยทัศน์อย่างไร", {"มรภ.": "มหาวิทยาลัยราชภัฏ"})
    'มรภ. (มหาวิทยาลัยราชภัฏ) รำไพพรรณีมีวิสัยทัศน์อย่างไร'
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.datafiles import load_mapping
from assistant.settings import get_settings

FILE_NAME = "abbreviations.yaml"


@lru_cache(maxsize=4)
def load_abbreviations(corpus_dir: Path | None = None) -> dict[str, str]:
    """The abbreviations and their full forms from ``<corpus>/abbreviations.yaml`` (empty when absent)."""
    path = Path(corpus_dir or get_settings().corpus_dir) / FILE_NAME
    data = load_mapping(path, default={})
    table = data.get("th") or {}
    if not isinstance(table, dict):
        raise ValueError(f"{path}: 'th' must map each abbreviation to its full form")
    return {str(k).strip(): str(v).strip() for k, v in table.items() if str(k).strip() and str(v).strip()}


def _pattern(table: dict[str, str]) -> re.Pattern[str]:
    """Any abbreviation of ``table`` (longest first), wherever it starts except right after a dot."""
    keys = sorted(table, key=len, reverse=True)
    return re.compile("|".join(rf"(?<![.]){re.escape(k)}" for k in keys))


def spell_out(text: str, table: dict[str, str] | None = None) -> str:
    """``text`` with each known abbreviation followed by its full form in brackets.

    Thai runs words together ("ของมรภ.รำไพพรรณี"), so an abbreviation counts wherever it
    starts, except right after a dot (the "ม.ร." of "อ.ม.ร."); one already spelled out in the
    text is left alone.
    """
    table = load_abbreviations() if table is None else table
    if not table or not text:
        return text
    out: list[str] = []
    last = 0
    for match in _pattern(table).finditer(text):
        full = table[match.group(0)]
        if full in text:
            continue
        out.append(text[last : match.end()])
        tail = text[match.end() :]
        out.append(f" ({full})" + ("" if tail[:1] in ("", " ") else " "))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def full_forms(text: str, table: dict[str, str] | None = None) -> str:
    """``text`` with each known abbreviation replaced by its full form.

    For telling whether a question already names something a passage spells out:
    "มรภ.รำไพพรรณี" becomes "มหาวิทยาลัยราชภัฏรำไพพรรณี".

    >>> full_forms("มรภ.รำไพพรรณี", {"มรภ.": "มหาวิทยาลัยราชภัฏ"})
    'มหาวิทยาลัยราชภัฏรำไพพรรณี'
    """
    table = load_abbreviations() if table is None else table
    if not table or not text:
        return text
    return _pattern(table).sub(lambda m: table[m.group(0)], text)
