"""Sentences that answer a fact or an explanation: :func:`sentence_skeleton` and :func:`answerable`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant import grounding as g
from assistant.extractive.facts import in_a_range, names_person, pick_fact, wants_person
from assistant.extractive.lists import LABEL_CHARS, ends_sentence_mark, item_text
from assistant.extractive.questions import AnswerType, Kind, Question
from assistant.extractive.semantic import Similar, closeness, similarities
from assistant.extractive.skeleton import (
    EXPLAIN_SENTENCES,
    ITEM_CHARS,
    MIN_SCORE,
    SAME_LANGUAGE,
    Line,
    Piece,
    Skeleton,
)
from assistant.extractive.terms import Terms, about, names_match
from ingest.structure import Block, BlockKind, parse_page


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
    """(context, paragraph text) of a piece: wrapped PDF lines joined, list items on their own.

    A paragraph's context is the heading it sits under; a list item's is that heading and the
    sentence that announces the list ("… แต่งตั้งคณะกรรมการ ประกอบด้วยบุคคลดังต่อไปนี้", "… as
    follows:"), so an item ("นายปฏิคม ทองจริง ประธานกรรมการ") is read as what it is a part of.
    """
    out: list[tuple[str, str]] = []
    heading = " ".join(piece.trail[-1:])
    lead_in = ""  # the announcing paragraph the items below it belong to
    paragraph: list[str] = []
    previous: Block | None = None

    def flush() -> None:
        nonlocal lead_in, paragraph
        if paragraph:
            text = " ".join(paragraph)
            line = len(text) <= LINE_ITEM_CHARS and not ends_sentence_mark(text)
            if lead_in and line and not _announces(text):
                # a short line (not a sentence) under an announcing one: an item laid out as plain text
                out.append((f"{heading} {lead_in}", text))
            else:
                out.append((heading, text))
                lead_in = g.split_sentences(text)[-1] if _announces(text) else ""
            paragraph = []

    item_open = False  # the last unit out is an item whose sentence a wrapped line may go on with
    for block in parse_page(piece.text):
        if block.kind == BlockKind.FURNITURE:
            continue
        if item_open and block.kind == BlockKind.TEXT and not block.lead and _goes_on(out[-1][1], block.text):
            # "X. Term. This MOU will become effective on the" / "date of the last signature, …"
            out[-1] = (out[-1][0], f"{out[-1][1]} {block.text}")
            previous = block
            continue
        item_open = False
        if block.kind == BlockKind.TEXT and not block.lead:
            joined = previous is not None and previous.kind == BlockKind.TEXT and not previous.lead
            if paragraph and (
                not joined
                or "\n\n" in piece.text[previous.end : block.start]
                or _ends_sentence(previous.text)
            ):
                flush()
            paragraph.append(block.text)
        else:
            wrapped = previous is not None and previous.kind == BlockKind.TEXT and not previous.lead
            tail = g.split_sentences(" ".join(paragraph))[-1:] if paragraph and wrapped else []
            flush()
            if block.kind == BlockKind.HEADING:
                heading, lead_in = block.text, ""
            elif block.lead:  # the line that announces a list, often the end of a wrapped sentence
                out.append((heading, block.text))
                lead_in = " ".join([*tail, block.text])
            else:
                out.append((f"{heading} {lead_in}".strip(), block.text))
                item_open = True
        previous = block
    flush()
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
    return alone and len(sentence.text) <= LABEL_CHARS and not ends_sentence_mark(sentence.text)


def _goes_on(item: str, line: str) -> bool:
    """Whether ``line`` continues the sentence an item broke off: the item ends without a sentence
    mark and the line opens in lower case (a wrapped line a scan or a PDF set apart from its item)."""
    return not ends_sentence_mark(item) and bool(re.match(r"[a-z]", line.lstrip()))


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?:;]\s*$", text)) or len(text) < 40


def sentence_skeleton(
    question: Question,
    pieces: Sequence[Piece],
    terms: Terms,
    said: frozenset[str] = frozenset(),
    similar: Similar | None = None,
    listing: bool = False,
) -> Skeleton | None:
    """The sentence(s) that answer a factual or explanatory question, or None when none does.

    The best sentence by the question's weighted words (its own and its heading's), the
    wanted type of fact, and how early its passage was retrieved; a short sentence takes the
    next one of its paragraph with it. A factual answer must hold the question's heaviest
    words (in the sentence or its heading) and, for a date, number, name or place, a value
    of that type: otherwise the documents do not say, and there is no skeleton. An explanation
    (not a typed fact) reads on from its best sentence in the same piece, up to :data:`EXPLAIN_CHARS`.

    ``said`` holds lines an earlier part of a compound question answered with: a sentence in
    one of them is not chosen again, so the part is answered by its own next-best sentence.

    A sentence in the other script than the question (an English question, a Thai report) can
    only share the few words the glossary translates; its closeness in meaning to the question
    (``similar``, the e5 model) counts for it instead (:data:`CROSS_SCRIPT_WEIGHT`), and a close
    one (:data:`CROSS_SCRIPT_ABOUT`) is taken as about the question.

    ``listing``: the question asks for a list the context only gives in prose ("… organised an
    exhibition, shelved the books and installed the library software"): the best sentence's
    paragraph is taken with it, up to :data:`LISTED_CHARS`, since the items run on past it.
    """
    sentences = [x for x in _sentences(pieces) if not any(x.text in line for line in said)]
    across = [x for x in sentences if not g.same_script(x.text, question.text)]
    measured = similarities(similar, question.text, [x.text for x in across])
    cosines = {id(x): cosine for x, cosine in zip(across, measured, strict=True) if cosine is not None}
    local = terms.localised([x.text for x in sentences])
    scored: list[tuple[float, _Sentence]] = []
    person = wants_person(question.answer_type, question.text)
    for sent in sentences:
        own, ctx = local.share(sent.text), local.share(sent.context)
        if own <= 0 and cosines.get(id(sent)) is None:
            continue
        score = 0.75 * own + 0.25 * ctx + 0.1 / (1 + sent.passage)
        if g.same_script(sent.text, question.text):
            score += SAME_LANGUAGE  # a Thai question is answered in Thai when a Thai version says it
        if question.kind == Kind.FACT and question.answer_type not in (AnswerType.ANY, AnswerType.DEFINITION):
            # a value of the wanted type that the question does not state already ("who followed X?")
            fact = pick_fact(sent.text, question.answer_type, question.text)
            # an organisation where a person who holds the post is asked for earns nothing
            score += 0.0 if fact and person and not names_person(fact) else 0.2 if fact else -0.1
        if in_a_range(sent.text, question.text):
            score += 0.2  # the band the question's value falls in ("35 - 44%" for "scored 40%")
        cosine = cosines.get(id(sent))
        if cosine is not None:
            score += CROSS_SCRIPT_WEIGHT * closeness(cosine)
        scored.append((score, sent))
    if not scored:
        return None
    scored.sort(key=lambda x: (-x[0], x[1].order))
    best_score, best = scored[0]
    if person:
        # who holds a post: a close runner-up that names a person beats a best that names an organisation
        best_score, best = next(
            (
                (score, x)
                for score, x in scored[:PERSON_CANDIDATES]
                if score >= best_score * PERSON_SHARE
                and names_person(pick_fact(x.text, question.answer_type, question.text))
            ),
            (best_score, best),
        )
    close = closeness(cosines[id(best)]) >= CROSS_SCRIPT_ABOUT if cosines.get(id(best)) is not None else False
    if terms.share(f"{best.text} {best.context}") < MIN_SCORE and not close:
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
    if listing:
        chosen = _paragraph_around(best, [x for x in sentences if x.unit == best.unit], LISTED_CHARS)
    elif not typed:
        chosen = sorted(
            {id(x): x for x in [*chosen, *_read_on(best, sentences, terms)]}.values(), key=lambda x: x.order
        )
    last = chosen[-1]
    if _announces(last.text):
        # "… adopt the following grade boundaries:" says nothing until what it announces follows
        after = [x for x in sentences if x.n == last.n and x.order > last.order]
        taken: list[_Sentence] = []
        for x in after[:ANNOUNCED_SENTENCES]:
            if sum(len(t.text) for t in taken) + len(x.text) > ANNOUNCED_CHARS:
                break
            taken.append(x)
        chosen.extend(taken)
    if not typed:
        extra = [x for _, x in scored[1:] if x.unit != best.unit and _ > best_score * 0.75][
            : EXPLAIN_SENTENCES - 1
        ]
        chosen.extend(extra)
    window = " ".join(x.text for x in chosen)
    where = f"{window} {best.context} {best.where}"
    piece = next((p.text for p in pieces if p.n == best.n), "")
    paragraph = " ".join(x.text for x in sentences if x.unit == best.unit)
    if typed and not answerable(question, terms, where, piece, close, paragraph):
        return None
    if not typed and not (close or about(terms, where, 0.25)):
        return None
    if not typed and not names_match(question, terms, f"{where} {piece}"):
        return None
    chosen.sort(key=lambda x: x.order)
    lines = _merge_lines(chosen)
    fact = pick_fact(window, question.answer_type, question.text) if typed else ""
    return Skeleton(question.kind, sentences=lines, fact=fact, score=best_score)


PERSON_CANDIDATES = 3
PERSON_SHARE = 0.8
"""A question for the holder of a post takes the first of the best :data:`PERSON_CANDIDATES` sentences
(scoring at least this share of the best) whose fact is a person's name."""

CROSS_SCRIPT_WEIGHT = 0.3
"""How much a sentence in the other script gains from its closeness in meaning (0–1) to the question."""
CROSS_SCRIPT_ABOUT = 0.6
"""The closeness at which a sentence in the other script counts as about the question (cosine ≈ 0.85)."""

LINE_ITEM_CHARS = 120
"""A paragraph at most this long, under a line that announces a list, is read as one of its items."""

LISTED_CHARS = 600
"""How much of its paragraph a sentence answering a list question in prose takes with it."""

EXPLAIN_CHARS = 700
"""How much of its piece after the best sentence an explanation reads on (:func:`_read_on`). Chosen on
the dev half, where 700 characters added key points over 450 and 1,000 none over 700."""

ANNOUNCED_SENTENCES = 6
ANNOUNCED_CHARS = 700
"""How much of what an announcing sentence ("… as follows:") introduces the answer takes with it."""
_ANNOUNCING = re.compile(r"(?:[:：]|ดังนี้|ต่อไปนี้|ได้แก่|as follows|the following)\s*$", re.I)


def _announces(text: str) -> bool:
    """Whether a sentence announces what follows it ("… as follows:", "… ดังนี้")."""
    return bool(_ANNOUNCING.search(text))


def answerable(
    question: Question, terms: Terms, window: str, piece: str = "", close: bool = False, paragraph: str = ""
) -> bool:
    """Whether ``window`` can answer a factual question: it holds a value of the wanted type that
    the question does not state already (:func:`pick_fact`), and it (or, less strictly, the
    piece it is in) is about the question's heaviest words.

    A number, code or Latin name of the question that no chunk of the index holds means the
    documents are not about it ("section 35" of an act that stops at 29); so does a number of
    the question missing from the window.
    """
    if not names_match(question, terms, f"{window} {piece}"):
        return False
    if not _names_the_system(question, f"{window} {paragraph}"):
        return False
    if (
        not close
        and not about(terms, window, 0.34)
        and not (piece and about(terms, piece, 0.5) and about(terms, window, 0.15))
    ):
        return False
    return bool(pick_fact(window, question.answer_type, question.text))


_LATIN_NAME = re.compile(r"(?<![A-Za-z])(?=[A-Za-z\-]*[a-z])[A-Za-z][A-Za-z\-]{2,}")


def _names_the_system(question: Question, window: str) -> bool:
    """Whether a fact's window names what a Thai question names in Latin letters ("e-Meeting",
    "Google Classroom"): a value under another system's heading does not answer for this one.
    Acronyms (MIS, ICT) name a whole domain, often only in the title, and are not required."""
    if question.language != "th" or (g.thai_share(window) or 0.0) < 0.5:
        return True  # over an English document a Latin name is just a name, written as everywhere
    names = {m.group(0).lower() for m in _LATIN_NAME.finditer(question.text) if not m.group(0).isupper()}
    lowered = window.lower()
    return all(name in lowered for name in names)


def _read_on(best: _Sentence, sentences: Sequence[_Sentence], terms: Terms) -> list[_Sentence]:
    """The sentences after ``best`` in its piece that go on about the question, within :data:`EXPLAIN_CHARS`.

    An explanation runs on past its first sentence, and a PDF's paragraphs are not reliable, so
    the piece is read on rather than the paragraph; the reading ends at the first sentence without
    any of the question's words (another topic, or planted instructions that are no answer).
    """
    taken: list[_Sentence] = []
    size = len(best.text)
    for x in sentences:
        if x.n != best.n or x.order <= best.order:
            continue
        size += len(x.text)
        if size > EXPLAIN_CHARS or terms.share(x.text) <= 0:
            break
        taken.append(x)
    return taken


def _paragraph_around(best: _Sentence, unit: list[_Sentence], limit: int) -> list[_Sentence]:
    """``best`` and the sentences of its paragraph that follow it, then those before it, within ``limit``."""
    chosen = [best]
    size = len(best.text)
    after = [x for x in unit if x.order > best.order]
    before = [x for x in reversed(unit) if x.order < best.order]
    for side in (after, before):
        for x in side:
            if size + len(x.text) > limit:
                break
            chosen.append(x)
            size += len(x.text)
    return sorted(chosen, key=lambda x: x.order)


def _merge_lines(chosen: list[_Sentence]) -> list[Line]:
    """Consecutive sentences of one piece become one line (one citation); others get their own."""
    lines: list[Line] = []
    last: _Sentence | None = None
    for sent in chosen:
        if last is not None and lines and sent.n == last.n and sent.order == last.order + 1:
            lines[-1] = Line(f"{lines[-1].text} {sent.text}", sent.n)
        else:
            lines.append(Line(item_text(sent.text) if len(sent.text) > ITEM_CHARS * 2 else sent.text, sent.n))
        last = sent
    return lines
