"""The partner model: organisations, their types and statuses, MOU records, and import/link reports.

One model for every partner tool (registry, matching, network map) and for plans
(:mod:`assistant.plan.partners`). The CSV schema is ``corpus/partners.csv``'s header (:data:`CSV_FIELDS`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from ingest.records import parse_choice

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
    problems: dict[str, str] = field(default_factory=dict)  # field -> message, when fields are to blame


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


def parse_date(value: str | date | None) -> date | None:
    """An ISO date (``2026-05-31``), or None when empty or not a date."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


def _coord_text(value: float) -> str:
    """A coordinate as CSV text: up to 6 decimals, no trailing zeros."""
    return f"{value:.6f}".rstrip("0").rstrip(".")
