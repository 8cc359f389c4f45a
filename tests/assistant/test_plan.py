"""The Plan builder: the form's checks, the computed skeleton, citations to live chunks, DOCX, prose, CLI.

Runs over the real starter corpus indexed once per session (``corpus_store``) with the
``none`` backend, plus a tiny fake chat model for the prose checks.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assistant.access.workspaces import SYSTEM
from assistant.drafting.engine import Block, BlockKind, Draft, DraftEventKind, draft_context
from assistant.drafting.export import to_docx_bytes, to_markdown
from assistant.drafting.forms import FormError, parse_form
from assistant.drafting.knowledge import load_framework
from assistant.plan import (
    PartnerBook,
    PartnerInfo,
    PlanForm,
    build_plan,
    draft_plan,
    parse_plan_form,
    stream_plan,
    workspace_partners,
)
from assistant.settings import Settings
from tests.fixtures.cli import Cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_TH = ROOT / "examples" / "plan.th.yaml"
EXAMPLE_EN = ROOT / "examples" / "plan.en.yaml"
COMPONENT_IDS = [c.id for c in load_framework().components]


def form_data(**changes: Any) -> dict[str, Any]:
    """The Thai example form, with some fields changed (None removes a field)."""
    data = yaml.safe_load(EXAMPLE_TH.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(FormError) as info:
        parse_plan_form(data)
    return info.value.problems


def ctx_for(store: Any, language: str, llm: Any = False):
    from assistant.retrieval.hybrid import HybridRetriever

    retriever = HybridRetriever(store=store, workspace="default", k=5)
    return draft_context(Settings(), "default", language, retriever=retriever, llm=llm, principal=SYSTEM)


@pytest.fixture(scope="module")
def thai_draft(corpus_store) -> Draft:
    return draft_plan(parse_plan_form(form_data()), ctx_for(corpus_store, "th"))


@pytest.fixture(scope="module")
def english_draft(corpus_store) -> Draft:
    data = yaml.safe_load(EXAMPLE_EN.read_text(encoding="utf-8"))
    return draft_plan(parse_plan_form(data), ctx_for(corpus_store, "en"))


# ------------------------------------------------------------------ the form


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"duration_months": 48}, "duration_months: duration must be 1–36 months"),
        ({"duration_months": 0}, "duration_months: duration must be 1–36 months"),
        ({"members": []}, "members: list at least one member organisation"),
        ({"members": ["P016"]}, "members: a network needs at least one member besides the lead organisation"),
        ({"members": ["P001", "โรงเรียนบ้านห้วยทับทิม"]}, "'โรงเรียนบ้านห้วยทับทิม' is listed more than once"),
        ({"members": ["P001", "P999"]}, "no partner with id P999 in partners.csv"),
        ({"members": ["ร้านค้า | spaceship"]}, "unknown type 'spaceship'"),
        (
            {"budget_min": 300000, "budget_max": 50000},
            "budget_max: budget_min (300,000) is more than budget_max (50,000)",
        ),
        ({"budget_max": None}, "budget_max: give both budget_min and budget_max, or neither"),
        ({"budget": "small"}, "budget: budget 'small' contradicts budget_min/budget_max"),
        ({"start_month": "2025-13"}, "start_month: '2025-13' has no month 13: months run from 1 to 12"),
        ({"start_month": "พฤษภา"}, "start_month: cannot read 'พฤษภา' as a month; write it as พ.ค. 2568"),
        ({"start_month": "5/68"}, "start_month: write the year of '5/68' in full"),
        ({"language": "fr"}, "language: language must be th or en"),
        ({"needs": []}, "needs: give at least one problem or need"),
        ({"goals": "  "}, "goals: give at least one goal"),
        ({"network_name": " "}, "network_name: give the network a name"),
        ({"lead_organisation": None}, "lead_organisation: is required"),
        ({"colour": "blue"}, "colour: is not a field of this form"),
    ],
)
def test_bad_forms_get_specific_messages(changes: dict[str, Any], expected: str) -> None:
    problems = problems_of(form_data(**changes))
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    "typed",
    [
        "พ.ค. 2568",
        "พ.ค.2568",
        "พฤษภาคม 2568",
        "พ.ค. 68",
        "5/2568",
        "05/2568",
        "2568-05",
        "May 2025",
        "5/2025",
    ],
)
def test_a_start_month_typed_the_thai_way_plans_the_same_months_as_the_iso_one(typed: str) -> None:
    expected = parse_plan_form(form_data(start_month="2025-05", duration_months=6))
    form = parse_plan_form(form_data(start_month=typed, duration_months=6))
    assert form.start_month == "2025-05" and form == expected
    months = [m.month for m in build_plan(form).timeline]
    assert months == [m.month for m in build_plan(expected).timeline]
    assert months == ["2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10"]


def test_every_problem_is_listed_at_once() -> None:
    problems = problems_of(form_data(duration_months=40, members=[], language="xx", start_month="May"))
    fields = {p.split(":", 1)[0] for p in problems}
    assert {"duration_months", "members", "language", "start_month"} <= fields


def test_parse_form_of_the_shared_module_gives_the_same_messages() -> None:
    with pytest.raises(FormError, match="duration must be 1–36 months"):
        parse_form(PlanForm, form_data(duration_months=37))


def test_members_resolve_partner_ids_types_and_free_text() -> None:
    form = parse_plan_form(
        form_data(
            problems=["ขาดครู"],
            needs=None,
            members="P001\nP018; อบต.ทับไทร\nบริษัท ผลไม้ตะวันออก จำกัด\nกลุ่มแม่บ้าน | community",
            start_month=None,
        )
    )
    by_name = {m.name("th"): m for m in form.members}
    assert by_name["โรงเรียนบ้านห้วยทับทิม"].partner_id == "P001"
    assert by_name["โรงเรียนบ้านห้วยทับทิม"].group == "school"
    assert by_name["วิทยาลัยการโรงแรมและการท่องเที่ยวแหลมงอบ"].group == "university"  # vocational college
    assert by_name["อบต.ทับไทร"].group == "local_government"
    assert by_name["บริษัท ผลไม้ตะวันออก จำกัด"].group == "business"
    assert by_name["กลุ่มแม่บ้าน"].group == "community"
    assert form.needs == ["ขาดครู"]  # "problems" is accepted for needs
    assert re.fullmatch(r"\d{4}-\d{2}", form.start_month)  # default: next month
    assert form.lead_organisation.partner_id == "P016" and form.lead_organisation.group == "university"


def test_partner_ids_come_from_the_workspace_registry(tmp_path: Path) -> None:
    from assistant.partners.registry import Registry

    settings = Settings(data_dir=tmp_path / "data")
    registry = Registry.for_workspace(settings, "net-a", principal=SYSTEM)
    csv_text = (ROOT / "corpus" / "partners.csv").read_text(encoding="utf-8")
    registry.import_csv(csv_text.replace("โรงเรียนบ้านห้วยทับทิม", "โรงเรียนบ้านห้วยทับทิม (ทะเบียน)").encode())
    form = parse_plan_form(form_data(), partners=workspace_partners(settings, "net-a", principal=SYSTEM))
    assert form.members[0].name_th == "โรงเรียนบ้านห้วยทับทิม (ทะเบียน)"
    with pytest.raises(
        FormError, match="no partner with id P777 in the partner registry of workspace 'net-a'"
    ):
        parse_plan_form(
            form_data(members=["P777"]), partners=workspace_partners(settings, "net-a", principal=SYSTEM)
        )
    book = PartnerBook({"P777": PartnerInfo("P777", "ชุมชนบ้านเนิน", "Ban Noen community", "community")}, "test")
    form = parse_plan_form(form_data(members=["P777"], lead_organisation="มหาวิทยาลัยทดสอบ"), partners=book)
    assert form.members[0].group == "community"


def test_plans_use_the_registry_partner_model_and_its_types() -> None:
    """One partner model: the plan's book holds registry Partners; every registry type has one role group."""
    from assistant.partners.registry import Partner, PartnerType
    from assistant.plan.members import group_of_type
    from assistant.plan.partners import partners_from_csv
    from assistant.plan.wording import phrase

    book = partners_from_csv()
    assert book.partners and all(isinstance(p, Partner) for p in book.partners.values())
    assert all(isinstance(p.type, PartnerType) for p in book.partners.values()) and not book.raw_types
    groups = phrase("role_groups", "th")
    for ptype in PartnerType:
        owners = [g for g, spec in groups.items() if ptype.value in spec["types"]]
        assert len(owners) == 1, (ptype, owners)
        assert group_of_type(ptype.value) == owners[0]


def test_a_csv_type_the_registry_does_not_know_leaves_the_group_to_the_name(tmp_path: Path) -> None:
    from assistant.plan.partners import partners_from_csv

    path = tmp_path / "partners.csv"
    path.write_text("id,name_th,name_en,type\np900,บริษัท ทดสอบ จำกัด,Test Co,mystery\n", encoding="utf-8")
    book = partners_from_csv(path)
    assert book.type_of(book.partners["P900"]) == "mystery"
    form = parse_plan_form(form_data(members=["P900"], lead_organisation="มหาวิทยาลัยทดสอบ"), partners=book)
    assert form.members[0].group == "business" and form.members[0].type == "mystery"


# ------------------------------------------------------------------ the skeleton


@pytest.mark.parametrize("months", [1, 2, 3, 6, 12, 13, 24, 36])
def test_timeline_and_pdca_fit_the_duration(months: int) -> None:
    plan = build_plan(parse_plan_form(form_data(duration_months=months, start_month="2025-11")))
    isos = [m.month for m in plan.timeline]
    assert len(isos) == months and isos[0] == "2025-11" and plan.end == isos[-1]
    y, m = divmod(11 - 1 + months - 1, 12)
    assert isos[-1] == f"{2025 + y}-{m + 1:02d}"
    assert len(set(isos)) == months
    cycles = math.ceil(months / 12)
    assert max(p.cycle for p in plan.pdca) == cycles
    for n in range(1, cycles + 1):
        assert [p.stage for p in plan.pdca if p.cycle == n] == ["plan", "do", "check", "act"]
    assert plan.pdca[-1].months == [isos[-1]]  # the last act closes the plan
    for entry in plan.pdca:
        assert entry.months and set(entry.months) <= set(isos)
    for component in plan.components:
        for activity in component.activities:
            assert activity.months and set(activity.months) <= set(isos)
    placed = {a["activity"] for month in plan.timeline for a in month.activities}
    assert placed == {a.text for c in plan.components for a in c.activities}
    steps = {s for month in plan.timeline for s in month.steps}
    assert steps == {s.name.th for s in load_framework().build_steps}
    assert all(month.pdca for month in plan.timeline)


def test_roles_follow_member_types_and_fall_back_to_the_lead() -> None:
    plan = build_plan(parse_plan_form(form_data()))
    resources = next(c for c in plan.components if c.id == "resource-allocation")
    roles = {a.role: a.organisations for a in resources.responsible}
    assert roles["องค์กรปกครองส่วนท้องถิ่น/หน่วยงานรัฐ"] == ["องค์การบริหารส่วนตำบลทับไทร"]
    assert "ภาคธุรกิจ" not in roles  # no business member in this network
    only_schools = build_plan(parse_plan_form(form_data(lead_organisation="P015", members=["P001", "P002"])))
    stakeholders = next(c for c in only_schools.components if c.id == "stakeholders")
    assert [a.role for a in stakeholders.responsible] == ["โรงเรียน"]
    check = {s.id: s for s in only_schools.success}
    assert not check["inter-agency-cooperation"].covered and not check["local-context-politics"].covered
    assert check["leadership"].covered


def test_risks_follow_needs_budget_members_and_duration() -> None:
    plan = build_plan(parse_plan_form(form_data(budget="none", budget_min=None, budget_max=None)))
    ids = [r.id for r in plan.risks]
    assert "limited-resources" in ids and "policy-instability" not in ids
    limited = next(r for r in plan.risks if r.id == "limited-resources")
    assert limited.mitigations == load_framework().challenge("limited-resources").mitigations.th
    assert any("ต้องการรถรับส่งนักเรียน" in reason for reason in limited.reasons)
    long_plan = build_plan(parse_plan_form(form_data(duration_months=24, members=["P001", "P026"])))
    assert {"policy-instability", "misaligned-goals-culture"} <= {r.id for r in long_plan.risks}
    assert len(plan.risks) >= 3


# ------------------------------------------------------------------ the draft over the real index


def test_thai_plan_covers_every_component_and_cites_live_chunks(thai_draft: Draft, corpus_store) -> None:
    ids = [s.id for s in thai_draft.sections]
    assert ids == ["overview", *COMPONENT_IDS, "timeline", "pdca", "risks", "success"]
    assert [c["id"] for c in thai_draft.data["components"]] == COMPONENT_IDS
    assert {p["stage"] for p in thai_draft.data["pdca"]} == {"plan", "do", "check", "act"}
    assert len(thai_draft.data["timeline"]) == 12
    assert thai_draft.problems() == []
    assert thai_draft.citations, "the corpus answers the framework's questions"
    stored = corpus_store.manifest.hits([c.chunk_id for c in thai_draft.citations])
    live = corpus_store.manifest.live_ids("default", [c.chunk_id for c in thai_draft.citations])
    for c in thai_draft.citations:
        assert c.chunk_id in live
        assert stored[c.chunk_id].text == c.text and stored[c.chunk_id].source == c.source
    assert all(stored[c.chunk_id].language == "th" for c in thai_draft.citations)
    cited_components = [cid for cid in COMPONENT_IDS if thai_draft.section(cid).blocks[0].text.endswith("]")]
    assert len(cited_components) >= 6, cited_components
    assert thai_draft.data["citations"]["pdca"]
    for section in thai_draft.sections:
        assert not any(b.generated for b in section.blocks)  # backend none: no model prose
        kinds = {b.kind for b in section.blocks}
        if section.id in COMPONENT_IDS:
            assert BlockKind.TABLE in kinds and BlockKind.BULLETS in kinds


def test_stream_plan_sends_each_section_then_the_final_draft(corpus_store) -> None:
    events = list(stream_plan(form_data(duration_months=3), ctx_for(corpus_store, "th")))
    assert [e.kind for e in events] == [DraftEventKind.SECTION] * 12 + [DraftEventKind.FINAL]
    assert [e.done for e in events[:-1]] == list(range(1, 13))
    assert events[-1].draft is not None and events[-1].draft.data["duration_months"] == 3


def test_docx_keeps_the_thai_text_unchanged(thai_draft: Draft) -> None:
    from docx import Document

    doc = Document(io.BytesIO(to_docx_bytes(thai_draft)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    form = form_data()
    framework = load_framework()
    assert form["network_name"] in text
    assert "ขาดครูคอมพิวเตอร์" in text  # a need from the form
    assert form["goals"][0] in text
    assert framework.component("stakeholders").name.th in text  # a heading from the framework
    assert framework.component("stakeholders").kpis.th[0] in text
    assert framework.component("knowledge-exchange").activities.th[2] in cells
    assert framework.challenge("limited-resources").mitigations.th[0] in cells
    assert "พ.ค. 2568" in cells  # the first month, Buddhist Era
    assert len(doc.tables) >= 7 + 4


def test_english_plan_is_in_english_and_cites_english_documents(english_draft: Draft, corpus_store) -> None:
    assert english_draft.language == "en"
    assert english_draft.title == "Collaboration network plan: Koh Chang Tourism Skills Network"
    assert english_draft.section("stakeholders").title == "Component 3: Stakeholders"
    assert english_draft.problems() == [] and english_draft.citations
    stored = corpus_store.manifest.hits([c.chunk_id for c in english_draft.citations])
    assert all(stored[c.chunk_id].language == "en" for c in english_draft.citations)
    markdown = to_markdown(english_draft)
    assert "Laem Ngop College of Hotel and Tourism" in markdown  # P018 resolved in English
    assert not re.search(r"[\u0e00-\u0e7f]", markdown.split("## Sources")[0])
    assert len(english_draft.data["timeline"]) == 6


# ------------------------------------------------------------------ model prose


class EchoModel(BaseChatModel):
    """Answers with the first sentence of the first passage it was shown, cited; or a fixed text."""

    fixed: str | None = None
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "echo-test"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, **kwargs: Any) -> ChatResult:
        self.calls += 1
        prompt = str(messages[-1].content)
        text = self.fixed or ""
        match = re.search(r"^\[(\d+)\] \([^)]*\) (.+)$", prompt, re.M)
        if self.fixed is None and match:
            first = re.split(r"(?<=[.!?])\s|\s{2,}|\n", match.group(2).strip())[0][:200]
            text = f"{first} [{match.group(1)}]"
        return ChatResult(generations=[ChatGeneration(message=AIMessage(text or "-"))])


def test_grounded_prose_is_kept_and_wrong_language_prose_is_dropped(corpus_store) -> None:
    data = form_data(duration_months=3)
    grounded = EchoModel()
    draft = draft_plan(data, ctx_for(corpus_store, "th", llm=grounded))
    generated = [(s.id, b) for s in draft.sections for b in s.blocks if b.generated]
    assert generated, draft.notes
    assert grounded.calls <= len(draft.sections)  # at most one paragraph per section
    assert len({sid for sid, _ in generated}) == len(generated)
    assert draft.problems() == []
    for _, block in generated:
        assert re.search(r"\[\d+\]", block.text)
    wrong = EchoModel(fixed="The network should meet every month to share its plans and results.")
    draft = draft_plan(data, ctx_for(corpus_store, "th", llm=wrong))
    assert wrong.calls > 0
    assert not [b for s in draft.sections for b in s.blocks if b.generated]
    assert "prose-dropped:wrong-language" in draft.notes
    assert [s.id for s in draft.sections][1:8] == COMPONENT_IDS  # the skeleton is whole regardless


def test_markdown_shows_model_prose_as_generated() -> None:
    from assistant.drafting.engine import Section
    from assistant.drafting.export import sections_markdown

    text = sections_markdown([Section("x", "หัวข้อ", [Block.paragraph("ย่อหน้า", generated=True)])], "th")
    assert "ร่างโดยโมเดลภาษา" in text


# ------------------------------------------------------------------ CLI


def test_cli_plan_writes_docx_md_and_json(
    corpus_data_dir: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from docx import Document

    cli = Cli(corpus_data_dir, model_dir, monkeypatch)
    out_docx = tmp_path / "แผน.docx"
    code, _, err = cli("plan", "--input", str(EXAMPLE_TH), "-o", str(out_docx), "--backend", "none")
    assert code == 0, err
    doc = Document(str(out_docx))
    assert "เครือข่ายโรงเรียนขนาดเล็กโป่งน้ำร้อน" in doc.paragraphs[0].text
    code, _, err = cli(
        "plan", "-i", str(EXAMPLE_EN), "--format", "md", "-o", str(tmp_path / "p.txt"), "-b", "none"
    )
    assert code == 0, err
    assert (tmp_path / "p.txt").read_text(encoding="utf-8").startswith("# Collaboration network plan")
    code, out, err = cli("plan", "--input", "-", "--json", "-b", "none", stdin=EXAMPLE_TH.read_text("utf-8"))
    assert code == 0, err
    data = json.loads(out)
    assert data["kind"] == "plan" and len(data["data"]["components"]) == 7
    assert data["citations"] and all(c["text"] for c in data["citations"])


def test_cli_plan_bad_form_exits_2_listing_every_problem(
    corpus_data_dir: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(form_data(duration_months=48, members=["P001", "P999"]), allow_unicode=True), "utf-8"
    )
    out_file = tmp_path / "out.docx"
    code, _, err = Cli(corpus_data_dir, model_dir, monkeypatch)("plan", "-i", str(bad), "-o", str(out_file))
    assert code == 2
    assert "duration must be 1–36 months" in err and "no partner with id P999" in err
    assert "2 problem(s)" in err
    assert not out_file.exists()
    code, _, err = Cli(corpus_data_dir, model_dir, monkeypatch)("plan", "-i", str(EXAMPLE_TH), "-f", "pdf")
    assert code == 2 and "export format" in err


def test_each_goal_is_suggested_an_indicator_of_its_own_measure(corpus_store, english_draft: Draft) -> None:
    """A reading goal gets a reading indicator, not the closest framework KPI about resources."""
    form = parse_plan_form(form_data(goals=["นักเรียนชั้น ป.1–3 อ่านออกเขียนได้เพิ่มขึ้นร้อยละ 20"]))
    text = to_markdown(draft_plan(form, ctx_for(corpus_store, "th")))
    assert (
        "เป้าหมายที่ 1: นักเรียนชั้น ป.1–3 อ่านออกเขียนได้เพิ่มขึ้นร้อยละ 20 (ตัวชี้วัดที่แนะนำ: "
        "ร้อยละของนักเรียนชั้น ป.1–3 ที่อ่านออกเขียนได้ (ค่าเป้าหมาย: เพิ่มขึ้นร้อยละ 20))"
    ) in text
    assert (
        "Goal 1: Every Grade 9 student completes a hospitality placement (suggested indicator: "
        "Share of Grade 9 students who complete a hospitality placement)"
    ) in to_markdown(english_draft)
