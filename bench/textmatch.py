"""Answer matching for the benchmarks: does a text hold an answer, whatever its PDF extraction did?

Usage:
    >>> from bench.textmatch import holds, skeleton
    >>> holds("มาตรา ๕ ให้คนพิการมีสิทธิ", "มาตรา 5")
    True

Real PDFs come out of different extractors with different damage: tone marks dropped,
moved or replaced by Private Use Area glyphs, sara am split into nikhahit + sara aa,
Thai digits, stray spaces and line breaks. To judge every pipeline by the same rule, both
the text and the answer are reduced to a *skeleton* before a substring test: Thai digits
become Arabic, tone marks, nikhahit, thanthakhat and PUA glyphs are dropped, sara am
becomes sara aa, letters are lower-cased, and everything that is not a letter or a digit
goes. The skeleton of a short answer can still match by chance in a long text, so answers
in the question sets are phrases, not single common words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_DROP = re.compile("[\u0e47-\u0e4e\u0e31\uf700-\uf8ff\u200b-\u200d\ufeff]")
_KEEP = re.compile(r"[^0-9a-z\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e46]")


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """``text`` reduced to lower-case letters and digits, Thai marks dropped (see the module doc)."""
    text = unicodedata.normalize("NFKC", text or "").translate(_THAI_DIGITS).lower()
    text = text.replace("\u0e33", "\u0e32").replace("\u0e4d\u0e32", "\u0e32")
    text = _DROP.sub("", text)
    return _KEEP.sub("", text)


def holds(text: str, answer: str) -> bool:
    """True when ``text`` contains ``answer``, compared by :func:`skeleton`."""
    needle = skeleton(answer)
    return bool(needle) and needle in skeleton(text)


def holds_any(text: str, answers: list[str]) -> bool:
    """True when ``text`` contains any of ``answers`` (alternative wordings of one answer)."""
    return any(holds(text, a) for a in answers)
