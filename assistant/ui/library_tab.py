"""The Library tab: upload documents with progress, list them with their health, remove, re-index.

Everything happens in the workspace chosen in the tab's selector (``#library-workspace``),
and only when the caller may use it (:func:`assistant.workspaces.require_access`).
Uploads are copied from Gradio's temporary files into ``<data_dir>/uploads/<workspace>/``
under a sanitised name (:func:`safe_name`; the browser's file name is never used as a
path) and then ingested with :func:`assistant.workspaces.checked_ingest`, whose progress
callback feeds ``gr.Progress``. Uploading a file with the same stored name again replaces
that document. Removing a document also deletes its uploaded copy, so nothing lingers on disk.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.settings import Settings
from assistant.ui.display import code_label, health_words, hide_paths
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.session import access_message, principal_from_request, workspace_selector

if TYPE_CHECKING:
    import pandas as pd

    from assistant.ui.app import TabContext
    from assistant.workspaces import Principal
    from ingest.manifest import DocumentRow
    from ingest.pipeline import Report

log = logging.getLogger(__name__)

SUPPORTED = (".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm")
"""File types offered by the upload box (the loaders' supported suffixes)."""
COLUMNS = ("source", "type", "language", "status", "pages", "chunks", "health", "notes")
MAX_NAME_BYTES = 180
"""Longest stored file name in UTF-8 bytes (file systems allow 255; Thai letters take 3 each)."""

PROGRESS = gr.Progress()
"""The progress tracker Gradio injects into upload and re-index handlers."""


# ---------------------------------------------------------------- files


def safe_name(client_name: str) -> str:
    """A safe file name for an upload: base name only, letters/digits (Thai included), ``-_.``.

    Directory parts (``/`` or ``\\``), control characters, spaces and punctuation are
    removed or replaced; leading dots go (no hidden files, no ``..``); the suffix is
    lower-cased; the result is at most :data:`MAX_NAME_BYTES` UTF-8 bytes and never empty.

    >>> safe_name("../../etc/passwd")
    'passwd'
    >>> safe_name("C:\\\\Users\\\\ครู\\\\แผน งาน 2567.PDF")
    'แผน_งาน_2567.pdf'
    """
    base = unicodedata.normalize("NFC", client_name.replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = "".join(ch if _keep(ch) else "_" for ch in stem).strip("._-")
    stem = re.sub(r"_{2,}", "_", stem) or "upload"
    suffix = re.sub(r"[^a-z0-9]", "", suffix.lower())[:10]
    ending = f".{suffix}" if suffix else ""
    while len((stem + ending).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem.rstrip("._-") + ending if stem.rstrip("._-") else "upload" + ending


def _keep(ch: str) -> bool:
    """Letters, marks (Thai vowels and tone marks), digits, and ``-_.`` are kept in file names."""
    return ch in "-_." or unicodedata.category(ch)[0] in "LMN"


def uploads_dir(settings: Settings, workspace: str | None = None) -> Path:
    """Where a workspace's uploaded files are kept: ``<data_dir>/uploads/<workspace>/``.

    ``workspace`` defaults to the settings' one; the name is checked, never trusted as a path.
    """
    from ingest.records import check_workspace

    return settings.data_dir / "uploads" / check_workspace(workspace or settings.workspace)


def store_uploads(
    files: Iterable[str | Path], dest: Path, max_bytes: int
) -> tuple[list[Path], list[tuple[str, str]]]:
    """Copy uploaded temp files into ``dest`` under safe names.

    Returns the stored paths and the rejected files as ``(name, problem)`` with
    ``problem`` one of ``bad_type``, ``too_large``, ``unreadable``. Two uploads in one
    batch that sanitise to the same name get ``-2``, ``-3``… suffixes; an existing file
    of that name is replaced (the document is re-indexed as a new version).
    """
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    stored: list[Path] = []
    rejected: list[tuple[str, str]] = []
    taken: set[str] = set()
    for item in files:
        src = Path(item)
        name = safe_name(src.name)
        if Path(name).suffix.lower() not in SUPPORTED:
            rejected.append((name, "bad_type"))
            continue
        try:
            if src.stat().st_size > max_bytes:
                rejected.append((name, "too_large"))
                continue
        except OSError:
            rejected.append((name, "unreadable"))
            continue
        stem, suffix = Path(name).stem, Path(name).suffix
        n = 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{suffix}"
        taken.add(name)
        target = (root / name).resolve()
        if target.parent != root:  # cannot happen after safe_name; kept as a guard
            rejected.append((name, "unreadable"))
            continue
        tmp: str | None = None
        try:
            fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
            os.close(fd)
            shutil.copyfile(src, tmp)
            os.replace(tmp, target)
        except OSError:
            log.exception("could not store upload %s", src)
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            rejected.append((name, "unreadable"))
            continue
        stored.append(target)
    return stored, rejected


# ---------------------------------------------------------------- ingest


def reindex(
    settings: Settings,
    progress: Callable[[float, int, str], None] | None = None,
    *,
    workspace: str | None = None,
    principal: Principal,
) -> Report:
    """Re-index every document of a workspace (default: the settings' one) from its file.

    Source names and types are kept. WorkspaceAccessError is raised before the index is
    touched unless ``principal`` may use the workspace.
    """
    from assistant.runtime import get_store, ingest_options
    from assistant.workspaces import require_access
    from ingest.pipeline import reindex as reindex_all

    ws = require_access(principal, workspace or settings.workspace, settings=settings)
    return reindex_all(get_store(settings), workspace=ws, options=ingest_options(settings), progress=progress)


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
    labels = get_labels()
    s = ctx.settings

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

    def allowed(ws: str | None, request: gr.Request | None) -> tuple[Principal, str]:
        """The caller and the chosen workspace, or WorkspaceAccessError when they may not use it."""
        from assistant.workspaces import require_access

        principal = principal_from_request(request, s)
        name = ws or s.workspace
        require_access(principal, name, settings=s)
        return principal, name

    def listing(ws: str | None, lang: str, request: gr.Request) -> tuple[Any, Any, list[str], str]:
        from assistant.runtime import get_store
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        if not ws and s.auth:  # the selector is not filled yet: its change event lists
            return (gr.skip(),) * 4
        try:
            _, name = allowed(ws, request)
        except WorkspaceAccessError as exc:
            empty = document_table(labels, lang, [])
            return (empty, gr.update(choices=[], value=None), [], access_message(labels, lang, exc))
        store = get_store(s)
        docs = sorted(store.documents(name), key=lambda d: (-d.updated_at, d.source))
        chunks = sum(d.chunks for d in docs if d.status == "ready")
        summary = (
            labels.text("library.count", lang, documents=len(docs), chunks=chunks)
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

    listing_outputs = [table, selected, paths, count]

    def do_upload(
        items: list[str] | None,
        ws: str | None,
        lang: str,
        request: gr.Request,
        progress: gr.Progress = PROGRESS,
    ) -> tuple:
        from assistant.workspaces import WorkspaceAccessError, checked_ingest

        lang = normalize_language(lang)
        if not items:
            return (labels.text("library.no_files", lang), gr.skip(), *(gr.skip(),) * 4)
        try:
            principal, name = allowed(ws, request)  # refused before any file is stored
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), gr.skip(), *(gr.skip(),) * 4)
        try:
            progress(0, desc=labels.text("library.preparing", lang))
            stored, rejected = store_uploads(items, uploads_dir(s, name), s.max_upload_mb * 2**20)
            reports = []
            if stored:
                indexing = labels.text("library.indexing", lang)

                def step(done: float, total: int, label: str) -> None:
                    if total:
                        progress(min(done / total, 1.0), desc=f"{indexing}: {label}")

                reports.append(checked_ingest(principal, name, stored, settings=s, progress=step))
            text = report_markdown(labels, lang, reports, rejected, s.max_upload_mb)
        except Exception as exc:
            log.exception("upload failed")
            text = labels.text("library.error", lang, error=hide_paths(f"{type(exc).__name__}: {exc}"))
        return (text, None, *listing(name, lang, request))

    def do_remove(path: str | None, ws: str | None, lang: str, request: gr.Request) -> tuple:
        from assistant.runtime import get_store
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        if not path:
            return (labels.text("library.nothing_selected", lang), *(gr.skip(),) * 4)
        try:
            _, ws_name = allowed(ws, request)
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), *(gr.skip(),) * 4)
        store = get_store(s)
        doc = store.manifest.document(ws_name, path)
        name = doc.source if doc else Path(path).name
        with store.writing(ws_name):
            removed = store.remove(ws_name, path)
        upload_root = uploads_dir(s, ws_name).resolve()
        if removed and Path(path).resolve().parent == upload_root:
            Path(path).unlink(missing_ok=True)
        key = "library.removed" if removed else "library.not_found"
        return (labels.text(key, lang, name=name), *listing(ws_name, lang, request))

    def do_reindex(ws: str | None, lang: str, request: gr.Request, progress: gr.Progress = PROGRESS) -> tuple:
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        indexing = labels.text("library.indexing", lang)

        def step(done: float, total: int, label: str) -> None:
            if total:
                progress(min(done / total, 1.0), desc=f"{indexing}: {label}")

        try:
            principal, name = allowed(ws, request)
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), *(gr.skip(),) * 4)
        try:
            report = reindex(s, step, workspace=name, principal=principal)
            count_done = sum(1 for x in report.results if x.outcome.value != "failed")
            lines = [labels.text("library.reindexed", lang, count=count_done)]
            failed = report_markdown(labels, lang, [_only_problems(report)])
            text = "\n\n".join([*lines, failed] if failed else lines)
        except Exception as exc:
            log.exception("re-index failed")
            text = labels.text("library.error", lang, error=hide_paths(f"{type(exc).__name__}: {exc}"))
        return (text, *listing(name, lang, request))

    def pick(doc_paths: list[str], evt: gr.SelectData) -> Any:
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        if isinstance(row, int) and 0 <= row < len(doc_paths):
            return gr.update(value=doc_paths[row])
        return gr.skip()

    upload.click(do_upload, [files, workspace, ctx.lang], [report, files, *listing_outputs])
    remove.click(do_remove, [selected, workspace, ctx.lang], [message, *listing_outputs])
    refresh.click(listing, [workspace, ctx.lang], listing_outputs)
    reindex_button.click(do_reindex, [workspace, ctx.lang], [message, *listing_outputs])
    table.select(pick, paths, selected)
    ctx.lang.change(listing, [workspace, ctx.lang], listing_outputs)
    workspace.change(listing, [workspace, ctx.lang], listing_outputs)
    ctx.demo.load(listing, [workspace, ctx.lang], listing_outputs)


def _only_problems(report: Report) -> Report:
    """A copy of a report with only the files that did not go in cleanly."""
    from ingest.pipeline import Outcome, Report

    bad = {Outcome.FAILED, Outcome.NEEDS_OCR}
    return Report(workspace=report.workspace, results=[r for r in report.results if r.outcome in bad])
