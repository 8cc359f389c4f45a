"""The Portfolio tab: a learner-portfolio guide from a short form, and the reflection helper.

Usage (assembled by :mod:`assistant.ui.app` through ``TABS``):
    >>> build_tab(ctx)       # inside gr.Blocks; the guide streams section by section

* **Guide**: grade, learning area (the 8, named in the UI language), target competencies
  (multi-select of the 5), unit description and weeks → :func:`assistant.portfolio.stream_portfolio`
  shown with :func:`assistant.ui.draft_view.follow_draft` (progress, then DOCX/MD downloads).
  Form problems are listed field by field; nothing is drafted until the form is valid.
* **Reflection helper**: a pasted, anonymised reflection → rubric levels with the learner's
  own sentences as evidence, questions and gaps (:func:`assistant.portfolio.reflection.review_reflection`).
  Text with personal data is refused, with what was found masked, before any model is started.

Dropdown values are framework ids, so the guide never receives a name it has to guess.
Each finished guide is saved to the user's history; the **Saved drafts** accordion
(``#portfolio-saved-*``, :mod:`assistant.ui.saved_drafts`) reopens it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.access.history import Kind
from assistant.services.portfolio import GuideRequest, PortfolioService
from assistant.ui.form_problems import show_problem
from assistant.ui.i18n import get_labels, normalize_language
from assistant.ui.saved_drafts import saved_drafts_panel
from assistant.ui.session import (
    access_message,
    limit_refusal,
    principal_from_request,
    workspace_selector,
)

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)

DEFAULT_GRADE = "P5"
DEFAULT_AREA = "science-technology"
DEFAULT_COMPETENCIES = ["thinking"]
DEFAULT_WEEKS = 8


def grade_choices(lang: str) -> list[tuple[str, str]]:
    """``("ป.1", "P1") … ("ม.6", "M6")`` (English: ``Grade 1 (P1)`` …)."""
    from assistant.portfolio import Grade

    return [(Grade(n).label(lang), Grade(n).code) for n in range(1, 13)]


def area_choices(lang: str) -> list[tuple[str, str]]:
    """The 8 learning areas of framework.yaml, named in ``lang``, valued by id."""
    from assistant.drafting.knowledge import load_framework

    return [(a.name.get(lang), a.id) for a in load_framework().learning_areas]


def competency_choices(lang: str) -> list[tuple[str, str]]:
    """The 5 key competencies of framework.yaml, named in ``lang``, valued by id."""
    from assistant.drafting.knowledge import load_framework

    return [(c.name.get(lang), c.id) for c in load_framework().competencies]


PORTFOLIO_FIELDS = {
    "grade": "portfolio.grade",
    "learning_area": "portfolio.area",
    "competencies": "portfolio.competencies",
    "description": "portfolio.description",
    "weeks": "portfolio.weeks",
}
"""Each guide form field (:class:`~assistant.portfolio.PortfolioForm`) and the label of its input."""
PORTFOLIO_PROBLEMS: list[tuple[str, str]] = [
    (r"unknown grade level '(?P<value>.*?)' \(ไม่รู้จักระดับชั้นนี้\); .*", "portfolio.problem.grade"),
    (r"unknown learning area '(?P<value>.*?)'; valid options: .*", "portfolio.problem.area"),
    (
        r"unknown competency (?P<value>.*?) \(ไม่มีในสมรรถนะสำคัญ 5 ประการ\); valid options: .*",
        "portfolio.problem.competency_unknown",
    ),
    (r"choose 1–(?P<max>\d+) of the key competencies.*", "portfolio.problem.competencies_count"),
    (r"give a list of competencies", "portfolio.problem.competencies_list"),
    (r"describe the project or unit; it is empty.*", "portfolio.problem.description_empty"),
    (r"keep it under (?P<max>\d+) characters \(it has (?P<n>\d+)\)", "portfolio.problem.description_long"),
    (r"duration must be a whole number of weeks, got (?P<got>.*)", "portfolio.problem.weeks_whole"),
    (r"duration must be 1–(?P<max>\d+) weeks.*, got (?P<got>.*)", "portfolio.problem.weeks_range"),
    (r"Input should be a valid integer.*", "portfolio.problem.number"),
    (r"is required", "portfolio.problem.required"),
    (r"language must be th or en.*", "portfolio.problem.language"),
]
"""The guide form's validation messages (:mod:`assistant.portfolio.form`) and their labels."""


def form_errors(lang: str, problems: list[str]) -> str:
    """A form's problems as a Markdown warning list, in ``lang``, each naming the form's field."""
    labels = get_labels()
    head = labels.text("portfolio.form_problems", lang)
    shown = [show_problem(labels, lang, p, PORTFOLIO_FIELDS, PORTFOLIO_PROBLEMS) for p in problems]
    return f"⚠ **{head}**\n\n" + "\n".join(f"- {p}" for p in shown)


def reflection_markdown(
    lang: str, text: str, competencies: list[str] | None, grade: str, llm: Any = None, backend: str = "none"
) -> str:
    """The reflection helper's answer as Markdown: feedback, or a clear refusal (personal data, bad input)."""
    from assistant.llm.privacy import PersonalDataError

    labels = get_labels()
    try:
        result = PortfolioService.review(text, competencies or [], grade, lang, llm=llm, backend=backend)
    except PersonalDataError as exc:
        return f"⛔ **{labels.text('portfolio.pii_title', lang)}**\n\n{exc.message(lang)}"
    except ValueError as exc:
        return f"⚠ {exc}"
    return result.to_markdown()


def build_tab(ctx: TabContext) -> None:
    """The Portfolio tab (guide form + reflection helper)."""
    w = _layout(ctx)
    _wire(ctx, w, _PortfolioHandlers(ctx.settings))


def _layout(ctx: TabContext) -> Any:
    """The tab's components: the guide form and its output, saved drafts, the reflection helper."""
    from types import SimpleNamespace

    w = SimpleNamespace()
    tab = gr.Tab(ctx.t("portfolio.tab"), id="portfolio", elem_id="tab-portfolio")
    ctx.relabel(tab, label="portfolio.tab")
    with tab:
        ctx.relabel(gr.Markdown(ctx.t("portfolio.help")), value="portfolio.help")
        _guide_form(ctx, w)
        w.make = ctx.relabel(
            gr.Button(ctx.t("portfolio.make"), variant="primary", elem_id="portfolio-make"),
            value="portfolio.make",
        )
        w.status = gr.Markdown("", elem_id="portfolio-status")
        w.guide = gr.Markdown("", elem_id="portfolio-guide")
        w.files = ctx.relabel(
            gr.File(
                label=ctx.t("portfolio.files"),
                file_count="multiple",
                interactive=False,
                elem_id="portfolio-files",
            ),
            label="portfolio.files",
        )
        w.saved = saved_drafts_panel(ctx, Kind.PORTFOLIO, w.workspace, "portfolio")
        w.saved.connect(w.guide, w.files, clears=[w.status])
        _reflection_section(ctx, w)
    return w


def _guide_form(ctx: TabContext, w: Any) -> None:
    """The guide form's fields (set on ``w``): grade, area, weeks, workspace, competencies, description."""
    with gr.Row(equal_height=True):
        w.grade = gr.Dropdown(
            grade_choices("th"),
            value=DEFAULT_GRADE,
            label=ctx.t("portfolio.grade"),
            elem_id="portfolio-grade",
        )
        w.area = gr.Dropdown(
            area_choices("th"),
            value=DEFAULT_AREA,
            label=ctx.t("portfolio.area"),
            elem_id="portfolio-area",
        )
        w.weeks = gr.Number(
            DEFAULT_WEEKS,
            minimum=1,
            maximum=40,
            precision=0,
            label=ctx.t("portfolio.weeks"),
            elem_id="portfolio-weeks",
        )
        w.workspace = workspace_selector(ctx, elem_id="portfolio-workspace", min_width=220)
    ctx.relabel(w.grade, label="portfolio.grade", choices=grade_choices)
    ctx.relabel(w.area, label="portfolio.area", choices=area_choices)
    ctx.relabel(w.weeks, label="portfolio.weeks")
    w.competencies = ctx.relabel(
        gr.Dropdown(
            competency_choices("th"),
            value=DEFAULT_COMPETENCIES,
            multiselect=True,
            max_choices=5,
            label=ctx.t("portfolio.competencies"),
            elem_id="portfolio-competencies",
        ),
        label="portfolio.competencies",
        choices=competency_choices,
    )
    w.description = ctx.relabel(
        gr.Textbox(
            label=ctx.t("portfolio.description"),
            placeholder=ctx.t("portfolio.description_placeholder"),
            lines=3,
            elem_id="portfolio-description",
        ),
        label="portfolio.description",
        placeholder="portfolio.description_placeholder",
    )


def _reflection_section(ctx: TabContext, w: Any) -> None:
    """The reflection helper's components (set on ``w``)."""
    ctx.relabel(gr.Markdown(f"### {ctx.t('portfolio.reflect_title')}"), value=_reflect_title)
    ctx.relabel(gr.Markdown(ctx.t("portfolio.reflect_help")), value="portfolio.reflect_help")
    w.reflection = ctx.relabel(
        gr.Textbox(
            label=ctx.t("portfolio.reflection"),
            placeholder=ctx.t("portfolio.reflection_placeholder"),
            lines=6,
            elem_id="reflection-text",
        ),
        label="portfolio.reflection",
        placeholder="portfolio.reflection_placeholder",
    )
    w.check = ctx.relabel(
        gr.Button(ctx.t("portfolio.reflect"), elem_id="reflection-button"), value="portfolio.reflect"
    )
    w.feedback = gr.Markdown("", elem_id="reflection-feedback")


def _wire(ctx: TabContext, w: Any, h: _PortfolioHandlers) -> None:
    """Connect the components' events to the handlers."""
    inputs = [ctx.lang, w.workspace, w.grade, w.area, w.competencies, w.description, w.weeks]
    w.saved.refresh_after(
        w.make.click(h.draft_guide, inputs, [w.status, w.guide, w.files], show_progress="minimal")
    )
    w.check.click(
        h.review, [ctx.lang, w.reflection, w.competencies, w.grade], w.feedback, show_progress="minimal"
    )


class _PortfolioHandlers:
    """The Portfolio tab's event handlers: the guide (streamed) and the reflection helper."""

    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.labels = get_labels()
        self.service = PortfolioService(settings)

    def draft_guide(
        self,
        lang: str,
        ws: str | None,
        grade_v: str,
        area_v: str,
        comps: list[str] | None,
        desc: str,
        weeks_v: float | None,
        request: gr.Request,
    ) -> Iterator[tuple[Any, Any, Any]]:
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.drafting.forms import FormError

        s, labels, service = self.s, self.labels, self.service
        lang = normalize_language(lang)
        asked = GuideRequest.from_form(grade_v, area_v, comps, desc, weeks_v, lang)
        try:
            form = service.parse(asked.to_form())
        except FormError as exc:
            yield form_errors(lang, exc.problems), gr.update(), None
            return
        refused = limit_refusal(s, request, lang)
        if refused:
            yield f"⚠ {refused}", gr.update(), None
            return
        try:
            principal = principal_from_request(request, s)
            events = service.stream(principal, ws or s.workspace, form)
        except WorkspaceAccessError as exc:
            yield f"⚠ {access_message(labels, lang, exc)}", gr.update(), None
            return
        yield labels.text("portfolio.working", lang), "", None
        yield from self._stream(lang, ws or s.workspace, events, principal)

    def _stream(self, lang: str, ws: str, events: Iterator[Any], principal: Any) -> Iterator[tuple]:
        """The guide drafted section by section, then saved to the history with its downloads."""
        from assistant.ui.draft_view import follow_draft

        labels, service = self.labels, self.service
        try:
            progress = labels.text("portfolio.progress", lang)
            for view in follow_draft(
                events, title=labels.text("portfolio.tab", lang), language=lang, progress_label=progress
            ):
                if view.draft is None:
                    yield view.status, view.markdown, None
                    continue
                problems = service.problems(view.draft)
                done = labels.text("portfolio.done", lang, n=len(view.draft.citations))
                if problems:
                    done = "⚠ " + "; ".join(problems)
                service.remember(principal, ws, view.draft)
                yield done, view.markdown, view.files
        except Exception as exc:  # shown to the user, logged for the operator
            log.exception("portfolio guide failed")
            yield f"⚠ {labels.text('portfolio.failed', lang)}: {exc}", gr.update(), None

    def review(self, lang: str, text: str, comps: list[str] | None, grade_v: str, request: gr.Request) -> str:
        s, service = self.s, self.service
        lang = normalize_language(lang)
        llm, backend = None, "none"
        if service.needs_model(text):  # refused text never starts a model
            refused = limit_refusal(s, request, lang)
            if refused:
                return f"⚠ {refused}"
            try:
                llm, backend = service.model()
            except ValueError:
                llm = None
        return reflection_markdown(lang, text or "", comps, grade_v or "", llm, backend)


def _reflect_title(lang: str) -> str:
    return f"### {get_labels().text('portfolio.reflect_title', lang)}"
