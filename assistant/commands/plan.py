"""``edunet plan``: a cited network plan from a YAML form, as DOCX, Markdown or JSON.

Usage:
    edunet plan --input examples/plan.th.yaml -o plan.docx                 # format from the suffix
    edunet plan --input plan.yaml --format md -o plan.md --backend none
    edunet plan --input plan.yaml --json                                   # Draft.to_json() on stdout
    edunet plan --input - < plan.yaml -o out.docx -w network-a

A form with problems exits with code 2 and lists every problem (one per line); the
output file is written atomically, so a failed run never leaves a corrupt file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.clikit import JsonOpt, UserError, WorkspaceOpt, err, print_json, progress, read_form
from assistant.clikit import settings as _settings
from assistant.clikit import workspace as _workspace


def register(app: typer.Typer) -> None:
    """Add the ``plan`` command."""

    @app.command("plan")
    def plan(
        input_path: Annotated[
            Path, typer.Option("--input", "-i", help="the plan form (YAML or JSON; '-' reads stdin)")
        ],
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="where to write the plan (.docx, .md, .json)")
        ] = None,
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="docx, md or json (default: from -o's suffix)")
        ] = None,
        backend: Annotated[
            str | None,
            typer.Option("--backend", "-b", help="embedded, openai, ollama or none (default: settings)"),
        ] = None,
        workspace: WorkspaceOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Draft a network plan (7 components, timeline, PDCA, risks, success factors) with citations."""
        from assistant.drafting import DraftEventKind, draft_context
        from assistant.export import ExportFormat, export
        from assistant.forms import FormError
        from assistant.plan import parse_plan_form, stream_plan

        s = _settings()
        ws = _workspace(workspace)
        chosen: ExportFormat | None = None
        try:
            if fmt is not None:
                chosen = ExportFormat.parse(fmt)
            elif output is not None:
                chosen = ExportFormat.from_path(output)
        except ValueError as exc:
            raise UserError(str(exc), code=2) from None
        if output is None and not as_json:
            raise UserError("give -o FILE for the plan, or --json to print it", code=2)
        data = read_form(input_path)
        try:
            form = parse_plan_form(data, settings=s, workspace=ws)
        except FormError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise UserError(f"the plan form has {len(exc.problems)} problem(s):\n{lines}", code=2) from None
        try:
            ctx = draft_context(s, ws, form.language, backend=backend)
        except ValueError as exc:  # an unknown backend name
            raise UserError(str(exc), code=2) from None
        for note in ctx.notes:
            err.print(note, highlight=False)
        draft = None
        with progress("plan") as update:
            for event in stream_plan(form, ctx):
                if event.kind is DraftEventKind.SECTION and event.section is not None:
                    update(event.done, event.total, event.section.title)
                elif event.draft is not None:
                    draft = event.draft
        assert draft is not None
        problems = draft.problems()
        if problems:  # never ship a plan with a broken citation
            raise UserError("the draft has broken citations: " + "; ".join(problems), code=1)
        if output is not None:
            try:
                path = export(draft, output, chosen)
            except OSError as exc:
                raise UserError(f"cannot write {output}: {exc.strerror or exc}", code=1) from None
            err.print(
                f"plan written to {path} ({len(draft.sections)} sections, {len(draft.citations)} citations, "
                f"backend {draft.backend})",
                highlight=False,
            )
        if as_json:
            print_json(draft.to_json())
