"""Building the plan: the deterministic structure from the form and the framework (no retrieval, no model).

Needs are matched to components by character trigrams, duties assigned by role group, the
calendar and PDCA dates computed, and the framework's challenges chosen as risks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from assistant.plan.calendar import Calendar, make_calendar, month_labels, phase_months
from assistant.plan.form import BudgetLevel, PlanForm
from assistant.plan.members import Member, has_word, norm_text
from assistant.plan.record import (
    Activity,
    Assignment,
    ComponentPlan,
    PdcaEntry,
    Plan,
    PlanMember,
    Risk,
    SuccessCheck,
    TimelineMonth,
)
from assistant.plan.wording import phrase, plan_text

if TYPE_CHECKING:
    from assistant.drafting.knowledge import Component, Framework


def _trigrams(text: str) -> set[str]:
    flat = re.sub(r"\s+", " ", text.casefold())
    return {flat[i : i + 3] for i in range(max(len(flat) - 2, 0))}


def similarity(text: str, other: str) -> float:
    """How much of ``text``'s character trigrams appear in ``other`` (0–1; works for Thai unsegmented)."""
    mine = _trigrams(text)
    return len(mine & _trigrams(other)) / len(mine) if mine else 0.0


def _component_text(c: Component, language: str) -> str:
    return " ".join([c.name.get(language), c.purpose.get(language), *c.activities.get(language)])


def _needs_by_component(form: PlanForm, framework: Framework, language: str) -> dict[str, list[str]]:
    """Each stated need assigned to the component it is closest to (when close enough)."""
    texts = {c.id: _component_text(c, language) for c in framework.components}
    found: dict[str, list[str]] = {c.id: [] for c in framework.components}
    for need in form.needs:
        scores = {cid: similarity(need, text) for cid, text in texts.items()}
        best = max(scores, key=lambda cid: scores[cid])
        if scores[best] >= 0.2:
            found[best].append(need)
    return found


def _responsible(component_id: str, members: list[Member], lead: Member, language: str) -> list[Assignment]:
    duties: dict[str, Any] = plan_text()["responsibilities"][component_id]
    groups = phrase("role_groups", language)
    rows: list[Assignment] = []
    for role, duty in duties.items():
        if role == "lead":
            rows.append(
                Assignment(phrase("responsibilities.lead", language), [lead.name(language)], duty[language])
            )
            continue
        names = [m.name(language) for m in members if m.group == role]
        if names:
            rows.append(Assignment(groups[role]["name"][language], names, duty[language]))
    if not rows:  # no member of the groups that own this component: the lead does it
        first = next(iter(duties.values()))
        rows.append(
            Assignment(phrase("responsibilities.lead", language), [lead.name(language)], first[language])
        )
    return rows


def _choose_risks(form: PlanForm, framework: Framework, members: list[Member], language: str) -> list[Risk]:
    text = norm_text(" ".join([*form.needs, *form.goals, form.focus_area]))
    keywords: dict[str, list[str]] = plan_text()["risks"]["keywords"]
    level = form.budget_level
    groups = {m.group for m in members}
    scored: list[tuple[float, int, Risk]] = []
    for order, challenge in enumerate(framework.challenges):
        score = 0.0
        reasons: list[str] = []
        hits = [n for n in form.needs if any(has_word(n, w) for w in keywords.get(challenge.id, []))]
        words = [w for w in keywords.get(challenge.id, []) if has_word(text, w)]
        if words:
            score += 2 + len(words) * 0.1
            if hits:
                reasons.append(phrase("risks.reasons.needs", language, needs="; ".join(hits[:3])))
        if challenge.id == "limited-resources" and level in (BudgetLevel.NONE, BudgetLevel.SMALL):
            score += 2
            reasons.append(phrase("risks.reasons.budget", language, budget=budget_text(form, language)))
        if challenge.id == "misaligned-goals-culture" and "business" in groups:
            score += 2
            reasons.append(phrase("risks.reasons.business", language))
        if challenge.id == "policy-instability" and form.duration_months > 12:
            score += 2
            reasons.append(phrase("risks.reasons.long", language, months=form.duration_months))
        if challenge.id == "neglected-relationships":
            score += 1
            reasons.append(phrase("risks.reasons.common", language))
            if len(groups) >= 3:
                score += 1
                reasons.append(phrase("risks.reasons.many", language, count=len(members)))
        if score and not reasons:
            reasons.append(phrase("risks.reasons.needs", language, needs=", ".join(words[:3])))
        risk = Risk(
            id=challenge.id,
            name=challenge.name.get(language),
            reasons=reasons,
            mitigations=challenge.mitigations.get(language),
            components=[framework.component(c).name.get(language) for c in challenge.components],
            owner="",
        )
        scored.append((score, order, risk))
    chosen = [r for s, _, r in sorted(scored, key=lambda t: (-t[0], t[1])) if s > 0]
    minimum = int(plan_text()["risks"]["min_risks"])
    for _, _, risk in scored:
        if len(chosen) >= minimum:
            break
        if risk not in chosen:
            chosen.append(risk)
    return chosen


def budget_text(form: PlanForm, language: str) -> str:
    """The budget as shown: the range in baht and its level, or the level alone."""
    level = form.budget_level
    if level is None:
        return phrase("budget.unknown", language)
    shown = phrase(f"budget.levels.{level.value}", language)
    if form.budget_min is not None and form.budget_max is not None:
        amount = phrase(
            "budget.range", language, low=f"{form.budget_min:,.0f}", high=f"{form.budget_max:,.0f}"
        )
        return f"{amount} — {shown}"
    return shown


def build_plan(form: PlanForm, framework: Framework | None = None) -> Plan:
    """The plan's structure from the form and the framework: deterministic, no retrieval, no model."""
    from assistant.drafting.knowledge import load_framework

    fw = framework or load_framework()
    lang = form.language
    cal = make_calendar(form.start_month, form.duration_months, lang)
    lead = form.lead_organisation
    groups = phrase("role_groups", lang)
    members = [
        PlanMember(lead.name(lang), lead.partner_id, lead.group, groups[lead.group]["name"][lang], True)
    ]
    members += [
        PlanMember(m.name(lang), m.partner_id, m.group, groups[m.group]["name"][lang], False)
        for m in form.members
        if not (m.identity() & lead.identity())
    ]
    all_members = [lead, *[m for m in form.members if not (m.identity() & lead.identity())]]
    needs_map = _needs_by_component(form, fw, lang)
    phases: dict[str, list[str]] = plan_text()["activity_phases"]

    # Activities: setup-phase ones are spread over the set-up months in order.
    placements: dict[tuple[str, int], list[int]] = {}
    setup_items = [(c.id, i) for c in fw.components for i, p in enumerate(phases[c.id]) if p == "setup"]
    for j, key in enumerate(setup_items):
        placements[key] = [cal.setup[j * len(cal.setup) // len(setup_items)]]
    components: list[ComponentPlan] = []
    for c in fw.components:
        acts = c.activities.get(lang)
        evidence = c.evidence.get(lang)
        activities = []
        for i, text in enumerate(acts):
            phase = phases[c.id][i]
            months = placements.get((c.id, i)) or phase_months(cal, phase)
            activities.append(
                Activity(
                    text=text,
                    phase=phase_label(phase, cal, months, lang),
                    months=[cal.months[m].iso for m in months],
                    evidence=evidence[i] if i < len(evidence) else evidence[-1],
                )
            )
        components.append(
            ComponentPlan(
                id=c.id,
                name=c.name.get(lang),
                purpose=c.purpose.get(lang),
                needs=needs_map[c.id],
                responsible=_responsible(c.id, all_members, lead, lang),
                activities=activities,
                evidence=evidence,
                kpis=c.kpis.get(lang),
            )
        )

    # Timeline: build steps, activities and the PDCA stage per month.
    step_phases: dict[str, str] = plan_text()["step_phases"]
    by_iso = {m.iso: m.index for m in cal.months}
    stage_of: dict[int, str] = {}
    pdca: list[PdcaEntry] = []
    stage_names = {s.id: s for s in fw.pdca}
    for n, (first, last) in enumerate(cal.cycles, start=1):
        spans = cal.stage_months(first, last, n)
        for stage_id in ("plan", "do", "check", "act"):
            stage = stage_names[stage_id]
            for m in spans[stage_id]:
                stage_of[m] = stage.name.get(lang)
            pdca.append(
                PdcaEntry(
                    cycle=n,
                    stage=stage_id,
                    name=stage.name.get(lang),
                    months=[cal.months[m].iso for m in spans[stage_id]],
                    what=stage.description.get(lang),
                    framework_timing=stage.timing.get(lang),
                )
            )
    timeline = []
    for month in cal.months:
        steps = [
            s.name.get(lang) for s in fw.build_steps if month.index in phase_months(cal, step_phases[s.id])
        ]
        acts = [
            {"component": cp.id, "activity": a.text}
            for cp in components
            for a in cp.activities
            if month.iso in a.months
        ]
        timeline.append(TimelineMonth(month.iso, month.label, steps, acts, stage_of.get(month.index, "")))
    assert len(by_iso) == form.duration_months

    risks = _choose_risks(form, fw, all_members, lang)
    for risk in risks:
        risk.owner = lead.name(lang)
    success = _success_checks(form, fw, cal, members, lang)
    focus = form.focus_area
    focus_clause = phrase("overview.focus_clause", lang, focus=focus) if focus else ""
    vision = phrase(
        "overview.vision", lang, network=form.network_name, focus=focus_clause, lead=lead.name(lang)
    )
    return Plan(
        network=form.network_name,
        language=lang,
        lead=lead.name(lang),
        members=members,
        needs=list(form.needs),
        goals=list(form.goals),
        focus=focus,
        budget=budget_text(form, lang),
        start=cal.months[0].iso,
        end=cal.months[-1].iso,
        duration_months=form.duration_months,
        vision=vision,
        components=components,
        timeline=timeline,
        pdca=pdca,
        risks=risks,
        success=success,
    )


def phase_label(phase: str, cal: Calendar, months: Sequence[int], language: str) -> str:
    """An activity's phase as shown: its name with the months it falls in."""
    return phrase(f"phase_names.{phase}", language, months=month_labels(cal, months))


def _success_checks(
    form: PlanForm, fw: Framework, cal: Calendar, members: list[PlanMember], lang: str
) -> list[SuccessCheck]:
    text = plan_text()["success"]
    groups = list(dict.fromkeys(m.group for m in members))
    group_names = ", ".join(dict.fromkeys(m.group_name for m in members))
    locals_ = [m.name for m in members if m.group in ("local_government", "community")]
    mou = phase_months(cal, plan_text()["step_phases"]["formalise-agreement"])[0]
    values = {
        "goals": len(form.goals),
        "mou_month": cal.months[mou].label,
        "count": len(members),
        "groups": len(groups),
        "group_names": group_names,
        "months": form.duration_months,
        "cycles": len(cal.cycles),
        "check_months": month_labels(cal, cal.checks()),
        "lead": members[0].name,
        "setup_month": cal.months[0].label,
        "locals": ", ".join(locals_),
    }
    gaps = {
        "inter-agency-cooperation": len(groups) < 2,
        "local-context-politics": not locals_,
    }
    found = []
    for factor in fw.success_factors:
        gap = gaps.get(factor.id, False)
        does = text["gaps"][factor.id][lang] if gap else text["does"][factor.id][lang].format(**values)
        found.append(
            SuccessCheck(factor.id, factor.name.get(lang), does, not gap, factor.indicators.get(lang))
        )
    return found
