"""MouService: the MOU tab's and ``edunet mou``'s use cases (form, draft, analysis, registry), no browser."""

from __future__ import annotations

import pytest
import yaml

from assistant.access.history import Kind, list_items
from assistant.drafting.engine import DraftEventKind
from assistant.drafting.forms import FormError, FormProblem
from assistant.mou.analysis import DocumentNotFound
from assistant.services.mou import MouRequest, MouService
from assistant.services.partners import PartnersService

from .conftest import CORPUS, Accounts

ROOT = CORPUS.parent
MOU = CORPUS / "mou" / "MOU-2024-001.th.md"


def request(**changes: object) -> MouRequest:
    values: dict[str, object] = {
        "language": "th",
        "topic": "การฝึกงาน",
        "parties": "โรงเรียนบ้านเขาแก้ว | นายสมชาย | ผู้อำนวยการ | รร.\nวิทยาลัยเทคนิคสอยดาว",
        "objectives": "- ฝึกงานนักเรียน\n",
        "scope": "ฝึกงาน",
        "duties": "รร.: จัดเวลา\nวิทยาลัยเทคนิคสอยดาว: สอน",
        "start_date": " 2025-06-01 ",
        "duration_months": 24.0,
        "coordinators": "รร.: ครูแดง",
        "notice_days": None,
    }
    return MouRequest.from_form(**(values | changes))


def test_a_request_becomes_the_form_and_bad_lines_are_problems() -> None:
    data, problems = request().to_form()
    assert problems == [] and data["parties"][0]["short_name"] == "รร." and data["parties"][1]["title"] == ""
    assert data["duties"] == {"รร.": ["จัดเวลา"], "วิทยาลัยเทคนิคสอยดาว": ["สอน"]}
    assert data["objectives"] == ["ฝึกงานนักเรียน"] and data["notice_days"] == 30
    assert data["start_date"] == "2025-06-01" and data["duration_months"] == 24
    form = MouService.parse(data)
    assert len(form.parties) == 2 and form.months == 24
    data, problems = request(duties="รร. จัดเวลา", coordinators="ครูแดง").to_form()
    assert problems == [
        FormProblem("duties", "the line “รร. จัดเวลา” must read party: text"),
        FormProblem("coordinators", "the line “ครูแดง” must read party: text"),
    ]
    with pytest.raises(FormError) as bad:
        MouService.parse(data)
    assert any(p.startswith("form: no duties given for party") for p in bad.value.problems)
    assert any(p.field is None and p.message.startswith("no duties given") for p in bad.value.found)


def test_an_uploaded_mou_is_analysed_and_sent_to_the_workspace_registry(accounts: Accounts) -> None:
    service = MouService(accounts.settings)
    found = service.analyse(accounts.alice, "net-a", upload=str(MOU))
    assert found.workspace == "net-a" and found.partner is None and found.record["source"] == MOU.name
    assert "โรงเรียนบ้านเขาแก้วพัฒนา" in found.record["fields"]["parties"]["value"]
    state = found.state()
    assert state["_workspace"] == "net-a" and state["_partner"] is None
    report = service.send(accounts.alice, state)
    assert report.mou_id == found.record["mou_id"] and len(report.links) == 2
    linked = {link.partner_id for link in report.links}
    assert linked <= {
        p.id for p in PartnersService(accounts.settings).overview(accounts.alice, "net-a").partners
    }


def test_library_documents_and_a_missing_one(accounts: Accounts) -> None:
    service = MouService(accounts.settings)
    assert service.documents(accounts.alice, "net-a") == []
    with pytest.raises((DocumentNotFound, FileNotFoundError, ValueError)):
        service.analyse(accounts.alice, "net-a", document="no-such-mou.md")
    with pytest.raises(ValueError, match="give a document or a file"):
        service.read(accounts.alice, "net-a")


def test_a_drafted_mou_streams_and_is_kept_in_the_history(accounts: Accounts, store) -> None:
    service = MouService(accounts.settings, store=store)
    data = yaml.safe_load((ROOT / "examples" / "mou.th.yaml").read_text(encoding="utf-8"))
    form = service.parse(data)
    events = list(service.stream(accounts.alice, "net-a", form, backend="none"))
    assert any(e.kind is DraftEventKind.SECTION for e in events)
    draft = events[-1].draft
    assert draft is not None and draft.kind == "mou" and service.title(form)
    item_id = service.remember(accounts.alice, "net-a", draft)
    assert [i.id for i in list_items(accounts.alice, "net-a", Kind.MOU, settings=accounts.settings)] == [
        item_id
    ]


def test_the_writer_is_off_for_the_none_backend(accounts: Accounts) -> None:
    assert MouService(accounts.settings).writer("none") == (None, None)
    assert MouService(accounts.settings).writer(None) == (None, None)
