"""The Health tab: the network health-check questionnaire, a radar chart, scores and cited recommendations.

Usage (the app builds it from ``TABS``):
    >>> from assistant.ui.health_tab import build_tab
    >>> build_tab(ctx)          # inside gr.Blocks, under gr.Tabs; ctx is the app's TabContext

One radio per statement (1–5 or "not sure"), grouped in an accordion per component and per
success-factor group; the statements and scale come from ``prompts/health.yaml`` through
:mod:`assistant.assess` and switch language with the app. **Score** computes the means,
draws the plotly radar (two series when an earlier saved assessment is chosen), lists the
recommendations lowest area first with ``[n]`` citations to retrieved passages, and offers
the report as DOCX (chart embedded), Markdown and PNG. **Save** stores the answers and scores
in the workspace (``assessments.sqlite``) so a later check can be compared with it.
Blank statements count as "not sure" here (reported, left out of the means).
Every scored result is also kept in the user's own history (``Kind.ASSESSMENT``); the
**Saved assessments** accordion (``#health-saved-*``, :mod:`assistant.ui.saved_drafts`)
reopens its report with fresh downloads.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.access.history import Kind
from assistant.assess.questionnaire import Area, Questionnaire
from assistant.services.assess import AssessRequest, AssessService, history_draft, write_downloads
from assistant.ui.form_problems import show_message
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.saved_drafts import saved_drafts_panel
from assistant.ui.session import (
    access_message,
    limit_refusal,
    principal_from_request,
    workspace_selector,
)

__all__ = [  # history_draft and write_downloads live in assistant.services.assess (re-exported)
    "answer_problems",
    "answers_from_values",
    "build_tab",
    "history_choices",
    "history_draft",
    "write_downloads",
]

if TYPE_CHECKING:
    from assistant.assess.result import HealthResult
    from assistant.settings import Settings
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)

NOT_SURE = "ns"
"""The radio value of "not sure"."""


def choices(q: Questionnaire, lang: str) -> list[tuple[str, str]]:
    """The radio choices: 1..5 and "not sure" in ``lang`` (values stay the same across languages)."""
    levels = [(str(lv.value), str(lv.value)) for lv in q.scale.levels]
    return [*levels, (q.scale.not_sure.get(lang), NOT_SURE)]


def group_label(labels: Labels, q: Questionnaire, area: Area, lang: str) -> str:
    return labels.text("health.group", lang, kind=q.kind_name(area.kind, lang), name=area.name(lang))


def intro_text(labels: Labels, q: Questionnaire, lang: str) -> str:
    return labels.text("health.intro", lang, levels=q.levels_text(lang))


def element_id(indicator_id: str) -> str:
    """The radio's DOM id (``health-q-stakeholders-2``): no dots, so CSS selectors work."""
    return "health-q-" + indicator_id.replace(".", "-")


def answers_from_values(q: Questionnaire, values: list[Any]) -> dict[str, Any]:
    """Radio values (in questionnaire order) → an answers mapping for :func:`parse_answers`."""
    data: dict[str, Any] = {}
    for indicator, value in zip(q.indicators, values, strict=True):
        if value == NOT_SURE:
            data[indicator.id] = "not sure"
        elif value not in (None, ""):
            data[indicator.id] = int(value)
    return data


_HINT = r" \(use (?P<min>\d+)–(?P<max>\d+), or 'not sure' to skip\)"
HEALTH_PROBLEMS: list[tuple[str, str]] = [
    (
        r"unknown indicator id\(s\): (?P<ids>.*) \(see the questionnaire for the ids\)",
        "health.problem.unknown",
    ),
    (rf"missing answers for (?P<n>\d+) statement\(s\): (?P<ids>.*){_HINT}", "health.problem.missing"),
    (r"no statement has a score: answer at least one with (?P<min>\d+)–(?P<max>\d+)", "health.problem.none"),
    (rf"(?P<problem>.*){_HINT}", "health.problem.score"),
    (r"(?P<value>.*) is not a score", "health.problem.not_a_score"),
    (r"(?P<value>.*) is not a whole number", "health.problem.not_whole"),
    (r"score (?P<value>\S+) is outside (?P<min>\d+)–(?P<max>\d+)", "health.problem.outside"),
]
"""The answers' validation messages (English, in :mod:`assistant.assess.answers`) and their labels."""


def answer_problems(labels: Labels, lang: str, *, q: Questionnaire, problems: list[str]) -> str:
    """The answers' problems in ``lang``, each statement named by its text as the form shows it."""
    known = {i.id for i in q.indicators}
    shown = []
    for problem in problems:
        where, sep, message = problem.partition(": ")
        if sep and where in known:
            shown.append(
                f"{q.indicator(where).text(lang)}: {show_message(labels, lang, message, HEALTH_PROBLEMS)}"
            )
        else:
            shown.append(show_message(labels, lang, problem, HEALTH_PROBLEMS))
    return "; ".join(shown)


def sources_markdown(labels: Labels, lang: str, result: HealthResult) -> str:
    """The numbered sources of the recommendations: document, page and the quoted passage."""
    if not result.citations:
        return f"**{labels.text('health.sources', lang)}**\n\n{labels.text('health.no_sources', lang)}"
    page = labels.text("health.page", lang)
    lines = [f"**{labels.text('health.sources', lang)}**", ""]
    for c in result.citations:
        quote = " ".join(c.text.split())
        quote = quote if len(quote) <= 220 else quote[:220].rsplit(" ", 1)[0] + " …"
        lines.append(f"[{c.n}] **{c.source}**, {page} {c.page}: “{quote}”")
        lines.append("")
    return "\n".join(lines)


def history_choices(saved: list[Any]) -> list[tuple[str, str]]:
    """The compare dropdown's choices: "—" (none) then the saved assessments (newest first)."""
    return [("—", ""), *[(s.title(), str(s.id)) for s in saved]]


def build_tab(ctx: TabContext) -> None:
    """The Health tab: questionnaire, Score / Save, chart, scores, recommendations, sources, downloads."""
    h = _HealthHandlers(get_labels(), ctx.settings, AssessService(ctx.settings))
    w = _layout(ctx, h.labels, h.q)
    _wire(ctx, w, h)


def _layout(ctx: TabContext, labels: Labels, q: Questionnaire) -> Any:
    """The tab's components: the questionnaire, label and compare, the buttons and the results."""
    from types import SimpleNamespace

    w = SimpleNamespace()
    tab = ctx.relabel(gr.Tab(ctx.t("health.tab"), id="health", elem_id="tab-health"), label="health.tab")
    with tab:
        w.workspace = workspace_selector(ctx, elem_id="health-workspace", scale=0, min_width=260)
        ctx.relabel(gr.Markdown(intro_text(labels, q, "th")), value=lambda code: intro_text(labels, q, code))
        w.radios = _questionnaire(ctx, labels, q)
        _actions(ctx, w)
        w.status = gr.Markdown("", elem_id="health-status")
        w.plot = ctx.relabel(
            gr.Plot(label=ctx.t("health.chart"), elem_id="health-chart"), label="health.chart"
        )
        w.results = gr.Markdown(ctx.t("health.placeholder"), elem_id="health-results")
        w.recommendations = gr.Markdown("", elem_id="health-recommendations")
        w.sources = gr.Markdown("", elem_id="health-sources")
        w.files = ctx.relabel(
            gr.File(
                label=ctx.t("health.download"),
                file_count="multiple",
                interactive=False,
                elem_id="health-files",
            ),
            label="health.download",
        )
        w.current = gr.State(None)
        w.saved = saved_drafts_panel(ctx, Kind.ASSESSMENT, w.workspace, "health")
    w.saved.connect(w.results, w.files, clears=[w.status, w.plot, w.recommendations, w.sources, w.current])
    return w


def _questionnaire(ctx: TabContext, labels: Labels, q: Questionnaire) -> list[gr.Radio]:
    """One accordion per area (the first open) with a radio per statement; the radios in order."""
    radios: list[gr.Radio] = []
    for n, area in enumerate(q.areas):
        accordion = gr.Accordion(
            group_label(labels, q, area, "th"), open=n == 0, elem_id=f"health-area-{area.id}"
        )
        ctx.relabel(accordion, label=lambda code, a=area: group_label(labels, q, a, code))
        with accordion:
            for indicator in area.indicators:
                radio = gr.Radio(
                    choices(q, "th"),
                    value=None,
                    label=indicator.text("th"),
                    elem_id=element_id(indicator.id),
                    elem_classes=["health-question"],
                )
                ctx.relabel(
                    radio,
                    label=lambda code, i=indicator: i.text(code),
                    choices=lambda code: choices(q, code),
                )
                radios.append(radio)
    return radios


def _actions(ctx: TabContext, w: Any) -> None:
    """The label box, the compare dropdown and the Score / Save / Clear buttons (set on ``w``)."""
    with gr.Row(equal_height=True):
        w.label_box = ctx.relabel(
            gr.Textbox(
                label=ctx.t("health.label"),
                placeholder=ctx.t("health.label_placeholder"),
                elem_id="health-label",
                scale=2,
            ),
            label="health.label",
            placeholder="health.label_placeholder",
        )
        w.compare = ctx.relabel(
            gr.Dropdown(
                [("—", "")],
                value="",
                label=ctx.t("health.compare"),
                info=ctx.t("health.compare_info"),
                elem_id="health-compare",
                interactive=True,
                scale=2,
            ),
            label="health.compare",
            info="health.compare_info",
        )
    with gr.Row():
        w.score_button = ctx.relabel(
            gr.Button(ctx.t("health.score"), variant="primary", elem_id="health-score"),
            value="health.score",
        )
        w.save_button = ctx.relabel(
            gr.Button(ctx.t("health.save"), elem_id="health-save"), value="health.save"
        )
        w.clear_button = ctx.relabel(
            gr.Button(ctx.t("health.clear"), elem_id="health-clear"), value="health.clear"
        )


def _wire(ctx: TabContext, w: Any, h: _HealthHandlers) -> None:
    """Connect the components' events to the handlers."""
    w.saved.refresh_after(
        w.score_button.click(
            h.score,
            [w.workspace, ctx.lang, w.compare, w.label_box, *w.radios],
            [w.status, w.plot, w.results, w.recommendations, w.sources, w.files, w.current],
            show_progress="minimal",
        )
    )
    w.save_button.click(h.save, [w.current, w.label_box, w.workspace, ctx.lang], [w.status, w.compare])
    w.clear_button.click(h.clear, None, w.radios, queue=False)
    w.workspace.change(h.fill_history, [w.workspace, ctx.lang], w.compare, show_progress="hidden")
    ctx.demo.load(h.fill_history, [w.workspace, ctx.lang], w.compare, show_progress="hidden")


class _HealthHandlers:
    """The Health tab's event handlers: score (streamed), save, the compare list and clear."""

    def __init__(self, labels: Labels, settings: Settings, service: AssessService) -> None:
        self.labels = labels
        self.s = settings
        self.service = service
        self.q = service.questionnaire

    def score(
        self, ws: str, lang: str, compare_id: str, label: str, request: gr.Request, *values: Any
    ) -> Iterator[tuple]:
        # the request sits before the radios' values: Gradio fills it by position from the annotation
        labels, s, q = self.labels, self.s, self.q
        lang = normalize_language(lang)
        rest = (gr.skip(),) * 6
        yield (labels.text("health.scoring", lang), *rest)
        data = answers_from_values(q, list(values))
        if not any(isinstance(v, int) for v in data.values()):
            yield (labels.text("health.no_answers", lang), *rest)
            return
        refused = limit_refusal(s, request, lang)
        if refused:
            yield (refused, *rest)
            return
        yield self._assess(ws, lang, compare_id, label, request, data)

    def _assess(
        self, ws: str, lang: str, compare_id: str, label: str, request: gr.Request, data: dict[str, Any]
    ) -> tuple:
        """Score the answers with cited recommendations, keep the report in history: the tab's outputs."""
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.assess import AnswerError, chart_figure
        from assistant.drafting.export import sections_markdown

        labels, s, service = self.labels, self.s, self.service
        rest = (gr.skip(),) * 6
        asked = AssessRequest(
            data, label=(label or "").strip(), language=lang, compare=compare_id or "", require_all=False
        )
        try:
            principal = principal_from_request(request, s)
            result = service.score(principal, ws, asked)
            paths, draft = service.downloads(result, ws)
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), *rest)
        except AnswerError as exc:
            shown = answer_problems(labels, lang, q=self.q, problems=exc.problems)
            return (labels.text("health.problems", lang, problems=shown), *rest)
        except Exception as exc:
            log.exception("health check failed")
            return (labels.text("health.error", lang, error=str(exc)[:300]), *rest)
        service.remember(principal, ws, draft, label)
        overview = [x for x in draft.sections if x.id in ("summary", "components", "factors", "progress")]
        advice = [x for x in draft.sections if x.id.startswith("rec-") or x.id == "unanswered"]
        sc = result.scores
        done = labels.text(
            "health.scored",
            lang,
            answered=sc.answered,
            total=sc.total,
            overall="–" if sc.overall is None else f"{sc.overall:.2f}",
        )
        return (
            done,
            chart_figure(result),
            f"### {labels.text('health.results', lang)}\n\n" + sections_markdown(overview, lang),
            f"### {labels.text('health.recommendations', lang)}\n\n" + sections_markdown(advice, lang),
            sources_markdown(labels, lang, result),
            paths,
            {"answers": data, "language": lang, "workspace": ws},
        )

    def save(self, state: dict | None, label: str, ws: str, lang: str, request: gr.Request) -> tuple:
        from assistant.access.workspaces import WorkspaceAccessError

        labels, s, service = self.labels, self.s, self.service
        lang = normalize_language(lang)
        if not state:
            return labels.text("health.save_first", lang), gr.skip()
        asked = AssessRequest(
            state["answers"], label=(label or "").strip(), language=state["language"], require_all=False
        )
        try:
            principal = principal_from_request(request, s)
            saved = service.save(principal, state["workspace"], asked)
            found = service.history(principal, state["workspace"]) if state["workspace"] == ws else None
        except WorkspaceAccessError as exc:
            return access_message(labels, lang, exc), gr.skip()
        except Exception as exc:
            log.exception("saving the health check failed")
            return labels.text("health.error", lang, error=str(exc)[:300]), gr.skip()
        update = gr.update(choices=history_choices(found)) if found is not None else gr.skip()
        return labels.text("health.saved", lang, id=saved.id), update

    def fill_history(self, ws: str, lang: str, request: gr.Request) -> dict:
        labels, s = self.labels, self.s
        lang = normalize_language(lang)
        try:
            found = history_choices(self.service.history(principal_from_request(request, s), ws))
        except Exception:
            return gr.update(choices=[("—", "")], value="", info=labels.text("health.no_history", lang))
        info = labels.text("health.compare_info" if len(found) > 1 else "health.no_history", lang)
        return gr.update(choices=found, value="", info=info)

    def clear(self) -> list[Any]:
        return [None] * len(self.q.indicators)
