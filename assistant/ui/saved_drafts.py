"""Saved drafts in a tool tab: every finished draft goes to the user's history, and a panel reopens it.

Usage (in a tab's ``build_tab``; the tab already has its own Markdown view and file list):
    >>> from assistant.access.history import Kind
    >>> from assistant.ui.saved_drafts import record_draft_safely, saved_drafts_panel
    >>> workspace = workspace_selector(ctx, elem_id="plan-workspace")
    >>> preview, files, status = gr.Markdown(), gr.File(file_count="multiple"), gr.Markdown()
    >>> panel = saved_drafts_panel(ctx, Kind.PLAN, workspace, "plan")   # the accordion, built here
    >>> panel.connect(preview, files, clears=[status])                  # Open fills the tab's outputs
    >>> def run(..., request: gr.Request):
    ...     for view in follow_draft(events, title, language):
    ...         if view.draft is not None:                               # the FINAL view
    ...             record_draft_safely(s, principal, ws, Kind.PLAN, view.draft)
    ...         yield view.status, view.markdown, view.files
    >>> panel.refresh_after(button.click(run, inputs, [status, preview, files]))   # list it at once

* :func:`record_draft` stores ``draft.to_json()`` in :mod:`assistant.access.history` under the caller
  and the workspace (title: the draft's title), so it survives restarts; only its owner lists
  and opens it, and only while they may still use the workspace (the library checks).
* The panel (:class:`SavedPanel`) lists the caller's items of one :class:`~assistant.access.history.Kind`
  in the workspace chosen in the tab's selector, newest first as "title · date". **Open** rebuilds
  the draft (:meth:`assistant.drafting.engine.Draft.from_json`), shows its Markdown
  (:func:`assistant.drafting.export.to_markdown`, identical to the first time) and offers fresh DOCX and
  Markdown files; **Delete** removes the item. Elements are ``#<prefix>-saved`` (the accordion),
  ``#<prefix>-saved-list``, ``#<prefix>-saved-open``, ``#<prefix>-saved-delete`` and
  ``#<prefix>-saved-message``.
* Items that are not drafts (a workshop session) pass their own ``render`` to show them.
"""

from __future__ import annotations

import html
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.access.history import HistoryItem, HistoryNotFound, Kind
from assistant.access.workspaces import Principal, WorkspaceAccessError
from assistant.drafting.engine import Draft
from assistant.drafting.export import ExportFormat, export_files, to_markdown
from assistant.settings import Settings
from assistant.ui.display import show_time
from assistant.ui.i18n import get_labels, normalize_language
from assistant.ui.session import principal_from_request

if TYPE_CHECKING:
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- library side (no Gradio)


def record_draft(
    settings: Settings,
    principal: Principal,
    workspace: str,
    kind: Kind | str,
    draft: Draft,
    *,
    title: str | None = None,
) -> str:
    """Save a finished draft to ``principal``'s history in ``workspace``; the new item's id.

    The title is the draft's (or ``title``), the payload ``draft.to_json()``, which
    :func:`reopen_draft` turns back into the same draft. Raises WorkspaceAccessError when the
    caller may not use ``workspace``, ValueError for an oversized draft.
    """
    from assistant.access.history import save

    item = save(
        principal,
        kind,
        title if title is not None else draft.title,
        draft.to_json(),
        workspace=workspace,
        settings=settings,
    )
    return item.id


def record_draft_safely(
    settings: Settings,
    principal: Principal,
    workspace: str,
    kind: Kind | str,
    draft: Draft,
    *,
    title: str | None = None,
) -> str | None:
    """:func:`record_draft` for a tab's handler: a failure is logged, never shown as a failed draft."""
    try:
        return record_draft(settings, principal, workspace, kind, draft, title=title)
    except Exception:
        log.exception("the %s draft could not be saved to history", Kind.parse(kind).value)
        return None


@dataclass(frozen=True)
class Reopened:
    """A saved item opened again: what the tab shows, the files it offers and the draft (when it is one)."""

    item: HistoryItem
    markdown: str
    files: list[str] = field(default_factory=list)
    draft: Draft | None = None


Renderer = Callable[[HistoryItem, str], Reopened]
"""How a panel shows an item: ``(item with payload, UI language) -> Reopened``."""


def reopen_draft(item: HistoryItem, lang: str = "th") -> Reopened:
    """A saved draft rebuilt from its payload: the same Markdown, and fresh DOCX/MD files in a temp folder."""
    draft = Draft.from_json(item.payload or {})
    folder = Path(tempfile.mkdtemp(prefix=f"edunet-saved-{item.kind.value}-"))
    paths = export_files(draft, folder, draft.kind or item.kind.value)
    files = [str(paths[ExportFormat.DOCX]), str(paths[ExportFormat.MARKDOWN])]
    return Reopened(item, to_markdown(draft), files, draft)


def item_label(item: HistoryItem, lang: str = "th") -> str:
    """A dropdown choice's text: ``"title · 1 มิถุนายน 2568 14:05"`` (when it was saved, local, in ``lang``)."""
    return f"{item.title} · {show_time(item.updated, lang)}"


def item_choices(
    settings: Settings, principal: Principal, workspace: str | None, kind: Kind | str, lang: str = "th"
) -> list[tuple[str, str]]:
    """``(label, id)`` of the caller's items of ``kind`` in ``workspace``, newest first (none without one)."""
    from assistant.access.history import list_items

    if not workspace:
        return []
    return [(item_label(i, lang), i.id) for i in list_items(principal, workspace, kind, settings=settings)]


# ---------------------------------------------------------------- the panel


@dataclass
class SavedPanel:
    """The saved-items accordion of one tab, for one kind; see the module docstring for its use."""

    ctx: TabContext
    kind: Kind
    workspace: gr.Dropdown
    elem_prefix: str
    accordion: gr.Accordion
    dropdown: gr.Dropdown
    open_button: gr.Button
    delete_button: gr.Button
    message: gr.Markdown
    render: Renderer = reopen_draft

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    def choices_update(self, principal: Principal, ws: str | None, lang: str) -> Any:
        """The dropdown's update: the caller's items in ``ws``, none chosen (a notice when there are none)."""
        choices = item_choices(self.settings, principal, ws, self.kind, normalize_language(lang))
        info = None if choices else get_labels().text("saved.none", normalize_language(lang))
        return gr.update(choices=choices, value=None, info=info)

    def refresh(self, lang: str, ws: str | None, request: gr.Request) -> Any:
        """List the caller's items again (an event handler: inputs ``[ctx.lang, workspace]``)."""
        try:
            principal = principal_from_request(request, self.settings)
            return self.choices_update(principal, ws, lang)
        except WorkspaceAccessError:
            return gr.update(choices=[], value=None, info=None)
        except Exception:
            log.exception("listing saved %s items failed", self.kind.value)
            return gr.skip()

    def renote(self, lang: str, ws: str | None, request: gr.Request) -> Any:
        """On a language switch: the "nothing saved yet" notice in the new language (list and choice stay)."""
        try:
            principal = principal_from_request(request, self.settings)
            choices = item_choices(self.settings, principal, ws, self.kind, normalize_language(lang))
        except WorkspaceAccessError:
            return gr.update(info=None)
        except Exception:
            log.exception("listing saved %s items failed", self.kind.value)
            return gr.skip()
        info = None if choices else get_labels().text("saved.none", normalize_language(lang))
        return gr.update(choices=choices, info=info)  # the dates in the new language; the choice stays

    def refresh_after(self, event: Any) -> Any:
        """Chain a list refresh after ``event`` (a draft just saved appears at once); returns the chain."""
        return event.then(
            self.refresh, [self.ctx.lang, self.workspace], self.dropdown, show_progress="hidden"
        )

    def connect(
        self,
        view: gr.components.Component,
        files: gr.components.Component | None = None,
        *,
        clears: Sequence[gr.components.Component] = (),
        also: Sequence[tuple[gr.components.Component, Callable[[Reopened], Any]]] = (),
    ) -> None:
        """Wire **Open**: the item's Markdown into ``view`` and its files into ``files``.

        ``clears`` are emptied (a stale status line, chart or state); each ``(component, fn)``
        of ``also`` gets ``fn(reopened)`` (e.g. an editable copy of the Markdown).
        """
        labels = get_labels()
        extra = [c for c, _ in also]
        outputs = [self.message, view, *([files] if files is not None else []), *clears, *extra]
        unchanged = len(outputs) - 1

        def open_item(item_id: str | None, lang: str, request: gr.Request) -> tuple:
            from assistant.access.history import load

            lang = normalize_language(lang)
            if not item_id:
                return (labels.text("saved.choose", lang), *[gr.skip()] * unchanged)
            try:
                item = load(principal_from_request(request, self.settings), item_id, settings=self.settings)
                if item.kind is not self.kind:
                    raise HistoryNotFound(f"{item_id!r} is not a {self.kind.value}")
            except (HistoryNotFound, WorkspaceAccessError):
                return (labels.text("saved.missing", lang), *[gr.skip()] * unchanged)
            try:
                shown = self.render(item, lang)
            except Exception as exc:
                log.exception("reopening saved item %s failed", item_id)
                error = f"{type(exc).__name__}: {exc}"[:300]
                return (labels.text("saved.broken", lang, error=error), *[gr.skip()] * unchanged)
            date = show_time(item.updated, lang)
            note = labels.text("saved.opened", lang, title=html.escape(item.title), date=date)
            values: list[Any] = [note, shown.markdown]
            if files is not None:
                values.append(shown.files or None)
            values += [None] * len(clears)
            values += [fn(shown) for _, fn in also]
            return tuple(values)

        self.open_button.click(open_item, [self.dropdown, self.ctx.lang], outputs)


def saved_drafts_panel(
    ctx: TabContext,
    kind: Kind,
    workspace: gr.Dropdown,
    elem_prefix: str,
    *,
    render: Renderer | None = None,
    title_key: str | None = None,
) -> SavedPanel:
    """Build the saved-items accordion here (closed), listing ``kind`` for the workspace selector's choice.

    The list fills on page load and follows the selector, Delete works at once, and the
    language switch relabels the panel, its empty-list notice included.
    Call :meth:`SavedPanel.connect` to say where Open shows an item, and
    :meth:`SavedPanel.refresh_after` on the event that saves new ones.
    """
    labels = get_labels()
    kind = Kind.parse(kind)
    if title_key is None:
        title_key = {Kind.SESSION: "saved.session_title", Kind.ASSESSMENT: "saved.assessment_title"}.get(
            kind, "saved.title"
        )
    accordion = ctx.relabel(
        gr.Accordion(ctx.t(title_key), open=False, elem_id=f"{elem_prefix}-saved"), label=title_key
    )
    with accordion:
        with gr.Row(equal_height=True):
            dropdown = ctx.relabel(
                gr.Dropdown(
                    [],
                    value=None,
                    label=ctx.t("saved.pick"),
                    elem_id=f"{elem_prefix}-saved-list",
                    interactive=True,
                    scale=4,
                ),
                label="saved.pick",
            )
            open_button = ctx.relabel(
                gr.Button(ctx.t("saved.open"), elem_id=f"{elem_prefix}-saved-open", scale=1, min_width=90),
                value="saved.open",
            )
            delete_button = ctx.relabel(
                gr.Button(
                    ctx.t("saved.delete"), elem_id=f"{elem_prefix}-saved-delete", scale=1, min_width=90
                ),
                value="saved.delete",
            )
        message = gr.Markdown("", elem_id=f"{elem_prefix}-saved-message")
    panel = SavedPanel(
        ctx=ctx,
        kind=kind,
        workspace=workspace,
        elem_prefix=elem_prefix,
        accordion=accordion,
        dropdown=dropdown,
        open_button=open_button,
        delete_button=delete_button,
        message=message,
        render=render or reopen_draft,
    )

    def delete_item(item_id: str | None, lang: str, ws: str | None, request: gr.Request) -> tuple[Any, str]:
        from assistant.access.history import delete, load

        lang = normalize_language(lang)
        if not item_id:
            return gr.skip(), labels.text("saved.choose", lang)
        try:
            principal = principal_from_request(request, ctx.settings)
            item = load(principal, item_id, settings=ctx.settings)
            if item.kind is not kind:
                raise HistoryNotFound(f"{item_id!r} is not a {kind.value}")
            delete(principal, item_id, settings=ctx.settings)
        except (HistoryNotFound, WorkspaceAccessError):
            return panel.refresh(lang, ws, request), labels.text("saved.missing", lang)
        return panel.refresh(lang, ws, request), labels.text(
            "saved.deleted", lang, title=html.escape(item.title)
        )

    # listing is one small SQLite read: outside the queue, so it never waits behind a draft or a model load
    delete_button.click(delete_item, [dropdown, ctx.lang, workspace], [dropdown, message])
    quick: dict[str, Any] = {"show_progress": "hidden", "queue": False}
    workspace.change(panel.refresh, [ctx.lang, workspace], dropdown, **quick)
    ctx.demo.load(panel.refresh, [ctx.lang, workspace], dropdown, **quick)
    ctx.lang.change(panel.renote, [ctx.lang, workspace], dropdown, **quick)
    return panel
