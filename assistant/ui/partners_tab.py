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
import re
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.partners.registry import CSV_FIELDS, PartnerType
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

    from assistant.partners.registry import Partner, Registry
    from assistant.ui.app import TabContext
    from assistant.workspaces import Principal

log = logging.getLogger(__name__)

TYPES = tuple(t.value for t in PartnerType if t is not PartnerType.OTHER)
"""The type filter's choices: every registry type but ``other`` (partners made from an MOU analysis)."""
TABLE_COLUMNS = ("id", "name", "type", "province", "district", "status", "capabilities", "mous")
EDIT_FIELDS = CSV_FIELDS
"""The editor's fields, in the form's order: the CSV schema's columns (``partners.field_<name>`` labels)."""
LINE_FIELDS = ("capabilities", "resources", "needs")
"""Fields edited one item per line."""
NEW_PARTNER = "__new__"
"""The editor picker's value for "a new partner"."""


class PartnersService:
    """Each workspace's registry (opened once, on first use), the embedder and the MOU citer (thread-safe).

    Every call with a ``principal`` checks access first, so a membership change takes effect
    at once even for a registry already open.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._registries: dict[str, Registry] = {}
        self._seeded: dict[str, tuple[int, str]] = {}  # workspace → (count, csv path) when seeded here

    def registry(self, workspace: str | None, principal: Principal) -> Registry:
        """``workspace``'s registry (default: the settings' one), seeded from the starter corpus when empty.

        Raises WorkspaceAccessError when ``principal`` may not use the workspace.
        """
        from assistant.partners.registry import Registry
        from assistant.workspaces import require_access

        s = self.settings
        ws = require_access(principal, workspace or s.workspace, settings=s)
        with self._lock:
            registry = self._registries.get(ws)
            if registry is None:
                registry = Registry.for_workspace(s, ws, principal=principal)
                report = registry.seed_if_empty(s.corpus_dir)
                if report is not None:
                    self._seeded[ws] = (report.imported, str(Path(s.corpus_dir) / "partners.csv"))
                self._registries[ws] = registry
            return registry

    def seeded(self, workspace: str | None = None) -> tuple[int, str] | None:
        """(count, csv path) when this process filled ``workspace``'s registry from the starter corpus."""
        return self._seeded.get(workspace or self.settings.workspace)

    def embedder(self) -> Any:
        """The shared embedding model."""
        from assistant.runtime import get_embedder

        return get_embedder(self.settings)

    def citer(self, workspace: str | None, principal: Principal) -> Any:
        """``cite(mou_id, query)`` over ``workspace``'s indexed MOUs, or None when nothing is indexed.

        Raises WorkspaceAccessError when ``principal`` may not use the workspace.
        """
        from assistant.workspaces import require_access

        ws = require_access(principal, workspace or self.settings.workspace, settings=self.settings)
        try:
            from assistant.partners.matching import mou_citer
            from assistant.runtime import get_store

            store = get_store(self.settings)
            if not store.documents(ws):
                return None
            return mou_citer(store, ws)
        except Exception:
            log.exception("MOU citations are unavailable")
            return None


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


def form_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the registry's fields: one item per line, MOU ids split on commas or spaces."""
    fields: dict[str, Any] = {}
    for name in EDIT_FIELDS:
        value = values.get(name)
        text = "" if value is None else str(value)
        if name in LINE_FIELDS:
            fields[name] = [line.strip() for line in text.splitlines() if line.strip()]
        elif name == "mous":
            fields[name] = [m for m in re.split(r"[,;\s]+", text) if m]
        else:
            fields[name] = text.strip()
    return fields


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
    from assistant.partners.registry import PartnerType

    return list(PartnerType)


def _partner_statuses() -> list[Any]:
    """Every partner status (the editor's choices)."""
    from assistant.partners.registry import PartnerStatus

    return list(PartnerStatus)


def _one_line(exc: BaseException) -> str:
    text = hide_paths(str(exc).strip().splitlines()[0]) if str(exc).strip() else ""
    return text[:300] or type(exc).__name__


# ---------------------------------------------------------------- the tab


def build_tab(ctx: TabContext) -> None:
    """The Partners tab: needs form and cards, plan list, registry management and the network map."""
    labels = get_labels()
    s = ctx.settings
    service = PartnersService(s)

    tab = ctx.relabel(
        gr.Tab(ctx.t("partners.tab"), id="partners", elem_id="tab-partners"), label="partners.tab"
    )
    with tab:
        ctx.relabel(gr.Markdown(ctx.t("partners.help")), value="partners.help")
        workspace = workspace_selector(ctx, elem_id="partners-workspace", scale=0, min_width=260)
        with ctx.relabel(
            gr.Accordion(ctx.t("partners.section_suggest"), open=True), label="partners.section_suggest"
        ):
            needs = ctx.relabel(
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
                types = ctx.relabel(
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
                province = ctx.relabel(
                    gr.Textbox(label=ctx.t("partners.province"), elem_id="partners-province", scale=2),
                    label="partners.province",
                )
                near = ctx.relabel(
                    gr.Textbox(
                        label=ctx.t("partners.near"),
                        placeholder=ctx.t("partners.near_placeholder"),
                        elem_id="partners-near",
                        scale=2,
                    ),
                    label="partners.near",
                    placeholder="partners.near_placeholder",
                )
                max_km = ctx.relabel(
                    gr.Number(
                        value=0, minimum=0, label=ctx.t("partners.max_km"), elem_id="partners-max-km", scale=1
                    ),
                    label="partners.max_km",
                )
                top = ctx.relabel(
                    gr.Slider(
                        1, 20, value=5, step=1, label=ctx.t("partners.top"), elem_id="partners-top", scale=1
                    ),
                    label="partners.top",
                )
            suggest_button = ctx.relabel(
                gr.Button(ctx.t("partners.suggest"), variant="primary", elem_id="partners-suggest"),
                value="partners.suggest",
            )
            notice = gr.Markdown("", elem_id="partners-notice")
            cards = gr.HTML("", elem_id="partners-results")
            cover_md = gr.Markdown("", elem_id="partners-cover")
            with gr.Row(equal_height=True):
                pick = ctx.relabel(
                    gr.CheckboxGroup(
                        [], value=[], label=ctx.t("partners.plan_pick"), elem_id="partners-pick", scale=4
                    ),
                    label="partners.plan_pick",
                )
                add_plan = ctx.relabel(
                    gr.Button(ctx.t("partners.plan_add"), elem_id="partners-add-plan", scale=1),
                    value="partners.plan_add",
                )
            plan_md = gr.Markdown("", elem_id="partners-plan")
        with ctx.relabel(
            gr.Accordion(ctx.t("partners.section_registry"), open=False, elem_id="partners-registry"),
            label="partners.section_registry",
        ):
            with gr.Row(equal_height=True):
                csv_file = ctx.relabel(
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
                    import_button = ctx.relabel(
                        gr.Button(ctx.t("partners.import"), elem_id="partners-import"),
                        value="partners.import",
                    )
                    export_button = ctx.relabel(
                        gr.Button(ctx.t("partners.export"), elem_id="partners-export"),
                        value="partners.export",
                    )
                    refresh_button = ctx.relabel(
                        gr.Button(ctx.t("partners.refresh"), elem_id="partners-refresh"),
                        value="partners.refresh",
                    )
            import_md = gr.Markdown("", elem_id="partners-import-report")
            export_file = ctx.relabel(
                gr.File(
                    label=ctx.t("partners.export_file"), interactive=False, elem_id="partners-export-file"
                ),
                label="partners.export_file",
            )
            count_md = gr.Markdown("", elem_id="partners-count")
            table = ctx.relabel(
                gr.Dataframe(
                    partner_table(labels, "th", []),
                    label=ctx.t("partners.table"),
                    interactive=False,
                    wrap=True,
                    max_height=480,
                    elem_id="partners-table",
                ),
                label="partners.table",
            )
            with gr.Group(elem_id="partners-editor"):
                ctx.relabel(
                    gr.Markdown(f"#### {ctx.t('partners.section_edit')}"),
                    value=lambda code: f"#### {labels.text('partners.section_edit', code)}",
                )
                edit_pick = ctx.relabel(
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

                def field_box(name: str, **options: Any) -> None:
                    form[name] = ctx.relabel(
                        gr.Textbox(
                            label=ctx.t(f"partners.field_{name}"), elem_id=f"partners-edit-{name}", **options
                        ),
                        label=f"partners.field_{name}",
                    )

                with gr.Row(equal_height=True):
                    form["id"] = ctx.relabel(
                        gr.Textbox(
                            label=ctx.t("partners.field_id"),
                            info=ctx.t("partners.id_info"),
                            elem_id="partners-edit-id",
                            scale=1,
                        ),
                        label="partners.field_id",
                        info="partners.id_info",
                    )
                    field_box("name_th", scale=2)
                    field_box("name_en", scale=2)
                with gr.Row(equal_height=True):
                    form["type"] = code_dropdown(ctx, "type", "partner_type", _partner_types(), None)
                    statuses = _partner_statuses()
                    form["status"] = code_dropdown(ctx, "status", "partner_status", statuses, "prospective")
                    field_box("contact_role", scale=2)
                with gr.Row(equal_height=True):
                    field_box("province")
                    field_box("district")
                    field_box("lat", placeholder="12.1092")
                    field_box("lon", placeholder="102.2796")
                with gr.Row(equal_height=True):
                    for name in LINE_FIELDS:
                        form[name] = ctx.relabel(
                            gr.Textbox(
                                label=ctx.t(f"partners.field_{name}"),
                                info=ctx.t("partners.one_per_line"),
                                lines=4,
                                max_lines=12,
                                elem_id=f"partners-edit-{name}",
                            ),
                            label=f"partners.field_{name}",
                            info="partners.one_per_line",
                        )
                form["mous"] = ctx.relabel(
                    gr.Textbox(
                        label=ctx.t("partners.field_mous"),
                        info=ctx.t("partners.mous_info"),
                        elem_id="partners-edit-mous",
                    ),
                    label="partners.field_mous",
                    info="partners.mous_info",
                )
                with gr.Row(equal_height=True):
                    save_button = ctx.relabel(
                        gr.Button(ctx.t("partners.save"), variant="primary", elem_id="partners-edit-save"),
                        value="partners.save",
                    )
                    confirm_remove = ctx.relabel(
                        gr.Checkbox(
                            value=False,
                            label=ctx.t("partners.remove_confirm"),
                            elem_id="partners-edit-confirm",
                        ),
                        label="partners.remove_confirm",
                    )
                    remove_button = ctx.relabel(
                        gr.Button(ctx.t("partners.remove"), variant="stop", elem_id="partners-edit-remove"),
                        value="partners.remove",
                    )
                edit_errors = gr.HTML("", elem_id="partners-edit-errors")
                edit_status = gr.Markdown("", elem_id="partners-edit-message")
        with ctx.relabel(
            gr.Accordion(ctx.t("partners.section_network"), open=False), label="partners.section_network"
        ):
            with gr.Row(equal_height=True):
                months = ctx.relabel(
                    gr.Number(
                        value=12,
                        minimum=0,
                        precision=0,
                        label=ctx.t("partners.months"),
                        elem_id="partners-months",
                    ),
                    label="partners.months",
                )
                lead = ctx.relabel(
                    gr.Textbox(label=ctx.t("partners.lead"), elem_id="partners-lead"), label="partners.lead"
                )
                draw_button = ctx.relabel(
                    gr.Button(ctx.t("partners.draw"), elem_id="partners-draw"), value="partners.draw"
                )
            plot = ctx.relabel(
                gr.Plot(label=ctx.t("partners.network_plot"), elem_id="partners-plot"),
                label="partners.network_plot",
            )
            network_md = gr.Markdown("", elem_id="partners-network-report")
        last = gr.State(None)  # {"result": MatchResult.to_dict(), "cover": CoverResult.to_dict()}
        edit_feedback = gr.State(None)  # {"kind": "errors", "errors": {...}} | {"kind": "saved", "id": ...}
        network_state = gr.State(None)

    # ------------------------------------------------------------ handlers

    def run_suggest(
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
        from assistant.partners.cover import complementary_set
        from assistant.partners.matching import MatchFilters, PartnerType, match, parse_near, say
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        ws = ws or s.workspace
        try:
            location = parse_near(where) if (where or "").strip() else None
            filters = MatchFilters(
                types=tuple(PartnerType.parse(t) for t in type_values or ()),
                provinces=tuple(p.strip() for p in (prov or "").split(",") if p.strip()),
                near=location,
                max_km=float(km) if km and location is not None else None,
            )
            if not (text or "").strip():
                raise ValueError(say("empty_needs", lang))
            refused = limit_refusal(s, request, lang)
            if refused:
                return (f"⚠ {refused}", "", "", gr.update(choices=[], value=[]), None, gr.skip())
            principal = principal_from_request(request, s)
            registry = service.registry(ws, principal)
            cite = service.citer(ws, principal)
            result = match(text, registry, service.embedder(), filters, top=int(k or 5), cite=cite)
        except WorkspaceAccessError as exc:
            skip = gr.skip()
            refused = f"⚠ {access_message(labels, lang, exc)}"
            return (refused, "", "", gr.update(choices=[], value=[]), None, skip)
        except ValueError as exc:
            skip = gr.skip()
            return (f"⚠ {_one_line(exc)}", "", "", gr.update(choices=[], value=[]), None, skip)
        except Exception as exc:
            log.exception("partner matching failed")
            skip = gr.skip()
            message = labels.text("partners.error", lang, error=_one_line(exc))
            return (message, "", "", gr.update(choices=[], value=[]), None, skip)
        data = {"result": result.to_dict(), "cover": complementary_set(result).to_dict(), "workspace": ws}
        return (
            _notice(lang, data),
            cards_html(labels, lang, data["result"]),
            cover_markdown(labels, lang, data["cover"], result.needs),
            gr.update(choices=_pick_choices(lang, data), value=[]),
            data,
            plan_text(labels, lang, registry.plan_members()),
        )

    def _notice(lang: str, data: dict | None) -> str:
        from assistant.partners.matching import say

        if not data:
            return ""
        parts = [labels.text("partners.needs_found", lang, needs=" | ".join(data["result"]["needs"]))]
        if data["result"]["excluded_no_coords"]:
            parts.append(say("excluded_no_coords", lang, count=len(data["result"]["excluded_no_coords"])))
        seeded = seeded_text(labels, lang, service, data.get("workspace"))
        if seeded:
            parts.append(seeded)
        return "\n\n".join(parts)

    def _pick_choices(lang: str, data: dict | None) -> list[tuple[str, str]]:
        if not data:
            return []
        return [
            (
                f"{s['id']} {_name(s, lang)}",
                s["id"],
            )
            for s in data["result"]["suggestions"]
        ]

    def run_add_plan(chosen: list[str], ws: str | None, lang: str, request: gr.Request) -> str:
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        try:
            registry = service.registry(ws or s.workspace, principal_from_request(request, s))
        except WorkspaceAccessError as exc:
            return access_message(labels, lang, exc)
        members = registry.add_to_plan(list(chosen or []))
        return plan_text(labels, lang, members)

    def run_refresh(ws: str | None, lang: str, request: gr.Request) -> tuple:
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        if not ws and s.auth:  # the selector is not filled yet: its change event refreshes
            return (gr.skip(),) * 3
        ws = ws or s.workspace
        try:
            registry = service.registry(ws, principal_from_request(request, s))
        except WorkspaceAccessError as exc:
            return (partner_table(labels, lang, []), access_message(labels, lang, exc), "")
        partners = registry.all()
        count = labels.text("partners.count", lang, count=len(partners))
        seeded = seeded_text(labels, lang, service, ws)
        return (
            partner_table(labels, lang, partners),
            f"{count}. {seeded}".strip() if seeded else count,
            plan_text(labels, lang, registry.plan_members()),
        )

    def run_import(path: str | None, ws: str | None, lang: str, request: gr.Request) -> tuple:
        from assistant.partners.registry import CsvFormatError
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        if not path:
            return (labels.text("partners.import_none", lang), gr.skip(), gr.skip(), gr.skip())
        ws = ws or s.workspace
        try:
            registry = service.registry(ws, principal_from_request(request, s))
            report = registry.import_csv(Path(path))
        except WorkspaceAccessError as exc:
            return (access_message(labels, lang, exc), gr.skip(), gr.skip(), gr.skip())
        except CsvFormatError as exc:
            return (f"⚠ {_one_line(exc)}", gr.skip(), gr.skip(), gr.skip())
        lines = [
            labels.text(
                "partners.import_report",
                lang,
                imported=report.imported,
                created=len(report.created),
                updated=len(report.updated),
                failed=len(report.errors),
            )
        ]
        lines += [
            "- "
            + labels.text("partners.import_row_error", lang, row=e.row, id=e.id or "—", message=e.message)
            for e in report.errors
        ]
        table_value, count, plan = run_refresh(ws, lang, request)
        return ("\n".join(lines), table_value, count, plan)

    def run_export(ws: str | None, request: gr.Request) -> str | None:
        from assistant.workspaces import WorkspaceAccessError

        try:
            registry = service.registry(ws or s.workspace, principal_from_request(request, s))
        except WorkspaceAccessError:
            log.warning("partner export refused for workspace %s", ws)
            return None
        path = Path(tempfile.mkdtemp(prefix="edunet-partners-")) / "partners.csv"
        registry.export_csv(path)
        return str(path)

    def run_draw(
        n_months: float | None, lead_ids: str, ws: str | None, lang: str, request: gr.Request
    ) -> tuple:
        from assistant.partners.network import network_report, plotly_figure
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        refused = limit_refusal(s, request, lang)
        if refused:
            return (gr.skip(), f"⚠ {refused}", gr.skip())
        try:
            report = network_report(
                service.registry(ws or s.workspace, principal_from_request(request, s)),
                service.embedder(),
                months=int(n_months or 0),
                lead=tuple(x.strip() for x in (lead_ids or "").split(",") if x.strip()),
            )
        except WorkspaceAccessError as exc:
            return (gr.skip(), access_message(labels, lang, exc), gr.skip())
        except Exception as exc:
            log.exception("the network report failed")
            return (gr.skip(), labels.text("partners.error", lang, error=_one_line(exc)), gr.skip())
        data = report.to_dict()
        data["positions"] = report.positions
        figure = legend_in_words(labels, lang, plotly_figure(report, lang))
        return (figure, network_markdown(labels, lang, data), data)

    def relanguage(lang: str, data: dict | None, net: dict | None, chosen: list[str]) -> tuple:
        lang = normalize_language(lang)
        cover = cover_markdown(labels, lang, data["cover"], data["result"]["needs"]) if data else ""
        return (
            _notice(lang, data),
            cards_html(labels, lang, data["result"]) if data else "",
            cover,
            gr.update(choices=_pick_choices(lang, data), value=chosen or []),
            network_markdown(labels, lang, net) if net else "",
        )

    def switch_workspace(ws: str | None, lang: str, request: gr.Request) -> tuple:
        """Another workspace: forget the suggestions and the map of the last one, show its registry."""
        cleared = ("", "", "", gr.update(choices=[], value=[]), None, None, None, "")
        return (*cleared, *run_refresh(ws, lang, request))

    # ------------------------------------------------------------ the partner editor

    form_components = [form[name] for name in EDIT_FIELDS]
    # picker, the form, the confirmation box, errors, message, feedback state, then table, count, plan
    editor_outputs = [
        edit_pick,
        *form_components,
        confirm_remove,
        edit_errors,
        edit_status,
        edit_feedback,
        table,
        count_md,
        plan_md,
    ]

    def _form_updates(partner: Partner | None) -> list[Any]:
        values = form_values(partner)
        updates: list[Any] = [gr.update(value=values[name]) for name in EDIT_FIELDS]
        updates[0] = gr.update(value=values["id"], interactive=partner is None)
        return updates

    def _editor_reply(
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

        With ``fill`` the form shows ``form_for`` (None: an empty form for a new partner).
        """
        skip = gr.skip()
        errors, message = editor_feedback(labels, lang, feedback)
        form_part = _form_updates(form_for) if fill else [skip] * len(EDIT_FIELDS)
        return (
            skip if pick is None else pick,
            *form_part,
            skip if confirm is None else confirm,
            errors,
            message,
            feedback,
            *(tables or (skip, skip, skip)),
        )

    def _editor_registry(ws: str | None, request: gr.Request) -> Registry:
        return service.registry(ws or s.workspace, principal_from_request(request, s))

    def run_pick(pid: str | None, ws: str | None, lang: str, request: gr.Request) -> tuple:
        """Fill the form with the chosen partner (or empty it for a new one)."""
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        if not pid or pid == NEW_PARTNER:
            return _editor_reply(lang, None, fill=True, confirm=False)
        try:
            partner = _editor_registry(ws, request).get(pid)
        except WorkspaceAccessError as exc:
            return _editor_reply(lang, {"kind": "text", "text": access_message(labels, lang, exc)})
        if partner is None:
            return _editor_reply(lang, {"kind": "gone", "id": pid}, fill=True, confirm=False)
        return _editor_reply(lang, None, fill=True, form_for=partner, confirm=False)

    def run_save(
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
        """Validate and save the form: a new partner, or the chosen one; errors are shown by field."""
        from assistant.partners.registry import PartnerValidationError
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        values = dict(
            zip(
                EDIT_FIELDS,
                [
                    pid_field,
                    name_th,
                    name_en,
                    ptype,
                    prov,
                    district,
                    lat,
                    lon,
                    capabilities,
                    resources,
                    partner_needs,
                    contact_role,
                    status,
                    mous,
                ],
                strict=True,
            )
        )
        fields = form_fields(values)
        try:
            registry = _editor_registry(ws, request)
            if not pid or pid == NEW_PARTNER:
                partner, kind = registry.add_partner(fields), "created"
            else:
                partner, kind = registry.update_partner(pid, fields), "saved"
        except WorkspaceAccessError as exc:
            return _editor_reply(lang, {"kind": "text", "text": access_message(labels, lang, exc)})
        except PartnerValidationError as exc:
            return _editor_reply(lang, {"kind": "errors", "errors": exc.errors})
        pick = gr.update(choices=editor_choices(labels, lang, registry.all()), value=partner.id)
        return _editor_reply(
            lang,
            {"kind": kind, "id": partner.id},
            pick=pick,
            fill=True,
            form_for=partner,
            confirm=False,
            tables=run_refresh(ws, lang, request),
        )

    def run_remove(pid: str | None, confirmed: bool, ws: str | None, lang: str, request: gr.Request) -> tuple:
        """Remove the chosen partner (with its links and plan entry) once the box is ticked."""
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        if not pid or pid == NEW_PARTNER:
            return _editor_reply(lang, {"kind": "remove_none"})
        if not confirmed:
            return _editor_reply(lang, {"kind": "remove_unconfirmed", "id": pid})
        try:
            registry = _editor_registry(ws, request)
            gone = registry.remove_partner(pid)
        except WorkspaceAccessError as exc:
            return _editor_reply(lang, {"kind": "text", "text": access_message(labels, lang, exc)})
        pick = gr.update(choices=editor_choices(labels, lang, registry.all()), value=NEW_PARTNER)
        return _editor_reply(
            lang,
            {"kind": "removed" if gone else "gone", "id": pid},
            pick=pick,
            fill=True,
            confirm=False,
            tables=run_refresh(ws, lang, request),
        )

    def refresh_pick(pid: str | None, ws: str | None, lang: str, request: gr.Request) -> Any:
        """The picker's choices for the workspace's registry now (the choice stays when still there)."""
        from assistant.workspaces import WorkspaceAccessError

        lang = normalize_language(lang)
        if not ws and s.auth:
            return gr.skip()
        try:
            partners = _editor_registry(ws, request).all()
        except WorkspaceAccessError:
            return gr.update(choices=editor_choices(labels, lang, []), value=NEW_PARTNER)
        ids = {p.id for p in partners}
        return gr.update(
            choices=editor_choices(labels, lang, partners), value=pid if pid in ids else NEW_PARTNER
        )

    def reset_editor(ws: str | None, lang: str, request: gr.Request) -> tuple:
        """Another workspace: an empty form and that workspace's partners in the picker."""
        lang = normalize_language(lang)
        reply = _editor_reply(
            lang, None, pick=refresh_pick(NEW_PARTNER, ws, lang, request), fill=True, confirm=False
        )
        return reply[:-3]  # the table, count and plan come from switch_workspace

    def relanguage_editor(
        lang: str, pid: str | None, ws: str | None, feedback: dict | None, request: gr.Request
    ) -> tuple:
        """The picker's names and the last outcome in the new language."""
        lang = normalize_language(lang)
        errors, message = editor_feedback(labels, lang, feedback)
        return refresh_pick(pid, ws, lang, request), errors, message

    edit_pick.input(run_pick, [edit_pick, workspace, ctx.lang], editor_outputs, show_progress="hidden")
    save_button.click(
        run_save, [edit_pick, *form_components, workspace, ctx.lang], editor_outputs, show_progress="minimal"
    )
    remove_button.click(
        run_remove, [edit_pick, confirm_remove, workspace, ctx.lang], editor_outputs, show_progress="minimal"
    )

    suggest_inputs = [needs, types, province, near, max_km, top, workspace, ctx.lang]
    suggest_outputs = [notice, cards, cover_md, pick, last, plan_md]
    suggest_button.click(run_suggest, suggest_inputs, suggest_outputs, show_progress="minimal")
    needs.submit(run_suggest, suggest_inputs, suggest_outputs, show_progress="minimal")
    add_plan.click(run_add_plan, [pick, workspace, ctx.lang], plan_md)
    pick_inputs = [edit_pick, workspace, ctx.lang]
    refresh_button.click(run_refresh, [workspace, ctx.lang], [table, count_md, plan_md]).then(
        refresh_pick, pick_inputs, edit_pick, show_progress="hidden"
    )
    import_button.click(
        run_import, [csv_file, workspace, ctx.lang], [import_md, table, count_md, plan_md]
    ).then(refresh_pick, pick_inputs, edit_pick, show_progress="hidden")
    export_button.click(run_export, workspace, export_file)
    draw_button.click(run_draw, [months, lead, workspace, ctx.lang], [plot, network_md, network_state])
    workspace.change(
        switch_workspace,
        [workspace, ctx.lang],
        [notice, cards, cover_md, pick, last, plot, network_state, network_md, table, count_md, plan_md],
        show_progress="hidden",
    ).then(reset_editor, [workspace, ctx.lang], editor_outputs[:-3], show_progress="hidden")
    ctx.lang.change(
        relanguage,
        [ctx.lang, last, network_state, pick],
        [notice, cards, cover_md, pick, network_md],
        queue=False,
    )
    ctx.lang.change(
        relanguage_editor,
        [ctx.lang, edit_pick, workspace, edit_feedback],
        [edit_pick, edit_errors, edit_status],
        show_progress="hidden",
    )
    tab.select(run_refresh, [workspace, ctx.lang], [table, count_md, plan_md], show_progress="hidden").then(
        refresh_pick, pick_inputs, edit_pick, show_progress="hidden"
    )
