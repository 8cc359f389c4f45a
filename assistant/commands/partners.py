"""``edunet partners …`` and ``edunet network …``: the partner registry, matching and the network map.

Usage:
    edunet partners suggest "นักเรียนต้องการฝึกงานด้านการโรงแรม" --near 12.11,102.28 --max-km 60 --json
    edunet partners import partners.csv        # exit 1 when some rows failed (the rest are imported)
    edunet partners export out.csv
    edunet partners list
    edunet network map -o map.png --months 12
    edunet network report --json

An empty registry is filled from the starter corpus (``<corpus_dir>/partners.csv`` and the MOU
front matter) on first use, except by ``import``. Exit codes: 0 ok, 1 some rows failed or a
run-time error, 2 usage error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.access.workspaces import SYSTEM
from assistant.clikit import JsonOpt, UserError, WorkspaceOpt, err, out, print_json, settings, workspace

if TYPE_CHECKING:
    from assistant.partners.registry import Registry
    from assistant.services.partners import PartnersService

LangOpt = Annotated[str, typer.Option("--lang", help="language of names and reasons: th|en")]


def _service() -> PartnersService:
    from assistant.services.partners import PartnersService

    return PartnersService(settings())


def _said_seeded(service: PartnersService, ws: str) -> None:
    """Say on stderr that the registry was empty and was filled from the starter corpus."""
    seeded = service.seeded(ws)
    if seeded is not None:
        count, path = seeded
        err.print(f"the registry was empty: loaded {count} partners from {path}", highlight=False)


def _registry(ws_name: str | None, seed: bool = True) -> tuple[PartnersService, Registry]:
    """The service and the workspace's registry, seeded from the starter corpus when empty (said)."""
    service, ws = _service(), workspace(ws_name)
    registry = service.registry(SYSTEM, ws, seed=seed)
    _said_seeded(service, ws)
    return service, registry


def _note(text: str) -> None:
    err.print(f"[yellow]note:[/yellow] {text}", highlight=False)


def _lang(value: str) -> str:
    code = (value or "th").strip().lower()
    if code not in ("th", "en"):
        raise UserError(f"unknown language {value!r}; use th or en", code=2)
    return code


def register(app: typer.Typer) -> None:
    """Add the ``partners`` and ``network`` command groups to ``app``."""
    partners = typer.Typer(help="Partner registry and needs-to-partner matching.", no_args_is_help=True)
    network = typer.Typer(help="The network of partners linked by MOUs.", no_args_is_help=True)
    app.add_typer(partners, name="partners")
    app.add_typer(network, name="network")
    _partner_commands(partners)
    _network_commands(network)


def _partner_commands(partners: typer.Typer) -> None:
    """``edunet partners suggest|import|export|list``."""

    @partners.command("suggest")
    def suggest_cmd(
        needs: Annotated[str, typer.Argument(help="the school's needs, Thai or English; '-' reads stdin")],
        near: Annotated[str | None, typer.Option("--near", help="LAT,LON of the school")] = None,
        max_km: Annotated[float | None, typer.Option("--max-km", help="only partners this close")] = None,
        types: Annotated[
            list[str] | None, typer.Option("--type", "-t", help="partner type (repeatable)")
        ] = None,
        provinces: Annotated[
            list[str] | None, typer.Option("--province", help="province (repeatable)")
        ] = None,
        top: Annotated[int, typer.Option("--top", "-k", min=1, help="how many partners")] = 5,
        lang: LangOpt = "th",
        workspace_name: WorkspaceOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Suggest partners for the needs, with reasons, distance, evidence and a complementary set."""
        import sys

        from assistant.services.partners import SuggestRequest

        code = _lang(lang)
        text = sys.stdin.read() if needs == "-" else needs
        wanted = SuggestRequest(text, tuple(types or ()), tuple(provinces or ()), near or "", max_km, top)
        try:
            wanted.filters()
        except ValueError as exc:
            raise UserError(str(exc), code=2) from None
        service, ws = _service(), workspace(workspace_name)
        service.registry(SYSTEM, ws)
        _said_seeded(service, ws)
        try:
            found = service.suggest(SYSTEM, ws, wanted, warn=_note)
        except ValueError as exc:
            raise UserError(str(exc), code=2) from None
        result, cover = found.result, found.cover
        if as_json:
            data = result.to_dict()
            data["complementary_set"] = cover.to_dict()
            print_json(data)
            return
        _print_suggestions(result, cover, code)

    @partners.command("import")
    def import_cmd(
        file: Annotated[Path, typer.Argument(help="a CSV with corpus/partners.csv's columns")],
        workspace_name: WorkspaceOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Import partners from CSV (upsert by id); bad rows are reported by row number."""
        from assistant.partners.models import CsvFormatError

        if not file.is_file():
            raise UserError(f"{file}: no such file", code=2)
        try:
            report = _service().import_csv(SYSTEM, workspace(workspace_name), file, seed=False)
        except CsvFormatError as exc:
            raise UserError(str(exc), code=2) from None
        if as_json:
            print_json(report.to_dict())
        else:
            for e in report.errors:
                err.print(f"[red]row {e.row}[/red] ({e.id or 'no id'}): {e.message}", highlight=False)
            err.print(
                f"imported {report.imported} ({len(report.created)} new, {len(report.updated)} updated), "
                f"{len(report.errors)} row(s) failed",
                highlight=False,
            )
        if not report.ok:
            raise typer.Exit(1)

    @partners.command("export")
    def export_cmd(
        file: Annotated[Path, typer.Argument(help="where to write the CSV ('-' for stdout)")],
        workspace_name: WorkspaceOpt = None,
    ) -> None:
        """Export the registry as CSV (the schema of corpus/partners.csv)."""
        _, registry = _registry(workspace_name)
        if str(file) == "-":
            print(registry.export_csv(), end="")
            return
        registry.export_csv(file)
        err.print(f"wrote {registry.count()} partners to {file}", highlight=False)

    @partners.command("list")
    def list_cmd(workspace_name: WorkspaceOpt = None, lang: LangOpt = "th", as_json: JsonOpt = False) -> None:
        """List the registered partners."""
        from rich.table import Table

        code = _lang(lang)
        _, registry = _registry(workspace_name)
        items = registry.all()
        if as_json:
            print_json([p.to_dict() for p in items])
            return
        table = Table("id", "name", "type", "province", "status", "MOUs")
        for p in items:
            table.add_row(p.id, p.name(code), p.type.value, p.province, p.status.value, ", ".join(p.mous))
        out.print(table)


def _network_commands(network: typer.Typer) -> None:
    """``edunet network map|report``."""

    @network.command("map")
    def map_cmd(
        output: Annotated[Path, typer.Option("--output", "-o", help="PNG file to write")] = Path("map.png"),
        months: Annotated[int, typer.Option("--months", min=0, help="MOUs ending within N months")] = 6,
        lead: Annotated[list[str] | None, typer.Option("--lead", help="lead school id (repeatable)")] = None,
        lang: LangOpt = "th",
        workspace_name: WorkspaceOpt = None,
    ) -> None:
        """Draw the network of partners linked by MOUs as a PNG."""
        from assistant.partners.network import draw_png

        code = _lang(lang)
        service, _ = _registry(workspace_name)
        ws = workspace(workspace_name)
        report = service.network(SYSTEM, ws, months=months, lead=lead or (), needs=False)
        path = draw_png(
            report, output, code, title=f"{len(report.members)} members · {len(report.edges)} links"
        )
        err.print(
            f"wrote {path}: {len(report.members)} members, {len(report.edges)} MOU links, "
            f"{len(report.isolated)} isolated, {len(report.expiring)} MOU(s) ending within {months} months",
            highlight=False,
        )

    @network.command("report")
    def report_cmd(
        months: Annotated[int, typer.Option("--months", min=0, help="MOUs ending within N months")] = 6,
        lead: Annotated[list[str] | None, typer.Option("--lead", help="lead school id (repeatable)")] = None,
        lang: LangOpt = "th",
        workspace_name: WorkspaceOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Centrality, isolated members, expiring MOUs and needs no member covers."""
        code = _lang(lang)
        service, _ = _registry(workspace_name)
        report = service.network(SYSTEM, workspace(workspace_name), months=months, lead=lead or ())
        if as_json:
            print_json(report.to_dict())
            return
        _print_network(report, months, code)


def _suggestion_text(rank: int, s: Any, lang: str) -> str:
    """One suggestion as plain lines: name, score, distance, reasons, evidence."""
    from assistant.partners.matching import reason_text, say

    p = s.partner
    lines = [f"{rank}. {p.id} {p.name(lang)} ({p.type.value}, {p.province} {p.district}) score {s.score:.2f}"]
    lines.append("   " + (say("distance", lang, km=s.distance_km) if s.distance_km is not None else ""))
    lines += [f"   - {reason_text(r, lang)}" for r in s.reasons]
    for m in s.mous:
        until = say("until", lang, date=m.end_date) if m.end_date else ""
        lines.append("   " + say("evidence_mou", lang, mou_id=m.id, until=until))
    for n, c in enumerate(s.citations, start=1):
        lines.append("   " + say("citation", lang, n=n, source=c.source, page=c.page, text=c.text[:160]))
    return "\n".join(line for line in lines if line.strip())


def _print_suggestions(result: Any, cover: Any, code: str) -> None:
    """The suggestions as text: the needs, each partner with its reasons, then the complementary set."""
    from assistant.partners.matching import say

    out.print(f"[bold]needs[/bold]: {' | '.join(result.needs)}", highlight=False)
    if result.excluded_no_coords:
        err.print(say("excluded_no_coords", code, count=len(result.excluded_no_coords)), highlight=False)
    for rank, s in enumerate(result.suggestions, start=1):
        out.print(_suggestion_text(rank, s, code), highlight=False)
    if not result.suggestions:
        out.print("no partner matches these needs" if code == "en" else "ไม่พบภาคีที่ตรงกับความต้องการ")
    out.print("")
    out.print("[bold]complementary set[/bold]:", highlight=False)
    for step in cover.steps:
        covered = "; ".join(result.needs[i] for i in sorted(step.new))
        name = step.suggestion.partner.name(code) if step.suggestion else ""
        out.print(f"  {step.partner_id} {name}: {covered}", highlight=False)
    if cover.uncovered:
        out.print(
            "  " + say("cover_uncovered", code, needs="; ".join(result.needs[i] for i in cover.uncovered)),
            highlight=False,
        )


def _print_network(report: Any, months: int, code: str) -> None:
    """The network report as text: connectors, isolated members, expiring MOUs, uncovered needs."""
    names = {m.id: m.name(code) for m in report.members}
    out.print(f"[bold]connectors[/bold] (betweenness > 0): {len(report.connectors)}", highlight=False)
    for m in report.connectors:
        out.print(f"  {m.id} {m.name(code)}: degree {m.degree}, betweenness {m.betweenness:.3f}")
    out.print(f"[bold]isolated[/bold]: {len(report.isolated)}", highlight=False)
    out.print("  " + ", ".join(f"{i} {names[i]}" for i in report.isolated), highlight=False)
    out.print(f"[bold]MOUs ending within {months} months[/bold]: {len(report.expiring)}", highlight=False)
    for e in report.expiring + report.expired:
        state = "ended" if e.days_left < 0 else f"{e.days_left} days left"
        out.print(f"  {e.mou_id} {e.end_date} ({state}): {', '.join(e.members)}", highlight=False)
    out.print(f"[bold]needs no member covers[/bold]: {len(report.uncovered_needs)}", highlight=False)
    for n in report.uncovered_needs:
        out.print(f"  {n.partner_id} {names.get(n.partner_id, '')}: {n.need}", highlight=False)
