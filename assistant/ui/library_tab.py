"""The Library tab: upload documents with progress, list them with their health, remove, re-index.

Everything happens in the workspace chosen in the tab's selector (``#library-workspace``),
through :class:`assistant.services.library.LibraryService`, which checks that the caller may use
it, stores uploads under safe names and indexes them (its progress callback feeds
``gr.Progress``), removes a document with its uploaded copy, and re-indexes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.services.library import (
    MAX_NAME_BYTES,
    SUPPORTED,
    LibraryService,
    reindex,
    safe_name,
    store_uploads,
    uploads_dir,
)
from assistant.ui.display import code_label, health_words, hide_paths
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.session import access_message, principal_from_request, workspace_selector

if TYPE_CHECKING:
    import pandas as pd

    from assistant.settings import Settings
    from assistant.ui.app import TabContext
    from ingest.manifest import DocumentRow
    from ingest.pipeline import Report

log = logging.getLogger(__name__)

__all__ = ["MAX_NAME_BYTES", "SUPPORTED", "build_tab", "reindex", "safe_name", "store_uploads", "uploads_dir"]

COLUMNS = ("source", "type", "language", "status", "pages", "chunks", "health", "notes")

PROGRESS = gr.Progress()
"""The progress tracker Gradio injects into upload and re-index handlers."""


# ---------------------------------------------------------------- rendering


def _ranges(pages: list[int]) -> str:
    """``[1, 2, 3, 7]`` → ``"1-3, 7"``."""
    out: list[str] = []
    for p in sorted(set(pages)):
        if out and out[-1].split("-")[-1] == str(p - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{p}"
        else:
            out.append(str(p))
    return ", ".join(out)


def document_note(labels: Labels, lang: str, d: DocumentRow) -> str:
    """What the table says about a document beyond its status: OCR pages, duplicate, failure."""
    notes = []
    if d.meta.get("ocr_pages"):
        read = [int(n) for n in d.meta["ocr_pages"].split(",") if n.strip().isdigit()]
        notes.append(labels.text("library.note_ocr_read", lang, pages=_ranges(read)))
    if d.needs_ocr and d.status != "needs_ocr":
        notes.append(labels.text("library.note_ocr", lang, pages=_ranges(d.needs_ocr)))
        if d.meta.get("ocr_note"):  # Tesseract or its language data missing: say so, with the fix
            notes.append(hide_paths(d.meta["ocr_note"]))
    if d.duplicate_of:
        notes.append(labels.text("library.note_duplicate", lang, name=d.duplicate_of))
    if d.error:
        notes.append(hide_paths(d.error))
    return "; ".join(notes)


def status_label(labels: Labels, lang: str, status: str) -> str:
    key = f"library.status.{status}"
    return labels.text(key, lang) if key in labels.table else status


def document_table(labels: Labels, lang: str, docs: list[DocumentRow]) -> pd.DataFrame:
    """The documents as a table with headers in ``lang``."""
    import pandas as pd

    headers = [labels.text(f"library.headers.{c}", lang) for c in COLUMNS]
    rows = [
        [
            d.source,
            code_label(labels, lang, "doc_type", d.doc_type),
            code_label(labels, lang, "language", d.language),
            status_label(labels, lang, d.status),
            d.pages,
            d.chunks,
            health_words(labels, lang, d.health, d.status, d.needs_ocr),
            document_note(labels, lang, d),
        ]
        for d in docs
    ]
    return pd.DataFrame(rows, columns=headers)


def report_markdown(
    labels: Labels,
    lang: str,
    reports: Iterable[Report],
    rejected: Iterable[tuple[str, str]] = (),
    limit_mb: int = 50,
) -> str:
    """Per-file outcomes of an upload or re-index, as a Markdown list (empty when nothing to say)."""
    from ingest.pipeline import Outcome

    lines = [f"**{labels.text('library.report', lang)}**", ""]
    for name, problem in rejected:
        reason = labels.text(f"library.{problem}", lang, limit=limit_mb, types=", ".join(SUPPORTED))
        lines.append(f"- {labels.text('library.outcome.failed', lang)} — `{name}` — {reason}")
    for report in reports:
        for r in report.results:
            if r.outcome == Outcome.SKIPPED and not r.reason:
                continue
            line = f"- {labels.text(f'library.outcome.{r.outcome.value}', lang)} — `{r.source}`"
            if r.chunks or r.pages:
                line += " — " + labels.text("library.pages_chunks", lang, pages=r.pages, chunks=r.chunks)
            if r.reason:
                line += f" — {hide_paths(r.reason)}"
            lines.append(line)
    return "\n".join(lines) if len(lines) > 2 else ""


# ---------------------------------------------------------------- the tab


def build_tab(ctx: TabContext) -> None:
    """The Library tab: upload box, per-file report, document table and actions."""
    w = _layout(ctx)
    _wire(ctx, w, _LibraryHandlers(get_labels(), ctx.settings, LibraryService(ctx.settings)))


def _layout(ctx: TabContext) -> Any:
    """The tab's components: the upload box and button, the report, the table and the actions."""
    from types import SimpleNamespace

    labels = get_labels()
    tab = ctx.relabel(
        gr.Tab(ctx.t("tabs.library"), id="library", elem_id="tab-library"), label="tabs.library"
    )
    with tab:
        ctx.relabel(gr.Markdown(ctx.t("library.help")), value="library.help")
        workspace = workspace_selector(ctx, elem_id="library-workspace", scale=0, min_width=260)
        with gr.Row(equal_height=True):
            files = ctx.relabel(
                gr.File(
                    label=ctx.t("library.files"),
                    file_count="multiple",
                    file_types=list(SUPPORTED),
                    type="filepath",
                    elem_id="upload-files",
                    height=140,
                    scale=4,
                ),
                label="library.files",
            )
            upload = ctx.relabel(
                gr.Button(ctx.t("library.upload"), variant="primary", elem_id="upload-button", scale=1),
                value="library.upload",
            )
        report = gr.Markdown("", elem_id="upload-report")
        count = gr.Markdown("", elem_id="library-count")
        table = ctx.relabel(
            gr.Dataframe(
                document_table(labels, "th", []),
                label=ctx.t("library.documents"),
                interactive=False,
                wrap=True,
                elem_id="docs-table",
                max_height=520,
                column_widths=["25%", "13%", "7%", "12%", "6%", "9%", "10%", "18%"],
            ),
            label="library.documents",
        )
        with gr.Row(equal_height=True):
            selected = ctx.relabel(
                gr.Dropdown(
                    [],
                    value=None,
                    label=ctx.t("library.select"),
                    elem_id="doc-select",
                    scale=3,
                    filterable=True,
                ),
                label="library.select",
            )
            remove = ctx.relabel(
                gr.Button(ctx.t("library.remove"), variant="stop", elem_id="remove-button", scale=1),
                value="library.remove",
            )
            refresh = ctx.relabel(
                gr.Button(ctx.t("library.refresh"), elem_id="refresh-button", scale=1),
                value="library.refresh",
            )
            reindex_button = ctx.relabel(
                gr.Button(ctx.t("library.reindex"), elem_id="reindex-button", scale=1),
                value="library.reindex",
            )
        message = gr.Markdown("", elem_id="library-message")
        paths = gr.State([])
    return SimpleNamespace(
        workspace=workspace,
        files=files,
        upload=upload,
        report=report,
        count=count,
        table=table,
        selected=selected,
        remove=remove,
        refresh=refresh,
        reindex_button=reindex_button,
        message=message,
        paths=paths,
    )


def _wire(ctx: TabContext, w: Any, h: _LibraryHandlers) -> None:
    """Connect the components' events to the handlers."""
    listing_outputs = [w.table, w.selected, w.paths, w.count]
    # one progress overlay per action (on the panel that reports it), not one on every output
    w.upload.click(
        h.do_upload,
        [w.files, w.workspace, ctx.lang],
        [w.report, w.files, *listing_outputs],
        show_progress_on=w.report,
    )
    w.remove.click(
        h.do_remove,
        [w.selected, w.workspace, ctx.lang],
        [w.message, *listing_outputs],
        show_progress_on=w.message,
    )
    w.refresh.click(h.listing, [w.workspace, ctx.lang], listing_outputs, show_progress_on=w.table)
    w.reindex_button.click(
        h.do_reindex,
        [w.workspace, ctx.lang],
        [w.message, *listing_outputs],
        show_progress_on=w.message,
    )
    w.table.select(h.pick, w.paths, w.selected)
    ctx.lang.change(h.listing, [w.workspace, ctx.lang], listing_outputs, show_progress_on=w.table)
    w.workspace.change(h.listing, [w.workspace, ctx.lang], listing_outputs, show_progress_on=w.table)
    ctx.demo.load(h.listing, [w.workspace, ctx.lang], listing_outputs, show_progress_on=w.table)


class _LibraryHandlers:
    """The Library tab's event handlers: widgets in, a service call, widgets out."""

    def __init__(self, labels: Labels, settings: Settings, service: LibraryService) -> None:
        self.labels = labels
        self.s = settings
        self.service = service

    def listing(self, ws: str | None, lang: str, request: gr.Request) -> tuple[Any, Any, list[str], str]:
        from assistant.access.workspaces import WorkspaceAccessError

        labels, s, service = self.labels, self.s, self.service
        lang = normalize_language(lang)
        if not ws and s.auth:  # the selector is not filled yet: its change event lists
            return (gr.skip(),) * 4
        try:
            found = service.documents(principal_from_request(request, s), ws)
        except WorkspaceAccessError as exc:
            empty = document_table(labels, lang, [])
            return (empty, gr.update(choices=[], value=None), [], access_message(labels, lang, exc))
        docs = found.documents
        summary = (
            labels.text("library.count", lang, documents=len(docs), chunks=found.chunks)
            if docs
            else labels.text("library.empty", lang)
        )
        choices = [(d.source, d.path) for d in docs]
        return (
            document_table(labels, lang, docs),
            gr.update(choices=choices, value=None),
            [d.path for d in docs],
            summary,
        )

    def stepper(self, lang: str, progress: gr.Progress) -> Any:
        labels = self.labels
        indexing = labels.text("library.indexing", lang)

        def step(done: float, total: int, label: str) -> None:
            if total:
                progress(min(done / total, 1.0), desc=f"{indexing}: {label}")

        return step

    def do_upload(
        self,
        items: list[str] | None,
        ws: str | None,
        lang: str,
        request: gr.Request,
        progress: gr.Progress = PROGRESS,
    ) -> tuple:
        from assistant.access.workspaces import WorkspaceAccessError

        labels, s, service = self.labels, self.s, self.service
        lang = normalize_language(lang)
        if not items:
            return (labels.text("library.no_files", lang), gr.skip(), *(gr.skip(),) * 4)
        try:
            principal = principal_from_request(request, s)
            name = service.workspace(principal, ws)  # refused before any file is stored
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), gr.skip(), *(gr.skip(),) * 4)
        try:
            progress(0, desc=labels.text("library.preparing", lang))
            done = service.upload(principal, name, items, progress=self.stepper(lang, progress))
            text = report_markdown(labels, lang, done.reports, done.rejected, s.max_upload_mb)
        except Exception as exc:
            log.exception("upload failed")
            text = labels.text("library.error", lang, error=hide_paths(f"{type(exc).__name__}: {exc}"))
        return (text, None, *self.listing(name, lang, request))

    def do_remove(self, path: str | None, ws: str | None, lang: str, request: gr.Request) -> tuple:
        from assistant.access.workspaces import WorkspaceAccessError

        labels, s, service = self.labels, self.s, self.service
        lang = normalize_language(lang)
        if not path:
            return (labels.text("library.nothing_selected", lang), *(gr.skip(),) * 4)
        try:
            principal = principal_from_request(request, s)
            ws_name = service.workspace(principal, ws)
            gone = service.remove(principal, ws_name, path)
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), *(gr.skip(),) * 4)
        key = "library.removed" if gone.removed else "library.not_found"
        return (labels.text(key, lang, name=gone.name), *self.listing(ws_name, lang, request))

    def do_reindex(
        self, ws: str | None, lang: str, request: gr.Request, progress: gr.Progress = PROGRESS
    ) -> tuple:
        from assistant.access.workspaces import WorkspaceAccessError

        labels, s, service = self.labels, self.s, self.service
        lang = normalize_language(lang)
        try:
            principal = principal_from_request(request, s)
            name = service.workspace(principal, ws)
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), *(gr.skip(),) * 4)
        try:
            report = service.reindex(principal, name, progress=self.stepper(lang, progress))
            count_done = sum(1 for x in report.results if x.outcome.value != "failed")
            lines = [labels.text("library.reindexed", lang, count=count_done)]
            failed = report_markdown(labels, lang, [_only_problems(report)])
            text = "\n\n".join([*lines, failed] if failed else lines)
        except Exception as exc:
            log.exception("re-index failed")
            text = labels.text("library.error", lang, error=hide_paths(f"{type(exc).__name__}: {exc}"))
        return (text, *self.listing(name, lang, request))

    def pick(self, doc_paths: list[str], evt: gr.SelectData) -> Any:
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        if isinstance(row, int) and 0 <= row < len(doc_paths):
            return gr.update(value=doc_paths[row])
        return gr.skip()


def _only_problems(report: Report) -> Report:
    """A copy of a report with only the files that did not go in cleanly."""
    from ingest.pipeline import Outcome, Report

    bad = {Outcome.FAILED, Outcome.NEEDS_OCR}
    return Report(workspace=report.workspace, results=[r for r in report.results if r.outcome in bad])
