"""The Partners tab: needs → ranked partner cards with reasons, the plan list, the registry, the network map.

Usage (assembled by :func:`assistant.ui.app.build`):
    >>> build_tab(ctx)            # adds the tab; the registry and the model load on first use

Three sections:

* **Find partners** — a needs box with filters (types, province, location + maximum km);
  :func:`assistant.partners.matching.match` ranks partners; each card shows the needs it
  covers, the capability text matched and its score, the distance and the evidence (MOU ids
  and passages of indexed MOU documents). The complementary set lists the fewest partners
  covering the needs. Chosen partners go to the workspace's plan list
  (:meth:`assistant.partners.registry.Registry.plan_members`, read by the Plan tool).
* **Partner registry** — import a CSV (per-row error report), the table, export as CSV, and
  the partner editor: pick a partner (or "new partner"), edit its fields, Save (validated like
  a CSV row by :meth:`~assistant.partners.registry.Registry.update_partner` /
  :meth:`~assistant.partners.registry.Registry.add_partner`, the problems shown field by
  field) or Remove it (after ticking a confirmation box) with its MOU links and plan entry.
* **Network map** — an interactive plotly figure and the report (connectors, isolated members,
  expiring MOUs, needs no member covers).

An empty registry is filled from ``<corpus_dir>/partners.csv`` on first use, and the UI says so.

Everything works on the registry and the indexed MOUs of the workspace chosen in the tab's
selector (``#partners-workspace``); each handler passes the caller's principal on, and the
library refuses a workspace they may not use.

This module holds the handlers and the wiring; the components are built in
:mod:`assistant.ui.partners_layout`, the cards, tables and editor feedback rendered in
:mod:`assistant.ui.partners_view`, the network report in :mod:`assistant.ui.network_view`
(the names tests use are re-exported here).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.services.partners import EDIT_FIELDS, PartnersService
from assistant.settings import Settings
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.network_view import (  # noqa: F401 - legend_in_words re-exported
    legend_in_words,
    mou_watch_markdown,
    network_figure,
    network_markdown,
)
from assistant.ui.partners_layout import (  # noqa: F401 - code_dropdown re-exported
    _editor_section,
    _network_section,
    _registry_section,
    _suggest_section,
    _Widgets,
    code_dropdown,
)
from assistant.ui.partners_view import (  # noqa: F401 - re-exported: tests import them from here
    NEW_PARTNER,
    TABLE_COLUMNS,
    TYPES,
    _name,
    _one_line,
    cards_html,
    cover_markdown,
    editor_choices,
    editor_feedback,
    field_errors_html,
    form_values,
    partner_problem,
    partner_table,
    plan_text,
    row_problem,
    seeded_text,
)
from assistant.ui.session import (
    access_message,
    limit_refusal,
    principal_from_request,
    workspace_selector,
)

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.partners.models import Partner
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- the handlers


class _Handlers:
    """The tab's event handlers: widgets in, a service call, widgets out (no use-case logic here)."""

    def __init__(self, labels: Labels, settings: Settings, service: PartnersService) -> None:
        self.labels = labels
        self.s = settings
        self.service = service

    def _principal(self, request: gr.Request) -> Principal:
        return principal_from_request(request, self.s)

    # ------------------------------------------------------------ suggestions and the plan list

    def run_suggest(
        self,
        text: str,
        type_values: list[str],
        prov: str,
        where: str,
        km: float | None,
        k: float,
        ws: str | None,
        lang: str,
        request: gr.Request,
    ) -> tuple:
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.services.partners import SuggestRequest

        labels, lang = self.labels, normalize_language(lang)
        skip, no_pick = gr.skip(), gr.update(choices=[], value=[])
        try:
            wanted = SuggestRequest.from_form(text, type_values, prov, where, km, k)
            wanted.check(lang)
            refused = limit_refusal(self.s, request, lang)
            if refused:
                return (f"⚠ {refused}", "", "", no_pick, None, skip)
            found = self.service.suggest(self._principal(request), ws, wanted)
        except WorkspaceAccessError as exc:
            return (f"⚠ {access_message(labels, lang, exc)}", "", "", no_pick, None, skip)
        except ValueError as exc:
            return (f"⚠ {_one_line(exc)}", "", "", no_pick, None, skip)
        except Exception as exc:
            log.exception("partner matching failed")
            return (labels.text("partners.error", lang, error=_one_line(exc)), "", "", no_pick, None, skip)
        data = found.to_dict()
        return (
            self.notice(lang, data),
            cards_html(labels, lang, data["result"]),
            cover_markdown(labels, lang, data["cover"], found.result.needs),
            gr.update(choices=self.pick_choices(lang, data), value=[]),
            data,
            plan_text(labels, lang, found.plan_members),
        )

    def notice(self, lang: str, data: dict | None) -> str:
        from assistant.partners.matching import say

        if not data:
            return ""
        labels = self.labels
        parts = [labels.text("partners.needs_found", lang, needs=" | ".join(data["result"]["needs"]))]
        if data["result"]["excluded_no_coords"]:
            parts.append(say("excluded_no_coords", lang, count=len(data["result"]["excluded_no_coords"])))
        seeded = seeded_text(labels, lang, self.service, data.get("workspace"))
        if seeded:
            parts.append(seeded)
        return "\n\n".join(parts)

    @staticmethod
    def pick_choices(lang: str, data: dict | None) -> list[tuple[str, str]]:
        if not data:
            return []
        return [(f"{s['id']} {_name(s, lang)}", s["id"]) for s in data["result"]["suggestions"]]

    def run_add_plan(self, chosen: list[str], ws: str | None, lang: str, request: gr.Request) -> str:
        from assistant.access.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        try:
            members = self.service.add_to_plan(self._principal(request), ws, list(chosen or []))
        except WorkspaceAccessError as exc:
            return access_message(self.labels, lang, exc)
        return plan_text(self.labels, lang, members)

    # ------------------------------------------------------------ the registry

    def run_refresh(self, ws: str | None, lang: str, request: gr.Request) -> tuple:
        from assistant.access.workspaces import WorkspaceAccessError

        labels, lang = self.labels, normalize_language(lang)
        if not ws and self.s.auth:  # the selector is not filled yet: its change event refreshes
            return (gr.skip(),) * 3
        try:
            found = self.service.overview(self._principal(request), ws)
        except WorkspaceAccessError as exc:
            return (partner_table(labels, lang, []), access_message(labels, lang, exc), "")
        count = labels.text("partners.count", lang, count=len(found.partners))
        seeded = seeded_text(labels, lang, self.service, found.workspace)
        return (
            partner_table(labels, lang, found.partners),
            f"{count}. {seeded}".strip() if seeded else count,
            plan_text(labels, lang, found.plan_members),
        )

    def run_import(self, path: str | None, ws: str | None, lang: str, request: gr.Request) -> tuple:
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.partners.models import CsvFormatError

        labels, lang, skip = self.labels, normalize_language(lang), gr.skip()
        if not path:
            return (labels.text("partners.import_none", lang), skip, skip, skip)
        try:
            report = self.service.import_csv(self._principal(request), ws, Path(path))
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), skip, skip, skip)
        except CsvFormatError as exc:
            return (f"⚠ {partner_problem(labels, lang, _one_line(exc))}", skip, skip, skip)
        counts = {
            "created": len(report.created),
            "updated": len(report.updated),
            "failed": len(report.errors),
        }
        lines = [labels.text("partners.import_report", lang, imported=report.imported, **counts)]
        lines += [
            "- "
            + labels.text(
                "partners.import_row_error",
                lang,
                row=e.row,
                id=e.id or "—",
                message=row_problem(labels, lang, e.message, e.problems),
            )
            for e in report.errors
        ]
        return ("\n".join(lines), *self.run_refresh(ws, lang, request))

    def run_export(self, ws: str | None, request: gr.Request) -> str | None:
        from assistant.access.workspaces import WorkspaceAccessError

        try:
            return str(self.service.export_file(self._principal(request), ws))
        except WorkspaceAccessError:
            log.warning("partner export refused for workspace %s", ws)
            return None

    # ------------------------------------------------------------ the network

    def run_draw(
        self, n_months: float | None, lead: str, ws: str | None, lang: str, request: gr.Request
    ) -> tuple:
        """The map, the report below it, the state (the report's data) and the MOUs to follow up beside it."""
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.services.partners import lead_ids

        labels, lang, skip = self.labels, normalize_language(lang), gr.skip()
        refused = limit_refusal(self.s, request, lang)
        if refused:
            return (skip, f"⚠ {refused}", skip, skip)
        try:
            principal = self._principal(request)
            report = self.service.network(principal, ws, months=int(n_months or 0), lead=lead_ids(lead))
        except WorkspaceAccessError as exc:
            return (skip, access_message(labels, lang, exc), skip, skip)
        except Exception as exc:
            log.exception("the network report failed")
            return (skip, labels.text("partners.error", lang, error=_one_line(exc)), skip, skip)
        data = report.to_dict()
        data["positions"] = report.positions
        return (
            network_figure(labels, lang, data),
            network_markdown(labels, lang, data),
            data,
            mou_watch_markdown(labels, lang, data),
        )

    def relanguage(self, lang: str, data: dict | None, net: dict | None, chosen: list[str]) -> tuple:
        labels, lang = self.labels, normalize_language(lang)
        cover = cover_markdown(labels, lang, data["cover"], data["result"]["needs"]) if data else ""
        return (
            self.notice(lang, data),
            cards_html(labels, lang, data["result"]) if data else "",
            cover,
            gr.update(choices=self.pick_choices(lang, data), value=chosen or []),
            network_markdown(labels, lang, net) if net else "",
            network_figure(labels, lang, net) if net else gr.skip(),
            mou_watch_markdown(labels, lang, net),
        )

    def switch_workspace(self, ws: str | None, lang: str, request: gr.Request) -> tuple:
        """Another workspace: forget the suggestions and the map of the last one, show its registry."""
        watch = mou_watch_markdown(self.labels, normalize_language(lang), None)
        cleared = ("", "", "", gr.update(choices=[], value=[]), None, None, None, "", watch)
        return (*cleared, *self.run_refresh(ws, lang, request))

    # ------------------------------------------------------------ the partner editor

    @staticmethod
    def _form_updates(partner: Partner | None) -> list[Any]:
        values = form_values(partner)
        updates: list[Any] = [gr.update(value=values[name]) for name in EDIT_FIELDS]
        updates[0] = gr.update(value=values["id"], interactive=partner is None)
        return updates

    def editor_reply(
        self,
        lang: str,
        feedback: dict | None,
        *,
        pick: Any = None,
        fill: bool = False,
        form_for: Partner | None = None,
        confirm: Any = None,
        tables: tuple | None = None,
    ) -> tuple:
        """One reply for every editor output; ``None`` leaves a part as it is, ``fill`` loads the form.

        With ``fill`` the form shows ``form_for`` (None: an empty form for a new partner). The
        outputs: picker, the form, the confirmation box, errors, message, feedback state, then
        table, count and plan.
        """
        skip = gr.skip()
        errors, message = editor_feedback(self.labels, lang, feedback)
        form_part = self._form_updates(form_for) if fill else [skip] * len(EDIT_FIELDS)
        return (
            skip if pick is None else pick,
            *form_part,
            skip if confirm is None else confirm,
            errors,
            message,
            feedback,
            *(tables or (skip, skip, skip)),
        )

    def _refused(self, lang: str, exc: Exception) -> tuple:
        return self.editor_reply(lang, {"kind": "text", "text": access_message(self.labels, lang, exc)})

    def run_pick(self, pid: str | None, ws: str | None, lang: str, request: gr.Request) -> tuple:
        """Fill the form with the chosen partner (or empty it for a new one)."""
        from assistant.access.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        if not pid or pid == NEW_PARTNER:
            return self.editor_reply(lang, None, fill=True, confirm=False)
        try:
            partner = self.service.get(self._principal(request), ws, pid)
        except WorkspaceAccessError as exc:
            return self._refused(lang, exc)
        if partner is None:
            return self.editor_reply(lang, {"kind": "gone", "id": pid}, fill=True, confirm=False)
        return self.editor_reply(lang, None, fill=True, form_for=partner, confirm=False)

    def run_save(
        self,
        pid: str | None,
        pid_field: str,
        name_th: str,
        name_en: str,
        ptype: str | None,
        prov: str,
        district: str,
        lat: str,
        lon: str,
        capabilities: str,
        resources: str,
        partner_needs: str,
        contact_role: str,
        status: str | None,
        mous: str,
        ws: str | None,
        lang: str,
        request: gr.Request,
    ) -> tuple:
        """Validate and save the form: a new partner, or the chosen one; errors are shown by field.

        The parameters are the form's fields in EDIT_FIELDS order (Gradio passes inputs by
        position and gives the request only to a parameter annotated ``gr.Request``).
        """
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.partners.models import PartnerValidationError

        field_values = [
            pid_field, name_th, name_en, ptype, prov, district, lat, lon,
            capabilities, resources, partner_needs, contact_role, status, mous,
        ]  # fmt: skip
        lang = normalize_language(lang)
        values = dict(zip(EDIT_FIELDS, field_values, strict=True))
        existing = None if not pid or pid == NEW_PARTNER else pid
        try:
            saved = self.service.save(self._principal(request), ws, existing, values)
        except WorkspaceAccessError as exc:
            return self._refused(lang, exc)
        except PartnerValidationError as exc:
            return self.editor_reply(lang, {"kind": "errors", "errors": exc.errors})
        partner = saved.partner
        pick = gr.update(choices=editor_choices(self.labels, lang, saved.partners), value=partner.id)
        return self.editor_reply(
            lang,
            {"kind": "created" if saved.created else "saved", "id": partner.id},
            pick=pick,
            fill=True,
            form_for=partner,
            confirm=False,
            tables=self.run_refresh(ws, lang, request),
        )

    def run_remove(
        self, pid: str | None, confirmed: bool, ws: str | None, lang: str, request: gr.Request
    ) -> tuple:
        """Remove the chosen partner (with its links and plan entry) once the box is ticked."""
        from assistant.access.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        if not pid or pid == NEW_PARTNER:
            return self.editor_reply(lang, {"kind": "remove_none"})
        if not confirmed:
            return self.editor_reply(lang, {"kind": "remove_unconfirmed", "id": pid})
        try:
            gone = self.service.remove(self._principal(request), ws, pid)
        except WorkspaceAccessError as exc:
            return self._refused(lang, exc)
        pick = gr.update(choices=editor_choices(self.labels, lang, gone.partners), value=NEW_PARTNER)
        return self.editor_reply(
            lang,
            {"kind": "removed" if gone.removed else "gone", "id": pid},
            pick=pick,
            fill=True,
            confirm=False,
            tables=self.run_refresh(ws, lang, request),
        )

    def refresh_pick(self, pid: str | None, ws: str | None, lang: str, request: gr.Request) -> Any:
        """The picker's choices for the workspace's registry now (the choice stays when still there)."""
        from assistant.access.workspaces import WorkspaceAccessError

        labels, lang = self.labels, normalize_language(lang)
        if not ws and self.s.auth:
            return gr.skip()
        try:
            partners = self.service.overview(self._principal(request), ws).partners
        except WorkspaceAccessError:
            return gr.update(choices=editor_choices(labels, lang, []), value=NEW_PARTNER)
        ids = {p.id for p in partners}
        return gr.update(
            choices=editor_choices(labels, lang, partners), value=pid if pid in ids else NEW_PARTNER
        )

    def reset_editor(self, ws: str | None, lang: str, request: gr.Request) -> tuple:
        """Another workspace: an empty form and that workspace's partners in the picker."""
        lang = normalize_language(lang)
        pick = self.refresh_pick(NEW_PARTNER, ws, lang, request)
        reply = self.editor_reply(lang, None, pick=pick, fill=True, confirm=False)
        return reply[:-3]  # the table, count and plan come from switch_workspace

    def relanguage_editor(
        self, lang: str, pid: str | None, ws: str | None, feedback: dict | None, request: gr.Request
    ) -> tuple:
        """The picker's names and the last outcome in the new language."""
        lang = normalize_language(lang)
        errors, message = editor_feedback(self.labels, lang, feedback)
        return self.refresh_pick(pid, ws, lang, request), errors, message


# ---------------------------------------------------------------- the tab


def build_tab(ctx: TabContext) -> None:
    """The Partners tab: needs form and cards, plan list, registry management and the network map."""
    w = _Widgets()
    tab = ctx.relabel(
        gr.Tab(ctx.t("partners.tab"), id="partners", elem_id="tab-partners"), label="partners.tab"
    )
    with tab:
        ctx.relabel(gr.Markdown(ctx.t("partners.help")), value="partners.help")
        w.workspace = workspace_selector(ctx, elem_id="partners-workspace", scale=0, min_width=260)
        with ctx.relabel(
            gr.Accordion(ctx.t("partners.section_suggest"), open=True), label="partners.section_suggest"
        ):
            _suggest_section(ctx, w)
        with ctx.relabel(
            gr.Accordion(ctx.t("partners.section_registry"), open=False, elem_id="partners-registry"),
            label="partners.section_registry",
        ):
            _registry_section(ctx, w)
            with gr.Group(elem_id="partners-editor"):
                _editor_section(ctx, w)
        with ctx.relabel(
            gr.Accordion(ctx.t("partners.section_network"), open=False), label="partners.section_network"
        ):
            _network_section(ctx, w)
        w.last = gr.State(None)  # {"result": MatchResult.to_dict(), "cover": CoverResult.to_dict()}
        w.edit_feedback = gr.State(None)  # {"kind": "errors", "errors": {...}} | {"kind": "saved", "id": ...}
        w.network_state = gr.State(None)
    _wire(ctx, w, tab, _Handlers(get_labels(), ctx.settings, PartnersService(ctx.settings)))


def _wire(ctx: TabContext, w: _Widgets, tab: Any, h: _Handlers) -> None:
    """Connect the components' events to the handlers."""
    form_components = [w.form[name] for name in EDIT_FIELDS]
    # picker, the form, the confirmation box, errors, message, feedback state, then table, count, plan
    editor_outputs = [
        w.edit_pick,
        *form_components,
        w.confirm_remove,
        w.edit_errors,
        w.edit_status,
        w.edit_feedback,
        w.table,
        w.count_md,
        w.plan_md,
    ]
    ws, lang = w.workspace, ctx.lang
    w.edit_pick.input(h.run_pick, [w.edit_pick, ws, lang], editor_outputs, show_progress="hidden")
    editing = {"show_progress": "minimal", "show_progress_on": w.edit_status}
    w.save_button.click(h.run_save, [w.edit_pick, *form_components, ws, lang], editor_outputs, **editing)
    w.remove_button.click(h.run_remove, [w.edit_pick, w.confirm_remove, ws, lang], editor_outputs, **editing)
    suggest_inputs = [w.needs, w.types, w.province, w.near, w.max_km, w.top, ws, lang]
    suggest_outputs = [w.notice, w.cards, w.cover_md, w.pick, w.last, w.plan_md]
    # one progress overlay per action (on the panel that shows its result), not one on every output
    suggesting = {"show_progress": "minimal", "show_progress_on": w.cards}
    w.suggest_button.click(h.run_suggest, suggest_inputs, suggest_outputs, **suggesting)
    w.needs.submit(h.run_suggest, suggest_inputs, suggest_outputs, **suggesting)
    w.add_plan.click(h.run_add_plan, [w.pick, ws, lang], w.plan_md)
    pick_inputs = [w.edit_pick, ws, lang]
    tables = [w.table, w.count_md, w.plan_md]
    w.refresh_button.click(h.run_refresh, [ws, lang], tables, show_progress_on=w.table).then(
        h.refresh_pick, pick_inputs, w.edit_pick, show_progress="hidden"
    )
    w.import_button.click(
        h.run_import, [w.csv_file, ws, lang], [w.import_md, *tables], show_progress_on=w.import_md
    ).then(h.refresh_pick, pick_inputs, w.edit_pick, show_progress="hidden")
    w.export_button.click(h.run_export, ws, w.export_file)
    w.draw_button.click(
        h.run_draw,
        [w.months, w.lead, ws, lang],
        [w.plot, w.network_md, w.network_state, w.mou_watch],
        show_progress_on=w.plot,
    )
    network = [w.plot, w.network_state, w.network_md, w.mou_watch]
    cleared = [w.notice, w.cards, w.cover_md, w.pick, w.last, *network]
    ws.change(
        h.switch_workspace,
        [ws, lang],
        [*cleared, *tables],
        show_progress="hidden",
    ).then(h.reset_editor, [ws, lang], editor_outputs[:-3], show_progress="hidden")
    lang.change(
        h.relanguage,
        [lang, w.last, w.network_state, w.pick],
        [w.notice, w.cards, w.cover_md, w.pick, w.network_md, w.plot, w.mou_watch],
        queue=False,
    )
    lang.change(
        h.relanguage_editor,
        [lang, w.edit_pick, ws, w.edit_feedback],
        [w.edit_pick, w.edit_errors, w.edit_status],
        show_progress="hidden",
    )
    tab.select(h.run_refresh, [ws, lang], tables, show_progress="hidden").then(
        h.refresh_pick, pick_inputs, w.edit_pick, show_progress="hidden"
    )
