"""The workshop builder: exact timing for every allowed duration, specific errors, cited drafts, CLI."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from assistant.access.workspaces import SYSTEM
from assistant.drafting.engine import DraftContext, Sources, Writer, draft_context
from assistant.drafting.export import export, to_markdown
from assistant.drafting.forms import FormError
from assistant.workshop import (
    ALLOWED_DURATIONS,
    AgendaError,
    allocate,
    draft_workshop,
    load_template,
    parse_workshop,
    plan_agenda,
    stream_workshop,
)
from tests.fixtures.cli import Cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TOPIC = {"th": "การใช้ AI ช่วยครูทำแฟ้มสะสมผลงานของผู้เรียน", "en": "Using AI to build learner portfolios"}
GOALS = {
    "th": ["ออกแบบโครงสร้างแฟ้มสะสมผลงาน", "ใช้ AI อย่างรับผิดชอบ", "วางแผนติดตามผล"],
    "en": ["design a portfolio structure", "use AI responsibly", "plan the follow-up"],
}


def form(language: str = "th", hours: float = 3, goals: int = 2, start: str | None = "08:30", **extra):
    data = {
        "topic": TOPIC[language],
        "audience": "ครูโรงเรียนขนาดเล็ก" if language == "th" else "small-school teachers",
        "duration_hours": hours,
        "goals": GOALS[language][:goals],
        "language": language,
        "start_time": start,
    }
    return parse_workshop({**data, **extra})


def bare_context(language: str) -> DraftContext:
    """No index, no model: the deterministic skeleton only."""
    return DraftContext(language, Sources(None), Writer(None, "none", language))


# ---------------------------------------------------------------- timing


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("hours", ALLOWED_DURATIONS)
@pytest.mark.parametrize("goals", [0, 1, 3])
def test_agenda_adds_up_exactly_to_the_duration(language: str, hours: float, goals: int) -> None:
    f = form(language, hours, goals)
    agenda = plan_agenda(f)
    minutes = [i.minutes for i in agenda.items]
    assert sum(minutes) == agenda.total == round(hours * 60)
    assert all(m > 0 and m % 5 == 0 for m in minutes)
    clock = 0
    for item in agenda.items:  # contiguous, no gaps or overlaps
        assert item.start == clock and item.end == item.start + item.minutes
        clock = item.end
    h, m = divmod(8 * 60 + 30 + agenda.total, 60)
    assert agenda.items[0].start_clock == "08:30" and agenda.items[-1].end_clock == f"{h:02d}:{m:02d}"
    assert all(a.end_clock == b.start_clock for a, b in zip(agenda.items, agenda.items[1:], strict=False))
    kinds = [i.kind for i in agenda.items]
    assert kinds[0] == "opening" and kinds[-1] == "closing"
    assert kinds.count("hands_on") == max(goals, 1)
    breaks = [i for i in agenda.items if i.is_break]
    assert bool(breaks) == (hours >= 2.5)
    assert not agenda.items[0].is_break and not agenda.items[-1].is_break
    assert all(not (a.is_break and b.is_break) for a, b in zip(agenda.items, agenda.items[1:], strict=False))
    template = {s.id: s for s in load_template().segments}
    assert all(i.minutes >= template[i.kind].min_minutes for i in agenda.items if not i.is_break)
    assert plan_agenda(f).to_dict() == agenda.to_dict()  # deterministic


def test_allocation_is_exact_deterministic_and_respects_minimums() -> None:
    rng = random.Random(7)
    for _ in range(500):
        n = rng.randint(1, 9)
        mins = [rng.choice([5, 10, 15]) for _ in range(n)]
        shares = [rng.uniform(0.5, 30) for _ in range(n)]
        total = 5 * rng.randint(sum(mins) // 5, 80)
        parts = allocate(total, mins, shares)
        assert sum(parts) == total and parts == allocate(total, mins, shares)
        assert all(p >= m and p % 5 == 0 for p, m in zip(parts, mins, strict=True))
    assert allocate(60, [10, 10, 10], [1, 2, 1]) == [15, 30, 15]
    with pytest.raises(AgendaError, match="need at least 30 minutes"):
        allocate(25, [10, 10, 10], [1, 1, 1])


def test_a_duration_that_cannot_be_met_is_refused_with_the_minutes_needed() -> None:
    too_many = parse_workshop({"topic": "AI", "duration_hours": 1, "goals": ["a", "b", "c", "d"]})
    with pytest.raises(AgendaError, match=r"1-hour workshop cannot be met.*at least 70 minutes.*fewer goals"):
        plan_agenda(too_many)
    with pytest.raises(AgendaError, match="cannot be met"):  # refused before any section is drafted
        stream_workshop(too_many, bare_context("th"))
    late = form("en", 3, start="22:00")
    with pytest.raises(AgendaError, match="would end after midnight"):
        plan_agenda(late)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duration_hours": 0.5}, "duration_hours: duration must be 1–6 hours"),
        ({"duration_hours": 7}, "duration_hours: duration must be 1–6 hours"),
        ({"duration_hours": 2.25}, "duration_hours: duration must be in whole or half hours"),
        ({"duration_hours": "สามชั่วโมง"}, "duration_hours: duration must be 1–6 hours"),
        ({"topic": "   "}, "topic: the topic is empty"),
        ({"start_time": "9 โมง"}, "start_time: start time must be HH:MM"),
        ({"language": "fr"}, "language: language must be one of th, en"),
        ({"goals": [f"g{i}" for i in range(7)]}, "goals: at most 6 goals"),
    ],
)
def test_bad_forms_get_specific_messages(changes: dict, message: str) -> None:
    data = {"topic": "AI", "duration_hours": 2, "goals": ["x"], **changes}
    with pytest.raises(FormError) as info:
        parse_workshop(data)
    assert any(p.startswith(message) for p in info.value.problems), info.value.problems


def test_form_reads_yaml_times_and_half_hours() -> None:
    import yaml

    data = yaml.safe_load("topic: AI\nduration_hours: '1,5'\nstart_time: 09:00\ngoals: |\n  one\n  two\n")
    f = parse_workshop(data)  # YAML 1.1 reads 09:00 as 540
    assert f.duration_hours == 1.5 and f.start_time == "09:00" and f.goals == ["one", "two"]


# ---------------------------------------------------------------- the draft


@pytest.mark.parametrize("language", ["th", "en"])
def test_draft_without_index_or_model_is_complete(language: str, tmp_path: Path) -> None:
    from docx import Document

    draft = draft_workshop(form(language), bare_context(language))
    ids = [s.id for s in draft.sections]
    assert ids == ["overview", "objectives", "agenda", "activities", "materials", "checks", "evaluation"]
    assert draft.citations == [] and draft.problems() == [] and draft.backend == "none"
    assert all(s.blocks for s in draft.sections)
    agenda = draft.section("agenda").blocks[0]
    assert sum(int(row[1]) for row in agenda.rows) == 180
    assert draft.data["agenda"]["total_minutes"] == 180
    goals = draft.section("objectives").blocks[1].items
    assert goals == GOALS[language][:2]
    checks = "\n".join(draft.section("checks").texts())
    assert all(g in checks for g in GOALS[language][:2]) and TOPIC[language] in checks
    evaluation = draft.section("evaluation").blocks[2]
    assert {row[0][0] for row in evaluation.rows} == {"1", "2", "3", "4"}  # Kirkpatrick's four levels
    path = export(draft, tmp_path / "agenda.docx")
    text = "\n".join(c.text for t in Document(str(path)).tables for r in t.rows for c in r.cells)
    assert "08:30" in text and "11:30" in text


@pytest.mark.parametrize("language", ["th", "en"])
def test_draft_cites_the_workshop_guide_through_retrieval(language: str, corpus_store) -> None:
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.settings import Settings

    retriever = HybridRetriever(store=corpus_store, workspace="default", k=5)
    ctx = draft_context(Settings(), "default", language, retriever=retriever, llm=False, principal=SYSTEM)
    events = list(stream_workshop(form(language, 6, 3, start=None), ctx))
    assert [e.kind.value for e in events] == ["section"] * 7 + ["final"]
    draft = events[-1].draft
    assert draft.problems() == [] and draft.citations
    sources = {c.source for c in draft.citations}
    assert any("network-workshop" in s for s in sources), sources
    evaluation = draft.section("evaluation").blocks[0].text
    cited = [draft.citations[n - 1] for n in map(int, re.findall(r"\[(\d+)", evaluation))]
    assert cited and any("Kirkpatrick" in c.text or "เคิร์กแพทริก" in c.text for c in cited)
    facts = [i for i in draft.section("checks").blocks[-1].items]
    assert facts and all(re.search(r"\[\d+\]$", i) for i in facts)
    for item in facts:  # each quoted fact is taken from the chunk it cites
        n = int(re.search(r"\[(\d+)\]$", item).group(1))
        quoted = re.search(r"“(.+?)”", item).group(1).rstrip(" …")
        assert quoted[:40] in " ".join(draft.citations[n - 1].text.split())
    assert "0:00–" in to_markdown(draft)  # no start time: times from the start


# ---------------------------------------------------------------- CLI


@pytest.fixture()
def cli(tmp_path: Path, model_dir: Path, embedder, monkeypatch: pytest.MonkeyPatch) -> Cli:
    import assistant.retrieval.runtime as runtime

    monkeypatch.setattr(runtime, "get_embedder", lambda settings=None: embedder)
    runner = Cli(tmp_path / "data", model_dir, monkeypatch)
    runner.env["EDUNET_BACKEND"] = "none"
    return runner


@pytest.mark.parametrize("language", ["th", "en"])
def test_cli_plan_writes_docx_markdown_and_json(cli: Cli, tmp_path: Path, language: str) -> None:
    from docx import Document

    example = EXAMPLES / f"workshop.{language}.yaml"
    out = tmp_path / "agenda.docx"
    code, _, err = cli("workshop", "plan", "--input", str(example), "-o", str(out))
    assert code == 0, err
    assert "09:00" in "\n".join(c.text for t in Document(str(out)).tables for r in t.rows for c in r.cells)
    md = tmp_path / "agenda.txt"
    code, _, err = cli("workshop", "plan", "-i", str(example), "-o", str(md), "--format", "md")
    assert code == 0, err and md.read_text(encoding="utf-8").startswith("# ")
    code, stdout, err = cli("workshop", "plan", "-i", str(example), "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert data["kind"] == "workshop" and data["data"]["agenda"]["total_minutes"] == 180


def test_cli_plan_bad_input_exits_2_with_the_message(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "w.yaml"
    bad.write_text("topic: ''\nduration_hours: 9\n", encoding="utf-8")
    code, _, err = cli("workshop", "plan", "-i", str(bad))
    assert code == 2 and "the topic is empty" in err and "duration must be 1–6 hours" in err
    bad.write_text("topic: AI\nduration_hours: 1\ngoals: [a, b, c, d]\n", encoding="utf-8")
    code, _, err = cli("workshop", "plan", "-i", str(bad))
    assert code == 2 and "cannot be met" in err
