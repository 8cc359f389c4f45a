"""Grounding: compact numbered context for the model, and checks of what the model wrote.

Everything here is a pure function of its arguments (no model, no index), so it can be
unit-tested on strings. :mod:`assistant.ask` puts the pieces together.

Building the context
    * :func:`estimate_tokens` guesses prompt cost without a tokenizer: Thai costs about
      1 token per 1.4 characters on the embedded model, everything else about 1 per 4.
    * :func:`pack_passages` fits passages into a token budget, trimming a passage to its
      sentences that share most words with the question when it does not fit whole.
    * :func:`sanitize_passage` neutralises what could break the fence around retrieved
      text (fence markers, ``[n]`` markers) so that a document cannot pose as the prompt.

Checking the answer
    * :func:`parse_markers` / :func:`rewrite_markers` read and clean ``[n]``, ``[1, 2]``,
      ``[1][2]`` and ``[1-3]`` markers.
    * :func:`verify_citations` drops numbers that are not in the context and checks that
      every cited passage shares content with the sentence citing it
      (:data:`SUPPORT_MIN` of the sentence's content words, at least :data:`SUPPORT_MIN_SHARED`).
    * :func:`language_mismatch`, :func:`cjk_leak` and :func:`has_repetition` detect the weak
      model's usual failures: wrong language, Chinese/Japanese/Korean leakage and loops.

Sentence splitting (:func:`split_sentences`)
    English: after ``.``, ``!`` or ``?`` (and any citation markers) when the next word starts
    with a capital, a Thai letter, a bracket or a quote; and at line breaks. Thai has no
    sentence punctuation: writers put a space between sentences and phrases, so a space
    between two Thai letters (or after a citation marker, before a Thai letter) is a boundary.
    Thai phrases are short, so consecutive pieces are joined until a sentence has at least
    :data:`THAI_MIN_SENTENCE` characters or ends with a citation marker. (pythainlp's
    ``sent_tokenize`` on its offline engine splits on every space, which is the same rule
    without the joining.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

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

_NUM_GROUP = r"\d{1,3}(?:\s*[-–]\s*\d{1,3})?"
MARKER = re.compile(rf"\[\s*({_NUM_GROUP}(?:\s*[,;]\s*{_NUM_GROUP})*)\s*\]")
"""An inline citation marker: ``[1]``, ``[1, 2]``, ``[1;2]``, ``[1-3]``."""
_MARKERS_RUN = rf"(?:\s*{MARKER.pattern})*"

_RE_EN_BOUNDARY = re.compile(
    rf"(?<=[.!?])((?:[\"')\]]*){_MARKERS_RUN})\s+(?=[A-Z\"'(\[{_THAI_CHAR}])(?!{MARKER.pattern})"
)
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
        pieces.append((start, match.end(1)))
        start = match.end()
    pieces.append((start, end))
    return [(a, b) for a, b in pieces if text[a:b].strip()]


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

    return frozenset(stem(t) for t in tokenize(text))


def content_terms(text: str) -> frozenset[str]:
    """The content words of a text (Thai-aware, stop words out), citation markers ignored."""
    return _terms(strip_markers(text))


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content words found in the passage (0 when it has none)."""
    s_terms = content_terms(sentence)
    if not s_terms:
        return 0.0
    return len(s_terms & content_terms(passage)) / len(s_terms)


SPECIFIC_MIN = 0.6
"""Share of a sentence's own content words (those not in the question) its passage must hold."""

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def numbers_of(text: str) -> set[str]:
    """The numbers a text states (Thai digits read as Arabic, separators dropped), markers ignored."""
    plain = strip_markers(text).translate(_THAI_DIGITS)
    return {m.group(0).replace(",", "").rstrip(".") for m in re.finditer(r"\d[\d,.]*", plain)}


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


# --------------------------------------------------------------------------- markers


def _expand(group: str) -> list[int]:
    """The numbers of one marker's inside: "1, 2" → [1, 2]; "1-3" → [1, 2, 3]."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        if not part:
            continue
        bounds = re.split(r"\s*[-–]\s*", part)
        low, high = int(bounds[0]), int(bounds[-1])
        if high < low or high - low > 20:
            high = low
        numbers.extend(range(low, high + 1))
    return numbers


def parse_markers(text: str) -> list[int]:
    """Every citation number in ``text``, in order of appearance, repeats kept."""
    return [n for m in MARKER.finditer(text) for n in _expand(m.group(1))]


def strip_markers(text: str) -> str:
    """``text`` without its citation markers (and the space before them)."""
    return MARKER.sub("", re.sub(rf"\s+(?={MARKER.pattern})", "", text))


def rewrite_markers(text: str, keep: Callable[[int], bool]) -> str:
    """Rewrite each marker as ``[a][b]`` keeping only numbers for which ``keep`` is true.

    A marker left with no number disappears together with the space before it.
    """

    def one(match: re.Match[str]) -> str:
        kept = list(dict.fromkeys(n for n in _expand(match.group(1)) if keep(n)))
        return "".join(f"[{n}]" for n in kept)

    out = MARKER.sub(one, text)
    return re.sub(r"[ \t]+(?=[.!?,;:]|$)", "", out, flags=re.MULTILINE)


# --------------------------------------------------------------------------- verification


@dataclass
class Verification:
    """What :func:`verify_citations` found.

    ``text`` is the answer with markers to unknown passages and markers whose passage does
    not support their sentence removed (``removed``); ``cited`` the passage numbers left in
    it, in order of first use; ``dropped`` the numbers that named no passage of the
    context; ``added`` passages cited for uncited sentences; ``recited`` (old, new) pairs
    for sentences whose citation was moved to the passage that supports them.
    """

    text: str
    cited: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)
    recited: list[tuple[int, int]] = field(default_factory=list)
    supported: int = 0
    unverified: int = 0
    checked: int = 0

    @property
    def grounded(self) -> bool:
        """True when at least one sentence is backed by a passage."""
        return self.supported + self.unverified > 0


def verify_citations(
    text: str,
    passages: Mapping[int, str],
    *,
    cite_uncited: bool = False,
    question: str = "",
    drop_unsupported: bool = False,
    translate: Callable[[str, str], str] | None = None,
) -> Verification:
    """Check an answer's citations against the numbered passages it was given.

    1. Numbers that name no passage are dropped from the markers (``dropped``).
    2. Each sentence with content (at least :data:`MIN_CHECKED_TERMS` words, not all of
       them words of ``question``: restating the question claims nothing) is checked:
       a cited sentence keeps only markers whose passage :func:`supports` it. When none
       of its passages does but another passage of the context does, the citation is
       moved to that passage (``recited``: small models often get the number wrong).
       An uncited sentence is supported when any passage supports it. With
       ``cite_uncited`` the best passage is then cited (``added``), unless a later
       sentence of the same line cites it or carries a marker already, so a run of
       sentences from one passage gets one marker at its end.
       A sentence with no support is listed in ``unsupported`` and loses its markers: a
       wrong citation misleads more than none.
    3. A passage in the other script than the sentence (an English answer from a Thai
       passage) cannot be checked by word overlap. With ``translate`` (``translate(sentence,
       passage)`` → the sentence's terms in the passage's language) it is checked on the
       translation; a sentence it cannot support is unsupported. Without it such a sentence
       counts as ``unverified`` rather than unsupported.
    4. With ``drop_unsupported`` the unsupported sentences are removed from the text (a line
       left empty goes with them); they stay listed in ``unsupported``.
    """
    dropped = sorted({n for n in parse_markers(text) if n not in passages})
    text = rewrite_markers(text, lambda n: n in passages)
    result = Verification(text=text, dropped=dropped)
    asked = content_terms(question) if question else frozenset()
    spans = sentence_spans(text)
    checks = [_check_sentence(text[a:b], passages, result, asked, translate) for a, b in spans]
    edits: list[tuple[int, int, str]] = []
    for i, ((start, end), check) in enumerate(zip(spans, checks, strict=True)):
        sentence = text[start:end]
        if check.remove:
            result.removed.extend(check.remove)
            sentence = rewrite_markers(sentence, lambda n, bad=check.remove: n not in bad)
        if check.add is not None and (check.remove or (cite_uncited and not _cited_later(text, end))):
            follower = (
                checks[i + 1] if i + 1 < len(checks) and _same_line(text, end, spans[i + 1][0]) else None
            )
            if check.remove or follower is None or follower.add != check.add:
                if not check.remove:
                    result.added.append(check.add)
                sentence = add_marker(sentence, check.add)
        if drop_unsupported and check.unsupported:
            sentence = ""
        if sentence != text[start:end]:
            edits.append((start, end, sentence))
    for start, end, fixed in reversed(edits):
        text = text[:start] + fixed + text[end:]
    if drop_unsupported and any(c.unsupported for c in checks):
        kept = [ln for ln in text.splitlines() if g_has_words(ln)]
        text = "\n".join(kept)
    result.text = text
    result.cited = list(dict.fromkeys(parse_markers(text)))
    return result


def g_has_words(line: str) -> bool:
    """True when a line has words left (not only a bullet, a number or markers)."""
    return bool(re.search(r"[A-Za-z\u0e01-\u0e4e]", strip_markers(clean_line(line))))


def _same_line(text: str, end: int, next_start: int) -> bool:
    """True when no line break separates a sentence ending at ``end`` from the next one."""
    return "\n" not in text[end:next_start]


@dataclass
class _SentenceCheck:
    """The edits one sentence needs: markers to remove, a passage to cite."""

    remove: list[int] = field(default_factory=list)
    add: int | None = None
    claim: bool = True  # False for a sentence that states nothing to check (a heading, the question)
    unsupported: bool = False


def _check_sentence(
    sentence: str,
    passages: Mapping[int, str],
    result: Verification,
    asked: frozenset[str] = frozenset(),
    translate: Callable[[str, str], str] | None = None,
) -> _SentenceCheck:
    """Verify one sentence, count the outcome in ``result`` and say how to fix its markers."""
    plain = clean_line(sentence)
    terms = content_terms(plain)
    if len(terms) < MIN_CHECKED_TERMS or (asked and terms <= asked):
        return _SentenceCheck(claim=False)
    result.checked += 1
    cited = list(dict.fromkeys(parse_markers(plain)))
    candidates = cited or list(passages)
    good = [n for n in candidates if supports(plain, passages[n], asked)]
    foreign = [n for n in candidates if n not in good and not same_script(plain, passages[n])]
    if not cited and len(foreign) < len(candidates):  # same-script passages exist and none supports
        foreign = []
    # a passage in the other script is excused only when it cannot be checked (no translate)
    remove = [n for n in cited if n not in good and (n not in foreign or translate is not None)]
    if good:
        result.supported += 1
        best = _best(plain, good, passages) if not cited else None
        return _SentenceCheck(remove, best)
    if foreign and translate is not None:
        bridged = [n for n in foreign if supports(translate(plain, passages[n]), passages[n])]
        if bridged:
            result.supported += 1
            return _SentenceCheck([n for n in remove if n not in bridged], bridged[0] if not cited else None)
    if foreign and translate is None:
        result.unverified += 1
        return _SentenceCheck(remove)
    others = [n for n in passages if n not in cited and supports(plain, passages[n], asked)]
    if cited and others:
        best = _best(plain, others, passages)
        result.supported += 1
        result.recited.append((cited[0], best))
        return _SentenceCheck(remove, best)
    result.unsupported.append(strip_markers(plain).strip())
    return _SentenceCheck(remove, unsupported=True)


def _best(sentence: str, numbers: Sequence[int], passages: Mapping[int, str]) -> int:
    """The passage among ``numbers`` that shares most of the sentence's words."""
    return max(numbers, key=lambda n: support(sentence, passages[n]))


def _cited_later(text: str, end: int) -> bool:
    """True when the rest of the line after ``end`` holds a citation marker."""
    line_end = text.find("\n", end)
    return bool(MARKER.search(text[end : len(text) if line_end < 0 else line_end]))


def add_marker(sentence: str, n: int) -> str:
    """``sentence`` with ``[n]`` added at its end, before a final full stop or similar."""
    body = sentence.rstrip()
    tail = sentence[len(body) :]
    if body and body[-1] in ".!?":
        return f"{body[:-1]} [{n}]{body[-1]}{tail}"
    return f"{body} [{n}]{tail}"


_RE_LEADING_MARKERS = re.compile(
    rf"^(?P<lead>[ \t]*(?:[-*•]\s+)?)(?P<marks>(?:{MARKER.pattern}\s*)+)(?P<body>\S.*?)[ \t]*$", re.MULTILINE
)


def move_leading_markers(text: str) -> str:
    """Move markers that open a line ("[1] The plan …") to the end of that line ("The plan … [1]").

    Small models copy the "[n] passage" layout of the prompt; moving the markers keeps the
    usual "sentence [n]" form, which the sentence splitter attaches to the right sentence.
    """

    def move(match: re.Match[str]) -> str:
        marks = "".join(f"[{n}]" for n in dict.fromkeys(parse_markers(match.group("marks"))))
        body = match.group("body")
        if MARKER.search(body):  # the line already cites further on: leave it
            return match.group(0)
        return f"{match.group('lead')}{add_marker(body, 0).replace('[0]', marks)}"

    return _RE_LEADING_MARKERS.sub(move, text)


# --------------------------------------------------------------------------- context packing


@dataclass(frozen=True)
class PassageText:
    """One passage to pack: its text and the header that precedes it in the prompt."""

    text: str
    header: str = ""


def sentence_scores(sentences: Sequence[str], query: str) -> list[float]:
    """How relevant each sentence is to the query: the share of the query's words it contains."""
    q_terms = content_terms(query)
    if not q_terms:
        return [0.0] * len(sentences)
    return [len(q_terms & content_terms(s)) / len(q_terms) for s in sentences]


def best_sentences(text: str, query: str, budget_tokens: int, max_sentences: int | None = None) -> str:
    """The sentences of ``text`` that best match ``query`` and fit ``budget_tokens``, in text order.

    Sentences are ranked by :func:`sentence_scores` (ties: earlier first) and taken while
    they fit; sentences sharing no word with the query are left out unless none shares
    any; gaps are shown as " … ". When even the best sentence does not fit, it is cut
    to the budget. Returns "" when the budget is below one token.
    """
    sentences = split_sentences(text)
    if not sentences or budget_tokens < 1:
        return ""
    scores = sentence_scores(sentences, query)
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    if scores[order[0]] > 0:
        order = [i for i in order if scores[i] > 0]
    chosen: list[int] = []
    used = 0
    for i in order:
        cost = estimate_tokens(sentences[i]) + 1
        if used + cost > budget_tokens:
            continue
        chosen.append(i)
        used += cost
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
    if not chosen:
        return cut_to_tokens(sentences[order[0]], budget_tokens)
    return _join_with_gaps(sentences, sorted(chosen))


def _join_with_gaps(sentences: Sequence[str], chosen: Sequence[int]) -> str:
    """Join chosen sentences, marking skipped ones with " … "."""
    parts: list[str] = []
    for pos, i in enumerate(chosen):
        if pos and i != chosen[pos - 1] + 1:
            parts.append("…")
        parts.append(sentences[i])
    return " ".join(parts)


def cut_to_tokens(text: str, budget_tokens: int) -> str:
    """``text`` cut (at a space when possible) to about ``budget_tokens`` tokens, with "…" when cut."""
    if estimate_tokens(text) <= budget_tokens:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if estimate_tokens(text[:mid]) + 1 <= budget_tokens:
            low = mid
        else:
            high = mid - 1
    cut = text[:low]
    space = cut.rfind(" ")
    if space > len(cut) * 0.6:
        cut = cut[:space]
    return cut.rstrip() + " …" if cut else ""


MIN_PASSAGE_TOKENS = 30
"""A passage that cannot get at least this many tokens of the budget is left out."""


def pack_passages(passages: Sequence[PassageText], query: str, budget_tokens: int) -> list[str]:
    """Fit passages into ``budget_tokens``; returns their (possibly trimmed) texts, best first.

    Passages are taken in order (best first). Each gets an equal share of what is left of
    the budget, but at least :data:`MIN_PASSAGE_TOKENS` plus its header; a passage that
    fits its share goes in whole, else it is trimmed to its sentences most relevant to the
    query (:func:`best_sentences`). Budget a passage does not use flows to the next. When
    what is left is below that minimum, the remaining passages are left out, so the result
    may be shorter than the input.
    """
    texts: list[str] = []
    remaining = budget_tokens
    for i, passage in enumerate(passages):
        header = estimate_tokens(passage.header) + 1
        share = max(remaining // (len(passages) - i), header + MIN_PASSAGE_TOKENS)
        if share > remaining:
            break
        full = "\n".join(clean_line(line) for line in passage.text.splitlines() if clean_line(line))
        if estimate_tokens(full) <= share - header:
            text = full
        else:
            text = best_sentences(passage.text, query, share - header)
        if not text:
            break
        texts.append(text)
        remaining -= header + estimate_tokens(text)
    return texts


def sanitize_passage(text: str, fences: Iterable[str]) -> str:
    """Passage text made safe to fence: fence markers removed, ``[n]`` shown as ``(n)``.

    A document that contains the fence strings could otherwise "close" the quoted block
    and pose as instructions; bracketed numbers would be confused with citation markers.
    """
    for fence in fences:
        if fence:
            text = re.sub(re.escape(fence), " ", text, flags=re.IGNORECASE)
    text = MARKER.sub(lambda m: f"({m.group(1)})", text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def terms_of(text: str, limit: int, exclude: Iterable[str] = ()) -> list[str]:
    """Up to ``limit`` distinct content words of ``text`` in order, leaving out ``exclude``."""
    from ingest.lexical import tokenize

    skip = set(exclude)
    out: list[str] = []
    for term in tokenize(strip_markers(text)):
        if term not in skip and term not in out:
            out.append(term)
        if len(out) >= limit:
            break
    return out
