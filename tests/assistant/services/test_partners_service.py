"""PartnersService: the use cases of the Partners tab and ``edunet partners``, without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.access.workspaces import SYSTEM, WorkspaceAccessError
from assistant.partners.registry import CsvFormatError, PartnerValidationError
from assistant.services.partners import PartnersService, SuggestRequest, lead_ids, partner_fields

from .conftest import Accounts


@pytest.fixture()
def service(accounts: Accounts) -> PartnersService:
    return PartnersService(accounts.settings)


def test_a_workspace_registry_is_seeded_from_the_corpus_once(
    service: PartnersService, accounts: Accounts
) -> None:
    found = service.overview(accounts.alice, "net-a")
    assert found.workspace == "net-a" and len(found.partners) >= 20 and found.plan_members == []
    count, path = service.seeded("net-a") or (0, "")
    assert count == len(found.partners) and Path(path).name == "partners.csv"
    assert service.registry(accounts.alice, "net-a") is service.registry(accounts.alice, "net-a")
    assert service.seeded("net-b") is None


def test_the_editor_adds_changes_and_removes_a_partner(service: PartnersService, accounts: Accounts) -> None:
    alice = accounts.alice
    values = {"id": "P900", "name_th": "ชุมชนบ้านเนิน", "type": "community", "status": "active"}
    created = service.save(alice, "net-a", None, values | {"capabilities": "ทอผ้า\nจักสาน\n"})
    assert created.created and created.partner.capabilities == ["ทอผ้า", "จักสาน"]
    assert "P900" in {p.id for p in created.partners}
    changed = service.save(alice, "net-a", "P900", values | {"name_en": "Ban Noen community"})
    assert not changed.created and service.get(alice, "net-a", "P900").name_en == "Ban Noen community"
    with pytest.raises(PartnerValidationError) as problems:
        service.save(alice, "net-a", "P900", values | {"lat": "95", "lon": "102.1"})
    assert "lat" in problems.value.errors
    assert service.remove(alice, "net-a", "P900").removed
    assert not service.remove(alice, "net-a", "P900").removed
    assert service.get(alice, "net-a", "P900") is None


def test_the_plan_list_and_the_csv_round_trip(
    service: PartnersService, accounts: Accounts, tmp_path: Path
) -> None:
    alice = accounts.alice
    assert service.add_to_plan(alice, "net-a", ["P026", "P001"]) == ["P026", "P001"]
    exported = service.export_file(alice, "net-a")
    assert exported.name == "partners.csv" and "P026" in exported.read_text(encoding="utf-8")
    report = service.import_csv(SYSTEM, "net-b", exported, seed=False)
    assert report.ok and report.imported == len(service.overview(alice, "net-a").partners)
    bad = tmp_path / "bad.csv"
    bad.write_text("nothing,useful\n1,2\n", encoding="utf-8")
    with pytest.raises(CsvFormatError):
        service.import_csv(alice, "net-a", bad)


def test_suggestions_rank_partners_for_the_needs(
    service: PartnersService, accounts: Accounts, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "embedder", lambda: embedder)
    monkeypatch.setattr(service, "citer", lambda *args, **kwargs: None)  # no index: no MOU passages
    wanted = SuggestRequest.from_form("นักเรียนต้องการฝึกงานด้านการโรงแรมและการท่องเที่ยว", [], "", "", 0, 5)
    found = service.suggest(accounts.alice, "net-a", wanted)
    ids = [s.partner.id for s in found.result.suggestions]
    assert {"P026", "P018"} <= set(ids[:3])
    assert found.to_dict()["workspace"] == "net-a" and found.cover.partner_ids
    with pytest.raises(WorkspaceAccessError):
        service.suggest(accounts.bob, "net-a", wanted)


def test_requests_are_typed_and_checked() -> None:
    wanted = SuggestRequest.from_form("ครูคอมพิวเตอร์", ["school"], "จันทบุรี, ตราด", "12.6,102.1", 30, 3.0)
    assert wanted.provinces == ("จันทบุรี", "ตราด") and wanted.max_km == 30.0 and wanted.top == 3
    assert wanted.filters().near == (12.6, 102.1)
    assert SuggestRequest.from_form("x", [], "", "", 30, 5).max_km is None  # a radius needs a point
    with pytest.raises(ValueError):
        SuggestRequest("x", near="somewhere").filters()
    with pytest.raises(ValueError):
        SuggestRequest("  ").check("th")
    assert lead_ids(" P001, ,P002 ") == ("P001", "P002")
    fields = partner_fields({"mous": "MOU-1, MOU-2;MOU-3", "resources": " a \n\n b ", "name_th": " x "})
    assert fields["mous"] == ["MOU-1", "MOU-2", "MOU-3"] and fields["resources"] == ["a", "b"]
    assert fields["name_th"] == "x" and fields["lat"] == ""
