"""Search latency alone versus while an ingest runs in another process (the target: under 2×).

Usage:
    python bench/ingest_while_search.py                  # corpus/ split in two halves
    python bench/ingest_while_search.py --nice 10        # the ingest process at lower CPU priority
    python bench/ingest_while_search.py --ingest-threads 1   # the ingest's embedder on one core
    python bench/ingest_while_search.py --rounds 2 --max-seconds 120
    python bench/ingest_while_search.py --in-process     # a Library-tab upload: a thread of the app
    python bench/ingest_while_search.py --in-process --plain-embedder   # the same without search-first

Set-up, all on loopback: a real Chroma server (``chroma run``), one data directory whose
SQLite manifest both processes share (WAL), and the first half of corpus/ indexed by this
process. Then this process times ``HybridRetriever.search`` end to end (query embedding,
Chroma query, BM25, fusion) over a fixed list of Thai and English questions: first alone,
then while ``edunet ingest`` (a separate process, ``EDUNET_CHROMA_MODE=server``, same data
dir) indexes the second half. Searching stops when the ingest ends (or after
``--max-seconds``). Reported: p50/p95 of both phases, their ratio, the number of searches
in each, the ingest's wall time, and the machine's load.

On a 2-core machine the ingest's embedder and the searches' query embedding compete for
the same cores; ``--nice N`` shows what running ingests at a lower priority buys, and
``--ingest-threads 1`` what leaving one core to the searches buys. Both set the product's
``EDUNET_INGEST_NICE`` / ``EDUNET_INGEST_THREADS`` for the ingest process.

``--in-process`` runs the ingest in a thread of the searching process instead, sharing its
embedder, as an upload in the app's Library tab does. The app turns on the embedder's
``search_first`` mode (queries before passages, and passages one at a time with pauses while
searches are being served); ``--plain-embedder`` shows the same ingest without it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO_ROOT, format_table, load_embedder, load_note, log, model_dir, percentile

from assistant.retrieval.hybrid import HybridRetriever
from ingest.pipeline import ingest
from ingest.store import Store
from ingest.vectors import chroma_client
from tests.fixtures.chroma import ChromaServer

WORKSPACE = "bench"
QUERIES = [
    "องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษามีอะไรบ้าง",
    "What are the components of an education collaboration network?",
    "ขั้นตอนการสร้างเครือข่ายความร่วมมือ",
    "When did the Personal Data Protection Act take effect?",
    "ปัจจัยความสำเร็จของเครือข่าย",
    "What does SDG 4 aim to ensure?",
    "บันทึกข้อตกลงความร่วมมือมีระยะเวลากี่ปี",
    "benefits of school networks for small schools",
    "แผนการศึกษาแห่งชาติ 20 ปี",
    "how to manage a collaboration network",
]


def split_corpus(target: Path) -> tuple[Path, Path]:
    """Copy corpus/'s Markdown files into two folders: every other file in each (Thai and English mixed)."""
    files = sorted(p for p in (REPO_ROOT / "corpus").rglob("*.md") if p.name.lower() != "readme.md")
    halves = (target / "first", target / "second")
    for i, path in enumerate(files):
        dest = halves[i % 2] / path.relative_to(REPO_ROOT / "corpus")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    return halves


class IngestThread:
    """The ingest in a thread of this process, sharing its store and embedder (as a Library-tab upload)."""

    def __init__(self, folder: Path, store: Store) -> None:
        import threading

        self.thread = threading.Thread(target=ingest, args=([folder], store), kwargs={"workspace": WORKSPACE})
        self.thread.start()

    def poll(self) -> int | None:
        """``None`` while the ingest runs, then 0 (the shape of ``Popen.poll``)."""
        return None if self.thread.is_alive() else 0

    def wait(self, timeout: float) -> None:
        self.thread.join(timeout)


def time_searches(
    retriever: HybridRetriever,
    rounds: int | None,
    until: subprocess.Popen | IngestThread | None,
    limit: float,
):
    """Search latencies (s): ``rounds`` passes over the queries, or passes until ``until`` exits."""
    latencies: list[float] = []
    started = time.monotonic()
    passes = 0
    while True:
        for query in QUERIES:
            t0 = time.perf_counter()
            retriever.search(query, 5)
            latencies.append(time.perf_counter() - t0)
        passes += 1
        if rounds is not None and passes >= rounds:
            return latencies
        if until is not None and until.poll() is not None:
            return latencies
        if time.monotonic() - started > limit:
            return latencies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="passes over the queries for the baseline")
    parser.add_argument("--nice", type=int, default=0, help="niceness of the ingest process")
    parser.add_argument(
        "--ingest-threads",
        type=int,
        default=0,
        help="torch threads of the ingest process (0: torch's choice)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="ingest in a thread of this process (as the Library tab does) instead of `edunet ingest`",
    )
    parser.add_argument(
        "--plain-embedder",
        action="store_true",
        help="with --in-process: without the app's search-first embedding (for comparison)",
    )
    parser.add_argument("--max-seconds", type=float, default=600, help="longest time to search during ingest")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="edunet-iws-"))
    server = ChromaServer.start(work / "chroma")
    try:
        first, second = split_corpus(work / "docs")
        data = work / "data"
        embedder = load_embedder()
        embedder.search_first = args.in_process and not args.plain_embedder  # as the app sets it
        store = Store.open(data, embedder, client=chroma_client(host=server.host, port=server.port))
        seeded = ingest([first], store, workspace=WORKSPACE)
        log(f"seeded {seeded.counts()['ingested']} documents; {load_note()}")
        retriever = HybridRetriever(store=store, workspace=WORKSPACE, k=5)
        time_searches(retriever, 1, None, args.max_seconds)  # warm-up
        alone = time_searches(retriever, args.rounds, None, args.max_seconds)
        note_alone = load_note()

        env = {k: v for k, v in os.environ.items() if not k.startswith("EDUNET_")}
        env.update(
            EDUNET_DATA_DIR=str(data),
            EDUNET_MODEL_DIR=str(model_dir()),
            EDUNET_WORKSPACE=WORKSPACE,
            EDUNET_CHROMA_MODE="server",
            EDUNET_CHROMA_HOST=server.host,
            EDUNET_CHROMA_PORT=str(server.port),
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
            ANONYMIZED_TELEMETRY="False",
            TOKENIZERS_PARALLELISM="false",
        )
        # the product's own settings (assistant/cli.py applies them before the embedder loads)
        env.update(EDUNET_INGEST_NICE=str(args.nice), EDUNET_INGEST_THREADS=str(args.ingest_threads or 0))
        command = [sys.executable, "-m", "assistant.cli", "ingest", str(second), "--json"]
        started = time.perf_counter()
        if args.in_process:
            proc: subprocess.Popen | IngestThread = IngestThread(second, store)
        else:
            proc = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        during = time_searches(retriever, None, proc, args.max_seconds)
        searched_for = time.perf_counter() - started
        try:
            proc.wait(timeout=args.max_seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        ingest_s = time.perf_counter() - started
        note_during = load_note()
        docs = len(store.documents(WORKSPACE))
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    where = (
        f"in a thread of this process (search-first {'off' if args.plain_embedder else 'on'})"
        if args.in_process
        else f"in another process (niceness {args.nice}, threads {args.ingest_threads or 'default'})"
    )
    p50a, p95a = percentile(alone, 50) * 1000, percentile(alone, 95) * 1000
    p50d, p95d = percentile(during, 50) * 1000, percentile(during, 95) * 1000
    print(
        f"\nSearch latency alone vs during an ingest {where} (Chroma server, shared manifest; "
        f"{docs} documents "
        f"at the end, ingest took {ingest_s:.0f} s, searched for {searched_for:.0f} s of it)"
    )
    print(
        format_table(
            ["phase", "searches", "p50 ms", "p95 ms", "machine"],
            [
                ["alone", len(alone), p50a, p95a, note_alone],
                ["during ingest", len(during), p50d, p95d, note_during],
            ],
        )
    )
    print(f"ratio during/alone: p50 {p50d / p50a:.2f}×, p95 {p95d / p95a:.2f}× (target < 2×)")


if __name__ == "__main__":
    main()
