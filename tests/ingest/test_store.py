"""One embedded index shared by processes: a CLI ingest is searchable in a running process, and two
writers at once lose and duplicate nothing.

Chroma's embedded client is not process-safe (chroma-core/chroma#3792): without the store's
generation stamp, a process that has queried keeps its vector index and never sees what
``edunet ingest`` adds (``get`` does, ``query`` does not). These tests run real processes on
one data folder in the default embedded mode.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from ingest.pipeline import ingest
from ingest.store import Store
from tests.fixtures.consistency import assert_consistent
from tests.fixtures.env import subprocess_env

ROOT = Path(__file__).resolve().parents[2]

BODY = (
    "The {name} cluster of small rural schools shares teachers, a school bus and a science lab. "
    "A partner university trains the teachers of the {name} cluster every term. "
)


def write_docs(folder: Path, names: list[str], repeat: int = 4) -> dict[str, str]:
    """One English Markdown file per code word; returns {code word: source name}."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = {}
    for name in names:
        paragraphs = "\n\n".join(f"{BODY.format(name=name)} ({name} {j})" for j in range(repeat))
        source = f"{name}.en.md"
        text = f"---\ntitle: The {name} network\nlanguage: en\n---\n## {name}\n\n{paragraphs}\n"
        (folder / source).write_text(text, encoding="utf-8")
        sources[name] = source
    return sources


def cli(data: Path, model_dir: Path, *args: str, workspace: str = "default") -> subprocess.Popen:
    """``edunet`` in another process, embedded Chroma over ``data``."""
    env = subprocess_env(data, model_dir, workspace, EDUNET_BACKEND="none", EDUNET_INGEST_NICE="0")
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def dense_top(store: Store, workspace: str, query: str) -> str | None:
    """The source of the best vector hit only (no keywords): what a stale Chroma client gets wrong."""
    hits = store.dense(workspace, query, k=3)
    return hits[0].source if hits else None


def test_a_cli_ingest_is_searchable_in_a_running_process_within_5_s(
    tmp_path: Path, embedder, model_dir: Path
) -> None:
    data = tmp_path / "data"
    seed = write_docs(tmp_path / "seed", ["kestrel"])
    store = Store.open(data, embedder)
    assert ingest([tmp_path / "seed"], store).ok
    assert dense_top(store, "default", "kestrel cluster") == seed["kestrel"]  # the index is loaded here

    new = write_docs(tmp_path / "new", ["osprey", "heron"])
    proc = cli(data, model_dir, "ingest", str(tmp_path / "new"), "--json")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    assert json.loads(out)["counts"]["ingested"] == 2
    finished = time.monotonic()
    found: dict[str, str | None] = {}
    while time.monotonic() - finished < 5 and set(found.values()) != set(new.values()):
        found = {name: dense_top(store, "default", f"{name} cluster") for name in new}
    assert found == new, f"not searchable here within 5 s of the CLI ingest: {found}"
    assert store.vectors.embedded is not None and store.vectors.embedded.reopened >= 1
    assert_consistent(store, "default", expected_sources={*seed.values(), *new.values()})


def test_an_upload_here_and_a_cli_ingest_at_once_lose_and_duplicate_nothing(
    tmp_path: Path, embedder, model_dir: Path
) -> None:
    """This process (the app's upload) and ``edunet ingest`` write one workspace at the same time.

    The workspace must end with exactly the chunks a clean ingest of both folders gives, each with
    its vector, and every document must be the best vector hit for its own code word, here and in
    a fresh process. Both processes have the index open before either writes (as the app does).
    """
    here_names, there_names = ["plover", "avocet", "bittern"], ["curlew", "dunlin", "godwit"]
    seed = write_docs(tmp_path / "seed", ["kestrel"])
    here = write_docs(tmp_path / "here", here_names, repeat=10)
    there = write_docs(tmp_path / "there", there_names, repeat=10)
    everything = {**seed, **here, **there}
    clean = Store.open(tmp_path / "clean", embedder)
    for folder in ("seed", "here", "there"):
        assert ingest([tmp_path / folder], clean).ok
    expected = clean.manifest.count_chunks("default")

    data = tmp_path / "data"
    store = Store.open(data, embedder)
    assert ingest([tmp_path / "seed"], store).ok
    assert dense_top(store, "default", "kestrel cluster") == seed["kestrel"]  # loaded here
    proc = cli(data, model_dir, "ingest", str(tmp_path / "there"), "--json")
    deadline = time.monotonic() + 300
    while not store.manifest.pending_chunk_ids("default"):  # the CLI is mid-document
        if proc.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    upload: list = []

    def upload_here() -> None:
        upload.append(ingest([tmp_path / "here"], store))

    worker = threading.Thread(target=upload_here)
    worker.start()
    out, err = proc.communicate(timeout=600)
    worker.join(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    assert json.loads(out)["counts"]["ingested"] == 3
    assert upload and upload[0].ok and len(upload[0].results) == 3

    assert store.manifest.count_chunks("default") == expected
    assert store.vectors.count("default") == expected
    assert_consistent(store, "default", expected_sources=set(everything.values()))
    for name, source in everything.items():
        assert dense_top(store, "default", f"{name} cluster") == source, name

    # a fresh process reads the same index: the same count, every document found by its vectors
    script = (
        "import json, sys\n"
        "from assistant.retrieval.runtime import get_store\n"
        "s = get_store()\n"
        "tops = {n: [h.source for h in s.dense('default', n + ' cluster', 3)][:1] for n in sys.argv[1:]}\n"
        "print(json.dumps([s.vectors.count('default'), tops]))\n"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", script, *everything],
        cwd=ROOT,
        env=subprocess_env(data, model_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert fresh.returncode == 0, fresh.stderr[-2000:]
    count, tops = json.loads(fresh.stdout.strip().splitlines()[-1])
    assert count == expected
    assert tops == {name: [source] for name, source in everything.items()}
