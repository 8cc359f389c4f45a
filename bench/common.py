"""Helpers shared by the benchmark scripts in ``bench/``.

Everything here is small and dependency-free beyond what the app already uses:
offline environment set-up, locating (or building) the embedding model, a few
embedder wrappers that let a benchmark time or short-cut parts of the library
without changing it, percentiles, peak memory and plain-text tables.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
"""The repository root (the folder holding ``ingest/`` and ``assistant/``)."""

SHARED_TESTDATA = REPO_ROOT.parent / "shared" / "testdata"
"""``../shared/testdata`` relative to the repository root (XQuAD files, real PDFs)."""

DEFAULT_MODEL_DIR = Path.home() / ".cache" / "edunet-test" / "e5-small"
"""The model folder used when ``EDUNET_MODEL_DIR`` is not set (the test suite's shared build)."""

OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}

if str(REPO_ROOT) not in sys.path:  # make `ingest` / `assistant` importable when run as a script
    sys.path.insert(0, str(REPO_ROOT))


def setup_offline_env() -> None:
    """Force the offline switches (Hugging Face, transformers, Chroma telemetry) for this process."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


setup_offline_env()

from ingest.embeddings import Embedder, build_e5_folder  # noqa: E402  (after the env is set)


def model_dir() -> Path:
    """The embedding model folder: ``$EDUNET_MODEL_DIR`` or the test cache; built once when missing."""
    value = os.environ.get("EDUNET_MODEL_DIR")
    path = Path(value).expanduser() if value else DEFAULT_MODEL_DIR
    if not (path / "modules.json").is_file():
        print(f"[bench] building the embedding model into {path} (one-off, about a minute)", file=sys.stderr)
        build_e5_folder(path, progress=lambda msg: print(f"[bench] {msg}", file=sys.stderr))
    return path


def load_embedder(batch_size: int = 16) -> Embedder:
    """An :class:`Embedder` over :func:`model_dir`, loaded eagerly so load time is not benchmarked later."""
    embedder = Embedder(model_dir(), batch_size=batch_size)
    embedder.embed_query("warm-up")
    return embedder


class TimedEmbedder:
    """Wraps an embedder and adds up the wall time spent in ``embed_passages`` and ``embed_query``.

    Used to see how much of an ingest run is the model itself versus everything
    around it, without touching the pipeline.
    """

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_dir = inner.model_dir
        self.passage_seconds = 0.0
        self.passages = 0
        self.query_seconds = 0.0

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[list[float]]:
        """Embed passages through the wrapped embedder, timing the call."""
        start = time.perf_counter()
        out = self.inner.embed_passages(texts, progress=progress)
        self.passage_seconds += time.perf_counter() - start
        self.passages += len(texts)
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed one query through the wrapped embedder, timing the call."""
        start = time.perf_counter()
        out = self.inner.embed_query(text)
        self.query_seconds += time.perf_counter() - start
        return out

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed several queries through the wrapped embedder, timing the call."""
        start = time.perf_counter()
        out = self.inner.embed_queries(texts)
        self.query_seconds += time.perf_counter() - start
        return out


class PrecomputedQueryEmbedder:
    """An embedder whose ``embed_query`` answers from a table of vectors computed in one batch.

    Queries not in the table (or all queries while ``enabled`` is False) go to the
    wrapped embedder, so the library's own code paths (``HybridRetriever``,
    ``Store.dense``) run unchanged while the model cost is paid once, in batches.
    """

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_dir = inner.model_dir
        self.table: dict[str, list[float]] = {}
        self.enabled = True
        self.misses = 0

    def precompute(self, queries: Sequence[str]) -> float:
        """Embed the queries not yet in the table with ``embed_queries``; returns the seconds it took."""
        todo = [q for q in dict.fromkeys(queries) if q not in self.table]
        start = time.perf_counter()
        for query, vector in zip(todo, self.inner.embed_queries(todo), strict=True):
            self.table[query] = vector
        return time.perf_counter() - start

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[list[float]]:
        """Passages always go to the wrapped embedder."""
        return self.inner.embed_passages(texts, progress=progress)

    def embed_query(self, text: str) -> list[float]:
        """The precomputed vector of ``text`` when known and enabled, else the model's."""
        if self.enabled:
            vector = self.table.get(text)
            if vector is not None:
                return vector
            self.misses += 1
        return self.inner.embed_query(text)


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t: ...`` then ``t[0]`` holds the wall seconds, ``t[1]`` the process CPU seconds.

    CPU seconds add up every thread of this process (torch runs several), so on an
    idle 2-core machine they can reach twice the wall time; on a busy machine they
    grow less than the wall time does, which helps to tell contention from real cost.
    """
    box = [0.0, 0.0]
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start
        box[1] = time.process_time() - cpu


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (0-100) of ``values`` with linear interpolation; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * pct / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def peak_rss_mib() -> float:
    """This process's peak resident set size in MiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cpu_pressure() -> float | None:
    """Linux PSI: % of the last 60 s in which some runnable task waited for a CPU (None if unknown)."""
    try:
        line = Path("/proc/pressure/cpu").read_text(encoding="ascii").splitlines()[0]
    except (OSError, IndexError):
        return None
    fields = dict(part.split("=", 1) for part in line.split()[1:])
    try:
        return float(fields["avg60"])
    except (KeyError, ValueError):
        return None


def load_note() -> str:
    """Load averages, CPU count and CPU pressure, to judge how noisy a timing is."""
    one, five, fifteen = os.getloadavg()
    note = f"load avg {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"
    pressure = cpu_pressure()
    return note if pressure is None else f"{note}, CPU pressure {pressure:.0f}%"


def wait_for_quiet(max_wait_s: float, threshold: float = 1.0, poll_s: float = 10.0) -> bool:
    """Wait up to ``max_wait_s`` for the 1-minute load average to fall below ``threshold``.

    Timings on a shared machine are only meaningful when nothing else is running;
    returns True when it got quiet, False when it gave up (the run goes on anyway).
    """
    deadline = time.monotonic() + max_wait_s
    while os.getloadavg()[0] >= threshold:
        if time.monotonic() >= deadline:
            log(f"machine still busy after {max_wait_s:.0f}s ({load_note()}); timing anyway")
            return False
        time.sleep(poll_s)
    return True


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: columns padded to their widest cell, numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [_numeric_column([r[i] for r in rows]) for i in range(len(widths))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(list(headers)), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """The same table in Markdown, ready for the README."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out.extend("| " + " | ".join(_cell(v) for v in row) + " |" for row in rows)
    return "\n".join(out)


def _numeric_column(values: Sequence[object]) -> bool:
    """True when a column holds numbers (blank cells allowed), so it is right-aligned."""
    filled = [v for v in values if v != ""]
    return bool(filled) and all(isinstance(v, int | float) for v in filled)


def _cell(value: object) -> str:
    """One table cell: floats with 3 significant-ish decimals (fewer when large), the rest as str."""
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if abs(value) >= 100:
            return f"{value:.1f}"
        return f"{value:.2f}" if abs(value) >= 10 else f"{value:.3f}"
    return str(value)


def log(message: str) -> None:
    """Progress lines go to stderr so the final table on stdout stays clean."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)
