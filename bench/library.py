"""The benchmark library: the starter corpus, the seed article and the readable real PDFs, indexed twice.

Usage (from another bench script)::

    from library import BenchLibrary
    lib = BenchLibrary.build(embedder)          # ours, cached under ~/.cache/edunet-bench/real-*
    store, workspace = lib.store, lib.workspace
    peer = lib.peer()                           # the LangChain tutorial pipeline over the same files

Both sides index the same files under the same source names: ``corpus/`` files by their
path inside it (``framework/components.th.md``), PDFs and the seed article by file name.
Our index is kept between runs in a folder named after the ingest code and the chunk size,
so a change to chunking rebuilds it and anything else reuses it; the peer's folder is
keyed the same way by its own settings.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from common import REPO_ROOT, SHARED_TESTDATA, log

from ingest.pipeline import discover, ingest
from ingest.store import Store

CACHE = Path.home() / ".cache" / "edunet-bench"
SEED = SHARED_TESTDATA.parent / "seeds" / "000_cccabdab49c1be32.txt"
PDF_DIR = SHARED_TESTDATA / "pdf"
WORKSPACE = "bench"
INGEST_CODE = (
    "ingest/chunking.py",
    "ingest/structure.py",
    "ingest/pipeline.py",
    "ingest/lexical.py",
    "ingest/loaders.py",
    "ingest/thai.py",
    "ingest/manifest.py",
    "assistant/retrieval/glossary.py",
    "corpus/glossary.yaml",
)
"""The files whose change re-indexes the library (a new cache folder)."""


def library_files() -> list[tuple[Path, str]]:
    """(path, source name) of every file in the benchmark library, as ``ingest`` names them."""
    found, _ = discover([REPO_ROOT / "corpus", PDF_DIR, SEED])
    return found


def _code_key(chunk_target: int) -> str:
    digest = hashlib.sha256(str(chunk_target).encode())
    for name in INGEST_CODE:
        digest.update((REPO_ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class BenchLibrary:
    """Our index of the benchmark library (a Store and its workspace) and the files it holds."""

    store: Store
    workspace: str
    files: list[tuple[Path, str]]
    embedder: object

    @classmethod
    def build(cls, embedder: object, chunk_target: int = 700) -> BenchLibrary:
        """Open (building when missing) our index of the library with chunks of about ``chunk_target``."""
        from assistant.retrieval.runtime import chunker_for

        missing = [p for p in (PDF_DIR, SEED) if not p.exists()]
        if missing:
            sys.exit(f"the benchmark needs ../shared/testdata and the seed article: {missing[0]} is missing")
        folder = CACHE / f"real-{chunk_target}-{_code_key(chunk_target)}"
        store = Store.open(folder, embedder)  # type: ignore[arg-type]
        files = library_files()
        from assistant.retrieval.runtime import ingest_options

        options = replace(ingest_options(), chunker=chunker_for(chunk_target))
        report = ingest(
            [REPO_ROOT / "corpus", PDF_DIR, SEED],
            store,
            workspace=WORKSPACE,
            options=options,
            progress=_every_file("ours"),
        )
        counts = {k: v for k, v in report.counts().items() if v}
        log(f"ours: {counts}, {store.manifest.count_chunks(WORKSPACE)} chunks in {folder}")
        return cls(store=store, workspace=WORKSPACE, files=files, embedder=embedder)

    def peer(self):
        """The LangChain tutorial pipeline over the same files (indexed once, then reused)."""
        from tutorial_peer import TutorialPeer

        peer = TutorialPeer(self.embedder, CACHE / "tutorial-peer")
        chunks = peer.index(self.files, progress=_every_file("peer"))
        log(f"peer: {chunks} chunks")
        return peer


def _every_file(who: str):
    """A progress callback that logs each new file once."""
    seen: set[str] = set()

    def report(done: float, total: int, label: str) -> None:
        if label not in seen and label != "done":
            seen.add(label)
            log(f"{who}: {int(done) + 1}/{total} {label}")

    return report
