"""The partner registry: organisations, their MOUs and where each fact came from, in one SQLite file.

Usage:
    >>> from assistant.partners.registry import Registry
    >>> reg = Registry.for_workspace(settings, "default", principal=SYSTEM)  # <data>/workspaces/default/…
    >>> report = reg.import_csv(Path("corpus/partners.csv"))  # upsert by id; bad rows reported by row number
    >>> report.ok, [(e.row, e.message) for e in report.errors]
    (True, [])
    >>> reg.get("P026").name_en
    'Chai Hat Khiri Resort & Spa'
    >>> reg.export_csv(Path("out.csv"))                       # the same schema as corpus/partners.csv
    >>> reg.update_partner("P026", {"capabilities": ["hotel internship", "barista training"]})
    >>> reg.update_partner("P026", {"lat": "95"})              # PartnerValidationError: {"lat": "bad ..."}
    >>> reg.add_partner({"id": "X1", "name_en": "New Co", "type": "business"})
    >>> reg.remove_partner("X1")                              # with its MOU links and plan entry

The CSV schema is exactly ``corpus/partners.csv``'s header (:data:`CSV_FIELDS`); list columns
(capabilities, resources, needs, mous) are ``"; "``-separated. Row numbers in errors count
like a spreadsheet: the header is row 1, the first partner row 2. Single-partner edits
(:meth:`Registry.add_partner`, :meth:`Registry.update_partner`) take the same fields and are
validated by the same :func:`check_row`, with the problems keyed by field.

Besides partners the file holds: MOU records (``mous``: id, title, parties, dates), the
partner–MOU links, a provenance table (which document and page each field came from when an
MOU analysis created or linked a partner), the school's plan list (:meth:`Registry.plan_members`)
and the matching caches (capability embeddings and BM25 terms keyed by content hash).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.storage import connect, open_db, workspace_dir
from ingest.records import parse_choice

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.workspaces import Principal

DB_NAME = "partners.sqlite"
CSV_FIELDS: tuple[str, ...] = (
    "id",
    "name_th",
    "name_en",
    "type",
    "province",
    "district",
    "lat",
    "lon",
    "capabilities",
    "resources",
    "needs",
    "contact_role",
    "status",
    "mous",
)
"""The columns of ``corpus/partners.csv``, in order (import needs them all; export writes them)."""
LIST_SEPARATOR = "; "
ORIGIN_CSV = "csv"
ORIGIN_MOU = "mou-analysis"


class PartnerType(StrEnum):
    """The kind of organisation (``type`` column). ``other`` is for partners first seen in an MOU."""

    SCHOOL = "school"
    UNIVERSITY = "university"
    VOCATIONAL_COLLEGE = "vocational_college"
    LAO = "lao"
    BUSINESS = "business"
    NGO = "ngo"
    HOSPITAL = "hospital"
    COMMUNITY = "community"
    GOVERNMENT_OFFICE = "government_office"
    OTHER = "other"

    @classmethod
    def parse(cls, value: str | PartnerType) -> PartnerType:
        """A partner type from user input, or a ValueError that lists the allowed values."""
        return parse_choice(cls, value, "partner type")


class PartnerStatus(StrEnum):
    """Where the relationship stands."""

    ACTIVE = "active"
    PROSPECTIVE = "prospective"
    INACTIVE = "inactive"

    @classmethod
    def parse(cls, value: str | PartnerStatus) -> PartnerStatus:
        """A status from user input (empty means prospective), or a ValueError naming the allowed ones."""
        if isinstance(value, str) and not value.strip():
            return cls.PROSPECTIVE
        return parse_choice(cls, value, "partner status")


@dataclass
class Partner:
    """One organisation in the registry."""

    id: str
    name_th: str
    name_en: str
    type: PartnerType
    province: str = ""
    district: str = ""
    lat: float | None = None
    lon: float | None = None
    capabilities: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    contact_role: str = ""
    status: PartnerStatus = PartnerStatus.PROSPECTIVE
    mous: list[str] = field(default_factory=list)

    @property
    def has_coordinates(self) -> bool:
        """Whether both latitude and longitude are known."""
        return self.lat is not None and self.lon is not None

    def name(self, lang: str = "th") -> str:
        """The name in ``lang`` (``th`` or ``en``), falling back to the other one."""
        first, second = (self.name_en, self.name_th) if lang == "en" else (self.name_th, self.name_en)
        return first or second or self.id

    def to_row(self) -> dict[str, str]:
        """The partner as a CSV row (strings, lists joined with ``"; "``)."""
        return {
            "id": self.id,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "type": self.type.value,
            "province": self.province,
            "district": self.district,
            "lat": "" if self.lat is None else _coord_text(self.lat),
            "lon": "" if self.lon is None else _coord_text(self.lon),
            "capabilities": LIST_SEPARATOR.join(self.capabilities),
            "resources": LIST_SEPARATOR.join(self.resources),
            "needs": LIST_SEPARATOR.join(self.needs),
            "contact_role": self.contact_role,
            "status": self.status.value,
            "mous": LIST_SEPARATOR.join(self.mous),
        }

    def to_dict(self) -> dict[str, Any]:
        """The partner as JSON-ready data."""
        data = dataclasses.asdict(self)
        data["type"], data["status"] = self.type.value, self.status.value
        return data


@dataclass
class MouRecord:
    """An MOU as the registry knows it: who signed it and when it runs."""

    id: str
    title: str = ""
    parties: list[str] = field(default_factory=list)  # partner ids
    start_date: str = ""  # ISO dates; empty when unknown
    end_date: str = ""
    areas: list[str] = field(default_factory=list)
    source: str = ""

    def end(self) -> date | None:
        """The end date as a date, or None when unknown or not ISO."""
        return parse_date(self.end_date)


@dataclass
class RowError:
    """A CSV row that was not imported, and why."""

    row: int  # spreadsheet numbering: the header is row 1
    id: str
    message: str


@dataclass
class ImportReport:
    """What a CSV import did: partners created and updated, and the rows that failed."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row was imported."""
        return not self.errors

    @property
    def imported(self) -> int:
        """How many partners were written."""
        return len(self.created) + len(self.updated)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "imported": self.imported,
            "created": self.created,
            "updated": self.updated,
            "errors": [dataclasses.asdict(e) for e in self.errors],
        }


@dataclass
class Provenance:
    """Where one field of a partner or an MOU came from."""

    entity: str  # "partner" or "mou"
    entity_id: str
    field: str
    value: str
    source: str
    page: int | None
    mou_id: str


@dataclass
class PartyLink:
    """How one party named in an MOU was matched to the registry."""

    party: str
    partner_id: str
    how: str  # "id", "name" or "created"


@dataclass
class MouLinkReport:
    """What :meth:`Registry.upsert_from_mou` did."""

    mou_id: str
    links: list[PartyLink] = field(default_factory=list)

    @property
    def created(self) -> list[str]:
        """Ids of partners created because no registered name matched."""
        return [link.partner_id for link in self.links if link.how == "created"]


class PartnerValidationError(ValueError):
    """A partner's fields are not valid; ``errors`` maps each bad field (a CSV column) to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


class CsvFormatError(ValueError):
    """The file is not a partners CSV at all (unreadable, or columns missing)."""


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


class Registry:
    """The partner registry of one workspace (a SQLite file); safe to share between threads."""

    def __init__(self, path: Path) -> None:
        """Open (and create when needed) the registry at ``path``."""
        self.path = Path(path)
        with connect(self.path) as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)

    @classmethod
    def for_workspace(
        cls, settings: Settings, workspace: str, *, principal: Principal
    ) -> Registry:
        """The registry of ``workspace``: ``<data_dir>/workspaces/<workspace>/partners.sqlite``.

        WorkspaceAccessError is raised before anything is opened or created unless ``principal``
        may use ``workspace`` (the CLI passes :data:`assistant.workspaces.SYSTEM`).
        """
        from assistant.workspaces import require_access

        require_access(principal, workspace, settings=settings)
        return cls(workspace_dir(settings, workspace) / DB_NAME)

    # ------------------------------------------------------------------ reading

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = open_db(self.path)
        try:
            yield conn
        finally:
            conn.close()

    def version(self) -> int:
        """A counter that changes on every write of partners or links (caches key on it)."""
        with self._read() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return int(row[0]) if row else 0

    def count(self) -> int:
        """How many partners are registered."""
        with self._read() as db:
            return int(db.execute("SELECT COUNT(*) FROM partners").fetchone()[0])

    def all(self) -> list[Partner]:
        """Every partner, by id."""
        with self._read() as db:
            links = _links(db)
            rows = db.execute("SELECT * FROM partners ORDER BY id").fetchall()
        return [_partner(row, links.get(row["id"], [])) for row in rows]

    def get(self, partner_id: str) -> Partner | None:
        """One partner, or None."""
        with self._read() as db:
            row = db.execute("SELECT * FROM partners WHERE id = ?", (partner_id,)).fetchone()
            if row is None:
                return None
            mous = [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT mou_id FROM partner_mous WHERE partner_id = ? ORDER BY mou_id",
                    (partner_id,),
                )
            ]
        return _partner(row, mous)

    def mous(self) -> list[MouRecord]:
        """Every MOU record, by id."""
        with self._read() as db:
            rows = db.execute("SELECT * FROM mous ORDER BY id").fetchall()
        return [
            MouRecord(
                id=r["id"],
                title=r["title"],
                parties=json.loads(r["parties"]),
                start_date=r["start_date"],
                end_date=r["end_date"],
                areas=json.loads(r["areas"]),
                source=r["source"],
            )
            for r in rows
        ]

    def provenance(self, entity_id: str | None = None) -> list[Provenance]:
        """Recorded origins of fields (all, or those of one partner or MOU id)."""
        sql, params = "SELECT * FROM provenance", ()
        if entity_id is not None:
            sql, params = sql + " WHERE entity_id = ?", (entity_id,)
        with self._read() as db:
            rows = db.execute(sql + " ORDER BY entity, entity_id, field, mou_id", params).fetchall()
        return [
            Provenance(
                entity=r["entity"],
                entity_id=r["entity_id"],
                field=r["field"],
                value=r["value"],
                source=r["source"],
                page=r["page"],
                mou_id=r["mou_id"],
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ writing partners

    def upsert(self, partners: Iterable[Partner], origin: str = ORIGIN_CSV) -> tuple[list[str], list[str]]:
        """Insert or replace partners by id; their ``mous`` replace earlier links of the same origin.

        Returns ``(created_ids, updated_ids)``.
        """
        created: list[str] = []
        updated: list[str] = []
        now = time.time()
        with connect(self.path) as db:
            for p in partners:
                exists = db.execute("SELECT 1 FROM partners WHERE id = ?", (p.id,)).fetchone()
                _write_partner(db, p, now)
                db.execute("DELETE FROM partner_mous WHERE partner_id = ? AND origin = ?", (p.id, origin))
                db.executemany(
                    "INSERT OR IGNORE INTO partner_mous (partner_id, mou_id, origin) VALUES (?, ?, ?)",
                    [(p.id, m, origin) for m in p.mous],
                )
                (updated if exists else created).append(p.id)
            _bump(db)
        return created, updated

    def add_partner(self, fields: Mapping[str, Any]) -> Partner:
        """Register a new partner from CSV-schema fields (:data:`CSV_FIELDS`), validated like a CSV row.

        Values are CSV cells (strings) or, for convenience, lists for the list columns and
        numbers or None for ``lat``/``lon``; columns left out are empty. Raises
        :class:`PartnerValidationError` (messages by field) when a field is unknown or invalid,
        or when the id is already registered.
        """
        row = {name: "" for name in CSV_FIELDS}
        problems = _merge_fields(row, fields)
        partner, row_problems = check_row(row)
        problems.update(row_problems)
        pid = row["id"].strip()
        if pid and self.get(pid) is not None:
            problems["id"] = f"id {pid} is already registered"
        if partner is None or problems:
            raise PartnerValidationError(problems)
        now = time.time()
        with connect(self.path) as db:
            if db.execute("SELECT 1 FROM partners WHERE id = ?", (pid,)).fetchone():
                raise PartnerValidationError({"id": f"id {pid} is already registered"})
            _write_partner(db, partner, now)
            _relink(db, partner.id, [], partner.mous)
            _bump(db)
        return self.get(partner.id) or partner

    def update_partner(self, partner_id: str, fields: Mapping[str, Any]) -> Partner:
        """Change one registered partner: ``fields`` (CSV-schema names) replace those values, the rest stay.

        The merged row is validated exactly like a CSV row (unknown type or status, bad
        coordinates, missing name, unknown field names), and :class:`PartnerValidationError`
        says which field is wrong. The id cannot change. A ``mous`` value is the partner's whole
        link list: MOUs left out are unlinked (whatever created the link, and the partner leaves
        that MOU record's parties), new ones are linked. Provenance recorded for a field whose
        value changed is dropped (the value no longer comes from that document), and cached BM25
        terms and embeddings of texts no partner uses any more are deleted; the registry version
        changes, so the next match re-indexes and embeds only the new texts.
        """
        current = self.get(partner_id)
        if current is None:
            raise PartnerValidationError({"id": f"no partner with id {partner_id!r} in the registry"})
        row = current.to_row()
        problems = _merge_fields(row, fields)
        partner, row_problems = check_row(row)
        problems.update(row_problems)
        if row["id"].strip() and row["id"].strip() != current.id:
            problems["id"] = f"the id of a registered partner cannot change (it is {current.id})"
        if partner is None or problems:
            raise PartnerValidationError(problems)
        old_row, new_row = current.to_row(), partner.to_row()
        changed = [name for name in CSV_FIELDS if name != "mous" and old_row[name] != new_row[name]]
        now = time.time()
        with connect(self.path) as db:
            if not db.execute("SELECT 1 FROM partners WHERE id = ?", (partner_id,)).fetchone():
                raise PartnerValidationError({"id": f"no partner with id {partner_id!r} in the registry"})
            _write_partner(db, partner, now)
            old_links = [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT mou_id FROM partner_mous WHERE partner_id = ?", (partner_id,)
                )
            ]
            _relink(db, partner_id, old_links, partner.mous)
            db.executemany(
                "DELETE FROM provenance WHERE entity = 'partner' AND entity_id = ? AND field = ?",
                [(partner_id, name) for name in changed],
            )
            _forget_texts(db, _indexed_texts(current))
            _bump(db)
        return self.get(partner_id) or partner

    def remove_partner(self, partner_id: str) -> bool:
        """Remove a partner with its MOU links, plan entry and provenance; True when it existed.

        The partner also leaves the parties of the MOU records that named it, and cached terms
        and embeddings of texts no other partner uses are deleted.
        """
        current = self.get(partner_id)
        if current is None:
            return False
        with connect(self.path) as db:
            old_links = [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT mou_id FROM partner_mous WHERE partner_id = ?", (partner_id,)
                )
            ]
            _relink(db, partner_id, old_links, [])
            gone = db.execute("DELETE FROM partners WHERE id = ?", (partner_id,)).rowcount > 0
            db.execute("DELETE FROM plan_partners WHERE partner_id = ?", (partner_id,))
            db.execute("DELETE FROM provenance WHERE entity = 'partner' AND entity_id = ?", (partner_id,))
            _forget_texts(db, _indexed_texts(current))
            _bump(db)
        return gone

    def import_csv(self, source: Path | str | bytes) -> ImportReport:
        """Validate every row of a partners CSV and upsert the valid ones by id.

        ``source`` is a path, or the file's content as text/bytes. Rows with a missing id,
        an unknown type or status, bad coordinates or an id already seen earlier in the file
        are reported (by row number) and skipped; the others are imported. Importing the
        same file twice changes nothing. Raises :class:`CsvFormatError` when the header
        lacks required columns.
        """
        partners, errors = parse_csv(_read_text(source))
        created, updated = self.upsert(partners)
        return ImportReport(created=created, updated=updated, errors=errors)

    def export_csv(self, target: Path | None = None) -> str:
        """Write every partner as CSV (``corpus/partners.csv``'s schema) to ``target``; returns the text."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(CSV_FIELDS), lineterminator="\n")
        writer.writeheader()
        for p in self.all():
            writer.writerow(p.to_row())
        text = buffer.getvalue()
        if target is not None:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            Path(target).write_text(text, encoding="utf-8")
        return text

    # ------------------------------------------------------------------ MOUs

    def upsert_mous(self, records: Iterable[MouRecord]) -> int:
        """Insert or replace MOU records by id; returns how many were written."""
        n = 0
        with connect(self.path) as db:
            for m in records:
                _write_mou(db, m)
                n += 1
            _bump(db)
        return n

    def upsert_from_mou(self, record: Mapping[str, Any] | Any) -> MouLinkReport:
        """Create or link partners from an MOU analysis record, remembering where each field came from.

        ``record`` is a mapping or an object (e.g. a dataclass) with ``mou_id``, ``parties``
        (names or partner ids), ``source``, ``start_date``, ``end_date``, ``areas``, optional
        ``title`` and ``provenance`` (``{field: {"source": str, "page": int}}``). A party
        matches a partner by id, then by its Thai or English name (ignoring case, spaces and
        punctuation, or one name containing the other); an unmatched party becomes a new
        partner of type ``other`` whose id is derived from its name (so re-running links
        the same partner). Every link and created field is recorded in the provenance table.
        """
        mou_id = str(_field(record, "mou_id") or _field(record, "id") or "").strip()
        if not mou_id:
            raise ValueError("the MOU record has no mou_id")
        source = str(_field(record, "source") or "")
        prov = _field(record, "provenance") or {}

        def origin(name: str) -> tuple[str, int | None]:
            entry = prov.get(name) if isinstance(prov, Mapping) else None
            if isinstance(entry, Mapping):
                page = entry.get("page")
                return str(entry.get("source") or source), int(page) if page is not None else None
            return source, None

        end_date = _iso(_field(record, "end_date"))
        ended = (parse_date(end_date) or date.max) < date.today()
        report = MouLinkReport(mou_id=mou_id)
        now = time.time()
        with connect(self.path) as db:
            known = [_partner(row, []) for row in db.execute("SELECT * FROM partners")]
            party_src, party_page = origin("parties")
            for party in [str(p).strip() for p in (_field(record, "parties") or []) if str(p).strip()]:
                partner, how = _match_party(party, known)
                if partner is None:
                    partner = _new_partner(party, ended)
                    how = "created"
                    _insert_partner(db, partner, now)
                    known.append(partner)
                    name_field = "name_th" if _has_thai(party) else "name_en"
                    for fld, value in ((name_field, party), ("status", partner.status.value)):
                        _write_prov(db, "partner", partner.id, fld, value, party_src, party_page, mou_id, now)
                db.execute(
                    "INSERT OR IGNORE INTO partner_mous (partner_id, mou_id, origin) VALUES (?, ?, ?)",
                    (partner.id, mou_id, ORIGIN_MOU),
                )
                _write_prov(db, "partner", partner.id, "mous", mou_id, party_src, party_page, mou_id, now)
                report.links.append(PartyLink(party=party, partner_id=partner.id, how=how))
            mou = MouRecord(
                id=mou_id,
                title=str(_field(record, "title") or ""),
                parties=list(dict.fromkeys(link.partner_id for link in report.links)),
                start_date=_iso(_field(record, "start_date")),
                end_date=end_date,
                areas=[str(a) for a in (_field(record, "areas") or [])],
                source=source,
            )
            _write_mou(db, mou)
            for fld in ("start_date", "end_date", "areas", "parties"):
                value = getattr(mou, fld)
                if value:
                    src, page = origin(fld)
                    text = value if isinstance(value, str) else LIST_SEPARATOR.join(value)
                    _write_prov(db, "mou", mou_id, fld, text, src, page, mou_id, now)
            _bump(db)
        return report

    # ------------------------------------------------------------------ the plan list

    def plan_members(self) -> list[str]:
        """Partner ids the school chose for its plan (the Plan tool reads this), in the order added."""
        with self._read() as db:
            return [r[0] for r in db.execute("SELECT partner_id FROM plan_partners ORDER BY added_at, rowid")]

    def add_to_plan(self, partner_ids: Sequence[str]) -> list[str]:
        """Add registered partners to the plan list (unknown ids are ignored); returns the new list."""
        now = time.time()
        with connect(self.path) as db:
            for i, pid in enumerate(partner_ids):
                if db.execute("SELECT 1 FROM partners WHERE id = ?", (pid,)).fetchone():
                    db.execute(
                        "INSERT OR IGNORE INTO plan_partners (partner_id, added_at) VALUES (?, ?)",
                        (pid, now + i * 1e-6),
                    )
        return self.plan_members()

    def remove_from_plan(self, partner_ids: Sequence[str]) -> list[str]:
        """Take partners off the plan list; returns the new list."""
        with connect(self.path) as db:
            db.executemany("DELETE FROM plan_partners WHERE partner_id = ?", [(p,) for p in partner_ids])
        return self.plan_members()

    # ------------------------------------------------------------------ matching caches

    def cached_terms(self, hashes: Sequence[str]) -> dict[str, list[str]]:
        """BM25 terms already computed for these text hashes."""
        return {h: json.loads(v) for h, v in self._cached("text_terms", "terms", hashes, None)}

    def store_terms(self, items: Mapping[str, list[str]]) -> None:
        """Remember BM25 terms by text hash."""
        with connect(self.path) as db:
            db.executemany(
                "INSERT OR REPLACE INTO text_terms (hash, terms) VALUES (?, ?)",
                [(h, _dumps(t)) for h, t in items.items()],
            )

    def cached_vectors(self, hashes: Sequence[str], model: str) -> dict[str, bytes]:
        """Embeddings (float32 bytes) already computed by ``model`` for these text hashes."""
        return dict(self._cached("text_vectors", "vector", hashes, model))

    def store_vectors(self, items: Mapping[str, bytes], model: str) -> None:
        """Remember embeddings (float32 bytes) by text hash and model."""
        with connect(self.path) as db:
            db.executemany(
                "INSERT OR REPLACE INTO text_vectors (hash, model, vector) VALUES (?, ?, ?)",
                [(h, model, v) for h, v in items.items()],
            )

    def _cached(self, table: str, column: str, hashes: Sequence[str], model: str | None) -> list[tuple]:
        found: list[tuple] = []
        unique = list(dict.fromkeys(hashes))
        with self._read() as db:
            for start in range(0, len(unique), 500):
                part = unique[start : start + 500]
                sql = f"SELECT hash, {column} FROM {table} WHERE hash IN ({', '.join('?' * len(part))})"
                params: list[str] = list(part)
                if model is not None:
                    sql += " AND model = ?"
                    params.append(model)
                found.extend(tuple(r) for r in db.execute(sql, params))
        return found

    # ------------------------------------------------------------------ seeding

    def seed_if_empty(self, corpus_dir: Path) -> ImportReport | None:
        """Fill an empty registry from ``corpus_dir/partners.csv`` and the MOU front matter in ``mou/``.

        Returns the import report, or None when the registry already had partners (or there is
        no ``partners.csv``).
        """
        csv_path = Path(corpus_dir) / "partners.csv"
        if self.count() or not csv_path.is_file():
            return None
        report = self.import_csv(csv_path)
        mou_dir = Path(corpus_dir) / "mou"
        if mou_dir.is_dir():
            self.upsert_mous(load_mou_front_matter(mou_dir))
        return report


# ---------------------------------------------------------------------- CSV parsing


def parse_csv(text: str) -> tuple[list[Partner], list[RowError]]:
    """Parse and validate a partners CSV: the valid partners, and one error per bad row."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_FIELDS if c not in header]
    if missing:
        raise CsvFormatError(
            f"not a partners CSV: missing column(s) {', '.join(missing)}; expected {','.join(CSV_FIELDS)}"
        )
    reader.fieldnames = header
    partners: list[Partner] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row_no, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue  # blank line
        pid = row.get("id", "")
        try:
            partner = parse_row(row)
        except ValueError as exc:
            errors.append(RowError(row=row_no, id=pid, message=str(exc)))
            continue
        if partner.id in seen:
            errors.append(
                RowError(row=row_no, id=pid, message=f"duplicate id {pid} (first on row {seen[partner.id]})")
            )
            continue
        seen[partner.id] = row_no
        partners.append(partner)
    return partners, errors


def parse_row(row: Mapping[str, str]) -> Partner:
    """One CSV row as a Partner; a ValueError says what is wrong with it (all problems at once)."""
    partner, problems = check_row(row)
    if partner is None:
        raise ValueError("; ".join(dict.fromkeys(problems.values())))
    return partner


def check_row(row: Mapping[str, str]) -> tuple[Partner | None, dict[str, str]]:
    """Validate one CSV row: ``(partner, {})``, or ``(None, {field: message})`` naming each bad field.

    A missing name is reported under both ``name_th`` and ``name_en``; a coordinate problem under
    the coordinate it concerns. The same checks guard CSV import and single-partner edits.
    """
    problems: dict[str, str] = {}
    pid = (row.get("id") or "").strip()
    if not pid:
        problems["id"] = "missing id"
    name_th, name_en = (row.get("name_th") or "").strip(), (row.get("name_en") or "").strip()
    if not name_th and not name_en:
        problems["name_th"] = problems["name_en"] = "missing name (name_th or name_en)"
    ptype = PartnerType.OTHER
    try:
        ptype = PartnerType.parse(row.get("type") or "")
    except ValueError as exc:
        problems["type"] = str(exc)
    status = PartnerStatus.PROSPECTIVE
    try:
        status = PartnerStatus.parse(row.get("status") or "")
    except ValueError as exc:
        problems["status"] = str(exc)
    lat, lon, coordinate_problems = _check_coordinates(row.get("lat") or "", row.get("lon") or "")
    problems.update(coordinate_problems)
    if problems:
        return None, problems
    partner = Partner(
        id=pid,
        name_th=name_th,
        name_en=name_en,
        type=ptype,
        province=(row.get("province") or "").strip(),
        district=(row.get("district") or "").strip(),
        lat=lat,
        lon=lon,
        capabilities=split_list(row.get("capabilities") or ""),
        resources=split_list(row.get("resources") or ""),
        needs=split_list(row.get("needs") or ""),
        contact_role=(row.get("contact_role") or "").strip(),
        status=status,
        mous=split_list(row.get("mous") or ""),
    )
    return partner, {}


def parse_coordinates(lat_text: str, lon_text: str) -> tuple[float | None, float | None]:
    """Latitude and longitude in decimal degrees; both empty means unknown; anything else must be valid."""
    lat, lon, problems = _check_coordinates(lat_text, lon_text)
    if problems:
        raise ValueError("; ".join(dict.fromkeys(problems.values())))
    return lat, lon


def _check_coordinates(lat_text: str, lon_text: str) -> tuple[float | None, float | None, dict[str, str]]:
    """The coordinates, and the problems by field (``lat`` / ``lon``) when they are not valid."""
    texts = {"lat": lat_text.strip(), "lon": lon_text.strip()}
    if not any(texts.values()):
        return None, None, {}
    if not all(texts.values()):
        message = "bad coordinates: give both lat and lon, or neither"
        return None, None, {name: message for name, text in texts.items() if not text}
    problems: dict[str, str] = {}
    values: dict[str, float] = {}
    for name, text in texts.items():
        word, limit = ("latitude", 90) if name == "lat" else ("longitude", 180)
        try:
            value = float(text)
        except ValueError:
            problems[name] = f"bad coordinates: {word} {text!r} is not a number"
            continue
        if not (math.isfinite(value) and -limit <= value <= limit):
            problems[name] = f"bad coordinates: {word} {text} is outside -{limit}..{limit}"
            continue
        values[name] = value
    if problems:
        return None, None, problems
    return values["lat"], values["lon"], {}


def split_list(text: str) -> list[str]:
    """A ``;``-separated cell as its items (trimmed, empty ones dropped)."""
    return [item.strip() for item in text.split(";") if item.strip()]


# ---------------------------------------------------------------------- MOU front matter


def load_mou_front_matter(folder: Path) -> list[MouRecord]:
    """MOU records from the YAML front matter of the Markdown files in ``folder`` (``corpus/mou``).

    Files without an ``id`` in their front matter are skipped.
    """
    import frontmatter

    records = []
    for path in sorted(Path(folder).glob("*.md")):
        meta = frontmatter.loads(path.read_text(encoding="utf-8")).metadata
        if not meta.get("id"):
            continue
        records.append(
            MouRecord(
                id=str(meta["id"]),
                title=str(meta.get("title") or ""),
                parties=[str(p) for p in meta.get("parties") or []],
                start_date=_iso(meta.get("start_date")),
                end_date=_iso(meta.get("end_date")),
                source=f"{Path(folder).name}/{path.name}",
            )
        )
    return records


def parse_date(value: str | date | None) -> date | None:
    """An ISO date (``2026-05-31``), or None when empty or not a date."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


def normalize_name(name: str) -> str:
    """A name reduced for matching: NFC, lower case, no spaces, punctuation or "(fictional)" notes."""
    text = unicodedata.normalize("NFC", name).lower()
    text = re.sub(r"\((สมมติ|fictional)\)", "", text)
    return "".join(ch for ch in text if ch.isalnum() or "\u0e00" <= ch <= "\u0e7f")


# ---------------------------------------------------------------------- helpers


def _read_text(source: Path | str | bytes) -> str:
    if isinstance(source, bytes):
        return source.decode("utf-8-sig")
    if isinstance(source, Path):
        try:
            return source.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise CsvFormatError(f"{source}: cannot read ({exc.strerror or exc})") from None
        except UnicodeDecodeError:
            raise CsvFormatError(f"{source}: not UTF-8 text") from None
    return source


def _coord_text(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _links(db: sqlite3.Connection) -> dict[str, list[str]]:
    links: dict[str, list[str]] = {}
    for row in db.execute("SELECT DISTINCT partner_id, mou_id FROM partner_mous ORDER BY partner_id, mou_id"):
        links.setdefault(row[0], []).append(row[1])
    return links


def _partner(row: sqlite3.Row, mous: list[str]) -> Partner:
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


def _write_partner(db: sqlite3.Connection, p: Partner, now: float) -> None:
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
            _dumps(p.capabilities),
            _dumps(p.resources),
            _dumps(p.needs),
            p.contact_role,
            p.status.value,
            now,
        ),
    )


def _merge_fields(row: dict[str, str], fields: Mapping[str, Any]) -> dict[str, str]:
    """Write ``fields`` into ``row`` as CSV cells; the problems with unknown field names."""
    problems: dict[str, str] = {}
    for name, value in fields.items():
        if name not in CSV_FIELDS:
            problems[str(name)] = f"unknown field {name!r}; the fields are {', '.join(CSV_FIELDS)}"
            continue
        row[name] = _cell(value)
    return problems


def _cell(value: Any) -> str:
    """A field value as the CSV cell it would be: lists joined with ``"; "``, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, tuple, set, frozenset)):
        return LIST_SEPARATOR.join(str(item).strip() for item in value if str(item).strip())
    return str(value).strip()


def _relink(db: sqlite3.Connection, partner_id: str, old: Sequence[str], new: Sequence[str]) -> None:
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
            db.execute("UPDATE mous SET parties = ? WHERE id = ?", (_dumps(parties), mou_id))
    db.executemany(
        "INSERT OR IGNORE INTO partner_mous (partner_id, mou_id, origin) VALUES (?, ?, ?)",
        [(partner_id, m, ORIGIN_CSV) for m in new if m not in old],
    )


def _indexed_texts(p: Partner) -> set[str]:
    """The texts of a partner that matching indexes (and caches by hash): capabilities, resources, names."""
    return {t for t in (*p.capabilities, *p.resources, p.name_th, p.name_en) if t}


def _forget_texts(db: sqlite3.Connection, texts: set[str]) -> None:
    """Delete cached terms and embeddings of ``texts`` that no registered partner uses any more."""
    if not texts:
        return
    in_use: set[str] = set()
    for row in db.execute("SELECT capabilities, resources, name_th, name_en FROM partners"):
        in_use.update(json.loads(row[0]), json.loads(row[1]), (row[2], row[3]))
    stale = [(_text_hash(t),) for t in texts - in_use]
    db.executemany("DELETE FROM text_terms WHERE hash = ?", stale)
    db.executemany("DELETE FROM text_vectors WHERE hash = ?", stale)


def _text_hash(text: str) -> str:
    """The content hash the matching caches use (:func:`assistant.partners.matching.text_hash`)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _bump(db: sqlite3.Connection) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('version', '1') "
        "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def _write_mou(db: sqlite3.Connection, m: MouRecord) -> None:
    db.execute(
        """INSERT OR REPLACE INTO mous (id, title, parties, start_date, end_date, areas, source, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (m.id, m.title, _dumps(m.parties), m.start_date, m.end_date, _dumps(m.areas), m.source, time.time()),
    )


def _write_prov(
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
    db.execute(
        """INSERT OR REPLACE INTO provenance
        (entity, entity_id, field, value, source, page, mou_id, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (entity, entity_id, fld, value, source, page, mou_id, now),
    )


def _insert_partner(db: sqlite3.Connection, p: Partner, now: float) -> None:
    db.execute(
        "INSERT INTO partners (id, name_th, name_en, type, status, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (p.id, p.name_th, p.name_en, p.type.value, p.status.value, now),
    )


def _field(record: Mapping[str, Any] | Any, name: str) -> Any:
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name, None)


def _iso(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _has_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def _match_party(party: str, known: Sequence[Partner]) -> tuple[Partner | None, str]:
    """The registered partner an MOU party names: by id, exact name, then the longest contained name."""
    for p in known:
        if party.upper() == p.id.upper():
            return p, "id"
    key = normalize_name(party)
    if not key:
        return None, ""
    for p in known:
        if key in {normalize_name(p.name_th), normalize_name(p.name_en)} - {""}:
            return p, "name"
    best: tuple[int, Partner] | None = None
    for p in known:
        for name in (normalize_name(p.name_th), normalize_name(p.name_en)):
            contained = len(name) >= 6 and len(key) >= 6 and (name in key or key in name)
            if contained and (best is None or len(name) > best[0]):
                best = (len(name), p)
    return (best[1], "name") if best else (None, "")


def _new_partner(party: str, ended: bool) -> Partner:
    digest = hashlib.sha1(normalize_name(party).encode("utf-8")).hexdigest()[:8].upper()
    thai = _has_thai(party)
    return Partner(
        id=f"M-{digest}",
        name_th=party if thai else "",
        name_en="" if thai else party,
        type=PartnerType.OTHER,
        status=PartnerStatus.INACTIVE if ended else PartnerStatus.ACTIVE,
    )
