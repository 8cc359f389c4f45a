"""Words for keyword (BM25) search: Thai split by pythainlp newmm, English lower-cased, stop words out.

Usage:
    >>> from ingest.lexical import tokenize
    >>> tokenize("องค์ประกอบของเครือข่าย and the components")
    ['องค์ประกอบ', 'เครือข่าย', 'components']
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

WORDLIKE = re.compile(r"[\w\u0E00-\u0E7F]", re.UNICODE)


@cache
def _stop_words() -> frozenset[str]:
    """Thai stop words from pythainlp and English ones from scikit-learn, loaded once."""
    from pythainlp.corpus import thai_stopwords
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(thai_stopwords()) | frozenset(ENGLISH_STOP_WORDS) | QUESTION_WORDS


QUESTION_WORDS = frozenset(
    {
        "กี่",
        "ใด",
        "ไหม",
        "แบบไหน",
        "อันไหน",
        "ข้อใด",
        "ประการใด",
        "อย่างไรบ้าง",
        "does",
        "did",
        "doing",
        "according",
        "say",
        "says",
        "mention",
        "mentions",
        "tell",
        "tells",
    }
)
"""Question words the stop lists lack: they ask, they are not what a passage is about
("what does the framework say about …")."""


_RUN = re.compile(r"[\u0e00-\u0e7f][\u0e00-\u0e7f.]*|[^\W_]+(?:['’.\-][^\W_]+)*")
"""A run of Thai letters (segmented into words by newmm), or one word of another script
("Café", "pre-tertiary", "4.79", "B.E"): pythainlp splits Latin words at letters like é."""


def tokenize(text: str) -> list[str]:
    """Split text into the search terms that BM25 indexes and matches, in order."""
    from pythainlp.tokenize import word_tokenize

    stop = _stop_words()
    terms = []
    for run in _RUN.finditer(unicodedata.normalize("NFC", text or "")):
        piece = run.group(0)
        words = (
            word_tokenize(piece, engine="newmm", keep_whitespace=False) if _is_thai(piece) else _parts(piece)
        )
        for raw in words:
            term = raw.strip() if _is_thai(raw) else raw.strip("'’.-").lower()
            if term == ".":
                continue
            if not _is_thai(term) and term.endswith(("'s", "’s")):
                term = term[:-2]  # "Thailand's" → "thailand"
            if not term or not WORDLIKE.search(term) or term in stop:
                continue
            terms.append(term)
    return terms


def _parts(word: str) -> list[str]:
    """A Latin word as search terms: a compound whole and by its parts ("EOF-supported" → "EOF-supported",
    "EOF", "supported"; "4.c" → "4.c", "4", "c"); numbers ("4.79") stay whole."""
    if re.fullmatch(r"[\d.,]+", word):
        return [word]
    parts = [p for p in re.split(r"[-.]", word) if p]
    return [word, *parts] if len(parts) > 1 else parts


def _is_thai(token: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in token)


# Thai marks and punctuation are "separators" to SQLite's unicode61 tokenizer; declaring them
# token characters keeps a Thai word whole.
THAI_TOKENCHARS = "".join(
    chr(c) for c in range(0x0E00, 0x0E80) if unicodedata.category(chr(c))[0] in {"M", "P", "S"}
)
FTS_TOKENIZER = f"unicode61 remove_diacritics 0 tokenchars '{THAI_TOKENCHARS}'"


def fts_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression that ORs the quoted terms (empty string when there are none).

    A number is matched in both digit sets: Thai statutes and gazettes write "มาตรา ๓" and
    "พ.ศ. ๒๕๖๖" where a question types "มาตรา 3" and "2566", and the reverse.
    """
    unique = list(dict.fromkeys(twin for t in terms for twin in (t, digit_twin(t))))
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in unique)


THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
"""Thai digits to Arabic ones, one character each (offsets are kept). The one table every layer uses."""
_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def digit_twin(term: str) -> str:
    """``term`` with its digits in the other digit set ("2566" ↔ "๒๕๖๖"); unchanged without digits.

    >>> digit_twin("2566"), digit_twin("๓")
    ('๒๕๖๖', '3')
    """
    arabic = term.translate(THAI_DIGITS)
    return arabic if arabic != term else term.translate(_TO_THAI)
