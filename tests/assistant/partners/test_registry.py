"""The registry: CSV round trip, row-numbered validation, idempotent import, MOU links with provenance."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from assistant.partners.registry import (
    CSV_FIELDS,
    CsvFormatError,
    PartnerType,
    Registry,
    load_mou_front_matter,
)

ROOT = Path(__file__).resolve().parents[3]
CORPUS_CSV = ROOT / "corpus" / "partners.csv"


@pytest.fixture()
def registry(tmp_path: Path) -> Registry:
    return Registry(tmp_path / "partners.sqlite")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_round_trip_keeps_every_field(registry: Registry, tmp_path: Path) -> None:
    report = registry.import_csv(CORPUS_CSV)
    assert report.ok and len(report.created) == 50 and report.updated == []
    out = tmp_path / "out.csv"
    text = registry.export_csv(out)
    assert out.read_text(encoding="utf-8") == text
    assert text.splitlines()[0] == ",".join(CSV_FIELDS)
    original = _rows(CORPUS_CSV.read_text(encoding="utf-8"))
    exported = _rows(text)
    for rows in (original, exported):  # coordinates compare as numbers ("102.4390" == "102.439")
        for row in rows:
            row["lat"], row["lon"] = (float(row[k]) if row[k] else None for k in ("lat", "lon"))
    assert exported == original  # same schema, same values, same order (by id)

    again = Registry(tmp_path / "second.sqlite")
    again.import_csv(out)
    assert [p.to_dict() for p in again.all()] == [p.to_dict() for p in registry.all()]


def test_import_is_idempotent_by_id(registry: Registry) -> None:
    registry.import_csv(CORPUS_CSV)
    before = [p.to_dict() for p in registry.all()]
    report = registry.import_csv(CORPUS_CSV)
    assert report.created == [] and len(report.updated) == 50
    assert [p.to_dict() for p in registry.all()] == before
    p = registry.get("P026")
    assert p is not None and p.type == PartnerType.BUSINESS and p.mous == ["MOU-2024-002"]
    assert p.capabilities[:2] == ["ฝึกงานด้านการโรงแรม", "hotel internship"]
    assert (p.lat, p.lon) == (12.0561, 102.2893)


def test_bad_rows_are_reported_by_row_number_and_valid_rows_still_import(registry: Registry) -> None:
    header = ",".join(CSV_FIELDS)
    lines = [
        header,
        "X1,โรงเรียนหนึ่ง,School One,school,ตราด,เมืองตราด,12.2,102.5,สอนดนตรี,,,,active,",  # row 2 ok
        ",ไม่มีรหัส,No Id,school,ตราด,,,,,,,,active,",  # row 3 missing id
        "X3,ภาคีสาม,Three,spaceship,ตราด,,,,,,,,active,",  # row 4 unknown type
        "X4,ภาคีสี่,Four,ngo,ตราด,,95.0,102.0,,,,,active,",  # row 5 latitude out of range
        "X5,ภาคีห้า,Five,ngo,ตราด,,abc,102.0,,,,,active,",  # row 6 not a number
        "X1,ซ้ำ,Duplicate,school,ตราด,,,,,,,,active,",  # row 7 duplicate id
        "X7,ภาคีเจ็ด,Seven,Business,จันทบุรี,,12.6,,,,,,,",  # row 8 only one coordinate
        "X8,ภาคีแปด,Eight,hospital,ตราด,,,,ปฐมพยาบาล; first aid,,,,,",  # row 9 ok (status defaults)
    ]
    report = registry.import_csv("\n".join(lines) + "\n")
    errors = {e.row: e for e in report.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert "missing id" in errors[3].message
    assert "unknown partner type 'spaceship'" in errors[4].message and "school" in errors[4].message
    assert "latitude" in errors[5].message
    assert "not numbers" in errors[6].message
    assert "duplicate id X1 (first on row 2)" in errors[7].message
    assert "both lat and lon" in errors[8].message
    assert sorted(report.created) == ["X1", "X8"]
    assert registry.get("X1").name_en == "School One"  # the first X1 row won, not the duplicate
    assert registry.get("X8").capabilities == ["ปฐมพยาบาล", "first aid"]


def test_a_file_without_the_columns_is_refused(registry: Registry) -> None:
    with pytest.raises(CsvFormatError, match="missing column"):
        registry.import_csv("name,phone\nA,1\n")


def test_mou_front_matter_is_loaded(registry: Registry) -> None:
    records = {m.id: m for m in load_mou_front_matter(ROOT / "corpus" / "mou")}
    assert set(records) == {"MOU-2024-001", "MOU-2024-002", "MOU-2024-003", "MOU-2025-001", "MOU-2025-002"}
    assert records["MOU-2024-002"].parties == ["P006", "P026"]
    assert records["MOU-2024-002"].end_date == "2026-10-31"
    registry.upsert_mous(records.values())
    assert [m.id for m in registry.mous()] == sorted(records)


def test_upsert_from_mou_links_by_name_and_records_provenance(registry: Registry) -> None:
    registry.import_csv(CORPUS_CSV)
    record = {
        "mou_id": "MOU-2026-009",
        "title": "ฝึกงานโรงแรม",
        "parties": ["โรงเรียนหาดทรายขาววิทยา", "Laem Ngop College of Hotel and Tourism", "สมาคมโรงแรมเกาะช้าง"],
        "source": "uploads/mou-2026-009.pdf",
        "start_date": "2026-01-01",
        "end_date": "2099-12-31",
        "areas": ["internship"],
        "provenance": {
            "parties": {"source": "uploads/mou-2026-009.pdf", "page": 1},
            "end_date": {"source": "uploads/mou-2026-009.pdf", "page": 4},
        },
    }
    report = registry.upsert_from_mou(record)
    hows = {link.party: (link.partner_id, link.how) for link in report.links}
    assert hows["โรงเรียนหาดทรายขาววิทยา"] == ("P006", "name")
    assert hows["Laem Ngop College of Hotel and Tourism"] == ("P018", "name")
    new_id, how = hows["สมาคมโรงแรมเกาะช้าง"]
    assert how == "created" and new_id.startswith("M-")
    created = registry.get(new_id)
    assert (
        created is not None and created.name_th == "สมาคมโรงแรมเกาะช้าง" and created.type == PartnerType.OTHER
    )
    assert "MOU-2026-009" in registry.get("P018").mous
    assert "MOU-2024-002" in registry.get("P006").mous  # the CSV link is kept

    prov = {(p.field, p.entity_id): p for p in registry.provenance()}
    assert prov[("mous", "P018")].page == 1 and prov[("mous", "P018")].source == "uploads/mou-2026-009.pdf"
    assert prov[("end_date", "MOU-2026-009")].page == 4
    assert prov[("name_th", new_id)].value == "สมาคมโรงแรมเกาะช้าง"
    mou = next(m for m in registry.mous() if m.id == "MOU-2026-009")
    assert mou.parties == ["P006", "P018", new_id] and mou.end_date == "2099-12-31"

    # running it again links the same partners and creates nothing new
    again = registry.upsert_from_mou(record)
    assert again.created == [] and registry.count() == 51

    # a CSV re-import keeps the links that came from the MOU analysis
    registry.import_csv(CORPUS_CSV)
    assert "MOU-2026-009" in registry.get("P018").mous


def test_plan_members(registry: Registry) -> None:
    registry.import_csv(CORPUS_CSV)
    assert registry.plan_members() == []
    assert registry.add_to_plan(["P026", "P018", "NOPE", "P026"]) == ["P026", "P018"]
    assert registry.remove_from_plan(["P026"]) == ["P018"]
