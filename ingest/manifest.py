"""The SQLite manifest: documents, their chunks, and the BM25 (FTS5) keyword index.

Usage:
    >>> m = Manifest(Path("data/edunet.db"))
    >>> m.documents("default")

The manifest is the source of truth for what is searchable. A chunk is visible only
when its row is ``live``; new chunks are written ``pending`` first and switched to
``live`` together with their keyword-index rows in one transaction, so a document's
chunks appear all at once or not at all. SQLite runs in WAL mode, so several app
processes on one host can share the file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest.lexical import FTS_TOKENIZER, fts_query, tokenize
from ingest.ocr import ocr_page_numbers
from ingest.records import Chunk, DocumentMeta, Hit

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    path TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    doc_type TEXT NOT NULL DEFAULT 'other',
    language TEXT NOT NULL DEFAULT 'th',
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    pages INTEGER NOT NULL DEFAULT 0,
    chunks INTEGER NOT NULL DEFAULT 0,
    health REAL,
    needs_ocr TEXT NOT NULL DEFAULT '[]',
    duplicate_of TEXT,
    error TEXT,
    meta TEXT NOT NULL DEFAULT '{{}}',
    updated_at REAL NOT NULL,
    UNIQUE (workspace, path)
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents (workspace, content_hash);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    workspace TEXT NOT NULL,
    idx INTEGER NOT NULL,
    page INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    section TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'live')),
    trail TEXT NOT NULL DEFAULT '[]',
    lead TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'body',
    lang TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id);
CREATE INDEX IF NOT EXISTS chunks_doc_idx ON chunks (doc_id, idx);
CREATE INDEX IF NOT EXISTS chunks_state ON chunks (workspace, state);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_terms USING fts5 (terms, tokenize = "{FTS_TOKENIZER}");
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

CHUNK_COLUMNS_ADDED = {
    "trail": "TEXT NOT NULL DEFAULT '[]'",
    "lead": "TEXT NOT NULL DEFAULT ''",
    "kind": "TEXT NOT NULL DEFAULT 'body'",
    "lang": "TEXT NOT NULL DEFAULT ''",
}
"""Columns added to ``chunks`` after the first release; older files get them on open."""

# Document statuses.
READY, PENDING, NEEDS_OCR, DUPLICATE = "ready", "pending", "needs_ocr", "duplicate"


@dataclass
class DocumentRow:
    """A document as the manifest knows it."""

    id: int
    workspace: str
    path: str
    source: str
    title: str
    doc_type: str
    language: str
    content_hash: str
    status: str
    pages: int
    chunks: int
    health: float | None
    needs_ocr: list[int] = field(default_factory=list)
    duplicate_of: str | None = None
    error: str | None = None
    meta: dict = field(default_factory=dict)
    updated_at: float = 0.0

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "id"}


@dataclass(frozen=True)
class Filters:
    """Metadata filters shared by the keyword and the vector side of search."""

    doc_types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def _set(self) -> list[tuple[str, tuple[str, ...]]]:
        """The (metadata key, allowed values) pairs of the filters that are set."""
        pairs = (("doc_type", self.doc_types), ("language", self.languages), ("source", self.sources))
        return [(key, values) for key, values in pairs if values]

    def sql(self, alias: str = "d") -> tuple[str, list[str]]:
        """A SQL condition (with its parameters) over the documents table."""
        parts, params = [], []
        for column, values in (
            ("doc_type", self.doc_types),
            ("language", self.languages),
            ("source", self.sources),
        ):
            if values:
                parts.append(f"{alias}.{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        return (" AND ".join(parts) or "1"), params

    def chroma_where(self) -> dict | None:
        """The same filters as a Chroma ``where`` clause, or None when there are none.

        Each workspace has its own collection, so the workspace needs no clause; and any
        ``where`` makes Chroma pre-filter the whole collection (50 ms at 10k chunks against
        1 ms without), so none is sent unless a filter is set.
        """
        clauses: list[dict] = [{key: {"$in": list(values)}} for key, values in self._set()]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


NO_FILTERS = Filters()


class Manifest:
    """Documents, chunks and keyword index in one SQLite file (WAL mode)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._migrate()
        self._conn().executescript(SCHEMA)  # each statement is idempotent; executescript commits itself

    # -------------------------------------------------------------- connections

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=60000")
            self._local.conn = conn
        return conn

    def _migrate(self) -> None:
        """Add the columns of later versions to an existing ``chunks`` table (one transaction)."""
        db = self._conn()
        columns = {row[1] for row in db.execute("PRAGMA table_info(chunks)")}
        missing = [name for name in CHUNK_COLUMNS_ADDED if columns and name not in columns]
        if not missing:
            return
        with self._write() as tx:
            for name in missing:
                tx.execute(f"ALTER TABLE chunks ADD COLUMN {name} {CHUNK_COLUMNS_ADDED[name]}")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; everything inside commits together or not at all."""
        db = self._conn()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -------------------------------------------------------------- documents

    def document(self, workspace: str, path: str) -> DocumentRow | None:
        row = (
            self._conn()
            .execute("SELECT * FROM documents WHERE workspace = ? AND path = ?", (workspace, path))
            .fetchone()
        )
        return _doc(row) if row else None

    def find(self, workspace: str, name: str) -> list[DocumentRow]:
        """Documents whose path, source or title equals ``name`` (how users name a document)."""
        rows = (
            self._conn()
            .execute(
                "SELECT * FROM documents WHERE workspace = ? AND (path = ? OR source = ? OR title = ?)",
                (workspace, name, name, name),
            )
            .fetchall()
        )
        return [_doc(r) for r in rows]

    def documents(self, workspace: str) -> list[DocumentRow]:
        rows = (
            self._conn()
            .execute("SELECT * FROM documents WHERE workspace = ? ORDER BY source", (workspace,))
            .fetchall()
        )
        return [_doc(r) for r in rows]

    def workspaces(self) -> list[str]:
        return [r[0] for r in self._conn().execute("SELECT DISTINCT workspace FROM documents ORDER BY 1")]

    def ready_with_hash(self, workspace: str, content_hash: str, exclude_path: str) -> DocumentRow | None:
        """Another indexed document with the same content (a duplicate under another name)."""
        row = (
            self._conn()
            .execute(
                "SELECT * FROM documents WHERE workspace = ? AND content_hash = ?"
                " AND path != ? AND status = ?",
                (workspace, content_hash, exclude_path, READY),
            )
            .fetchone()
        )
        return _doc(row) if row else None

    def record(
        self,
        workspace: str,
        meta: DocumentMeta,
        *,
        status: str,
        pages: int = 0,
        health: float | None = None,
        needs_ocr: Iterable[int] = (),
        duplicate_of: str | None = None,
        error: str | None = None,
    ) -> list[str]:
        """Record a document that adds no chunks (needs OCR, duplicate, failed).

        Any chunks it had are dropped from the keyword index at once; their ids are
        returned so the caller can delete them from the vector store.
        """
        with self._write() as db:
            doc_id = self._upsert_doc(
                db, workspace, meta, status, pages, 0, health, needs_ocr, duplicate_of, error
            )
            return self._drop_chunks(db, doc_id)

    def stage_chunks(self, workspace: str, meta: DocumentMeta, chunks: list[Chunk], ids: list[str]) -> int:
        """Write a document's new chunks as ``pending`` (invisible to search); returns its row id."""
        with self._write() as db:
            existing = db.execute(
                "SELECT id FROM documents WHERE workspace = ? AND path = ?", (workspace, meta.path)
            ).fetchone()
            if existing is None:
                doc_id = self._upsert_doc(db, workspace, meta, PENDING, 0, 0, None, (), None, None)
            else:
                doc_id = existing[0]
            db.execute("DELETE FROM chunks WHERE doc_id = ? AND state = 'pending'", (doc_id,))
            db.executemany(
                "INSERT OR REPLACE INTO chunks"
                ' (id, doc_id, workspace, idx, page, start, "end", section, text, state,'
                " trail, lead, kind, lang)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
                [
                    (
                        cid,
                        doc_id,
                        workspace,
                        c.index,
                        c.page,
                        c.start,
                        c.end,
                        c.section,
                        c.text,
                        json.dumps(list(c.trail), ensure_ascii=False),
                        c.lead,
                        c.kind,
                        language_of(c.text),
                    )
                    for cid, c in zip(ids, chunks, strict=True)
                ],
            )
            return doc_id

    def publish(
        self,
        workspace: str,
        meta: DocumentMeta,
        terms: list[list[str]],
        *,
        pages: int,
        health: float | None,
        needs_ocr: Iterable[int] = (),
    ) -> list[str]:
        """Make a document's pending chunks live and index their terms, in one transaction.

        ``terms`` holds the BM25 terms of each pending chunk, in chunk order. The old
        chunks are removed in the same transaction; their ids are returned so the caller
        can delete them from the vector store.
        """
        with self._write() as db:
            doc_id = self._upsert_doc(
                db, workspace, meta, READY, pages, len(terms), health, needs_ocr, None, None
            )
            old = self._drop_chunks(db, doc_id, state="live")
            pending = db.execute(
                "SELECT rowid, id FROM chunks WHERE doc_id = ? AND state = 'pending' ORDER BY idx", (doc_id,)
            ).fetchall()
            if len(pending) != len(terms):
                raise RuntimeError(
                    f"{meta.source}: {len(pending)} pending chunks but {len(terms)} term lists"
                )
            db.executemany(
                "INSERT INTO chunk_terms (rowid, terms) VALUES (?, ?)",
                [(row[0], " ".join(t)) for row, t in zip(pending, terms, strict=True)],
            )
            db.execute("UPDATE chunks SET state = 'live' WHERE doc_id = ? AND state = 'pending'", (doc_id,))
            return old

    def remove(self, workspace: str, path: str) -> list[str] | None:
        """Forget a document; returns the chunk ids to delete from the vector store (None if unknown)."""
        with self._write() as db:
            row = db.execute(
                "SELECT id FROM documents WHERE workspace = ? AND path = ?", (workspace, path)
            ).fetchone()
            if row is None:
                return None
            ids = self._drop_chunks(db, row[0], state=None)
            db.execute("DELETE FROM documents WHERE id = ?", (row[0],))
            return ids

    # -------------------------------------------------------------- consistency

    def pending_chunk_ids(self, workspace: str) -> list[str]:
        return [
            r[0]
            for r in self._conn().execute(
                "SELECT id FROM chunks WHERE workspace = ? AND state = 'pending'", (workspace,)
            )
        ]

    def drop_pending(self, workspace: str) -> None:
        """Forget chunks of ingests that never finished, and documents that never went live."""
        with self._write() as db:
            db.execute("DELETE FROM chunks WHERE workspace = ? AND state = 'pending'", (workspace,))
            db.execute("DELETE FROM documents WHERE workspace = ? AND status = ?", (workspace, PENDING))

    def live_ids(self, workspace: str, ids: Iterable[str] | None = None) -> set[str]:
        """The ids that are live; all of the workspace's, or those among ``ids``."""
        db = self._conn()
        if ids is None:
            query = "SELECT id FROM chunks WHERE workspace = ? AND state = 'live'"
            return {r[0] for r in db.execute(query, (workspace,))}
        wanted = list(ids)
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            query = f"SELECT id FROM chunks WHERE state = 'live' AND id IN ({', '.join('?' * len(part))})"
            found |= {r[0] for r in db.execute(query, part)}
        return found

    def set_state(self, key: str, value: str | None) -> None:
        with self._write() as db:
            if value is None:
                db.execute("DELETE FROM state WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    def get_state(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -------------------------------------------------------------- search

    def keyword_search(self, workspace: str, query: str, k: int, filters: Filters = NO_FILTERS) -> list[Hit]:
        """BM25 over the live chunks of a workspace; higher score is better."""
        match = fts_query(tokenize(query))
        if not match:
            return []
        where, params = filters.sql("d")
        rows = (
            self._conn()
            .execute(
                f"""SELECT c.*, d.source, d.title, d.doc_type, d.language, bm25(chunk_terms) AS rank
                FROM chunk_terms JOIN chunks c ON c.rowid = chunk_terms.rowid
                JOIN documents d ON d.id = c.doc_id
                WHERE chunk_terms MATCH ? AND c.workspace = ? AND c.state = 'live' AND {where}
                ORDER BY rank LIMIT ?""",
                [match, workspace, *params, k],
            )
            .fetchall()
        )
        return [_hit(r, -float(r["rank"])) for r in rows]

    def hits(self, ids: list[str]) -> dict[str, Hit]:
        """Live chunks by id, with their document's metadata (score 0)."""
        found: dict[str, Hit] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            rows = (
                self._conn()
                .execute(
                    f"""SELECT c.*, d.source, d.title, d.doc_type, d.language FROM chunks c
                    JOIN documents d ON d.id = c.doc_id
                    WHERE c.state = 'live' AND c.id IN ({", ".join("?" * len(part))})""",
                    part,
                )
                .fetchall()
            )
            found.update({r["id"]: _hit(r, 0.0) for r in rows})
        return found

    def neighbours(self, doc_id: int, lo: int, hi: int) -> list[Hit]:
        """The live chunks of one document with positions ``lo``..``hi``, in reading order."""
        rows = (
            self._conn()
            .execute(
                """SELECT c.*, d.source, d.title, d.doc_type, d.language FROM chunks c
                JOIN documents d ON d.id = c.doc_id
                WHERE c.doc_id = ? AND c.state = 'live' AND c.idx BETWEEN ? AND ? ORDER BY c.idx""",
                (doc_id, lo, hi),
            )
            .fetchall()
        )
        return [_hit(r, 0.0) for r in rows]

    def document_chunks(self, doc_id: int) -> list[Hit]:
        """Every live chunk of one document, in reading order."""
        return self.neighbours(doc_id, 0, 2**31)

    def term_counts(self, workspace: str, terms: list[str]) -> dict[str, int]:
        """How many live chunks of the workspace hold each term (for rarity weights), via the BM25 index."""
        out: dict[str, int] = {}
        db = self._conn()
        for term in dict.fromkeys(terms):
            match = fts_query([term])
            if not match:
                continue
            if term.isascii() and term.isalpha() and len(term) >= 3:
                match = f'"{_stem_prefix(term)}"*'  # "represents" also counts "represented"
            row = db.execute(
                """SELECT COUNT(*) FROM chunk_terms JOIN chunks c ON c.rowid = chunk_terms.rowid
                WHERE chunk_terms MATCH ? AND c.workspace = ? AND c.state = 'live'""",
                (match, workspace),
            ).fetchone()
            out[term] = int(row[0])
        return out

    def ocr_pages(self, doc_ids: Iterable[int]) -> dict[int, frozenset[int]]:
        """For each given document row, the pages whose text was read by OCR (so citations can say so)."""
        ids = sorted(set(doc_ids))
        out: dict[int, frozenset[int]] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            rows = (
                self._conn()
                .execute(f"SELECT id, meta FROM documents WHERE id IN ({', '.join('?' * len(part))})", part)
                .fetchall()
            )
            for r in rows:
                out[int(r["id"])] = ocr_page_numbers(json.loads(r["meta"] or "{}"))
        return out

    def count_chunks(self, workspace: str) -> int:
        query = "SELECT COUNT(*) FROM chunks WHERE workspace = ? AND state = 'live'"
        return int(self._conn().execute(query, (workspace,)).fetchone()[0])

    # -------------------------------------------------------------- internals

    def _upsert_doc(
        self,
        db: sqlite3.Connection,
        workspace: str,
        meta: DocumentMeta,
        status: str,
        pages: int,
        chunks: int,
        health: float | None,
        needs_ocr: Iterable[int],
        duplicate_of: str | None,
        error: str | None,
    ) -> int:
        values = {
            "workspace": workspace,
            "path": meta.path,
            "source": meta.source,
            "title": meta.title,
            "doc_type": str(meta.doc_type),
            "language": str(meta.language),
            "content_hash": meta.content_hash,
            "status": status,
            "pages": pages,
            "chunks": chunks,
            "health": health,
            "needs_ocr": json.dumps(list(needs_ocr)),
            "duplicate_of": duplicate_of,
            "error": error,
            "meta": json.dumps(meta.extra, ensure_ascii=False),
            "updated_at": time.time(),
        }
        columns = ", ".join(values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in values if c not in {"workspace", "path"})
        db.execute(
            f"INSERT INTO documents ({columns}) VALUES ({', '.join('?' * len(values))})"
            f" ON CONFLICT (workspace, path) DO UPDATE SET {updates}",
            list(values.values()),
        )
        row = db.execute("SELECT id FROM documents WHERE workspace = ? AND path = ?", (workspace, meta.path))
        return int(row.fetchone()[0])

    @staticmethod
    def _drop_chunks(db: sqlite3.Connection, doc_id: int, state: str | None = "live") -> list[str]:
        """Delete a document's chunks (of one state, or all) and their keyword rows."""
        cond = "doc_id = ?" + (" AND state = ?" if state else "")
        params: list = [doc_id] + ([state] if state else [])
        rows = db.execute(f"SELECT rowid, id FROM chunks WHERE {cond}", params).fetchall()
        db.executemany("DELETE FROM chunk_terms WHERE rowid = ?", [(r[0],) for r in rows])
        db.execute(f"DELETE FROM chunks WHERE {cond}", params)
        return [r[1] for r in rows]


def _doc(row: sqlite3.Row) -> DocumentRow:
    data = dict(row)
    data["needs_ocr"] = json.loads(data["needs_ocr"] or "[]")
    data["meta"] = json.loads(data["meta"] or "{}")
    return DocumentRow(**data)


def _stem_prefix(word: str) -> str:
    """An English word's Snowball stem, for a prefix match ("lends" → "lend", "policies" → "polici")."""
    import snowballstemmer

    stem = snowballstemmer.stemmer("english").stemWord(word)
    common = 0
    while common < min(len(word), len(stem)) and word[common] == stem[common]:
        common += 1
    return word[: max(common, 3)]  # "library" → stem "librari" → prefix "librar"


def language_of(text: str) -> str:
    """A chunk's own script (th, en or mixed): documents often mix an English abstract with Thai."""
    from ingest.thai import detect_language

    return str(detect_language(text))


def _hit(row: sqlite3.Row, score: float) -> Hit:
    keys = row.keys()
    return Hit(
        chunk_id=row["id"],
        text=row["text"],
        source=row["source"],
        page=row["page"],
        score=score,
        workspace=row["workspace"],
        title=row["title"],
        section=row["section"],
        doc_type=row["doc_type"],
        language=row["language"],
        start=row["start"],
        end=row["end"],
        trail=tuple(json.loads(row["trail"] or "[]")) if "trail" in keys else (),
        lead=row["lead"] if "lead" in keys else "",
        kind=row["kind"] if "kind" in keys else "body",
        chunk_language=(row["lang"] if "lang" in keys else "") or row["language"],
        index=row["idx"],
        doc_id=row["doc_id"],
    )
