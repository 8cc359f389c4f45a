"""Sections of an MOU found by what their headings mean, their items, and the cooperation areas.

Usage:
    >>> from assistant.mou.sections import HeadingClassifier, find_areas
    >>> lines = lines_of([(1, "ข้อ 2 ขอบข่ายความร่วมมือ\\n2.1 การอบรมครู\\n2.2 การนิเทศ\\nข้อ 3 ระยะเวลา")])
    >>> find_areas(lines, HeadingClassifier()).value
    ['การอบรมครู', 'การนิเทศ']

A heading is a numbered clause ("ข้อ 3", "หมวด 2", "Article 1 –", "Section 2.", "3.", "IV.") or a
short line standing alone. Its concept (areas, duties, term, termination or other) comes from
the phrases in ``concepts.yaml``: a heading holding one is that concept; any other heading is
compared with all of them by the e5 model (:class:`ingest.embeddings.Embedder`, loaded lazily
by whoever passes it) and takes the nearest concept when it is near enough and clearly nearer
than the next one. Without a model only the phrases are used. A section ends at the next heading
or where the signature block (or the closing formula before it: "IN WITNESS …", "(ลงชื่อ)") begins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.mou.records import FieldValue
from assistant.mou.text import (
    Line,
    clean,
    concepts,
    display_width,
    is_ocr_noise,
    is_organisation,
    is_signature_line,
    names_all_parties,
    skeleton,
)

HEADING_MIN_SIMILARITY = 0.88
"""The least e5 cosine between a numbered heading and a concept phrase for it to take that concept
(measured on the dev half: true headings 0.88–0.98, stray lines such as "A)" or "เดือนละ 1 ครั้ง" 0.86–0.90)."""
HEADING_MIN_MARGIN = 0.02
"""How much nearer the best concept must be than the next one (else the heading is left unclassified)."""
UNNUMBERED_EXTRA = (0.05, 0.01)
"""What a short line without a clause number needs on top (similarity, margin): it may be any line."""

CLAUSE_TH = r"ข้อ(?:ตกลง)?\s*(?:ที่)?"
"""A Thai clause word before its number: "ข้อ 3", "ข้อที่ 3", "ข้อตกลงที่ 3"."""
_CLAUSE = re.compile(
    rf"^\s*(?:#{{1,6}}\s*)?(?:\*\*)?\s*(?:(?:{CLAUSE_TH}|หมวด(?:ที่)?|ส่วนที่|clause|article|section|part)\s*\(?(?:\d{{1,2}}|[IVX]{{1,5}})"
    r"(?![.\d]\d)\)?[.:)]?|(?:\d{1,2}|[IVX]{1,5})[.)](?!\d)|#{1,6})\s*[-–—.:]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
_CLAUSE_WORD = re.compile(
    rf"(?:{CLAUSE_TH}|หมวด|ส่วนที่|clause|article|section|part)\s*(?:\d|[IVX])", re.IGNORECASE
)
_DOCUMENT_TITLE = re.compile(r"(?:บันทึก(?:ข้อตกลง|ความ)|หนังสือแสดง|memorandum|letter\s+of)", re.IGNORECASE)
_SUB_NUMBER = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.?\s+")
ITEM = re.compile(
    r"^\s*(?:\d{1,2}(?:\.\d{1,2})+\.?|\(?\d{1,2}[.)]|\(\d{1,2}\)|[-•*●▪]|\(?[a-hก-ฮ][.)]|\([ivx]{1,4}\)|[A-H][.,)]"
    r"|(?:ด?้?าน|ประการ|กิจกรรม)ที่\s*\d{1,2}[.:)]?)\s+(?P<text>\S.*)$"
)
"""An item's marker: "2.1", "3)", "(4)", "-", "(ก)", "b.", "(ii)", or a Thai ordinal ("ด้านที่ 2",
"ประการที่ 3"; OCR may lose the "ด้" of "ด้านที่")."""
_ROW_NUMBER = re.compile(r"^\s*(?P<n>\d{1,2})\s+(?=[^\d\s])")
"""A table row as the text layer gives it: the row's number, a space and its cells
("2 หน่วยทันตกรรม … ภาคเรียนละครั้ง")."""
_INLINE_ITEM = re.compile(r"(?:^|\s)(?:\(?[a-hก-ฮ]\)|\(\d{1,2}\)|\(?[b-h]\)|\d{1,2}\))\s+")
_LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z&/' -]{2,60}?)\s*:\s*(?!//)\S")
_LEAD_IN_END = re.compile(r"(?:ดังนี้|ต่อไปนี้|as\s+follows|the\s+following)\s*[:：]?\s*$|:\s*$", re.IGNORECASE)
_AREA_LEAD_IN = re.compile(
    r"(?:ร่วมมือ|ร่วมกัน|ดำเนินการ|collaborat|co-?operat|activit).{0,80}(?:ดังนี้|ต่อไปนี้|as\s+follows|following)"
    r"\s*[:：]?|(?:the\s+)?following\s+(?:areas|fields|activities)\b"
    r"|(?:co-?operat|collaborat|ร่วมมือ)\w*[^.:：]{0,60}[:：]\s*$",
    re.IGNORECASE,
)
_BARE_MARKER = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-hก-ฮ][.)]|[-•*●▪])\s*$")
"""An item's number alone on its line (scans and two-column layouts put it apart from its text)."""
DUTY_OF = re.compile(
    rf"^\s*(?:(?:{CLAUSE_TH}|clause|article|section)\s*(?:\d{{1,2}}|[IVX]{{1,5}})\s*[.:)]?\s*[-–—]?\s*|\d{{1,2}}[.)]\s+)?"
    r"(?:[ก-ฮa-z][.)]\s*)?(?:\d{1,2}\.\d{1,2}\.?\s*)?(?:หน้าที่|บทบาท|ภารกิจ|ความรับผิดชอบ|ภาระหน้าที่|"
    r"(?:roles?|responsibilit\w*|dut\w*|obligations?|undertakings?|commitments?)\s+of)\s*(?:และความรับผิดชอบ)?"
    r"\s*(?:ของ)?\s*(?:the\s+)?"
    r"(?P<who>\S.{1,70}?)\s*:?\s*$",
    re.IGNORECASE,
)


@dataclass
class Heading:
    """A heading line: where it is, its title text, its concept and whether it is a numbered clause."""

    index: int
    title: str
    numbered: bool
    concept: str | None = None
    how: str = ""


@dataclass
class HeadingClassifier:
    """Gives a heading its concept: the phrases of ``concepts.yaml`` first, then the e5 model."""

    embedder: Any = None
    min_similarity: float = HEADING_MIN_SIMILARITY
    min_margin: float = HEADING_MIN_MARGIN
    _phrase_vectors: Any = field(default=None, repr=False)
    _phrase_concepts: list[str] = field(default_factory=list, repr=False)

    def by_phrase(self, title: str, at_start: bool = False) -> str | None:
        """The concept whose phrase appears earliest in the title (``at_start``: opens it), else None."""
        lowered = title.lower()
        bare = skeleton(lowered)
        best: tuple[int, int, str] | None = None
        for concept, phrases in concepts().headings.items():
            for phrase in phrases:
                p = phrase.lower()
                pattern = rf"\b{re.escape(p)}\b" if p.isascii() else re.escape(p)
                m = re.search(pattern, lowered)
                if m is None and not p.isascii() and len(skeleton(p)) >= 4:
                    m = re.search(re.escape(skeleton(p)), bare)  # OCR dropped or swapped a mark
                if m and (best is None or (m.start(), -len(p)) < (best[0], best[1])):
                    best = (m.start(), -len(p), concept)
        if best and at_start and best[0] > 4:
            return None
        return best[2] if best else None

    def classify(
        self, titles: Sequence[str], numbered: Sequence[bool] | None = None
    ) -> list[tuple[str | None, str]]:
        """(concept, how) for every title: ``phrase``, ``e5`` or ``""`` (unclassified)."""
        out: list[tuple[str | None, str]] = []
        pending: list[int] = []
        flags = list(numbered) if numbered is not None else [True] * len(titles)
        for i, title in enumerate(titles):
            concept = self.by_phrase(title)
            out.append((concept, "phrase" if concept else ""))
            if concept is None and self.embedder is not None and 2 <= len(title) <= 80:
                pending.append(i)
        if pending:
            found_all = self._nearest([titles[i] for i in pending], [flags[i] for i in pending])
            for i, found in zip(pending, found_all, strict=True):
                if found:
                    out[i] = (found, "e5")
        return out

    def _nearest(self, titles: list[str], numbered: list[bool]) -> list[str | None]:
        import numpy as np

        if self._phrase_vectors is None:
            pairs = [(c, p) for c, phrases in concepts().headings.items() for p in phrases]
            self._phrase_concepts = [c for c, _ in pairs]
            self._phrase_vectors = np.asarray(
                self.embedder.embed_queries([p for _, p in pairs]), dtype=np.float32
            )
        vectors = np.asarray(self.embedder.embed_queries(titles), dtype=np.float32)
        sims = vectors @ self._phrase_vectors.T
        result: list[str | None] = []
        for row, is_numbered in zip(sims, numbered, strict=True):
            need, margin = self.min_similarity, self.min_margin
            if not is_numbered:
                need, margin = need + UNNUMBERED_EXTRA[0], margin + UNNUMBERED_EXTRA[1]
            best: dict[str, float] = {}
            for concept, sim in zip(self._phrase_concepts, row, strict=True):
                best[concept] = max(best.get(concept, -1.0), float(sim))
            ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
            top, second = ranked[0], ranked[1] if len(ranked) > 1 else ("", -1.0)
            ok = top[1] >= need and top[1] - second[1] >= margin and top[0] != "other"
            result.append(top[0] if ok else None)
        return result


def title_of(text: str) -> tuple[str, bool] | None:
    """(title, numbered) when the line reads as a heading, else None."""
    stripped = text.replace("**", "").strip()
    level = len(stripped) - len(stripped.lstrip("#"))
    if level >= 3:
        return None  # "### 3.1 โรงเรียน": a sub-heading inside a section
    if level:
        stripped = stripped.lstrip("#").strip()
    if not stripped or len(stripped) > 120 or _SUB_NUMBER.match(stripped):
        return None
    m = _CLAUSE.match(stripped)
    if m and (m.group("title") or re.match(r"\s*(?:ข้อ|หมวด|clause|article|section)", stripped, re.I)):
        title = m.group("title").strip()
        # "1. Scope. The Parties will …": the title is what comes before the first full stop
        head = re.split(r"(?<=[a-z])\.\s+(?=[A-Z])", title, maxsplit=1)[0]
        if len(head) <= 70 and not head.endswith((",", ";")) and not re.search(r"\s(?:shall|will)\s", head):
            return head, True
        return None
    short_line = len(stripped) <= 45 and not stripped.endswith((".", ",", ";", ":"))
    if short_line and not ITEM.match(stripped) and not re.search(r"\d{3,}|\.{3,}|ลงชื่อ", stripped):
        return stripped, False
    return None


def headings(lines: Sequence[Line], classifier: HeadingClassifier) -> list[Heading]:
    """Every heading line with its concept; a clause number alone on its line takes the next line as title."""
    found: list[Heading] = []
    used_as_title = -1
    for i, line in enumerate(lines):
        if i == used_as_title:
            continue
        got = title_of(line.text)
        if got is None:
            continue
        title, numbered = got
        if numbered and not title and i + 1 < len(lines):
            title = lines[i + 1].text.strip()
            used_as_title = i + 1
        if _DOCUMENT_TITLE.match(title):
            continue
        found.append(Heading(i, clean(title), numbered))
    classified = classifier.classify([h.title for h in found], [h.numbered for h in found])
    for heading, (concept, how) in zip(found, classified, strict=True):
        heading.concept, heading.how = concept, how
        unmarked = not heading.numbered and not lines[heading.index].text.lstrip().startswith("#")
        if unmarked and how == "phrase" and not classifier.by_phrase(heading.title, at_start=True):
            # a short line that only mentions a concept ("สนับสนุนงบประมาณ…", a duty) is not its heading
            heading.concept, heading.how = None, ""
    kept = []
    for h in found:
        clause = bool(_CLAUSE_WORD.match(lines[h.index].text.replace("**", "").lstrip("# ")))
        if clause or lines[h.index].text.lstrip().startswith("#"):
            kept.append(h)  # "ข้อ 3", "Article 2", "## …": a heading whatever it means
        elif h.concept and not is_organisation(h.title):
            kept.append(h)  # "3." or a short line: a heading only when it means a concept
    return kept


_NUMBER_OF = re.compile(
    rf"^\s*(?:#{{1,6}}\s*)?(?:\*\*)?\s*(?:{CLAUSE_TH}\s*)?(?P<n>\d{{1,2}})(?:[.)]|\s)(?!\d)"
)


def _next_clause(lines: Sequence[Line], heading: Heading, end: int) -> int:
    """``end``, or the first line before it numbered as the clause after the heading's ("2." after
    "1. …", "ข้อ 4" after "ข้อ 3"): a clause that is a sentence ("2. X มีหน้าที่ …") is no heading
    but still ends the list of sub-items "1.1 … 1.3" above it."""
    m = _NUMBER_OF.match(lines[heading.index].text)
    if not m:
        return end
    n = int(m.group("n")) + 1
    following = re.compile(rf"^\s*(?:\*\*)?\s*(?:{CLAUSE_TH}\s*{n}(?!\d)|{n}[.)](?!\d))")
    for i in range(heading.index + 1, min(end, len(lines))):
        if following.match(lines[i].text):
            return i
    return end


def _section_end(lines: Sequence[Line], all_headings: list[Heading], heading: Heading) -> int:
    """Where a section's body ends: the next heading of its rank, the next clause, or the signature block."""
    end = len(lines)
    for other in all_headings:
        if other.index <= heading.index:
            continue
        if other.numbered == heading.numbered or other.numbered or other.concept:
            end = other.index
            break
    if heading.numbered:
        end = _next_clause(lines, heading, end)
    return signature_cut(lines, heading.index + 1, end)


def signature_cut(lines: Sequence[Line], start: int, end: int) -> int:
    """``end``, or the first line from ``start`` that opens the signature block, if earlier."""
    for i in range(start, min(end, len(lines))):
        if is_signature_line(lines[i].text):
            return i
    return end


def sections(
    lines: Sequence[Line], classifier: HeadingClassifier, concept: str
) -> list[tuple[int, int, Heading]]:
    """(body start, body end, heading) of every section of ``concept``, in order."""
    all_headings = headings(lines, classifier)
    out = []
    for h in all_headings:
        if h.concept == concept:
            start = h.index + 1
            if h.numbered and not _CLAUSE.match(lines[h.index].text.replace("**", "")).group("title"):
                start += 1  # the title was the next line
            out.append((start, _section_end(lines, all_headings, h), h))
    return out


def _wrapped(line: str, widest: int) -> bool:
    """Whether a line runs to the right margin (so the next line continues it)."""
    return widest > 0 and display_width(line) >= 0.82 * widest and not line.rstrip().endswith((".", ";", ":"))


def text_width(lines: Sequence[Line]) -> int:
    """How wide the document's text block is (set characters, :func:`display_width`): the width most
    full lines reach (the 90th percentile), so that an item is taken as wrapped only when it runs
    to the margin of the page, not when it is merely the widest line of a short list."""
    widths = sorted(display_width(ln.text) for ln in lines if ln.text.strip())
    return widths[int(0.9 * (len(widths) - 1))] if widths else 0


def items(lines: Sequence[Line], width: int = 0) -> list[tuple[str, int, str]]:
    """A section body's items: marked ones ("2.1", "(ก)", "a)", "-"), else its lines, wrapped lines joined.

    ``width``: the text block's width (:func:`text_width`) when known; a line that runs to it is
    wrapped (the next line continues it). OCR noise lines (specks, stamps) are left out.
    Returns (text, page, the item's first line).
    """
    body = table_rows([ln for ln in lines if ln.text.strip() and not is_ocr_noise(ln.text)])
    if not body:
        return []
    inline = _inline_sequence(body)
    if inline:
        return inline
    widest = max(width, max(display_width(ln.text) for ln in body))
    marked = sum(1 for ln in body if ITEM.match(ln.text.strip()) or len(_INLINE_ITEM.findall(ln.text)) >= 2)
    found: list[list[Any]] = []
    open_item = False
    after_marker = False
    for ln in body:
        text = ln.text.strip()
        if _BARE_MARKER.match(text):
            # "2)" alone: the next unmarked line starts an item (the number was set apart from it)
            open_item, after_marker = False, True
            continue
        if after_marker and not ITEM.match(text):
            after_marker = False
            found.append([text, ln.page, text])
            open_item = _wrapped(text, widest)
            continue
        after_marker = False
        if _LEAD_IN_END.search(text) and not ITEM.match(text):
            open_item = False
            continue
        pieces = _INLINE_ITEM.split(text)
        if len(pieces) >= 3:
            for piece in pieces[1:]:
                if piece.strip():
                    found.append([piece.strip(), ln.page, text])
            open_item = _wrapped(text, widest)
            continue
        m = ITEM.match(text)
        if m:
            found.append([m.group("text"), ln.page, text])
            open_item = _wrapped(text, widest)
        elif marked and found and open_item:
            found[-1][0] += " " + text
            open_item = _wrapped(text, widest)
        elif not marked:
            if found and open_item:
                found[-1][0] += " " + text
            else:
                found.append([text, ln.page, text])
            open_item = _wrapped(text, widest)
        else:
            open_item = False
    return [(clean(t), p, raw) for t, p, raw in _semicolon_list(found) if len(clean(t)) >= 3]


def table_rows(body: list[Line]) -> list[Line]:
    """Lines with a table's numbered rows marked as items ("1 ตรวจสุขภาพ … มิถุนายน" → "1) ตรวจสุขภาพ …"):
    lines that open with a bare number count as rows when the numbers run 1, 2, 3 … down the body
    (a date or an amount opening a line does not run so); the header row above them is left unmarked."""
    rows = [(i, int(m.group("n"))) for i, ln in enumerate(body) if (m := _ROW_NUMBER.match(ln.text))]
    run = [i for k, (i, n) in enumerate(rows) if n == k + 1]
    if len(run) < 2 or any(ITEM.match(body[i].text) for i in run):
        return body
    out = list(body)
    for i in run:
        out[i] = Line(body[i].page, _ROW_NUMBER.sub(lambda m: f"{m.group('n')}) ", body[i].text, count=1))
    return out


def _semicolon_list(found: list[list[Any]]) -> list[list[Any]]:
    """A list punctuated with semicolons ends at its first item that does not end with one (its last,
    "… grade 11 students."): what follows is the next paragraph ("This letter expresses …")."""
    ends = [str(t).rstrip().endswith((";", "; and", "; or", "; และ")) for t, _, _ in found]
    for i in range(2, len(found)):
        if all(ends[:i]) and not ends[i]:
            return found[: i + 1]
    return found


_SEQUENCE_MARK = re.compile(r"(?:^|(?<=\s))\(?(?P<mark>[a-h]|ก|ข|ค|ง|จ|ฉ|\d{1,2}|[ivx]{1,4})\)\s+")
_SEQUENCES = ("abcdefgh", "กขคงจฉ")
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


def _inline_sequence(body: Sequence[Line]) -> list[tuple[str, int, str]] | None:
    """Items run together in a paragraph ("a) Rural internship … b) Design … c) …"): split at the
    markers when they run in order (a, b, c …; ก, ข, ค …; 1, 2, 3 …) and some stand inside a line."""
    text, starts = "", []
    for ln in body:
        starts.append((len(text), ln.page))
        text += ln.text.strip() + " "
    marks = list(_SEQUENCE_MARK.finditer(text))
    if len(marks) < 3 or all(any(m.start() == at for at, _ in starts) for m in marks):
        return None
    labels = [m.group("mark") for m in marks]
    in_order = labels in ([str(i) for i in range(1, len(labels) + 1)], _ROMAN[: len(labels)]) or any(
        "".join(labels) == seq[: len(labels)] for seq in _SEQUENCES
    )
    if not in_order:
        return None
    found = []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        piece = text[m.end() : nxt.start() if nxt else len(text)]
        piece = re.sub(r"[,;]?\s*(?:and|or|และ|หรือ)\s*$", "", piece.strip())  # "…, and (iii) …"
        page = max((pg for at, pg in starts if at <= m.start()), default=body[0].page)
        if len(clean(piece)) >= 3:
            found.append((clean(piece), page, clean(text[m.start() : m.start() + 160])))
    return found or None


def _labelled(
    found: list[tuple[str, int, str]], body: Sequence[Line] = ()
) -> list[tuple[str, int, str]] | None:
    """Items that open with a short label ("Curriculum Design: …"): the labels, when most items have one.

    A line of the body that opens with a label starts a labelled item of its own even when the
    item's number was set apart from it ("Skill Development Programs: …" with "5)" on the next
    line, as scans of two-column layouts read).
    """
    labels: list[tuple[str, int, str]] = []
    for text, page, raw in found:
        m = _LABEL.match(text)
        if m and len(m.group("label").split()) <= 6:
            labels.append((clean(m.group("label")), page, raw))
    if len(labels) < 2 or len(labels) < len(found) // 2:
        return None
    seen = {squash_label(label) for label, _, _ in labels}
    in_body = []
    for ln in body:
        text = ITEM.sub(r"\g<text>", ln.text.strip())
        m = _LABEL.match(text)
        if m and len(m.group("label").split()) <= 6:
            in_body.append((clean(m.group("label")), ln.page, ln.text.strip()))
    if {squash_label(label) for label, _, _ in in_body} >= seen and len(in_body) > len(labels):
        return in_body
    return labels


def squash_label(label: str) -> str:
    """A label for comparison: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", label.lower())


def short(text: str, limit: int = 120) -> str:
    """A value cut at a word boundary to about ``limit`` characters."""
    text = clean(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut if len(cut) >= limit // 2 else text[:limit]


def _ends_list(text: str, classifier: HeadingClassifier) -> bool:
    """Whether a line ends the list after a lead-in sentence: a clause ("ข้อ 3", "Article 2"), a short
    unnumbered heading, or a numbered line whose title names a field concept ("4. Duration"); a
    numbered item of the list itself ("1) Human Resource Sharing: …") does not."""
    got = title_of(text or "x")
    if got is None:
        return False
    title, numbered = got
    if not numbered or _CLAUSE_WORD.match(text.replace("**", "").lstrip("# ")):
        return True
    if _LABEL.match(title) or len(title) > 40:
        return False  # "2) Student Camps: a joint camp each term": an item, whatever words it holds
    return classifier.by_phrase(title) is not None


def _list_ends_at(lines: Sequence[Line], end: int, width: int, classifier: HeadingClassifier) -> bool:
    """Whether a lead-in's list ends at line ``end``: see :func:`_ends_list`; a short line after one that
    runs to the margin continues that item ("… ในกิจกรรมชุมนุมของ" / "โรงเรียน") unless it names a field
    concept (a heading); a blank line ends nothing."""
    if not lines[end].text.strip() or not _ends_list(lines[end].text, classifier):
        return False  # a blank line (OCR sets one between items) ends nothing
    previous = next((ln.text for ln in reversed(lines[:end]) if ln.text.strip()), "")
    got = title_of(lines[end].text)
    continuation = got is not None and not got[1] and classifier.by_phrase(got[0]) is None
    return not (continuation and ITEM.match(previous.strip()) and _wrapped(previous, width))


def _colon_list(line: Line) -> list[Line]:
    """Items written on the lead-in's own line after its colon, set apart by semicolons ("… the following
    activities: tide-pool trips; a summer camp; and teacher internships."), as item lines."""
    _, colon, rest = line.text.partition(":")
    pieces = rest.split(";") if colon else []
    parts = [re.sub(r"^\s*(?:and|or|และ|หรือ)\s+", "", p).strip(" .") for p in pieces]
    parts = [p for p in parts if len(p) >= 3]
    return [Line(line.page, f"- {p}") for p in parts] if len(parts) >= 3 else []


def _inline_first(body: Sequence[Line]) -> list[Line]:
    """A section's body, or the items on its first line when that line is a lead-in with its list after
    the colon ("Scope" / "The parties will cooperate on the following: a; b; and c.")."""
    first = next((ln for ln in body if ln.text.strip()), None)
    inline = _colon_list(first) if first is not None and _AREA_LEAD_IN.search(first.text) else []
    return inline or list(body)


def _one_party_lead(text: str) -> bool:
    """Whether a lead-in opens with one party as its subject (an organisation word, "ฝ่ายที่…", "Party A",
    "The College") and a duty verb: it leads into that party's duties, not the cooperation areas."""
    m = _CLAUSE.match(text.replace("**", ""))
    rest = (m.group("title") if m and m.group("title") else text).strip()
    if names_all_parties(rest):
        return False
    if not rest.isascii():
        starts = (*concepts().organisations_th, "ฝ่ายที่", "ภาคีที่")
        one = rest.startswith(starts)
        return one and bool(re.search(r"จะ|มีหน้าที่", rest[:60]))
    return bool(re.match(r"(?:the\s+)?(?:[A-Z][\w.&'-]*\s+){1,5}(?:shall|will|agrees|undertakes)\b", rest))


def _area_candidates(
    lines: Sequence[Line], classifier: HeadingClassifier, width: int
) -> list[tuple[list[Line], int, str, str]]:
    """(body, page, label, how) of every place areas may be listed: areas sections (those named outright
    first), then lead-in sentences with the list below them or on their own line."""
    found_sections = sections(lines, classifier, "areas")
    # a heading that names the concept outright goes before one matched by meaning
    found_sections.sort(key=lambda section: section[2].how != "phrase")
    candidates = [
        (
            _inline_first(lines[s:e]),
            lines[s - 1].page if s > 0 else lines[0].page,
            clean(lines[h.index].text),
            h.how,
        )
        for s, e, h in found_sections
    ]
    for i, line in enumerate(lines):
        if _AREA_LEAD_IN.search(line.text) or (
            i + 1 < len(lines)
            and _AREA_LEAD_IN.search(line.text + lines[i + 1].text)
            and _LEAD_IN_END.search(lines[i + 1].text)
        ):
            if _one_party_lead(line.text):
                continue  # "ข้อ 2 มหาวิทยาลัยจะดำเนินการ ดังนี้", "The College will:": a party's duties
            inline = _colon_list(line)
            end = i + 1
            while end < len(lines) and end - i < 25 and not _list_ends_at(lines, end, width, classifier):
                end += 1
            body = inline or list(lines[i + 1 : signature_cut(lines, i + 1, end)])
            candidates.append((body, line.page, clean(line.text), "lead-in"))
    return candidates


def find_areas(lines: Sequence[Line], classifier: HeadingClassifier) -> FieldValue | None:
    """Cooperation areas: the items of the first areas section that has some, else of a lead-in sentence."""
    if not lines:
        return None
    width = text_width(lines)
    for body, page, label, how in _area_candidates(lines, classifier, width):
        found = [(t, p, raw) for t, p, raw in items(body, width) if not DUTY_OF.match(t)]
        found = _labelled(found, body) or [(short(t), p, raw) for t, p, raw in found]
        if len(found) >= 2 or (found and how != "lead-in"):
            names = list(dict.fromkeys(t for t, _, _ in found))
            pages = list(dict.fromkeys([page] + [p for _, p, _ in found]))
            note = f" (heading matched by {how})" if how == "e5" else ""
            return FieldValue(names, page, f"{label} — {found[0][2][:160]}{note}", pages=pages)
    return None
