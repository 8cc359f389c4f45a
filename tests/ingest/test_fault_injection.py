"""Fault injection: ``kill -9`` the ingest at random points ten times, then re-run to completion.

Each round revises one to three files of a small copy of corpus/ (so every run has real work:
new versions replacing live ones), starts ``edunet ingest`` in a subprocess and SIGKILLs it
after a seeded random delay. After every kill a separate process (tests/fixtures/consistency.py,
so an embedded Chroma is only ever opened by one process at a time) checks the store as the
kill left it (nothing searchable may be incomplete), runs the repair every write run starts
with, and checks again: no pending rows, no orphan vectors, no duplicates, BM25 rows exactly
the live chunks. A last, uninterrupted run must leave every file's newest version live.
"""

from __future__ import annotations

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

    for round_no in range(ROUNDS):
        if round_no:
            revise(docs, rng, round_no)
        delay = rng.uniform(0.3, MAX_DELAY_S)
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
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
