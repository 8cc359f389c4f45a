"""``edunet portfolio``: a learner-portfolio guide from a form, and ``portfolio reflect`` feedback.

Usage:
    edunet portfolio --input examples/portfolio.th.yaml -o guide.docx        # format from the suffix
    edunet portfolio --input p.yaml -o guide.md --backend none               # skeleton only, no model
    edunet portfolio --input p.yaml --json                                   # the draft as JSON on stdout
    edunet portfolio reflect --file reflection.txt --competencies thinking,technology --grade ป.5
    cat reflection.txt | edunet portfolio reflect --file - --competencies communication --grade M2 --json

Exit codes: 0 done, 1 a run-time problem (e.g. personal data found in the reflection),
2 a usage error (a bad form field, an unknown learning area, competency or grade).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.clikit import (
    BackendOpt,
    FormatOpt,
    JsonOpt,
    OutputOpt,
    UserError,
    WorkspaceOpt,
    out,
    print_json,
    run_draft,
)
from assistant.clikit import settings as _settings


def register(app: typer.Typer) -> None:
    """Add the ``portfolio`` command group (the guide is its default command, ``reflect`` a sub-command)."""
    group = typer.Typer(help="Learner-portfolio guides and reflection feedback for teachers.")
    app.add_typer(group, name="portfolio")

    @group.callback(invoke_without_command=True)
    def portfolio(
        context: typer.Context,
        input_path: Annotated[
            Path | None, typer.Option("--input", "-i", help="the form (YAML), or - for stdin")
        ] = None,
        output: OutputOpt = None,
        fmt: FormatOpt = None,
        backend: BackendOpt = None,
        workspace: WorkspaceOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Draft a learner-portfolio guide from a form (grade, learning area, competencies, unit, weeks)."""
        if context.invoked_subcommand is not None:
            return
        if input_path is None:
            raise UserError("give the form with --input FILE (see examples/portfolio.th.yaml)", code=2)
        from assistant.portfolio import check_curriculum, stream_portfolio
        from assistant.services.portfolio import PortfolioService

        run_draft(
            "guide",
            input_path,
            PortfolioService.parse,
            stream_portfolio,
            output=output,
            fmt=fmt,
            workspace_name=workspace,
            backend=backend,
            as_json=as_json,
            checks=check_curriculum,  # curriculum references must exist in the stored framework
        )

    @group.command("reflect")
    def reflect(
        file: Annotated[
            Path, typer.Option("--file", help="the anonymised reflection (text), or - for stdin")
        ],
        competencies: Annotated[
            str, typer.Option("--competencies", "-c", help="comma-separated ids or names of 1–5 competencies")
        ],
        grade: Annotated[str, typer.Option("--grade", "-g", help="ป.1–ม.6, P1–M6 or Grade 1–12")],
        language: Annotated[str, typer.Option("--lang", "-l", help="th or en")] = "th",
        backend: BackendOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Feedback on a learner's draft reflection against the rubric (it never rewrites the reflection)."""
        from assistant.llm.privacy import PersonalDataError
        from assistant.services.portfolio import PortfolioService

        if str(file) == "-":
            text = sys.stdin.read()
        elif file.is_file():
            text = file.read_text(encoding="utf-8")
        else:
            raise UserError(f"{file}: no such file", code=2)
        llm, name = None, "none"
        service = PortfolioService(_settings())
        if backend is None or backend.lower() != "none":
            from assistant.llm.privacy import find_personal_data

            if not find_personal_data(text):  # never even start a model for text we will refuse
                llm, name = service.model(backend)
        try:
            result = service.review(text, competencies, grade, language, llm=llm, backend=name)
        except PersonalDataError as exc:
            raise UserError(exc.message(language if language in ("th", "en") else "th"), code=1) from None
        except ValueError as exc:
            raise UserError(str(exc), code=2) from None
        if as_json:
            print_json(result.to_json())
        else:
            out.print(result.to_markdown(), markup=False)
