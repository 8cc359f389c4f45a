"""What every ``edunet`` command shares: consoles, common options, user errors, settings and progress.

Usage (in a command module under ``assistant/commands/``):
    >>> from assistant.clikit import JsonOpt, UserError, out, settings
    >>> def register(app: typer.Typer) -> None:
    ...     @app.command()
    ...     def hello(as_json: JsonOpt = False) -> None:
    ...         out.print(settings().workspace)

Commands stay thin: read settings and input, call the library, print.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

err = Console(stderr=True)
out = Console(soft_wrap=True)

WorkspaceOpt = Annotated[str | None, typer.Option("--workspace", "-w", help="workspace (default: settings)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
"""Characters a terminal acts on (escape sequences, bell, carriage return) or that reorder what it shows."""


def shown(name: str, *, markup: bool = True) -> str:
    """A file name (or any text from a document) safe to print: control and bidi characters as visible
    escapes (``\\x1b``, ``\\u202e``) and, unless ``markup`` is off (the text is printed with
    ``markup=False``), rich markup (``[red]``) escaped: a name cannot clear the screen, retitle the
    terminal, hide its real suffix or restyle the output."""
    from rich.markup import escape

    def visible(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    text = _UNSAFE.sub(visible, str(name))
    return escape(text) if markup else text


def shown_text(text: str) -> str:
    """Document text for a terminal printed without markup: control characters made visible,
    line breaks and tabs kept."""
    return "\n".join(shown(line, markup=False) for line in str(text).replace("\t", "    ").split("\n"))


class UserError(Exception):
    """An error caused by input or set-up, shown as one line without a traceback."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def settings():
    """The settings; invalid ``EDUNET_*`` values are a usage error (exit 2)."""
    from assistant.settings import get_settings

    try:
        return get_settings()
    except Exception as exc:  # pydantic validation of EDUNET_* values
        raise UserError(f"invalid settings: {exc}", code=2) from None


def workspace(name: str | None) -> str:
    """A checked workspace name (default: the settings' workspace)."""
    from ingest.records import check_workspace

    try:
        return check_workspace(name or settings().workspace)
    except ValueError as exc:
        raise UserError(str(exc), code=2) from None


def print_json(data: Any) -> None:
    """Print one JSON document (Thai kept as is) on stdout."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def read_form(path: Path) -> dict[str, Any]:
    """Read a YAML (or JSON) form file into a mapping; a clear error when it is missing or malformed."""
    import yaml

    if str(path) == "-":
        import sys

        text = sys.stdin.read()
    else:
        if not path.is_file():
            raise UserError(f"{path}: no such file", code=2)
        text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML ({exc})", code=2) from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of field: value, got {type(data).__name__}", code=2)
    return data


@contextmanager
def progress(label: str, enabled: bool = True) -> Iterator[Callable[[float, int, str], None]]:
    """A progress bar on stderr; yields a callback (done, total, label)."""
    if not enabled or (not err.is_terminal and os.environ.get("EDUNET_PROGRESS") != "1"):
        yield lambda done, total, text: None
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[item]}"),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task(label, total=None, item="")

        def update(done: float, total: int, text: str) -> None:
            bar.update(task, completed=done, total=total, item=shown(text[-60:]))

        yield update


BackendOpt = Annotated[
    str | None,
    typer.Option("--backend", "-b", help="LLM backend: embedded, openai, ollama or none (default: settings)"),
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="docx, md or json (default: from -o's suffix)")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="write the document here (.docx, .md or .json)")
]


def run_draft(
    label: str,
    input_path: Path,
    parse: Callable[[dict[str, Any]], Any],
    stream: Callable[[Any, Any], Iterable[Any]],
    *,
    output: Path | None,
    fmt: str | None,
    workspace_name: str | None,
    backend: str | None,
    as_json: bool,
    checks: Callable[[Any], list[str]] | None = None,
) -> Any:
    """What every drafting command does: read and check the form, draft with progress, check, write.

    ``parse`` turns the form mapping into the tool's form (raising FormError, listed one
    problem per line, exit 2); ``stream`` is the tool's ``stream_*`` function. The draft is
    never written when its citations (``Draft.problems``) or the tool's own ``checks`` fail
    (exit 1). Without ``-o`` and ``--json`` the Markdown goes to stdout.
    """
    from assistant.access.workspaces import SYSTEM
    from assistant.drafting.engine import DraftEventKind, draft_context
    from assistant.drafting.export import ExportFormat, export, to_markdown
    from assistant.drafting.forms import FormError

    try:
        chosen = ExportFormat.parse(fmt) if fmt else ExportFormat.from_path(output) if output else None
    except ValueError as exc:
        raise UserError(str(exc), code=2) from None
    data = read_form(input_path)
    try:
        form = parse(data)
    except FormError as exc:
        lines = "\n".join(f"  - {p}" for p in exc.problems)
        raise UserError(f"the {label} form has {len(exc.problems)} problem(s):\n{lines}", code=2) from None
    except ValueError as exc:
        raise UserError(str(exc), code=2) from None
    s = settings()
    try:
        ctx = draft_context(s, workspace(workspace_name), form.language, backend=backend, principal=SYSTEM)
    except ValueError as exc:  # an unknown backend name
        raise UserError(str(exc), code=2) from None
    for note in ctx.notes:
        err.print(note, highlight=False)
    draft = None
    with progress(label) as update:
        for event in stream(form, ctx):
            if event.kind is DraftEventKind.SECTION and event.section is not None:
                update(event.done, event.total, event.section.title)
            elif event.draft is not None:
                draft = event.draft
    if draft is None:  # pragma: no cover - every stream ends with its draft
        raise UserError(f"the {label} stream ended without a draft", code=1)
    problems = draft.problems() + (checks(draft) if checks else [])
    if problems:  # a document with a broken citation or failed check is never written
        raise UserError(f"the {label} failed its checks: " + "; ".join(problems), code=1)
    if output is not None:
        try:
            path = export(draft, output, chosen)
        except OSError as exc:
            raise UserError(f"cannot write {output}: {exc.strerror or exc}", code=1) from None
        err.print(
            f"{label} written to {path} ({len(draft.sections)} sections, {len(draft.citations)} citations, "
            f"backend {draft.backend})",
            highlight=False,
        )
    if as_json:
        print_json(draft.to_json())
    elif output is None:
        out.print(to_markdown(draft), highlight=False, markup=False)
    return draft
