"""The plan's sections as draft specs: overview, 7 components, timeline, PDCA, risks, success factors.

Each section asks the index for passages and cites them; the model (when on) adds at most
one short, checked paragraph per section.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from assistant.drafting.engine import Block, SectionSpec, Sources
from assistant.plan.calendar import month_label
from assistant.plan.form import PlanForm
from assistant.plan.kpi import goal_kpi
from assistant.plan.record import Plan, PlanMember
from assistant.plan.wording import phrase

if TYPE_CHECKING:
    from assistant.drafting.engine import DraftContext
    from assistant.drafting.knowledge import Framework


def _cite(ctx: DraftContext, query: str, k: int | None = None) -> list[int]:
    """Citations for ``query``, from documents in the plan's language first, then from any document."""
    from ingest.manifest import Filters

    numbers = ctx.sources.find(query, k=k, filters=Filters(languages=(ctx.language,)))
    return numbers or ctx.sources.find(query, k=k)


def _prose(ctx: DraftContext, task: str, facts: Sequence[str], numbers: Sequence[int]) -> list[Block]:
    """At most one checked model paragraph (nothing when the model is off or its text fails the checks)."""
    text = ctx.writer.paragraph(task, facts=list(facts), sources=ctx.sources, numbers=list(numbers))
    return [Block.paragraph(text, generated=True)] if text else []


def plan_specs(plan: Plan, form: PlanForm) -> list[SectionSpec]:
    """The plan's sections, in order: overview, 7 components, timeline, PDCA, risks, success factors."""
    lang = plan.language
    P = lambda path, **v: phrase(path, lang, **v)  # noqa: E731
    mark = Sources.marker

    def overview(ctx: DraftContext) -> list[Block]:
        cites = _cite(ctx, P("queries.overview"))
        plan.citations["overview"] = cites
        vision = plan.components[0].purpose
        blocks = [
            Block.paragraph(plan.vision),
            Block.paragraph(P("overview.vision_basis", purpose=vision) + mark(cites)),
        ]
        task = P("prose.overview", network=plan.network)
        blocks += _prose(ctx, task, [plan.vision, *plan.needs, *plan.goals], cites)
        kpis = [k for c in plan.components for k in c.kpis]
        goal_items = [  # each goal's indicator measures what the goal measures (reading, not resources)
            P("overview.goal_item", n=i, goal=goal, kpi=goal_kpi(goal, lang, kpis))
            for i, goal in enumerate(plan.goals, start=1)
        ]
        rows = [
            [m.name, m.group_name, P("overview.lead_role") if m.is_lead else _main_role(plan, m)]
            for m in plan.members
        ]
        return [
            *blocks,
            Block.paragraph(P("overview.problems")),
            Block.bullets(plan.needs),
            Block.paragraph(P("overview.goals")),
            Block.bullets(goal_items),
            Block.paragraph(P("overview.members")),
            Block.table(P("overview.members_header"), rows),
            Block.note(P("overview.budget_line", budget=plan.budget)),
        ]

    def component_section(index: int) -> Callable[[DraftContext], list[Block]]:
        cp = plan.components[index]

        def build(ctx: DraftContext) -> list[Block]:
            cites = _cite(ctx, P("queries.component", name=cp.name, purpose=cp.purpose[:160]))
            cp.citations = cites
            blocks = [Block.paragraph(P("component.purpose", purpose=cp.purpose) + mark(cites))]
            if cp.needs:
                blocks.append(Block.paragraph(P("component.needs_link", needs="; ".join(cp.needs))))
            facts = [cp.purpose, *[a.text for a in cp.activities], *cp.needs]
            blocks += _prose(ctx, P("prose.component", network=plan.network, name=cp.name), facts, cites)
            blocks.append(Block.paragraph(P("component.responsible")))
            blocks.append(
                Block.table(
                    P("component.responsible_header"),
                    [[a.role, ", ".join(a.organisations), a.duty] for a in cp.responsible],
                )
            )
            blocks.append(Block.paragraph(P("component.what")))
            blocks.append(
                Block.table(
                    P("component.activities_header"), [[a.text, a.phase, a.evidence] for a in cp.activities]
                )
            )
            checks = [p for p in plan.pdca if p.stage == "check"]
            when = ", ".join(plan_month_label(plan, iso) for p in checks for iso in p.months)
            blocks.append(Block.paragraph(P("component.kpis")))
            blocks.append(Block.bullets([P("component.kpi_item", kpi=k, when=when) for k in cp.kpis]))
            if cp.id == "resource-allocation":
                blocks.append(Block.note(P("component.budget_note", budget=plan.budget)))
            return blocks

        return build

    def timeline(ctx: DraftContext) -> list[Block]:
        cites = _cite(ctx, P("queries.timeline"))
        plan.citations["timeline"] = cites
        setup = sum(1 for m in plan.timeline if plan.pdca and m.month in plan.pdca[0].months)
        intro = P("timeline.intro", months=plan.duration_months, setup=setup) + mark(cites)
        none = P("timeline.none")
        names = {c.id: c.name for c in plan.components}
        rows = [
            [
                m.label,
                "; ".join(m.steps) or none,
                "; ".join(f"{a['activity']} ({names[a['component']]})" for a in m.activities) or none,
                m.pdca or none,
            ]
            for m in plan.timeline
        ]
        task = P("prose.timeline", months=plan.duration_months)
        facts = [f"{m.label}: {'; '.join(m.steps)}" for m in plan.timeline if m.steps][:8]
        return [
            Block.paragraph(intro),
            *_prose(ctx, task, facts, cites),
            Block.table(P("timeline.header"), rows),
        ]

    def pdca(ctx: DraftContext) -> list[Block]:
        cites = _cite(ctx, P("queries.pdca"))
        plan.citations["pdca"] = cites
        cycles = max(p.cycle for p in plan.pdca)
        rows = [
            [
                P("pdca.cycle", n=p.cycle),
                p.name,
                _span(plan, p.months, lang)
                if p.stage != "check"
                else ", ".join(plan_month_label(plan, m) for m in p.months),
                p.what,
                p.framework_timing,
            ]
            for p in plan.pdca
        ]
        blocks = [Block.paragraph(P("pdca.intro", cycles=cycles) + mark(cites))]
        blocks += _prose(ctx, P("prose.pdca"), [f"{p.name}: {p.what}" for p in plan.pdca[:4]], cites)
        blocks.append(Block.table(P("pdca.header"), rows))
        if int(plan.start[5:7]) not in (4, 5):
            blocks.append(Block.note(P("pdca.align_note", start=plan_month_label(plan, plan.start))))
        return blocks

    def risks(ctx: DraftContext) -> list[Block]:
        rows = []
        all_cites: list[int] = []
        for risk in plan.risks:
            challenge = _framework().challenge(risk.id)
            risk.citations = _cite(
                ctx, P("queries.risk", name=risk.name, description=challenge.description.get(lang)), k=1
            )
            all_cites += risk.citations
            rows.append(
                [
                    risk.name + mark(risk.citations),
                    "; ".join(risk.reasons),
                    "; ".join(risk.mitigations),
                    ", ".join(risk.components),
                    risk.owner,
                ]
            )
        facts = [f"{r.name}: {r.mitigations[0]}" for r in plan.risks]
        return [
            Block.paragraph(P("risks.intro")),
            *_prose(ctx, P("prose.risks"), facts, list(dict.fromkeys(all_cites))),
            Block.table(P("risks.header"), rows),
        ]

    def success(ctx: DraftContext) -> list[Block]:
        rows = []
        all_cites: list[int] = []
        for check in plan.success:
            check.citations = _cite(ctx, P("queries.success", name=check.name), k=1)
            all_cites += check.citations
            status = P("success.covered") if check.covered else P("success.gap")
            rows.append(
                [check.name + mark(check.citations), check.plan_does, status, "; ".join(check.indicators)]
            )
        facts = [f"{c.name}: {c.plan_does}" for c in plan.success]
        return [
            Block.paragraph(P("success.intro")),
            *_prose(ctx, P("prose.success"), facts, list(dict.fromkeys(all_cites))),
            Block.table(P("success.header"), rows),
        ]

    specs = [SectionSpec("overview", P("sections.overview"), overview)]
    specs += [
        SectionSpec(cp.id, P("sections.component", n=i + 1, name=cp.name), component_section(i))
        for i, cp in enumerate(plan.components)
    ]
    specs += [
        SectionSpec("timeline", P("sections.timeline"), timeline),
        SectionSpec("pdca", P("sections.pdca"), pdca),
        SectionSpec("risks", P("sections.risks"), risks),
        SectionSpec("success", P("sections.success"), success),
    ]
    return specs


def _framework() -> Framework:
    from assistant.drafting.knowledge import load_framework

    return load_framework()


def _main_role(plan: Plan, member: PlanMember) -> str:
    """The member's duties, taken from the components where its group is responsible."""
    group_name = member.group_name
    duties = [
        f"{a.duty} ({cp.name})" for cp in plan.components for a in cp.responsible if a.role == group_name
    ]
    return "; ".join(duties[:2]) if duties else phrase("timeline.none", plan.language)


def plan_month_label(plan: Plan, iso: str) -> str:
    """The label of an ISO month (``YYYY-MM``) in the plan's language."""
    year, month = (int(p) for p in iso.split("-"))
    return month_label(year, month, plan.language)


def _span(plan: Plan, months: Sequence[str], language: str) -> str:
    if len(months) == 1:
        return plan_month_label(plan, months[0])
    return phrase(
        "pdca.span", language, start=plan_month_label(plan, months[0]), end=plan_month_label(plan, months[-1])
    )
