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

from ingest import pipeline
from ingest.lexical import FTS_TOKENIZER
from ingest.manifest import Manifest
from ingest.pipeline import INDEX_VERSION, IngestOptions, Outcome, ingest
from ingest.records import Chunk, DocType, DocumentMeta, Language
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


def test_folder_ingest_does_not_follow_links_out_of_the_folder(
    store: Store, tmp_path: Path, docs_dir: Path
) -> None:
    """A link to a file or a folder outside is skipped with the reason; a link inside is read once."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text("# Salaries\n\nThe director's salary is 98,765 baht a month, strictly private.\n")
    (docs_dir / "secret.md").symlink_to(secret)
    (docs_dir / "elsewhere").symlink_to(outside, target_is_directory=True)
    (docs_dir / "passwd.txt").symlink_to("/etc/passwd")
    (docs_dir / "again.en.md").symlink_to(docs_dir / "bus.en.md")  # inside: fine, read once
    report = ingest([docs_dir], store)
    assert report.ok
    skipped = {r.source: r.reason for r in report.of(Outcome.SKIPPED)}
    assert set(skipped) == {"secret.md", "elsewhere", "passwd.txt"}
    assert all("outside the folder" in reason for reason in skipped.values()), skipped
    assert str(secret) in skipped["secret.md"]
    assert sorted(r.source for r in report.of(Outcome.INGESTED)) == ["again.en.md", "communication.th.md"]
    assert store.keyword("default", "salary", k=5) == []
    assert all("salary" not in d.title.lower() for d in store.documents("default"))
    consistent(store)


def test_fifos_and_sockets_in_a_folder_are_skipped_without_being_opened(
    store: Store, tmp_path: Path, docs_dir: Path
) -> None:
    """Opening a FIFO would block the ingest forever: it is listed as skipped instead."""
    import socket

    os.mkfifo(docs_dir / "pipe.md")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(docs_dir / "s.md"))
    try:
        report = ingest([docs_dir], store)
    finally:
        sock.close()
    skipped = {r.source: r.reason for r in report.of(Outcome.SKIPPED)}
    assert skipped == {
        "pipe.md": "not a regular file (a FIFO): not read",
        "s.md": "not a regular file (a socket): not read",
    }
    assert len(report.of(Outcome.INGESTED)) == 2
    named = ingest([docs_dir / "pipe.md", Path("/dev/zero")], store)  # named on the command line
    assert {r.reason for r in named.of(Outcome.FAILED)} == {
        "not a regular file (a FIFO)",
        "not a regular file (a device)",
    }


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


# ------------------------------------------------------------------------------------------ index version


def test_documents_indexed_by_an_older_version_are_reindexed(
    store: Store, docs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "INDEX_VERSION", INDEX_VERSION - 1)
    ingest([docs_dir], store)
    assert {d.meta["index_version"] for d in store.documents("default")} == {str(INDEX_VERSION - 1)}
    before = store.manifest.live_ids("default")

    monkeypatch.setattr(pipeline, "INDEX_VERSION", INDEX_VERSION)
    report = ingest([docs_dir], store)
    assert sorted(r.source for r in report.of(Outcome.REPLACED)) == ["bus.en.md", "communication.th.md"]
    assert {d.meta["index_version"] for d in store.documents("default")} == {str(INDEX_VERSION)}
    assert store.manifest.live_ids("default").isdisjoint(before)
    consistent(store)
    again = ingest([docs_dir], store)
    assert [r.outcome for r in again.results] == [Outcome.UNCHANGED, Outcome.UNCHANGED]


def test_a_document_indexed_before_versions_existed_is_reindexed(store: Store, docs_dir: Path) -> None:
    ingest([docs_dir], store)
    doc = next(d for d in store.documents("default") if d.source == "bus.en.md")
    with store.manifest._write() as db:  # what an index written before INDEX_VERSION holds
        db.execute("UPDATE documents SET meta = '{}' WHERE id = ?", (doc.id,))
    report = ingest([docs_dir], store)
    assert [r.source for r in report.of(Outcome.REPLACED)] == ["bus.en.md"]
    assert [r.source for r in report.of(Outcome.UNCHANGED)] == ["communication.th.md"]
    consistent(store)


# ------------------------------------------------------------------------------------------ what is indexed


def test_the_context_header_is_indexed_but_not_stored_as_chunk_text(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    body = "The partner hotel trains older learners in cooking and in front-office service every weekend."
    (folder / "hotel.md").write_text(
        f"---\ntitle: Zanzibar exchange programme\nlanguage: en\n---\n{body}\n", encoding="utf-8"
    )
    ingest([folder], store)
    hits = store.keyword("default", "Zanzibar", 3)
    assert [h.source for h in hits] == ["hotel.md"], "the title is keyword-indexed with the chunk"
    assert hits[0].text == body and "Zanzibar" not in hits[0].text
    assert hits[0].header() == "Zanzibar exchange programme"


def test_trail_lead_kind_and_chunk_language_are_stored(store: Store, tmp_path: Path) -> None:
    items = "\n".join(
        f"{n}. The network shares resource number {n} among the member schools so every learner benefits."
        for n in range(1, 20)
    )
    thai = "เครือข่ายโรงเรียนขนาดเล็กประชุมร่วมกันทุกเดือนเพื่อวางแผนกิจกรรมและติดตามผลการดำเนินงานของโรงเรียน " * 6
    text = (
        f"# Network guide\n\n## Shared resources\n\nThe network shares the following resources:\n{items}\n\n"
        f"## การประชุมเครือข่าย\n\n{thai}\n"
    )
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "guide.md").write_text(text, encoding="utf-8")
    report = ingest([folder], store)
    assert report.ok
    doc = store.documents("default")[0]
    chunks = store.manifest.document_chunks(doc.id)
    assert [c.index for c in chunks] == list(range(doc.chunks)) and len(chunks) >= 3
    continued = [c for c in chunks if c.text.startswith(tuple("123456789")) and "following" not in c.text]
    assert continued, "the list goes on in a later chunk"
    for c in continued:
        assert c.trail == ("Network guide", "Shared resources")
        assert c.lead == "The network shares the following resources:"
    last = chunks[-1]
    assert last.trail == ("Network guide", "การประชุมเครือข่าย") and last.lead == ""
    assert last.chunk_language == "th" and chunks[0].chunk_language == "en"
    assert {c.kind for c in chunks} == {"body"}
    assert all(c.doc_id == doc.id and c.title == "Network guide" for c in chunks)


# ------------------------------------------------------------------------------------------ manifest

OLD_SCHEMA = f"""
CREATE TABLE documents (
    id INTEGER PRIMARY KEY, workspace TEXT NOT NULL, path TEXT NOT NULL, source TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '', doc_type TEXT NOT NULL DEFAULT 'other',
    language TEXT NOT NULL DEFAULT 'th',
    content_hash TEXT NOT NULL, status TEXT NOT NULL, pages INTEGER NOT NULL DEFAULT 0,
    chunks INTEGER NOT NULL DEFAULT 0, health REAL, needs_ocr TEXT NOT NULL DEFAULT '[]', duplicate_of TEXT,
    error TEXT, meta TEXT NOT NULL DEFAULT '{{}}', updated_at REAL NOT NULL, UNIQUE (workspace, path)
);
CREATE INDEX documents_hash ON documents (workspace, content_hash);
CREATE TABLE chunks (
    id TEXT PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    workspace TEXT NOT NULL, idx INTEGER NOT NULL, page INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, section TEXT NOT NULL DEFAULT '', text TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'live'))
);
CREATE INDEX chunks_doc ON chunks (doc_id);
CREATE INDEX chunks_state ON chunks (workspace, state);
CREATE VIRTUAL TABLE chunk_terms USING fts5 (terms, tokenize = "{FTS_TOKENIZER}");
CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def test_an_old_manifest_gets_the_new_columns_and_its_rows_still_read(tmp_path: Path) -> None:
    path = tmp_path / "edunet.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_SCHEMA)
        conn.execute(
            "INSERT INTO documents (id, workspace, path, source, title, language, content_hash, status,"
            " chunks, updated_at)"
            " VALUES (7, 'default', '/docs/old.md', 'old.md', 'Old plan', 'en', 'abc', 'ready', 2, 0)"
        )
        for idx, text in enumerate(["Buses are shared by the cluster.", "Teachers visit every week."]):
            conn.execute(
                'INSERT INTO chunks (id, doc_id, workspace, idx, page, start, "end", section, text, state)'
                " VALUES (?, 7, 'default', ?, 1, 0, ?, 'Sharing', ?, 'live')",
                (f"old-{idx}", idx, len(text), text),
            )
            conn.execute(
                "INSERT INTO chunk_terms (rowid, terms) VALUES ((SELECT rowid FROM chunks WHERE id = ?), ?)",
                (f"old-{idx}", text.lower().rstrip(".")),
            )
    manifest = Manifest(path)
    try:
        columns = {row[1] for row in manifest._conn().execute("PRAGMA table_info(chunks)")}
        assert {"trail", "lead", "kind", "lang"} <= columns
        hits = manifest.keyword_search("default", "buses", 5)
        assert [h.chunk_id for h in hits] == ["old-0"]
        hit = hits[0]
        assert (hit.trail, hit.lead, hit.kind) == ((), "", "body")
        assert hit.chunk_language == "en", "an old chunk takes its document's language"
        assert (hit.section, hit.title, hit.index, hit.doc_id) == ("Sharing", "Old plan", 0, 7)
        assert [h.chunk_id for h in manifest.neighbours(7, 0, 5)] == ["old-0", "old-1"]
    finally:
        manifest.close()
    Manifest(path).close()  # opening a migrated file again changes nothing


def _meta(path: str, title: str = "Plan") -> DocumentMeta:
    return DocumentMeta(path, path, title, DocType.GUIDE, Language.EN, path * 2)


def _publish(
    manifest: Manifest, meta: DocumentMeta, texts: list[str], order: list[int] | None = None
) -> None:
    chunks = [
        Chunk(text, page=1 + i // 3, start=0, end=len(text), index=i, trail=("Plan", f"Part {i}"))
        for i, text in enumerate(texts)
    ]
    order = order or list(range(len(chunks)))
    staged = [chunks[i] for i in order]
    manifest.stage_chunks("default", meta, staged, [f"{meta.path}-{c.index}" for c in staged])
    terms = [text.lower().split() for text in texts]  # publish matches pending rows by idx order
    manifest.publish("default", meta, terms, pages=2, health=1.0)


def test_neighbours_are_in_reading_order_and_stay_in_their_document(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path / "edunet.db")
    try:
        plan, other = _meta("plan"), _meta("other")
        _publish(manifest, plan, [f"chunk {i} of the plan" for i in range(8)], order=[5, 2, 7, 0, 3, 6, 1, 4])
        _publish(manifest, other, [f"chunk {i} of another" for i in range(4)])
        doc_id = manifest.document("default", "plan").id
        near = manifest.neighbours(doc_id, 2, 5)
        assert [h.index for h in near] == [2, 3, 4, 5]
        assert [h.chunk_id for h in near] == ["plan-2", "plan-3", "plan-4", "plan-5"]
        assert all(h.doc_id == doc_id and h.source == "plan" for h in near)
        assert near[0].trail == ("Plan", "Part 2")
        assert [h.index for h in manifest.neighbours(doc_id, -3, 1)] == [0, 1]
        assert manifest.neighbours(doc_id, 20, 30) == []
        assert [h.index for h in manifest.document_chunks(doc_id)] == list(range(8))
        # a re-index in progress (pending rows) is not visible
        manifest.stage_chunks("default", plan, [Chunk("new", 1, 0, 3, 0)], ["plan-new-0"])
        assert [h.chunk_id for h in manifest.neighbours(doc_id, 0, 0)] == ["plan-0"]
    finally:
        manifest.close()


def test_term_counts_count_live_chunks_per_term(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path / "edunet.db")
    try:
        _publish(
            manifest,
            _meta("plan"),
            ["buses shared", "bus timetable", "teachers visit", "teachers share buses"],
        )
        counts = manifest.term_counts("default", ["teachers", "buses", "lab", "teachers"])
        assert counts == {"teachers": 2, "buses": 2, "lab": 0}
        assert manifest.term_counts("other", ["teachers"]) == {"teachers": 0}
    finally:
        manifest.close()
