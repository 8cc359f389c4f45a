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

import dataclasses
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.assess.questionnaire import Area, Questionnaire, load_questionnaire
from assistant.history import Kind
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.saved_drafts import record_draft_safely, saved_drafts_panel
from assistant.ui.session import (
    access_message,
    limit_refusal,
    principal_from_request,
    workspace_selector,
)

if TYPE_CHECKING:
    from assistant.assess.result import HealthResult
    from assistant.drafting import Draft
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


def history_choices(store: Any) -> list[tuple[str, str]]:
    """The compare dropdown's choices: "—" (none) then the saved assessments, newest first."""
    return [("—", ""), *[(s.title(), str(s.id)) for s in store.list()]]


def write_downloads(result: HealthResult, workspace: str) -> tuple[list[str], Any]:
    """Write DOCX (chart embedded), Markdown and the PNG into a fresh temporary folder."""
    from assistant.assess.charts import chart_png
    from assistant.assess.report import export_report, report_draft
    from assistant.export import write_atomic

    folder = Path(tempfile.mkdtemp(prefix="edunet-health-"))
    png = chart_png(result)
    chart = write_atomic(folder / "health-radar.png", png)
    draft = report_draft(result, workspace=workspace, chart_ref=chart.name)
    docx = export_report(draft, folder / "health-check.docx", chart_png=png)
    md = export_report(draft, folder / "health-check.md")
    return [str(docx), str(md), str(chart)], draft


def history_draft(draft: Draft, label: str = "") -> tuple[Draft, str]:
    """The report as kept in history, and its title: without the chart section (its PNG is not kept),
    titled with the assessment's label when it has one."""
    kept = dataclasses.replace(draft, sections=[x for x in draft.sections if x.id != "chart"])
    label = " ".join((label or "").split())
    return kept, f"{draft.title} — {label}" if label else draft.title


def build_tab(ctx: TabContext) -> None:
    """The Health tab: questionnaire, Score / Save, chart, scores, recommendations, sources, downloads."""
    h = _HealthHandlers(get_labels(), ctx.settings, load_questionnaire())
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

    def __init__(self, labels: Labels, settings: Settings, q: Questionnaire) -> None:
        self.labels = labels
        self.s = settings
        self.q = q

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
        from assistant.assess import AnswerError, AssessmentStore, chart_figure, parse_answers, run_assessment
        from assistant.drafting import draft_context
        from assistant.export import sections_markdown
        from assistant.workspaces import WorkspaceAccessError, require_access, scoped_retriever

        labels, s, q = self.labels, self.s, self.q
        rest = (gr.skip(),) * 6
        try:
            principal = principal_from_request(request, s)
            require_access(principal, ws, settings=s)
            answers = parse_answers(data, q, require_all=False)
            store = AssessmentStore.for_workspace(s, ws, principal=principal)
            previous = store.get(compare_id) if compare_id else None
            retriever = scoped_retriever(principal, ws, settings=s, k=5)
            dctx = draft_context(s, ws, lang, retriever=retriever, principal=principal)
            result = run_assessment(
                answers, q, language=lang, ctx=dctx, previous=previous, label=(label or "").strip()
            )
            paths, draft = write_downloads(result, ws)
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), *rest)
        except AnswerError as exc:
            return (labels.text("health.problems", lang, problems="; ".join(exc.problems)), *rest)
        except Exception as exc:
            log.exception("health check failed")
            return (labels.text("health.error", lang, error=str(exc)[:300]), *rest)
        kept, title = history_draft(draft, label)
        record_draft_safely(s, principal, ws, Kind.ASSESSMENT, kept, title=title)
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
        from assistant.assess import AssessmentStore, parse_answers, run_assessment
        from assistant.workspaces import WorkspaceAccessError, require_access

        labels, s, q = self.labels, self.s, self.q
        lang = normalize_language(lang)
        if not state:
            return labels.text("health.save_first", lang), gr.skip()
        try:
            principal = principal_from_request(request, s)
            require_access(principal, state["workspace"], settings=s)
            answers = parse_answers(state["answers"], q, require_all=False)
            result = run_assessment(answers, q, language=state["language"], label=(label or "").strip())
            store = AssessmentStore.for_workspace(s, state["workspace"], principal=principal)
            saved = store.save(result)
        except WorkspaceAccessError as exc:
            return access_message(labels, lang, exc), gr.skip()
        except Exception as exc:
            log.exception("saving the health check failed")
            return labels.text("health.error", lang, error=str(exc)[:300]), gr.skip()
        update = gr.update(choices=history_choices(store)) if state["workspace"] == ws else gr.skip()
        return labels.text("health.saved", lang, id=saved.id), update

    def fill_history(self, ws: str, lang: str, request: gr.Request) -> dict:
        from assistant.assess.storage import AssessmentStore
        from assistant.workspaces import require_access

        labels, s = self.labels, self.s
        lang = normalize_language(lang)
        try:
            principal = principal_from_request(request, s)
            require_access(principal, ws, settings=s)
            found = history_choices(AssessmentStore.for_workspace(s, ws, principal=principal))
        except Exception:
            return gr.update(choices=[("—", "")], value="", info=labels.text("health.no_history", lang))
        info = labels.text("health.compare_info" if len(found) > 1 else "health.no_history", lang)
        return gr.update(choices=found, value="", info=info)

    def clear(self) -> list[Any]:
        return [None] * len(self.q.indicators)
