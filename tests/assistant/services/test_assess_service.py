"""AssessService: the Health tab's and ``edunet assess``'s use cases (score, save, compare, report)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.access.history import Kind, list_items
from assistant.assess import AnswerError
from assistant.services.assess import AssessRequest, AssessService, history_draft

from .conftest import Accounts

ANSWERS = {
    "shared-vision-goals.1": 4,
    "shared-vision-goals.2": 3,
    "shared-vision-goals.3": "not sure",
    "shared-vision-goals.4": 4,
    "stakeholders.1": 1,
    "stakeholders.2": 2,
    "stakeholders.3": 2,
    "stakeholders.4": 1,
}


def test_partial_answers_are_scored_with_cited_advice_and_compared(accounts: Accounts, store) -> None:
    service = AssessService(accounts.settings, store=store)
    alice = accounts.alice
    first = service.score(alice, "net-a", AssessRequest(ANSWERS, label="รอบ 1", require_all=False))
    means = {a.id: a.mean for a in first.scores.areas}
    assert means["stakeholders"] == 1.5 and round(means["shared-vision-goals"], 2) == 3.67
    assert first.recommendations[0].name and first.label == "รอบ 1" and first.progress is None
    saved = service.save(alice, "net-a", AssessRequest(ANSWERS, label="รอบ 1", require_all=False))
    assert [s.id for s in service.history(alice, "net-a")] == [saved.id]
    assert service.history(accounts.bob, "net-b") == []
    again = AssessRequest(ANSWERS | {"stakeholders.1": 4}, compare=str(saved.id), require_all=False)
    second = service.score(alice, "net-a", again)
    deltas = {d.id: d.delta for d in second.progress.areas}
    assert deltas["stakeholders"] == pytest.approx(0.75)


def test_a_complete_answers_file_is_required_unless_partial(accounts: Accounts) -> None:
    service = AssessService(accounts.settings)
    with pytest.raises(AnswerError) as problems:
        service.save(accounts.alice, "net-a", AssessRequest(ANSWERS | {"stakeholders.1": 9}))
    found = "\n".join(problems.value.problems)
    assert "stakeholders.1: score 9 is outside 1–5" in found and "missing answers for" in found
    assert service.history(accounts.alice, "net-a") == []


def test_reports_downloads_and_the_history_copy(accounts: Accounts, tmp_path: Path) -> None:
    service = AssessService(accounts.settings)
    result = service.save(accounts.alice, "net-a", AssessRequest(ANSWERS, require_all=False))
    assert result.id == 1
    scored = service.history(accounts.alice, "net-a")[0]
    assert scored.scores.answered == 7
    from assistant.assess import parse_answers, run_assessment

    answers = parse_answers(ANSWERS, service.questionnaire, require_all=False)
    health = run_assessment(answers, service.questionnaire, language="th", label="รอบ 1")
    paths, draft = service.downloads(health, "net-a")
    assert [Path(p).suffix for p in paths] == [".docx", ".md", ".png"] and all(
        Path(p).is_file() for p in paths
    )
    kept, title = history_draft(draft, "  รอบ  1 ")
    assert "chart" not in {s.id for s in kept.sections} and title.endswith("— รอบ 1")
    item_id = service.remember(accounts.alice, "net-a", draft, "รอบ 1")
    items = list_items(accounts.alice, "net-a", Kind.ASSESSMENT, settings=accounts.settings)
    assert [i.id for i in items] == [item_id] and items[0].title == title
    report = tmp_path / "report.md"
    chart = service.write_report(health, "net-a", output=report)
    assert (
        chart == tmp_path / "report.radar.png"
        and chart.is_file()
        and "report.radar.png" in report.read_text()
    )
    assert service.write_report(health, "net-a") is None
