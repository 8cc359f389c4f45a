"""``edunet workshop ...``: plan a workshop agenda and run workshop sessions.

Usage:
    edunet workshop plan --input examples/workshop.th.yaml -o agenda.docx [--format md] [--json]
    edunet workshop session create --name "AI กับแฟ้มสะสมผลงาน" --pack pack.pdf --pack notes.md
    edunet workshop session create --name N --from-workspace default --doc network-workshop.th.md
    edunet workshop session ask CODE "แฟ้มสะสมผลงานมีกี่ส่วน" [--json]
    edunet workshop session questions CODE [--json]
    edunet workshop session faq CODE -o faq.docx [--language th]
    edunet workshop session close CODE
    edunet workshop session list [--json]

``session create`` prints the join code as the last line of stdout (and the trainer key for the
web dashboard on stderr). Exit codes: 0 done, 1 a session problem (wrong or closed code, a pack
that could not be indexed), 2 usage error (bad form, impossible duration, missing file).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.access.workspaces import SYSTEM
from assistant.clikit import BackendOpt, JsonOpt, UserError, err, out, print_json, run_draft
from assistant.clikit import progress as _progress
from assistant.clikit import settings as _settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from assistant.sessions import Sessions


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors become one-line user errors with the documented exit codes."""
    from assistant.drafting.forms import FormError
    from assistant.sessions import SessionError
    from assistant.workshop import AgendaError

    try:
        yield
    except SessionError as exc:  # wrong or closed code, a pack that could not be indexed
        raise UserError(str(exc), code=1) from None
    except (FormError, AgendaError, ValueError) as exc:  # bad form, impossible duration, bad name
        raise UserError(str(exc), code=2) from None


def _sessions(backend: str | None = None) -> Sessions:
    from assistant.sessions import Sessions

    s = _settings()
    return Sessions(s, llm=backend != "none", backend=backend)


def register(app: typer.Typer) -> None:
    """Add the ``workshop`` command group (``plan`` and ``session ...``)."""
    workshop = typer.Typer(
        help="Workshop agendas and workshop sessions with a join code.", no_args_is_help=True
    )
    session = typer.Typer(help="Workshop sessions: create, ask, questions, FAQ, close.", no_args_is_help=True)
    app.add_typer(workshop, name="workshop")
    workshop.add_typer(session, name="session")
    _plan_command(workshop)
    _session_create_command(session)
    _session_commands(session)


def _plan_command(workshop: typer.Typer) -> None:
    """``edunet workshop plan``."""

    @workshop.command("plan")
    def plan(
        input_file: Annotated[
            Path, typer.Option("--input", "-i", help="the workshop form (YAML); '-' = stdin")
        ],
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="write .docx, .md or .json")
        ] = None,
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="docx, md or json (default: from the suffix)")
        ] = None,
        workspace: Annotated[
            str | None, typer.Option("--workspace", "-w", help="cite documents of this workspace")
        ] = None,
        backend: BackendOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Build a timed workshop agenda with objectives, activities, checks and an evaluation form."""
        from assistant.workshop import parse_workshop, stream_workshop

        with _errors():  # an impossible duration found while timing the agenda: exit 2
            run_draft(
                "agenda",
                input_file,
                parse_workshop,
                stream_workshop,
                output=output,
                fmt=fmt,
                workspace_name=workspace,
                backend=backend,
                as_json=as_json,
            )


def _session_create_command(session: typer.Typer) -> None:
    """``edunet workshop session create``."""

    @session.command("create")
    def create(
        name: Annotated[str, typer.Option("--name", "-n", help="the session's name")],
        pack: Annotated[
            list[Path] | None, typer.Option("--pack", "-p", help="a workshop pack file (repeat for more)")
        ] = None,
        trainer: Annotated[str, typer.Option("--trainer", "-t", help="the trainer's name")] = "",
        from_workspace: Annotated[
            str | None, typer.Option("--from-workspace", help="take --doc documents from this workspace")
        ] = None,
        doc: Annotated[
            list[str] | None, typer.Option("--doc", "-d", help="a library document (source, title or path)")
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Create a session with its own workspace from pack files or library documents; prints its code."""
        files = list(pack or [])
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise UserError(f"no such file: {', '.join(missing)}", code=2)
        if not files and not doc:
            raise UserError(
                "the session needs a workshop pack: give --pack FILE or --from-workspace W --doc NAME", 2
            )
        with _errors(), _progress("indexing the pack") as step:
            created = _sessions("none").create_session(
                name,
                trainer,
                files,
                from_workspace=from_workspace,
                documents=doc or [],
                progress=step,
                principal=SYSTEM,
            )
        if as_json:
            print_json(created.to_dict(with_key=True))
            return
        err.print(
            f"session {created.name!r}: workspace {created.workspace}, "
            f"documents: {', '.join(created.documents)}",
            highlight=False,
        )
        err.print(f"trainer key (for the web dashboard): {created.trainer_key}", highlight=False)
        print(created.code)


def _session_commands(session: typer.Typer) -> None:
    """``edunet workshop session ask|questions|faq|close|list``."""

    @session.command("ask")
    def ask(
        code: Annotated[str, typer.Argument(help="the join code")],
        question: Annotated[str, typer.Argument(help="the question")],
        backend: BackendOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Ask as a participant: answered only from the session's documents (and logged)."""
        with _errors():
            answer = _sessions(backend).ask(code, question)
        if as_json:
            print_json(answer.to_json())
            return
        out.print(answer.text, highlight=False, markup=False)
        for c in answer.citations:
            out.print(f"[{c.n}] {c.source}, p. {c.page}", highlight=False, markup=False)

    @session.command("questions")
    def questions(
        code: Annotated[str, typer.Argument(help="the join code")],
        as_json: JsonOpt = False,
    ) -> None:
        """The questions participants asked, grouped by theme."""
        with _errors():
            groups = _sessions("none").questions(code)
        if as_json:
            print_json([g.to_dict() for g in groups])
            return
        if not groups:
            out.print("no questions yet")
        for n, g in enumerate(groups, start=1):
            out.print(f"[bold]{n}. {g.label}[/bold] ({g.size})", highlight=False)
            for q in g.questions:
                mark = "" if q.grounded else "  (not found in the pack)"
                out.print(f"   - {q.question}{mark}", highlight=False, markup=False)

    @session.command("faq")
    def faq(
        code: Annotated[str, typer.Argument(help="the join code")],
        output: Annotated[Path, typer.Option("--output", "-o", help="write .docx, .md or .json")],
        fmt: Annotated[str | None, typer.Option("--format", "-f", help="docx, md or json")] = None,
        language: Annotated[
            str | None, typer.Option("--language", "-l", help="th or en (default: most questions')")
        ] = None,
    ) -> None:
        """Export the session's questions, grouped by theme, with the best cited answer as an FAQ."""
        from assistant.drafting.export import ExportFormat, export

        with _errors():
            draft = _sessions("none").export_faq(code, language)
            chosen = ExportFormat.parse(fmt) if fmt else ExportFormat.from_path(output)
        export(draft, output, chosen)
        err.print(f"written {output}", highlight=False)

    @session.command("close")
    def close(code: Annotated[str, typer.Argument(help="the join code")]) -> None:
        """Close a session: nobody can join or ask any more; questions and the FAQ stay."""
        with _errors():
            s = _sessions("none").close_session(code)
        err.print(f"session {s.code} ({s.name}) is closed", highlight=False)

    @session.command("list")
    def list_(as_json: JsonOpt = False) -> None:
        """Every session with its status and workspace, newest first."""
        rows = [s.to_dict() for s in _sessions("none").list_sessions()]
        if as_json:
            print_json(rows)
            return
        if not rows:
            out.print("no sessions (create one with `edunet workshop session create`)")
            return
        from rich.table import Table

        table = Table("code", "name", "trainer", "status", "workspace", "documents")
        for r in rows:
            table.add_row(
                r["code"], r["name"], r["trainer"], r["status"], r["workspace"], ", ".join(r["documents"])
            )
        out.print(table)
