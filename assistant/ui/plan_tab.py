"""The Plan tab: the plan form, a draft streamed section by section, an editable Markdown copy, downloads.

Usage (assembled by :func:`assistant.ui.app.build`, which lists this module in ``TABS``):
    >>> build_tab(ctx)          # the index, the partner registry and the model load in the handlers

* The form's inputs become the mapping :func:`form_from_inputs` builds (lists one item per
  line) and :func:`assistant.plan.form.parse_plan_form` validates; every problem is listed at once.
* Members may be typed, or taken from the partners chosen in the Partners tab
  (``Registry.plan_members()`` of the workspace's partner registry).
* **Draft plan** streams the sections through :func:`assistant.ui.draft_view.follow_draft`
  with a progress line; then the DOCX and Markdown of the draft are offered for download.
* The finished Markdown is put in an editable box. The DOCX always stays the generated,
  citation-checked draft; when the leader edits the text, **Save the edited version**
  offers the edited Markdown as a separate file (it is theirs, not re-checked).
* The plan's language follows the interface language unless chosen in the form.
* Every finished plan is saved to the user's history in the workspace; the **Saved drafts**
  accordion (:mod:`assistant.ui.saved_drafts`, ``#plan-saved-*``) reopens it with fresh files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.access.history import Kind
from assistant.services.plan import DEFAULT_MONTHS, PlanRequest, PlanService, lines, save_edited
from assistant.ui.date_problems import DATE_PROBLEMS
from assistant.ui.display import code_label
from assistant.ui.form_problems import QUOTE, show_problem
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.saved_drafts import saved_drafts_panel
from assistant.ui.session import (
    access_message,
    limit_refusal,
    principal_from_request,
    workspace_selector,
)

__all__ = [  # lines, save_edited and DEFAULT_MONTHS live in assistant.services.plan (re-exported)
    "BUDGET_LEVELS",
    "DEFAULT_MONTHS",
    "LANGUAGE_CHOICES",
    "PLAN_FIELDS",
    "PLAN_PROBLEMS",
    "budget_choices",
    "build_tab",
    "form_from_inputs",
    "language_choices",
    "lines",
    "problems_markdown",
    "save_edited",
]

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)

BUDGET_LEVELS = ("", "none", "small", "medium", "large")
LANGUAGE_CHOICES = ("auto", "th", "en")

PLAN_FIELDS = {
    "network_name": "plan.network",
    "lead_organisation": "plan.lead",
    "members": "plan.members",
    "needs": "plan.needs",
    "problems": "plan.needs",
    "goals": "plan.goals",
    "duration_months": "plan.duration",
    "start_month": "plan.start",
    "budget": "plan.budget",
    "budget_min": "plan.budget_min",
    "budget_max": "plan.budget_max",
    "focus_area": "plan.focus",
    "language": "plan.language",
}
"""Each plan form field (:class:`assistant.plan.PlanForm`) and the label of its input in the tab."""
_Q = QUOTE
PLAN_PROBLEMS: list[tuple[str, str]] = [
    (r"give the network a name", "plan.problem.network_empty"),
    (r"name the lead organisation.*", "plan.problem.lead_empty"),
    (r"give a list of member organisations.*", "plan.problem.members_list"),
    (r"list at least one member organisation.*", "plan.problem.members_none"),
    (r"a network needs at least one member besides the lead organisation", "plan.problem.members_only_lead"),
    (rf"item (?P<n>\d+) \((?P<item>{_Q}.*?{_Q})\): (?P<problem>.*)", "plan.problem.member_item"),
    (r"the organisation name is empty", "plan.problem.member_empty"),
    (r"no partner with id (?P<id>\S+) in .*", "plan.problem.member_unknown_id"),
    (rf"unknown type (?P<kind>{_Q}.*{_Q}); use one of: (?P<groups>.*)", "plan.problem.member_unknown_type"),
    (rf"(?P<name>{_Q}.*{_Q}) is listed more than once", "plan.problem.member_twice"),
    (r"give at least one problem or need", "plan.problem.need_one"),
    (r"give at least one goal", "plan.problem.goal_one"),
    (r"duration must be 1–(?P<max>\d+) months", "plan.problem.duration"),
    *DATE_PROBLEMS,
    (r"a budget cannot be negative", "plan.problem.budget_negative"),
    (r"give both budget_min and budget_max, or neither", "plan.problem.budget_pair"),
    (
        r"budget_min \((?P<low>[\d,.]+)\) is more than budget_max \((?P<high>[\d,.]+)\)",
        "plan.problem.budget_order",
    ),
    (r"budget .* contradicts .*\((?P<low>[\d,.]+)–(?P<high>[\d,.]+)\).*", "plan.problem.budget_contradicts"),
    (r"is required", "plan.problem.required"),
    (r"language must be th or en.*", "plan.problem.language"),
]
"""The plan form's validation messages (English, in :mod:`assistant.plan`) and their labels."""


# ---------------------------------------------------------------- pure functions


def form_from_inputs(
    *,
    network: str | None,
    lead: str | None,
    members: str | None,
    needs: str | None,
    goals: str | None,
    duration: float | None,
    start: str | None,
    budget: str | None,
    budget_min: float | None,
    budget_max: float | None,
    focus: str | None,
    language: str | None,
    ui_language: str,
) -> dict[str, Any]:
    """The plan form's mapping from the tab's inputs (:class:`~assistant.services.plan.PlanRequest`).

    >>> form_from_inputs(network="N", lead="P016", members="P001\\nP002", needs="a", goals="b",
    ...     duration=6.0, start="", budget="", budget_min=None, budget_max=None, focus="",
    ...     language="auto", ui_language="en")["language"]
    'en'
    """
    return PlanRequest.from_form(
        network=network,
        lead=lead,
        members=members,
        needs=needs,
        goals=goals,
        duration=duration,
        start=start,
        budget=budget,
        budget_min=budget_min,
        budget_max=budget_max,
        focus=focus,
        language=language,
        ui_language=normalize_language(ui_language),
    ).to_form()


def problems_markdown(labels: Labels, lang: str, problems: list[str]) -> str:
    """The form's problems as a Markdown list under one heading, in ``lang``, each naming the form's field."""
    head = labels.text("plan.form_problems", lang, count=len(problems))
    shown = [show_problem(labels, lang, p, PLAN_FIELDS, PLAN_PROBLEMS) for p in problems]
    return "\n".join([f"**{head}**", "", *[f"- {p}" for p in shown]])


def budget_choices(labels: Labels, lang: str) -> list[tuple[str, str]]:
    return [(labels.text(f"plan.budget_{level or 'unset'}", lang), level) for level in BUDGET_LEVELS]


def language_choices(labels: Labels, lang: str) -> list[tuple[str, str]]:
    names = {"auto": labels.text("plan.language_auto", lang), "th": "ไทย", "en": "English"}
    return [(names[code], code) for code in LANGUAGE_CHOICES]


# ---------------------------------------------------------------- the tab


def build_tab(ctx: TabContext) -> None:
    """The Plan tab: form, streamed draft, editable Markdown and downloads."""
    labels = get_labels()
    w = _layout(ctx, labels)
    _wire(ctx, w, _PlanHandlers(labels, ctx.settings))


_FORM_NAMES = (
    "network",
    "lead",
    "members",
    "needs",
    "goals",
    "duration",
    "start",
    "budget",
    "budget_min",
    "budget_max",
    "focus",
)
"""The form's inputs in the order the draft button passes them (keywords of :func:`form_from_inputs`)."""


def _box(
    ctx: TabContext, key: str, elem_id: str, placeholder: str | None = None, **options: Any
) -> gr.Textbox:
    """A text box labelled ``plan.<key>`` (placeholder ``plan.<placeholder>``), following the language."""
    props: dict[str, str] = {"label": f"plan.{key}"}
    if placeholder:
        props["placeholder"] = f"plan.{placeholder}"
    return ctx.relabel(
        gr.Textbox(
            label=ctx.t(f"plan.{key}"),
            placeholder=ctx.t(f"plan.{placeholder}") if placeholder else None,
            elem_id=elem_id,
            **options,
        ),
        **props,
    )


def _layout(ctx: TabContext, labels: Labels) -> Any:
    """The tab's components: the form's two columns, the draft, its editable copy and downloads."""
    from types import SimpleNamespace

    w = SimpleNamespace()
    t = ctx.t
    with ctx.relabel(gr.Tab(t("tabs.plan"), id="plan", elem_id="tab-plan"), label="tabs.plan"):
        with gr.Row(equal_height=True):
            ctx.relabel(gr.Markdown(t("plan.intro")), value="plan.intro")
            w.workspace = workspace_selector(ctx, elem_id="plan-workspace", scale=0, min_width=260)
        with gr.Row():
            with gr.Column(scale=1):
                _who_and_why(ctx, w)
            with gr.Column(scale=1):
                _when_and_budget(ctx, w, labels)
        w.status = gr.Markdown("", elem_id="plan-status")
        w.preview = ctx.relabel(
            gr.Markdown("", label=t("plan.preview"), elem_id="plan-preview"), label="plan.preview"
        )
        w.files = ctx.relabel(
            gr.File(label=t("plan.files"), file_count="multiple", interactive=False, elem_id="plan-files"),
            label="plan.files",
        )
        w.editor = ctx.relabel(
            gr.Textbox(label=t("plan.edit"), lines=14, max_lines=40, elem_id="plan-edit", interactive=True),
            label="plan.edit",
        )
        with gr.Row(equal_height=True):
            w.save_button = ctx.relabel(
                gr.Button(t("plan.save_edit"), elem_id="plan-save-edit", scale=1), value="plan.save_edit"
            )
            w.edited_file = ctx.relabel(
                gr.File(label=t("plan.edited_file"), interactive=False, elem_id="plan-edited-file", scale=2),
                label="plan.edited_file",
            )
        w.original = gr.State("")
        w.saved = saved_drafts_panel(ctx, Kind.PLAN, w.workspace, "plan")
    w.saved.connect(
        w.preview,
        w.files,
        clears=[w.status, w.edited_file],
        also=[(w.editor, lambda r: r.markdown), (w.original, lambda r: r.markdown)],
    )
    return w


def _who_and_why(ctx: TabContext, w: Any) -> None:
    """The form's left column (set on ``w``): network, lead, members, the partners button, needs, goals."""
    w.network = _box(ctx, "network", "plan-network", "network_placeholder")
    w.lead = _box(ctx, "lead", "plan-lead")
    w.members = _box(ctx, "members", "plan-members", "members_placeholder", lines=4, max_lines=12)
    w.use_partners = ctx.relabel(
        gr.Button(ctx.t("plan.use_partners"), elem_id="plan-use-partners", size="sm"),
        value="plan.use_partners",
    )
    w.needs = _box(ctx, "needs", "plan-needs", "needs_placeholder", lines=3, max_lines=10)
    w.goals = _box(ctx, "goals", "plan-goals", lines=3, max_lines=10)


def _when_and_budget(ctx: TabContext, w: Any, labels: Labels) -> None:
    """The form's right column (set on ``w``): duration, start, budget, focus, language, the draft button."""
    t = ctx.t
    with gr.Row():
        w.duration = ctx.relabel(
            gr.Number(
                value=DEFAULT_MONTHS,
                label=t("plan.duration"),
                precision=0,
                elem_id="plan-duration",
            ),
            label="plan.duration",
        )
        w.start = _box(ctx, "start", "plan-start")
    w.budget = ctx.relabel(
        gr.Dropdown(budget_choices(labels, "th"), value="", label=t("plan.budget"), elem_id="plan-budget"),
        label="plan.budget",
        choices=lambda code: budget_choices(labels, code),
    )
    with gr.Row():
        w.budget_min = ctx.relabel(
            gr.Number(None, label=t("plan.budget_min"), elem_id="plan-budget-min"),
            label="plan.budget_min",
        )
        w.budget_max = ctx.relabel(
            gr.Number(None, label=t("plan.budget_max"), elem_id="plan-budget-max"),
            label="plan.budget_max",
        )
    w.focus = _box(ctx, "focus", "plan-focus")
    w.language = ctx.relabel(
        gr.Dropdown(
            language_choices(labels, "th"),
            value="auto",
            label=t("plan.language"),
            elem_id="plan-language",
        ),
        label="plan.language",
        choices=lambda code: language_choices(labels, code),
    )
    w.draft_button = ctx.relabel(
        gr.Button(t("plan.draft"), variant="primary", elem_id="plan-draft"), value="plan.draft"
    )


def _wire(ctx: TabContext, w: Any, h: _PlanHandlers) -> None:
    """Connect the components' events to the handlers."""
    inputs = [getattr(w, name) for name in _FORM_NAMES]
    w.saved.refresh_after(
        w.draft_button.click(
            h.run_draft,
            [*inputs, w.language, w.workspace, ctx.lang],
            [w.status, w.preview, w.files, w.editor, w.original],
            concurrency_limit=1,
        )
    )
    w.save_button.click(h.run_save, [w.editor, w.original, ctx.lang], [w.edited_file, w.status])
    w.use_partners.click(
        h.take_partners, [w.members, w.workspace, ctx.lang], [w.members, w.status], queue=False
    )


class _PlanHandlers:
    """The Plan tab's event handlers: the draft (streamed), saving the edited copy, taking the partners."""

    def __init__(self, labels: Labels, settings: Settings) -> None:
        self.labels = labels
        self.s = settings
        self.service = PlanService(settings)

    def run_draft(
        self,
        network_v: str,
        lead_v: str,
        members_v: str,
        needs_v: str,
        goals_v: str,
        duration_v: float | None,
        start_v: str,
        budget_v: str | None,
        budget_min_v: float | None,
        budget_max_v: float | None,
        focus_v: str,
        plan_lang: str,
        ws: str | None,
        ui_lang: str,
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.drafting.forms import FormError

        labels, s = self.labels, self.s
        fields = [network_v, lead_v, members_v, needs_v, goals_v, duration_v, start_v, budget_v]
        fields += [budget_min_v, budget_max_v, focus_v]
        ui_lang = normalize_language(ui_lang)
        skip = gr.skip()
        data = form_from_inputs(
            **dict(zip(_FORM_NAMES, fields, strict=True)), language=plan_lang, ui_language=ui_lang
        )
        try:
            principal = principal_from_request(request, s)
            workspace_name = ws or s.workspace
            form = self.service.parse(principal, workspace_name, data)
        except FormError as exc:
            yield problems_markdown(labels, ui_lang, exc.problems), skip, skip, skip, skip
            return
        except WorkspaceAccessError as exc:
            yield access_message(labels, ui_lang, exc), skip, skip, skip, skip
            return
        refused = limit_refusal(s, request, ui_lang)
        if refused:
            yield refused, skip, skip, skip, skip
            return
        yield labels.text("plan.starting", ui_lang), "", None, "", ""
        yield from self._stream(form, workspace_name, ui_lang, principal)

    def _stream(self, form: Any, workspace_name: str, ui_lang: str, principal: Any) -> Iterator[tuple]:
        """The plan drafted section by section, then saved to the history with its downloads."""
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.ui.draft_view import follow_draft

        labels, service = self.labels, self.service
        skip = gr.skip()
        try:
            events = service.stream(principal, workspace_name, form)
            progress = labels.text("plan.progress", ui_lang, done="{done}", total="{total}")
            for view in follow_draft(events, service.title(form), form.language, progress):
                if view.draft is None:
                    yield view.status, view.markdown, None, skip, skip
                    continue
                done = labels.text(
                    "plan.done",
                    ui_lang,
                    sections=len(view.draft.sections),
                    citations=len(view.draft.citations),
                    backend=code_label(labels, ui_lang, "backend", view.draft.backend),
                )
                service.remember(principal, workspace_name, view.draft)
                yield done, view.markdown, view.files, view.markdown, view.markdown
        except WorkspaceAccessError as exc:
            yield access_message(labels, ui_lang, exc), skip, None, skip, skip
        except Exception as exc:  # shown to the user, logged for the operator
            log.exception("plan draft failed")
            yield labels.text("plan.failed", ui_lang, reason=str(exc)), skip, None, skip, skip

    def run_save(self, text: str, first: str, ui_lang: str) -> tuple[Any, str]:
        labels = self.labels
        ui_lang = normalize_language(ui_lang)
        if not (first or "").strip():
            return None, labels.text("plan.edit_empty", ui_lang)
        path = self.service.save_edited(text, first)
        if path is None:
            return None, labels.text("plan.edit_unchanged", ui_lang)
        return str(path), labels.text("plan.edit_saved", ui_lang)

    def take_partners(
        self, current: str, ws: str | None, ui_lang: str, request: gr.Request
    ) -> tuple[str, str]:
        from assistant.access.workspaces import WorkspaceAccessError

        labels, s = self.labels, self.s
        ui_lang = normalize_language(ui_lang)
        try:
            taken = self.service.take_partners(principal_from_request(request, s), ws or s.workspace, current)
        except WorkspaceAccessError as exc:
            return current, access_message(labels, ui_lang, exc)
        if not taken.chosen:
            return current, labels.text("plan.no_partners", ui_lang)
        return taken.text, labels.text("plan.partners_added", ui_lang, count=len(taken.added))
