"""``edunet partners …`` and ``edunet network …`` through the real CLI, in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.assistant.partners.conftest import copy_registry
from tests.fixtures.cli import Cli

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture()
def cli(tmp_path: Path, model_dir: Path, corpus_registry_file: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI over a fresh data dir whose registry is a copy of the embedded corpus registry."""
    data_dir = tmp_path / "data"
    copy_registry(corpus_registry_file, data_dir / "workspaces" / "default" / "partners.sqlite")
    return Cli(data_dir, model_dir, monkeypatch)


def test_suggest_json_with_distance_filter(cli: Cli) -> None:
    code, out, err = cli(
        "partners",
        "suggest",
        "นักเรียนต้องการฝึกงานด้านการโรงแรมและการท่องเที่ยว",
        "--near",
        "12.1092,102.2796",
        "--max-km",
        "30",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    ids = [s["id"] for s in data["suggestions"]]
    assert set(ids[:2]) == {"P026", "P018"}
    first = data["suggestions"][0]
    assert first["reasons"][0]["need"] == data["needs"][0] and first["reasons"][0]["text"]
    assert all(s["distance_km"] <= 30 for s in data["suggestions"])
    assert set(data["excluded_no_coords"]) == {"P013", "P041"}
    assert data["complementary_set"]["partners"] and data["complementary_set"]["uncovered"] == []


def test_suggest_text_output_and_usage_errors(cli: Cli) -> None:
    code, out, _ = cli("partners", "suggest", "students need hotel internships", "--lang", "en", "--top", "2")
    assert code == 0 and "P026" in out and "hotel internship" in out and "complementary set" in out
    code, _, err = cli("partners", "suggest", "  ")
    assert code == 2 and "Type at least one need" in " ".join(err.split())
    code, _, err = cli("partners", "suggest", "bus", "--max-km", "10")
    assert code == 2 and "location" in " ".join(err.split())
    code, _, err = cli("partners", "suggest", "bus", "--type", "spaceship")
    assert code == 2 and "unknown partner type" in " ".join(err.split())


def test_import_export_list(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    header = (ROOT / "corpus" / "partners.csv").read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(
        header + "\nZ1,ภาคีใหม่,New Partner,ngo,ตราด,,,,สอนว่ายน้ำ; swimming lessons,,,,active,\n"
        ",ไม่มีรหัส,,ngo,ตราด,,,,,,,,,\n",
        encoding="utf-8",
    )
    code, out, _ = cli("partners", "import", str(bad), "--json")
    report = json.loads(out)
    assert code == 1 and report["created"] == ["Z1"] and report["errors"][0]["row"] == 3
    code, _, err = cli("partners", "import", str(tmp_path / "missing.csv"))
    assert code == 2 and "no such file" in " ".join(err.split())

    target = tmp_path / "export.csv"
    code, _, _ = cli("partners", "export", str(target))
    assert code == 0 and "Z1,ภาคีใหม่,New Partner,ngo" in target.read_text(encoding="utf-8")
    code, out, _ = cli("partners", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 51


def test_network_map_and_report(cli: Cli, tmp_path: Path) -> None:
    png = tmp_path / "map.png"
    code, _, err = cli("network", "map", "-o", str(png), "--months", "12", "--lead", "P015")
    assert code == 0, err
    assert png.read_bytes()[:4] == b"\x89PNG"
    code, out, _ = cli("network", "report", "--json", "--months", "600")
    data = json.loads(out)
    assert code == 0
    assert {e["mou_id"] for e in data["expiring"] + data["expired"]} == {
        "MOU-2024-001",
        "MOU-2024-002",
        "MOU-2024-003",
        "MOU-2025-001",
        "MOU-2025-002",
    }
    assert "P005" in data["isolated"]
    assert data["uncovered_needs"]
