"""The Partners tab's components: the suggest, registry, editor and network sections (no handlers here).

Each section builder adds its components to a :class:`_Widgets` namespace, which
:func:`assistant.ui.partners_tab.build_tab` then wires to the handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.services.partners import LINE_FIELDS
from assistant.ui.display import code_choices
from assistant.ui.partners_view import NEW_PARTNER, TYPES, editor_choices, partner_table

if TYPE_CHECKING:
    from assistant.ui.app import TabContext


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
    with gr.Row():
        with gr.Column(scale=3):
            w.plot = ctx.relabel(
                gr.Plot(label=ctx.t("partners.network_plot"), elem_id="partners-plot"),
                label="partners.network_plot",
            )
        with gr.Column(scale=1, min_width=260):  # beside the map: MOUs ended or ending soon
            # not relabelled: the tab's language handler rewrites it (the list, or this hint)
            w.mou_watch = gr.Markdown(ctx.t("partners.watch_empty"), elem_id="partners-mou-watch")
    w.network_md = gr.Markdown("", elem_id="partners-network-report")
