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
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.partners.models import PartnerType
from assistant.services.partners import EDIT_FIELDS, LINE_FIELDS, PartnersService
from assistant.settings import Settings
from assistant.ui.display import code_choices, code_label, file_name, hide_paths, show_date
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.session import (
    access_message,
    limit_refusal,
    principal_from_request,
    workspace_selector,
)

if TYPE_CHECKING:
    import pandas as pd

    from assistant.partners.models import Partner
    from assistant.ui.app import TabContext
    from assistant.workspaces import Principal

log = logging.getLogger(__name__)

TYPES = tuple(t.value for t in PartnerType if t is not PartnerType.OTHER)
"""The type filter's choices: every registry type but ``other`` (partners made from an MOU analysis)."""
TABLE_COLUMNS = ("id", "name", "type", "province", "district", "status", "capabilities", "mous")
NEW_PARTNER = "__new__"
"""The editor picker's value for "a new partner"."""


# ---------------------------------------------------------------- rendering (pure functions)


def seeded_text(labels: Labels, lang: str, service: PartnersService, workspace: str | None = None) -> str:
    """The note that ``workspace``'s registry was filled from the starter corpus (empty when it was not)."""
    seeded = service.seeded(workspace)
    if seeded is None:
        return ""
    count, path = seeded
    return labels.text("partners.seeded", lang, count=count, path=file_name(path))


def cards_html(labels: Labels, lang: str, data: dict | None) -> str:
    """The ranked suggestions (``MatchResult.to_dict()``) as cards with reasons, distance and evidence."""
    from assistant.partners.matching import say

    if not data:
        return ""
    if not data.get("suggestions"):
        return f'<div class="partner-empty">{html.escape(labels.text("partners.no_results", lang))}</div>'
    out = []
    for rank, s in enumerate(data["suggestions"], start=1):
        name = (s["name_en"] or s["name_th"]) if lang == "en" else (s["name_th"] or s["name_en"])
        meta = [
            code_label(labels, lang, "partner_type", s["type"]),
            f"{s['province']} {s['district']}".strip(),
            code_label(labels, lang, "partner_status", s["status"]),
        ]
        if s["distance_km"] is not None:
            meta.append(say("distance", lang, km=s["distance_km"]))
        reasons = []
        for r in s["reasons"]:
            kind = say(f"kind_{r['kind']}", lang)
            sentence = say("reason", lang, need=r["need"], kind=kind, text=r["text"], score=r["score"])
            mark = "✔ " if r["covers"] else ""
            reasons.append(f'<li class="partner-reason">{mark}{html.escape(sentence)}</li>')
        evidence = []
        for m in s["mous"]:
            until = say("until", lang, date=show_date(m["end_date"], lang)) if m.get("end_date") else ""
            evidence.append(html.escape(say("evidence_mou", lang, mou_id=m["id"], until=until)))
        for n, c in enumerate(s["citations"], start=1):
            snippet = " ".join(c["text"].split())[:220]
            evidence.append(
                html.escape(say("citation", lang, n=n, source=c["source"], page=c["page"], text=snippet))
            )
        evidence_html = (
            f'<div class="partner-evidence"><strong>{html.escape(labels.text("partners.evidence", lang))}:'
            f"</strong><ul>{''.join(f'<li>{e}</li>' for e in evidence)}</ul></div>"
            if evidence
            else ""
        )
        out.append(
            f'<div class="partner-card" data-id="{html.escape(s["id"])}">'
            f"<div><strong>{rank}. {html.escape(s['id'])} {html.escape(name)}</strong> · "
            f"{html.escape(labels.text('partners.score', lang))} {s['score']:.2f}</div>"
            f'<div class="partner-meta">{html.escape(" · ".join(m for m in meta if m))}</div>'
            f"<ul>{''.join(reasons)}</ul>{evidence_html}</div>"
        )
    return "".join(out)


def cover_markdown(labels: Labels, lang: str, cover: dict | None, needs: list[str]) -> str:
    """The complementary set as Markdown: each partner and the needs it adds, then what stays open."""
    from assistant.partners.matching import say

    if not cover:
        return ""
    lines = [f"**{labels.text('partners.cover_title', lang)}**", ""]
    for p in cover["partners"]:
        name = (p["name_en"] or p["name_th"]) if lang == "en" else (p["name_th"] or p["name_en"])
        lines.append(
            f"- **{p['id']} {name}** — {labels.text('partners.covers', lang)}: {'; '.join(p['covers'])}"
        )
    if cover["uncovered"]:
        lines += ["", say("cover_uncovered", lang, needs="; ".join(cover["uncovered"]))]
    elif cover["partners"]:
        lines += ["", say("cover_all", lang, count=len(cover["partners"]))]
    return "\n".join(lines)


def plan_text(labels: Labels, lang: str, members: list[str]) -> str:
    """The plan list line."""
    if not members:
        return labels.text("partners.plan_empty", lang)
    return labels.text("partners.plan_list", lang, members=", ".join(members))


def partner_table(labels: Labels, lang: str, partners: list[Partner]) -> pd.DataFrame:
    """The registry as a table with headers in ``lang``."""
    import pandas as pd

    headers = [labels.text(f"partners.col_{c}", lang) for c in TABLE_COLUMNS]
    rows = [
        [
            p.id,
            p.name(lang),
            code_label(labels, lang, "partner_type", p.type),
            p.province,
            p.district,
            code_label(labels, lang, "partner_status", p.status),
            "; ".join(p.capabilities),
            ", ".join(p.mous),
        ]
        for p in partners
    ]
    return pd.DataFrame(rows, columns=headers)


def editor_choices(labels: Labels, lang: str, partners: list[Partner]) -> list[tuple[str, str]]:
    """The editor picker's choices: "new partner", then every partner as ``id · name``."""
    return [(labels.text("partners.edit_new", lang), NEW_PARTNER)] + [
        (f"{p.id} · {p.name(lang)}", p.id) for p in partners
    ]


def form_values(partner: Partner | None) -> dict[str, str | None]:
    """The editor's field values for ``partner`` (None: an empty form for a new partner)."""
    if partner is None:
        return {name: "" for name in EDIT_FIELDS} | {"type": None, "status": "prospective"}
    row = partner.to_row()
    values: dict[str, str | None] = {name: row[name] for name in EDIT_FIELDS}
    for name in LINE_FIELDS:
        values[name] = "\n".join(getattr(partner, name))
    values["mous"] = ", ".join(partner.mous)
    return values


def field_errors_html(labels: Labels, lang: str, errors: dict[str, str]) -> str:
    """Validation problems field by field (fields sharing one message are listed together)."""
    if not errors:
        return ""
    grouped: dict[str, list[str]] = {}
    for name, message in errors.items():
        grouped.setdefault(message, []).append(name)
    items = []
    for message, names in grouped.items():
        shown = ", ".join(labels.text(f"partners.field_{n}", lang) if n in EDIT_FIELDS else n for n in names)
        items.append(
            f'<li data-field="{html.escape(" ".join(names))}"><strong>{html.escape(shown)}</strong>: '
            f"{html.escape(message)}</li>"
        )
    title = html.escape(labels.text("partners.edit_invalid", lang))
    return f'<div class="partner-field-errors"><p>⚠ {title}</p><ul>{"".join(items)}</ul></div>'


def editor_feedback(labels: Labels, lang: str, feedback: dict | None) -> tuple[str, str]:
    """The editor's last outcome as ``(field errors HTML, status Markdown)`` in ``lang``."""
    if not feedback:
        return "", ""
    kind = feedback.get("kind")
    if kind == "errors":
        return field_errors_html(labels, lang, feedback["errors"]), ""
    if kind == "text":
        return "", feedback["text"]
    return "", labels.text(f"partners.edit_{kind}", lang, id=feedback.get("id", ""))


def network_markdown(labels: Labels, lang: str, report: dict) -> str:
    """The network report (``NetworkReport.to_dict()``) as Markdown."""
    names = {
        m["id"]: ((m["name_en"] or m["name_th"]) if lang == "en" else (m["name_th"] or m["name_en"]))
        for m in report["members"]
    }
    none = labels.text("partners.none", lang)
    lines = [f"**{labels.text('partners.connectors', lang)}**"]
    central = [m for m in report["members"] if m["betweenness"] > 0][:8]
    lines += [
        f"- {m['id']} {names[m['id']]} — "
        + labels.text("partners.centrality", lang, degree=m["degree"], betweenness=f"{m['betweenness']:.3f}")
        for m in central
    ] or [f"- {none}"]
    lines += ["", f"**{labels.text('partners.isolated', lang, count=len(report['isolated']))}**"]
    lines.append(", ".join(f"{i} {names.get(i, '')}" for i in report["isolated"]) or none)
    lines += ["", f"**{labels.text('partners.expiring', lang, months=report['months'])}**"]
    for e in report["expiring"]:
        left = labels.text("partners.days_left", lang, days=e["days_left"])
        ended = show_date(e["end_date"], lang)
        lines.append(f"- {e['mou_id']} · {ended} ({left}) · {', '.join(e['members'])}")
    if not report["expiring"]:
        lines.append(f"- {none}")
    if report["expired"]:
        lines += ["", f"**{labels.text('partners.expired', lang)}**"]
        lines += [
            f"- {e['mou_id']} · {show_date(e['end_date'], lang)} · {', '.join(e['members'])}"
            for e in report["expired"]
        ]
    lines += ["", f"**{labels.text('partners.uncovered', lang, count=len(report['uncovered_needs']))}**"]
    lines += [
        f"- {n['partner_id']} {names.get(n['partner_id'], '')}: {n['need']}"
        for n in report["uncovered_needs"]
    ]
    return "\n".join(lines)


def legend_in_words(labels: Labels, lang: str, figure: Any) -> Any:
    """The network figure with partner types in words in its legend, and no legend entry for the lines."""
    for trace in figure.data:
        if not trace.name:  # the MOU lines: plotly would call them "trace 0"
            trace.showlegend = False
        else:
            trace.name = code_label(labels, lang, "partner_type", trace.name)
    return figure


def _name(item: dict, lang: str) -> str:
    """A name from a dict with ``name_th`` / ``name_en``, in ``lang`` with a fallback."""
    return (item["name_en"] or item["name_th"]) if lang == "en" else (item["name_th"] or item["name_en"])


def code_dropdown(ctx: TabContext, field: str, kind: str, codes: list[Any], value: str | None) -> gr.Dropdown:
    """An editor dropdown of codes shown in words (``partners-edit-<field>``); it follows the language."""
    labels = ctx.labels
    return ctx.relabel(
        gr.Dropdown(
            code_choices(labels, "th", kind, codes),
            value=value,
            label=ctx.t(f"partners.field_{field}"),
            elem_id=f"partners-edit-{field}",
        ),
        label=f"partners.field_{field}",
        choices=lambda code: code_choices(labels, code, kind, codes),
    )


def _partner_types() -> list[Any]:
    """Every partner type (the editor's choices), ``other`` included."""
    from assistant.partners.models import PartnerType

    return list(PartnerType)


def _partner_statuses() -> list[Any]:
    """Every partner status (the editor's choices)."""
    from assistant.partners.models import PartnerStatus

    return list(PartnerStatus)


def _one_line(exc: BaseException) -> str:
    text = hide_paths(str(exc).strip().splitlines()[0]) if str(exc).strip() else ""
    return text[:300] or type(exc).__name__


# ---------------------------------------------------------------- the layout


class _Widgets:
    """The tab's components, set by the section builders (one attribute per component)."""

    form: dict[str, Any]


def _suggest_section(ctx: TabContext, w: _Widgets) -> None:
    """Needs, filters, the cards, the complementary set and the plan list."""
    labels = ctx.labels
    w.needs = ctx.relabel(
        gr.Textbox(
            label=ctx.t("partners.needs"),
            placeholder=ctx.t("partners.needs_placeholder"),
            lines=3,
            max_lines=10,
            elem_id="partners-needs",
        ),
        label="partners.needs",
        placeholder="partners.needs_placeholder",
    )
    with gr.Row():
        w.types = ctx.relabel(
            gr.CheckboxGroup(
                code_choices(labels, "th", "partner_type", TYPES),
                value=[],
                label=ctx.t("partners.types"),
                elem_id="partners-types",
            ),
            label="partners.types",
            choices=lambda code: code_choices(labels, code, "partner_type", TYPES),
        )
    with gr.Row(equal_height=True):
        w.province = ctx.relabel(
            gr.Textbox(label=ctx.t("partners.province"), elem_id="partners-province", scale=2),
            label="partners.province",
        )
        w.near = ctx.relabel(
            gr.Textbox(
                label=ctx.t("partners.near"),
                placeholder=ctx.t("partners.near_placeholder"),
                elem_id="partners-near",
                scale=2,
            ),
            label="partners.near",
            placeholder="partners.near_placeholder",
        )
        w.max_km = ctx.relabel(
            gr.Number(value=0, minimum=0, label=ctx.t("partners.max_km"), elem_id="partners-max-km", scale=1),
            label="partners.max_km",
        )
        w.top = ctx.relabel(
            gr.Slider(1, 20, value=5, step=1, label=ctx.t("partners.top"), elem_id="partners-top", scale=1),
            label="partners.top",
        )
    w.suggest_button = ctx.relabel(
        gr.Button(ctx.t("partners.suggest"), variant="primary", elem_id="partners-suggest"),
        value="partners.suggest",
    )
    w.notice = gr.Markdown("", elem_id="partners-notice")
    w.cards = gr.HTML("", elem_id="partners-results")
    w.cover_md = gr.Markdown("", elem_id="partners-cover")
    with gr.Row(equal_height=True):
        w.pick = ctx.relabel(
            gr.CheckboxGroup(
                [], value=[], label=ctx.t("partners.plan_pick"), elem_id="partners-pick", scale=4
            ),
            label="partners.plan_pick",
        )
        w.add_plan = ctx.relabel(
            gr.Button(ctx.t("partners.plan_add"), elem_id="partners-add-plan", scale=1),
            value="partners.plan_add",
        )
    w.plan_md = gr.Markdown("", elem_id="partners-plan")


def _registry_section(ctx: TabContext, w: _Widgets) -> None:
    """CSV import and export, the count and the table (the editor follows)."""
    with gr.Row(equal_height=True):
        w.csv_file = ctx.relabel(
            gr.File(
                label=ctx.t("partners.csv_file"),
                file_types=[".csv"],
                type="filepath",
                elem_id="partners-csv",
                height=120,
                scale=3,
            ),
            label="partners.csv_file",
        )
        with gr.Column(scale=1):
            w.import_button = ctx.relabel(
                gr.Button(ctx.t("partners.import"), elem_id="partners-import"), value="partners.import"
            )
            w.export_button = ctx.relabel(
                gr.Button(ctx.t("partners.export"), elem_id="partners-export"), value="partners.export"
            )
            w.refresh_button = ctx.relabel(
                gr.Button(ctx.t("partners.refresh"), elem_id="partners-refresh"), value="partners.refresh"
            )
    w.import_md = gr.Markdown("", elem_id="partners-import-report")
    w.export_file = ctx.relabel(
        gr.File(label=ctx.t("partners.export_file"), interactive=False, elem_id="partners-export-file"),
        label="partners.export_file",
    )
    w.count_md = gr.Markdown("", elem_id="partners-count")
    w.table = ctx.relabel(
        gr.Dataframe(
            partner_table(ctx.labels, "th", []),
            label=ctx.t("partners.table"),
            interactive=False,
            wrap=True,
            max_height=480,
            elem_id="partners-table",
        ),
        label="partners.table",
    )


def _editor_section(ctx: TabContext, w: _Widgets) -> None:
    """The partner editor: the picker, a field per CSV column, Save and Remove."""
    labels = ctx.labels
    ctx.relabel(
        gr.Markdown(f"#### {ctx.t('partners.section_edit')}"),
        value=lambda code: f"#### {labels.text('partners.section_edit', code)}",
    )
    w.edit_pick = ctx.relabel(
        gr.Dropdown(
            editor_choices(labels, "th", []),
            value=NEW_PARTNER,
            label=ctx.t("partners.edit_pick"),
            interactive=True,
            elem_id="partners-edit-pick",
        ),
        label="partners.edit_pick",
    )
    form: dict[str, Any] = {}

    def field_box(name: str, *, info: str | None = None, **options: Any) -> None:
        extra = {"info": ctx.t(info)} if info else {}
        form[name] = ctx.relabel(
            gr.Textbox(
                label=ctx.t(f"partners.field_{name}"), elem_id=f"partners-edit-{name}", **extra, **options
            ),
            label=f"partners.field_{name}",
            **({"info": info} if info else {}),
        )

    with gr.Row(equal_height=True):
        field_box("id", info="partners.id_info", scale=1)
        field_box("name_th", scale=2)
        field_box("name_en", scale=2)
    with gr.Row(equal_height=True):
        form["type"] = code_dropdown(ctx, "type", "partner_type", _partner_types(), None)
        form["status"] = code_dropdown(ctx, "status", "partner_status", _partner_statuses(), "prospective")
        field_box("contact_role", scale=2)
    with gr.Row(equal_height=True):
        field_box("province")
        field_box("district")
        field_box("lat", placeholder="12.1092")
        field_box("lon", placeholder="102.2796")
    with gr.Row(equal_height=True):
        for name in LINE_FIELDS:
            field_box(name, info="partners.one_per_line", lines=4, max_lines=12)
    field_box("mous", info="partners.mous_info")
    w.form = form
    with gr.Row(equal_height=True):
        w.save_button = ctx.relabel(
            gr.Button(ctx.t("partners.save"), variant="primary", elem_id="partners-edit-save"),
            value="partners.save",
        )
        w.confirm_remove = ctx.relabel(
            gr.Checkbox(value=False, label=ctx.t("partners.remove_confirm"), elem_id="partners-edit-confirm"),
            label="partners.remove_confirm",
        )
        w.remove_button = ctx.relabel(
            gr.Button(ctx.t("partners.remove"), variant="stop", elem_id="partners-edit-remove"),
            value="partners.remove",
        )
    w.edit_errors = gr.HTML("", elem_id="partners-edit-errors")
    w.edit_status = gr.Markdown("", elem_id="partners-edit-message")


def _network_section(ctx: TabContext, w: _Widgets) -> None:
    """The months and lead boxes, the map and the report."""
    with gr.Row(equal_height=True):
        w.months = ctx.relabel(
            gr.Number(
                value=12, minimum=0, precision=0, label=ctx.t("partners.months"), elem_id="partners-months"
            ),
            label="partners.months",
        )
        w.lead = ctx.relabel(
            gr.Textbox(label=ctx.t("partners.lead"), elem_id="partners-lead"), label="partners.lead"
        )
        w.draw_button = ctx.relabel(
            gr.Button(ctx.t("partners.draw"), elem_id="partners-draw"), value="partners.draw"
        )
    w.plot = ctx.relabel(
        gr.Plot(label=ctx.t("partners.network_plot"), elem_id="partners-plot"), label="partners.network_plot"
    )
    w.network_md = gr.Markdown("", elem_id="partners-network-report")


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
        from assistant.services.partners import SuggestRequest
        from assistant.workspaces import WorkspaceAccessError

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
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        try:
            members = self.service.add_to_plan(self._principal(request), ws, list(chosen or []))
        except WorkspaceAccessError as exc:
            return access_message(self.labels, lang, exc)
        return plan_text(self.labels, lang, members)

    # ------------------------------------------------------------ the registry

    def run_refresh(self, ws: str | None, lang: str, request: gr.Request) -> tuple:
        from assistant.workspaces import WorkspaceAccessError

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
        from assistant.partners.models import CsvFormatError
        from assistant.workspaces import WorkspaceAccessError

        labels, lang, skip = self.labels, normalize_language(lang), gr.skip()
        if not path:
            return (labels.text("partners.import_none", lang), skip, skip, skip)
        try:
            report = self.service.import_csv(self._principal(request), ws, Path(path))
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), skip, skip, skip)
        except CsvFormatError as exc:
            return (f"⚠ {_one_line(exc)}", skip, skip, skip)
        counts = {
            "created": len(report.created),
            "updated": len(report.updated),
            "failed": len(report.errors),
        }
        lines = [labels.text("partners.import_report", lang, imported=report.imported, **counts)]
        lines += [
            "- "
            + labels.text("partners.import_row_error", lang, row=e.row, id=e.id or "—", message=e.message)
            for e in report.errors
        ]
        return ("\n".join(lines), *self.run_refresh(ws, lang, request))

    def run_export(self, ws: str | None, request: gr.Request) -> str | None:
        from assistant.workspaces import WorkspaceAccessError

        try:
            return str(self.service.export_file(self._principal(request), ws))
        except WorkspaceAccessError:
            log.warning("partner export refused for workspace %s", ws)
            return None

    # ------------------------------------------------------------ the network

    def run_draw(
        self, n_months: float | None, lead: str, ws: str | None, lang: str, request: gr.Request
    ) -> tuple:
        from assistant.partners.network import plotly_figure
        from assistant.services.partners import lead_ids
        from assistant.workspaces import WorkspaceAccessError

        labels, lang = self.labels, normalize_language(lang)
        refused = limit_refusal(self.s, request, lang)
        if refused:
            return (gr.skip(), f"⚠ {refused}", gr.skip())
        try:
            principal = self._principal(request)
            report = self.service.network(principal, ws, months=int(n_months or 0), lead=lead_ids(lead))
        except WorkspaceAccessError as exc:
            return (gr.skip(), access_message(labels, lang, exc), gr.skip())
        except Exception as exc:
            log.exception("the network report failed")
            return (gr.skip(), labels.text("partners.error", lang, error=_one_line(exc)), gr.skip())
        data = report.to_dict()
        data["positions"] = report.positions
        figure = legend_in_words(labels, lang, plotly_figure(report, lang))
        return (figure, network_markdown(labels, lang, data), data)

    def relanguage(self, lang: str, data: dict | None, net: dict | None, chosen: list[str]) -> tuple:
        labels, lang = self.labels, normalize_language(lang)
        cover = cover_markdown(labels, lang, data["cover"], data["result"]["needs"]) if data else ""
        return (
            self.notice(lang, data),
            cards_html(labels, lang, data["result"]) if data else "",
            cover,
            gr.update(choices=self.pick_choices(lang, data), value=chosen or []),
            network_markdown(labels, lang, net) if net else "",
        )

    def switch_workspace(self, ws: str | None, lang: str, request: gr.Request) -> tuple:
        """Another workspace: forget the suggestions and the map of the last one, show its registry."""
        cleared = ("", "", "", gr.update(choices=[], value=[]), None, None, None, "")
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
        from assistant.workspaces import WorkspaceAccessError

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
        from assistant.partners.models import PartnerValidationError
        from assistant.workspaces import WorkspaceAccessError

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
        from assistant.workspaces import WorkspaceAccessError

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
        from assistant.workspaces import WorkspaceAccessError

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
    w.save_button.click(
        h.run_save, [w.edit_pick, *form_components, ws, lang], editor_outputs, show_progress="minimal"
    )
    w.remove_button.click(
        h.run_remove, [w.edit_pick, w.confirm_remove, ws, lang], editor_outputs, show_progress="minimal"
    )
    suggest_inputs = [w.needs, w.types, w.province, w.near, w.max_km, w.top, ws, lang]
    suggest_outputs = [w.notice, w.cards, w.cover_md, w.pick, w.last, w.plan_md]
    w.suggest_button.click(h.run_suggest, suggest_inputs, suggest_outputs, show_progress="minimal")
    w.needs.submit(h.run_suggest, suggest_inputs, suggest_outputs, show_progress="minimal")
    w.add_plan.click(h.run_add_plan, [w.pick, ws, lang], w.plan_md)
    pick_inputs = [w.edit_pick, ws, lang]
    tables = [w.table, w.count_md, w.plan_md]
    w.refresh_button.click(h.run_refresh, [ws, lang], tables).then(
        h.refresh_pick, pick_inputs, w.edit_pick, show_progress="hidden"
    )
    w.import_button.click(h.run_import, [w.csv_file, ws, lang], [w.import_md, *tables]).then(
        h.refresh_pick, pick_inputs, w.edit_pick, show_progress="hidden"
    )
    w.export_button.click(h.run_export, ws, w.export_file)
    w.draw_button.click(h.run_draw, [w.months, w.lead, ws, lang], [w.plot, w.network_md, w.network_state])
    ws.change(
        h.switch_workspace,
        [ws, lang],
        [w.notice, w.cards, w.cover_md, w.pick, w.last, w.plot, w.network_state, w.network_md, *tables],
        show_progress="hidden",
    ).then(h.reset_editor, [ws, lang], editor_outputs[:-3], show_progress="hidden")
    lang.change(
        h.relanguage,
        [lang, w.last, w.network_state, w.pick],
        [w.notice, w.cards, w.cover_md, w.pick, w.network_md],
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
