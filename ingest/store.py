"""The index of one data directory: the SQLite manifest (with BM25) plus Chroma vectors.

Usage:
    >>> store = Store.open(Path("data"), embedder)                       # embedded Chroma
    >>> store = Store.open(Path("data"), embedder, client=chroma_client(host="127.0.0.1"))
    >>> store.keyword("default", "MOU", k=5)

The manifest decides what is searchable: vector hits are kept only when their chunk is
live in the manifest, so a document whose ingest was killed midway is invisible until
``repair`` cleans up what it left behind.

One index, several processes (the app and ``edunet ingest``): every write to the vectors
holds a lock file beside the manifest (``.index.lock``, across processes) and then stamps a
new index generation into the manifest; before each read, a process whose embedded Chroma
client was opened at an older generation reopens it (see :class:`ingest.vectors.EmbeddedChroma`).
A writer also reopens a stale client before it writes, so two writers never overwrite each
other's vectors. With Chroma's server the reopen is not needed; the lock and stamp are harmless.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.layout import chroma_path, manifest_path
from ingest.locks import file_lock
from ingest.manifest import NO_FILTERS, DocumentRow, Filters, Manifest
from ingest.records import Hit, check_workspace
from ingest.vectors import Coordinator, EmbeddedChroma, TextEmbedder, VectorIndex

log = logging.getLogger(__name__)

GENERATION = "index_generation"
"""The manifest state key of the index generation: a new random stamp after every vector write."""


@dataclass
class RepairReport:
    """What ``Store.repair`` cleaned up after an interrupted run."""

    pending_dropped: int = 0
    orphans_deleted: int = 0


class Store:
    """Manifest + vectors for every workspace of one installation."""

    def __init__(self, manifest: Manifest, vectors: VectorIndex) -> None:
        self.manifest = manifest
        self.vectors = vectors
        vectors.coordinator = IndexCoordinator(manifest, vectors.embedded)

    @classmethod
    def open(cls, data_dir: Path, embedder: TextEmbedder, client: Any | None = None) -> Store:
        """Open (or create) the store under ``data_dir``; Chroma is embedded unless a client is given.

        The embedded client is this process's :class:`EmbeddedChroma` of ``<data_dir>/chroma``,
        reopened whenever another process has written to the index.
        """
        data_dir = Path(data_dir)
        manifest = Manifest(manifest_path(data_dir))
        client = client if client is not None else EmbeddedChroma.at(chroma_path(data_dir))
        return cls(manifest, VectorIndex(client, embedder))

    @property
    def generation(self) -> str | None:
        """The index generation: changes whenever any process writes vectors."""
        return self.manifest.get_state(GENERATION)

    # -------------------------------------------------------------- writes

    @contextlib.contextmanager
    def writing(self, workspace: str):
        """Mark a workspace as being written, repairing first what an earlier killed run left.

        Writers of one workspace take turns through a lock file beside the manifest (held by
        the process, released by the kernel if it is killed): otherwise a second process's
        repair would drop the pending chunks of an ingest still running in another one.
        """
        check_workspace(workspace)
        with file_lock(self.manifest.path.parent / f"writing-{workspace}"):
            self.repair(workspace)
            self.manifest.set_state(f"dirty:{workspace}", "1")
            yield self
            self.manifest.set_state(f"dirty:{workspace}", None)

    def repair(self, workspace: str) -> RepairReport:
        """Drop chunks of unfinished ingests and vectors the manifest no longer knows."""
        report = RepairReport()
        pending = self.manifest.pending_chunk_ids(workspace)
        if pending:
            self.vectors.delete(workspace, pending)
            report.pending_dropped = len(pending)
        self.manifest.drop_pending(workspace)
        if self.manifest.get_state(f"dirty:{workspace}") or pending:
            orphans = sorted(self.vectors.all_ids(workspace) - self.manifest.live_ids(workspace))
            self.vectors.delete(workspace, orphans)
            report.orphans_deleted = len(orphans)
            self.manifest.set_state(f"dirty:{workspace}", None)
        if report.pending_dropped or report.orphans_deleted:
            log.info("repaired %s: %s", workspace, report)
        return report

    def remove(self, workspace: str, path: str) -> bool:
        """Remove one document (by its stored path) from the manifest and the vectors."""
        ids = self.manifest.remove(workspace, path)
        if ids is None:
            return False
        self.vectors.delete(workspace, ids)
        return True

    # -------------------------------------------------------------- reads

    def documents(self, workspace: str) -> list[DocumentRow]:
        return self.manifest.documents(check_workspace(workspace))

    def keyword(self, workspace: str, query: str, k: int, filters: Filters = NO_FILTERS) -> list[Hit]:
        """BM25 hits, best first."""
        return self.manifest.keyword_search(check_workspace(workspace), query, k, filters)

    def dense(
        self,
        workspace: str,
        query: str,
        k: int,
        filters: Filters = NO_FILTERS,
        vector: list[float] | None = None,
        score_vector: list[float] | None = None,
    ) -> list[Hit]:
        """Nearest-neighbour hits (cosine similarity), best first, live chunks only.

        ``vector``/``score_vector``: search with one vector, score by another (see
        :meth:`ingest.vectors.VectorIndex.search`).
        """
        check_workspace(workspace)
        if self.manifest.count_chunks(workspace) == 0:
            return []
        found = self.vectors.search(
            workspace, query, k, where=filters.chroma_where(), vector=vector, score_vector=score_vector
        )
        rows = self.manifest.hits([cid for cid, _ in found])
        hits = []
        for cid, score in found:
            if cid in rows:
                hit = rows[cid]
                hit.score = score
                hits.append(hit)
        return hits

    def status(self, workspace: str) -> dict:
        """Counts for ``edunet status``: documents by status, live chunks and vectors."""
        docs = self.documents(workspace)
        by_status: dict[str, int] = {}
        for d in docs:
            by_status[d.status] = by_status.get(d.status, 0) + 1
        return {
            "workspace": workspace,
            "documents": len(docs),
            "by_status": by_status,
            "chunks": self.manifest.count_chunks(workspace),
            "vectors": self.vectors.count(workspace),
        }


class IndexCoordinator(Coordinator):
    """Reads see the newest index, writes take turns across processes (see the module's notes)."""

    def __init__(self, manifest: Manifest, embedded: EmbeddedChroma | None) -> None:
        self.manifest = manifest
        self.embedded = embedded
        self.lock_path = manifest.path.parent / "index"

    def _guard(self) -> contextlib.AbstractContextManager:
        return self.embedded.lock if self.embedded is not None else contextlib.nullcontext()

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        with self._guard():
            if self.embedded is not None:
                self.embedded.sync(self.manifest.get_state(GENERATION))
            yield

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with file_lock(self.lock_path), self._guard():
            if self.embedded is not None:
                self.embedded.sync(self.manifest.get_state(GENERATION))
            try:
                yield
            finally:  # even a failed write may have changed part of the index
                stamp = secrets.token_hex(8)
                self.manifest.set_state(GENERATION, stamp)
                if self.embedded is not None:
                    self.embedded.mark(stamp)
