"""The index of one data directory: the SQLite manifest (with BM25) plus Chroma vectors.

Usage:
    >>> store = Store.open(Path("data"), embedder)                       # embedded Chroma
    >>> store = Store.open(Path("data"), embedder, client=chroma_client(host="127.0.0.1"))
    >>> store.keyword("default", "MOU", k=5)

The manifest decides what is searchable: vector hits are kept only when their chunk is
live in the manifest, so a document whose ingest was killed midway is invisible until
``repair`` cleans up what it left behind.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.locks import file_lock
from ingest.manifest import NO_FILTERS, DocumentRow, Filters, Manifest
from ingest.records import Hit, check_workspace
from ingest.vectors import TextEmbedder, VectorIndex, chroma_client

log = logging.getLogger(__name__)


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

    @classmethod
    def open(cls, data_dir: Path, embedder: TextEmbedder, client: Any | None = None) -> Store:
        """Open (or create) the store under ``data_dir``; Chroma is embedded unless a client is given."""
        data_dir = Path(data_dir)
        manifest = Manifest(data_dir / "edunet.db")
        client = client if client is not None else chroma_client(path=data_dir / "chroma")
        return cls(manifest, VectorIndex(client, embedder))

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
    ) -> list[Hit]:
        """Nearest-neighbour hits (cosine similarity), best first, live chunks only."""
        check_workspace(workspace)
        if self.manifest.count_chunks(workspace) == 0:
            return []
        found = self.vectors.search(workspace, query, k, where=filters.chroma_where(), vector=vector)
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
