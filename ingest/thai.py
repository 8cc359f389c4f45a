"""Repair and judge Thai text extracted from PDFs.

PDF text layers of Thai documents are often damaged in a few well-known ways:

* legacy Thai fonts (Acrobat Distiller, old Microsoft fonts) map raised or shifted
  tone marks and upper vowels to Private Use Area code points U+F700–U+F71A
  (Apple fonts use U+F884–U+F89E for the same glyphs);
* sara am (ำ) comes out as nikhahit + sara aa (ํ + า), or its nikhahit is lost and
  becomes a space ("ส านัก" for "สำนัก");
* Word 2019 exports can map the sara aa glyph to sara am, so that every า reads ำ
  while the real sara am reads "space + ำ" ("ส ำนักวิทยบริกำร" for
  "สำนักวิทยบริการ");
* spaces appear before combining marks, tone marks end up at the start of a line,
  and words are broken by line breaks;
* scanned pages carry no text layer at all, or a Latin OCR layer over Thai
  ("f,quwf,tnsuliuTns").

:func:`repair` fixes what can be fixed, using the PyThaiNLP word list to decide
between candidate spellings; :func:`health` scores a page and says whether it is
readable at all; :func:`detect_language` tells Thai, English and mixed text apart.

Everything here is a pure function of its input. The dictionary and the word
segmenter are loaded lazily on first use and cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from ingest.records import Health, Language

__all__ = [
    "MIN_LETTERS",
    "PUA_TO_THAI",
    "REASON_EMPTY",
    "REASON_LATIN_GIBBERISH",
    "REASON_NOT_THAI_WORDS",
    "REASON_PUA",
    "detect_language",
    "english_word_share",
    "health",
    "repair",
    "thai_word_share",
]

# --- Character classes ---------------------------------------------------------------

_CONSONANTS = "\u0e01-\u0e2e"  # ก..ฮ
# Thai letters that can be part of a word: consonants, vowels, marks (no digits, ฯ, ๆ, ฿).
_LETTER = "\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e"
# Combining marks: mai han-akat, above/below vowels, phinthu, maitaikhu, tone marks,
# thanthakhat, nikhahit, yamakkan.
_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_ABOVE_BELOW_VOWELS = "\u0e31\u0e34-\u0e3a\u0e47"
_TONES = "\u0e48-\u0e4b"
_SARA_AA = "\u0e32"
_SARA_AM = "\u0e33"
_NIKHAHIT = "\u0e4d"

# The Microsoft/Adobe Thai PUA convention (the glyph variants a shaping engine picks
# for legacy fonts without OpenType Thai tables; the same table HarfBuzz uses):
# SD = shifted down (no upper vowel under it), SDL = shifted down and left,
# SL = shifted left (over a tall consonant ป ฝ ฟ), RD = descender removed.
PUA_TO_THAI: dict[int, str] = {
    0xF700: "\u0e10",  # RD  tho than without descender -> ฐ
    0xF701: "\u0e34",  # SL  sara i -> ิ
    0xF702: "\u0e35",  # SL  sara ii -> ี
    0xF703: "\u0e36",  # SL  sara ue -> ึ
    0xF704: "\u0e37",  # SL  sara uee -> ื
    0xF705: "\u0e48",  # SDL mai ek -> ่
    0xF706: "\u0e49",  # SDL mai tho -> ้
    0xF707: "\u0e4a",  # SDL mai tri -> ๊
    0xF708: "\u0e4b",  # SDL mai chattawa -> ๋
    0xF709: "\u0e4c",  # SDL thanthakhat -> ์
    0xF70A: "\u0e48",  # SD  mai ek -> ่
    0xF70B: "\u0e49",  # SD  mai tho -> ้
    0xF70C: "\u0e4a",  # SD  mai tri -> ๊
    0xF70D: "\u0e4b",  # SD  mai chattawa -> ๋
    0xF70E: "\u0e4c",  # SD  thanthakhat -> ์
    0xF70F: "\u0e0d",  # RD  yo ying without descender -> ญ
    0xF710: "\u0e31",  # SL  mai han-akat -> ั
    0xF711: "\u0e4d",  # SL  nikhahit -> ํ
    0xF712: "\u0e47",  # SL  maitaikhu -> ็
    0xF713: "\u0e48",  # SL  mai ek -> ่
    0xF714: "\u0e49",  # SL  mai tho -> ้
    0xF715: "\u0e4a",  # SL  mai tri -> ๊
    0xF716: "\u0e4b",  # SL  mai chattawa -> ๋
    0xF717: "\u0e4c",  # SL  thanthakhat -> ์
    0xF718: "\u0e38",  # SD  sara u -> ุ
    0xF719: "\u0e39",  # SD  sara uu -> ู
    0xF71A: "\u0e3a",  # SD  phinthu -> ฺ
    # The Apple (Mac OS) code points for the same glyph variants.
    0xF884: "\u0e31",
    0xF885: "\u0e34",
    0xF886: "\u0e35",
    0xF887: "\u0e36",
    0xF888: "\u0e37",
    0xF889: "\u0e47",
    0xF88A: "\u0e48",
    0xF88B: "\u0e48",
    0xF88C: "\u0e48",
    0xF88D: "\u0e49",
    0xF88E: "\u0e49",
    0xF88F: "\u0e49",
    0xF890: "\u0e4a",
    0xF891: "\u0e4a",
    0xF892: "\u0e4a",
    0xF893: "\u0e4b",
    0xF894: "\u0e4b",
    0xF895: "\u0e4b",
    0xF896: "\u0e4c",
    0xF897: "\u0e4c",
    0xF898: "\u0e4c",
    0xF899: "\u0e4d",
    0xF89A: "\u0e0d",
    0xF89B: "\u0e38",
    0xF89C: "\u0e39",
    0xF89D: "\u0e3a",
    0xF89E: "\u0e10",
}
_RE_THAI_PUA = re.compile("[\uf700-\uf71a\uf884-\uf89e]")

# nikhahit (+ tone) + sara aa, and tone + nikhahit + sara aa  ->  (tone +) sara am
_RE_NIKHAHIT_AA = re.compile(f"{_NIKHAHIT}([{_TONES}]?){_SARA_AA}")
_RE_TONE_NIKHAHIT_AA = re.compile(f"([{_TONES}]){_NIKHAHIT}{_SARA_AA}")
# A run of Thai letters in which "space + ำ" counts as part of the run (Word 2019 damage).
_RE_RUN_WITH_SPACED_AM = re.compile(f"[{_LETTER}](?:[{_LETTER}]| (?={_SARA_AM}))*")
_RE_BARE_AM = re.compile(f"(?<! ){_SARA_AM}")
_RE_SPACED_AM = re.compile(f"(?<=[{_LETTER}]) +{_SARA_AM}")
_RE_SPACE_BEFORE_MARK = re.compile(f"(?<=[{_LETTER}])[ \u00a0]+(?=[{_MARKS}])")
# A run of Thai letters with one or more "space + า" gaps (lost nikhahit of sara am).
_RE_RUN_WITH_SPACED_AA = re.compile(f"[{_LETTER}]+(?: {_SARA_AA}[{_LETTER}]*)+")
# A single line break between two Thai letters.
_RE_THAI_LINE_BREAK = re.compile(f"([{_LETTER}]+)\n(?=([{_LETTER}]+))")
# A mark that starts a Thai run (after the start of text, a space or a newline), e.g. the
# "้หนา" that stands for "หน้า" in some Royal Gazette headers.
_RE_LEADING_MARK = re.compile(f"(?<![{_LETTER}])([{_TONES}\u0e4c])([{_LETTER}]+)")
_RE_TONE_BASE = re.compile(f"[{_CONSONANTS}{_ABOVE_BELOW_VOWELS}]")
_RE_MARK = re.compile(f"[{_MARKS}]")
_RE_THAI_RUN = re.compile(f"[{_LETTER}]+")
_RE_CONSONANT = re.compile(f"[{_CONSONANTS}]")
_RE_THAI_LETTER = re.compile(f"[{_LETTER}]")
_RE_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
_RE_WORD_SHAPE = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_RE_VOWEL = re.compile("[aeiouyAEIOUY]")
_RE_CONSONANT_RUN = re.compile("[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ]{6}")
_RE_ANY_MARK = re.compile(f"[{_MARKS}{_SARA_AM}]")
_RE_ORPHAN_MARK = re.compile(f"(?<![{_CONSONANTS}{_MARKS}])[{_MARKS}{_SARA_AM}]")
_RE_PUA = re.compile("[\ue000-\uf8ff]")

# How far the line-break and orphan-mark checks look on either side.
_CONTEXT = 24


# --- Dictionary ------------------------------------------------------------------------


@cache
def _thai_words() -> frozenset[str]:
    """The PyThaiNLP Thai word list (about 62,000 words), loaded once."""
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


@cache
def _segmenter() -> Callable[[str], list[str]]:
    """A newmm word segmenter bound to the default dictionary, built once."""
    from pythainlp.tokenize import newmm, word_dict_trie

    trie = word_dict_trie()

    def segment(text: str) -> list[str]:
        return newmm.segment(text, custom_dict=trie)

    return segment


@lru_cache(maxsize=1 << 16)
def _cost(run: str) -> tuple[int, int]:
    """How badly a string of Thai letters segments: (non-dictionary letters, tokens).

    Lower is better; candidate spellings are compared with it. Cached (bounded), since
    the same runs (running headers, common words) recur on every page.
    """
    words = _thai_words()
    tokens = _segmenter()(run)
    unknown = sum(len(t) for t in tokens if t not in words)
    return unknown, len(tokens)


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] + b[0], a[1] + b[1]


# --- Repair ----------------------------------------------------------------------------


def repair(text: str) -> str:
    """Undo the usual damage in text extracted from a Thai PDF; clean text is returned as is.

    Steps, in order: map legacy PUA glyphs (U+F700–U+F71A, and Apple's U+F884–U+F89E)
    to the Thai marks they stand for; join nikhahit + sara aa into sara am; undo the
    Word 2019 sara aa/sara am swap where the dictionary prefers it; join "space + ำ";
    remove spaces before combining marks; restore sara am lost as "space + า" where the
    dictionary prefers it; move a tone mark stranded at the start of a word to where it
    makes a dictionary word; join words broken by a single line break; and finally
    reorder and de-duplicate marks (PyThaiNLP's ``remove_repeat_vowels``, the part of
    ``normalize`` that does not touch spaces). NFKC is never applied.

    The function is idempotent: ``repair(repair(x)) == repair(x)``.
    """
    if not text or not _RE_CONSONANT.search(text):
        return text  # no Thai at all: nothing to repair (and stray PUA glyphs are not Thai)
    if _RE_THAI_PUA.search(text):
        text = text.translate(PUA_TO_THAI)
    if _NIKHAHIT in text:
        text = _RE_TONE_NIKHAHIT_AA.sub(rf"\1{_SARA_AM}", text)
        text = _RE_NIKHAHIT_AA.sub(rf"\1{_SARA_AM}", text)
    if _SARA_AM in text:
        text = _fix_am_for_aa(text)
        text = _RE_SPACED_AM.sub(_SARA_AM, text)
    text = _RE_SPACE_BEFORE_MARK.sub("", text)
    if f" {_SARA_AA}" in text:
        text = _RE_RUN_WITH_SPACED_AA.sub(_fix_spaced_aa_run, text)
    text = _RE_LEADING_MARK.sub(_fix_leading_mark, text)
    if "\n" in text:
        text = _RE_THAI_LINE_BREAK.sub(_fix_line_break, text)
    return _normalize_marks(text)


def _fix_am_for_aa(text: str) -> str:
    """Undo the Word 2019 swap: ำ read for า, and "space + ำ" read for ำ.

    Each Thai run holding a bare ำ is read both ways and the readings are compared by
    their non-dictionary letters. "Space + ำ" never occurs in clean text, so when the
    text has it and most decided runs prefer the swapped reading, the text is taken to
    be set in the damaged font and every run whose swapped reading is not worse takes
    it. Otherwise only a run whose swapped reading is all dictionary words, while its
    own reading has two or more unknown letters, is swapped ("กรกฎำคม" -> "กรกฎาคม");
    clean text with a typo or an ambiguous pair (ทำ/ทา, นำ/นา) is left alone.
    """
    runs: list[tuple[re.Match[str], str, tuple[int, int], tuple[int, int]]] = []
    swapped_votes = kept_votes = 0
    for match in _RE_RUN_WITH_SPACED_AM.finditer(text):
        run = match.group(0)
        if not _RE_BARE_AM.search(run):
            continue
        swapped = _RE_BARE_AM.sub(_SARA_AA, run).replace(f" {_SARA_AM}", _SARA_AM)
        c_as, c_sw = _cost(run.replace(f" {_SARA_AM}", _SARA_AM)), _cost(swapped)
        swapped_votes += c_sw[0] < c_as[0]
        kept_votes += c_as[0] < c_sw[0]
        runs.append((match, swapped, c_as, c_sw))
    if not swapped_votes:
        return text
    damaged_font = f" {_SARA_AM}" in text and swapped_votes > kept_votes
    out: list[str] = []
    pos = 0
    for match, swapped, c_as, c_sw in runs:
        out.append(text[pos : match.start()])
        strong = c_sw[0] == 0 and c_as[0] >= 2
        out.append(swapped if strong or (damaged_font and c_sw <= c_as) else match.group(0))
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _fix_spaced_aa_run(match: re.Match[str]) -> str:
    """Close each "space + า" gap in a Thai run with ำ (lost nikhahit) or า, if that helps.

    Sara aa never starts a Thai word, so such a gap is an extraction artefact; the
    dictionary decides whether it was ำ (preferred on a tie) or a stray space.
    """
    parts = match.group(0).split(f" {_SARA_AA}")
    out = parts[0]
    for right in parts[1:]:
        keep = _add(_cost(out) if out else (0, 0), _cost(_SARA_AA + right))
        with_am = _cost(out + _SARA_AM + right)
        with_aa = _cost(out + _SARA_AA + right)
        if with_am < keep and with_am <= with_aa:
            out = out + _SARA_AM + right
        elif with_aa < keep:
            out = out + _SARA_AA + right
        else:
            out = out + " " + _SARA_AA + right
    return out


def _fix_leading_mark(match: re.Match[str]) -> str:
    """Move a tone mark stranded before a word into the word, where the dictionary says.

    Only a placement that makes the word segment strictly better is taken.
    """
    mark, word = match.group(1), match.group(2)
    head, tail = word[:_CONTEXT], word[_CONTEXT:]
    best, best_cost = None, _add((1, 1), _cost(head))
    for i in range(1, min(len(head), 6) + 1):
        # a tone mark follows a consonant or an above/below vowel, and no mark follows it
        if not _RE_TONE_BASE.match(head[i - 1]) or (i < len(head) and _RE_MARK.match(head[i])):
            continue
        candidate = head[:i] + mark + head[i:]
        cost = _cost(candidate)
        if cost < best_cost:
            best, best_cost = candidate, cost
    if best is None:
        return match.group(0)
    return best + tail


def _fix_line_break(match: re.Match[str]) -> str:
    """Join a Thai word broken by a line break, when joining segments strictly better."""
    left, right = match.group(1), match.group(2)
    left_ctx, right_ctx = left[-_CONTEXT:], right[:_CONTEXT]
    apart = _add(_cost(left_ctx), _cost(right_ctx))
    if _cost(left_ctx + right_ctx) < apart:
        return left
    return match.group(0)


def _normalize_marks(text: str) -> str:
    """Reorder marks and drop duplicated ones (PyThaiNLP), leaving spaces and newlines alone."""
    from pythainlp.util import remove_repeat_vowels

    return remove_repeat_vowels(text)


# --- Language and health ---------------------------------------------------------------


def _letter_counts(text: str) -> tuple[int, int]:
    """(Thai letters, Latin letters) in a text."""
    thai = len(_RE_THAI_LETTER.findall(text))
    latin = len(_RE_LATIN_LETTER.findall(text))
    return thai, latin


def detect_language(text: str) -> Language:
    """Tell the main script of a text: TH or EN when one has at least 80% of the letters.

    Text with no letters at all counts as Thai (the project's default language).
    """
    thai, latin = _letter_counts(text)
    total = thai + latin
    if total == 0:
        return Language.TH
    share = thai / total
    if share >= 0.8:
        return Language.TH
    if share <= 0.2:
        return Language.EN
    return Language.MIXED


def thai_word_share(text: str) -> float:
    """Share of the Thai tokens of a text that are dictionary words (1.0 if it has none).

    The text's Thai letter runs are segmented with newmm on the PyThaiNLP word list;
    every token counts once, so garbled text (which newmm cuts into many small
    non-words) scores low. This is the figure :func:`health` reports.
    """
    words = _thai_words()
    segment = _segmenter()
    total = known = 0
    for run in _RE_THAI_RUN.findall(text):
        for token in segment(run):
            total += 1
            known += token in words
    return known / total if total else 1.0


# Common English words; real English prose has 30-50% of its words in this list,
# a Latin OCR layer over a Thai scan only a few percent.
_ENGLISH_COMMON_WORDS = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just may me more most must my no nor not now of off on once only or
    other our ours out over own per same shall she should so some such than that the their
    them then there these they this those through to too under until up upon very was we
    were what when where which while who whom why will with within without would you your
    shall party parties agreement date name year years one two three new use used under
    between institute university school student students education training program
    programme college department india thailand government ministry
"""
_ENGLISH_COMMON = frozenset(_ENGLISH_COMMON_WORDS.split())


_PUNCT = ".,;:!?()[]{}\"'“”‘’-–—/*&"


def _latin_tokens(text: str) -> list[str]:
    """Whitespace-separated tokens with a Latin letter and no Thai, outer punctuation stripped."""
    tokens = []
    for token in text.split():
        if _RE_LATIN_LETTER.search(token) and not _RE_THAI_LETTER.search(token):
            tokens.append(token.strip(_PUNCT))
    return tokens


def english_word_share(text: str) -> float:
    """Share of the Latin tokens of a text that are common English words (1.0 if none).

    Tokens are whitespace-separated; a token like "f,quwf,tnsuliuTns" counts as a
    non-word. Real English prose scores 0.25-0.6, a Latin OCR layer over a Thai scan
    about 0.05.
    """
    tokens = _latin_tokens(text)
    if not tokens:
        return 1.0
    return sum(t.lower() in _ENGLISH_COMMON for t in tokens) / len(tokens)


def _latin_shape_share(text: str) -> float:
    """Share of the Latin tokens that are shaped like words (1.0 if none).

    Word-shaped: letters only (inner hyphen or apostrophe allowed), lower, upper or
    title case, with a vowel and no run of six consonants. English prose scores
    above 0.8, Latin OCR gibberish below 0.55.
    """
    tokens = _latin_tokens(text)
    if not tokens:
        return 1.0
    return sum(_is_word_shaped(t) for t in tokens) / len(tokens)


def _is_word_shaped(token: str) -> bool:
    """True for a token that looks like a word: see :func:`_latin_shape_share`."""
    if not _RE_WORD_SHAPE.fullmatch(token):
        return False
    if not (token.islower() or token.isupper() or token.istitle()):
        return False
    return bool(_RE_VOWEL.search(token)) and not _RE_CONSONANT_RUN.search(token)


MIN_LETTERS = 16
"""A page with fewer Thai + Latin letters than this has no usable text layer."""
REASON_EMPTY = "empty"
REASON_LATIN_GIBBERISH = "latin-gibberish"
REASON_NOT_THAI_WORDS = "not-thai-words"
REASON_PUA = "private-use-glyphs"

# A mostly-Latin page is gibberish when both its common-English share and its
# word-shape share are below these (the looser pair is for a page of a Thai document
# that has no Thai at all, which is most likely a Latin OCR layer over a Thai scan).
_GIBBERISH_FLOORS = (0.08, 0.6)
_GIBBERISH_FLOORS_ON_THAI_DOC = (0.15, 0.75)
_MIN_THAI_WORD_SHARE = 0.5
_MAX_PUA_RATIO = 0.2


def health(text: str, expected: Language | None = None) -> Health:
    """Score a page's repaired text and decide whether it can be indexed as text.

    ``expected`` is the document's language, when known. The page is unreadable
    (``readable=False``, ``reason`` starting with one of the ``REASON_*`` codes) when:

    * ``empty``: fewer than ``MIN_LETTERS`` letters (an image-only scan);
    * ``latin-gibberish``: mostly Latin, but neither English-like nor word-shaped (a
      Latin OCR layer over a Thai scan); the test is stricter for a page of a Thai
      document that has no Thai letters at all;
    * ``not-thai-words``: fewer than half of its Thai tokens are dictionary words;
    * ``private-use-glyphs``: more than 20% of its characters are PUA glyphs.

    ``score`` (0..1, 1 = clean) mixes the Thai dictionary share (less orphan marks) and
    the Latin English/word-shape shares by their weight in the page, less PUA glyphs,
    and less 20% when the page's script does not match ``expected``.
    """
    chars = sum(not ch.isspace() for ch in text)
    thai, latin = _letter_counts(text)
    letters = thai + latin
    pua = len(_RE_PUA.findall(text))
    pua_ratio = pua / chars if chars else 0.0
    marks = len(_RE_ANY_MARK.findall(text))
    orphan_ratio = len(_RE_ORPHAN_MARK.findall(text)) / marks if marks else 0.0
    thai_ratio = thai / letters if letters else 0.0
    word_share = thai_word_share(text) if thai else 1.0

    def result(score: float, readable: bool, reason: str = "") -> Health:
        return Health(
            score=round(max(0.0, min(1.0, score)), 4),
            readable=readable,
            chars=chars,
            pua_ratio=round(pua_ratio, 4),
            orphan_mark_ratio=round(orphan_ratio, 4),
            thai_word_share=round(word_share, 4),
            thai_ratio=round(thai_ratio, 4),
            reason=reason,
        )

    if letters < MIN_LETTERS:
        if pua >= MIN_LETTERS:
            return result(0.0, False, f"{REASON_PUA}: {pua} private-use glyphs and {letters} letters")
        return result(0.0, False, f"{REASON_EMPTY}: {letters} letters, no usable text layer (needs OCR)")

    english = english_word_share(text) if latin else 1.0
    shape = _latin_shape_share(text) if latin else 1.0
    latin_quality = 0.5 * min(1.0, english / 0.25) + 0.5 * shape
    thai_quality = word_share * (1.0 - orphan_ratio)
    score = thai_ratio * thai_quality + (1.0 - thai_ratio) * latin_quality
    score *= 1.0 - min(1.0, 2 * pua_ratio)
    if (expected is Language.TH and thai_ratio < 0.2) or (expected is Language.EN and thai_ratio > 0.8):
        score *= 0.8

    if thai_ratio < 0.2:
        no_thai_on_thai_doc = expected is Language.TH and thai == 0
        min_english, min_shape = _GIBBERISH_FLOORS_ON_THAI_DOC if no_thai_on_thai_doc else _GIBBERISH_FLOORS
        if english < min_english and shape < min_shape:
            why = "no Thai letters on a page of a Thai document; " if no_thai_on_thai_doc else ""
            return result(
                score,
                False,
                f"{REASON_LATIN_GIBBERISH}: {why}{english:.0%} of the Latin tokens are common English "
                f"words and {shape:.0%} are word-shaped (an OCR layer over a scan?)",
            )
    if thai >= MIN_LETTERS and word_share < _MIN_THAI_WORD_SHARE:
        return result(
            score, False, f"{REASON_NOT_THAI_WORDS}: only {word_share:.0%} of the Thai tokens are words"
        )
    if pua_ratio > _MAX_PUA_RATIO:
        return result(score, False, f"{REASON_PUA}: {pua_ratio:.0%} of the characters are private-use glyphs")
    return result(score, True)
