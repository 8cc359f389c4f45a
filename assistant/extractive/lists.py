"""Lists in the context (runs of items, sibling headings, term paragraphs) and :func:`list_skeleton`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from assistant import grounding as g
from assistant.extractive.facts import opens_with_person
from assistant.extractive.numbering import announced, consecutive, numbered_run
from assistant.extractive.questions import Kind, Question
from assistant.extractive.semantic import Similar, closeness, similarities
from assistant.extractive.skeleton import (
    ITEM_CHARS,
    MAX_ITEMS,
    MIN_SCORE,
    Line,
    Piece,
    Skeleton,
    label_number,
)
from assistant.extractive.terms import Terms, names_match
from ingest.structure import Block, BlockKind, parse_page


@dataclass
class _Candidate:
    items: list[tuple[str, int]]  # (text, n)
    lead: tuple[str, int] | None
    context: str
    passage: int
    score: float = 0.0
    intro: list[tuple[str, int]] = field(default_factory=list)  # introducing sentences, each with its piece
    features: dict[str, float] = field(default_factory=dict)  # what its score is made of (LIST_WEIGHTS)


def _blocks(pieces: Sequence[Piece]) -> list[tuple[list[tuple[Block, int]], int]]:
    """Each passage's blocks in order, each with the number of the piece it is on."""
    by_passage: dict[int, list[tuple[Block, int]]] = {}
    for piece in pieces:
        blocks = [(b, piece.n) for b in parse_page(piece.text) if b.kind != BlockKind.FURNITURE]
        by_passage.setdefault(piece.passage, []).extend(blocks)
    return [(blocks, passage) for passage, blocks in sorted(by_passage.items())]


def item_text(text: str) -> str:
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
            text = f"{text}: {item_text(sentence)}"
    return text


def _candidates(pieces: Sequence[Piece]) -> list[_Candidate]:
    """Every list in the context: runs of list items, and runs of sibling headings."""
    out: list[_Candidate] = []
    for blocks, passage in _blocks(pieces):
        out.extend(_item_runs(blocks, passage))
        out.extend(_heading_runs(blocks, passage))
        out.extend(_term_runs(blocks, passage))
        out.extend(_line_runs(blocks, passage))
        out.extend(_label_runs(blocks, passage))
    return [c for c in map(_said_once, out) if len(c.items) >= 2 and _distinct(c.items)]


def _said_once(cand: _Candidate) -> _Candidate:
    """The list with each item once: a table's header row repeated on every page is not an item of
    its own each time ("ข้อเสนอแนะ แนวทางการแก้ไข ระยะเวลา" three times over)."""
    seen: list[str] = []
    items = []
    for text, n in cand.items:
        key = re.sub(r"\W+", "", text).lower()
        if key and any(_near(key, other) for other in seen):
            continue
        seen.append(key)
        items.append((text, n))
    cand.items = items
    return cand


SAME_ITEM = 0.9
"""Two items this alike (difflib's ratio) are one item read twice (an OCR'd header row: "ระยะเวลา"
on one page, "ะยะเวลา" on the next)."""


def _near(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 0.8 * max(len(a), len(b)):
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SAME_ITEM


_NUMBERED_LABEL = re.compile(
    r"^\s*(?P<word>[A-Za-z]{3,20}|[\u0e00-\u0e7f]{2,24}?ที่)\s*(?P<number>[\d๐-๙]{1,2})"
    r"(?:\s*[:.–—]\s*|\s+(?=[\u0e00-\u0e7f]))(?P<rest>\S.*)$"
)
"""A line opened by a word and its number ("Priority 1: Improved access …", "ยุทธศาสตร์ที่ 4 บริการวิชาการ …")."""


def _label_runs(blocks: list[tuple[Block, int]], passage: int) -> list[_Candidate]:
    """Lines opened by the same word with numbers that count on ("Priority 1:", "Priority 2:" …),
    with body text between them: a list a document lays out as labelled paragraphs.

    Each item is the labelled line (with the lines that continue its sentence); the text just
    before the first one ("… three key priority areas … These are:") leads the list.
    """
    found: dict[str, list[tuple[int, int]]] = {}  # label word -> (block position, number)
    for k, (block, _) in enumerate(blocks):
        labelled = block.kind in (BlockKind.TEXT, BlockKind.HEADING)
        match = _NUMBERED_LABEL.match(block.text) if labelled else None
        if match:
            number = label_number(match.group("number"))
            if number is not None:
                found.setdefault(match.group("word").lower(), []).append((k, number))
    runs: list[_Candidate] = []
    for places in found.values():
        run: list[int] = []
        for pos, (k, number) in enumerate(places):
            if run and number != places[pos - 1][1] + 1:
                runs.extend(_label_run(blocks, run, passage))
                run = []
            run.append(k)
        runs.extend(_label_run(blocks, run, passage))
    return runs


def _label_run(blocks: list[tuple[Block, int]], run: list[int], passage: int) -> list[_Candidate]:
    if len(run) < 2:
        return []
    items: list[tuple[str, int]] = []
    for k in run:
        texts = [blocks[k][0].text.strip()]
        j = k + 1
        while (
            j < len(blocks)
            and blocks[j][0].kind == BlockKind.TEXT
            and not ends_sentence_mark(texts[-1])
            and blocks[j][0].text.strip()[:1].islower()
        ):
            texts.append(blocks[j][0].text.strip())  # the label's sentence wraps onto the next line
            j += 1
        items.append((item_text(" ".join(texts)), blocks[k][1]))
    if not _distinct(items):
        return []
    first = run[0]
    lead = _lead_before(blocks, first)
    context = " ".join(x for x in (_heading_before(blocks, first), lead[0] if lead else "") if x)
    return [_Candidate(items[:MAX_ITEMS], lead, context, passage)]


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
                and not ends_sentence_mark(texts[-1])
            ):
                texts.append(blocks[j][0].text)
                j += 1
            items.append((item_text(" ".join(texts)), n))
        if len(items) >= 2 and _distinct(items):
            lead = None
            if i > 0 and blocks[i - 1][0].kind in (BlockKind.TEXT, BlockKind.HEADING):
                above = blocks[i - 1][0].text
                if len(above) <= 100 and not ends_sentence_mark(above):
                    lead = (above, blocks[i - 1][1])
            heading = _heading_before(blocks, i)
            context = " ".join(x for x in (heading, lead[0] if lead else "") if x)
            runs.append(_Candidate(items[:MAX_ITEMS], lead, context, passage))
        i = max(j, i + 1)
    return runs


TITLE_CHARS = 100
"""A line this short, with no sentence end, can title the lines under it."""
MIN_LINE_ITEMS = 3
ITEM_SENTENCE_CHARS = 300


def _line_runs(blocks: list[tuple[Block, int]], passage: int) -> list[_Candidate]:
    """Sentences that each start a line of their own under a short title: a list whose bullets
    the PDF lost ("Responsibilities of the SIET Vijayapura" over "Conduct/host/sponsor workshops …."
    and "Facilitate quality faculty …." …).

    In running text most sentences start mid-line; here each starts its line. The run ends at a
    sentence that starts mid-line, a line of capitalised words (a signature block) or a block
    that is not text.
    """
    runs: list[_Candidate] = []
    for i, (title, n) in enumerate(blocks[:-1]):
        text = title.text.strip()
        if (
            title.kind not in (BlockKind.TEXT, BlockKind.HEADING)
            or len(text) > TITLE_CHARS
            or ends_sentence_mark(text)
            or not text[:1].isupper()
            or _NUMBERED_LABEL.match(blocks[i + 1][0].text)  # labelled paragraphs: see _label_runs
        ):
            continue
        items = _sentences_by_line(blocks, i + 1)
        if len(items) >= MIN_LINE_ITEMS and _distinct(items):
            context = " ".join(x for x in (_heading_before(blocks, i), text) if x)
            runs.append(_Candidate(items[:MAX_ITEMS], (text, n), context, passage))
    return runs


def _sentences_by_line(blocks: list[tuple[Block, int]], j: int) -> list[tuple[str, int]]:
    """From block ``j`` on, the sentences that each start a line and end with a full stop."""
    items: list[tuple[str, int]] = []
    while j < len(blocks) and blocks[j][0].kind == BlockKind.TEXT and blocks[j][0].text[:1].isupper():
        texts, n = [blocks[j][0].text.strip()], blocks[j][1]
        j += 1
        while not ends_sentence_mark(texts[-1]) and j < len(blocks) and blocks[j][0].kind == BlockKind.TEXT:
            texts.append(blocks[j][0].text.strip())
            j += 1
        sentence = " ".join(texts)
        if (
            not ends_sentence_mark(sentence)
            or len(g.split_sentences(sentence)) != 1
            or len(sentence) > ITEM_SENTENCE_CHARS
            or _capitalised(sentence)
            or _REFERS_BACK.search(sentence)
        ):
            break
        items.append((item_text(sentence), n))
    return items


_REFERS_BACK = re.compile(r"\b(?:above|aforesaid|foregoing|above-mentioned)\b|ข้างต้น", re.I)
"""A sentence that looks back ("… understand the above said areas …") closes a list, it is not an item."""


def _capitalised(sentence: str) -> bool:
    """A line of names rather than a sentence ("For SECAB Institute of Engineering For TURNIA …")."""
    words = re.findall(r"[A-Za-z][\w&]*", sentence)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) > 0.6 * len(words)


def _item_runs(blocks: list[tuple[Block, int]], passage: int) -> list[_Candidate]:
    """Runs of items of one level and one label kind; items of another kind at the same indent
    ("1. Scope …:" over "A. …", "B. …") are a list of their own, nested in the item before them."""
    runs: list[_Candidate] = []
    nested: list[int] = []  # where a nested list starts: read after the list it is in
    i = 0
    while i < len(blocks) or nested:
        resume = None
        if i >= len(blocks):
            i, resume = nested.pop(0), i
        block, _ = blocks[i]
        if block.kind != BlockKind.ITEM:
            i += 1
            continue
        level = block.level
        j = i
        items: list[tuple[str, int]] = []
        last_number: int | None = None
        inside = False  # in a nested list of another label kind
        while j < len(blocks) and blocks[j][0].kind in (BlockKind.ITEM, BlockKind.TEXT):
            b, n = blocks[j]
            other_kind = label_kind(b.label) != label_kind(block.label)
            if b.kind == BlockKind.ITEM and b.level == level and other_kind:
                if not items or resume is not None:
                    break  # a nested list ends where its parent list goes on
                if not inside:
                    nested.append(j)
                inside = True
                j += 1
                continue
            if inside and b.kind == BlockKind.TEXT:
                j += 1
                continue
            inside = False
            if b.kind == BlockKind.ITEM and b.level == level:
                number = label_number(b.label)
                if number is not None and last_number is not None and number <= last_number and items:
                    break  # the numbering starts again: a new list
                last_number = number if number is not None else last_number
                items.append((item_text(b.text), n))
            elif b.kind == BlockKind.TEXT and _wraps_item(blocks, j, level, last_number) and items:
                items[-1] = (item_text(f"{items[-1][0]} {b.text}"), items[-1][1])
            elif b.kind == BlockKind.TEXT and (b.lead or len(b.text) > 120):
                break
            j += 1
        if len(items) >= 2 and _distinct(items):
            items = numbered_run(items)
            span = _lead_span(blocks, i)
            lead = _span_text(blocks, span) if span else None
            heading = _heading_path(blocks, i)
            if lead is None and i > 0 and blocks[i - 1][0].kind == BlockKind.HEADING:
                lead = (blocks[i - 1][0].text, blocks[i - 1][1])  # the list's own heading leads it
            label = _label_before(blocks, span[0] if span else i)
            context = " ".join(x for x in (heading, label, lead[0] if lead else "") if x)
            runs.append(_Candidate(items[:MAX_ITEMS], lead, context, passage))
        i = resume if resume is not None else max(j, i + 1)
    return runs


def _wraps_item(blocks: list[tuple[Block, int]], j: int, level: int, last_number: int | None) -> bool:
    """Whether the short text line at ``j`` is the wrapped end of the item before it: the next block
    is the item numbered next ("2. … ให้กับครูและบุคลากร" / "ทางการศึกษา" / "3. …")."""
    text = blocks[j][0].text
    if j + 1 >= len(blocks) or len(text) > LABEL_CHARS or ends_sentence_mark(text):
        return False
    if re.search(r"[:：]\s*$|ดังนี้\s*$", text):
        return False
    nxt = blocks[j + 1][0]
    number = label_number(nxt.label) if nxt.kind == BlockKind.ITEM else None
    return nxt.level == level and number is not None and last_number is not None and number == last_number + 1


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
    items = numbered_run(items)
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
        if b.kind == BlockKind.ITEM and label_kind(b.label) != label_kind(blocks[i][0].label):
            # an item of the outer list that announces this one ("1. Scope. … the following:")
            return (k, k) if re.search(r"[:：]\s*$|ดังนี้\s*$", b.text) else None
    return None


def label_kind(label: str) -> str:
    """What an item label is made of: "number", "upper", "lower", "thai" or "mark" (a bullet).

    Lists nest by label kind as much as by indent ("1." over "A." over "(i)"), and a scan or
    a PDF often loses the indent.
    """
    core = label.strip("()[]. ,:")
    if label_number(label) is not None:
        return "number"
    if re.fullmatch(r"[ivx]{1,4}", core):
        return "lower"
    if re.fullmatch(r"[A-Z]", core):
        return "upper"
    if re.fullmatch(r"[a-z]", core):
        return "lower"
    if re.fullmatch(r"[ก-ฮ]", core):
        return "thai"
    return "mark"


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


def _heading_path(blocks: list[tuple[Block, int]], i: int) -> str:
    """The heading above position ``i`` with its parent ("ข้อ 3 หน้าที่ของแต่ละฝ่าย 3.1 โรงเรียน"):
    a sub-list is told apart by its own heading, and is about what its parent says."""
    for k in range(i - 1, -1, -1):
        b = blocks[k][0]
        if b.kind == BlockKind.HEADING:
            parent = _heading_before(blocks, k, below=b.level)
            return f"{parent} {b.text}" if parent and parent != b.text else b.text
    return ""


def items_text_of(cand: _Candidate) -> str:
    return " ".join(t for t, _ in cand.items)


def scored_lists(
    question: Question, pieces: Sequence[Piece], terms: Terms, similar: Similar | None = None
) -> list[_Candidate]:
    """Every list of the context, each with its features and score (:data:`LIST_WEIGHTS`)."""
    candidates = list(_candidates(pieces))
    cosines = similarities(similar, question.text, [_gist(c) for c in candidates])
    headings = similarities(similar, question.text, [c.context for c in candidates])
    asked = announced(question.text)
    # the words that name the document (its title) hold for every list in it: lists are told apart
    # by the other words of the question
    scope = {
        p.passage: g.content_terms(p.trail[0] if p.trail else p.title) & frozenset(terms.weights)
        for p in pieces
    }
    source = {p.passage: terms.share(f"{p.title} {' '.join(p.trail)}") for p in pieces}
    # as for sentences, words that recur all over the context (a party's name) weigh less than the
    # word that names the list asked for ("areas of consensus")
    local = terms.localised([s for p in pieces for s in g.split_sentences(p.text)])
    for cand, cosine, heading in zip(candidates, cosines, headings, strict=True):
        skip = scope.get(cand.passage, frozenset())
        cand.features = list_features(cand, (cosine, heading), question, asked, local, skip)
        cand.features["source"] = source.get(cand.passage, 0.0)  # of its passage, not of the list
        cand.score = sum(LIST_WEIGHTS[name] * value for name, value in cand.features.items())
    return candidates


def list_skeleton(
    question: Question, pieces: Sequence[Piece], terms: Terms, similar: Similar | None = None
) -> Skeleton | None:
    """The best list of the context as a skeleton, or None when no list answers the question.

    A list's score (:func:`scored_lists`): how much of the question its own context (the
    lead-in and the heading it sits under) shares, weighted most; how much its items share;
    how close the list is in meaning to the question (``similar``, the e5 model); how early
    its passage was retrieved; and whether its length is the count the question or the text
    announce.
    """
    best = max(scored_lists(question, pieces, terms, similar), key=lambda c: c.score, default=None)
    if best is None or max(best.features[k] for k in ("context", "items", "source")) < MIN_SCORE:
        return None  # no word of the question near the list: its lead-in, items or document
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
    # nothing introduces it as what the question asks: its items share the question's words by chance
    introduced = similar is None or bool(best.features["context"] or best.features["heading_meaning"])
    return Skeleton(
        Kind.LIST,
        lead=lead,
        items=items,
        score=best.score,
        context=f"{best.context} {items_text_of(best)}",
        introduced=introduced,
    )


LIST_WEIGHTS: dict[str, float] = {
    "context": 0.48,  # the question's share of the list's lead-in and the heading it sits under
    "items": 0.2,  # the question's share of its items
    "meaning": 0.3,  # its closeness in meaning to the question (0-1)
    "early": 0.02,  # 1 / (1 + the rank of its passage)
    "count_asked": 0.12,  # its length is the count the question asks or names
    "count_missed": -0.07,  # a count is wanted and its length is not that count
    "count_stated": 0.02,  # no count asked: +1 when its length is the count its text announces, -1 not
    "consecutive": 0.0,  # its items are numbered 1, 2, 3 ...
    "siblings": -0.31,  # the question names one of its items by number and asks what is in it
    "people": -0.19,  # a list of people's names, and the question does not ask who
    "same_language": 0.0,  # its items are in the question's script
    "heading_meaning": 0.05,  # its lead-in and heading's closeness in meaning to the question (0-1)
    "source": 0.03,  # the question's share of its document's title and section trail
}
"""How each feature of a candidate list (:func:`list_features`) weighs in its score.

Fitted on the 125-question dev half of ``bench/answer_quality.py`` (2026-12-07) by
``bench/list_choice.py``: a listwise logistic fit pulled towards the earlier hand weights
(``HAND_WEIGHTS`` there), each weight keeping its sign, rounded to two places. The fit set the
rules that favour numbered runs and the announced count to 0; the dev half has too few lists
they decide to weigh them, so the announced count is kept as a tie-break (0.02), numbering
stays at 0 (a run of numbered clause headings beat the clause that answers). ``--backend none``:
dev key-point recall 0.647 → 0.657, test 0.367 → 0.367 (unchanged).
"""


def list_features(
    cand: _Candidate,
    cosines: tuple[float | None, float | None],
    question: Question,
    asked: int | None,
    local: Terms,
    skip: frozenset[str],
) -> dict[str, float]:
    """What a candidate list's score is made of, each on about 0-1 (see :data:`LIST_WEIGHTS`), but
    ``source``, which its passage gives; ``cosines``: its gist's and its heading's to the question."""
    cosine, heading = cosines
    items_text = items_text_of(cand)
    stated = announced(cand.context)
    wanted = (asked or stated) if (question.count_asked or asked) else None
    return {
        "context": local.share(cand.context, skip),
        "items": local.share(items_text, skip),
        "meaning": closeness(cosine) if cosine is not None else 0.0,
        "early": 1 / (1 + cand.passage),
        "count_asked": float(bool(wanted) and wanted == len(cand.items)),
        "count_missed": float(bool(wanted) and wanted != len(cand.items)),
        "count_stated": 0.0 if wanted is not None or not stated else (-1.0, 1.0)[stated == len(cand.items)],
        "consecutive": float(consecutive(cand.items)),
        "siblings": float(_siblings_of_the_one_asked(cand, question.text)),
        "people": float(_names_people(cand) and not _ASKS_PEOPLE.search(question.text)),
        "same_language": float(g.same_script(items_text, question.text)),
        "heading_meaning": closeness(heading) if heading is not None and cand.context else 0.0,
    }


_ITEM_LABEL = re.compile(r"^\s*([A-Za-z]{3,20}|[\u0e00-\u0e7f]{2,24}?)(?:\s*ที่)?\s*[\d๐-๙]{1,2}(?![\d๐-๙])")


def _siblings_of_the_one_asked(cand: _Candidate, question: str) -> bool:
    """Whether the list's items are labelled with a word and a number ("ยุทธศาสตร์ที่ 4", "Priority 2")
    and the question names one of them by its number ("ยุทธศาสตร์ที่ 2 … มีกลยุทธ์อะไรบ้าง"): it asks
    what is in that one, and the list of its siblings does not answer."""
    words = [m.group(1).lower() for t, _ in cand.items if (m := _ITEM_LABEL.match(t))]
    for word in {w for w in words if words.count(w) >= 2}:
        if re.search(rf"{re.escape(word)}(?:\s*ที่)?\s*[\d๐-๙]{{1,2}}(?![\d๐-๙])", question, re.I):
            return True
    return False


_ASKS_PEOPLE = re.compile(
    r"ใคร|กรรมการ|สมาชิก|บุคคล|บุคลากร|ผู้แทน|\b(?:who|whom|members?|committee|people|persons|staff|representatives?)\b",
    re.I,
)


def _names_people(cand: _Candidate) -> bool:
    """Whether most of a list's items open with a person's name and title ("นายปฏิคม ทองจริง ประธาน…")."""
    people = sum(opens_with_person(t) for t, _ in cand.items)
    return people * 10 >= len(cand.items) * 6


def _gist(cand: _Candidate) -> str:
    """What a list is compared with the question by: its lead-in and heading, then its first items."""
    items = "; ".join(t for t, _ in cand.items)
    return f"{cand.context}: {items}"[:400]


def ends_sentence_mark(text: str) -> bool:
    return bool(re.search(r"[.!?;]\s*$", text))
