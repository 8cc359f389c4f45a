"""The plan's entry points: :func:`stream_plan` (section events, then the draft) and :func:`draft_plan`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from assistant.drafting.engine import DraftEventKind, DraftKind, stream_draft
from assistant.plan.build import build_plan
from assistant.plan.form import PlanForm, parse_plan_form
from assistant.plan.record import Plan
from assistant.plan.sections import plan_month_label, plan_specs
from assistant.plan.wording import phrase

if TYPE_CHECKING:
    from assistant.drafting.engine import Draft, DraftContext, DraftEvent


def plan_fields(plan: Plan) -> dict[str, str]:
    """The summary under the title: network, lead, members, period, budget, focus."""
    lang = plan.language
    period = phrase(
        "period_value",
        lang,
        months=plan.duration_months,
        start=plan_month_label(plan, plan.start),
        end=plan_month_label(plan, plan.end),
    )
    values = {
        "network": plan.network,
        "lead": plan.lead,
        "members": phrase("members_value", lang, count=len(plan.members))
        + ": "
        + ", ".join(m.name for m in plan.members),
        "period": period,
        "budget": plan.budget,
        "focus": plan.focus or phrase("no_focus", lang),
    }
    return {phrase(f"fields.{key}", lang): value for key, value in values.items()}


def stream_plan(form: PlanForm | Mapping[str, Any], ctx: DraftContext) -> Iterator[DraftEvent]:
    """Build the plan section by section (a SECTION event each), then the FINAL draft with the Plan as data.

    The form's language must match the context's (both ``th`` or both ``en``).
    """
    form = parse_plan_form(form) if not isinstance(form, PlanForm) else form
    if form.language != ctx.language:
        raise ValueError(f"the form is in {form.language!r} but the draft context is in {ctx.language!r}")
    plan = build_plan(form)
    specs = plan_specs(plan, form)
    title = phrase("title", form.language, network=plan.network)
    subtitle = phrase(
        "subtitle",
        form.language,
        months=plan.duration_months,
        start=plan_month_label(plan, plan.start),
        end=plan_month_label(plan, plan.end),
    )
    for event in stream_draft(DraftKind.PLAN, title, specs, ctx, subtitle=subtitle, fields=plan_fields(plan)):
        if event.kind is DraftEventKind.FINAL and event.draft is not None:
            event.draft.data = plan.to_json()
        yield event


def draft_plan(form: PlanForm | Mapping[str, Any], ctx: DraftContext) -> Draft:
    """:func:`stream_plan` run to the end: the finished, cited plan."""
    final = None
    for event in stream_plan(form, ctx):
        final = event.draft or final
    assert final is not None
    return final
