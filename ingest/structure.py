"""The structure of a page: headings, list items, lead-ins, table rows and page furniture.

Usage:
    >>> from ingest.structure import parse_page, Layout
    >>> layout = Layout.of(pages)                 # furniture lines repeated on many pages
    >>> for block in parse_page(page.text, layout):
    ...     block.kind, block.level, block.label, block.text

Real documents mark their structure in many ways, and the extracted text of a PDF keeps
only the words. A line-based reader recognises what survives extraction:

* Markdown headings (``# …``) and the headings DOCX styles become (the loader writes ``#``);
* Thai statute and report divisions: ``หมวด ๑``, ``ส่วนที่ ๒``, ``บทที่ 3``, ``มาตรา ๕`` (the
  label only: the rest of the line is the section's first sentence), ``บทเฉพาะกาล``;
* English divisions: ``CHAPTER 2``, ``Section 3``, ``Article 4``, ``Annex``, decimal headings
  (``2.1 Learning areas``) and short lines in capitals (``SCOPE OF WORK``);
* a short line standing alone between blank lines, when it reads like a title (no sentence
  punctuation, not a number);
* list items: bullets, ``1.``, ``(๒)``, ``ก.``, ``(a)``, ``iv)``; a wrapped item keeps its
  following lines;
* a lead-in: a line that announces what follows (``… ดังนี้``, ``… as follows:``, ends with ``:``);
* table rows: Markdown pipe rows;
* furniture: page numbers, running headers and footers repeated on many pages.

Every block keeps its character span on the page, so chunks still point at the page text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ingest.lexical import THAI_DIGITS
from ingest.records import Page


class BlockKind(StrEnum):
    """What a block of a page is."""

    HEADING = "heading"
    ITEM = "item"
    TEXT = "text"
    ROW = "row"  # a table row
    FURNITURE = "furniture"  # page number, running header or footer


@dataclass(frozen=True)
class Block:
    """One structural unit of a page: a heading, a list item (with its wrapped lines), a text line.

    ``start``/``end`` is the block's span on the page text. ``text`` is the block's words
    without Markdown marks; for a heading it is the heading itself (for ``มาตรา ๕ …`` only
    the label). ``level`` orders headings (1 is the top); ``label`` is an item's or a
    heading's number. ``lead`` marks a text line that introduces a list or a table.
    """

    kind: BlockKind
    start: int
    end: int
    text: str
    level: int = 0
    label: str = ""
    lead: bool = False


# ------------------------------------------------------------------------------------------- patterns

DIGIT = r"[0-9๐-๙]"
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TH_DIVISION = re.compile(rf"^(?P<label>(?:หมวด(?:ที่)?|ภาค(?:ที่)?|บทที่|ลักษณะ)\s*{DIGIT}{{1,3}})(?P<rest>\s.*)?$")
_TH_PART = re.compile(rf"^(?P<label>ส่วนที่\s*{DIGIT}{{1,3}})(?P<rest>\s.*)?$")
"""A part of a chapter (``ส่วนที่ ๑``): below หมวด, above มาตรา."""
_TH_DIVISION_NOUNS = (
    "ยุทธศาสตร์|ประเด็นยุทธศาสตร์|กลยุทธ์|เป้าประสงค์|เป้าหมาย|วัตถุประสงค์|พันธกิจ|ภารกิจ|นโยบาย|มาตรการ|"
    "แผนงาน|โครงการ|กิจกรรม|องค์ประกอบ|ตัวบ่งชี้|มาตรฐาน|ด้าน|ขั้นตอน|ขั้น|ระยะ|ข้อ|ตอน|หน่วย|บทเรียน|ประการ"
)
_TH_NUMBERED = re.compile(
    rf"^(?P<label>(?:{_TH_DIVISION_NOUNS})ที่\s*{DIGIT}{{1,3}}(?:\.{DIGIT}{{1,2}})*)(?P<rest>\s.*)?$"
)
"""A numbered Thai division: ``ยุทธศาสตร์ที่ 4 …``, ``องค์ประกอบที่ 2 …``, ``ตัวบ่งชี้ที่ 1.1 …``."""
_TH_SECTION = re.compile(
    rf"^(?P<label>มาตรา\s*{DIGIT}{{1,3}}(?:/{DIGIT}{{1,3}})?(?:\s*(?:ทวิ|ตรี|จัตวา))?)(?P<rest>.*)$"
)
_TH_STANDALONE = re.compile(
    r"^(บทเฉพาะกาล|ภาคผนวก(?:\s*\S{1,3})?|บทนำ|บทสรุป|คำนำ|สารบัญ|บรรณานุกรม|เอกสารอ้างอิง)$"
)
_EN_DIVISION = re.compile(
    r"^(?P<label>(?:chapter|part|section|article|annex(?:ure)?|appendix|schedule|clause|unit)\s+"
    r"(?:[0-9]{1,3}(?:\.[0-9]{1,2})*|[ivxlc]{1,6}|[a-z])\b)[.:]?(?P<rest>.*)$",
    re.I,
)
_DECIMAL_HEADING = re.compile(rf"^(?P<label>{DIGIT}{{1,2}}(?:\.{DIGIT}{{1,2}}){{1,3}})\.?\s+(?P<rest>\S.*)$")
_ITEM = re.compile(
    r"^(?P<indent>\s*)(?P<label>[-–•●○◦▪■□➢►✓✔*·\uf0b7\uf0d8\uf076\uf0fc]"
    rf"|\(?{DIGIT}{{1,2}}[.)](?!{DIGIT})|\({DIGIT}{{1,2}}\)"
    r"|\(?[ก-ฮ][.)]|\([a-z]\)|[a-z][.)]|\(?[ivx]{1,4}[.)]|[A-Z][.)]"
    r"|[of§Øü](?=\s+[A-Z]))\s+(?P<rest>\S.*)$"
)
"""A list item's label and text. Besides numbers, letters and bullets: the letters a Word bullet in a
symbol font comes out as ("o Subject knowledge", "f Technical capacity – …", "§", "Ø", "ü"), before a
capital; no English line starts with a lone "o" or "f"."""
_LABEL_ONLY = re.compile(
    rf"^\s*(?:\(?{DIGIT}{{1,2}}[.)]|\({DIGIT}{{1,2}}\)|\(?[ก-ฮ][.)]|\([a-z]\)|[a-z][.)]|[-–•●○◦▪■➢►*·])\s*$"
)
_ROW = re.compile(r"^\s*\|.*\|\s*$")
_ROW_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LEAD_END = re.compile(
    r"(?:ดังนี้|ดังต่อไปนี้|ต่อไปนี้|ได้แก่|ประกอบด้วย|คือ|เมื่อ|ในกรณี|as follows|the following|following|"
    r"include|includes|including|namely|are|were|such as)\s*[:：]?\s*$|[:：]\s*$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?;,،)]\s*$")
_GOES_ON = re.compile(r"(?:\b(?:and|or)|และ|หรือ)\s*$", re.I)
_TOC_LINE = re.compile(rf"(?:\.{{3,}}|…{{2,}}|_{{3,}})\s*{DIGIT}{{1,3}}\s*$|\s{{2,}}{DIGIT}{{1,3}}\s*$")
_MARKDOWN_MARKS = re.compile(r"[*_`]{1,3}")

HEADING_MAX_CHARS = 90
"""A heading-like line longer than this is body text (a numbered sentence, not a title)."""
STANDALONE_MAX_CHARS = 50
"""A line alone between blank lines is a heading only up to this length."""


# ------------------------------------------------------------------------------------------ furniture


def _furniture_key(line: str) -> str:
    """A line with its numbers masked and spaces collapsed: running headers differ only in numbers."""
    return re.sub(rf"{DIGIT}+", "#", " ".join(line.split())).lower()


def _edge_lines(text: str, n: int = 3) -> list[str]:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[:n] + lines[-n:]


@dataclass(frozen=True)
class Layout:
    """What is repeated across the pages of one document: running headers, footers, page numbers.

    A line (numbers masked) among the first or last three lines of at least three pages and
    of at least 30% of them is furniture; so is a line that is only a page number.
    """

    furniture: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, pages: Sequence[Page]) -> Layout:
        counts: Counter[str] = Counter()
        for page in pages:
            counts.update({_furniture_key(line) for line in _edge_lines(page.text)})
        need = max(3, int(0.3 * len(pages) + 0.999))
        return cls(frozenset(key for key, n in counts.items() if n >= need and len(key) > 1))

    def is_furniture(self, line: str) -> bool:
        stripped = line.strip()
        if re.fullmatch(rf"(?:หน้า|page)?\s*[-–]?\s*{DIGIT}{{1,4}}\s*[-–]?", stripped, re.I):
            return True
        return _furniture_key(stripped) in self.furniture


# ------------------------------------------------------------------------------------------ parsing


def parse_page(text: str, layout: Layout | None = None) -> list[Block]:
    """The blocks of one page's text, in order; every non-blank line belongs to exactly one block."""
    layout = layout or Layout()
    lines = _join_labels(_repair_letter_labels(_lines(text)))
    blocks: list[Block] = []
    edge = _edge_positions(lines)
    i = 0
    while i < len(lines):
        start, end, line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        if i in edge and layout.is_furniture(stripped):
            blocks.append(Block(BlockKind.FURNITURE, start, end, stripped))
            i += 1
            continue
        heading = _heading(lines, i)
        if heading is not None:
            i = _extend_heading(lines, i, heading, blocks, layout)
            continue
        clause = _decimal_item(lines, i)
        if clause is not None:
            j = _item_end(lines, i, layout)
            body = " ".join(ln.strip() for _, _, ln in lines[i : j + 1])
            label = clause["label"]
            text = _plain(body.strip()[len(stripped) - len(clause["rest"]) :])
            offset = start + _indent(line)
            level = 1 + label.count(".")
            blocks.append(Block(BlockKind.ITEM, offset, lines[j][1], text, level=level, label=label))
            i = j + 1
            continue
        item = _ITEM.match(line)
        if item and not _ROW.match(line):
            j = _item_end(lines, i, layout)
            label = item.group("label")
            body = " ".join(ln.strip() for _, _, ln in lines[i : j + 1])
            body = body[len(label) :].strip() if body.startswith(label) else body
            level = 1 + len(item.group("indent").expandtabs(4)) // 2
            blocks.append(Block(BlockKind.ITEM, start, lines[j][1], _plain(body), level=level, label=label))
            i = j + 1
            continue
        if _ROW.match(line):
            if not _ROW_RULE.match(line):
                blocks.append(Block(BlockKind.ROW, start + _indent(line), end, stripped))
            i += 1
            continue
        lead = _is_lead(stripped) and _followed_by_list(lines, i)
        blocks.append(Block(BlockKind.TEXT, start + _indent(line), end, _plain(stripped), lead=lead))
        i += 1
    return blocks


def _is_lead(line: str) -> bool:
    """A line that may introduce a list: it ends with "ดังนี้", "as follows", ":" … or is a short label."""
    if _LEAD_END.search(line):
        return True
    if _GOES_ON.search(line):
        return False  # "… academic events; and": the end of an item wrapped onto its own line
    return len(line) <= 40 and not _SENTENCE_END.search(line) and not re.fullmatch(rf"[\s{DIGIT}.,-]*", line)


_LETTER_LABEL = re.compile(r"^(?P<indent>\s*)(?P<marker>(?P<letter>[A-Z])(?:[.,:)]\s+(?=\S)|\s+(?=[A-Z])))")
"""A capital that may label a list item, its stop lost or misread by OCR ("A, Faculty", "D Joint")."""
_NOISE_LABEL = re.compile(r"^(?P<indent>\s*)(?P<marker>\S{1,2}[.,:)]?\s+)(?=[A-Z])")
"""A label OCR garbled beyond reading ("ie Hosting …"): a token of one or two characters before a capital."""
LETTER_RUN = 3
"""Lines opened by this many capitals in alphabetical order (A, B, C …) are a lettered list."""
LETTER_GAP = 6
"""At most this many lines (an item's wrapped text) lie between two items of a lettered list."""


def _repair_letter_labels(lines: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Lines with their lettered-list labels made readable ("A," "D  " "ie" → "A." "D." "C.").

    An OCR layer of a scanned MOU reads "A." as "A," or drops the stop, and sometimes garbles
    a label altogether. Capitals that open lines in alphabetical order from A, at least
    :data:`LETTER_RUN` of them, are taken as a list; one garbled label between two letters
    that skip one is the missing letter. Each label is rewritten in place with the same
    length, so every block's span still points at the page text.
    """
    found = [(i, m) for i, (_, _, line) in enumerate(lines) if (m := _LETTER_LABEL.match(line))]
    fixed = list(lines)
    run: list[tuple[int, str, str]] = []  # (line, letter, marker)

    def close() -> None:
        if len(run) >= LETTER_RUN:
            for i, letter, marker in run:
                start, end, line = fixed[i]
                indent = len(line) - len(line.lstrip())
                label = f"{letter}." + " " * max(1, len(marker) - 2)
                fixed[i] = (start, end, line[:indent] + label + line[indent + len(marker) :])
                # a one-letter label without its stop ("D Joint") grows by one character: the
                # line's span on the page stays what it was
        run.clear()

    for i, match in found:
        letter, marker = match.group("letter"), match.group("marker")
        if run:
            last_line, last_letter, _ = run[-1]
            step = ord(letter) - ord(last_letter)
            near = i - last_line <= LETTER_GAP
            missing = _garbled_between(lines, last_line, i) if near and step == 2 else None
            if near and step == 1:
                run.append((i, letter, marker))
                continue
            if missing is not None:
                run.append((missing[0], chr(ord(last_letter) + 1), missing[1]))
                run.append((i, letter, marker))
                continue
            close()
        if letter == "A":
            run.append((i, letter, marker))
    close()
    return fixed


def _garbled_between(lines: list[tuple[int, int, str]], a: int, b: int) -> tuple[int, str] | None:
    """The one line between lines ``a`` and ``b`` opened by a garbled label, with that label."""
    hits = [(i, m.group("marker")) for i in range(a + 1, b) if (m := _NOISE_LABEL.match(lines[i][2]))]
    return hits[0] if len(hits) == 1 else None


def _join_labels(lines: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Lines where an item label stands alone ("2." then the text on the next line) joined with that text.

    The joined line's text keeps the label, one space and the next line's words; its span
    runs from the label to the end of the text.
    """
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(lines):
        start, end, line = lines[i]
        if _LABEL_ONLY.match(line) and i + 1 < len(lines) and lines[i + 1][2].strip():
            nxt = lines[i + 1]
            if not _ITEM.match(nxt[2]) and _heading(lines, i + 1) is None:
                out.append((start, nxt[1], f"{line.rstrip()} {nxt[2].strip()}"))
                out.append((nxt[1], nxt[1], ""))  # keep line numbering: the joined line leaves a blank
                i += 2
                continue
        out.append((start, end, line))
        i += 1
    return out


def _extend_heading(
    lines: list[tuple[int, int, str]], i: int, heading: list[Block], blocks: list[Block], layout: Layout
) -> int:
    """Add a heading's blocks, joining the lines that continue it; returns the next line to read.

    A division label alone ("หมวด ๑") takes the short title line under it; a heading in
    capitals takes the capital lines that follow it; a long heading takes a wrapped last word.
    """
    head = heading[0]
    j = i
    if len(heading) == 1:
        while j + 1 < len(lines) and lines[j + 1][2].strip():
            nxt = lines[j + 1][2].strip()
            if layout.is_furniture(nxt) or _ITEM.match(lines[j + 1][2]) or _ROW.match(nxt):
                break
            nxt_heading = _heading(lines, j + 1)
            plain_next = nxt_heading is None or not (nxt_heading[0].label or _MD_HEADING.match(nxt))
            label_alone = head.label and head.text == head.label and len(nxt) <= 60 and plain_next
            caps_run = nxt_heading is not None and _caps(head.text) and _caps(nxt) and len(nxt_heading) == 1
            wrapped = (
                len(lines[j][2].strip()) > 50
                and len(nxt) <= 25
                and nxt_heading is None
                and not _followed_by_list(lines, j + 1)
            )
            if not (label_alone or caps_run or wrapped) or _SENTENCE_END.search(lines[j][2].strip()):
                break
            head = replace(head, end=lines[j + 1][1], text=f"{head.text} {_plain(nxt)}")
            j += 1
        heading = [head]
    blocks.extend(heading)
    return j + 1


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) of every line, ``end`` before the line break and trailing spaces."""
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        out.append((pos, pos + len(line.rstrip()), line))
        pos += len(raw)
    return out


def _edge_positions(lines: list[tuple[int, int, str]]) -> set[int]:
    filled = [i for i, (_, _, ln) in enumerate(lines) if ln.strip()]
    return set(filled[:3] + filled[-3:])


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _plain(text: str) -> str:
    return " ".join(_MARKDOWN_MARKS.sub("", text).split())


def _blank(lines: list[tuple[int, int, str]], i: int) -> bool:
    return i < 0 or i >= len(lines) or not lines[i][2].strip()


def _heading(lines: list[tuple[int, int, str]], i: int) -> list[Block] | None:
    """The heading block (and the body text after a statute section's label) of line ``i``, if any."""
    start, end, line = lines[i]
    stripped = line.strip()
    offset = start + _indent(line)
    md = _MD_HEADING.match(stripped)
    if md:
        return [Block(BlockKind.HEADING, offset, end, _plain(md.group(2)), level=len(md.group(1)))]
    if len(stripped) > 400:
        return None
    for pattern, level in (
        (_TH_DIVISION, 1),
        (_TH_PART, 2),
        (_TH_SECTION, 3),
        (_EN_DIVISION, 2),
        (_TH_NUMBERED, 2),
    ):
        match = pattern.match(stripped)
        if match is None:
            continue
        label = " ".join(match.group("label").split())
        rest = (match.group("rest") or "").strip()
        if pattern is _EN_DIVISION and _runs_on(rest):
            continue  # "Article 38, on the other hand, requires …": a reference that opens a sentence
        if pattern is _TH_SECTION or (rest and len(stripped) > HEADING_MAX_CHARS):
            # "มาตรา ๕ ให้…": the label heads the section, the rest is its first sentence
            blocks = [
                Block(
                    BlockKind.HEADING, offset, offset + len(match.group("label")), label, level, label=label
                )
            ]
            if rest:
                rest_start = offset + stripped.index(rest, len(match.group("label")))
                lead = _is_lead(rest) and _followed_by_list(lines, i)
                blocks.append(Block(BlockKind.TEXT, rest_start, end, _plain(rest), lead=lead))
            return blocks
        if pattern is _EN_DIVISION and label.split()[0].lower() in {"section", "clause", "unit", "part"}:
            level = 3
        return [Block(BlockKind.HEADING, offset, end, _plain(stripped), level=level, label=label)]
    if _TH_STANDALONE.match(stripped):
        return [Block(BlockKind.HEADING, offset, end, stripped, level=1)]
    decimal = _DECIMAL_HEADING.match(stripped)
    if decimal and len(stripped) <= HEADING_MAX_CHARS and not _SENTENCE_END.search(stripped):
        if _decimal_clause(lines, i):
            return None
        depth = decimal.group("label").count(".") + 1
        if re.fullmatch(rf"{DIGIT}{{1,2}}\.[0๐]", decimal.group("label")):
            depth = 1  # "2.0 The Context …" numbers a chapter, the rank of "2.1 …"'s parent
        return [
            Block(
                BlockKind.HEADING,
                offset,
                end,
                _plain(stripped),
                level=min(6, depth + 1),
                label=decimal["label"],
            )
        ]
    if _capitals_heading(stripped) or _standalone_heading(lines, i):
        return [Block(BlockKind.HEADING, offset, end, _plain(stripped), level=2 if stripped.isupper() else 3)]
    return None


_RUNS_ON = re.compile(
    r"[,;]|(?:of|in|on|and|or|to|which|that|is|are|was|were|states?|requires?|provides?|says?)\b"
)


def _runs_on(rest: str) -> bool:
    """Whether what follows an English division label goes on with a sentence ("Article 38, on the
    other hand, requires …", "Section 5 of the Act provides …") rather than naming the division."""
    return bool(_RUNS_ON.match(rest))


def _decimal_clause(lines: list[tuple[int, int, str]], i: int) -> bool:
    """True when line ``i`` ("2.1 …") is a numbered clause of a list, not the heading of a section.

    A clause is followed by its next sibling ("2.2 …"), by a heading, or by nothing; a
    heading is followed by its own body text. MOUs and regulations number their clauses so.
    """
    decimal = _DECIMAL_HEADING.match(lines[i][2].strip())
    if decimal is None or "." not in decimal["label"]:
        return False
    depth = decimal["label"].count(".")
    nxt = next((k for k in range(i + 1, len(lines)) if lines[k][2].strip()), None)
    while nxt is not None and nxt == i + 1 and _wrapped(lines[nxt - 1][2], lines[nxt][2]):
        # a long clause wrapped by the PDF: look past its continuation lines
        nxt = next((k for k in range(nxt + 1, len(lines)) if lines[k][2].strip()), None)
        i += 1
    if nxt is None:
        return True
    following = lines[nxt][2].strip()
    sibling = _DECIMAL_HEADING.match(following)
    if sibling is not None:
        return sibling["label"].count(".") == depth
    return bool(_MD_HEADING.match(following)) or _heading(lines, nxt) is not None


def _decimal_item(lines: list[tuple[int, int, str]], i: int) -> re.Match[str] | None:
    """The decimal label of a numbered clause at line ``i`` (a long one, or one among siblings)."""
    stripped = lines[i][2].strip()
    decimal = _DECIMAL_HEADING.match(stripped)
    if decimal is None or "." not in decimal["label"]:
        return None
    if len(stripped) > HEADING_MAX_CHARS or _SENTENCE_END.search(stripped) or _decimal_clause(lines, i):
        return decimal
    return None


def _caps(text: str) -> bool:
    """True when at least 90% of the letters of ``text`` are capitals."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) / len(letters) >= 0.9


def _capitals_heading(line: str) -> bool:
    """A short line in capitals with at least two words: ``SCOPE OF WORK``."""
    letters = [ch for ch in line if ch.isalpha()]
    if len(line) > HEADING_MAX_CHARS or len(letters) < 6 or len(line.split()) < 2:
        return False
    return _caps(line) and not _SENTENCE_END.search(line) and not _ITEM.match(line)


def _standalone_heading(lines: list[tuple[int, int, str]], i: int) -> bool:
    """A short title-like line between blank lines (or at a page's top), followed by text."""
    line = lines[i][2].strip()
    if len(line) > STANDALONE_MAX_CHARS or len(line) < 3 or _SENTENCE_END.search(line):
        return False
    if _ITEM.match(lines[i][2]) or not re.search(r"[A-Za-z\u0e01-\u0e2e]{3}", line):
        return False
    if line.endswith((":", "：")) or (line[:1].isalpha() and line[:1].islower()) or _LEAD_END.search(line):
        return False
    if not (_blank(lines, i - 1) and i + 1 < len(lines)):
        return False
    following = next((ln.strip() for _, _, ln in lines[i + 1 : i + 4] if ln.strip()), "")
    return len(following) > len(line)


def _item_end(lines: list[tuple[int, int, str]], i: int, layout: Layout) -> int:
    """The last line of the item starting at line ``i``: its wrapped continuation lines included."""
    j = i
    indent = _indent(lines[i][2])
    while j + 1 < len(lines):
        nxt = lines[j + 1][2]
        if not nxt.strip() or layout.is_furniture(nxt) or _ITEM.match(nxt) or _ROW.match(nxt):
            break
        if _MD_HEADING.match(nxt.strip()) or _DECIMAL_HEADING.match(nxt.strip()):
            break
        if len(nxt.strip()) <= 40 and _is_lead(nxt.strip()) and _starts_new_list(lines, i, j + 1):
            break  # "จุดอ่อน" / "Weaknesses:" announcing the next list, not the end of this item
        if _heading(lines, j + 1) is not None and not _wrapped(lines[j][2], nxt):
            break
        if indent >= 2 and _indent(nxt) < indent:  # a nested Markdown item ends where the indent does
            break
        j += 1
    return j


def _number(label: str) -> int | None:
    digits = re.sub(r"\D", "", label.translate(THAI_DIGITS))
    return int(digits) if digits else None


def _starts_new_list(lines: list[tuple[int, int, str]], item: int, j: int) -> bool:
    """True when the list item after line ``j`` starts a new list: its number does not follow the item's."""
    nxt = next((k for k in range(j + 1, min(len(lines), j + 4)) if lines[k][2].strip()), None)
    if nxt is None:
        return False
    here, there = _ITEM.match(lines[item][2]), _ITEM.match(lines[nxt][2])
    if there is None:
        return False
    a = _number(here.group("label")) if here else None
    b = _number(there.group("label"))
    return a is None or b is None or b != a + 1


def _wrapped(previous: str, line: str) -> bool:
    """True when ``line`` continues ``previous`` (a PDF wraps long lines): no sentence end before it."""
    return not _SENTENCE_END.search(previous.strip()) and len(previous.strip()) > 60


def _followed_by_list(lines: list[tuple[int, int, str]], i: int) -> bool:
    """True when one of the next non-blank lines is a list item, a table row or a numbered heading."""
    seen = 0
    for _, _, line in lines[i + 1 :]:
        if not line.strip():
            continue
        stripped = line.strip()
        if _ITEM.match(line) or _ROW.match(line) or _MD_HEADING.match(stripped):
            return True
        if _DECIMAL_HEADING.match(stripped) or _TH_SECTION.match(stripped):
            return True
        seen += 1
        if seen >= 1:
            return False
    return False


# ------------------------------------------------------------------------------------------ pages


def is_contents_page(text: str) -> bool:
    """True for a table of contents: most lines end with a page number after leaders or spaces."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 5:
        return False
    toc = sum(bool(_TOC_LINE.search(ln)) for ln in lines)
    return toc >= 5 and toc / len(lines) >= 0.4


def is_cover_page(text: str, number: int, pages: int = 3) -> bool:
    """True for a near-empty first page of a longer document (a cover): under 150 characters on page 1 or 2.

    Characters, not letters: Thai vowel and tone marks are not letters to Python. A document
    of one or two pages has no cover.
    """
    filled = sum(not ch.isspace() for ch in text)
    return pages > 2 and number <= 2 and filled < 150


# ------------------------------------------------------------------------------------------ titles

_JUNK_TITLE = re.compile(
    r"(?i)^(microsoft\s+(word|powerpoint|excel)\b|untitled|document\d*$|<[0-9a-f]{8,}>$|[\w\-]+\.(docx?|pdf|pptx?|xlsx?)$)"
)
_NOT_TITLE_LINE = re.compile(
    r"(?i)(https?://|www\.|@|\.(com|org|in|th|net)\b|^[\d\s\-–/.,:()]+$|เล่ม\s*\S+\s*ตอนที่|ราชกิจจานุเบกษา|^หน้า\s*\S+$|^page\s*\d+)"
)


def good_metadata_title(title: str) -> bool:
    """False for the titles word processors leave in PDFs ("Microsoft Word - 1.doc", hex, file names)."""
    title = (title or "").strip()
    return bool(title) and len(title) <= 200 and not _JUNK_TITLE.search(title) and "\ufffd" not in title


def title_from_pages(pages: Sequence[Page], layout: Layout | None = None, max_chars: int = 120) -> str:
    """A document's title from its title page: the first short lines of the first page with text.

    Lines that are furniture, addresses, web links, page numbers or a gazette's issue line
    are skipped; up to three consecutive short lines are joined ("พระราชบัญญัติ /
    การจัดการศึกษาสำหรับคนพิการ / พ.ศ. ๒๕๕๑"). Returns "" when the first page starts with
    running text.
    """
    layout = layout or Layout.of(pages)
    for page in pages[:3]:
        if page.health is not None and not page.health.readable:
            continue
        parts: list[str] = []
        for line in page.text.splitlines():
            stripped = " ".join(line.split())
            if not stripped:
                if parts and len(" ".join(parts)) > 20:
                    break
                continue
            if parts and re.fullmatch(rf"{DIGIT}{{1,4}}", stripped) and re.search(rf"{DIGIT}$", parts[-1]):
                parts.append(stripped)  # a year the layout split ("25" / "60"), rejoined below
                continue
            if layout.is_furniture(stripped) or _NOT_TITLE_LINE.search(stripped):
                continue
            md = _MD_HEADING.match(stripped)
            if md:
                return _plain(md.group(2))[:max_chars]
            if len(stripped) > 70 or (_SENTENCE_END.search(stripped) and len(stripped) > 40):
                break
            parts.append(_plain(stripped))
            if len(parts) >= 4 or len(" ".join(parts)) >= max_chars:
                break
        title = _join_title(parts)
        if len(re.findall(r"[A-Za-z\u0e01-\u0e2e]", title)) >= 6:
            return title[:max_chars].strip()
        if any(ln.strip() for ln in page.text.splitlines()) and len(page.text.strip()) > 200:
            return ""
    return ""


def _join_title(parts: list[str]) -> str:
    """Title lines joined with spaces; digit fragments split by the layout ("25", "60") rejoined."""
    out = ""
    for part in parts:
        if out and re.fullmatch(rf"{DIGIT}{{1,4}}", part) and re.search(rf"{DIGIT}$", out):
            out += part
        else:
            out = f"{out} {part}".strip()
    return out
