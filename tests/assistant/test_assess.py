"""The network health check: questionnaire, validation, scoring, recommendations, storage, charts, CLI.

Scores are checked against hand-computed means; citations against the chunks of a real
(small) index of the starter corpus; the CLI runs in-process against a temporary data dir.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.assess import (
    HEALTH_FILE,
    AnswerError,
    AreaKind,
    AssessmentStore,
    HealthConfigError,
    chart_figure,
    chart_png,
    chart_series,
    export_report,
    load_questionnaire,
    parse_answers,
    report_draft,
    run_assessment,
    split_answers_file,
)
from assistant.drafting.knowledge import load_framework
from tests.fixtures.cli import Cli

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
EXAMPLE = ROOT / "examples" / "answers.th.yaml"
FILES = [
    "framework/components.th.md",
    "framework/components.en.md",
    "framework/success-factors.th.md",
    "framework/success-factors.en.md",
]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Fixed answers: 3 everywhere except these areas (hand-computed means in the comments).
SPECIAL: dict[str, list[Any]] = {
    "shared-vision-goals": [5, 4, 3, "not sure"],  # (5+4+3)/3 = 4.0
    "stakeholders": [1, 2, 2, 1],  # 6/4 = 1.5
    "leadership": [2, 2, 3, 3],  # 10/4 = 2.5
    "local-context-politics": [4, 4, 4, 4],  # 4.0
}


@pytest.fixture(scope="module")
def q():
    return load_questionnaire()


def fixed_answers(q, special: dict[str, list[Any]] | None = None, default: Any = 3) -> dict[str, Any]:
    special = SPECIAL if special is None else special
    data: dict[str, Any] = {}
    for area in q.areas:
        for n, indicator in enumerate(area.indicators):
            data[indicator.id] = special[area.id][n] if area.id in special else default
    return data


# ------------------------------------------------------------------ questionnaire


def test_questionnaire_has_7_components_and_5_factor_groups_in_both_languages(q) -> None:
    fw = load_framework()
    assert [a.id for a in q.areas if a.kind is AreaKind.COMPONENT] == [c.id for c in fw.components]
    assert [a.id for a in q.areas if a.kind is AreaKind.FACTOR] == [f.id for f in fw.success_factors]
    assert all(3 <= len(a.indicators) <= 4 for a in q.areas if a.kind is AreaKind.COMPONENT)
    leadership = q.area("leadership")
    assert [i.th for i in leadership.indicators] == fw.success_factor("leadership").indicators.th
    th, en = q.to_json("th"), q.to_json("en")
    assert [[i["id"] for i in a["indicators"]] for a in th["areas"]] == [
        [i["id"] for i in a["indicators"]] for a in en["areas"]
    ]
    assert len(q.indicators) == sum(len(a["indicators"]) for a in en["areas"]) == 48
    assert th["scale"]["levels"]["1"] != en["scale"]["levels"]["1"]
    assert th["areas"][0]["name"] == "วิสัยทัศน์และเป้าหมายร่วมกัน"
    assert en["areas"][0]["name"] == "Shared vision and goals"


def _health_yaml(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(HEALTH_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "health.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_unknown_or_missing_ids_in_the_health_file_fail_at_load(tmp_path: Path) -> None:
    def break_it(data: dict) -> None:
        data["components"]["no-such-component"] = data["components"].pop("stakeholders")
        data["factor_components"]["leadership"] = ["shared-vision-goals", "ghost-component"]
        del data["texts"]["summary"]

    with pytest.raises(HealthConfigError) as info:
        load_questionnaire(_health_yaml(tmp_path, break_it))
    message = str(info.value)
    assert "unknown component id 'no-such-component'" in message
    assert "no statements for component 'stakeholders'" in message
    assert "factor_components.leadership: unknown component id(s) 'ghost-component'" in message
    assert "texts: missing key(s) summary" in message


def test_too_few_statements_and_a_bad_scale_are_reported(tmp_path: Path) -> None:
    def shrink(data: dict) -> None:
        data["components"]["stakeholders"] = data["components"]["stakeholders"][:2]

    with pytest.raises(HealthConfigError, match=r"components.stakeholders: needs 3–4 statements, found 2"):
        load_questionnaire(_health_yaml(tmp_path, shrink))

    def gap(data: dict) -> None:
        del data["scale"]["levels"][2]

    with pytest.raises(HealthConfigError, match=r"levels must be 1..5 in order"):
        load_questionnaire(_health_yaml(tmp_path, gap))


# ------------------------------------------------------------------ validation


def test_every_problem_of_the_answers_is_listed_at_once(q) -> None:
    data = fixed_answers(q)
    data["no-such.1"] = 3
    data["stakeholders.2"] = 7
    data["leadership.1"] = "มาก"
    data["leadership.2"] = True
    data["roles-responsibilities.3"] = 3.5
    del data["knowledge-exchange.4"]
    data["policy-strategy.1"] = None
    with pytest.raises(AnswerError) as info:
        parse_answers(data, q)
    problems = info.value.problems
    assert problems[0].startswith("unknown indicator id(s): no-such.1")
    assert any(p.startswith("stakeholders.2: score 7 is outside 1–5") for p in problems)
    assert any(p.startswith("leadership.1: 'มาก' is not a score") for p in problems)
    assert any(p.startswith("leadership.2: True is not a score") for p in problems)
    assert any(p.startswith("roles-responsibilities.3: 3.5 is not a whole number") for p in problems)
    missing = next(p for p in problems if p.startswith("missing answers"))
    assert "2 statement(s): knowledge-exchange.4, policy-strategy.1" in missing


def test_not_sure_spellings_and_numeric_strings_are_accepted(q) -> None:
    data = fixed_answers(q, {})
    data.update({"stakeholders.1": "ไม่แน่ใจ", "stakeholders.2": "Not Sure", "stakeholders.3": "?"})
    data.update({"leadership.1": "4", "leadership.2": 5.0})
    answers = parse_answers(data, q)
    assert answers.not_sure == ("stakeholders.1", "stakeholders.2", "stakeholders.3")
    assert answers.scores["leadership.1"] == 4 and answers.scores["leadership.2"] == 5
    assert len(answers.scores) == 45


def test_all_not_sure_is_an_error_and_blank_is_allowed_only_when_partial(q) -> None:
    with pytest.raises(AnswerError, match="no statement has a score"):
        parse_answers({i.id: "not sure" for i in q.indicators}, q)
    partial = parse_answers({"stakeholders.1": 2, "stakeholders.2": 4}, q, require_all=False)
    assert len(partial.unanswered) == 46 and partial.scores == {"stakeholders.1": 2, "stakeholders.2": 4}
    result = run_assessment(partial, q, language="en")
    assert result.scores.area("stakeholders").mean == 3.0
    assert result.scores.area("leadership").mean is None
    assert result.scores.overall == 3.0  # areas without answers are left out, not counted as zero


# ------------------------------------------------------------------ scoring


def test_scores_on_fixed_answers_match_hand_computed_means(q) -> None:
    answers = parse_answers(fixed_answers(q), q)
    result = run_assessment(answers, q, language="th")
    s = result.scores
    assert s.area("shared-vision-goals").mean == pytest.approx(4.0)
    assert s.area("shared-vision-goals").answered == 3 and s.area("shared-vision-goals").total == 4
    assert s.area("shared-vision-goals").percent == pytest.approx(75.0)
    assert s.area("stakeholders").mean == pytest.approx(1.5)
    assert s.area("stakeholders").percent == pytest.approx(12.5)
    assert s.area("leadership").mean == pytest.approx(2.5)
    assert s.area("local-context-politics").mean == pytest.approx(4.0)
    assert s.area("resource-allocation").mean == pytest.approx(3.0)
    assert s.components == pytest.approx(20.5 / 7)  # 4 + 3 + 1.5 + 3 + 3 + 3 + 3
    assert s.factors == pytest.approx(15.5 / 5)  # 3 + 3 + 3 + 2.5 + 4
    assert s.overall == pytest.approx(3.0)  # (20.5 + 15.5) / 12
    assert s.answered == 47 and s.total == 48
    assert result.answers.skipped == ("shared-vision-goals.4",)
    assert q.band(1.5, "th") == "ต้องเร่งพัฒนา" and q.band(2.5, "en") == "Needs work"


# ------------------------------------------------------------------ recommendations


def test_recommendations_start_with_the_lowest_area_and_use_framework_actions(q) -> None:
    fw = load_framework()
    result = run_assessment(parse_answers(fixed_answers(q), q), q, language="th")
    recs = result.recommendations
    assert [r.area_id for r in recs] == [
        "stakeholders",  # 1.5
        "leadership",  # 2.5
        "roles-responsibilities",  # 3.0: ties keep the framework's order, components first
        "resource-allocation",
        "communication-system",
    ]
    assert [r.rank for r in recs] == [1, 2, 3, 4, 5]
    assert [r.mean for r in recs] == sorted(r.mean for r in recs)
    assert not result.all_strong
    stake = recs[0]
    assert stake.actions == fw.component("stakeholders").activities.th
    allowed = {m for ch in fw.challenges_for("stakeholders") for m in ch.mitigations.th}
    assert stake.mitigations and all(m.rsplit(" (", 1)[0] in allowed for m in stake.mitigations)
    assert [w[2] for w in stake.weak] == [1, 1, 2]  # lowest statements first
    lead = recs[1]
    assert lead.kind is AreaKind.FACTOR
    # carried by shared-vision-goals (4.0) and communication-system (3.0): the weaker one comes first
    assert lead.via_components == ["ระบบการสื่อสาร", "วิสัยทัศน์และเป้าหมายร่วมกัน"]
    activities = {
        a for c in ("shared-vision-goals", "communication-system") for a in fw.component(c).activities.th
    }
    assert lead.actions and all(a.rsplit(" (", 1)[0] in activities for a in lead.actions)
    assert all(r.citations == [] for r in recs) and result.citations == []  # no index given: no citations


def test_a_strong_network_gets_one_keep_it_up_recommendation(q) -> None:
    data = fixed_answers(q, {"measurement-evaluation": [4, 4, 5, 4]}, default=5)
    result = run_assessment(parse_answers(data, q), q, language="en")
    assert result.all_strong
    assert [r.area_id for r in result.recommendations] == ["measurement-evaluation"]
    draft = report_draft(result)
    assert any("Every area scores 4.0 or more" in t for t in draft.texts())


# ------------------------------------------------------------------ citations from a real index


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Any]:
    from ingest.pipeline import ingest
    from ingest.store import Store

    root = tmp_path_factory.mktemp("assess")
    docs = root / "docs"
    for name in FILES:
        (docs / Path(name).parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / name, docs / name)
    store = Store.open(root / "data", embedder)
    report = ingest([docs], store)
    assert report.ok and report.counts()["ingested"] == len(FILES)
    yield store
    store.manifest.close()


def _context(index, language: str, llm: Any = None):
    from assistant.drafting.engine import DraftContext, Sources, Writer
    from assistant.retrieval.hybrid import HybridRetriever

    retriever = HybridRetriever(store=index, workspace="default", k=5)
    return DraftContext(language, Sources(retriever, k=2), Writer(llm, "fake" if llm else "none", language))


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_citation_is_a_retrieved_chunk_in_the_answer_language(q, index, language: str) -> None:
    result = run_assessment(
        parse_answers(fixed_answers(q), q), q, language=language, ctx=_context(index, language)
    )
    assert result.citations, "the framework files should be found for the weak areas"
    assert any(r.citations for r in result.recommendations)
    known = index.manifest.hits([c.chunk_id for c in result.citations])
    assert set(known) == {c.chunk_id for c in result.citations}
    for c in result.citations:
        assert known[c.chunk_id].text == c.text
        assert c.source.endswith(f".{language}.md")
    used = {n for r in result.recommendations for n in r.citations}
    assert used == {c.n for c in result.citations}
    draft = report_draft(result)
    assert draft.problems() == []
    assert draft.markers() == used


def test_model_prose_in_the_wrong_language_is_dropped(q, index) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    fake = FakeListChatModel(responses=["This network should talk to parents more often."] * 5)
    ctx = _context(index, "th", fake)
    result = run_assessment(parse_answers(fixed_answers(q), q), q, language="th", ctx=ctx)
    assert all(r.prose is None for r in result.recommendations)
    assert result.backend == "fake"
    assert result.notes.count("prose-dropped:wrong-language") == q.config.recommend.prose_for


# ------------------------------------------------------------------ storage and progress


def test_save_list_and_compare_show_deltas(q, tmp_path: Path) -> None:
    store = AssessmentStore(tmp_path / "assessments.sqlite")
    with pytest.raises(ValueError, match="no saved assessment in this workspace yet"):
        store.get("latest")
    first = run_assessment(parse_answers(fixed_answers(q), q), q, language="th", label="ภาคเรียนที่ 1")
    saved = store.save(first)
    assert saved.id == first.saved_id == 1 and saved.label == "ภาคเรียนที่ 1"
    better = fixed_answers(q, {**SPECIAL, "stakeholders": [3, 3, 3, 3], "leadership": [2, 2, 2, 2]})
    second = run_assessment(
        parse_answers(better, q), q, language="th", previous=store.get("latest"), label="ภาคเรียนที่ 2"
    )
    p = second.progress
    assert p is not None and p.previous_id == 1 and p.previous_label == "ภาคเรียนที่ 1"
    deltas = {d.id: d.delta for d in p.areas}
    assert deltas["stakeholders"] == pytest.approx(1.5)  # 1.5 → 3.0
    assert deltas["leadership"] == pytest.approx(-0.5)  # 2.5 → 2.0
    assert deltas["resource-allocation"] == pytest.approx(0.0)
    assert p.overall.delta == pytest.approx((1.5 - 0.5) / 12)
    assert [d.id for d in p.improved()] == ["stakeholders"] and [d.id for d in p.declined()] == ["leadership"]
    store.save(second)
    listed = store.list()
    assert [s.id for s in listed] == [2, 1]
    assert listed[1].answers["not_sure"] == ["shared-vision-goals.4"]
    assert listed[1].scores.area("stakeholders").mean == pytest.approx(1.5)
    with pytest.raises(ValueError, match=r"no saved assessment #7; saved ids: 2, 1"):
        store.get(7)
    series = [s.values for s in chart_series(second)]
    assert len(series) == 2 and series[0][2] == pytest.approx(1.5) and series[1][2] == pytest.approx(3.0)
    draft = report_draft(second)
    progress = draft.section("progress")
    table = next(b for b in progress.blocks if b.rows)
    row = next(r for r in table.rows if r[0] == "ผู้มีส่วนได้ส่วนเสีย")
    assert row[1:] == ["1.50", "3.00", "+1.50"]


# ------------------------------------------------------------------ charts and export


def test_chart_png_for_one_and_two_series(q, tmp_path: Path) -> None:
    from assistant.assess import SavedAssessment, Scores

    first = run_assessment(parse_answers(fixed_answers(q), q), q, language="th")
    one = chart_png(first)
    assert one.startswith(PNG_MAGIC) and len(one) > 30_000
    earlier = SavedAssessment(
        1, "2025-06-01T10:00:00", "ครั้งก่อน", "th", {}, Scores.from_json(first.scores.to_json())
    )
    second = run_assessment(
        parse_answers(fixed_answers(q, {}, default=4), q), q, language="th", previous=earlier
    )
    two = chart_png(second)
    assert two.startswith(PNG_MAGIC) and len(two) > 30_000 and two != one
    from PIL import Image

    image = Image.open(io.BytesIO(two))
    assert image.size[0] > 600 and image.size[1] > 600
    fig = chart_figure(second)
    assert [t.type for t in fig.data] == ["scatterpolar", "scatterpolar"]
    assert list(fig.data[1].r[:12]) == [4.0] * 12
    assert fig.data[0].theta[0] == "วิสัยทัศน์และเป้าหมายร่วมกัน"


def test_report_exports_docx_with_the_chart_and_markdown_with_its_path(q, tmp_path: Path) -> None:
    from docx import Document

    result = run_assessment(parse_answers(fixed_answers(q), q), q, language="th", label="ภาคเรียนที่ 1/2568")
    png = chart_png(result)
    draft = report_draft(result, workspace="default", chart_ref="radar.png")
    docx_path = export_report(draft, tmp_path / "health.docx", chart_png=png)
    doc = Document(str(docx_path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert len(doc.inline_shapes) == 1 and "![" not in text
    assert "ข้อเสนอแนะลำดับที่ 1: ผู้มีส่วนได้ส่วนเสีย" in text
    assert "ภาคเรียนที่ 1/2568" in text
    md = export_report(draft, tmp_path / "health.md").read_text(encoding="utf-8")
    assert "![แผนภูมิเรดาร์](radar.png)" in md
    assert "| ผู้มีส่วนได้ส่วนเสีย | 1.50 | 12 | ต้องเร่งพัฒนา | 4/4 |" in md
    data = json.loads(export_report(draft, tmp_path / "health.json").read_text(encoding="utf-8"))
    assert data["data"]["scores"]["overall"] == pytest.approx(3.0)


def test_template_and_example_files_round_trip(q) -> None:
    blank = yaml.safe_load(q.template("th"))
    answers, label, language = split_answers_file(blank)
    assert language == "th" and set(answers) == {i.id for i in q.indicators}
    with pytest.raises(AnswerError, match=r"missing answers for 48 statement\(s\)"):
        parse_answers(answers, q)
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers, label, language = split_answers_file(example)
    parsed = parse_answers(answers, q)
    assert label and language == "th" and len(parsed.scores) + len(parsed.not_sure) == 48
    with pytest.raises(AnswerError, match="extra: is not a field"):
        split_answers_file({"answers": {}, "extra": 1})


# ------------------------------------------------------------------ CLI


@pytest.fixture(scope="module")
def cli_data(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Path:
    data_dir = tmp_path_factory.mktemp("assess-cli")
    with pytest.MonkeyPatch.context() as mp:
        code, _, err = Cli(data_dir, model_dir, mp)(
            "ingest", str(CORPUS / FILES[0]), str(CORPUS / FILES[2]), "--json"
        )
    assert code == 0, err
    return data_dir


@pytest.fixture()
def cli(cli_data: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(cli_data, model_dir, monkeypatch)


def test_cli_questions_in_both_languages_and_template(cli: Cli, tmp_path: Path) -> None:
    code_th, out_th, _ = cli("assess", "questions", "--json")
    code_en, out_en, _ = cli("assess", "questions", "--language", "en", "--json")
    assert code_th == code_en == 0
    th, en = json.loads(out_th), json.loads(out_en)
    assert len(th["areas"]) == len(en["areas"]) == 12
    assert sum(len(a["indicators"]) for a in th["areas"]) == sum(len(a["indicators"]) for a in en["areas"])
    code, out, _ = cli("assess", "questions", "--language", "en")
    assert code == 0 and "stakeholders.2" in out and "Shared vision and goals" in out
    template = tmp_path / "blank.yaml"
    code, _, _ = cli("assess", "questions", "--template", str(template))
    assert (
        code == 0 and template.is_file() and "shared-vision-goals.1:" in template.read_text(encoding="utf-8")
    )


def test_cli_assess_saves_compares_and_writes_chart_and_report(cli: Cli, tmp_path: Path) -> None:
    chart = tmp_path / "radar.png"
    report = tmp_path / "report.md"
    code, out, err = cli(
        "assess",
        "--answers",
        str(EXAMPLE),
        "--chart",
        str(chart),
        "-o",
        str(report),
        "--backend",
        "none",
        "--json",
    )
    assert code == 0, err
    first = json.loads(out)
    assert first["saved_id"] == 1 and first["label"] == "ภาคเรียนที่ 1/2568 (ตัวอย่าง)"
    assert first["recommendations"][0]["area"] == "measurement-evaluation"  # 2.25, the lowest in the example
    assert first["citations"] and all(c["chunk_id"] for c in first["citations"])
    assert chart.read_bytes().startswith(PNG_MAGIC)
    assert "![แผนภูมิเรดาร์](radar.png)" in report.read_text(encoding="utf-8")

    better = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    better["answers"]["measurement-evaluation.1"] = 4  # 2.25 → 2.75
    better["label"] = "ภาคเรียนที่ 2/2568"
    path = tmp_path / "again.yaml"
    path.write_text(yaml.safe_dump(better, allow_unicode=True), encoding="utf-8")
    code, out, err = cli(
        "assess", "--answers", str(path), "--compare", "latest", "--backend", "none", "--json"
    )
    assert code == 0, err
    second = json.loads(out)
    deltas = {a["id"]: a["delta"] for a in second["progress"]["areas"]}
    assert second["progress"]["previous"]["id"] == 1 and second["saved_id"] == 2
    assert deltas["measurement-evaluation"] == pytest.approx(0.5) and deltas["stakeholders"] == 0

    code, out, _ = cli("assess", "history", "--json")
    assert code == 0 and [h["id"] for h in json.loads(out)] == [2, 1]
    code, out, err = cli("assess", "--answers", str(path), "--no-save", "--backend", "none")
    assert code == 0 and "ผู้มีส่วนได้ส่วนเสีย" in out and "saved as" not in err
    code, out, _ = cli("assess", "history", "--json")
    assert len(json.loads(out)) == 2


def test_cli_reports_bad_input_with_exit_code_2(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers:\n  stakeholders.1: 9\n  nonsense.1: 3\n", encoding="utf-8")
    code, _, err = cli("assess", "--answers", str(bad), "--no-save", "--backend", "none")
    assert code == 2
    assert "unknown indicator id(s): nonsense.1" in err and "stakeholders.1: score 9 is outside 1–5" in err
    assert "missing answers for 47 statement(s)" in err
    code, _, err = cli(
        "assess", "--answers", str(EXAMPLE), "--compare", "99", "--no-save", "--backend", "none"
    )
    assert code == 2 and "no saved assessment #99" in err
    code, _, err = cli("assess")
    assert code == 2 and "--answers" in err
    code, _, err = cli("assess", "--answers", str(EXAMPLE), "--chart", str(tmp_path / "x.jpg"), "--no-save")
    assert code == 2 and "PNG" in err
