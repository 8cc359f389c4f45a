"""The network health check: score answers with cited recommendations, save, compare, report.

Usage:
    >>> from assistant.services.assess import AssessRequest, AssessService
    >>> service = AssessService(settings)
    >>> request = AssessRequest({"stakeholders.1": 2, "shared-vision-goals.1": "not sure"}, label="รอบ 1")
    >>> result = service.score(principal, "net-a", request)        # AnswerError lists every problem
    >>> paths, draft = service.downloads(result, "net-a")          # DOCX (chart inside), Markdown, PNG
    >>> service.remember(principal, "net-a", draft, request.label) # kept in the user's history
    >>> saved = service.save(principal, "net-a", request)          # in the workspace, to compare later
    >>> service.history(principal, "net-a")                        # the saved assessments, newest first

Both the Health tab and ``edunet assess`` go through this service: the questionnaire, the
workspace's assessment store, the passages the recommendations cite and the model are opened
here. Every method that reads a workspace raises WorkspaceAccessError before anything is
opened unless the principal may use it.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.services.base import DraftingService, remember_draft

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.assess.questionnaire import Questionnaire
    from assistant.assess.result import HealthResult
    from assistant.assess.storage import AssessmentStore
    from assistant.drafting.engine import Draft


@dataclass(frozen=True)
class AssessRequest:
    """Answers (indicator id → 1–5 or "not sure"), the assessment's label and language, and
    the saved assessment to compare with (its id, ``latest``, or empty for none).

    ``require_all``: every statement must be answered (an answers file) or blanks count as
    "not sure" (the tab's form).
    """

    answers: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""
    language: str = "th"
    compare: str = ""
    require_all: bool = True


def history_draft(draft: Draft, label: str = "") -> tuple[Draft, str]:
    """The report as kept in history, and its title: without the chart section (its PNG is not kept),
    titled with the assessment's label when it has one."""
    kept = dataclasses.replace(draft, sections=[x for x in draft.sections if x.id != "chart"])
    label = " ".join((label or "").split())
    return kept, f"{draft.title} — {label}" if label else draft.title


def write_downloads(result: HealthResult, workspace: str) -> tuple[list[str], Draft]:
    """Write DOCX (chart embedded), Markdown and the PNG into a fresh temporary folder."""
    from assistant.assess.charts import chart_png
    from assistant.assess.report import export_report, report_draft
    from assistant.drafting.export import write_atomic

    folder = Path(tempfile.mkdtemp(prefix="edunet-health-"))
    png = chart_png(result)
    chart = write_atomic(folder / "health-radar.png", png)
    draft = report_draft(result, workspace=workspace, chart_ref=chart.name)
    docx = export_report(draft, folder / "health-check.docx", chart_png=png)
    md = export_report(draft, folder / "health-check.md")
    return [str(docx), str(md), str(chart)], draft


class AssessService(DraftingService):
    """The health check of a workspace's network (``store``: the index the recommendations cite)."""

    @cached_property
    def questionnaire(self) -> Questionnaire:
        """The questionnaire (``prompts/health.yaml``); HealthConfigError when it is broken."""
        from assistant.assess.questionnaire import load_questionnaire

        return load_questionnaire()

    def store_for(self, principal: Principal, workspace: str | None) -> AssessmentStore:
        """The workspace's saved assessments."""
        from assistant.assess.storage import AssessmentStore

        ws = self.workspace(principal, workspace)
        return AssessmentStore.for_workspace(self.settings, ws, principal=principal)

    def history(self, principal: Principal, workspace: str | None) -> list[Any]:
        """The saved assessments of the workspace, newest first."""
        return self.store_for(principal, workspace).list()

    def score(
        self,
        principal: Principal,
        workspace: str | None,
        request: AssessRequest,
        *,
        backend: str | None = None,
        llm: bool = True,
        scoped: bool = True,
    ) -> HealthResult:
        """Score the answers with recommendations citing the workspace's passages, compared with a saved one.

        ``scoped``: retrieve as ``principal`` (the tab); else the draft context's own retriever
        (the command line). ``llm=False`` leaves the short paragraphs out.
        """
        from assistant.assess import parse_answers, run_assessment
        from assistant.drafting.engine import draft_context

        ws = self.workspace(principal, workspace)
        q = self.questionnaire
        answers = parse_answers(dict(request.answers), q, require_all=request.require_all)
        store = self.store_for(principal, ws)
        previous = store.get(request.compare) if request.compare else None
        retriever = self.retriever(principal, ws, k=5) if scoped else None
        ctx = draft_context(
            self.settings,
            ws,
            request.language,
            backend=backend,
            llm=llm,
            retriever=retriever,
            principal=principal,
        )
        return run_assessment(
            answers, q, language=request.language, ctx=ctx, previous=previous, label=request.label
        )

    def save(self, principal: Principal, workspace: str | None, request: AssessRequest) -> Any:
        """Score the answers (no recommendations' prose) and keep the result in the workspace;
        the saved assessment (its ``id`` is what ``compare`` names)."""
        from assistant.assess import parse_answers, run_assessment

        ws = self.workspace(principal, workspace)
        answers = parse_answers(dict(request.answers), self.questionnaire, require_all=request.require_all)
        result = run_assessment(answers, self.questionnaire, language=request.language, label=request.label)
        return self.keep(principal, ws, result)

    def keep(self, principal: Principal, workspace: str | None, result: HealthResult) -> Any:
        """Keep a scored result in the workspace (its ``saved_id`` is set); the saved assessment."""
        return self.store_for(principal, workspace).save(result)

    @staticmethod
    def downloads(result: HealthResult, workspace: str) -> tuple[list[str], Draft]:
        """The report's files (DOCX with the chart, Markdown, PNG) and its draft."""
        return write_downloads(result, workspace)

    def remember(
        self, principal: Principal, workspace: str | None, draft: Draft, label: str = ""
    ) -> str | None:
        """Keep the report (without its chart) in the user's history; its id, or None."""
        from assistant.access.history import Kind

        kept, title = history_draft(draft, label)
        ws = workspace or self.settings.workspace
        return remember_draft(self.settings, principal, ws, Kind.ASSESSMENT, kept, title=title)

    @staticmethod
    def write_report(
        result: HealthResult, workspace: str, *, chart: Path | None = None, output: Path | None = None
    ) -> Path | None:
        """Write the chart (PNG) and the report (.docx, .md or .json); where the chart went.

        A Markdown report without ``chart`` gets its chart next to it (``report.radar.png``);
        a DOCX report embeds the chart.
        """
        from assistant.assess.charts import chart_png
        from assistant.assess.report import export_report, report_draft
        from assistant.drafting.export import write_atomic

        png = chart_png(result) if chart is not None or output is not None else None
        chart_path = chart
        if png is not None and chart_path is None and output is not None and output.suffix.lower() == ".md":
            chart_path = output.with_suffix(".radar.png")
        if png is not None and chart_path is not None:
            write_atomic(chart_path, png)
        if output is not None:
            ref = None
            if chart_path is not None:
                ref = os.path.relpath(chart_path.resolve(), output.resolve().parent)
            elif output.suffix.lower() == ".docx":
                ref = "radar.png"  # a placeholder line that the DOCX export replaces with the picture
            draft = report_draft(result, workspace=workspace, chart_ref=ref)
            export_report(draft, output, chart_png=png)
        return chart_path
