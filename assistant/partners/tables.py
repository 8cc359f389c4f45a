"""The registry's SQLite tables: the schema, and reading and writing partner, link, MOU and provenance rows.

Helpers over an open connection; :class:`assistant.partners.registry.Registry` owns the
connections and the transactions.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from assistant.partners.models import ORIGIN_CSV, MouRecord, Partner, PartnerStatus, PartnerType

SCHEMA = """
CREATE TABLE IF NOT EXISTS partners (
    id TEXT PRIMARY KEY,
    name_th TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL,
    province TEXT NOT NULL DEFAULT '',
    district TEXT NOT NULL DEFAULT '',
    lat REAL,
    lon REAL,
    capabilities TEXT NOT NULL DEFAULT '[]',
    resources TEXT NOT NULL DEFAULT '[]',
    needs TEXT NOT NULL DEFAULT '[]',
    contact_role TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'prospective',
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS partner_mous (
    partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    mou_id TEXT NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (partner_id, mou_id, origin)
);
CREATE TABLE IF NOT EXISTS mous (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    parties TEXT NOT NULL DEFAULT '[]',
    start_date TEXT NOT NULL DEFAULT '',
    end_date TEXT NOT NULL DEFAULT '',
    areas TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT '',
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS provenance (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    page INTEGER,
    mou_id TEXT NOT NULL DEFAULT '',
    recorded_at REAL NOT NULL,
    PRIMARY KEY (entity, entity_id, field, mou_id)
);
CREATE TABLE IF NOT EXISTS plan_partners (partner_id TEXT PRIMARY KEY, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS text_terms (hash TEXT PRIMARY KEY, terms TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS text_vectors (
    hash TEXT NOT NULL,
    model TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (hash, model)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def dumps(value: Any) -> str:
    """JSON as stored in the tables (UTF-8 text, not escaped)."""
    return json.dumps(value, ensure_ascii=False)


def read_links(db: sqlite3.Connection) -> dict[str, list[str]]:
    """Every partner's linked MOU ids (any origin), by partner id."""
    links: dict[str, list[str]] = {}
    for row in db.execute("SELECT DISTINCT partner_id, mou_id FROM partner_mous ORDER BY partner_id, mou_id"):
        links.setdefault(row[0], []).append(row[1])
    return links


def row_partner(row: sqlite3.Row, mous: list[str]) -> Partner:
    """A ``partners`` row and its MOU ids as a :class:`Partner`."""
    return Partner(
        id=row["id"],
        name_th=row["name_th"],
        name_en=row["name_en"],
        type=PartnerType(row["type"]),
        province=row["province"],
        district=row["district"],
        lat=row["lat"],
        lon=row["lon"],
        capabilities=json.loads(row["capabilities"]),
        resources=json.loads(row["resources"]),
        needs=json.loads(row["needs"]),
        contact_role=row["contact_role"],
        status=PartnerStatus(row["status"]),
        mous=mous,
    )


def write_partner(db: sqlite3.Connection, p: Partner, now: float) -> None:
    """Insert or replace the partner's own row (not its links)."""
    db.execute(
        """INSERT INTO partners (id, name_th, name_en, type, province, district, lat, lon,
        capabilities, resources, needs, contact_role, status, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name_th = excluded.name_th, name_en = excluded.name_en,
        type = excluded.type, province = excluded.province, district = excluded.district,
        lat = excluded.lat, lon = excluded.lon, capabilities = excluded.capabilities,
        resources = excluded.resources, needs = excluded.needs,
        contact_role = excluded.contact_role, status = excluded.status,
        updated_at = excluded.updated_at""",
        (
            p.id,
            p.name_th,
            p.name_en,
            p.type.value,
            p.province,
            p.district,
            p.lat,
            p.lon,
            dumps(p.capabilities),
            dumps(p.resources),
            dumps(p.needs),
            p.contact_role,
            p.status.value,
            now,
        ),
    )


def relink(db: sqlite3.Connection, partner_id: str, old: Sequence[str], new: Sequence[str]) -> None:
    """Make ``new`` the partner's MOU links: unlink the others (any origin), link the missing ones."""
    keep = set(new)
    for mou_id in set(old) - keep:
        db.execute("DELETE FROM partner_mous WHERE partner_id = ? AND mou_id = ?", (partner_id, mou_id))
        db.execute(
            "DELETE FROM provenance WHERE entity = 'partner' AND entity_id = ? AND field = 'mous' "
            "AND mou_id = ?",
            (partner_id, mou_id),
        )
        row = db.execute("SELECT parties FROM mous WHERE id = ?", (mou_id,)).fetchone()
        if row is not None:
            parties = [p for p in json.loads(row[0]) if p != partner_id]
            db.execute("UPDATE mous SET parties = ? WHERE id = ?", (dumps(parties), mou_id))
    db.executemany(
        "INSERT OR IGNORE INTO partner_mous (partner_id, mou_id, origin) VALUES (?, ?, ?)",
        [(partner_id, m, ORIGIN_CSV) for m in new if m not in old],
    )


def indexed_texts(p: Partner) -> set[str]:
    """The texts of a partner that matching indexes (and caches by hash): capabilities, resources, names."""
    return {t for t in (*p.capabilities, *p.resources, p.name_th, p.name_en) if t}


def forget_texts(db: sqlite3.Connection, texts: set[str]) -> None:
    """Delete cached terms and embeddings of ``texts`` that no registered partner uses any more."""
    if not texts:
        return
    in_use: set[str] = set()
    for row in db.execute("SELECT capabilities, resources, name_th, name_en FROM partners"):
        in_use.update(json.loads(row[0]), json.loads(row[1]), (row[2], row[3]))
    stale = [(text_hash(t),) for t in texts - in_use]
    db.executemany("DELETE FROM text_terms WHERE hash = ?", stale)
    db.executemany("DELETE FROM text_vectors WHERE hash = ?", stale)


def text_hash(text: str) -> str:
    """The content hash the matching caches use (:func:`assistant.partners.match_index.text_hash`)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bump_version(db: sqlite3.Connection) -> None:
    """Advance the registry's version counter (caches key on it)."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('version', '1') "
        "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def write_mou(db: sqlite3.Connection, m: MouRecord) -> None:
    """Insert or replace one MOU record."""
    db.execute(
        """INSERT OR REPLACE INTO mous (id, title, parties, start_date, end_date, areas, source, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (m.id, m.title, dumps(m.parties), m.start_date, m.end_date, dumps(m.areas), m.source, time.time()),
    )


def write_prov(
    db: sqlite3.Connection,
    entity: str,
    entity_id: str,
    fld: str,
    value: str,
    source: str,
    page: int | None,
    mou_id: str,
    now: float,
) -> None:
    """Record where one field of a partner or an MOU came from."""
    db.execute(
        """INSERT OR REPLACE INTO provenance
        (entity, entity_id, field, value, source, page, mou_id, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (entity, entity_id, fld, value, source, page, mou_id, now),
    )


def insert_partner(db: sqlite3.Connection, p: Partner, now: float) -> None:
    """Insert a partner first seen in an MOU (names, type and status only)."""
    db.execute(
        "INSERT INTO partners (id, name_th, name_en, type, status, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (p.id, p.name_th, p.name_en, p.type.value, p.status.value, now),
    )
