"""``edunet assess ...``: the network health check on the command line.

Usage:
    edunet assess questions [--language th|en] [--json] [--template answers.yaml]
    edunet assess --answers answers.yaml [--chart radar.png] [--output report.docx|.md|.json]
                  [--compare latest|ID] [--save/--no-save] [--label TEXT] [--language th|en]
                  [--backend none] [--json] [--workspace W]
    edunet assess history [--json] [--workspace W]

An answers file maps indicator ids to 1–5 or "not sure" (``ไม่แน่ใจ``); ``questions
--template`` writes a blank one to fill in (see ``examples/answers.th.yaml``). Results are
saved in the workspace by default, so ``--compare latest`` on the next run shows progress.
Exit codes: 0 done, 1 run-time error, 2 bad input (each problem listed).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.access.workspaces import SYSTEM
from assistant.clikit import JsonOpt, UserError, WorkspaceOpt, err, out, print_json, read_form
from assistant.clikit import settings as _settings
from assistant.clikit import workspace as _workspace

if TYPE_CHECKING:
    from collections.abc import Iterator

    from assistant.assess.result import HealthResult

LanguageOpt = Annotated[str, typer.Option("--language", "-l", help="th or en")]


@contextmanager
def _input_errors() -> Iterator[None]:
    """Bad answers, languages or ids become usage errors listing each problem."""
    from assistant.assess.answers import AnswerError
    from assistant.assess.health_file import HealthConfigError

    try:
        yield
    except AnswerError as exc:
        raise UserError("the answers have problems:\n  - " + "\n  - ".join(exc.problems), code=2) from None
    except HealthConfigError as exc:
        raise UserError(str(exc), code=1) from None
    except ValueError as exc:
        raise UserError(str(exc), code=2) from None


def _language(value: str | None, default: str = "th") -> str:
    from assistant.drafting.engine import check_language

    try:
        return check_language(value or default)
    except ValueError as exc:
        raise UserError(str(exc), code=2) from None


def register(app: typer.Typer) -> None:
    """Add the ``assess`` command group."""
    assess_app = typer.Typer(
        help="Network health check: questionnaire, scores, radar chart, recommendations, progress.",
        invoke_without_command=True,
    )
    app.add_typer(assess_app, name="assess")

    @assess_app.callback()
    def assess(
        ctx: typer.Context,
        answers: Annotated[
            Path | None, typer.Option("--answers", "-a", help="answers file (YAML: indicator id → 1–5)")
        ] = None,
        chart: Annotated[
            Path | None, typer.Option("--chart", help="write the radar chart as PNG here")
        ] = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="write the report: .docx, .md or .json")
        ] = None,
        compare: Annotated[
            str | None, typer.Option("--compare", help="an earlier assessment's id, or 'latest'")
        ] = None,
        save: Annotated[
            bool, typer.Option("--save/--no-save", help="keep the result in the workspace")
        ] = True,
        label: Annotated[str | None, typer.Option("--label", help="a name for this assessment")] = None,
        language: Annotated[str | None, typer.Option("--language", "-l", help="th or en")] = None,
        backend: Annotated[
            str | None, typer.Option("--backend", help="LLM backend for the short paragraphs (none: skip)")
        ] = None,
        as_json: JsonOpt = False,
        workspace: WorkspaceOpt = None,
    ) -> None:
        """Score an answers file: per component and success factor, recommendations with citations."""
        if ctx.invoked_subcommand is not None:
            return
        if answers is None:
            raise UserError(
                "give --answers FILE (write a blank one with `edunet assess questions --template FILE`)",
                code=2,
            )
        _run(answers, chart, output, compare, save, label, language, backend, as_json, workspace)

    @assess_app.command("questions")
    def questions(
        language: LanguageOpt = "th",
        template: Annotated[
            Path | None, typer.Option("--template", help="write a blank answers file here")
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Print the questionnaire (or write a blank answers file with --template)."""
        from assistant.assess.questionnaire import load_questionnaire

        lang = _language(language)
        with _input_errors():
            q = load_questionnaire()
        if template is not None:
            from assistant.drafting.export import write_atomic

            write_atomic(template, q.template(lang).encode("utf-8"))
            err.print(f"blank answers file written: {template}", highlight=False)
            return
        if as_json:
            print_json(q.to_json(lang))
            return
        out.print(f"[bold]{q.text('title', lang)}[/bold]", highlight=False)
        out.print(f"{q.levels_text(lang)}; {q.scale.not_sure.get(lang)} = not sure", highlight=False)
        for area in q.areas:
            out.print(f"\n[bold]{q.kind_name(area.kind, lang)}: {area.name(lang)}[/bold]", highlight=False)
            for ind in area.indicators:
                out.print(f"  {ind.id:<28} {ind.text(lang)}", highlight=False, markup=False)

    @assess_app.command("history")
    def history(as_json: JsonOpt = False, workspace: WorkspaceOpt = None) -> None:
        """List the saved assessments of the workspace, newest first."""
        from assistant.services.assess import AssessService

        ws = _workspace(workspace)
        saved = AssessService(_settings()).history(SYSTEM, ws)
        if as_json:
            print_json([s.to_json() for s in saved])
            return
        if not saved:
            out.print(f"no saved assessments in workspace {ws!r}")
            return
        from rich.table import Table

        table = Table("id", "created", "label", "overall (1–5)", "answered")
        for s in saved:
            overall = "–" if s.scores.overall is None else f"{s.scores.overall:.2f}"
            table.add_row(str(s.id), s.created, s.label, overall, f"{s.scores.answered}/{s.scores.total}")
        out.print(table)


def _run(
    answers_path: Path,
    chart: Path | None,
    output: Path | None,
    compare: str | None,
    save: bool,
    label: str | None,
    language: str | None,
    backend: str | None,
    as_json: bool,
    workspace: str | None,
) -> None:
    from assistant.assess.answers import split_answers_file
    from assistant.drafting.export import ExportFormat
    from assistant.services.assess import AssessRequest, AssessService

    service = AssessService(_settings())
    ws = _workspace(workspace)
    if output is not None:
        try:
            ExportFormat.from_path(output)
        except ValueError as exc:
            raise UserError(str(exc), code=2) from None
    if chart is not None and chart.suffix.lower() != ".png":
        raise UserError(f"{chart}: the chart is a PNG; name it *.png", code=2)
    form = read_form(answers_path)
    with _input_errors():
        data, file_label, file_language = split_answers_file(form)
        lang = _language(language or file_language)
        request = AssessRequest(data, label=label or file_label or "", language=lang, compare=compare or "")
        result = service.score(SYSTEM, ws, request, backend=backend, llm=backend != "none", scoped=False)
    if save:
        service.keep(SYSTEM, ws, result)
    chart_path = service.write_report(result, ws, chart=chart, output=output)
    if as_json:
        data_out = result.to_json()
        data_out["chart"] = str(chart_path) if chart_path else None
        data_out["report"] = str(output) if output else None
        print_json(data_out)
        return
    _print_result(result, chart_path, output)


def _print_result(result: HealthResult, chart: Path | None, output: Path | None) -> None:
    from rich.table import Table

    q, lang, sc = result.questionnaire, result.language, result.scores
    t = lambda key, **v: q.text(key, lang, **v)  # noqa: E731
    fmt = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
    out.print(f"[bold]{t('title')}[/bold]" + (f" — {result.label}" if result.label else ""), highlight=False)
    headers = [
        t("header_area"),
        t("header_mean"),
        t("header_percent"),
        t("header_level"),
        t("header_answered"),
    ]
    deltas = {d.id: d.delta for d in result.progress.areas} if result.progress else {}
    table = Table(*headers, *([t("header_delta")] if deltas else []))
    for a in sc.areas:
        row = [
            f"{q.kind_name(a.kind, lang)[:1]} · {q.area(a.id).name(lang)}",
            fmt(a.mean),
            "–" if a.percent is None else f"{a.percent:.0f}",
            q.band(a.mean, lang) if a.mean is not None else t("no_score"),
            f"{a.answered}/{a.total}",
        ]
        if deltas:
            row.append("–" if deltas[a.id] is None else f"{deltas[a.id]:+.2f}")
        table.add_row(*row)
    out.print(table)
    if sc.overall is not None:
        percent = sc.percent(sc.overall) or 0
        out.print(
            f"overall: {sc.overall:.2f} / 5 ({percent:.0f}%) · {q.band(sc.overall, lang)}", highlight=False
        )
    for rec in result.recommendations:
        marks = "".join(f"[{n}]" for n in rec.citations)
        out.print(f"\n[bold]{rec.rank}. {rec.name}[/bold] ({rec.mean:.2f}) {marks}", highlight=False)
        for action in rec.actions:
            out.print(f"   - {action}", highlight=False, markup=False)
        if rec.prose:
            out.print(f"   {rec.prose}", highlight=False, markup=False)
    if result.citations:
        out.print("")
        for c in result.citations:
            out.print(f"[{c.n}] {c.source}, p. {c.page}", highlight=False, markup=False)
    if result.answers.skipped:
        out.print(f"\nnot scored ({len(result.answers.skipped)}): {', '.join(result.answers.skipped)}")
    if result.saved_id is not None:
        err.print(f"saved as assessment #{result.saved_id}", highlight=False)
    if chart is not None:
        err.print(f"chart: {chart}", highlight=False)
    if output is not None:
        err.print(f"report: {output}", highlight=False)
