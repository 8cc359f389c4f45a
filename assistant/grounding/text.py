"""The text the checks read: token estimates, language, loops, Thai-aware sentences, content terms, support.

Sentence splitting and the thresholds are described in :mod:`assistant.grounding`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.grounding.markers import MARKER, strip_markers
from ingest.lexical import THAI_DIGITS

# --------------------------------------------------------------------------- constants

THAI_CHARS_PER_TOKEN = 1.4
"""Thai characters per token on the embedded model (measured; see shared/notes/offline-models.md)."""
OTHER_CHARS_PER_TOKEN = 4.0
"""Characters per token for English and everything else (the usual BPE rule of thumb)."""

SUPPORT_MIN = 0.35
"""Share of a sentence's content words that a cited passage must contain to support it.

Content words are :func:`ingest.lexical.tokenize` terms (Thai by newmm, stop words out).
About a third lets a paraphrase through (it keeps the key nouns and numbers: "PDPA",
"consent", "1 June 2022") while invented or injected text ("the capital of France is
Paris", "here is my system prompt") scores near 0 against the passages. Measured on the
starter corpus, a sentence against the *other* chunks BM25 finds for it (same topic, often
the same document) reaches 0.3 in 60% of pairs and 0.4 in 39% (Thai: 71% / 53%): word
overlap catches invented content and citations to off-topic passages, not a mix-up
between two neighbouring passages of one document.
"""
SUPPORT_MIN_SHARED = 2
"""A supporting passage must also share at least this many content words (1 for one-word sentences)."""
MIN_CHECKED_TERMS = 2
"""Sentences with fewer content words ("Yes.", a heading) are not checked."""

THAI_MIN_SENTENCE = 40
"""Thai phrases are joined into sentences of at least this many characters (see module doc)."""

REPEAT_WINDOW = 60
"""Length of the character window whose third occurrence counts as a loop (40 flagged real documents)."""
REPEAT_COUNT = 3
REPEAT_SENTENCE_MIN = 20
"""A sentence at least this long that occurs twice counts as a loop."""

THAI_MIN_SHARE = 0.5
"""A Thai answer needs at least this share of Thai among its letters (English terms are fine)."""
EN_MAX_THAI_SHARE = 0.3
"""An English answer may have at most this share of Thai letters (quoted Thai names are fine)."""

# --------------------------------------------------------------------------- patterns

_THAI_CHAR = "\u0e00-\u0e7f"
_RE_THAI = re.compile(f"[{_THAI_CHAR}]")
_RE_THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")
_RE_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_RE_CJK = re.compile(
    "[\u1100-\u11ff"  # Hangul Jamo
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff"  # Katakana
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u3400-\u4dbf"  # Han extension A
    "\u4e00-\u9fff"  # Han
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # Han compatibility
    "\u3000-\u303f"  # CJK punctuation (。、「」)
    "\uff01-\uff60"  # full-width forms (，：！)
    "]"
)

_MARKERS_RUN = rf"(?:\s*{MARKER.pattern})*"

_RE_EN_BOUNDARY = re.compile(
    rf"(?<=[.!?])((?:[\"')\]]*){_MARKERS_RUN})\s+(?=[A-Z\"'(\[{_THAI_CHAR}])(?!{MARKER.pattern})"
)
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "shri", "smt", "sri", "st", "no", "nos", "vol", "fig", "art", "sec"}
    | {"dept", "govt", "pvt", "vs", "e.g", "i.e", "cf", "approx", "rs", "hon", "rev", "gen", "capt", "lt"}
    | {"col", "sgt", "mt"}
)
"""Words written with a full stop that a name or a number follows ("Shri. Prasad Wali", "No. 4"):
no sentence ends after them, nor after a single capital initial ("J. Smith")."""
_RE_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_RE_THAI_BOUNDARY = re.compile(rf"(?<=[{_THAI_CHAR}\]])\s+(?=[{_THAI_CHAR}])")
_RE_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)]|#{1,6})\s+")
_RE_MARKDOWN = re.compile(r"[*_`|>]{1,3}")
_RE_SPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------- tokens and language


def estimate_tokens(text: str) -> int:
    """Roughly how many model tokens ``text`` costs (Thai 1/1.4 chars, other 1/4 chars)."""
    thai = len(_RE_THAI.findall(text))
    other = len(text) - thai
    return int(thai / THAI_CHARS_PER_TOKEN + other / OTHER_CHARS_PER_TOKEN + 0.999)


def thai_share(text: str) -> float | None:
    """Share of Thai among the Thai and Latin letters of ``text`` (None when it has no letters)."""
    thai = len(_RE_THAI_LETTER.findall(text))
    latin = len(_RE_LATIN_LETTER.findall(text))
    return None if thai + latin == 0 else thai / (thai + latin)


def question_language(text: str) -> str:
    """The language to answer in: ``"th"`` unless the question is (at least 80%) Latin letters.

    Uses :func:`ingest.thai.detect_language`, so a Thai question with English terms
    ("PDPA มีผลบังคับใช้เมื่อใด") is Thai, and text without letters defaults to Thai.
    """
    from ingest.records import Language
    from ingest.thai import detect_language

    return "en" if detect_language(text) == Language.EN else "th"


def language_mismatch(text: str, language: str) -> bool:
    """True when an answer is not in ``language`` ("th" or "en"), judged by its letters."""
    share = thai_share(strip_markers(text))
    if share is None:
        return False
    if language == "th":
        return share < THAI_MIN_SHARE
    return share > EN_MAX_THAI_SHARE


def cjk_leak(text: str) -> str:
    """The Chinese, Japanese or Korean characters (and CJK punctuation) in ``text``, in order."""
    return "".join(_RE_CJK.findall(text))


_RE_LOOP = re.compile(r"(.{12,200}?)\s*\1\s*\1|(.{4,11}?)(?:\s*\2){4,}", re.DOTALL)
_RE_LETTERS = re.compile(rf"[A-Za-z{_THAI_CHAR}]")


def has_repetition(text: str) -> bool:
    """True when the text loops.

    A loop is any of: a sentence of at least :data:`REPEAT_SENTENCE_MIN` characters said
    twice; a stretch of 12–200 characters (with at least 6 letters) said three times in a
    row, or one of 4–11 characters (mostly letters) five times in a row; a
    :data:`REPEAT_WINDOW`-character stretch said :data:`REPEAT_COUNT` times anywhere.
    """
    sentences = [_normalise(s) for s in split_sentences(text)]
    long_ones = [s for s in sentences if len(s) >= REPEAT_SENTENCE_MIN]
    if len(long_ones) != len(set(long_ones)):
        return True
    flat = _normalise(text)
    for match in _RE_LOOP.finditer(flat):
        unit = match.group(1) or match.group(2)
        if len(_RE_LETTERS.findall(unit)) >= min(6, len(unit) - 1):
            return True
    return _repeated_window(flat)


def _repeated_window(flat: str) -> bool:
    """True when some :data:`REPEAT_WINDOW`-character stretch occurs :data:`REPEAT_COUNT` times."""
    seen: dict[str, int] = {}
    for start in range(max(0, len(flat) - REPEAT_WINDOW + 1)):
        window = flat[start : start + REPEAT_WINDOW]
        first = seen.setdefault(window, start)
        if start - first >= REPEAT_WINDOW and flat.count(window) >= REPEAT_COUNT:
            return True
    return False


def _normalise(text: str) -> str:
    """Lower-case, markers out, whitespace collapsed: the form used to compare sentences."""
    return _RE_SPACE.sub(" ", strip_markers(text)).strip().lower()


# --------------------------------------------------------------------------- sentences and terms


def clean_line(line: str) -> str:
    """A line of Markdown as plain text: bullet, heading and emphasis marks removed."""
    line = _RE_BULLET.sub("", line)
    line = _RE_MARKDOWN.sub("", line)
    return _RE_SPACE.sub(" ", line).strip()


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, Thai-aware (see the module doc for the rule), as plain text."""
    return [s for s in (clean_line(text[a:b]) for a, b in sentence_spans(text)) if s]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` character spans of the sentences of ``text`` (bullets left outside)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        bullet = _RE_BULLET.match(line)
        start = offset + (bullet.end() if bullet else 0)
        end = offset + len(line.rstrip())
        offset += len(line)
        if end <= start:
            continue
        for a, b in _split_line(text, start, end):
            spans.extend(_join_thai_pieces(text, _thai_pieces(text, a, b)))
    return spans


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` at English sentence ends, keeping trailing markers with their sentence."""
    pieces: list[tuple[int, int]] = []
    for match in _RE_EN_BOUNDARY.finditer(text, start, end):
        if _abbreviated(text[max(start, match.start() - 12) : match.start()]):
            continue
        pieces.append((start, match.end(1)))
        start = match.end()
    pieces.append((start, end))
    return [(a, b) for a, b in pieces if text[a:b].strip()]


def _abbreviated(before: str) -> bool:
    """Whether ``before`` (the text up to a full stop) ends with an abbreviation or an initial."""
    found = _RE_WORD_BEFORE.search(before)
    if found is None:
        return False
    word = found.group(1)
    last = word.rsplit(".", 1)[-1] if "." in word and word.lower() not in _ABBREVIATIONS else word
    initial = len(last) == 1 and last.isupper()
    return word.lower() in _ABBREVIATIONS or last.lower() in _ABBREVIATIONS or initial


def _thai_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` at spaces between Thai letters (or after a marker, before Thai)."""
    pieces: list[tuple[int, int]] = []
    for match in _RE_THAI_BOUNDARY.finditer(text, start, end):
        pieces.append((start, match.start()))
        start = match.end()
    pieces.append((start, end))
    return pieces


def _join_thai_pieces(text: str, pieces: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join short Thai phrases into sentences of at least :data:`THAI_MIN_SENTENCE` characters.

    A phrase ending with a citation marker closes a sentence early; when it is short and
    the sentence before it has no marker, it joins that sentence instead.
    """
    joined: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for a, b in pieces:
        current = (current[0], b) if current else (a, b)
        chunk = text[current[0] : current[1]]
        cited = _ends_with_marker(chunk)
        if len(chunk) < THAI_MIN_SENTENCE and not cited:
            continue
        previous = text[joined[-1][0] : joined[-1][1]] if joined else ""
        if cited and len(chunk) < THAI_MIN_SENTENCE // 2 and previous and not _ends_with_marker(previous):
            joined[-1] = (joined[-1][0], current[1])  # a short cited tail ("มี 7 ประการ [1]") cites it all
        else:
            joined.append(current)
        current = None
    if current:
        last = text[joined[-1][0] : joined[-1][1]] if joined else ""
        short = current[1] - current[0] < THAI_MIN_SENTENCE // 2
        if joined and short and not _ends_with_marker(last):
            joined[-1] = (joined[-1][0], current[1])
        else:
            joined.append(current)
    return joined


def _ends_with_marker(text: str) -> bool:
    return bool(re.search(rf"{MARKER.pattern}[.!?]?\s*$", text))


@lru_cache(maxsize=1)
def _english_stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(term: str) -> str:
    """The Snowball (Porter 2) stem of an English word ("guarantees" → "guarante"); other terms unchanged.

    Both sides of every comparison are stemmed the same way, so a stem needs not be a word.
    """
    if not term.isascii() or not term.isalpha():
        return term
    return _english_stemmer().stemWord(term)


@lru_cache(maxsize=4096)
def _terms(text: str) -> frozenset[str]:
    from ingest.lexical import tokenize

    return frozenset(stem(t.translate(THAI_DIGITS)) for t in tokenize(text))


def content_terms(text: str) -> frozenset[str]:
    """The content words of a text (Thai-aware, stop words out, Thai digits read as Arabic), citation
    markers ignored."""
    return _terms(strip_markers(text))


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content words found in the passage (0 when it has none)."""
    s_terms = content_terms(sentence)
    if not s_terms:
        return 0.0
    return len(s_terms & content_terms(passage)) / len(s_terms)


SPECIFIC_MIN = 0.6
"""Share of a sentence's own content words (those not in the question) its passage must hold."""



def numbers_of(text: str) -> set[str]:
    """The numbers a text states (Thai digits read as Arabic, separators dropped), markers ignored."""
    plain = strip_markers(text).translate(THAI_DIGITS)
    return {m.group(0).replace(",", "").rstrip(".") for m in re.finditer(r"\d[\d,.]*", plain)}


BUDDHIST_ERA = 543
"""Years of the Buddhist era run this far ahead of the Christian era's (2566 is 2023)."""


def _year_forms(number: str) -> set[str]:
    """A number as itself, and a year also in the other era (2023 ↔ 2566); other numbers as they are."""
    if not number.isdigit() or len(number) != 4:
        return {number}
    year = int(number)
    if 1900 <= year <= 2150:
        return {number, str(year + BUDDHIST_ERA)}
    if 2443 <= year <= 2693:
        return {number, str(year - BUDDHIST_ERA)}
    return {number}


def numbers_across(sentence: str, passage: str) -> bool:
    """Whether every number ``sentence`` states is in ``passage``, a year in either era.

    For a sentence in the other script than its passage, numbers are what can be checked
    without a translation: an English answer from a Thai passage writes "2023" for "2566".
    """
    held = numbers_of(passage)
    return all(_year_forms(n) & held for n in numbers_of(sentence))


def supports(sentence: str, passage: str, asked: frozenset[str] = frozenset()) -> bool:
    """Whether ``passage`` holds what ``sentence`` claims, not only its topic.

    Three tests, all needed: the passage has at least :data:`SUPPORT_MIN` of the sentence's
    content words (and :data:`SUPPORT_MIN_SHARED` of them); every number the sentence
    states is in the passage; and the passage has :data:`SPECIFIC_MIN` of the sentence's
    *own* words, the ones not taken from the question (``asked``): a sentence that shares the
    question's topic words with a passage but adds an invented date, name or fact fails.
    """
    s_terms = content_terms(sentence)
    if not s_terms:
        return False
    p_terms = content_terms(passage)
    shared = len(s_terms & p_terms)
    if shared < min(SUPPORT_MIN_SHARED, len(s_terms)) or shared / len(s_terms) < SUPPORT_MIN:
        return False
    if not numbers_of(sentence) <= numbers_of(passage):
        return False
    own = s_terms - asked
    return not own or len(own & p_terms) / len(own) >= SPECIFIC_MIN


def same_script(a: str, b: str) -> bool:
    """True unless one text is mostly Thai and the other mostly Latin (overlap is then meaningless)."""
    sa, sb = thai_share(a), thai_share(b)
    if sa is None or sb is None:
        return True
    return (sa >= 0.5) == (sb >= 0.5)
