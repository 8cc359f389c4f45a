"""The Ask tab's rendering: an answer as chat Markdown with clickable ``[n]`` markers, the source panel.

Pure functions of the labels, the language and the conversation's turns (plain dicts):
:func:`bubble` and :func:`chat_messages` for the chat, :func:`source_html` for the panel
(the passage highlighted by :mod:`assistant.ui.ask_passage`), :func:`picked_citation` for a
clicked marker, :func:`status_text` for the backend line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from assistant.records import BACKEND_DOWN, Answer, AnswerNote
from assistant.services.ask import AskService
from assistant.ui.ask_passage import _CITE, cite_numbers, highlight_passage, plain_quote, with_quotes
from assistant.ui.display import code_label, hide_paths
from assistant.ui.i18n import Labels
from assistant.ui.safe_text import plain_media


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
        down = AnswerNote.find(answer.notes, *BACKEND_DOWN)
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
