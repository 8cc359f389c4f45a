"""PortfolioService: the Portfolio tab's and ``edunet portfolio``'s use cases (guide, reflection)."""

from __future__ import annotations

import pytest

from assistant.access.history import Kind, list_items
from assistant.access.workspaces import WorkspaceAccessError
from assistant.drafting.engine import DraftEventKind
from assistant.drafting.forms import FormError
from assistant.llm.privacy import PersonalDataError
from assistant.services.portfolio import GuideRequest, PortfolioService

from .conftest import Accounts

GUIDE = GuideRequest.from_form("P5", "science-technology", ["thinking"], "โครงงานปลูกผัก", 6.0, "th")


def test_a_request_is_the_guide_form() -> None:
    assert GUIDE.to_form() == {
        "grade": "P5",
        "learning_area": "science-technology",
        "competencies": ["thinking"],
        "description": "โครงงานปลูกผัก",
        "weeks": 6,
        "language": "th",
    }
    empty = GuideRequest.from_form(None, None, None, None, None, "en").to_form()
    assert empty["weeks"] == 0 and empty["competencies"] == [] and empty["grade"] == ""
    form = PortfolioService.parse(GUIDE.to_form())
    assert form.grade == "P5" and form.weeks == 6
    with pytest.raises(FormError) as problems:
        PortfolioService.parse(empty)
    fields = {p.split(":")[0] for p in problems.value.problems}
    assert {"competencies", "description", "weeks"} <= fields


def test_a_guide_streams_is_checked_and_kept_in_the_history(accounts: Accounts, store) -> None:
    service = PortfolioService(accounts.settings, store=store)
    form = service.parse(GUIDE.to_form())
    with pytest.raises(WorkspaceAccessError):
        service.stream(accounts.alice, "net-b", form)  # refused at the call, before any event
    events = list(service.stream(accounts.alice, "net-a", form, backend="none"))
    assert any(e.kind is DraftEventKind.SECTION for e in events)
    draft = events[-1].draft
    assert draft is not None and service.problems(draft) == []
    item_id = service.remember(accounts.alice, "net-a", draft)
    items = list_items(accounts.alice, "net-a", Kind.PORTFOLIO, settings=accounts.settings)
    assert [i.id for i in items] == [item_id]


def test_reflection_feedback_refuses_personal_data_before_any_model() -> None:
    text = "วันนี้เราช่วยกันทดลองปลูกผัก หนูได้เรียนรู้ว่าผักต้องการแสง เพราะต้นในร่มโตช้า ครั้งหน้าหนูจะวางแผนใหม่"
    assert PortfolioService.needs_model(text) and not PortfolioService.needs_model("  ")
    assert not PortfolioService.needs_model("โทรหาหนูที่ 081-234-5678")
    feedback = PortfolioService.review(text, ["thinking"], "P5", "th")
    assert "การคิดวิเคราะห์" in feedback.to_markdown()
    with pytest.raises(PersonalDataError):
        PortfolioService.review("โทรหาหนูที่ 081-234-5678", ["thinking"], "P5", "th")
    with pytest.raises(ValueError):
        PortfolioService.review(text, ["no-such-competency"], "P5", "th")
