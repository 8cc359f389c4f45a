"""Fault injection: ``kill -9`` the ingest at random points ten times, then re-run to completion.

Each round revises one to three files of a small copy of corpus/ (so every run has real work:
new versions replacing live ones), starts ``edunet ingest`` in a subprocess and SIGKILLs it.
Half the rounds kill after a seeded random delay (anywhere from start-up to publishing); the
other half watch the manifest and kill while a document's chunks are staged but not yet live,
so the hardest point is hit on a fast machine as on a slow one. After every kill a separate
process (tests/fixtures/consistency.py, so an embedded Chroma is only ever opened by one
process at a time) checks the store as the kill left it (nothing searchable may be incomplete),
runs the repair every write run starts with, and checks again: no pending rows, no orphan
vectors, no duplicates, BM25 rows exactly the live chunks. A last,
uninterrupted run must leave every file's newest version live.

A second test kills ``edunet ingest`` mid-OCR of a real four-page scan (once its first page is
in the OCR cache): nothing of the document may be in the index, and the re-run must index every
page, taking the pages read before the kill from the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.fixtures.env import subprocess_env

ROOT = Path(__file__).resolve().parents[2]
FILES = (
    "policy/sdg4.en.md",
    "policy/sdg4.th.md",
    "policy/pdpa-schools.en.md",
    "policy/national-education-plan.th.md",
    "framework/benefits.th.md",
    "framework/components.en.md",
)
"""A small slice of corpus/ (about 40 chunks), Thai and English, so each run takes seconds."""
ROUNDS = 10
SEED = 8_2026
MAX_DELAY_S = 12.0
"""Kills fall uniformly in [0.3, MAX_DELAY_S] s after start: from start-up (the model alone loads
in about 10 s on a busy 2-core machine) through staging, embedding and publishing."""
MID_DOCUMENT_ROUNDS = 5
"""Rounds that wait for staged (pending) chunks and kill then, after a further 0-0.05 s."""
POLL_S = 0.02
WORKSPACE = "default"


def ingest_env(data_dir: Path, model_dir: Path) -> dict[str, str]:
    """The environment of the ``edunet`` subprocesses: embedded Chroma, offline, one data dir."""
    return subprocess_env(data_dir, model_dir, WORKSPACE)


def db_state(db: Path) -> tuple[int, int]:
    """(pending chunks, ready documents) in the manifest right now; (0, 0) before it exists."""
    if not db.exists():
        return 0, 0
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            pending = conn.execute("SELECT COUNT(*) FROM chunks WHERE state = 'pending'").fetchone()[0]
            ready = conn.execute("SELECT COUNT(*) FROM documents WHERE status = 'ready'").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not written yet
        return 0, 0
    return int(pending), int(ready)


def check(data_dir: Path, expected: dict[str, str] | None) -> dict:
    """Run the consistency checker (check, repair, check) in its own process; returns its report."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.fixtures.consistency", str(data_dir), WORKSPACE, json.dumps(expected)],
        cwd=ROOT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"the checker failed:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def revise(docs: Path, rng: random.Random, round_no: int) -> list[str]:
    """Append a new paragraph to one to three random files (each then needs a replacing ingest)."""
    chosen = rng.sample(FILES, rng.randint(1, 3))
    for name in chosen:
        path = docs / name
        extra = (
            f"\n\nรอบปรับปรุงที่ {round_no}: เครือข่ายทบทวนแผนงานและรายงานผลต่อคณะกรรมการ"
            if name.endswith(".th.md")
            else f"\n\nRevision {round_no}: the network reviewed the plan and reported to the committee."
        )
        with path.open("a", encoding="utf-8") as fh:
            fh.write(extra + "\n")
    return chosen


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wait_for_staged_chunks(proc: subprocess.Popen, db: Path, extra: float, timeout: float = 180.0) -> float:
    """Wait until the ingest has staged (pending) chunks, then ``extra`` seconds more.

    Returns the seconds since the wait began. Returns early if the process ends first; the
    caller then counts the round as "finished first".
    """
    began = time.monotonic()
    while proc.poll() is None and time.monotonic() - began < timeout:
        if db_state(db)[0]:
            time.sleep(extra)
            break
        time.sleep(POLL_S)
    return time.monotonic() - began


def test_kill_9_at_random_points_then_rerun(tmp_path: Path, model_dir: Path) -> None:
    rng = random.Random(SEED)
    docs = tmp_path / "docs"
    for name in FILES:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "corpus" / name, docs / name)
    data = tmp_path / "data"
    env = ingest_env(data, model_dir)
    command = [sys.executable, "-m", "assistant.cli", "ingest", str(docs), "--json"]
    hit: Counter[str] = Counter()
    started = time.monotonic()

    staged_rounds = set(rng.sample(range(ROUNDS), MID_DOCUMENT_ROUNDS))
    for round_no in range(ROUNDS):
        if round_no:
            revise(docs, rng, round_no)
        delay = rng.uniform(0.3, MAX_DELAY_S)
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if round_no in staged_rounds:
            delay = wait_for_staged_chunks(proc, data / "edunet.db", extra=rng.uniform(0.0, 0.05))
        else:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=delay)
        if proc.poll() is None:
            pending, ready = db_state(data / "edunet.db")
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            hit["mid-document" if pending else "between documents" if ready else "start-up"] += 1
        else:
            assert proc.returncode == 0, proc.stderr.read().decode()[-3000:] if proc.stderr else ""
            hit["finished first"] += 1
        if proc.stderr is not None:
            proc.stderr.close()
        report = check(data, None)
        where = f"round {round_no}, killed after {delay:.1f} s"
        assert report["before"] == [], f"{where}: the killed run left something searchable broken"
        assert report["after"] == [], f"{where}: still inconsistent after the repair"
        assert report["dirty_after"] is None, f"{where}: the workspace is still marked dirty"

    final = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr[-3000:]
    counts = json.loads(final.stdout)["counts"]
    assert counts["failed"] == 0 and counts["duplicate"] == 0, counts
    expected = {name: sha256(docs / name) for name in FILES}
    report = check(data, expected)
    assert report["before"] == [] and report["after"] == [], report

    # The kills must have hit real work, not only start-up, for this test to mean anything.
    print(f"\nkill points: {dict(hit)}; {time.monotonic() - started:.0f} s in all")
    assert hit["mid-document"] >= 3, dict(hit)


# ---------------------------------------------------------------- kill -9 in the middle of OCR

SCANNED = "th10_rbru_improvement_report_59_image_only.pdf"
"""Four image-only Thai pages: every page goes through Tesseract (about 5 s a page on a free core)."""

INDEX_STATE = """
import json, sys
from pathlib import Path
from ingest.store import Store
from tests.fixtures.consistency import NoEmbedder
store = Store.open(Path(sys.argv[1]), NoEmbedder())
db = store.manifest._conn()
print(json.dumps({
    "documents": [[d.source, d.status, d.chunks] for d in store.manifest.documents(sys.argv[2])],
    "chunks": db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0],
    "vectors": sorted(store.vectors.all_ids(sys.argv[2])),
}))
"""
"""Prints what the index holds (documents, chunk rows of any state, vector ids) without repairing it."""


def index_state(data_dir: Path) -> dict:
    """The index as it is, read in a process of its own (one embedded Chroma per process at a time)."""
    result = subprocess.run(
        [sys.executable, "-c", INDEX_STATE, str(data_dir), WORKSPACE],
        cwd=ROOT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def cache_entries(cache_dir: Path) -> dict[str, int]:
    """The OCR cache's finished entries (one per page read), with their modification times."""
    return {p.name: p.stat().st_mtime_ns for p in cache_dir.rglob("*.txt")} if cache_dir.is_dir() else {}


def test_kill_9_mid_ocr_leaves_nothing_indexed_and_the_rerun_reuses_the_pages_read(
    tmp_path: Path, model_dir: Path, pdf_dir: Path
) -> None:
    if shutil.which("tesseract") is None:
        raise AssertionError("Tesseract is not installed: run scripts/ocr-deps.sh (make install does)")
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copyfile(pdf_dir / SCANNED, docs / SCANNED)
    data = tmp_path / "data"
    cache_dir = data / "cache" / "ocr"  # Settings.ocr_cache_dir
    command = [sys.executable, "-m", "assistant.cli", "ingest", str(docs), "--json"]
    # one page at a time, so the kill after the first page read surely leaves pages unread
    env = subprocess_env(data, model_dir, WORKSPACE, EDUNET_OCR="auto", EDUNET_INGEST_THREADS="1")
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 240
        while not cache_entries(cache_dir) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, f"the ingest ended before it was killed: {proc.stderr.read()[-2000:]!r}"
        assert cache_entries(cache_dir), "OCR did not start within 240 s"
        os.kill(proc.pid, signal.SIGKILL)  # kill -9 of the ingest itself, mid-OCR
        proc.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):  # its orphaned Tesseract, if still reading a page
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    read = cache_entries(cache_dir)
    assert 1 <= len(read) < 4, read  # killed mid-OCR: some pages read, some not

    # nothing of the document is in the index: no row, no chunk in any state, no vector
    state = index_state(data)
    assert state == {"documents": [], "chunks": 0, "vectors": []}, state
    report = check(data, None)
    assert report["before"] == [] and report["after"] == [], report

    # the re-run finishes, and the pages read before the kill come from the cache, not Tesseract
    env["EDUNET_INGEST_THREADS"] = "2"
    final = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr[-3000:]
    result = json.loads(final.stdout)
    assert result["counts"]["ingested"] == 1 and not result["counts"]["failed"], result["counts"]
    done = result["ingested"][0]
    assert done["source"] == SCANNED and done["pages"] == 4 and done["chunks"] > 0, done
    assert done["reason"] == f"pages 1–4 read by OCR ({len(read)} from the OCR cache)", done
    after = cache_entries(cache_dir)
    assert len(after) == 4 and {name: after[name] for name in read} == read  # not read or written again
    state = index_state(data)
    assert state["documents"] == [[SCANNED, "ready", done["chunks"]]] and state["chunks"] == done["chunks"]
    assert len(state["vectors"]) == done["chunks"]
    report = check(data, {SCANNED: sha256(docs / SCANNED)})
    assert report["before"] == [] and report["after"] == [], report
