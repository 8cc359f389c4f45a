"""Answers made of the documents' own words: the skeleton every answer stands on.

Usage:
    >>> skeleton = compose(question, pieces)      # pieces: the numbered, cited context
    >>> skeleton.render()
    'องค์ประกอบของเครือข่าย … 7 ประการ [1]\\n1. วิสัยทัศน์และเป้าหมายร่วมกัน [1]\\n2. …'

Without a model this is the answer; with one, the model's answer must cover at least as
much of it, or this is shown instead. Three shapes, chosen by :mod:`assistant.questions`:

* **list** – the enumerated items of the best list in the context, in document order,
  each with its citation, after the lead-in that announced them. A list is a run of list
  items (``1.``, ``(๒)``, bullets) or of sibling headings (``## 1. …``, ``มาตรา …``) under
  one parent. Lists are scored by how much of the question their lead-in, parent heading
  and items share, how early their passage was retrieved, and whether their length is the
  number the text announces ("… 7 ประการ").
* **fact** – the sentence that holds the fact, with the fact (a date, a number, a name)
  first when it can be picked out.
* **explain** – the best two or three sentences, in document order.

Sentences are scored by the question's words weighted by rarity (a word found in every
passage says little), plus its terms in the other language (the glossary's translation)
so an English question can pick a Thai sentence.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant import grounding as g
from assistant.abbreviations import load_abbreviations
from assistant.definitions import asked_term, find_definition
from assistant.questions import AnswerType, Kind, Question, parts
from ingest.structure import Block, BlockKind, parse_page

ITEM_CHARS = 220
"""A list item longer than this is cut to its first sentence(s) within this length."""
MAX_ITEMS = 20
EXPLAIN_SENTENCES = 3
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
SAME_LANGUAGE = 0.1
"""Bonus of a list or sentence in the question's language (documents often exist in both)."""
MIN_SCORE = 0.12
"""A sentence or list must share at least this (rarity-weighted) share of the question to answer it."""


@dataclass(frozen=True)
class Piece:
    """A numbered piece of context: one page of one retrieved passage."""

    n: int
    text: str
    passage: int  # which passage it belongs to (0 is the best)
    trail: tuple[str, ...] = ()
    title: str = ""


@dataclass
class Line:
    """A line of a skeleton answer and the piece that says it."""

    text: str
    n: int


@dataclass
class Skeleton:
    """A grounded answer before rendering: a lead line, list items or sentences, each cited."""

    kind: Kind
    lead: Line | None = None
    items: list[Line] = field(default_factory=list)
    sentences: list[Line] = field(default_factory=list)
    fact: str = ""
    score: float = 0.0
    context: str = ""  # what the answer was chosen by: a list's lead-in, heading and items

    @property
    def empty(self) -> bool:
        return not (self.items or self.sentences)

    def render(self) -> str:
        """Markdown: the lead, then a numbered list or the sentences, each ending with its [n]."""
        out: list[str] = []
        if self.lead is not None:
            out.append(f"{self.lead.text} [{self.lead.n}]")
        if self.items:
            out.extend(
                f"{i}. {_without_number(line.text, i)} [{line.n}]"
                for i, line in enumerate(self.items, start=1)
            )
        for i, line in enumerate(self.sentences):
            text = f"**{self.fact}** — {line.text}" if i == 0 and self.fact else line.text
            out.append(f"{text} [{line.n}]")
        return "\n".join(out)


# ------------------------------------------------------------------------------------------ scoring


def _found(terms: dict[str, float], text: str) -> frozenset[str]:
    """The terms that ``text`` holds: as words, or for Thai terms anywhere in it.

    Thai is written without spaces and its compounds are cut differently from one text to the
    next ("มีประโยชน์" in a question, "ประโยชน์" in a passage), so a Thai term counts when its
    letters occur in the text, or when it ends with a word the text holds.
    """
    words = g.content_terms(text)
    extra = {t for t in terms if _is_thai_term(t) and t not in words and (t in text or _thai_tail(t, words))}
    table = load_abbreviations()
    # an abbreviation of the question is found where the text spells it out (มรภ. = มหาวิทยาลัยราชภัฏ)
    spelled = {t for t in terms if t in table and t not in words and table[t] in text}
    return words | frozenset(extra) | frozenset(spelled)


def _thai_tail(term: str, words: frozenset[str]) -> bool:
    return any(len(w) >= 4 and _is_thai_term(w) and term.endswith(w) for w in words)


def _is_thai_term(term: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in term)


@dataclass(frozen=True)
class Terms:
    """The question's terms with a weight each: a term found in few chunks of the index weighs more.

    ``weights`` covers the question's words and its translation's (so a Thai sentence can
    answer an English question); ``absent`` holds the question's words that no chunk of the
    index contains at all, which a passage therefore cannot be about.
    """

    weights: dict[str, float]
    absent: frozenset[str] = frozenset()
    own: frozenset[str] = frozenset()  # the question's own terms (the rest came by translation)

    @classmethod
    def of(
        cls,
        question: Question,
        translated: str,
        pieces: Sequence[Piece],
        counts: dict[str, int] | None = None,
        total: int = 0,
    ) -> Terms:
        """Weights from index-wide chunk counts (``counts`` per term, ``total`` chunks), else the pieces'."""
        asked = set(question.terms) | set(g.content_terms(translated))
        weights: dict[str, float] = {}
        absent: set[str] = set()
        if counts:
            n = max(1, total)
            for term in asked:
                df = counts.get(term)
                if df is None:
                    df = max((v for k, v in counts.items() if g.stem(k) == term), default=None)
                if df == 0 and term in question.terms:
                    absent.add(term)
                weights[term] = math.log(1 + n / (1 + (df if df is not None else 1))) + 0.2
        else:
            docs = [g.content_terms(p.text + " " + " ".join(p.trail)) for p in pieces]
            n = max(1, len(docs))
            for term in asked:
                df = sum(term in d for d in docs)
                weights[term] = math.log(1 + n / (1 + df)) + 0.2
        return cls(weights, frozenset(absent), frozenset(question.terms))

    def share(self, text: str, skip: frozenset[str] = frozenset()) -> float:
        """The weighted share of the question's terms (those not in ``skip``) found in ``text`` (0..1)."""
        found = _found(self.weights, text)
        best = 0.0
        for script in self._script_pools(text):
            weights = {t: w for t, w in script.items() if t not in skip}
            if not weights:
                weights = script  # the question is about the document itself: judge by all its words
            total = sum(weights.values())
            if total:
                best = max(best, sum(w for t, w in weights.items() if t in found) / total)
        return best

    def _script_pools(self, text: str) -> list[dict[str, float]]:
        """The term pools ``text`` is judged by: its script's terms, or for mixed text each script's.

        A Thai paragraph that cites "Inthachue (2020)" is mixed by its letters, yet it answers
        the question in Thai; it is judged by the better of the Thai and the English terms.
        """
        from assistant.grounding import thai_share

        share = thai_share(text)
        if share is None or not 0.2 < share < 0.8:
            return [self._script_terms(text)]
        pools = [
            {t: w for t, w in self.weights.items() if _is_thai_term(t) == thai or t.isdigit()}
            for thai in (True, False)
        ]
        return [p for p in pools if p] or [self.weights]

    def _script_terms(self, text: str) -> dict[str, float]:
        """The weights of the terms that can occur in ``text``: those of its script (all for mixed text).

        A Thai question's English translation cannot match a Thai sentence, and counting it
        would only lower every Thai sentence's share alike.
        """
        from assistant.grounding import thai_share

        share = thai_share(text)
        if share is None or 0.2 < share < 0.8:
            return self.weights
        thai = share >= 0.8
        pool = {t: w for t, w in self.weights.items() if _is_thai_term(t) == thai or t.isdigit()}
        return pool or self.weights

    def localised(self, texts: Sequence[str]) -> Terms:
        """These weights scaled by how rare each term is among ``texts`` (the context's sentences).

        Words that name the document (its parties, its title) recur in many of its sentences
        and tell them apart poorly; the word the question asks about ("สิ้นสุด", "guarantee")
        is in few. A term in every sentence keeps 0.4 of its weight, one in a single sentence
        about 1.3 of it.
        """
        found = [g.content_terms(t) for t in texts]
        n = max(1, len(found))
        scale = {}
        for term in self.weights:
            sf = sum(term in f for f in found)
            scale[term] = 0.4 + 0.9 * math.log(1 + n / (1 + sf)) / math.log(1 + n / 1)
        return Terms({t: w * scale[t] for t, w in self.weights.items()}, self.absent, self.own)

    def focus(self, text: str = "") -> set[str]:
        """The question's heaviest terms in the script of ``text``: the ones an answer must be about.

        For a passage in the question's own script these are the question's words; for one in
        the other script, the translation's.
        """
        from assistant.grounding import same_script

        pool = {t: w for t, w in self.weights.items() if not text or same_script(t, text)}
        pool = pool or dict(self.weights)
        ranked = sorted(pool.values(), reverse=True)
        cut = ranked[min(len(ranked) - 1, max(0, len(ranked) // 3))]
        return {t for t, w in pool.items() if w >= cut}


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
_NAME = re.compile(
    r"(?:นาย|นาง(?:สาว)?|ดร\.|ผศ\.|รศ\.|ศ\.|อาจารย์|ผู้ช่วยศาสตราจารย์|รองศาสตราจารย์|Dr\.|Mr\.|Mrs\.|Ms\.|Prof\.)\s*\S+"
    r"|\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+|(?:กระทรวง|สำนักงาน|สำนัก|มหาวิทยาลัย|โรงเรียน|คณะกรรมการ|องค์การ|กรม)\S+"
)
_PLACE = re.compile(r"(?:จังหวัด|อำเภอ|ตำบล|ณ\s)\S+|\b(?:at|in)\s+[A-Z][a-z]+", re.I)
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:น\.|นาฬิกา|a\.?m\.?|p\.?m\.?|hrs?)?|เวลา\s*[\d๐-๙]", re.I)
_TYPE_PATTERNS = {
    AnswerType.DATE: (_DATE, _TIME),
    AnswerType.NUMBER: (_NUMBER, _NUMBER_WORDS),
    AnswerType.WHO: (_NAME,),
    AnswerType.PLACE: (_PLACE,),
}


def holds_type(text: str, answer_type: AnswerType) -> bool:
    """True when ``text`` holds something of the wanted type (a date, a number, a name, a place)."""
    patterns = _TYPE_PATTERNS.get(answer_type)
    return True if patterns is None else any(p.search(text) for p in patterns)


_REFERENCE = re.compile(r"(?:มาตรา|ข้อ|section|article|clause|chapter|หมวด|ตาราง|table|figure|ภาพ)\s*$", re.I)


def pick_fact(text: str, answer_type: AnswerType, asked: str) -> str:
    """The date, number, name or place in ``text`` that answers, when one can be picked out.

    Values the question already states are skipped, and so are references ("Section 10",
    "มาตรา ๕"); among the rest, the one whose neighbouring words the question shares comes
    first ("12 years" for "how many years"). Returns "" when nothing qualifies.
    """
    asked_terms = g.content_terms(asked)
    best: tuple[int, int, str] | None = None
    for pattern in _TYPE_PATTERNS.get(answer_type, ()):
        for order, match in enumerate(pattern.finditer(text)):
            value = match.group(0).strip(" ,.;:")
            if not value or len(value) < 2 or value.lower() in asked.lower():
                continue
            if _REFERENCE.search(text[max(0, match.start() - 12) : match.start()]):
                continue
            around = text[match.start() : match.end() + 20]
            shared = len(g.content_terms(around) & asked_terms)
            key = (-shared, order, value)
            if best is None or key < best:
                best = key
    return best[2] if best else ""


# ------------------------------------------------------------------------------------------ lists


@dataclass
class _Candidate:
    items: list[tuple[str, int]]  # (text, n)
    lead: tuple[str, int] | None
    context: str
    passage: int
    score: float = 0.0
    intro: list[tuple[str, int]] = field(default_factory=list)  # introducing sentences, each with its piece


def _blocks(pieces: Sequence[Piece]) -> list[tuple[list[tuple[Block, int]], int]]:
    """Each passage's blocks in order, each with the number of the piece it is on."""
    by_passage: dict[int, list[tuple[Block, int]]] = {}
    for piece in pieces:
        blocks = [(b, piece.n) for b in parse_page(piece.text) if b.kind != BlockKind.FURNITURE]
        by_passage.setdefault(piece.passage, []).extend(blocks)
    return [(blocks, passage) for passage, blocks in sorted(by_passage.items())]


def _item_text(text: str) -> str:
    """A list item as shown: whole when short, else its first sentences within :data:`ITEM_CHARS`."""
    text = " ".join(text.split())
    if len(text) <= ITEM_CHARS:
        return text
    out = ""
    for sentence in g.split_sentences(text):
        if out and len(out) + len(sentence) + 1 > ITEM_CHARS:
            break
        out = f"{out} {sentence}".strip()
    return out if out and len(out) <= ITEM_CHARS * 1.3 else g.cut_to_tokens(text, ITEM_CHARS // 3)


def _without_number(text: str, position: int) -> str:
    """An item's text without a leading number equal to its place in the list ("1. 1. …" shows once)."""
    match = re.match(r"^\s*([\d๐-๙]{1,2})[.)]\s+", text)
    if match and _label_number(match.group(1)) == position:
        return text[match.end() :]
    return text


def _first_paragraph(body: list[tuple[Block, int]]) -> str:
    """The first paragraph of a section's body: its first text lines joined (a PDF or Markdown wraps them)."""
    lines: list[str] = []
    previous: Block | None = None
    for b, _ in body:
        if b.kind == BlockKind.ITEM and not lines:
            return b.text
        if b.kind != BlockKind.TEXT or (previous is not None and b.start - previous.end > 2):
            break
        lines.append(b.text)
        previous = b
    return " ".join(lines)


def _heading_item(block: Block, body: list[tuple[Block, int]]) -> str:
    """A sibling heading as a list item: the heading, and when it is short, its first body sentence."""
    text = block.text
    if len(text) < 50 and body:
        first = _first_paragraph(body)
        sentence = g.split_sentences(first)[0] if first and g.split_sentences(first) else ""
        if sentence:
            text = f"{text}: {_item_text(sentence)}"
    return text


def _candidates(pieces: Sequence[Piece]) -> list[_Candidate]:
    """Every list in the context: runs of list items, and runs of sibling headings."""
    out: list[_Candidate] = []
    for blocks, passage in _blocks(pieces):
        out.extend(_item_runs(blocks, passage))
        out.extend(_heading_runs(blocks, passage))
        out.extend(_term_runs(blocks, passage))
    return out


_TERM_START = re.compile(r"^(?P<term>[^.!?:;–—]{3,60}?)\s+[–—]\s+\S")
"""A line that opens a "term – description" paragraph ("Payment – if outcomes are achieved …")."""
TERM_WORDS = 8
"""A term that opens such a paragraph is at most this many words (Thai: about 8 words' letters)."""


def _term_start(text: str) -> bool:
    match = _TERM_START.match(text)
    if not match:
        return False
    term = match.group("term")
    return len(term.split()) <= TERM_WORDS and not term.rstrip().endswith((",", "("))


def _term_runs(blocks: list[tuple[Block, int]], passage: int) -> list[_Candidate]:
    """Runs of "term – description" paragraphs, a list a PDF lays out without numbers or bullets.

    Each paragraph runs from its "term –" line over the lines that continue it, up to a line
    after a sentence end that opens no new term. The line just above the first, when it is a
    short title ("Key steps for designing … an outcomes fund"), leads the list.
    """
    runs: list[_Candidate] = []
    i = 0
    while i < len(blocks):
        if blocks[i][0].kind != BlockKind.TEXT or not _term_start(blocks[i][0].text):
            i += 1
            continue
        items: list[tuple[str, int]] = []
        j = i
        while j < len(blocks) and blocks[j][0].kind == BlockKind.TEXT and _term_start(blocks[j][0].text):
            texts, n = [blocks[j][0].text], blocks[j][1]
            j += 1
            while (
                j < len(blocks)
                and blocks[j][0].kind == BlockKind.TEXT
                and not _term_start(blocks[j][0].text)
                and not _ends_sentence_mark(texts[-1])
            ):
                texts.append(blocks[j][0].text)
                j += 1
            items.append((_item_text(" ".join(texts)), n))
        if len(items) >= 2 and _distinct(items):
            lead = None
            if i > 0 and blocks[i - 1][0].kind in (BlockKind.TEXT, BlockKind.HEADING):
                above = blocks[i - 1][0].text
                if len(above) <= 100 and not _ends_sentence_mark(above):
                    lead = (above, blocks[i - 1][1])
            heading = _heading_before(blocks, i)
            context = " ".join(x for x in (heading, lead[0] if lead else "") if x)
            runs.append(_Candidate(items[:MAX_ITEMS], lead, context, passage))
        i = max(j, i + 1)
    return runs


def _item_runs(blocks: list[tuple[Block, int]], passage: int) -> list[_Candidate]:
    runs: list[_Candidate] = []
    i = 0
    while i < len(blocks):
        block, _ = blocks[i]
        if block.kind != BlockKind.ITEM:
            i += 1
            continue
        level = block.level
        j = i
        items: list[tuple[str, int]] = []
        last_number: int | None = None
        while j < len(blocks) and blocks[j][0].kind in (BlockKind.ITEM, BlockKind.TEXT):
            b, n = blocks[j]
            if b.kind == BlockKind.ITEM and b.level == level:
                number = _label_number(b.label)
                if number is not None and last_number is not None and number <= last_number and items:
                    break  # the numbering starts again: a new list
                last_number = number if number is not None else last_number
                items.append((_item_text(b.text), n))
            elif b.kind == BlockKind.TEXT and (b.lead or len(b.text) > 120):
                break
            j += 1
        if len(items) >= 2 and _distinct(items):
            items = _numbered_run(items)
            span = _lead_span(blocks, i)
            lead = _span_text(blocks, span) if span else None
            heading = _heading_before(blocks, i)
            if lead is None and i > 0 and blocks[i - 1][0].kind == BlockKind.HEADING:
                lead = (blocks[i - 1][0].text, blocks[i - 1][1])  # the list's own heading leads it
            label = _label_before(blocks, span[0] if span else i)
            context = " ".join(x for x in (heading, label, lead[0] if lead else "") if x)
            runs.append(_Candidate(items[:MAX_ITEMS], lead, context, passage))
        i = max(j, i + 1)
    return runs


def _distinct(items: list[tuple[str, int]]) -> bool:
    """False for a "list" whose items say the same thing (a table's repeated cell, "เกณฑ์ข้อ" …)."""
    texts = {re.sub(r"[\d๐-๙\s.,:()]+", "", t) for t, _ in items}
    texts.discard("")
    return len(texts) >= max(2, 0.6 * len(items))


def _heading_runs(blocks: list[tuple[Block, int]], passage: int) -> list[_Candidate]:
    heads = [(k, b) for k, (b, _) in enumerate(blocks) if b.kind == BlockKind.HEADING]
    runs: list[_Candidate] = []
    for level in sorted({b.level for _, b in heads}):
        group: list[int] = []
        for k, b in heads:
            if b.level < level and group:
                runs.append(_sibling_run(blocks, group, passage))
                group = []
            if b.level == level:
                group.append(k)
        if group:
            runs.append(_sibling_run(blocks, group, passage))
    return [r for r in runs if len(r.items) >= 2]


def _sibling_run(blocks: list[tuple[Block, int]], group: list[int], passage: int) -> _Candidate:
    items = []
    for pos, k in enumerate(group):
        end = group[pos + 1] if pos + 1 < len(group) else len(blocks)
        body = [x for x in blocks[k + 1 : end] if x[0].kind != BlockKind.HEADING]
        items.append((_heading_item(blocks[k][0], body), blocks[k][1]))
    items = _numbered_run(items)
    first = group[0]
    parent = _heading_before(blocks, first, below=blocks[first][0].level)
    lead = _lead_before(blocks, first) or _first_text_after_parent(blocks, first)
    # the whole introduction counts for what the list is about ("… the order proposed by Starkey")
    intro_blocks = _intro_blocks(blocks, first)
    intro = " ".join(b.text for b, _ in intro_blocks)[: LEAD_CHARS * 2]
    context = " ".join(x for x in (parent, intro or (lead[0] if lead else "")) if x)
    by_piece: dict[int, list[str]] = {}
    for b, n in intro_blocks:  # a PDF wraps a sentence over lines: join each piece's lines first
        by_piece.setdefault(n, []).append(b.text)
    if _whole_intro([(b.text, n) for b, n in intro_blocks]):
        sentences = [(_lead_text(intro, INTRO_CHARS), intro_blocks[0][1])]
    else:
        sentences = [(x, n) for n, texts in by_piece.items() for x in g.split_sentences(" ".join(texts))]
    return _Candidate(items[:MAX_ITEMS], lead, context, passage, intro=sentences)


def _label_number(label: str) -> int | None:
    """The number of an item label ("3.", "(๓)", "iv)") when it has one."""
    digits = re.sub(r"\D", "", label.translate(_THAI_DIGITS))
    return int(digits) if digits else None


def _lead_span(blocks: list[tuple[Block, int]], i: int) -> tuple[int, int] | None:
    """Where the lead-in just before position ``i`` (a sentence that announces a list) starts and ends.

    A PDF wraps a long lead-in over several lines and only the last ends in "ดังนี้" or
    ":"; the lines before it that continue the same sentence belong to it.
    """
    for k in range(i - 1, max(-1, i - 4), -1):
        b = blocks[k][0]
        if b.kind == BlockKind.TEXT:
            if b.lead or re.search(r"ดังนี้|ต่อไปนี้|ได้แก่|ประกอบด้วย|follow|include|[:：]\s*$", b.text, re.I):
                return _paragraph_start(blocks, k), k
            return None
        if b.kind == BlockKind.HEADING:
            return None
    return None


def _span_text(blocks: list[tuple[Block, int]], span: tuple[int, int]) -> tuple[str, int]:
    """A lead-in's joined lines, with the piece it starts on."""
    start, end = span
    return _lead_text(" ".join(b.text for b, _ in blocks[start : end + 1])), blocks[start][1]


def _lead_before(blocks: list[tuple[Block, int]], i: int) -> tuple[str, int] | None:
    """The lead-in just before position ``i``, joined over its wrapped lines, if any."""
    span = _lead_span(blocks, i)
    return _span_text(blocks, span) if span else None


LABEL_CHARS = 30
"""A text line this short, standing alone, names what follows (a label such as "ภารกิจ"), not a sentence."""


def _paragraph_start(blocks: list[tuple[Block, int]], k: int) -> int:
    """Where the wrapped sentence that ends at block ``k`` begins: lines of one paragraph, on one piece."""
    start = k
    used = len(blocks[k][0].text)
    while start > 0:
        prev, n = blocks[start - 1]
        block, m = blocks[start]
        if (
            prev.kind != BlockKind.TEXT
            or n != m
            or block.start - prev.end > 3
            or len(prev.text) <= LABEL_CHARS
            or re.search(r"[.!?。]\s*$|ดังนี้\s*$|[:：]\s*$", prev.text)
            or used + len(prev.text) > LEAD_CHARS
        ):
            break
        used += len(prev.text)
        start -= 1
    return start


def _label_before(blocks: list[tuple[Block, int]], i: int) -> str:
    """A short standalone line that names the list starting its lead-in or items at ``i`` ("ภารกิจ")."""
    if i > 0:
        prev, n = blocks[i - 1]
        short = len(prev.text) <= LABEL_CHARS
        if prev.kind == BlockKind.TEXT and short and not prev.lead and n == blocks[i][1]:
            return prev.text
    return ""


def _intro_blocks(blocks: list[tuple[Block, int]], i: int) -> list[tuple[Block, int]]:
    """The body text between the parent heading and the first sibling heading at ``i``."""
    k = i - 1
    out: list[tuple[Block, int]] = []
    while k >= 0 and blocks[k][0].kind != BlockKind.HEADING:
        if blocks[k][0].kind == BlockKind.TEXT:
            out.insert(0, blocks[k])
        k -= 1
    return out


def _first_text_after_parent(blocks: list[tuple[Block, int]], i: int) -> tuple[str, int] | None:
    """The last sentence of body text between the parent heading and the first sibling (the intro)."""
    texts = [(b.text, n) for b, n in _intro_blocks(blocks, i)]
    if not texts:
        return None
    joined = " ".join(t for t, _ in texts)
    if _whole_intro(texts):
        # a short introduction is shown whole: Thai sentence ends are guesses, and a guess that
        # cuts "… มีส่วนร่วมจริง | มีวิสัยทัศน์ร่วม …" leaves a lead that starts mid-sentence
        return _lead_text(joined, INTRO_CHARS), texts[-1][1]
    sentences = g.split_sentences(joined)
    count = [
        s
        for s in sentences
        if re.search(
            r"[\d๐-๙]+\s*(?:ประการ|ข้อ|ขั้น|ด้าน|กลุ่ม|องค์ประกอบ|steps?|components?|groups?|factors?)", s, re.I
        )
    ]
    chosen = count[0] if count else (sentences[-1] if sentences else joined)
    if chosen in sentences and _CONTINUES.match(chosen) and sentences.index(chosen) > 0:
        chosen = f"{sentences[sentences.index(chosen) - 1]} {chosen}"  # "และ…" goes on from the one before
    return _lead_text(chosen), texts[-1][1]


_CONTINUES = re.compile(r"^(?:และ|แต่|ซึ่ง|โดย|หรือ|จึง|ทั้งนี้|and\b|but\b|or\b|which\b|so\b)", re.I)


LEAD_CHARS = 400
"""A lead-in is shown whole up to this length (it often holds the count: "… 7 ประการ (ตารางที่ 1)")."""

INTRO_CHARS = 600
"""A section's introduction (the text before its first sub-heading) is shown whole up to this."""


def _lead_text(text: str, limit: int = LEAD_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else g.cut_to_tokens(text, limit // 3)


def _whole_intro(texts: Sequence[tuple[str, int]]) -> bool:
    """Whether a Thai introduction is short enough, and on one passage, to lead a list whole.

    English sentences end with a full stop, so the one asked about can lead alone; Thai ones
    end at a space that also separates phrases, and a cut there starts the lead mid-sentence.
    """
    if len({n for _, n in texts}) != 1 or sum(len(t) + 1 for t, _ in texts) > INTRO_CHARS:
        return False
    share = g.thai_share(" ".join(t for t, _ in texts))
    return share is not None and share >= 0.5


def _heading_before(blocks: list[tuple[Block, int]], i: int, below: int = 99) -> str:
    for b, _ in reversed(blocks[:i]):
        if b.kind == BlockKind.HEADING and b.level < below:
            return b.text
    return ""


_COUNT_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "หนึ่ง": 1,
    "สอง": 2,
    "สาม": 3,
    "สี่": 4,
    "ห้า": 5,
    "หก": 6,
    "เจ็ด": 7,
    "แปด": 8,
    "เก้า": 9,
    "สิบ": 10,
}
_COUNTED = (
    r"(?:ประการ|ข้อ|ขั้นตอน|ขั้น|ด้าน|กลุ่ม|องค์ประกอบ|ส่วน|ประเภท|ระยะ|กรณี|หลักการ|key\s+\w+|main\s+\w+|"
    r"steps?|components?|groups?|factors?|stages?|areas?|principles?|phases?|types?|kinds?|strateg(?:y|ies)|"
    r"goals?|objectives?|competenc(?:y|ies)|characteristics?|benefits?|challenges?|elements?|pillars?)"
)
_COUNT_RE = re.compile(
    rf"(?<![\d๐-๙])([\d๐-๙]{{1,2}}|{'|'.join(_COUNT_WORDS)})\s*(?:\w+\s+){{0,2}}?{_COUNTED}", re.I
)
_LABEL = re.compile(
    r"^\s*(?:[\w\u0e00-\u0e7f]{1,12}ที่\s*|(?:step|stage|phase|group|part|component|factor|principle|clause|"
    r"article|section|chapter|goal|strategy|ข้อ)\s+)?\(?([\d๐-๙]{1,2}|[a-z]|[ก-ฮ])[.):]?(?:\s|$)",
    re.I,
)


def _announced(text: str) -> int | None:
    """The count a text announces ("… 7 ประการ", "five key competencies", "เจ็ดขั้นตอน"), if any."""
    match = _COUNT_RE.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    if word in _COUNT_WORDS:
        return _COUNT_WORDS[word]
    return int(word.translate(_THAI_DIGITS))


def _numbered_run(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A run of headings cut to its numbered members when most are numbered ("ขั้นที่ 1 …", "2. …")."""
    labelled = [bool(_LABEL.match(text)) for text, _ in items]
    if sum(labelled) < 2 or sum(labelled) == len(items):
        return items
    first = labelled.index(True)
    last = len(labelled) - 1 - labelled[::-1].index(True)
    return items[first : last + 1]


def _consecutive(items: list[tuple[str, int]]) -> bool:
    """True when the items are numbered 1, 2, 3 … (or ก, ข, ค …) in order."""
    labels = [m.group(1) for m in (_LABEL.match(t) for t, _ in items) if m]
    if len(labels) < 2 or len(labels) < len(items) * 0.8:
        return False
    digits = [lab.translate(_THAI_DIGITS) for lab in labels]
    if all(d.isdigit() for d in digits):
        values = [int(d) for d in digits]
        return all(b == a + 1 for a, b in itertools.pairwise(values))
    return len(set(labels)) == len(labels)


def items_text_of(cand: _Candidate) -> str:
    return " ".join(t for t, _ in cand.items)


def list_skeleton(question: Question, pieces: Sequence[Piece], terms: Terms) -> Skeleton | None:
    """The best list of the context as a skeleton, or None when no list answers the question.

    A list's score: how much of the question its own context (the lead-in and the heading
    it sits under) shares, weighted most; how much its items share; how early its passage
    was retrieved; and whether its length is the count the question or the text announce.
    """
    best: _Candidate | None = None
    asked = _announced(question.text)
    # the words that name the document (its title) hold for every list in it: lists are told apart
    # by the other words of the question
    scope = {
        p.passage: g.content_terms(p.trail[0] if p.trail else p.title) & frozenset(terms.weights)
        for p in pieces
    }
    for cand in _candidates(pieces):
        items_text = " ".join(t for t, _ in cand.items)
        skip = scope.get(cand.passage, frozenset())
        score = (
            0.55 * terms.share(cand.context, skip)
            + 0.2 * terms.share(items_text, skip)
            + 0.2 / (1 + cand.passage)
        )
        announced = _announced(cand.context)
        if question.count_asked or asked:
            # the question asks how many, or names the count: a list of that length is the one
            wanted = asked or announced
            score += 0.2 if wanted == len(cand.items) else (-0.05 if wanted else 0.0)
        elif announced:
            score += 0.05 if announced == len(cand.items) else -0.05
        if _consecutive(cand.items):
            score += 0.08
        if g.same_script(items_text, question.text):
            score += SAME_LANGUAGE
        cand.score = score
        if best is None or score > best.score:
            best = cand
    if best is None or best.score < MIN_SCORE + 0.1:
        return None
    where = " ".join(
        p.text + " " + p.title + " " + " ".join(p.trail) for p in pieces if p.passage == best.passage
    )
    if terms.share(f"{best.context} {items_text_of(best)} {where}") < MIN_SCORE:
        return None  # the best list is about something else
    if not names_match(question, terms, where):
        return None  # "มาตรา 35" of an act that has no section 35
    lead = Line(*best.lead) if best.lead else None
    if lead is not None and best.intro:
        # of the introduction's sentences, the one the question is about leads the list
        text, n = max(best.intro, key=lambda x: terms.share(x[0]))
        if terms.share(text) > terms.share(lead.text):
            lead = Line(_lead_text(text, INTRO_CHARS), n)
    items = [Line(t, n) for t, n in best.items]
    return Skeleton(
        Kind.LIST, lead=lead, items=items, score=best.score, context=f"{best.context} {items_text_of(best)}"
    )


# ------------------------------------------------------------------------------------------ sentences


@dataclass
class _Sentence:
    text: str
    n: int
    passage: int
    order: int
    context: str  # the heading (and lead-in) the sentence sits under
    unit: int  # sentences of one paragraph or list item share it
    where: str = ""  # the document's title and the section trail


def _paragraphs(piece: Piece) -> list[tuple[str, str]]:
    """(heading, paragraph text) of a piece: wrapped PDF lines joined, list items on their own."""
    out: list[tuple[str, str]] = []
    heading = " ".join(piece.trail[-1:])
    paragraph: list[str] = []
    previous: Block | None = None
    for block in parse_page(piece.text):
        if block.kind == BlockKind.FURNITURE:
            continue
        if block.kind == BlockKind.TEXT and not block.lead:
            joined = previous is not None and previous.kind == BlockKind.TEXT and not previous.lead
            if paragraph and (
                not joined
                or "\n\n" in piece.text[previous.end : block.start]
                or _ends_sentence(previous.text)
            ):
                out.append((heading, " ".join(paragraph)))
                paragraph = []
            paragraph.append(block.text)
        else:
            if paragraph:
                out.append((heading, " ".join(paragraph)))
                paragraph = []
            if block.kind == BlockKind.HEADING:
                heading = block.text
            else:
                out.append((heading, block.text))
        previous = block
    if paragraph:
        out.append((heading, " ".join(paragraph)))
    return out


def _sentences(pieces: Sequence[Piece]) -> list[_Sentence]:
    """Every sentence of the context, read by paragraph, with the heading it sits under."""
    out: list[_Sentence] = []
    for piece in pieces:
        where = f"{piece.title} {' '.join(piece.trail)}"
        for unit, (heading, text) in enumerate(_paragraphs(piece)):
            for sentence in g.split_sentences(text):
                if len(g.content_terms(sentence)) >= 2:
                    key = piece.n * 100_000 + unit
                    out.append(_Sentence(sentence, piece.n, piece.passage, len(out), heading, key, where))
    return out


def _label_line(sentence: _Sentence, sentences: Sequence[_Sentence]) -> bool:
    """Whether ``sentence`` is a short line standing alone as its paragraph: a label ("Vision",
    "ค่านิยม (Shared Values)") whose content is the paragraph after it."""
    alone = not any(x.unit == sentence.unit and x is not sentence for x in sentences)
    return alone and len(sentence.text) <= LABEL_CHARS and not _ends_sentence_mark(sentence.text)


def _ends_sentence_mark(text: str) -> bool:
    return bool(re.search(r"[.!?;]\s*$", text))


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?:;]\s*$", text)) or len(text) < 40


def sentence_skeleton(question: Question, pieces: Sequence[Piece], terms: Terms) -> Skeleton | None:
    """The sentence(s) that answer a factual or explanatory question, or None when none does.

    The best sentence by the question's weighted words (its own and its heading's), the
    wanted type of fact, and how early its passage was retrieved; a short sentence takes the
    next one of its paragraph with it. A factual answer must hold the question's heaviest
    words (in the sentence or its heading) and, for a date, number, name or place, a value
    of that type: otherwise the documents do not say, and there is no skeleton.
    """
    sentences = _sentences(pieces)
    local = terms.localised([x.text for x in sentences])
    scored: list[tuple[float, _Sentence]] = []
    for sent in sentences:
        own, ctx = local.share(sent.text), local.share(sent.context)
        if own <= 0:
            continue
        score = 0.75 * own + 0.25 * ctx + 0.1 / (1 + sent.passage)
        if g.same_script(sent.text, question.text):
            score += SAME_LANGUAGE  # a Thai question is answered in Thai when a Thai version says it
        if question.kind == Kind.FACT and question.answer_type not in (AnswerType.ANY, AnswerType.DEFINITION):
            # a value of the wanted type that the question does not state already ("who followed X?")
            score += 0.2 if pick_fact(sent.text, question.answer_type, question.text) else -0.1
        scored.append((score, sent))
    if not scored:
        return None
    scored.sort(key=lambda x: (-x[0], x[1].order))
    best_score, best = scored[0]
    if terms.share(f"{best.text} {best.context}") < MIN_SCORE:
        return None
    chosen = [best]
    nxt = next((x for x in sentences if x.order == best.order + 1 and x.unit == best.unit), None)
    if nxt is None and _label_line(best, sentences):
        # "ค่านิยม (Shared Values)" on a line of its own names what the next paragraph says
        nxt = next((x for x in sentences if x.unit == best.unit + 1), None)
    typed = question.kind == Kind.FACT and question.answer_type not in (AnswerType.ANY, AnswerType.DEFINITION)
    if nxt is not None and (
        len(best.text) < 120 or (typed and not pick_fact(best.text, question.answer_type, question.text))
    ):
        chosen.append(nxt)
    if question.kind != Kind.FACT:
        extra = [x for _, x in scored[1:] if x.unit != best.unit and _ > best_score * 0.75][
            : EXPLAIN_SENTENCES - 1
        ]
        chosen.extend(extra)
    window = " ".join(x.text for x in chosen)
    where = f"{window} {best.context} {best.where}"
    piece = next((p.text for p in pieces if p.n == best.n), "")
    if typed and not answerable(question, terms, where, piece):
        return None
    if not typed and not (about(terms, where, 0.25) and names_match(question, terms, f"{where} {piece}")):
        return None
    chosen.sort(key=lambda x: x.order)
    lines = _merge_lines(chosen)
    fact = pick_fact(window, question.answer_type, question.text) if typed else ""
    return Skeleton(question.kind, sentences=lines, fact=fact, score=best_score)


def answerable(question: Question, terms: Terms, window: str, piece: str = "") -> bool:
    """Whether ``window`` can answer a factual question: it holds a value of the wanted type, and
    it (or, less strictly, the piece it is in) is about the question's heaviest words.

    A number, code or Latin name of the question that no chunk of the index holds means the
    documents are not about it ("section 35" of an act that stops at 29); so does a number of
    the question missing from the window.
    """
    if not names_match(question, terms, f"{window} {piece}"):
        return False
    if not about(terms, window, 0.34) and not (
        piece and about(terms, piece, 0.5) and about(terms, window, 0.15)
    ):
        return False
    return holds_type(window, question.answer_type)


def names_match(question: Question, terms: Terms, window: str) -> bool:
    """False when the question names something exact the window does not hold: a number of the
    question (years may be in the other era), or a code or Latin name no chunk of the index holds."""
    latin_window = (g.thai_share(window) or 0.0) < 0.5
    if any(_identifier(t, latin_window) for t in terms.absent & question.terms):
        return False
    asked = g.numbers_of(question.text)
    return asked <= g.numbers_of(window) | _years_both_ways(asked)


def about(terms: Terms, window: str, share: float) -> bool:
    """Whether ``window`` holds at least ``share`` of the weight of the question's heaviest terms."""
    focus = terms.focus(window)
    if not focus:
        return True
    found = _found(terms.weights, window)
    return sum(terms.weights[t] for t in focus if t in found) / sum(terms.weights[t] for t in focus) >= share


def _identifier(term: str, latin_window: bool = True) -> bool:
    """A term that names something exactly: it has a digit, or (over English text) it is a Latin name.

    Over a Thai passage a Latin name of the question ("Rambhai Barni") is only its spelling in
    the other script, so there only numbers and codes count.
    """
    latin_name = bool(re.fullmatch(r"[a-z][a-z0-9\-]{2,}", term))
    return any(ch.isdigit() for ch in term) or (latin_window and latin_name)


def _years_both_ways(numbers: set[str]) -> set[str]:
    """Question numbers that are years in the other era (2017 ↔ 2560): not required verbatim."""
    return {n for n in numbers if n.isdigit() and (1900 <= int(n) <= 2100 or 2443 <= int(n) <= 2643)}


def _merge_lines(chosen: list[_Sentence]) -> list[Line]:
    """Consecutive sentences of one piece become one line (one citation); others get their own."""
    lines: list[Line] = []
    last: _Sentence | None = None
    for sent in chosen:
        if last is not None and lines and sent.n == last.n and sent.order == last.order + 1:
            lines[-1] = Line(f"{lines[-1].text} {sent.text}", sent.n)
        else:
            lines.append(
                Line(_item_text(sent.text) if len(sent.text) > ITEM_CHARS * 2 else sent.text, sent.n)
            )
        last = sent
    return lines


def compose(
    question: Question,
    pieces: Sequence[Piece],
    translated: str = "",
    counts: dict[str, int] | None = None,
    total: int = 0,
) -> Skeleton:
    """The skeleton answer: a list for list questions (when the context has one), else sentences.

    An explanation whose best source is a list (what to consider, what to do) gets the list.
    ``counts``/``total`` give index-wide term counts for the rarity weights (see :class:`Terms`).
    """
    asked = parts(question)
    if len(asked) > 1:
        return _compound(asked, pieces, translated, counts, total)
    terms = Terms.of(question, translated, pieces, counts, total)
    if question.answer_type == AnswerType.DEFINITION:
        defined = definition_skeleton(question, pieces, terms)
        if defined is not None:
            return defined
    if question.kind == Kind.LIST:
        skeleton = list_skeleton(question, pieces, terms)
        if skeleton is not None:
            return skeleton
    sentences = sentence_skeleton(question, pieces, terms)
    if question.kind == Kind.EXPLAIN or (
        question.kind == Kind.FACT and question.answer_type == AnswerType.ANY
    ):
        listed = list_skeleton(question, pieces, terms)
        if (
            listed is not None
            and (sentences is None or listed.score >= sentences.score + 0.1)
            and about(terms, listed.context, 0.5)
        ):
            return listed
    return sentences or Skeleton(question.kind)


def definition_skeleton(question: Question, pieces: Sequence[Piece], terms: Terms) -> Skeleton | None:
    """The sentence that defines the term a "what does X mean" question asks about, if a piece has one.

    The first piece (in retrieval order) that defines the term, in its own words, answers; the
    question's other words need not be in it (:mod:`assistant.definitions`).
    """
    term = asked_term(question.text)
    if not term:
        return None
    for piece in sorted(pieces, key=lambda p: (p.passage, p.n)):
        found = find_definition(term, piece.text)
        where = f"{piece.text} {piece.title} {' '.join(piece.trail)}"
        if found and names_match(question, terms, where):
            return Skeleton(question.kind, sentences=[Line(found, piece.n)], score=1.0)
    return None


def _compound(
    asked: list[Question], pieces: Sequence[Piece], translated: str, counts: dict[str, int] | None, total: int
) -> Skeleton:
    """The skeleton of a compound question: each part's answer in turn, a sentence said once."""
    lines: list[Line] = []
    facts: list[str] = []
    score = 0.0
    for part in asked:
        sub = compose(part, pieces, translated, counts, total)
        if sub.empty:
            continue
        score = max(score, sub.score)
        for line in [*([sub.lead] if sub.lead else []), *sub.items, *sub.sentences]:
            if any(line.text in kept.text for kept in lines):
                continue  # said already
            lines = [kept for kept in lines if kept.text not in line.text]
            lines.append(line)
        if sub.fact:
            facts.append(sub.fact)
    kind = asked[0].kind if asked[0].kind != Kind.LIST else Kind.EXPLAIN
    return Skeleton(
        kind, sentences=lines, fact=" · ".join(facts) if len(facts) == len(asked) else "", score=score
    )
