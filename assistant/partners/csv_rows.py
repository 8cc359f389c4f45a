"""Partners CSV rows: parsing and validating a file, one row or one field edit (problems by field).

Row numbers count like a spreadsheet: the header is row 1, the first partner row 2. Single-partner
edits (:meth:`Registry.add_partner`, :meth:`Registry.update_partner`) are checked by the same
:func:`check_row`.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assistant.partners.models import (
    CSV_FIELDS,
    LIST_SEPARATOR,
    CsvFormatError,
    Partner,
    PartnerStatus,
    PartnerType,
    RowError,
)


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
        partner, problems = check_row(row)
        if partner is None:
            message = "; ".join(dict.fromkeys(problems.values()))
            errors.append(RowError(row=row_no, id=pid, message=message, problems=problems))
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


def read_csv_text(source: Path | str | bytes) -> str:
    """A CSV's text from a path, text or bytes (a UTF-8 BOM is dropped); CsvFormatError if unreadable."""
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


def merge_fields(row: dict[str, str], fields: Mapping[str, Any]) -> dict[str, str]:
    """Write ``fields`` into ``row`` as CSV cells; the problems with unknown field names."""
    problems: dict[str, str] = {}
    for name, value in fields.items():
        if name not in CSV_FIELDS:
            problems[str(name)] = f"unknown field {name!r}; the fields are {', '.join(CSV_FIELDS)}"
            continue
        row[name] = cell_text(value)
    return problems


def cell_text(value: Any) -> str:
    """A field value as the CSV cell it would be: lists joined with ``"; "``, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, tuple, set, frozenset)):
        return LIST_SEPARATOR.join(str(item).strip() for item in value if str(item).strip())
    return str(value).strip()
