"""The record an MOU analysis produces: every field with its page and evidence, what is missing and why.

Usage:
    >>> from assistant.mou.records import FieldValue, MouRecord
    >>> record = MouRecord(source="a.pdf", mou_id="a")
    >>> record.parties = FieldValue(["A School", "B College"], 1, "between A School and B College")
    >>> record.to_json()["fields"]["parties"]["page"]
    1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

FIELDS: tuple[str, ...] = (
    "parties",
    "signing_date",
    "start_date",
    "end_date",
    "duration_months",
    "areas",
    "duties",
    "termination",
    "notice_days",
)
"""Every field of a :class:`MouRecord`, in display order."""
REQUIRED_FIELDS: tuple[str, ...] = ("parties", "areas")
"""Without these an analysis cannot feed the partner registry (the CLI exits 1 when one is missing)."""

MISSING_MESSAGES: dict[str, str] = {
    "parties": "no two parties found (no 'between … and …', 'ระหว่าง … กับ …', party list or signature block)",
    "signing_date": "no signing date found (e.g. 'made on 2 June 2025', 'ทำขึ้นเมื่อวันที่ …')",
    "start_date": "no start date found (e.g. 'takes effect on …', 'มีผลตั้งแต่วันที่ …')",
    "end_date": "no end date found, and none follows from a start date and a duration",
    "duration_months": "no duration found (e.g. 'for 2 years', 'เป็นระยะเวลา 2 ปี')",
    "areas": "no scope or cooperation-areas section with items found",
    "duties": "no section of each party's duties or responsibilities found",
    "termination": "no termination clause found",
    "notice_days": "no notice period for termination found (e.g. '30 days' written notice', 'ล่วงหน้า 30 วัน')",
}


# ---------------------------------------------------------------------------------------- records


@dataclass
class FieldValue:
    """One extracted field: its value, the page it came from and the text that shows it.

    ``method`` says how it was found: ``rule``, ``llm`` (checked against the page text) or
    ``derived`` (computed from other found fields, e.g. the end date from start + duration).
    ``pages`` lists every page a list value drew on (the first is ``page``).
    """

    value: Any
    page: int
    evidence_text: str
    method: str = "rule"
    pages: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        return {
            "value": value,
            "page": self.page,
            "pages": self.pages or [self.page],
            "evidence_text": self.evidence_text,
            "method": self.method,
        }


@dataclass
class MissingField:
    """A field the analysis could not find, and why."""

    field: str
    message: str


@dataclass
class MouRecord:
    """The structured result of analysing one MOU."""

    source: str
    mou_id: str
    title: str = ""
    language: str = "en"
    pages: int = 0
    parties: FieldValue | None = None
    signing_date: FieldValue | None = None
    start_date: FieldValue | None = None
    end_date: FieldValue | None = None
    duration_months: FieldValue | None = None
    areas: FieldValue | None = None
    duties: FieldValue | None = None
    termination: FieldValue | None = None
    notice_days: FieldValue | None = None
    missing: list[MissingField] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    backend: str = "none"

    def get(self, name: str) -> FieldValue | None:
        """A field by name (KeyError for an unknown name)."""
        if name not in FIELDS:
            raise KeyError(f"no field {name!r}; fields: {', '.join(FIELDS)}")
        return getattr(self, name)

    def found(self) -> dict[str, FieldValue]:
        """The fields that were found, in display order."""
        return {name: value for name in FIELDS if (value := getattr(self, name)) is not None}

    @property
    def missing_required(self) -> list[str]:
        """Required fields (:data:`REQUIRED_FIELDS`) that were not found."""
        return [name for name in REQUIRED_FIELDS if getattr(self, name) is None]

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape: every field (null when missing), the missing list and notes."""
        return {
            "source": self.source,
            "mou_id": self.mou_id,
            "title": self.title,
            "language": self.language,
            "pages": self.pages,
            "backend": self.backend,
            "fields": {name: (v.to_json() if (v := getattr(self, name)) else None) for name in FIELDS},
            "missing": [{"field": m.field, "message": m.message} for m in self.missing],
            "notes": self.notes,
        }

    def to_partner_record(self) -> dict[str, Any]:
        """What ``Registry.upsert_from_mou`` accepts: parties, mou_id, source, dates, areas, provenance.

        ``start_date`` is the effective date, else the signing date (its provenance then points
        at the signing clause). Dates are ISO strings, empty when unknown.
        """
        start = self.start_date or self.signing_date
        fields: dict[str, FieldValue | None] = {
            "parties": self.parties,
            "start_date": start,
            "end_date": self.end_date,
            "areas": self.areas,
        }
        return {
            "mou_id": self.mou_id,
            "title": self.title,
            "source": self.source,
            "parties": list(self.parties.value) if self.parties else [],
            "start_date": start.value.isoformat() if start else "",
            "end_date": self.end_date.value.isoformat() if self.end_date else "",
            "areas": list(self.areas.value) if self.areas else [],
            "provenance": {
                name: {"source": self.source, "page": value.page}
                for name, value in fields.items()
                if value is not None
            },
        }
