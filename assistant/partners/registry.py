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

This module holds :class:`Registry`; the rest lives beside it, one concept each, and is
re-exported here: :mod:`~assistant.partners.models` (Partner, types, MOU records, reports),
:mod:`~assistant.partners.csv_rows` (CSV parsing and row checks), :mod:`~assistant.partners.mou_links`
(MOU front matter, party matching) and :mod:`~assistant.partners.tables` (schema and row helpers).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.partners.csv_rows import (
    check_row,
    merge_fields,
    parse_coordinates,
    parse_csv,
    parse_row,
    read_csv_text,
    split_list,
)
from assistant.partners.models import (
    CSV_FIELDS,
    LIST_SEPARATOR,
    ORIGIN_CSV,
    ORIGIN_MOU,
    CsvFormatError,
    ImportReport,
    MouLinkReport,
    MouRecord,
    Partner,
    PartnerStatus,
    PartnerType,
    PartnerValidationError,
    PartyLink,
    Provenance,
    RowError,
    parse_date,
)
from assistant.partners.mou_links import (
    has_thai,
    iso_text,
    load_mou_front_matter,
    match_party,
    new_partner,
    normalize_name,
    record_field,
)
from assistant.partners.tables import (
    SCHEMA,
    bump_version,
    dumps,
    forget_texts,
    indexed_texts,
    insert_partner,
    read_links,
    relink,
    row_partner,
    write_mou,
    write_partner,
    write_prov,
)
from assistant.settings import PARTNER_REGISTRY_FILE, PARTNERS_CSV
from assistant.storage import connect, open_db, workspace_dir

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.settings import Settings

__all__ = [
    "CSV_FIELDS",
    "DB_NAME",
    "LIST_SEPARATOR",
    "ORIGIN_CSV",
    "ORIGIN_MOU",
    "SCHEMA",
    "CsvFormatError",
    "ImportReport",
    "MouLinkReport",
    "MouRecord",
    "Partner",
    "PartnerStatus",
    "PartnerType",
    "PartnerValidationError",
    "PartyLink",
    "Provenance",
    "Registry",
    "RowError",
    "check_row",
    "load_mou_front_matter",
    "normalize_name",
    "parse_coordinates",
    "parse_csv",
    "parse_date",
    "parse_row",
    "split_list",
]

DB_NAME = PARTNER_REGISTRY_FILE


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
        may use ``workspace`` (the CLI passes :data:`assistant.access.workspaces.SYSTEM`).
        """
        from assistant.access.workspaces import require_access

        require_access(principal, workspace, settings=settings)
        workspace_dir(settings, workspace)  # the folder, created on first use
        return cls(settings.partner_registry_path(workspace))

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
            links = read_links(db)
            rows = db.execute("SELECT * FROM partners ORDER BY id").fetchall()
        return [row_partner(row, links.get(row["id"], [])) for row in rows]

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
        return row_partner(row, mous)

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
                write_partner(db, p, now)
                db.execute("DELETE FROM partner_mous WHERE partner_id = ? AND origin = ?", (p.id, origin))
                db.executemany(
                    "INSERT OR IGNORE INTO partner_mous (partner_id, mou_id, origin) VALUES (?, ?, ?)",
                    [(p.id, m, origin) for m in p.mous],
                )
                (updated if exists else created).append(p.id)
            bump_version(db)
        return created, updated

    def add_partner(self, fields: Mapping[str, Any]) -> Partner:
        """Register a new partner from CSV-schema fields (:data:`CSV_FIELDS`), validated like a CSV row.

        Values are CSV cells (strings) or, for convenience, lists for the list columns and
        numbers or None for ``lat``/``lon``; columns left out are empty. Raises
        :class:`PartnerValidationError` (messages by field) when a field is unknown or invalid,
        or when the id is already registered.
        """
        row = {name: "" for name in CSV_FIELDS}
        problems = merge_fields(row, fields)
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
            write_partner(db, partner, now)
            relink(db, partner.id, [], partner.mous)
            bump_version(db)
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
        problems = merge_fields(row, fields)
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
            write_partner(db, partner, now)
            old_links = [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT mou_id FROM partner_mous WHERE partner_id = ?", (partner_id,)
                )
            ]
            relink(db, partner_id, old_links, partner.mous)
            db.executemany(
                "DELETE FROM provenance WHERE entity = 'partner' AND entity_id = ? AND field = ?",
                [(partner_id, name) for name in changed],
            )
            forget_texts(db, indexed_texts(current))
            bump_version(db)
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
            relink(db, partner_id, old_links, [])
            gone = db.execute("DELETE FROM partners WHERE id = ?", (partner_id,)).rowcount > 0
            db.execute("DELETE FROM plan_partners WHERE partner_id = ?", (partner_id,))
            db.execute("DELETE FROM provenance WHERE entity = 'partner' AND entity_id = ?", (partner_id,))
            forget_texts(db, indexed_texts(current))
            bump_version(db)
        return gone

    def import_csv(self, source: Path | str | bytes) -> ImportReport:
        """Validate every row of a partners CSV and upsert the valid ones by id.

        ``source`` is a path, or the file's content as text/bytes. Rows with a missing id,
        an unknown type or status, bad coordinates or an id already seen earlier in the file
        are reported (by row number) and skipped; the others are imported. Importing the
        same file twice changes nothing. Raises :class:`CsvFormatError` when the header
        lacks required columns.
        """
        partners, errors = parse_csv(read_csv_text(source))
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
                write_mou(db, m)
                n += 1
            bump_version(db)
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
        mou_id = str(record_field(record, "mou_id") or record_field(record, "id") or "").strip()
        if not mou_id:
            raise ValueError("the MOU record has no mou_id")
        source = str(record_field(record, "source") or "")
        prov = record_field(record, "provenance") or {}

        def origin(name: str) -> tuple[str, int | None]:
            entry = prov.get(name) if isinstance(prov, Mapping) else None
            if isinstance(entry, Mapping):
                page = entry.get("page")
                return str(entry.get("source") or source), int(page) if page is not None else None
            return source, None

        end_date = iso_text(record_field(record, "end_date"))
        ended = (parse_date(end_date) or date.max) < date.today()
        report = MouLinkReport(mou_id=mou_id)
        now = time.time()
        with connect(self.path) as db:
            known = [row_partner(row, []) for row in db.execute("SELECT * FROM partners")]
            party_src, party_page = origin("parties")
            for party in [str(p).strip() for p in (record_field(record, "parties") or []) if str(p).strip()]:
                partner, how = match_party(party, known)
                if partner is None:
                    partner = new_partner(party, ended)
                    how = "created"
                    insert_partner(db, partner, now)
                    known.append(partner)
                    name_field = "name_th" if has_thai(party) else "name_en"
                    for fld, value in ((name_field, party), ("status", partner.status.value)):
                        write_prov(db, "partner", partner.id, fld, value, party_src, party_page, mou_id, now)
                db.execute(
                    "INSERT OR IGNORE INTO partner_mous (partner_id, mou_id, origin) VALUES (?, ?, ?)",
                    (partner.id, mou_id, ORIGIN_MOU),
                )
                write_prov(db, "partner", partner.id, "mous", mou_id, party_src, party_page, mou_id, now)
                report.links.append(PartyLink(party=party, partner_id=partner.id, how=how))
            mou = MouRecord(
                id=mou_id,
                title=str(record_field(record, "title") or ""),
                parties=list(dict.fromkeys(link.partner_id for link in report.links)),
                start_date=iso_text(record_field(record, "start_date")),
                end_date=end_date,
                areas=[str(a) for a in (record_field(record, "areas") or [])],
                source=source,
            )
            write_mou(db, mou)
            for fld in ("start_date", "end_date", "areas", "parties"):
                value = getattr(mou, fld)
                if value:
                    src, page = origin(fld)
                    text = value if isinstance(value, str) else LIST_SEPARATOR.join(value)
                    write_prov(db, "mou", mou_id, fld, text, src, page, mou_id, now)
            bump_version(db)
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
                [(h, dumps(t)) for h, t in items.items()],
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
        csv_path = Path(corpus_dir) / PARTNERS_CSV
        if self.count() or not csv_path.is_file():
            return None
        report = self.import_csv(csv_path)
        mou_dir = Path(corpus_dir) / "mou"
        if mou_dir.is_dir():
            self.upsert_mous(load_mou_front_matter(mou_dir))
        return report
