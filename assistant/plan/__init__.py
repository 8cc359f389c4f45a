"""The Plan builder: a network plan from a short form, built on the framework and cited from the index.

Usage:
    >>> from assistant.drafting.engine import draft_context
    >>> from assistant.plan import draft_plan, parse_plan_form, stream_plan
    >>> form = parse_plan_form(
    ...     {"network_name": "เครือข่ายโรงเรียนขนาดเล็กโป่งน้ำร้อน", "lead_organisation": "P016",
    ...      "members": ["P001", "P002", "อบต.ทับไทร"], "needs": ["ขาดครูคอมพิวเตอร์"],
    ...      "goals": ["นักเรียนมีทักษะดิจิทัลพื้นฐาน"], "duration_months": 12, "start_month": "2025-05"},
    ...     partners=workspace_partners(settings, "default", principal=SYSTEM))  # the workspace registry
    >>> ctx = draft_context(settings, "default", form.language, llm=False, principal=SYSTEM)
    >>> draft = draft_plan(form, ctx)                         # or: for event in stream_plan(form, ctx)
    >>> draft.data["components"][0]["id"], draft.problems()
    ('shared-vision-goals', [])

The skeleton is deterministic: every component's activities, evidence and KPIs, the build
steps, the PDCA stages and the challenges come from ``corpus/framework/framework.yaml``;
the calendar, the PDCA dates, the role assignment and the risk choice are computed from
the form; headings and fixed sentences are data in ``prompts/plan.yaml``. Each section asks
the index for passages (``ctx.sources.find``) and cites them; the model (when on) adds at
most one short, checked paragraph per section. With no model the plan is still complete.

Modules (one concept each; this package re-exports their public names):

* :mod:`~assistant.plan.wording` — ``prompts/plan.yaml`` and :func:`phrase`;
* :mod:`~assistant.plan.partners` — the partners a form may name by id (registry, else the starter CSV);
* :mod:`~assistant.plan.members` — member entries resolved to partners and role groups;
* :mod:`~assistant.plan.form` — :class:`PlanForm` and :func:`parse_plan_form`;
* :mod:`~assistant.plan.record` — the structured :class:`Plan`;
* :mod:`~assistant.plan.calendar` — months, phases and PDCA cycles;
* :mod:`~assistant.plan.build` — :func:`build_plan`, the deterministic skeleton;
* :mod:`~assistant.plan.sections` — the cited sections (draft specs);
* :mod:`~assistant.plan.draft` — :func:`stream_plan` and :func:`draft_plan`.
"""

from __future__ import annotations

from assistant.plan.build import budget_text, build_plan, phase_label, similarity
from assistant.plan.calendar import Calendar, make_calendar, month_label, month_labels, phase_months
from assistant.plan.draft import draft_plan, plan_fields, stream_plan
from assistant.plan.form import MAX_MONTHS, BudgetLevel, PlanForm, budget_level, parse_plan_form
from assistant.plan.members import (
    GROUPS,
    PARTNER_ID,
    Member,
    group_of_name,
    group_of_type,
    has_word,
    resolve_member,
)
from assistant.plan.partners import (
    CORPUS_PARTNERS,
    PartnerBook,
    PartnerInfo,
    chosen_partners,
    partners_from_csv,
    workspace_partners,
)
from assistant.plan.record import (
    Activity,
    Assignment,
    ComponentPlan,
    Month,
    PdcaEntry,
    Plan,
    PlanMember,
    Risk,
    SuccessCheck,
    TimelineMonth,
)
from assistant.plan.sections import plan_specs
from assistant.plan.wording import PLAN_PROMPTS, phrase, plan_text

__all__ = [
    "CORPUS_PARTNERS",
    "GROUPS",
    "MAX_MONTHS",
    "PARTNER_ID",
    "PLAN_PROMPTS",
    "Activity",
    "Assignment",
    "BudgetLevel",
    "Calendar",
    "ComponentPlan",
    "Member",
    "Month",
    "PartnerBook",
    "PartnerInfo",
    "PdcaEntry",
    "Plan",
    "PlanForm",
    "PlanMember",
    "Risk",
    "SuccessCheck",
    "TimelineMonth",
    "budget_level",
    "budget_text",
    "build_plan",
    "chosen_partners",
    "draft_plan",
    "group_of_name",
    "group_of_type",
    "has_word",
    "make_calendar",
    "month_label",
    "month_labels",
    "parse_plan_form",
    "partners_from_csv",
    "phase_label",
    "phase_months",
    "phrase",
    "plan_fields",
    "plan_specs",
    "plan_text",
    "resolve_member",
    "similarity",
    "stream_plan",
    "workspace_partners",
]
