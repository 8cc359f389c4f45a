"""The MOU tab: draft an MOU from a form (streamed, DOCX/MD downloads) and analyse an existing MOU.

Usage (assembled by :func:`assistant.ui.app.build`):
    >>> build_tab(ctx)             # the index and the model load on first use, in the handlers

* **Draft** — the form's fields (lists one item per line) become the mapping
  :func:`form_from_inputs` builds and :class:`assistant.mou.draft.MouForm` validates; the
  draft streams section by section (:func:`assistant.ui.draft_view.follow_draft`), then the
  DOCX and Markdown files are offered for download. Form problems are listed all at once.
* **Analyse** — choose an ingested document of the workspace or upload a file; the fields
  (parties, dates, duration, areas, duties, termination) are shown with their page and how
  they were found, and the fields not found are called out. The record can be sent to the
  partner registry (``assistant.partners.registry.Registry.upsert_from_mou``) when it exists.

Both work in the workspace chosen in the tab's selector (``#mou-workspace``): its documents
are listed and analysed, its passages cited in drafts, and an analysed record goes to the
registry of the workspace it was analysed in. Every handler passes the caller's principal to
the library, which refuses workspaces they may not use. Each finished draft is saved to the
user's history; the **Saved drafts** accordion (``#mou-saved-*``, :mod:`assistant.ui.saved_drafts`)
reopens it.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.access.history import Kind
from assistant.drafting.forms import FormProblem
from assistant.services.mou import MouRequest, MouService
from assistant.settings import Settings
from assistant.ui.date_problems import DATE_PROBLEMS
from assistant.ui.display import code_label
from assistant.ui.form_problems import QUOTE, show_field_problem, show_message
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.saved_drafts import saved_drafts_panel
from assistant.ui.session import (
    access_message,
    limit_refusal,
    principal_from_request,
    workspace_selector,
)

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
UPLOAD_TYPES = [".pdf", ".docx", ".md", ".txt", ".html"]


# ---------------------------------------------------------------- pure functions


MOU_FIELDS = {
    "language": "mou.language",
    "topic": "mou.topic",
    "place": "mou.place",
    "parties": "mou.parties",
    "objectives": "mou.objectives",
    "scope": "mou.scope",
    "duties": "mou.duties",
    "resources": "mou.resources",
    "start_date": "mou.start_date",
    "duration_months": "mou.duration_months",
    "duration_years": "mou.duration_months",
    "end_date": "mou.duration_months",
    "coordinators": "mou.coordinators",
    "evaluation": "mou.evaluation",
    "notice_days": "mou.notice_days",
    "shares_student_data": "mou.student_data",
    "witnesses": "mou.witnesses",
}
"""Each MOU form field (:class:`assistant.mou.draft.MouForm`) and the label of its input in the tab."""
_Q = QUOTE
MOU_PROBLEMS: list[tuple[str, str]] = [
    (r"the line “(?P<line>.*)” must read party: text", "mou.bad_line"),
    (r"the party's name is empty", "mou.problem.party_name_empty"),
    (r"an MOU needs at least 2 parties, got (?P<n>\d+)", "mou.problem.parties_two"),
    (r"party named twice: (?P<names>.*)", "mou.problem.party_twice"),
    (r"two parties share the short name (?P<names>.*)", "mou.problem.short_name_twice"),
    (r"give at least one item", "mou.problem.one_item"),
    (r"notice for termination must be 1–(?P<max>\d+) days, got (?P<got>.*)", "mou.problem.notice"),
    (r"duration must be 1–(?P<max>\d+) months, got (?P<got>.*)", "mou.problem.months"),
    (r"duration must be 1–(?P<max>\d+) years, got (?P<got>.*)", "mou.problem.years"),
    (r"give the duration in months or in years, not both", "mou.problem.months_or_years"),
    (r"end_date (?P<end>\S+) is before start_date (?P<start>\S+)", "mou.problem.end_before_start"),
    (r"give duration_months, duration_years or end_date", "mou.problem.no_duration"),
    (
        r"end_date (?P<end>\S+) does not match start_date \+ (?P<months>\d+) months \((?P<expected>\S+)\)",
        "mou.problem.end_mismatch",
    ),
    (r"signing_date (?P<signed>\S+) is after start_date (?P<start>\S+)", "mou.problem.signed_after_start"),
    (
        rf"duties given for unknown party (?P<party>{_Q}.*{_Q}) \(parties: (?P<parties>.*)\)",
        "mou.problem.duty_party",
    ),
    (
        rf"coordinator given for unknown party (?P<party>{_Q}.*{_Q}) \(parties: (?P<parties>.*)\)",
        "mou.problem.coordinator_party",
    ),
    (rf"no duties given for party (?P<party>{_Q}.*{_Q})", "mou.problem.no_duties"),
    *DATE_PROBLEMS,
    (r"Input should be a valid integer.*", "mou.problem.number"),
    (r"is required", "mou.problem.required"),
    (r"language must be th or en.*", "mou.problem.language"),
]
"""The MOU form's validation messages (English, in :mod:`assistant.mou.draft`) and their labels."""


def show_mou_problem(labels: Labels, lang: str, problem: FormProblem) -> str:
    """One problem of the MOU form in ``lang``, naming the field as the form shows it."""
    if problem.field is None:  # the form as a whole (dates and parties that disagree)
        return show_message(labels, lang, problem.message, MOU_PROBLEMS)
    return show_field_problem(labels, lang, problem.field, problem.message, MOU_FIELDS, MOU_PROBLEMS)


def form_from_inputs(labels: Labels, lang: str, **values: Any) -> tuple[dict[str, Any], list[FormProblem]]:
    """The form mapping for ``MouForm`` from the tab's inputs, and the problems of line formats.

    The problems keep the form field's name (``duties``) with the message in ``lang``;
    :func:`problems_markdown` names the field as the form shows it.
    """
    data, problems = MouRequest.from_form(**values).to_form()
    shown = [replace(p, message=show_message(labels, lang, p.message, MOU_PROBLEMS)) for p in problems]
    return data, shown


def example_inputs(language: str) -> dict[str, Any]:
    """The tab's inputs pre-filled from ``examples/mou.<language>.yaml`` (empty when it is missing)."""
    from assistant.datafiles import load_mapping

    path = EXAMPLES_DIR / f"mou.{language}.yaml"
    if not path.is_file():
        return {}
    data = load_mapping(path)
    months = data.get("duration_months") or (data.get("duration_years") or 0) * 12 or None
    return {
        "language": data.get("language", language),
        "topic": data.get("topic", ""),
        "place": data.get("place", ""),
        "parties": "\n".join(
            " | ".join(str(p.get(k, "")) for k in ("name", "representative", "title", "short_name")).rstrip(
                " |"
            )
            for p in data.get("parties", [])
        ),
        "objectives": "\n".join(data.get("objectives", [])),
        "scope": "\n".join(data.get("scope", [])),
        "duties": "\n".join(f"{k}: {d}" for k, items in (data.get("duties") or {}).items() for d in items),
        "resources": "\n".join(data.get("resources", [])),
        "start_date": example_date(data.get("start_date", date.today()), language),
        "duration_months": months,
        "coordinators": "\n".join(f"{k}: {v}" for k, v in (data.get("coordinators") or {}).items()),
        "evaluation": "\n".join(data.get("evaluation", [])),
        "notice_days": data.get("notice_days", 30),
        "student_data": bool(data.get("shares_student_data", False)),
        "witnesses": "\n".join(data.get("witnesses", [])),
    }


def example_date(value: Any, language: str) -> str:
    """An example's date as the start-date label shows it: ``1 มิ.ย. 2568`` or ``1 June 2025``.

    Text the date parser cannot read is shown as it is (the form then says what is wrong with it).
    """
    from assistant.drafting.dates import date_value
    from assistant.mou.dates import format_date

    lang = normalize_language(language)
    try:
        return format_date(date_value(value), lang, short=lang == "th")
    except ValueError:
        return str(value)


def _value_text(value: Any) -> str:
    if isinstance(value, dict):
        return "<br>".join(
            f"<b>{html.escape(str(k))}</b>: " + "; ".join(html.escape(str(i)) for i in items)
            for k, items in value.items()
        )
    if isinstance(value, list):
        return "<br>".join(f"• {html.escape(str(v))}" for v in value)
    return html.escape(str(value))


def record_html(labels: Labels, lang: str, record: dict[str, Any] | None) -> str:
    """A record (``MouRecord.to_json()``) as a table of field, value, page and method, then the missing."""
    if not record:
        return ""
    t = labels.text
    head = t("mou.summary", lang, source=record["source"], pages=record["pages"], mou_id=record["mou_id"])
    head = html.escape(head).replace("**", "")
    rows = []
    for name, value in record["fields"].items():
        if value is None:
            continue
        pages = ", ".join(str(p) for p in value.get("pages") or [value["page"]])
        method = t(f"mou.methods.{value['method']}", lang)
        rows.append(
            f'<tr data-field="{name}"><td>{html.escape(t(f"mou.fields.{name}", lang))}</td>'
            f"<td>{_value_text(value['value'])}</td>"
            f'<td class="mou-page">{t("mou.page", lang)} {pages}</td><td>{html.escape(method)}</td></tr>'
        )
    table = (
        f'<table class="mou-fields"><thead><tr><th>{t("mou.field", lang)}</th><th>{t("mou.value", lang)}</th>'
        f"<th>{t('mou.page', lang)}</th><th>{t('mou.how', lang)}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    if record["missing"]:
        items = "".join(
            f'<li data-missing="{m["field"]}"><b>{html.escape(t("mou.fields." + m["field"], lang))}</b>: '
            f"{html.escape(m['message'])}</li>"
            for m in record["missing"]
        )
        missing = f'<div class="mou-missing"><p>{t("mou.missing", lang)}</p><ul>{items}</ul></div>'
    else:
        missing = f'<p class="mou-missing">{t("mou.all_found", lang)}</p>'
    notes = ""
    if record.get("notes"):
        notes = f"<p><i>{t('mou.notes', lang)}: " + html.escape("; ".join(record["notes"])) + "</i></p>"
    return f'<div class="mou-record"><p><b>{head}</b></p>{table}{missing}{notes}</div>'


def document_choices(
    settings: Settings, workspace: str | None = None, *, principal: Principal, lang: str = "th"
) -> list[tuple[str, str]]:
    """(label, source) of a workspace's ready documents (default: the settings' one), MOUs first.

    The label names the document's type in ``lang``: ``mou.pdf · บันทึกข้อตกลง (MOU)``.

    WorkspaceAccessError is raised unless ``principal`` may use the workspace.
    """
    labels = get_labels()
    docs = MouService(settings).documents(principal, workspace)
    return [(f"{d.source} · {code_label(labels, lang, 'doc_type', d.doc_type)}", d.source) for d in docs]


def problems_markdown(labels: Labels, lang: str, problems: list[FormProblem]) -> str:
    """The form's problems under one heading, in ``lang``, each naming the field as the form shows it."""
    shown = [show_mou_problem(labels, lang, p) for p in problems]
    return labels.text("mou.form_problems", lang) + "\n" + "\n".join(f"- {p}" for p in shown)


# ---------------------------------------------------------------- the tab


def build_tab(ctx: TabContext) -> None:
    """The MOU tab: the draft form with its streamed draft and downloads, and the analysis section."""
    w = _layout(ctx)
    _wire(ctx, w, _MouHandlers(get_labels(), ctx.settings))


_DRAFT_NAMES = (
    "language",
    "topic",
    "place",
    "parties",
    "objectives",
    "scope",
    "duties",
    "resources",
    "start_date",
    "duration_months",
    "coordinators",
    "evaluation",
    "notice_days",
    "student_data",
    "witnesses",
)
"""The draft form's inputs in the order the draft button passes them (:func:`form_from_inputs` keywords)."""


def _layout(ctx: TabContext) -> Any:
    """The tab's components: the draft form with its draft and downloads, then the analysis section."""
    from types import SimpleNamespace

    w = SimpleNamespace()
    tab = ctx.relabel(gr.Tab(ctx.t("mou.tab"), id="mou", elem_id="tab-mou"), label="mou.tab")
    with tab:
        ctx.relabel(gr.Markdown(ctx.t("mou.help")), value="mou.help")
        w.workspace = workspace_selector(ctx, elem_id="mou-workspace", scale=0, min_width=260)
        _draft_section(ctx, w, example_inputs("th"))
        _analyse_section(ctx, w)
    return w


def _box(
    ctx: TabContext, ex: dict[str, Any], key: str, lines: int = 3, elem: str | None = None
) -> gr.Textbox:
    """A draft-form text box labelled ``mou.<key>``, filled from the example."""
    return ctx.relabel(
        gr.Textbox(ex.get(key, ""), label=ctx.t(f"mou.{key}"), lines=lines, elem_id=elem or f"mou-{key}"),
        label=f"mou.{key}",
    )


def _draft_section(ctx: TabContext, w: Any, ex: dict[str, Any]) -> None:
    """The draft form, its button, the streamed draft, downloads and saved drafts (set on ``w``)."""
    ctx.relabel(gr.Markdown(ctx.t("mou.draft_heading")), value="mou.draft_heading")
    with gr.Row():
        w.language = ctx.relabel(
            gr.Radio(
                [("ไทย", "th"), ("English", "en")],
                value="th",
                label=ctx.t("mou.language"),
                elem_id="mou-language",
            ),
            label="mou.language",
        )
        w.topic = ctx.relabel(
            gr.Textbox(ex.get("topic", ""), label=ctx.t("mou.topic"), elem_id="mou-topic"),
            label="mou.topic",
        )
        w.place = ctx.relabel(gr.Textbox(ex.get("place", ""), label=ctx.t("mou.place")), label="mou.place")
    w.parties = _box(ctx, ex, "parties")
    with gr.Row():
        w.objectives = _box(ctx, ex, "objectives")
        w.scope = _box(ctx, ex, "scope")
    w.duties = _box(ctx, ex, "duties", 4)
    with gr.Row():
        w.resources = _box(ctx, ex, "resources")
        w.evaluation = _box(ctx, ex, "evaluation")
    with gr.Row():
        w.start_date = _box(ctx, ex, "start_date", 1)
        _term_numbers(ctx, w, ex)
    w.coordinators = _box(ctx, ex, "coordinators", 2)
    with gr.Row():
        w.witnesses = _box(ctx, ex, "witnesses", 2)
        w.student_data = ctx.relabel(
            gr.Checkbox(
                ex.get("student_data", False), label=ctx.t("mou.student_data"), elem_id="mou-student-data"
            ),
            label="mou.student_data",
        )
    w.draft_button = ctx.relabel(
        gr.Button(ctx.t("mou.draft_button"), variant="primary", elem_id="mou-draft-button"),
        value="mou.draft_button",
    )
    w.draft_status = gr.Markdown("", elem_id="mou-draft-status")
    w.draft_view = gr.Markdown("", elem_id="mou-draft")
    w.files = ctx.relabel(
        gr.File(label=ctx.t("mou.files"), file_count="multiple", interactive=False, elem_id="mou-files"),
        label="mou.files",
    )
    w.saved = saved_drafts_panel(ctx, Kind.MOU, w.workspace, "mou")
    w.saved.connect(w.draft_view, w.files, clears=[w.draft_status])


def _term_numbers(ctx: TabContext, w: Any, ex: dict[str, Any]) -> None:
    """The duration (months) and notice (days) boxes (set on ``w``)."""
    w.duration_months = ctx.relabel(
        gr.Number(
            ex.get("duration_months") or 12,
            label=ctx.t("mou.duration_months"),
            precision=0,
            minimum=1,
            maximum=120,
            elem_id="mou-duration",
        ),
        label="mou.duration_months",
    )
    w.notice_days = ctx.relabel(
        gr.Number(
            ex.get("notice_days", 30),
            label=ctx.t("mou.notice_days"),
            precision=0,
            minimum=1,
            maximum=365,
            elem_id="mou-notice",
        ),
        label="mou.notice_days",
    )


def _analyse_section(ctx: TabContext, w: Any) -> None:
    """The analysis section (set on ``w``): document or upload, analyse, the record, send to the registry."""
    ctx.relabel(gr.Markdown(ctx.t("mou.analyse_heading")), value="mou.analyse_heading")
    with gr.Row(equal_height=True):
        w.document = ctx.relabel(
            gr.Dropdown(
                [], label=ctx.t("mou.document"), elem_id="mou-document", scale=3, allow_custom_value=False
            ),
            label="mou.document",
        )
        w.refresh = ctx.relabel(
            gr.Button(ctx.t("mou.refresh"), elem_id="mou-refresh", scale=1), value="mou.refresh"
        )
    w.upload = ctx.relabel(
        gr.File(
            label=ctx.t("mou.upload"),
            file_types=UPLOAD_TYPES,
            type="filepath",
            elem_id="mou-upload",
            height=120,
        ),
        label="mou.upload",
    )
    w.analyse_button = ctx.relabel(
        gr.Button(ctx.t("mou.analyse_button"), variant="primary", elem_id="mou-analyse-button"),
        value="mou.analyse_button",
    )
    w.result = gr.HTML("", elem_id="mou-result")
    w.record_state = gr.State(None)
    w.send = ctx.relabel(gr.Button(ctx.t("mou.send"), elem_id="mou-send"), value="mou.send")
    w.send_status = gr.Markdown("", elem_id="mou-send-status")


def _wire(ctx: TabContext, w: Any, h: _MouHandlers) -> None:
    """Connect the components' events to the handlers."""
    inputs = [getattr(w, name) for name in _DRAFT_NAMES]
    w.language.input(h.fill_example, w.language, inputs[1:], queue=False)
    w.saved.refresh_after(
        w.draft_button.click(
            h.run_draft, [*inputs, w.workspace, ctx.lang], [w.draft_status, w.draft_view, w.files]
        )
    )
    listing_inputs = [w.workspace, ctx.lang, w.document]
    for event in (w.refresh.click, w.workspace.change, ctx.demo.load, ctx.lang.change):
        event(h.refresh_documents, listing_inputs, w.document, queue=False)
    w.analyse_button.click(
        h.run_analysis, [w.document, w.upload, w.workspace, ctx.lang], [w.result, w.record_state]
    )
    w.send.click(h.send_record, [w.record_state, ctx.lang], w.send_status)


class _MouHandlers:
    """The MOU tab's event handlers: the example, the draft (streamed), listing, analysis and sending."""

    def __init__(self, labels: Labels, settings: Settings) -> None:
        self.labels = labels
        self.s = settings
        self.service = MouService(settings)

    def fill_example(self, code: str) -> list[Any]:
        values = example_inputs(code)
        return [gr.update(value=values[n]) if n in values else gr.update() for n in _DRAFT_NAMES[1:]]

    def run_draft(self, request: gr.Request, *values: Any) -> Iterator[tuple[str, str, Any]]:
        # the request sits before the inputs' values: Gradio fills it by position from the annotation
        from assistant.drafting.forms import FormError

        labels, s = self.labels, self.s
        *fields, ws, lang = values
        lang = normalize_language(lang)
        data, problems = form_from_inputs(labels, lang, **dict(zip(_DRAFT_NAMES, fields, strict=True)))
        try:
            form = self.service.parse(data)
        except FormError as exc:
            problems += exc.found
        if problems:
            yield problems_markdown(labels, lang, problems), "", None
            return
        refused = limit_refusal(s, request, lang)
        if refused:
            yield refused, "", None
            return
        yield from self._stream(form, ws or s.workspace, lang, request)

    def _stream(self, form: Any, ws: str, lang: str, request: gr.Request) -> Iterator[tuple[str, str, Any]]:
        """The MOU drafted section by section, then saved to the history with its downloads."""
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.ui.draft_view import follow_draft

        labels, service = self.labels, self.service
        try:
            principal = principal_from_request(request, self.s)
            events = service.stream(principal, ws, form)
            label = labels.text("mou.progress", lang, done="{done}", total="{total}")
            for view in follow_draft(events, service.title(form), form.language, label):
                if view.draft is not None:
                    service.remember(principal, ws, view.draft)
                yield view.status, view.markdown, (view.files or None)
        except WorkspaceAccessError as exc:
            yield access_message(labels, lang, exc), "", None
        except Exception as exc:  # shown to the user, logged for the operator
            log.exception("MOU draft failed")
            yield labels.text("mou.failed", lang, reason=str(exc)), "", None

    def refresh_documents(self, ws: str | None, lang: str, current: str | None, request: gr.Request) -> Any:
        from assistant.access.workspaces import WorkspaceAccessError

        s = self.s
        if not ws and s.auth:  # the selector is not filled yet: its change event lists
            return gr.skip()
        try:
            principal = principal_from_request(request, s)
            lang = normalize_language(lang)
            choices = document_choices(s, ws or s.workspace, principal=principal, lang=lang)
        except WorkspaceAccessError:
            choices = []
        except Exception:
            log.exception("listing documents failed")
            choices = []
        keep = current if current in {value for _, value in choices} else None
        return gr.update(choices=choices, value=keep or (choices[0][1] if choices else None))

    def run_analysis(
        self, doc: str | None, path: str | None, ws: str | None, lang: str, request: gr.Request
    ) -> tuple[str, Any]:
        from assistant.access.workspaces import WorkspaceAccessError

        labels, s = self.labels, self.s
        lang = normalize_language(lang)
        if not doc and not path:
            return f"<p>{html.escape(labels.text('mou.choose', lang))}</p>", None
        refused = limit_refusal(s, request, lang)
        if refused:
            return f"<p>{html.escape(refused)}</p>", None
        try:
            principal = principal_from_request(request, s)
            found = self.service.analyse(principal, ws or s.workspace, document=doc, upload=path)
        except WorkspaceAccessError as exc:
            return f"<p>{html.escape(access_message(labels, lang, exc))}</p>", None
        except Exception as exc:
            reason = getattr(exc, "reason", None) or str(exc)
            return f"<p>{html.escape(labels.text('mou.failed', lang, reason=reason))}</p>", None
        record = found.state()
        return record_html(labels, lang, record), record

    def send_record(self, record: dict[str, Any] | None, lang: str, request: gr.Request) -> str:
        from assistant.access.workspaces import WorkspaceAccessError

        labels, s = self.labels, self.s
        lang = normalize_language(lang)
        if not record or not record["fields"].get("parties"):
            return labels.text("mou.nothing_to_send", lang)
        try:
            principal = principal_from_request(request, s)
            where = record.get("_workspace") or s.workspace  # the workspace it was analysed in
            report = self.service.send(principal, record | {"_workspace": where})
        except WorkspaceAccessError as exc:
            return access_message(labels, lang, exc)
        if report is None:
            return labels.text("mou.no_registry", lang)
        links = ", ".join(link.partner_id for link in report.links)
        return labels.text(
            "mou.sent",
            lang,
            mou_id=report.mou_id,
            partners=links,
            created=", ".join(report.created) or "-",
        )
