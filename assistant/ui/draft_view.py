"""Showing a streamed draft in a tab: Markdown that grows section by section, then download files.

Usage (inside a tab's event handler, a generator):
    >>> events = stream_plan(form, ctx)                         # any tool's DraftEvent stream
    >>> for view in follow_draft(events, title="แผน", language="th"):
    ...     yield view.markdown, view.files, view.status        # → gr.Markdown, gr.File, gr.Markdown

Files are written under a fresh temporary folder per draft, which Gradio serves for
download (Gradio's own cache allows the system temp directory). The Markdown shown has no
remote images or links (:func:`assistant.ui.safe_text.plain_media`); the files keep the text.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.drafting.engine import Draft, DraftEvent, DraftEventKind, Section
from assistant.drafting.export import ExportFormat, export_files, sections_markdown, to_markdown
from assistant.ui.safe_text import plain_media


@dataclass
class DraftView:
    """What a tab shows at one step: the Markdown so far, the files once finished, a progress line."""

    markdown: str
    status: str
    files: list[str] = field(default_factory=list)
    draft: Draft | None = None


def follow_draft(
    events: Iterable[DraftEvent], title: str, language: str, progress_label: str = "{done}/{total}"
) -> Iterator[DraftView]:
    """Turn draft events into views; the last view carries the finished draft and its DOCX/MD files."""
    sections: list[Section] = []
    for event in events:
        if event.kind is DraftEventKind.SECTION and event.section is not None:
            sections.append(event.section)
            text = plain_media(f"# {title}\n\n" + sections_markdown(sections, language))
            yield DraftView(text, progress_label.format(done=event.done, total=event.total))
        elif event.kind is DraftEventKind.FINAL and event.draft is not None:
            draft = event.draft
            folder = Path(tempfile.mkdtemp(prefix=f"edunet-{draft.kind}-"))
            paths = export_files(draft, folder, draft.kind)
            files = [str(paths[ExportFormat.DOCX]), str(paths[ExportFormat.MARKDOWN])]
            yield DraftView(plain_media(to_markdown(draft)), "", files, draft)
