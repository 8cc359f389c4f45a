"""The registry: CSV round trip, row-numbered validation, idempotent import, MOU links with provenance,
single-partner edits (validated by field) and removal."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from assistant.partners.matching import model_key, suggest, text_hash
from assistant.partners.registry import (
    CSV_FIELDS,
    CsvFormatError,
    PartnerStatus,
    PartnerType,
    PartnerValidationError,
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
    assert "latitude 'abc' is not a number" in errors[6].message
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


# ---------------------------------------------------------------------- single-partner edits


def test_update_partner_validates_like_a_csv_row_and_names_the_field(registry: Registry) -> None:
    registry.import_csv(CORPUS_CSV)
    before = registry.get("P001").to_dict()
    version = registry.version()

    with pytest.raises(PartnerValidationError) as bad_lat:
        registry.update_partner("P001", {"lat": "95", "lon": "102.3"})
    assert bad_lat.value.errors == {"lat": "bad coordinates: latitude 95 is outside -90..90"}

    with pytest.raises(PartnerValidationError) as many:
        registry.update_partner(
            "P001",
            {
                "type": "spaceship",
                "name_th": "",
                "name_en": " ",
                "lon": "abc",
                "status": "dormant",
                "phone": "1",
            },
        )
    errors = many.value.errors
    assert set(errors) == {"type", "name_th", "name_en", "lon", "status", "phone"}
    assert "unknown partner type 'spaceship'" in errors["type"] and "school" in errors["type"]
    assert errors["name_th"] == errors["name_en"] == "missing name (name_th or name_en)"
    assert errors["lon"] == "bad coordinates: longitude 'abc' is not a number"
    assert "partner status" in errors["status"]
    assert errors["phone"].startswith("unknown field 'phone'")
    assert "type: unknown partner type" in str(many.value)  # the message names the field too

    with pytest.raises(PartnerValidationError) as half:
        registry.update_partner("P001", {"lat": "", "lon": "102.3"})
    assert set(half.value.errors) == {"lat"} and "both lat and lon" in half.value.errors["lat"]
    with pytest.raises(PartnerValidationError) as renamed:
        registry.update_partner("P001", {"id": "P999"})
    assert set(renamed.value.errors) == {"id"}
    with pytest.raises(PartnerValidationError) as unknown:
        registry.update_partner("NOPE", {"name_en": "x"})
    assert set(unknown.value.errors) == {"id"}

    # nothing was written by the refused edits
    assert registry.get("P001").to_dict() == before and registry.version() == version

    changed = registry.update_partner(
        "P001",
        {"lat": 12.5, "lon": "102.25", "status": "inactive", "needs": ["ครูภาษาจีน", " ", "Chinese teacher"]},
    )
    assert (changed.lat, changed.lon, changed.status) == (12.5, 102.25, PartnerStatus.INACTIVE)
    assert changed.needs == ["ครูภาษาจีน", "Chinese teacher"]
    assert changed.name_en == "Ban Huai Thapthim School" and changed.mous == ["MOU-2024-003"]  # kept
    assert registry.get("P001") == changed and registry.version() > version
    exported = {row["id"]: row for row in _rows(registry.export_csv())}
    assert exported["P001"]["needs"] == "ครูภาษาจีน; Chinese teacher" and exported["P001"]["lat"] == "12.5"


def test_updating_a_capability_changes_matching_and_refreshes_the_cache(
    corpus_registry: Registry, embedder
) -> None:
    needs = "students need beekeeping and honey production training"
    old_text = "school farm plot"  # P001's only English capability, used by no other partner
    model = model_key(embedder)
    assert "P001" not in [s.partner.id for s in suggest(needs, corpus_registry, embedder, top=3)]
    assert corpus_registry.cached_vectors([text_hash(old_text)], model)  # embedded by the fixture

    new_text = "beekeeping and honey production training"
    corpus_registry.update_partner("P001", {"capabilities": ["ฝึกอบรมการเลี้ยงผึ้ง", new_text]})

    # the old text's cached terms and vector are gone; the new one is embedded on the next match
    assert corpus_registry.cached_vectors([text_hash(old_text)], model) == {}
    assert corpus_registry.cached_terms([text_hash(old_text)]) == {}
    hits = suggest(needs, corpus_registry, embedder, top=3)
    assert hits[0].partner.id == "P001"
    assert any(r.text == new_text for r in hits[0].reasons)
    assert corpus_registry.cached_vectors([text_hash(new_text)], model)
    # a text another partner still uses keeps its cache entry
    shared = corpus_registry.get("P002").name_th
    corpus_registry.update_partner("P003", {"capabilities": [shared]})
    corpus_registry.update_partner("P003", {"capabilities": []})
    assert corpus_registry.cached_terms([text_hash(shared)])


def test_editing_mou_ids_relinks_and_updates_the_mou_parties(registry: Registry) -> None:
    registry.import_csv(CORPUS_CSV)
    registry.upsert_mous(load_mou_front_matter(ROOT / "corpus" / "mou"))
    registry.update_partner("P001", {"mous": "MOU-2024-001"})
    assert registry.get("P001").mous == ["MOU-2024-001"]
    mous = {m.id: m for m in registry.mous()}
    assert "P001" not in mous["MOU-2024-003"].parties and "P002" in mous["MOU-2024-003"].parties
    registry.import_csv(CORPUS_CSV)  # a CSV re-import restores the CSV's link
    assert registry.get("P001").mous == ["MOU-2024-003"]


def test_add_partner_validates_and_refuses_a_registered_id(registry: Registry) -> None:
    registry.import_csv(CORPUS_CSV)
    with pytest.raises(PartnerValidationError) as taken:
        registry.add_partner({"id": "P001", "name_en": "Again", "type": "school"})
    assert taken.value.errors == {"id": "id P001 is already registered"}
    with pytest.raises(PartnerValidationError) as empty:
        registry.add_partner({})
    assert {"id", "name_th", "name_en", "type"} <= set(empty.value.errors)

    added = registry.add_partner(
        {
            "id": "X9",
            "name_en": "Bee Farm",
            "type": "business",
            "capabilities": ["beekeeping"],
            "mous": ["MOU-X"],
        }
    )
    assert added.status == PartnerStatus.PROSPECTIVE and added.mous == ["MOU-X"] and added.lat is None
    assert registry.count() == 51 and registry.get("X9") == added


def test_remove_partner_drops_its_links_plan_entry_and_provenance(registry: Registry) -> None:
    registry.import_csv(CORPUS_CSV)
    registry.upsert_mous(load_mou_front_matter(ROOT / "corpus" / "mou"))
    registry.upsert_from_mou({"mou_id": "MOU-2026-009", "parties": ["P026", "P018"], "source": "x.pdf"})
    registry.add_to_plan(["P026", "P018"])
    assert registry.provenance("P026")

    assert registry.remove_partner("P026") is True
    assert registry.get("P026") is None and registry.count() == 49
    assert registry.plan_members() == ["P018"]
    assert registry.provenance("P026") == []
    mous = {m.id: m for m in registry.mous()}
    assert mous["MOU-2024-002"].parties == ["P006"] and mous["MOU-2026-009"].parties == ["P018"]
    assert "MOU-2024-002" in registry.get("P006").mous  # the other party keeps its link
    assert "P026" not in registry.export_csv()
    assert registry.remove_partner("P026") is False


def test_the_registry_hashes_texts_like_the_matcher() -> None:
    from assistant.partners.tables import text_hash as _text_hash

    for text in ("hotel internship", "ฝึกงานด้านการโรงแรม", ""):
        assert _text_hash(text) == text_hash(text)
