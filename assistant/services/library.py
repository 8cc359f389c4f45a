"""Library: a workspace's documents: list, upload (stored under safe names, then indexed), remove, re-index.

Usage:
    >>> from assistant.services.library import LibraryService
    >>> service = LibraryService(settings)
    >>> service.documents(principal, "net-a").documents       # newest first
    >>> done = service.upload(principal, "net-a", ["/tmp/gradio/…/แผน งาน.pdf"], progress=step)
    >>> done.reports, done.rejected                           # ingest reports; (name, problem) refused
    >>> service.remove(principal, "net-a", path).removed
    >>> service.reindex(principal, "net-a", progress=step)

Uploads are copied from the front end's temporary files into ``<data_dir>/uploads/<workspace>/``
under a sanitised name (:func:`safe_name`; the browser's file name is never used as a path) and
then ingested with :func:`assistant.access.workspaces.checked_ingest`. Uploading a file with the same
stored name again replaces that document. Removing a document also deletes its uploaded copy.
Every method checks the caller's access before any file is stored or the index is touched.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.services.base import Service
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from ingest.manifest import DocumentRow
    from ingest.pipeline import Report
    from ingest.store import Store

log = logging.getLogger(__name__)

SUPPORTED = (".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm")
"""File types an upload may have (the loaders' supported suffixes)."""
MAX_NAME_BYTES = 180
"""Longest stored file name in UTF-8 bytes (file systems allow 255; Thai letters take 3 each)."""

Progress = Callable[[float, int, str], None]
"""``progress(done, total, label)``, as :func:`ingest.pipeline.ingest` calls it."""


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
    return settings.uploads_dir(workspace or settings.workspace)


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


# ---------------------------------------------------------------- results


@dataclass
class Listing:
    """A workspace's documents, newest first, and the chunks of the ready ones."""

    workspace: str
    documents: list[DocumentRow] = field(default_factory=list)

    @property
    def chunks(self) -> int:
        return sum(d.chunks for d in self.documents if d.status == "ready")


@dataclass
class UploadResult:
    """What an upload did: the ingest reports, and the files refused as ``(name, problem)``."""

    workspace: str
    reports: list[Report] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Removal:
    """A document removed (``removed`` False: it was not in the index); ``name`` is its source name."""

    name: str
    removed: bool


# ---------------------------------------------------------------- the service


class LibraryService(Service):
    """The Library use cases over the process's store (:func:`assistant.retrieval.runtime.get_store`)."""

    def __init__(self, settings: Settings | None = None, store: Store | None = None) -> None:
        super().__init__(settings)
        self._store = store

    @property
    def store(self) -> Store:
        if self._store is None:
            from assistant.retrieval.runtime import get_store

            return get_store(self.settings)
        return self._store

    def documents(self, principal: Principal, workspace: str | None = None) -> Listing:
        """The workspace's documents, newest first."""
        ws = self.workspace(principal, workspace)
        docs = sorted(self.store.documents(ws), key=lambda d: (-d.updated_at, d.source))
        return Listing(ws, docs)

    def upload(
        self,
        principal: Principal,
        workspace: str | None,
        files: Iterable[str | Path],
        *,
        progress: Progress | None = None,
    ) -> UploadResult:
        """Store the uploaded files under safe names and index them (refused before any file is stored)."""
        from assistant.access.workspaces import checked_ingest

        s = self.settings
        ws = self.workspace(principal, workspace)
        stored, rejected = store_uploads(files, uploads_dir(s, ws), s.max_upload_mb * 2**20)
        done = UploadResult(ws, rejected=rejected)
        if stored:
            report = checked_ingest(principal, ws, stored, settings=s, store=self._store, progress=progress)
            done.reports.append(report)
        return done

    def remove(self, principal: Principal, workspace: str | None, path: str) -> Removal:
        """Remove a document from the index, and its uploaded copy."""
        ws = self.workspace(principal, workspace)
        store = self.store
        doc = store.manifest.document(ws, path)
        name = doc.source if doc else Path(path).name
        with store.writing(ws):
            removed = store.remove(ws, path)
        upload_root = uploads_dir(self.settings, ws).resolve()
        if removed and Path(path).resolve().parent == upload_root:
            Path(path).unlink(missing_ok=True)
        return Removal(name, removed)

    def reindex(
        self, principal: Principal, workspace: str | None = None, *, progress: Progress | None = None
    ) -> Report:
        """Re-index every document of the workspace from its file (source names and types are kept)."""
        from assistant.retrieval.runtime import ingest_options
        from ingest.pipeline import reindex as reindex_all

        ws = self.workspace(principal, workspace)
        return reindex_all(self.store, workspace=ws, options=ingest_options(self.settings), progress=progress)


def reindex(
    settings: Settings,
    progress: Progress | None = None,
    *,
    workspace: str | None = None,
    principal: Principal,
) -> Report:
    """Re-index every document of a workspace (default: the settings' one) from its file.

    Source names and types are kept. WorkspaceAccessError is raised before the index is
    touched unless ``principal`` may use the workspace.
    """
    return LibraryService(settings).reindex(principal, workspace, progress=progress)
