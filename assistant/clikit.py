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
from collections.abc import Callable, Iterator
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
            bar.update(task, completed=done, total=total, item=text[-60:])

        yield update
