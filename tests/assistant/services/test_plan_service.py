"""PlanService: the Plan tab's and ``edunet plan``'s use cases (form, members, draft, history), no browser."""

from __future__ import annotations

import pytest

from assistant.access.history import Kind, list_items
from assistant.drafting.engine import DraftEventKind
from assistant.drafting.forms import FormError
from assistant.services.partners import PartnersService
from assistant.services.plan import PlanRequest, PlanService, save_edited

from .conftest import Accounts

FORM = {
    "network": "เครือข่ายโรงเรียนขนาดเล็กสอยดาว",
    "lead": "P016",
    "members": "P001\n- P002\n",
    "needs": "ขาดครูคอมพิวเตอร์",
    "goals": "นักเรียนมีทักษะดิจิทัลพื้นฐาน",
    "duration": 6.0,
}


def test_a_request_is_the_plan_form_mapping() -> None:
    request = PlanRequest.from_form(**FORM, start=" 2025-05 ", budget_min=0, budget_max=0, ui_language="en")
    data = request.to_form()
    assert data["members"] == ["P001", "P002"] and data["duration_months"] == 6
    assert data["language"] == "en" and data["start_month"] == "2025-05" and "budget_min" not in data
    thai = PlanRequest.from_form(**(FORM | {"duration": None}), language="th", ui_language="en").to_form()
    assert thai["language"] == "th" and thai["duration_months"] is None


def test_the_form_is_checked_against_the_workspace_partners(accounts: Accounts) -> None:
    service = PlanService(accounts.settings)
    form = service.parse(accounts.alice, "net-a", PlanRequest.from_form(**FORM).to_form())
    assert form.network_name == FORM["network"] and len(form.members) == 2
    with pytest.raises(FormError) as problems:
        service.parse(accounts.alice, "net-a", PlanRequest.from_form(members="P999").to_form())
    found = "\n".join(problems.value.problems)
    assert "network_name: give the network a name" in found and "P999" in found


def test_take_partners_adds_the_chosen_ones_not_listed_yet(accounts: Accounts) -> None:
    service = PlanService(accounts.settings)
    assert service.take_partners(accounts.alice, "net-a", "P001").chosen == ()
    PartnersService(accounts.settings).add_to_plan(accounts.alice, "net-a", ["P026", "P001"])
    taken = service.take_partners(accounts.alice, "net-a", "p001\n")
    assert taken.added == ("P026",) and taken.text == "p001\nP026" and set(taken.chosen) == {"P001", "P026"}


def test_a_plan_streams_to_a_draft_kept_in_the_history(accounts: Accounts, store) -> None:
    service = PlanService(accounts.settings, store=store)
    form = service.parse(accounts.alice, "net-a", PlanRequest.from_form(**FORM).to_form())
    events = list(service.stream(accounts.alice, "net-a", form))
    assert any(e.kind is DraftEventKind.SECTION for e in events)
    draft = events[-1].draft
    assert draft is not None and draft.sections and service.title(form) in draft.title
    item_id = service.remember(accounts.alice, "net-a", draft)
    kept = list_items(accounts.alice, "net-a", Kind.PLAN, settings=accounts.settings)
    assert [i.id for i in kept] == [item_id]


def test_an_edited_copy_is_saved_only_when_it_changed() -> None:
    assert save_edited("same", "same") is None and save_edited("", "x") is None
    path = save_edited("new text", "old text")
    assert path is not None and path.read_text(encoding="utf-8") == "new text"
