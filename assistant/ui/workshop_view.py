"""The Workshop tab's Markdown: session errors, an answer and its sources, the dashboard, a saved session.

Pure functions of the language and plain data (labels from :func:`assistant.ui.i18n.get_labels`); text
that comes from documents or participants is HTML-escaped and its images and links shown as text
(:func:`assistant.ui.safe_text.plain_media`). :mod:`assistant.ui.workshop_tab` wires them to the widgets.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from assistant.ui.i18n import get_labels
from assistant.ui.safe_text import plain_media

if TYPE_CHECKING:
    from assistant.records import Citation
    from assistant.sessions import QuestionGroup, Session


def session_error(lang: str, exc: Exception) -> str:
    """A session error in the UI language: the specific message for each kind."""
    from assistant.sessions import (
        SessionClosedError,
        SessionNotFoundError,
        SessionNotReadyError,
        TrainerKeyError,
    )

    labels = get_labels()
    for kind, key in (
        (SessionNotFoundError, "workshop.err_not_found"),
        (SessionClosedError, "workshop.err_closed"),
        (SessionNotReadyError, "workshop.err_not_ready"),
        (TrainerKeyError, "workshop.err_key"),
    ):
        if isinstance(exc, kind):
            return f"⚠ {labels.text(key, lang)}"
    return "⚠ " + labels.text("workshop.err_session", lang, error=str(exc))



def citations_markdown(lang: str, citations: list[Citation]) -> str:
    """The numbered sources under an answer: ``[1] file.md, page 2 — “quoted passage…”``."""
    labels = get_labels()
    if not citations:
        return ""
    lines = [f"**{labels.text('workshop.sources', lang)}**", ""]
    for c in citations:
        quote = " ".join(c.text.split())
        quote = quote if len(quote) <= 200 else quote[:200].rsplit(" ", 1)[0] + " …"
        where = f"{c.source}, {labels.text('workshop.page', lang)} {c.page}"
        lines.append(f"- [{c.n}] {html.escape(where)} — “{plain_media(html.escape(quote))}”")
    return "\n".join(lines)



def answer_markdown(text: str) -> str:
    """A participant's answer as Markdown: HTML escaped, no remote images or links from documents."""
    return plain_media(html.escape(text or "", quote=False))



def groups_markdown(lang: str, groups: list[QuestionGroup]) -> str:
    """The dashboard's questions grouped by theme, as Markdown."""
    labels = get_labels()
    if not groups:
        return labels.text("workshop.no_questions", lang)
    total = sum(g.size for g in groups)
    lines = [f"**{labels.text('workshop.questions_head', lang, count=total)}**", ""]
    missing = labels.text("workshop.not_found_mark", lang)
    for n, group in enumerate(groups, start=1):
        lines.append(f"{n}. **{plain_media(html.escape(group.label))}** ({group.size})")
        for q in group.questions:
            mark = "" if q.grounded else f" _({missing})_"
            lines.append(f"    - {plain_media(html.escape(q.question))}{mark}")
    return "\n".join(lines)



def saved_session_markdown(lang: str, payload: dict[str, Any], session: Session | None) -> str:
    """A saved session reopened: name, join code and its status now (``session`` None: gone), then a hint."""
    labels = get_labels()
    if session is None:
        status = labels.text("saved.session_gone", lang)
    else:
        key = {"open": "workshop.status_open", "closed": "workshop.status_closed"}.get(
            session.status.value, "workshop.preparing"
        )
        status = labels.text(key, lang)
    line = labels.text(
        "saved.session_line",
        lang,
        name=html.escape(str(payload.get("name", ""))),
        code=html.escape(str(payload.get("code", ""))),
        status=status,
    )
    return f"{line}\n\n_{labels.text('saved.session_key_hint', lang)}_" if session is not None else line

