"""``edunet mou draft`` and ``edunet mou analyze``: draft an MOU from a form, or read one into a record.

Usage:
    edunet mou draft --input examples/mou.th.yaml -o mou.docx        # or .md / .json, or --format
    edunet mou draft --input mou.yaml -o mou.docx --json              # also print the structured draft
    edunet mou analyze MOU-2024-001.th.md [-w W] [--json] [--backend none]   # an ingested document
    edunet mou analyze --file path/to/mou.pdf [--json] [--backend embedded]  # any file

``analyze`` prints each field with the page it came from, then the fields it could not find.
Exit codes: 0 the analysis found every required field (parties and cooperation areas; other
missing fields are listed but do not fail it), 1 a required field is missing (the document may
not be an MOU, or needs OCR), 2 usage error (bad form, unknown document, unreadable file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.access.workspaces import SYSTEM
from assistant.clikit import BackendOpt, JsonOpt, UserError, WorkspaceOpt, err, out, print_json, run_draft
from assistant.clikit import settings as _settings
from assistant.clikit import workspace as _workspace


def register(app: typer.Typer) -> None:
    """Add the ``mou`` command group."""
    mou = typer.Typer(help="MOUs: draft one from a form, or analyse an existing one.", no_args_is_help=True)
    app.add_typer(mou, name="mou")

    @mou.command("draft")
    def draft(
        input_path: Annotated[
            Path, typer.Option("--input", "-i", help="the form (YAML or JSON; - for stdin)")
        ],
        output: Annotated[Path, typer.Option("--output", "-o", help="where to write the MOU")],
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="docx, md or json (default: suffix)")
        ] = None,
        workspace: WorkspaceOpt = None,
        backend: BackendOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Draft an MOU (Thai structure, or English) from a form and export it."""
        from assistant.mou.draft import stream_mou_draft
        from assistant.services.mou import MouService

        run_draft(
            "MOU",
            input_path,
            MouService.parse,
            stream_mou_draft,
            output=output,
            fmt=fmt,
            workspace_name=workspace,
            backend=backend,
            as_json=as_json,
        )

    @mou.command("analyze")
    def analyze(
        document: Annotated[
            str | None, typer.Argument(help="an ingested document: source name, path or title")
        ] = None,
        file: Annotated[Path | None, typer.Option("--file", help="analyse this file instead")] = None,
        workspace: WorkspaceOpt = None,
        backend: BackendOpt = "none",
        as_json: JsonOpt = False,
    ) -> None:
        """Extract parties, dates, duration, areas, duties and termination terms, with their pages."""
        from assistant.mou.analysis import DocumentNotFound
        from assistant.services.mou import MouService
        from ingest.loaders import LoadError

        if (document is None) == (file is None):
            raise UserError("give a DOCUMENT_NAME or --file PATH (one of them)", code=2)
        service = MouService(_settings())
        writer = _writer(service, backend)
        try:
            if file is not None:
                record = service.read(SYSTEM, None, upload=file, writer=writer)
            else:
                record = service.read(SYSTEM, _workspace(workspace), document=document, writer=writer)
        except DocumentNotFound as exc:
            raise UserError(str(exc), code=2) from None
        except LoadError as exc:
            raise UserError(f"{file}: {exc.reason}", code=2) from None
        if as_json:
            print_json(record.to_json())
        else:
            _print_record(record)
        if record.missing_required:
            err.print(f"required field(s) not found: {', '.join(record.missing_required)}", highlight=False)
            raise typer.Exit(1)


def _writer(service, backend: str | None):
    """A Writer for the analysis (None for the ``none`` backend, or when the model is off: said on stderr)."""
    try:
        writer, note = service.writer(backend)
    except ValueError as exc:
        raise UserError(str(exc), code=2) from None
    if note:
        err.print(note, highlight=False)
    return writer


def _print_record(record) -> None:
    from rich.table import Table

    from assistant.mou.analysis import FIELDS

    out.print(
        f"[bold]{record.source}[/bold] ({record.pages} page(s), {record.language}) mou_id={record.mou_id}"
    )
    table = Table("field", "value", "page", "how")
    for name in FIELDS:
        value = record.get(name)
        if value is None:
            continue
        table.add_row(
            name, _show(value.value), ", ".join(map(str, value.pages or [value.page])), value.method
        )
    out.print(table)
    for missing in record.missing:
        out.print(f"missing {missing.field}: {missing.message}", highlight=False)
    for note in record.notes:
        out.print(f"note: {note}", highlight=False)


def _show(value) -> str:
    from datetime import date

    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return "\n".join(f"{k}: " + "; ".join(v) for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(f"- {v}" for v in value)
    return str(value)
