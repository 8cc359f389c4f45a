"""The partner editor's and the CSV import's problems in the UI's language, naming fields as the form does."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.partners.csv_rows import check_row, parse_csv
from assistant.partners.models import CSV_FIELDS
from assistant.ui.i18n import get_labels
from assistant.ui.partners_view import PARTNER_PROBLEMS, field_errors_html, partner_problem, row_problem

LABELS = get_labels()


BAD_ROW = {
    "id": "",
    "name_th": "",
    "name_en": "",
    "type": "school",
    "status": "maybe",
    "lat": "95",
    "lon": "abc",
}


def test_the_editors_problems_are_thai_in_the_thai_ui() -> None:
    _, problems = check_row(BAD_ROW)
    html = field_errors_html(LABELS, "th", problems)
    for field in ("id", "name_th", "lat", "lon", "status"):
        assert LABELS.text(f"partners.field_{field}", "th") in html
    assert "กรุณาใส่รหัสภาคี" in html
    assert "ค่า 95 อยู่นอกช่วงของละติจูด (-90 ถึง 90)" in html
    assert "ไม่ใช่ตัวเลข" in html and "ไม่รู้จักสถานะ" in html
    for english in ("missing", "bad coordinates", "unknown", "outside", "not a number", "Latitude"):
        assert english not in html


def test_the_editors_problems_keep_their_english_words_in_english() -> None:
    _, problems = check_row(BAD_ROW)
    html = field_errors_html(LABELS, "en", problems)
    assert "Latitude" in html and "latitude 95 is outside -90..90" in html
    assert "missing id" in html and "unknown partner status &#x27;maybe&#x27;" in html


@pytest.mark.parametrize(
    ("message", "thai"),
    [
        ("id P001 is already registered", "รหัส P001 มีอยู่ในทะเบียนแล้ว"),
        ("no partner with id 'P009' in the registry", "ไม่พบภาคีรหัส P009 ในทะเบียน"),
        ("duplicate id P002 (first on row 3)", "รหัส P002 ซ้ำกับแถว 3"),
        ("unknown field 'fax'; the fields are id, name_th", "ไม่รู้จักช่อง 'fax'"),
        ("/srv/edunet/uploads/partners.csv: not UTF-8 text", "ไฟล์ partners.csv ไม่ใช่ข้อความ UTF-8"),
        ("bad coordinates: give both lat and lon, or neither", "กรุณาใส่ทั้งละติจูดและลองจิจูด"),
    ],
)
def test_each_known_message_has_thai_words(message: str, thai: str) -> None:
    assert thai in partner_problem(LABELS, "th", message)
    assert "/srv/" not in partner_problem(LABELS, "en", message)


def test_every_pattern_has_a_label_in_both_languages() -> None:
    for _, key in PARTNER_PROBLEMS:
        assert any("ก" <= ch <= "๛" for ch in LABELS.table[key]["th"]), key
        assert LABELS.table[key]["en"], key


def test_csv_rows_name_the_field_as_the_form_does() -> None:
    header = ",".join(CSV_FIELDS)
    good = {f: "" for f in CSV_FIELDS} | {"id": "P1", "name_th": "โรงเรียนหนึ่ง", "type": "school"}
    bad = dict(good) | {"id": "P2", "type": "shop", "lat": "12.2"}
    rows = [header] + [",".join(r[f] for f in CSV_FIELDS) for r in (good, bad, good)]
    partners, errors = parse_csv("\n".join(rows) + "\n")
    assert [p.id for p in partners] == ["P1"]
    assert [e.row for e in errors] == [3, 4]
    assert set(errors[0].problems) == {"type", "lon"}
    thai = row_problem(LABELS, "th", errors[0].message, errors[0].problems)
    assert "ประเภท: ไม่รู้จักประเภท 'shop'" in thai
    assert "ลองจิจูด: กรุณาใส่ทั้งละติจูดและลองจิจูด" in thai
    assert "รหัส P1 ซ้ำกับแถว 2" in row_problem(LABELS, "th", errors[1].message, errors[1].problems)
    english = row_problem(LABELS, "en", errors[0].message, errors[0].problems)
    assert "Type: unknown partner type 'shop'" in english


def test_the_import_report_is_thai_in_the_thai_ui(tmp_path: Path) -> None:
    from assistant.partners.models import ImportReport, RowError
    from assistant.settings import Settings
    from assistant.ui.partners_tab import _Handlers

    csv = tmp_path / "partners.csv"
    csv.write_text("x", encoding="utf-8")
    report = ImportReport(
        created=["P1"],
        errors=[RowError(3, "P2", "bad", {"lat": "bad coordinates: latitude 95 is outside -90..90"})],
    )
    service = SimpleNamespace(import_csv=lambda principal, ws, path: report)
    handlers = _Handlers(LABELS, Settings(), service)  # type: ignore[arg-type]
    handlers.run_refresh = lambda ws, lang, request: ("", "", "")  # type: ignore[method-assign]
    text = handlers.run_import(str(csv), None, "th", None)[0]  # type: ignore[arg-type]
    assert "แถว 3 (P2): ละติจูด: ค่า 95 อยู่นอกช่วงของละติจูด (-90 ถึง 90)" in text


def test_a_csv_that_is_not_a_partners_file_is_explained_in_thai(tmp_path: Path) -> None:
    from assistant.partners.models import CsvFormatError
    from assistant.settings import Settings
    from assistant.ui.partners_tab import _Handlers

    csv = tmp_path / "other.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")

    def refuse(principal, ws, path):
        raise CsvFormatError("not a partners CSV: missing column(s) id, type; expected id,name_th,type")

    handlers = _Handlers(LABELS, Settings(), SimpleNamespace(import_csv=refuse))  # type: ignore[arg-type]
    text = handlers.run_import(str(csv), None, "th", None)[0]  # type: ignore[arg-type]
    assert text.startswith("⚠ ไฟล์นี้ไม่ใช่ CSV ทะเบียนภาคี: ขาดคอลัมน์ id, type")


def test_the_main_workspace_is_shown_in_words() -> None:
    from assistant.access.workspaces import WorkspaceAccessError
    from assistant.ui.session import access_message, workspace_label

    assert workspace_label(LABELS, "th", "default") == "พื้นที่ทำงานหลัก"
    assert workspace_label(LABELS, "en", "default") == "Main workspace"
    assert workspace_label(LABELS, "th", "trat", "เครือข่ายตราด") == "เครือข่ายตราด (trat)"
    assert workspace_label(LABELS, "th", "trat") == "trat"
    exc = WorkspaceAccessError("refused", user="somchai", workspace="default")
    assert "พื้นที่ทำงานหลัก" in access_message(LABELS, "th", exc) and "default" not in access_message(
        LABELS, "th", exc
    )


def test_the_selector_shows_the_main_workspace_in_words(tmp_path: Path) -> None:
    from assistant.access.workspaces import principal_for
    from assistant.settings import Settings
    from assistant.ui.session import workspace_choices

    settings = Settings(data_dir=tmp_path)
    principal = principal_for(settings, None)
    assert ("พื้นที่ทำงานหลัก", "default") in workspace_choices(principal, settings, "th")
    assert ("Main workspace", "default") in workspace_choices(principal, settings, "en")
