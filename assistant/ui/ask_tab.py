"""The Ask tab: a chat that streams cited answers, the citations as clickable sources, a backend line.

The answering itself is :class:`assistant.ask.Answerer`; this module only shows its
event stream (PASSAGES → SKELETON? → TOKEN* → FINAL, see :mod:`assistant.records` and
:func:`apply_event`):

* PASSAGES fills the source list as soon as retrieval is done;
* SKELETON (only when a model will write) shows the grounded extractive answer at once, with
  a note that the model is writing; the model's TOKEN draft is then kept aside;
* otherwise TOKEN events grow the answer bubble;
* FINAL replaces the shown text with the verified answer and its citations.

Answers are Markdown (a list answer is a numbered list). Each ``[n]`` is a clickable marker
(:func:`linked_answer`): the page's script (``HEAD``) hands the click to
:func:`picked_citation`, and the source panel (:func:`source_html`) shows that answer's
source n, the document's title and file, its page and section, and the whole passage with
the answer's sentences that cite it highlighted (:func:`highlight_passage`). A "not found"
answer carries no "check this answer" warning (:func:`is_refusal`).

Conversation turns live in a per-session ``gr.State`` as plain dicts; the last
``HISTORY_TURNS`` finished turns go to ``Answerer.stream`` as ``(question, answer)`` pairs.
The answerer, the index and the model are built on first use (page load warms them up).

Who asks, and where: each question comes from the request's principal (anonymous, or the
logged-in user, :mod:`assistant.ui.session`) in the workspace chosen in the selector; the
retriever is built by :func:`assistant.workspaces.scoped_retriever`, which refuses other
workspaces, and the question counts against the per-user rate limit
(:mod:`assistant.ratelimit`). Each finished turn is saved to the user's history
(:mod:`assistant.history`); the History accordion reopens earlier conversations.
"""

from __future__ import annotations

import contextlib
import html
import logging
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.records import Answer, AnswerEvent, Citation, EventKind
from assistant.services.ask import AskService
from assistant.ui.display import code_label, hide_paths, show_time
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.safe_text import plain_media
from assistant.ui.session import access_message, principal_from_request, workspace_selector
from assistant.ui.supersede import Superseder, until_stale
from assistant.workspaces import Principal, WorkspaceAccessError

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)

HISTORY_TURNS = 3
"""How many earlier question/answer pairs are passed to the answerer."""
CHAT_HEIGHT = 460

CSS = """
#chat a.cite { cursor: pointer; color: var(--color-accent) !important; font-weight: 600;
  text-decoration: none !important; border-radius: 4px; padding: 0 1px; white-space: nowrap; }
#chat a.cite:hover, #chat a.cite:focus-visible { background: var(--color-accent-soft);
  text-decoration: underline !important; outline: none; }
#chat .ask-writing { font-style: italic; opacity: 0.75; }
#chat ol { margin: 0.3em 0 0.3em 1.6em; padding-left: 0; }
#chat ol li { margin: 0.15em 0; }
#cite-pick { display: none !important; }
#source-panel .source-doc { line-height: 1.45; overflow-wrap: anywhere; }
#source-panel .source-n { font-weight: 600; color: var(--color-accent); margin-right: 0.2em; }
#source-panel .source-file { font-size: 0.85em; opacity: 0.7; margin-left: 0.35em; }
#source-panel .source-meta { font-size: 0.9em; opacity: 0.8; margin: 0.2em 0 0.5em; overflow-wrap: anywhere; }
#source-panel .source-ocr { display: inline-block; font-size: 0.85em; border: 1px solid currentColor;
  border-radius: 4px; padding: 0 0.35em; margin-left: 0.4em; opacity: 0.9; }
#source-panel blockquote.source-text { max-height: 420px; overflow-y: auto; overflow-wrap: anywhere; }
#source-panel mark { background: #fde68a; color: #1f2937; border-radius: 3px; padding: 0 2px;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
#source-panel mark.focus { background: #fbbf24; box-shadow: 0 0 0 2px #f59e0b; }
#citations label { overflow-wrap: anywhere; }
"""
"""The Ask tab's styles (added to the app's CSS by :func:`assistant.ui.app.launch`)."""

HEAD = r"""
<script>
/* Ask tab: a [n] in an answer opens that answer's source n in the source panel. Gradio keeps
   no script in Markdown, so one listener on the document handles every marker: it writes
   "turn:n:line:nonce" into the hidden #cite-pick box, whose change event runs pick_citation. */
(() => {
  if (window.edunetCite) return;
  window.edunetCite = { picked: 0 };
  const pick = (marker) => {
    const box = document.querySelector("#cite-pick textarea, #cite-pick input");
    const name = [...marker.classList].find((c) => /^cite-\d+-\d+(-\d+)?$/.test(c));
    if (!box || !name) return;
    const [, turn, n, line] = name.split("-");
    box.value = `${turn}:${n}:${line ?? ""}:${Date.now()}`;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    window.edunetCite.picked = Date.now();
  };
  const markerOf = (event) =>
    event.target instanceof Element ? event.target.closest("#chat a.cite") : null;
  document.addEventListener("click", (event) => {
    const marker = markerOf(event);
    if (!marker) return;
    event.preventDefault();
    event.stopPropagation();
    pick(marker);
  }, true);
  document.addEventListener("keydown", (event) => {
    const marker = markerOf(event);
    if (!marker || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    pick(marker);
  }, true);
  // a newly shown passage scrolls to its first highlight; after a click on a marker the panel
  // itself is scrolled into view
  const shown = new WeakSet();
  new MutationObserver(() => {
    const card = document.querySelector("#source-panel .source-card");
    if (!card || shown.has(card)) return;
    shown.add(card);
    const text = card.querySelector(".source-text");
    const mark = card.querySelector("mark.focus") || card.querySelector("mark");
    if (text && mark) {
      const offset = mark.getBoundingClientRect().top - text.getBoundingClientRect().top;
      text.scrollTop += offset - text.clientHeight / 4;
    }
    if (Date.now() - window.edunetCite.picked < 5000) {
      window.edunetCite.picked = 0;
      document.getElementById("source-panel")?.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  // the chat's copy button copies a message's Markdown: leave the markers' HTML out of it
  const clip = navigator.clipboard;
  if (clip && clip.writeText) {
    const write = clip.writeText.bind(clip);
    clip.writeText = (text) => write(typeof text === "string" && text.includes('class="cite ')
      ? text.replace(/<a class="cite[^"]*"[^>]*>(\[\d+\])<\/a>/g, "$1").replace(/<\/?(sub|span)[^>]*>/g, "")
          .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")
      : text);
  }
})();
</script>
"""
"""The Ask tab's script (put in the page's head by :func:`assistant.ui.app.launch`)."""


# ---------------------------------------------------------------- rendering (pure functions)


def status_text(labels: Labels, lang: str, service: AskService, answer: Answer | None = None) -> str:
    """The backend line: which LLM backend answers, and why it fell back to ``none`` when it did."""
    status = service.status

    def named(code: str) -> str:
        return code_label(labels, lang, "backend", code)

    if service.error and status is None:
        return labels.text("ask.status_error", lang, reason=hide_paths(service.error))
    if status is None:
        return labels.text("ask.status_pending", lang, backend=named(str(service.settings.backend)))
    if answer is not None and answer.backend == "none" and status.backend != "none":
        down = [n for n in answer.notes if n.startswith("backend")]
        if down or not status.ok:
            reason = hide_paths("; ".join(down) or status.message)
            return labels.text("ask.status_fallback", lang, requested=named(status.backend), reason=reason)
        # the model answered, but its answer was not kept: the grounded extractive one is shown
        return labels.text("ask.status_quoted", lang, backend=named(status.backend))
    if status.backend == "none":
        if status.requested == "none":
            return labels.text("ask.status_none", lang)
        reason = hide_paths(status.message)
        return labels.text("ask.status_fallback", lang, requested=named(status.requested), reason=reason)
    ok = labels.text("ask.status_ok", lang, backend=named(status.backend))
    return f"{ok} — {hide_paths(status.message)}"


def citation_choice(labels: Labels, lang: str, c: dict) -> tuple[str, str]:
    """A citation as a radio choice: ``("[2] Document title — file.pdf · page 4", "2")``.

    The document's title comes first; the file name follows it (alone when there is no title).
    """
    page = f"{labels.text('ask.page', lang)} {c['page']}"
    return f"[{c['n']}] {_document_name(c)} · {page}", str(c["n"])


def _document_name(c: dict) -> str:
    """``title — source``, or just the source when the title is missing or the same."""
    title = " ".join(str(c.get("title") or "").split())
    source = str(c.get("source") or "")
    return f"{title} — {source}" if title and title != source else source


def source_html(labels: Labels, lang: str, c: dict | None, focus: str = "") -> str:
    """The source panel for one citation: title, file, page, section trail, the passage highlighted.

    A passage from a page read by OCR (``ocr``) carries a label saying its text came from a scan.
    Everything from the document is escaped (it is untrusted text); the answer's sentences
    that cite the passage (``quotes``) are wrapped in ``<mark>`` by :func:`highlight_passage`,
    and ``focus`` (the answer line whose marker was clicked) in ``<mark class="focus">``.
    """
    if c is None:
        return f'<div class="source-empty">{html.escape(labels.text("ask.source_empty", lang))}</div>'
    n = int(c["n"])
    source = str(c.get("source") or "")
    title = " ".join(str(c.get("title") or "").split())
    head = [f'<span class="source-n">[{n}]</span>']
    if title and title != source:
        head.append(f'<strong class="source-title">{html.escape(title)}</strong>')
        head.append(f'<span class="source-file">{html.escape(source)}</span>')
    else:
        head.append(f'<strong class="source-title source-file-only">{html.escape(source)}</strong>')
    meta = [f"{labels.text('ask.page', lang)} {c['page']}"]
    if c.get("section"):
        meta.append(f"{labels.text('ask.section', lang)}: {c['section']}")
    scan = ""
    if c.get("ocr"):
        scan = f' <span class="source-ocr">{html.escape(labels.text("ask.source_ocr", lang))}</span>'
    passage = highlight_passage(c.get("text") or "", c.get("quotes") or (), focus)
    return (
        f'<div class="source-card" data-n="{n}">'
        f'<div class="source-doc">{" ".join(head)}</div>'
        f'<div class="source-meta">{html.escape(" · ".join(meta))}{scan}</div>'
        f'<blockquote class="source-text">{passage}</blockquote></div>'
    )


# -- finding the answer's sentences in a passage

_CITE = re.compile(r"\[\s*(\d{1,3}(?:\s*[-–,;]\s*\d{1,3})*)\s*\]")
"""An inline citation marker as the answer writes it: ``[1]``, ``[1, 2]``, ``[1-3]``."""
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,3}[.)]|#{1,6})\s+")
_IGNORED = frozenset("*_`")
"""Markdown emphasis marks: ignored (with whitespace) when a quote is looked for in a passage."""
_UNIT_BREAK = re.compile(r"(?<=[.!?;:。])\s+|(?<=[\u0e00-\u0e7f])\s+(?=[\u0e00-\u0e7f])")
"""Where a line splits into sentence-like units: after end punctuation, or a space between Thai words."""
_PART_BREAK = re.compile(r"\s+[—–]\s+|:\s+")
MIN_OVERLAP = 0.35
"""An unmatched quote highlights the passage stretch most like it only from this trigram F1 on."""
MAX_WINDOW = 12
"""At most this many consecutive units make one highlighted stretch (fallback matching)."""


def cite_numbers(marker: str) -> list[int]:
    """The numbers inside one marker's brackets: "1, 2" → [1, 2]; "2-4" → [2, 3, 4]."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", marker.strip()):
        bounds = [int(b) for b in re.split(r"\s*[-–]\s*", part) if b.strip().isdigit()]
        if not bounds:
            continue
        low, high = bounds[0], bounds[-1]
        numbers.extend(range(low, high + 1) if 0 <= high - low <= 20 else [low])
    return list(dict.fromkeys(numbers))


_HEADING = re.compile(r"^#{1,6}\s+")
_LIST_MARK = re.compile(r"^[-*+•·▪●]\s+")
_BLOCK_START = re.compile(r"^(?:#{1,6}\s|[-*+•·▪●]\s|\(?[\d๐-๙]{1,3}[.)]\s|[|>])")
"""A line that starts its own block (heading, bullet, numbered item, table row, quote): never joined."""
REFLOW_RATIO = 0.6
"""A line at least this share of the passage's longest line was wrapped: the next line continues it."""


def passage_lines(text: str) -> list[tuple[str, bool]]:
    """A passage as shown: ``(line, is_heading)`` pairs.

    Markdown is made plain (heading marks dropped, bold marks removed, bullets as "•"), lines
    that were wrapped are joined again, and runs of blank lines become one.
    """
    raw = [line.strip() for line in (text or "").strip().splitlines()]
    width = max((len(line) for line in raw), default=0)
    out: list[tuple[str, bool]] = []
    wrapped = False  # the previous line was long: it was wrapped, this one continues it
    for line in raw:
        if not line:
            if out and out[-1][0]:
                out.append(("", False))
            wrapped = False
            continue
        heading = bool(_HEADING.match(line))
        shown = _LIST_MARK.sub("• ", _HEADING.sub("", line)).replace("**", "")
        if wrapped and out and out[-1][0] and not out[-1][1] and not heading and not _BLOCK_START.match(line):
            out[-1] = (f"{out[-1][0]} {shown}", False)
            continue
        if heading and out and out[-1][0]:
            out.append(("", False))  # a heading stands apart from the paragraph above it
        out.append((shown, heading))
        wrapped = not heading and width >= 40 and len(line) >= REFLOW_RATIO * width
    while out and not out[-1][0]:
        out.pop()
    return out


def passage_text(text: str) -> str:
    """A passage as plain text, as shown in the source panel (see :func:`passage_lines`)."""
    return "\n".join(line for line, _ in passage_lines(text))


def plain_quote(quote: str) -> str:
    """A quote as plain text: markers, leading bullets or numbers (``1. 1.``), and emphasis marks removed."""
    text = _BULLET.sub("", _BULLET.sub("", _CITE.sub(" ", str(quote or ""))))
    return " ".join(text.replace("**", "").split())


def _squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace and emphasis marks, case-folded, and each kept character's index."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace() or ch in _IGNORED:
            continue
        chars.append(ch.casefold()[:1] or ch)
        index.append(i)
    return "".join(chars), index


def _trigrams(squeezed: str) -> set[str]:
    if len(squeezed) < 3:
        return {squeezed} if squeezed else set()
    return {squeezed[i : i + 3] for i in range(len(squeezed) - 2)}


def _units(text: str) -> list[list[tuple[int, int]]]:
    """The sentence-like units of each line of ``text``, as ``(start, end)`` spans, line by line."""
    lines: list[list[tuple[int, int]]] = []
    offset = 0
    for line in text.split("\n"):
        spans: list[tuple[int, int]] = []
        start = 0
        for brk in _UNIT_BREAK.finditer(line):
            if brk.start() > start:
                spans.append((offset + start, offset + brk.start()))
            start = brk.end()
        if len(line) > start:
            spans.append((offset + start, offset + len(line)))
        if spans:
            lines.append(spans)
        offset += len(line) + 1
    return lines


MIN_PART = 12
"""A part of a quote (split at a dash or colon) is looked for alone from this many letters on."""
NEAR_PART = 4
"""Shorter parts (from this many letters) are highlighted only close to the quote's longest part."""
NEAR = 300
"""How close (in letters) "close" is."""


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Where ``quote`` is in ``text``: ``(start, end)`` spans, matched loosely; empty when nowhere.

    Whitespace and emphasis marks are ignored. First the whole quote; else its parts (split
    at a dash or colon): the longest part found anchors it, and the other parts are taken
    where they occur close to it; else the stretch of consecutive sentences of one line that
    shares most character trigrams with the quote (at least :data:`MIN_OVERLAP`).
    """
    wanted = plain_quote(quote)
    squeezed, index = _squeeze(text)
    if not wanted or not squeezed:
        return []

    def span(at: int, size: int) -> tuple[int, int]:
        return index[at], index[at + size - 1] + 1

    needle, _ = _squeeze(wanted)
    at = squeezed.find(needle)
    if needle and at >= 0:
        return [span(at, len(needle))]
    parts = [_squeeze(p)[0] for p in _PART_BREAK.split(wanted)]
    parts = sorted({p for p in parts if len(p) >= NEAR_PART}, key=len, reverse=True)
    anchor = next(
        ((p, squeezed.find(p)) for p in parts if len(p) >= MIN_PART and squeezed.find(p) >= 0), None
    )
    if anchor is None:
        found = _best_overlap(text, wanted)
        return [found] if found else []
    first, where = anchor
    spans = [span(where, len(first))]
    low, high = max(0, where - NEAR), where + len(first) + NEAR
    for part in parts:
        if part == first:
            continue
        hits = [m.start() for m in re.finditer(re.escape(part), squeezed[low:high])]
        if hits:
            near = min(hits, key=lambda h: abs(low + h - where))
            spans.append(span(low + near, len(part)))
    return spans


@lru_cache(maxsize=16)
def _unit_table(text: str) -> tuple[tuple[tuple[tuple[int, int], ...], tuple[str, ...]], ...]:
    """Per line of ``text``: its units' spans and their squeezed texts (kept for the next quote)."""
    return tuple((tuple(spans), tuple(_squeeze(text[a:b])[0] for a, b in spans)) for spans in _units(text))


def _best_overlap(text: str, quote: str) -> tuple[int, int] | None:
    """The stretch of consecutive units of one line most like ``quote`` (trigram F1), if like enough.

    Each window grows one unit at a time, its trigrams and the count shared with the quote
    updated as it grows: linear in the passage's length times :data:`MAX_WINDOW`.
    """
    target = _trigrams(_squeeze(quote)[0])
    if not target:
        return None
    best: tuple[float, tuple[int, int]] | None = None
    for spans, squeezed in _unit_table(text):
        for a in range(len(spans)):
            joined = ""
            grams: set[str] = set()
            shared = 0
            for b in range(a, min(len(spans), a + MAX_WINDOW)):
                tail = joined[-2:] + squeezed[b]
                joined += squeezed[b]
                fresh = _trigrams(tail) if len(joined) >= 3 else ({joined} if joined else set())
                fresh -= grams
                grams |= fresh
                shared += len(fresh & target)
                if not grams:
                    continue
                score = 2 * shared / (len(grams) + len(target))
                if best is None or score > best[0]:
                    best = (score, (spans[a][0], spans[b][1]))
    return best[1] if best is not None and best[0] >= MIN_OVERLAP else None


def _merge(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted and joined where they overlap or only whitespace and punctuation lie between."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and not text[merged[-1][1] : start].strip(" \t\n:;,.*•-—–"):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


_MARK_OPEN = {1: "<mark>", 2: '<mark class="focus">'}


def highlight_passage(text: str, quotes: Iterable[str] = (), focus: str = "") -> str:
    """The passage as escaped HTML: headings bold, each quote found in it in ``<mark>``.

    ``focus`` (one quote, e.g. the list item whose marker was clicked) is marked
    ``<mark class="focus">``. Never raises: a quote that cannot be placed is not marked.
    """
    lines = passage_lines(text)
    shown = "\n".join(line for line, _ in lines)
    level = [0] * len(shown)  # per character: 0 plain, 1 a quote, 2 the focus
    for value, quote in [*((1, q) for q in quotes or ()), *([(2, focus)] if focus else [])]:
        try:
            found = find_quote(shown, str(quote))
        except Exception:  # a highlight is a nicety: a quote that cannot be placed is skipped
            log.exception("could not place a quote in its passage")
            continue
        for a, b in _merge(shown, found):
            for i in range(a, min(b, len(shown))):
                level[i] = max(level[i], value)
    out: list[str] = []
    offset = 0
    for line, heading in lines:
        parts: list[str] = []
        start = 0
        while start < len(line):  # runs of one level; a highlight over several lines is one per line
            value = level[offset + start]
            end = start + 1
            while end < len(line) and level[offset + end] == value:
                end += 1
            piece = html.escape(line[start:end])
            parts.append(piece if value == 0 else f"{_MARK_OPEN[value]}{piece}</mark>")
            start = end
        body = "".join(parts)
        out.append(f'<strong class="source-heading">{body}</strong>' if heading and body else body)
        offset += len(line) + 1
    return "\n".join(out)


def derive_quotes(text: str) -> dict[int, list[str]]:
    """The lines of an answer that cite each number (markers and bullets removed): quotes to highlight."""
    quotes: dict[int, list[str]] = {}
    for line in (text or "").splitlines():
        numbers = [n for m in _CITE.finditer(line) for n in cite_numbers(m.group(1))]
        quote = plain_quote(line)
        if quote:
            for n in dict.fromkeys(numbers):
                quotes.setdefault(n, []).append(quote)
    return quotes


def with_quotes(citations: Iterable[dict], answer: str) -> list[dict]:
    """The citations, each without ``quotes`` given the lines of ``answer`` that cite it."""
    derived = derive_quotes(answer)
    out = []
    for c in citations:
        if not c.get("quotes") and derived.get(int(c["n"])):
            c = {**c, "quotes": derived[int(c["n"])]}
        out.append(c)
    return out


# -- the chat


def linked_answer(
    labels: Labels, lang: str, text: str, turn: int, known: Iterable[int], lines: bool = True
) -> str:
    """An answer as chat Markdown: HTML escaped, each ``[n]`` of a known citation a clickable marker.

    Markdown (numbered lists, emphasis, line breaks) is left as it is; only ``&``, ``<`` and
    ``>`` are escaped, so a document's text cannot inject HTML. A marker ``[1, 2]`` becomes
    two markers ``[1][2]``; a number without a citation stays plain text. A marker is
    ``<a class="cite cite-T-N-L">``: turn T, citation N, line L of the answer (the chat's
    sanitizer drops ``data-*`` attributes, classes stay); ``lines=False`` leaves L out.
    """
    numbers = {int(n) for n in known}
    hint = html.escape(labels.text("ask.cite_hint", lang), quote=True)

    def linked(line: str, where: str) -> str:
        def one(match: re.Match[str]) -> str:
            found = cite_numbers(match.group(1))
            if not found or not any(n in numbers for n in found):
                return match.group(0)
            return "".join(
                f'<a class="cite cite-{int(turn)}-{n}{where}" role="button" tabindex="0" title="{hint}">'
                f"[{n}]</a>"
                if n in numbers
                else f"[{n}]"
                for n in found
            )

        return _CITE.sub(one, _tidy_item(line))

    escaped = plain_media(html.escape(text or "", quote=False)).split("\n")  # no remote images, no links
    return "\n".join(linked(line, f"-{i}" if lines else "") for i, line in enumerate(escaped))


_NESTED_NUMBER = re.compile(r"^(\s*\d{1,3}[.)]\s+)(\d{1,3})([.)])(\s+)")


def _tidy_item(line: str) -> str:
    """A numbered item whose text starts with a number too (``1. 1. Vision``): shown once.

    Markdown would make ``1. 1.`` a list inside the list; the same number is dropped, another
    one is kept as text (``1. 4. …`` → ``1. 4\\. …``).
    """
    match = _NESTED_NUMBER.match(line)
    if not match:
        return line
    outer = re.sub(r"\D", "", match.group(1))
    if match.group(2) == outer:
        return match.group(1) + line[match.end() :]
    return f"{match.group(1)}{match.group(2)}\\{match.group(3)}{match.group(4)}{line[match.end() :]}"


def _short_title(c: dict) -> str:
    """A citation's document for the compact list under an answer: its title, else its file name."""
    return " ".join(str(c.get("title") or c.get("source") or "").split())


def is_refusal(turn: dict) -> bool:
    """A "not found in your documents" turn (older saved turns have no kind: no citations then)."""
    if turn.get("kind"):
        return turn["kind"] == "not-found"
    return turn.get("grounded") is False and not turn.get("citations")


def bubble(labels: Labels, lang: str, turn: dict, index: int = 0) -> str:
    """The assistant's chat bubble: the answer (markers clickable), its notices, a compact source list.

    ``index`` is the turn's place in the conversation: a marker names it, so that clicking
    ``[2]`` in an earlier answer shows that answer's source [2].
    """
    cited = turn.get("citations") or []
    known = [int(c["n"]) for c in cited]
    text = turn.get("answer") or ""
    parts = [linked_answer(labels, lang, text, index, known) if text else labels.text("ask.thinking", lang)]
    if turn.get("writing") and not turn.get("done"):
        writing = html.escape(labels.text("ask.model_writing", lang))
        parts.append(f'<span class="ask-writing">{writing}</span>')
    if turn.get("error"):
        parts.append(f"⚠ {html.escape(turn['error'], quote=False)}")
    # the warning is for answers: a "not found" answer already says that nothing supports it
    if turn.get("done") and turn.get("grounded") is False and not turn.get("error") and not is_refusal(turn):
        parts.append(f"_{labels.text('ask.not_grounded', lang)}_")
    if turn.get("done") and cited:
        page = labels.text("ask.page", lang)
        items = " · ".join(
            f"{linked_answer(labels, lang, '[' + str(c['n']) + ']', index, known, lines=False)} "
            f"{html.escape(_short_title(c), quote=False)} ({page} {c['page']})"
            for c in cited
        )
        parts.append(f"<sub>**{labels.text('ask.sources', lang)}:** {items}</sub>")
    return "\n\n".join(parts)


def chat_messages(labels: Labels, lang: str, turns: list[dict]) -> list[dict]:
    """The chatbot's value (messages format) for the conversation so far."""
    messages: list[dict] = []
    for i, turn in enumerate(turns):
        messages.append({"role": "user", "content": html.escape(turn["question"], quote=False)})
        messages.append({"role": "assistant", "content": bubble(labels, lang, turn, i)})
    return messages


def apply_event(turn: dict, event: AnswerEvent) -> bool:
    """Fold one PASSAGES, SKELETON or TOKEN event into the turn; True when the screen should update.

    * PASSAGES: the numbered passages (the source list fills before the answer comes);
    * SKELETON: the grounded answer, complete and cited, shown at once with a note that the
      model is writing its own;
    * TOKEN: a piece of the answer, appended; after a SKELETON it is the model's draft, which is
      kept aside (unverified; FINAL decides what is shown) and does not update the screen.
    """
    if event.kind == EventKind.PASSAGES:
        turn["citations"] = [_as_dict(c) for c in event.citations]
        return True
    if event.kind == EventKind.SKELETON:
        turn.update(answer=event.text, writing=True)
        turn["citations"] = with_quotes(turn.get("citations") or [], event.text)
        return True
    if event.kind == EventKind.TOKEN:
        if turn.get("writing"):
            turn["draft"] = turn.get("draft", "") + event.text
            return False
        turn["answer"] = turn.get("answer", "") + event.text
        return True
    return False


def finish_turn(turn: dict, final: Answer | None) -> dict:
    """The turn once answered: FINAL's text and citations (with quotes) replace what was shown."""
    if final is not None:
        turn["answer"] = final.text
        turn["citations"] = with_quotes([_as_dict(c) for c in final.citations], final.text)
        turn["grounded"] = final.grounded
        turn["kind"] = final.kind or ("not-found" if final.refused else "")
        turn["unsupported"] = list(final.unsupported)
        turn["notes"] = list(final.notes)
    turn.pop("writing", None)
    turn.pop("draft", None)
    turn["done"] = True
    return turn


def history_pairs(turns: list[dict], limit: int = HISTORY_TURNS) -> list[tuple[str, str]]:
    """The last ``limit`` finished turns as ``(question, answer)`` pairs for ``Answerer.stream``."""
    done = [t for t in turns if t.get("done") and not t.get("error") and t["answer"]]
    return [(t["question"], t["answer"]) for t in done[-limit:]] if limit > 0 else []


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def _error_text(exc: BaseException) -> str:
    """A user-facing sentence for an exception raised while answering."""
    try:
        from assistant.llm import backend_error_message, is_backend_error

        if is_backend_error(exc):
            return backend_error_message(exc)
    except ImportError:  # pragma: no cover - llm.py is part of the package
        pass
    return _one_line(exc)


# ---------------------------------------------------------------- the tab


def build_tab(ctx: TabContext) -> None:
    """The Ask tab: chat, question box, sources and the source panel."""
    service = AskService(ctx.settings)
    w = _layout(ctx, service)
    _wire(ctx, w, _AskHandlers(get_labels(), ctx.settings, service, Superseder()))


def _wire(ctx: TabContext, w: Any, h: _AskHandlers) -> None:
    """Connect the components' events to the handlers."""
    outputs = [
        w.chatbot,
        w.turns,
        w.cited,
        w.citations,
        w.panel,
        w.notice,
        w.status,
        w.question,
        w.conversation,
        w.saved,
    ]
    for trigger in (w.send.click, w.question.submit):
        trigger(
            h.ask,
            [w.question, w.turns, ctx.lang, w.workspace, w.conversation, w.generation],
            outputs,
            show_progress="minimal",
        )
    w.citations.input(h.show_source, [w.citations, w.cited, ctx.lang], w.panel, show_progress="hidden")
    # the page's script sets the box's value (a nonce makes every click a change); Gradio's
    # Textbox fires ``input`` only from the keyboard, ``change`` for any new value
    w.cite_pick.change(
        h.pick_citation,
        [w.cite_pick, w.turns, ctx.lang],
        [w.cited, w.citations, w.panel],
        show_progress="hidden",
        queue=False,
    )
    cleared = [
        w.chatbot,
        w.turns,
        w.cited,
        w.citations,
        w.panel,
        w.notice,
        w.question,
        w.conversation,
        w.generation,
    ]
    # The old answer is stopped by its generation (assistant.ui.supersede), not by Gradio's
    # ``cancels=``: a cancel closes the answer while its last update may still be on the way, and
    # that update then lands after the reset. A superseded answer stops at its next update, after
    # Gradio has sent the previous one, and the reset waits for that, so the reset shows last.
    # A reset may wait a moment, so it has no shared concurrency limit.
    w.clear.click(h.reset, [ctx.lang, w.generation], cleared, concurrency_limit=None)
    # a workspace picked by the user starts a new conversation; any change (also the page-load fill)
    # lists that workspace's saved conversations
    w.workspace.input(h.reset, [ctx.lang, w.generation], cleared, concurrency_limit=None)
    w.workspace.change(h.refresh_saved, [ctx.lang, w.workspace], w.saved, show_progress="hidden")
    w.reopen.click(
        h.open_saved,
        [w.saved, ctx.lang, w.generation],
        [w.chatbot, w.turns, w.cited, w.citations, w.panel, w.notice, w.conversation, w.generation],
        concurrency_limit=None,
    )

    ctx.demo.unload(h.forget_session)
    w.forget.click(
        h.forget_saved, [w.saved, w.conversation, ctx.lang, w.workspace], [w.conversation, w.saved]
    )
    ctx.demo.load(h.refresh_saved, [ctx.lang, w.workspace], w.saved, show_progress="hidden")
    ctx.lang.change(
        h.relanguage,
        [ctx.lang, w.turns, w.cited, w.citations],
        [w.chatbot, w.citations, w.panel],
        queue=False,
    )
    ctx.demo.load(h.warm_up, ctx.lang, w.status, show_progress="hidden")


def _layout(ctx: TabContext, service: AskService) -> Any:
    """The tab's components: status line, chat, question box, sources, the panel and saved conversations."""
    from types import SimpleNamespace

    labels = get_labels()
    tab = ctx.relabel(gr.Tab(ctx.t("tabs.ask"), id="ask", elem_id="tab-ask"), label="tabs.ask")
    with tab:
        with gr.Row(equal_height=True):
            status = gr.Markdown(status_text(labels, "th", service), elem_id="backend-status")
            workspace = workspace_selector(ctx, elem_id="ask-workspace", scale=0, min_width=260)
        ctx.relabel(status, value=lambda code: status_text(labels, code, service))
        chatbot = ctx.relabel(
            gr.Chatbot(
                label=ctx.t("ask.chat"),
                placeholder=ctx.t("ask.chat_placeholder"),
                elem_id="chat",
                height=CHAT_HEIGHT,
                feedback_options=None,
                buttons=["copy"],
            ),
            label="ask.chat",
            placeholder="ask.chat_placeholder",
        )
        with gr.Row(equal_height=True):
            question = ctx.relabel(
                gr.Textbox(
                    label=ctx.t("ask.question"),
                    placeholder=ctx.t("ask.question_placeholder"),
                    elem_id="question",
                    lines=1,
                    max_lines=6,
                    scale=6,
                    autofocus=True,
                ),
                label="ask.question",
                placeholder="ask.question_placeholder",
            )
            send = ctx.relabel(
                gr.Button(ctx.t("ask.send"), variant="primary", elem_id="ask-button", scale=1, min_width=90),
                value="ask.send",
            )
            clear = ctx.relabel(
                gr.Button(ctx.t("ask.clear"), elem_id="clear-button", scale=1, min_width=90),
                value="ask.clear",
            )
        notice = gr.Markdown("", elem_id="ask-notice")
        with gr.Row():
            with gr.Column(scale=2):
                citations = ctx.relabel(
                    gr.Radio(
                        [], value=None, label=ctx.t("ask.citations"), elem_id="citations", interactive=True
                    ),
                    label="ask.citations",
                )
            with gr.Column(scale=3):
                ctx.relabel(gr.Markdown(_panel_title("th")), value=_panel_title)
                panel = gr.HTML(source_html(labels, "th", None), elem_id="source-panel")

        history_box = ctx.relabel(
            gr.Accordion(ctx.t("session.history"), open=False, elem_id="ask-history"), label="session.history"
        )
        with history_box, gr.Row(equal_height=True):
            saved = ctx.relabel(
                gr.Dropdown(
                    [], value=None, label=ctx.t("session.history_pick"), elem_id="history-list", scale=4
                ),
                label="session.history_pick",
            )
            reopen = ctx.relabel(
                gr.Button(ctx.t("session.history_open"), elem_id="history-open", scale=1, min_width=90),
                value="session.history_open",
            )
            forget = ctx.relabel(
                gr.Button(ctx.t("session.history_delete"), elem_id="history-delete", scale=1, min_width=90),
                value="session.history_delete",
            )

        turns = gr.State([])
        cited = gr.State([])
        conversation = gr.State(None)  # the history item id of the conversation on screen
        # the conversation's generation, kept in the browser (see assistant.ui.supersede)
        generation = gr.Number(0, precision=0, visible=False, elem_id="ask-generation")
        # a clicked [n] in an answer: the page's script (ASK_HEAD) writes "turn:n:nonce" here
        cite_pick = gr.Textbox("", visible="hidden", elem_id="cite-pick", container=False)

    return SimpleNamespace(
        tab=tab,
        status=status,
        workspace=workspace,
        chatbot=chatbot,
        question=question,
        send=send,
        clear=clear,
        notice=notice,
        citations=citations,
        panel=panel,
        saved=saved,
        reopen=reopen,
        forget=forget,
        turns=turns,
        cited=cited,
        conversation=conversation,
        generation=generation,
        cite_pick=cite_pick,
    )


class _AskHandlers:
    """The Ask tab's event handlers: widgets in, a service call, widgets out."""

    def __init__(
        self, labels: Labels, settings: Settings, service: AskService, superseder: Superseder
    ) -> None:
        self.labels = labels
        self.s = settings
        self.service = service
        self.superseder = superseder

    def saved_choices(self, principal: Principal, ws: str | None, lang: str) -> dict:
        """The History dropdown: the caller's conversations in ``ws``, newest first."""
        labels, service = self.labels, self.service
        items = service.conversations(principal, ws)
        choices = [(f"{i.title} · {show_time(i.updated, lang)}", i.id) for i in items]
        return gr.update(
            choices=choices, value=None, info=None if choices else labels.text("session.history_none", lang)
        )

    def remember(
        self, principal: Principal, ws: str, conv: str | None, history: list[dict], lang: str
    ) -> tuple:
        """Save the finished turns to the caller's history; the item id and the refreshed list."""
        service = self.service
        try:
            item = service.save_conversation(principal, ws, conv, history)
            return item.id, self.saved_choices(principal, ws, lang)
        except Exception:
            log.exception("the conversation could not be saved to history")
            return conv, gr.skip()

    def ask(
        self,
        text: str,
        history: list[dict],
        lang: str,
        ws: str | None,
        conv: str | None,
        gen: float | None,
        request: gr.Request,
    ) -> Iterator[tuple]:
        """Answer one question, stopping silently once the conversation was cleared or replaced."""
        superseder = self.superseder
        with superseder.answering(request.session_hash or "", Superseder.generation(gen)) as stale:
            yield from until_stale(self.answer_updates(text, history, lang, ws, conv, request), stale)

    def answer_updates(
        self, text: str, history: list[dict], lang: str, ws: str | None, conv: str | None, request: gr.Request
    ) -> Iterator[tuple]:
        from assistant.ratelimit import RateLimitError
        from assistant.ui.session import charge_question

        labels, s, service = self.labels, self.s, self.service
        lang = normalize_language(lang)
        q = (text or "").strip()
        skip = gr.skip()
        if not q:
            yield (*[skip] * 5, labels.text("ask.empty_question", lang), *[skip] * 4)
            return
        if not ws:
            yield (*[skip] * 5, labels.text("session.no_workspace", lang), *[skip] * 4)
            return
        try:
            principal = principal_from_request(request, s)
            service.workspace(principal, ws)
            charge_question(s, principal, request)
        except WorkspaceAccessError as exc:
            yield (*[skip] * 5, access_message(labels, lang, exc), *[skip] * 4)
            return
        except RateLimitError as exc:
            yield (
                *[skip] * 5,
                labels.text("session.rate_limited", lang, seconds=exc.retry_seconds),
                *[skip] * 4,
            )
            return
        turn: dict[str, Any] = {"question": q, "answer": "", "citations": [], "done": False}
        history = [*history, turn]
        empty_sources = gr.update(choices=[], value=None)
        empty_panel = source_html(labels, lang, None)

        def emit(
            sources: Any = None,
            panel_html: Any = None,
            answer: Answer | None = None,
            saved_as: tuple = (skip, skip),
            clear_question: bool = False,
        ) -> tuple:
            # the question box is emptied once, when the question is taken: a later update would
            # wipe a follow-up the user has started typing while this answer finishes
            return (
                chat_messages(labels, lang, history),
                history,
                turn["citations"],
                gr.skip() if sources is None else sources,
                gr.skip() if panel_html is None else panel_html,
                "",
                status_text(labels, lang, service, answer),
                "" if clear_question else skip,
                *saved_as,
            )

        yield emit(empty_sources, empty_panel, clear_question=True)
        try:
            answerer = service.answerer(principal, ws)
        except Exception as exc:
            log.exception("the answerer could not start")
            turn.update(done=True, error=labels.text("ask.error_start", lang, error=_one_line(exc)))
            yield emit()
            return

        final: Answer | None = None
        try:
            for event in answerer.stream(q, history_pairs(history[:-1])):
                if event.kind == EventKind.FINAL:
                    final = event.answer
                elif apply_event(turn, event):
                    sources = event.kind == EventKind.PASSAGES
                    yield emit(_choices_update(labels, lang, turn["citations"]) if sources else None)
        except Exception as exc:
            log.exception("answering failed")
            turn.update(done=True, error=labels.text("ask.error_answer", lang, error=_error_text(exc)))
            yield emit()
            return

        finish_turn(turn, final)
        saved_as = self.remember(principal, ws, conv, history, lang)
        # the numbers [n] are the same from PASSAGES to FINAL: a source opened while the answer
        # was coming (or the model writing) stays open; the list keeps only the cited sources
        choices = [citation_choice(labels, lang, c) for c in turn["citations"]]
        yield emit(gr.update(choices=choices), None, final, saved_as)

    def show_source(self, n: str | None, sources: list[dict], lang: str) -> str:
        labels = self.labels
        lang = normalize_language(lang)
        chosen = next((c for c in sources if str(c["n"]) == str(n)), None) if n else None
        return source_html(labels, lang, chosen)

    def pick_citation(self, value: str | None, history: list[dict], lang: str) -> tuple:
        """A ``[n]`` clicked in an answer: that answer's sources, n chosen, its passage with the line."""
        labels = self.labels
        lang = normalize_language(lang)
        found = picked_citation(value, history)
        if found is None:
            return gr.skip(), gr.skip(), gr.skip()
        sources, n, focus = found
        chosen = next(c for c in sources if str(c["n"]) == n)
        return (
            sources,
            _choices_update(labels, lang, sources, value=n),
            source_html(labels, lang, chosen, focus),
        )

    def next_generation(self, gen: float | None, request: gr.Request) -> int:
        """End the conversation's generation ``gen``: its answers stop and never update the screen."""
        superseder = self.superseder
        return superseder.supersede(request.session_hash or "", Superseder.generation(gen))

    def reset(self, lang: str, gen: float | None, request: gr.Request) -> tuple:
        labels = self.labels
        lang = normalize_language(lang)
        following = self.next_generation(gen, request)
        empty_panel = source_html(labels, lang, None)
        return [], [], [], gr.update(choices=[], value=None), empty_panel, "", "", None, following

    def refresh_saved(self, lang: str, ws: str | None, request: gr.Request) -> dict:
        s = self.s
        lang = normalize_language(lang)
        try:
            return self.saved_choices(principal_from_request(request, s), ws, lang)
        except WorkspaceAccessError:
            return gr.update(choices=[], value=None, info=None)

    def open_saved(self, item_id: str | None, lang: str, gen: float | None, request: gr.Request) -> tuple:
        """Reopen a saved conversation (only the caller's own, in a workspace they may still use)."""
        from assistant.history import HistoryNotFound

        labels, s, service = self.labels, self.s, self.service
        lang = normalize_language(lang)
        skip = gr.skip()
        if not item_id:
            return (*[skip] * 5, "", skip, skip)
        try:
            item = service.open_conversation(principal_from_request(request, s), item_id)
        except (HistoryNotFound, WorkspaceAccessError):
            return (*[skip] * 5, labels.text("session.history_missing", lang), skip, skip)
        restored = item.turns
        last = restored[-1].get("citations", []) if restored else []
        return (
            chat_messages(labels, lang, restored),
            restored,
            last,
            _choices_update(labels, lang, last),
            source_html(labels, lang, None),
            "",
            item.id,
            self.next_generation(gen, request),
        )

    def forget_saved(
        self, item_id: str | None, conv: str | None, lang: str, ws: str | None, request: gr.Request
    ) -> tuple:
        """Delete a saved conversation; the one on screen stays but is no longer linked to it."""
        from assistant.history import HistoryNotFound

        s, service = self.s, self.service
        if not item_id:
            return gr.skip(), gr.skip()
        with contextlib.suppress(HistoryNotFound, WorkspaceAccessError):
            service.forget_conversation(principal_from_request(request, s), item_id)
        return (None if conv == item_id else conv), self.refresh_saved(lang, ws, request)

    def relanguage(self, lang: str, history: list[dict], sources: list[dict], n: str | None) -> tuple:
        labels = self.labels
        lang = normalize_language(lang)
        return (
            chat_messages(labels, lang, history),
            _choices_update(labels, lang, sources, value=n),
            self.show_source(n, sources, lang),
        )

    def warm_up(self, lang: str) -> Iterator[str]:
        """Page load: build the answerer, show the backend line, then load the embedding model."""
        labels, service = self.labels, self.service
        try:
            service.get()
        except Exception:
            log.exception("the answerer could not start")
        yield status_text(labels, normalize_language(lang), service)
        if service.error is None:
            try:
                service.warm_embedder()
            except Exception:
                log.exception("the embedding model could not be loaded")

    def forget_session(self, request: gr.Request) -> None:
        superseder = self.superseder
        superseder.forget(request.session_hash or "")


def _panel_title(lang: str) -> str:
    return f"**{get_labels().text('ask.source_panel', lang)}**"


def _choices_update(labels: Labels, lang: str, sources: list[dict], value: str | None = None) -> dict:
    choices = [citation_choice(labels, lang, c) for c in sources]
    keep = value if value is not None and any(v == value for _, v in choices) else None
    return gr.update(choices=choices, value=keep)


def _as_dict(c: Citation | dict) -> dict:
    return c if isinstance(c, dict) else c.to_dict()


def picked_citation(value: str | None, turns: list[dict]) -> tuple[list[dict], str, str] | None:
    """What a clicked marker shows: its answer's sources, its number, the line it ends (to focus).

    ``value`` is ``"turn:n:line:nonce"`` as the page's script writes it (line may be empty:
    a marker in the source list under an answer; the nonce makes a second click on the same
    marker a change). None for a bad value or a turn or citation that is not there.
    """
    parts = [*str(value or "").split(":"), "", ""]
    if not parts[0].isdigit() or not parts[1].isdigit():
        return None
    index, n = int(parts[0]), parts[1]
    if index >= len(turns) or not isinstance(turns[index], dict):
        return None
    turn = turns[index]
    answer = str(turn.get("answer") or "")
    sources = with_quotes(turn.get("citations") or [], answer)
    if not any(str(c.get("n")) == n for c in sources):
        return None
    lines = answer.split("\n")
    focus = plain_quote(lines[int(parts[2])]) if parts[2].isdigit() and int(parts[2]) < len(lines) else ""
    return sources, n, focus
