"""Portfolio guides: validated form, curriculum-correct rubrics and timeline, real citations, DOCX, CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.drafting.engine import Block, DraftContext, DraftEventKind, Sources, Writer
from assistant.drafting.forms import FormError
from assistant.drafting.knowledge import load_framework
from assistant.portfolio import (
    LEVELS,
    check_curriculum,
    draft_portfolio,
    fit_timeline,
    load_portfolio_templates,
    parse_grade,
    parse_portfolio_form,
    stream_portfolio,
)
from tests.fixtures.cli import Cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ALL = [c.id for c in load_framework().competencies]


def form(**over: Any) -> dict[str, Any]:
    base = {
        "grade": "ป.5",
        "learning_area": "วิทยาศาสตร์และเทคโนโลยี",
        "competencies": ["ความสามารถในการคิด", "technology"],
        "description": "โครงงานปลูกผักไฮโดรโปนิกส์ร่วมกับ อบต.",
        "weeks": 8,
        "language": "th",
    }
    return {**base, **over}


def offline_ctx(language: str, llm: Any = None) -> DraftContext:
    """A context without an index (no citations) and, by default, without a model."""
    return DraftContext(language, Sources(None), Writer(llm, "fake" if llm else "none", language))


# ---------------------------------------------------------------- the form


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ป.1", "P1"),
        ("ป. 6", "P6"),
        ("ป.๔", "P4"),
        ("ประถมศึกษาปีที่ 3", "P3"),
        ("ม.1", "M1"),
        ("มัธยมศึกษาปีที่ 6", "M6"),
        ("P4", "P4"),
        ("m2", "M2"),
        ("Grade 1", "P1"),
        ("Grade 12", "M6"),
        (9, "M3"),
    ],
)
def test_grade_levels(text: str | int, code: str) -> None:
    assert parse_grade(text).code == code


@pytest.mark.parametrize("text", ["ป.7", "ม.0", "Grade 13", "อนุบาล 2", "P0", "kindergarten", ""])
def test_unknown_grades_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"ป\.1–ป\.6"):
        parse_grade(text)


def test_a_valid_form_is_normalised_to_framework_ids() -> None:
    f = parse_portfolio_form(form(competencies="thinking, ความสามารถในการใช้เทคโนโลยี, Thinking capacity"))
    assert (f.grade, f.learning_area, f.competencies) == (
        "P5",
        "science-technology",
        ["thinking", "technology"],
    )


def test_invented_area_and_competency_are_rejected_with_the_valid_list() -> None:
    with pytest.raises(FormError) as info:
        parse_portfolio_form(
            form(
                learning_area="วิชาเวทมนตร์",
                competencies=["telepathy", "thinking"],
                grade="ป.7",
                weeks=52,
                description=" ",
            )
        )
    problems = {p.split(":", 1)[0]: p for p in info.value.problems}
    assert set(problems) == {"learning_area", "competencies", "grade", "weeks", "description"}
    assert "วิชาเวทมนตร์" in problems["learning_area"]
    for area in load_framework().learning_areas:
        assert area.name.th in problems["learning_area"]
    assert "telepathy" in problems["competencies"] and "ความสามารถในการแก้ปัญหา" in problems["competencies"]
    assert "1–40 weeks" in problems["weeks"] and "52" in problems["weeks"]


@pytest.mark.parametrize(
    ("over", "field", "needle"),
    [
        ({"competencies": []}, "competencies", "1–5"),
        ({"weeks": 0}, "weeks", "1–40"),
        ({"weeks": "สิบ"}, "weeks", "whole number"),
        ({"language": "fr"}, "language", "th or en"),
        ({"colour": "red"}, "colour", "not a field"),
    ],
)
def test_specific_messages(over: dict, field: str, needle: str) -> None:
    with pytest.raises(FormError) as info:
        parse_portfolio_form(form(**over))
    assert any(p.startswith(field) and needle in p for p in info.value.problems), info.value.problems


# ---------------------------------------------------------------- templates and timeline


def test_templates_cover_every_competency_at_4_levels_in_both_languages() -> None:
    tp = load_portfolio_templates()
    assert set(tp.rubrics) == set(ALL)
    for criteria in tp.rubrics.values():
        assert len(criteria) >= 2
        for c in criteria:
            assert sorted(c.levels) == [1, 2, 3, 4]
            assert all(c.levels[lvl].th.strip() and c.levels[lvl].en.strip() for lvl in LEVELS)


@pytest.mark.parametrize("weeks", range(1, 41))
def test_timeline_fits_the_weeks(weeks: int) -> None:
    ranges = fit_timeline(weeks, [0.2, 0.6, 0.2])
    covered = sorted({w for a, b in ranges for w in range(a, b + 1)})
    assert covered == list(range(1, weeks + 1))
    assert ranges[0][0] == 1 and ranges[-1][1] == weeks
    assert all(a <= b for a, b in ranges) and [a for a, _ in ranges] == sorted(a for a, _ in ranges)
    if weeks >= 3:
        assert sum(b - a + 1 for a, b in ranges) == weeks


# ---------------------------------------------------------------- the guide (skeleton)


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("comps", [["communication"], ALL, ["problem-solving", "life-skills"]])
def test_rubric_for_every_chosen_competency_at_4_levels(language: str, comps: list[str]) -> None:
    draft = draft_portfolio(form(competencies=comps, language=language), offline_ctx(language))
    tp, fw = load_portfolio_templates(), load_framework()
    tables = [b for b in draft.section("rubric").blocks if b.kind == "table"]
    assert len(tables) == len(comps)
    for cid, table in zip(comps, tables, strict=True):
        assert len(table.header) == 5
        assert [h.split(" ", 1)[0] for h in table.header[1:]] == ["4", "3", "2", "1"]
        criteria = tp.rubrics[cid]
        assert [r[0] for r in table.rows] == [c.name.get(language) for c in criteria]
        for row, c in zip(table.rows, criteria, strict=True):
            assert row[1:] == [c.levels[lvl].get(language) for lvl in LEVELS]
        names = [p.text for p in draft.section("rubric").blocks if p.kind == "paragraph"]
        assert any(t.startswith(fw.competency(cid).name.get(language)) for t in names)
    assert set(draft.data["rubrics"]) == set(comps)
    assert check_curriculum(draft) == [] and draft.problems() == []


def test_guide_sections_stream_in_order_and_follow_the_form() -> None:
    events = list(stream_portfolio(form(grade="ม.5", weeks=12), offline_ctx("th")))
    assert [e.kind for e in events] == [DraftEventKind.SECTION] * 7 + [DraftEventKind.FINAL]
    draft = events[-1].draft
    assert [s.id for s in draft.sections] == [
        "purpose",
        "evidence",
        "reflection",
        "rubric",
        "timeline",
        "responsible_ai",
        "privacy",
    ]
    text = "\n".join(draft.texts())
    assert "ม.4–6" in text and "ม.5" in text  # the age band's prompts
    tp = load_portfolio_templates()
    for prompt in tp.reflection_prompts["m4-6"]["during"].th:
        assert prompt in text
    assert draft.data["timeline"][-1]["end"] == 12
    assert "ผู้เรียนช่วงชั้นนี้อายุเกิน 10 ปี" in text  # consent rule for 15–18-year-olds
    assert "วิทยาศาสตร์และเทคโนโลยี" in draft.fields["กลุ่มสาระการเรียนรู้"]
    young = draft_portfolio(form(grade="ป.2"), offline_ctx("th"))
    young_text = "\n".join(young.texts())
    assert "ครูเป็นผู้ใช้และสาธิตให้ดูเท่านั้น" in young_text and "อายุไม่เกิน 10 ปี" in young_text


def test_check_curriculum_catches_invented_references() -> None:
    draft = draft_portfolio(form(), offline_ctx("th"))
    assert check_curriculum(draft) == []
    draft.sections[0].blocks.append(Block.paragraph("เชื่อมโยงกับกลุ่มสาระการเรียนรู้วิชาเวทมนตร์ ตัวชี้วัด ว 1.1 ป.5/2"))
    draft.sections[0].blocks.append(Block.paragraph("และความสามารถในการใช้พลังจิต"))
    problems = check_curriculum(draft)
    assert any("วิชาเวทมนตร์" in p for p in problems)
    assert any("ว 1.1 ป.5/2" in p for p in problems)
    assert any("พลังจิต" in p for p in problems)
    english = draft_portfolio(form(language="en"), offline_ctx("en"))
    assert check_curriculum(english) == []
    english.sections[1].blocks.append(
        Block.paragraph("Telepathy capacity grows in the learning area Magic, daily.")
    )
    problems = check_curriculum(english)
    assert any("Telepathy capacity" in p for p in problems) and any("Magic" in p for p in problems)
    english.data["competencies"].append({"id": "telepathy"})
    assert any("telepathy" in p for p in check_curriculum(english))


def test_a_failing_model_never_breaks_the_guide() -> None:
    broken = FakeListChatModel(responses=["x"], error_on_chunk_number=0)

    class Down(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            raise ConnectionError("model down")

    for model in (broken, Down(responses=["x"])):
        draft = draft_portfolio(form(), offline_ctx("th", model))
        assert len(draft.sections) == 7 and draft.problems() == []
        assert not any(b.generated for s in draft.sections for b in s.blocks)


def test_form_language_must_match_the_context() -> None:
    with pytest.raises(ValueError, match="draft context"):
        draft_portfolio(form(language="en"), offline_ctx("th"))


# ---------------------------------------------------------------- with the indexed corpus


@pytest.fixture(scope="module")
def cited_th(corpus_store):
    from assistant.retrieval.hybrid import HybridRetriever

    retriever = HybridRetriever(store=corpus_store, workspace="default", k=5)
    ctx = DraftContext("th", Sources(retriever), Writer(None, "none", "th"))
    return draft_portfolio(form(), ctx)


def test_every_citation_is_a_retrieved_live_chunk(cited_th, corpus_store) -> None:
    draft = cited_th
    assert draft.problems() == [] and check_curriculum(draft) == []
    assert len(draft.citations) >= 4
    ids = [c.chunk_id for c in draft.citations]
    assert corpus_store.manifest.live_ids("default", ids) == set(ids)
    stored = corpus_store.manifest.hits(ids)
    for c in draft.citations:
        assert stored[c.chunk_id].text == c.text and stored[c.chunk_id].source == c.source
    sources = {c.source for c in draft.citations}
    assert "guides/learner-portfolio.th.md" in sources
    assert "policy/pdpa-schools.th.md" in sources or any("pdpa" in s for s in sources)
    assert all(c.source.endswith(".th.md") for c in draft.citations)  # Thai guide cites Thai documents
    assert draft.markers() == {c.n for c in draft.citations}
    privacy = "\n".join(draft.section("privacy").texts())
    assert "[" in privacy  # the privacy rules carry citations


def test_docx_keeps_the_thai_text_unchanged(cited_th) -> None:
    from docx import Document

    from assistant.drafting.export import to_docx_bytes, to_markdown

    doc = Document(io.BytesIO(to_docx_bytes(cited_th)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    tp = load_portfolio_templates()
    assert cited_th.title in text
    assert "โครงงานปลูกผักไฮโดรโปนิกส์ร่วมกับ อบต." in text
    for c in tp.rubrics["thinking"]:
        assert c.levels[4].th in cells and c.name.th in cells
    for item in tp.privacy.never_share.th:
        assert item in text
    assert len(doc.tables) >= 2 + 2  # evidence tables + one rubric per competency
    md = to_markdown(cited_th)
    assert tp.rubrics["technology"][0].levels[1].th in md


# ---------------------------------------------------------------- CLI


@pytest.fixture()
def cli(corpus_data_dir: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(corpus_data_dir, model_dir, monkeypatch)


def test_cli_writes_a_thai_docx_guide(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "guide.docx"
    code, _, err = cli(
        "portfolio", "--input", str(EXAMPLES / "portfolio.th.yaml"), "-o", str(out), "--backend", "none"
    )
    assert code == 0, err
    assert out.is_file() and out.read_bytes()[:2] == b"PK"
    assert "citations" in err


def test_cli_json_and_markdown(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli(
        "portfolio", "--input", str(EXAMPLES / "portfolio.en.yaml"), "--json", "--backend", "none"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["kind"] == "portfolio" and data["language"] == "en"
    assert set(data["data"]["rubrics"]) == {"communication", "problem-solving"}
    assert data["citations"] and all(c["source"].endswith(".en.md") for c in data["citations"])
    md = tmp_path / "g.md"
    code, _, _ = cli(
        "portfolio", "-i", str(EXAMPLES / "portfolio.en.yaml"), "-o", str(md), "--backend", "none"
    )
    assert code == 0 and "## 4-level rubrics" in md.read_text(encoding="utf-8")


def test_cli_bad_form_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "grade: ป.5\nlearning_area: วิชาเวทมนตร์\ncompetencies: [telepathy]\ndescription: x\nweeks: 3\n",
        encoding="utf-8",
    )
    code, _, err = cli("portfolio", "--input", str(bad), "--backend", "none")
    assert code == 2
    assert "วิชาเวทมนตร์" in err and "telepathy" in err and "Traceback" not in err


def test_cli_reflect_reads_stdin_and_refuses_personal_data(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli(
        "portfolio",
        "reflect",
        "--file",
        "-",
        "-c",
        "thinking,life-skills",
        "-g",
        "ป.5",
        "--json",
        "--backend",
        "none",
        stdin="วันนี้เราช่วยกันทดลองปลูกผัก ฉันได้เรียนรู้ว่าผักต้องการแสง เพราะต้นในร่มโตช้า ครั้งหน้าจะวางแผนใหม่",
    )
    assert code == 0, err
    data = json.loads(out)
    assert {c["competency"] for c in data["criteria"]} == {"thinking", "life-skills"}
    assert data["questions"] and data["feedback"] is None
    refl = tmp_path / "r.txt"
    refl.write_text("ติดต่อหนูที่ 081-234-5678 นะคะ ฉันได้เรียนรู้ว่า...", encoding="utf-8")
    code, _, err = cli("portfolio", "reflect", "--file", str(refl), "-c", "thinking", "-g", "ป.5")
    assert code == 1 and "หมายเลขโทรศัพท์" in err and "081-234-5678" not in err
    code, _, err = cli(
        "portfolio", "reflect", "--file", str(refl), "-c", "telepathy", "-g", "ป.5", "--lang", "en"
    )
    assert code == 1 and "phone number" in err  # privacy is checked first
