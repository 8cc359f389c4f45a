"""Ingestion end to end with the real model: incremental, atomic, consistent, and tolerant of bad files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import IngestOptions, Outcome, ingest
from ingest.store import Store
from tests.fixtures.files import bad_inputs

ROOT = Path(__file__).resolve().parents[2]

TH_DOC = """---
title: การสื่อสารในเครือข่าย
type: framework
language: th
---
## ระบบการสื่อสาร

เครือข่ายความร่วมมือต้องมีช่องทางการสื่อสารที่ชัดเจน เช่น การประชุมประจำเดือน กลุ่มไลน์ของผู้ประสานงาน
และจดหมายข่าวออนไลน์ เพื่อให้สมาชิกทุกหน่วยงานรับรู้ความคืบหน้าและปัญหาได้ทันเวลา
"""

EN_DOC = """---
title: Resource sharing
type: guide
language: en
---
## Sharing a school bus

Three small schools in the cluster share one bus paid for by the sub-district administrative organisation.
The timetable is agreed every term and the fuel budget is split by the number of students.
"""


def consistent(store: Store, workspace: str = "default") -> None:
    """The invariant: vectors hold exactly the live chunks, and nothing is pending."""
    assert store.manifest.pending_chunk_ids(workspace) == []
    assert store.vectors.all_ids(workspace) == store.manifest.live_ids(workspace)
    for doc in store.documents(workspace):
        live = (
            store.manifest._conn()
            .execute("SELECT COUNT(*) FROM chunks WHERE doc_id = ? AND state = 'live'", (doc.id,))
            .fetchone()[0]
        )
        assert live == doc.chunks, doc.source


@pytest.fixture()
def docs_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "communication.th.md").write_text(TH_DOC, encoding="utf-8")
    (folder / "bus.en.md").write_text(EN_DOC, encoding="utf-8")
    return folder


def test_ingest_then_search_both_languages(store: Store, docs_dir: Path) -> None:
    report = ingest([docs_dir], store)
    assert report.ok and len(report.of(Outcome.INGESTED)) == 2
    hits = store.keyword("default", "ช่องทางการสื่อสาร", 3)
    assert hits and hits[0].source == "communication.th.md" and hits[0].page == 1
    assert hits[0].section == "ระบบการสื่อสาร"
    dense = store.dense("default", "How do schools share transport?", 2)
    assert dense[0].source == "bus.en.md"
    consistent(store)


def test_reingest_unchanged_does_nothing(store: Store, docs_dir: Path) -> None:
    ingest([docs_dir], store)
    before = store.manifest.live_ids("default")
    again = ingest([docs_dir], store)
    assert [r.outcome for r in again.results] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert store.manifest.live_ids("default") == before


def test_changed_file_replaces_its_chunks(store: Store, docs_dir: Path) -> None:
    ingest([docs_dir], store)
    path = docs_dir / "bus.en.md"
    path.write_text(EN_DOC.replace("bus", "minivan"), encoding="utf-8")
    report = ingest([docs_dir], store)
    assert [r.source for r in report.of(Outcome.REPLACED)] == ["bus.en.md"]
    assert store.keyword("default", "minivan", 5)
    assert not [h for h in store.keyword("default", "bus", 5) if h.source == "bus.en.md"]
    consistent(store)


def test_sync_forgets_deleted_files_and_remove_works(store: Store, docs_dir: Path) -> None:
    ingest([docs_dir], store)
    (docs_dir / "bus.en.md").unlink()
    report = ingest([docs_dir], store, sync=True)
    assert [r.source for r in report.of(Outcome.REMOVED)] == ["bus.en.md"]
    assert [d.source for d in store.documents("default")] == ["communication.th.md"]
    with store.writing("default"):
        assert store.remove("default", str((docs_dir / "communication.th.md").resolve()))
        assert not store.remove("default", "/no/such/file.md")
    assert store.documents("default") == []
    consistent(store)


def test_same_content_under_another_name_is_a_duplicate(store: Store, docs_dir: Path) -> None:
    (docs_dir / "copy.md").write_text(EN_DOC, encoding="utf-8")
    report = ingest([docs_dir], store)
    dup = report.of(Outcome.DUPLICATE)
    assert len(dup) == 1 and dup[0].duplicate_of in {"bus.en.md", "copy.md"}
    assert store.manifest.count_chunks("default") == sum(r.chunks for r in report.of(Outcome.INGESTED))
    consistent(store)


def test_bad_files_fail_one_by_one_and_the_rest_goes_in(store: Store, tmp_path: Path, docs_dir: Path) -> None:
    bad = bad_inputs(tmp_path / "bad")
    report = ingest([*bad.values(), docs_dir / "bus.en.md"], store)
    assert not report.ok
    assert [r.source for r in report.of(Outcome.INGESTED)] == ["bus.en.md"]
    by_name = {r.source: r for r in report.results}
    for words, path in bad.items():
        result = by_name[path.name]
        assert result.outcome in (Outcome.FAILED, Outcome.NEEDS_OCR), path.name
        assert words in result.reason, (path.name, result.reason)
    assert by_name["scan.pdf"].outcome == Outcome.NEEDS_OCR
    assert by_name["scan.pdf"].needs_ocr_pages == [1, 2]
    consistent(store)


def test_folder_walk_skips_readme_hidden_and_unsupported(store: Store, docs_dir: Path) -> None:
    (docs_dir / "README.md").write_text("# About this folder\n", encoding="utf-8")
    (docs_dir / ".hidden.md").write_text("secret", encoding="utf-8")
    (docs_dir / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    report = ingest([docs_dir], store)
    assert report.ok
    assert sorted(r.source for r in report.of(Outcome.SKIPPED)) == ["README.md", "data.csv"]
    assert len(report.of(Outcome.INGESTED)) == 2


def test_killed_midway_is_repaired_by_the_next_run(tmp_path: Path, model_dir: Path) -> None:
    """SIGKILL an ingest while it embeds, then re-run: nothing half-indexed, nothing lost."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(12):
        body = " ".join(
            f"Paragraph {j} of document {i} about network meeting number {i * 100 + j}." for j in range(60)
        )
        (folder / f"doc{i:02d}.txt").write_text(body, encoding="utf-8")
    data = tmp_path / "data"
    script = (
        "import sys; from pathlib import Path\n"
        "from ingest.embeddings import Embedder\nfrom ingest.store import Store\n"
        "from ingest.pipeline import ingest\n"
        f"store = Store.open(Path({str(data)!r}), Embedder({str(model_dir)!r}, batch_size=4))\n"
        f"ingest([Path({str(folder)!r})], store)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=ROOT)
    db = data / "edunet.db"
    deadline = time.time() + 240
    try:
        while time.time() < deadline:  # wait until a document is live and another one is half-way
            if db.exists():
                with sqlite3.connect(db, timeout=30) as conn:
                    try:
                        live = conn.execute("SELECT COUNT(*) FROM documents WHERE status='ready'").fetchone()[
                            0
                        ]
                        pending = conn.execute(
                            "SELECT COUNT(*) FROM chunks WHERE state='pending'"
                        ).fetchone()[0]
                    except sqlite3.OperationalError:
                        live = pending = 0
                if live >= 1 and pending > 0:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the ingest never reached the middle of a document")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    from ingest.embeddings import Embedder

    store = Store.open(data, Embedder(model_dir))
    assert store.manifest.pending_chunk_ids("default"), "the kill should have left pending chunks"
    report = ingest([folder], store)
    assert report.ok
    assert len(report.of(Outcome.INGESTED)) + len(report.of(Outcome.UNCHANGED)) == 12
    consistent(store)
    assert sum(d.chunks for d in store.documents("default")) == store.manifest.count_chunks("default")


def test_options_doc_type_override(store: Store, docs_dir: Path) -> None:
    from ingest.records import DocType

    ingest([docs_dir / "bus.en.md"], store, options=IngestOptions(doc_type=DocType.MOU))
    assert store.documents("default")[0].doc_type == "mou"
