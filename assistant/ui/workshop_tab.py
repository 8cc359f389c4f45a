"""The Workshop tab: the agenda builder, the trainer's session dashboard and the participant view.

Usage (assembled by :mod:`assistant.ui.app` through ``TABS``):
    >>> build_tab(ctx)       # inside gr.Blocks

* **Agenda builder**: topic, audience, duration (1–6 h in halves), start time and goals →
  :func:`assistant.workshop.stream_workshop`, shown section by section with
  :func:`assistant.ui.draft_view.follow_draft`, then DOCX/Markdown downloads. Form problems are
  listed field by field; an impossible duration gets its own message. Citations come from the
  workspace chosen in the tab's selector (``#workshop-workspace``), checked for the caller.
* **Trainer**: a session name, pack files (uploaded, indexed with progress) or library
  documents of the chosen workspace (copying them needs access to it)
  → :meth:`assistant.sessions.Sessions.create_session`, which shows the join code and
  the trainer key. The dashboard (join code + trainer key, filled in after creating) refreshes
  the questions grouped by theme, exports the FAQ and closes the session. Every dashboard
  action checks the trainer key, so a participant who knows the join code cannot use it.
* **Participant**: join code (and an optional name) → a participant handle kept in this
  browser's state; questions are answered only from that session's workspace, with citations.
  The code is the grant: joining needs no membership of any workspace.
  A wrong or closed code gets its own message, checked again on every question.
* **Saved**: each finished agenda is saved to the user's history (``#workshop-saved-*``), and each
  session a trainer creates is listed under *My sessions* (``#session-saved-*``) by its join code
  and name — never the trainer key — so the trainer finds it again after a restart
  (:mod:`assistant.ui.saved_drafts`).

The Markdown the tab shows (session errors, answers with their sources, the dashboard's questions,
a reopened session) is built in :mod:`assistant.ui.workshop_view`.
"""

from __future__ import annotations

import html
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.access.history import HistoryItem, Kind
from assistant.services.workshop import NewSession, SessionService
from assistant.services.workshop import session_payload as session_payload  # re-exported
from assistant.settings import Settings
from assistant.ui.form_problems import show_problem
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.saved_drafts import Reopened, record_draft_safely, saved_drafts_panel
from assistant.ui.session import (
    access_message,
    limit_refusal,
    principal_from_request,
    workspace_selector,
)
from assistant.ui.workshop_view import (
    answer_markdown,
    citations_markdown,
    groups_markdown,
    saved_session_markdown,
    session_error,
)

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.sessions import Session
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)

PACK_TYPES = [".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm"]
DURATIONS = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0]
PROGRESS = gr.Progress()


def record_session(settings: Settings, principal: Principal, workspace: str, session: Session) -> str | None:
    """Save a created session to the trainer's history (``Kind.SESSION``); its id, or None if that failed."""
    return SessionService(settings).remember(principal, workspace, session)


WORKSHOP_FIELDS = {
    "topic": "workshop.topic",
    "audience": "workshop.audience",
    "duration_hours": "workshop.duration",
    "goals": "workshop.goals",
    "start_time": "workshop.start_time",
}
"""Each agenda form field (:class:`~assistant.workshop.form.WorkshopForm`) and the label of its input."""
WORKSHOP_PROBLEMS: list[tuple[str, str]] = [
    (r"the topic is empty.*", "workshop.problem.topic_empty"),
    (r"the topic is too long.*", "workshop.problem.topic_long"),
    (r"the audience is too long.*", "workshop.problem.audience_long"),
    (r"duration must be 1–6 hours.*", "workshop.problem.duration_range"),
    (r"duration must be in whole or half hours.*", "workshop.problem.duration_half"),
    (r"at most (?P<max>\d+) goals.*", "workshop.problem.goals_many"),
    (r"each goal must be at most.*", "workshop.problem.goal_long"),
    (r"start time must be HH:MM.*", "workshop.problem.start_time"),
    (r"language must be one of .*", "workshop.problem.language"),
    (r"(?:Field required|is required)", "workshop.problem.required"),
]
"""The agenda form's validation messages (:mod:`assistant.workshop.form`) and their labels."""


def _agenda_error(lang: str, exc: Exception) -> str:
    from assistant.drafting.forms import FormError

    labels = get_labels()
    if isinstance(exc, FormError):
        shown = [show_problem(labels, lang, p, WORKSHOP_FIELDS, WORKSHOP_PROBLEMS) for p in exc.problems]
        return f"⚠ **{labels.text('workshop.form_problems', lang)}**\n\n" + "\n".join(f"- {p}" for p in shown)
    return f"⚠ **{labels.text('workshop.agenda_error', lang)}**: {exc}"


def build_tab(ctx: TabContext) -> None:
    """The Workshop tab (builder, trainer, participant)."""
    from types import SimpleNamespace

    h = _WorkshopHandlers(get_labels(), ctx.settings, SessionService(ctx.settings))
    w = SimpleNamespace()
    tab = ctx.relabel(
        gr.Tab(ctx.t("workshop.tab"), id="workshop", elem_id="tab-workshop"), label="workshop.tab"
    )
    with tab:
        ctx.relabel(gr.Markdown(ctx.t("workshop.help")), value="workshop.help")
        w.workspace = workspace_selector(ctx, elem_id="workshop-workspace", scale=0, min_width=260)
        with gr.Tabs(elem_id="workshop-tabs"):
            _builder_section(ctx, w)
            _trainer_section(ctx, w, h)
            _participant_section(ctx, w)
    _wire(ctx, w, h)


def _builder_section(ctx: TabContext, w: Any) -> None:
    """The builder sub-tab's components (set on ``w``)."""
    builder = gr.Tab(ctx.t("workshop.builder_tab"), id="workshop-builder", elem_id="tab-workshop-builder")
    with ctx.relabel(builder, label="workshop.builder_tab"):
        with gr.Row(equal_height=True):
            topic = ctx.relabel(
                gr.Textbox(
                    label=ctx.t("workshop.topic"),
                    placeholder=ctx.t("workshop.topic_placeholder"),
                    elem_id="workshop-topic",
                    scale=3,
                ),
                label="workshop.topic",
                placeholder="workshop.topic_placeholder",
            )
            audience = ctx.relabel(
                gr.Textbox(
                    label=ctx.t("workshop.audience"),
                    placeholder=ctx.t("workshop.audience_placeholder"),
                    elem_id="workshop-audience",
                    scale=2,
                ),
                label="workshop.audience",
                placeholder="workshop.audience_placeholder",
            )
        with gr.Row(equal_height=True):
            duration = ctx.relabel(
                gr.Dropdown(
                    [(f"{h:g}", h) for h in DURATIONS],
                    value=3.0,
                    label=ctx.t("workshop.duration"),
                    elem_id="workshop-duration",
                ),
                label="workshop.duration",
            )
            start = ctx.relabel(
                gr.Textbox("09:00", label=ctx.t("workshop.start_time"), elem_id="workshop-start"),
                label="workshop.start_time",
            )
        goals = ctx.relabel(
            gr.Textbox(
                label=ctx.t("workshop.goals"),
                placeholder=ctx.t("workshop.goals_placeholder"),
                lines=3,
                elem_id="workshop-goals",
            ),
            label="workshop.goals",
            placeholder="workshop.goals_placeholder",
        )
        make = ctx.relabel(
            gr.Button(ctx.t("workshop.make"), variant="primary", elem_id="workshop-make"),
            value="workshop.make",
        )
        plan_status = gr.Markdown("", elem_id="workshop-status")
        plan_view = gr.Markdown("", elem_id="workshop-agenda")
        plan_files = ctx.relabel(
            gr.File(
                label=ctx.t("workshop.files"),
                file_count="multiple",
                interactive=False,
                elem_id="workshop-files",
            ),
            label="workshop.files",
        )
        saved_agendas = saved_drafts_panel(ctx, Kind.WORKSHOP, w.workspace, "workshop")
    w.builder = builder
    w.topic = topic
    w.audience = audience
    w.duration = duration
    w.start = start
    w.goals = goals
    w.make = make
    w.plan_status = plan_status
    w.plan_view = plan_view
    w.plan_files = plan_files
    w.saved_agendas = saved_agendas


def _trainer_section(ctx: TabContext, w: Any, h: _WorkshopHandlers) -> None:
    """The trainer sub-tab's components (set on ``w``)."""
    trainer_tab = gr.Tab(ctx.t("workshop.trainer_tab"), id="workshop-trainer", elem_id="tab-workshop-trainer")
    with ctx.relabel(trainer_tab, label="workshop.trainer_tab"):
        with gr.Row(equal_height=True):
            session_name = ctx.relabel(
                gr.Textbox(label=ctx.t("workshop.session_name"), elem_id="session-name", scale=3),
                label="workshop.session_name",
            )
            trainer_name = ctx.relabel(
                gr.Textbox(label=ctx.t("workshop.trainer"), elem_id="session-trainer", scale=2),
                label="workshop.trainer",
            )
        with gr.Row(equal_height=True):
            pack = ctx.relabel(
                gr.File(
                    label=ctx.t("workshop.pack"),
                    file_count="multiple",
                    file_types=PACK_TYPES,
                    type="filepath",
                    elem_id="session-pack",
                    height=130,
                    scale=3,
                ),
                label="workshop.pack",
            )
            library_docs = ctx.relabel(
                gr.Dropdown(
                    [],
                    value=[],
                    multiselect=True,
                    label=ctx.t("workshop.library_docs"),
                    elem_id="session-library",
                    scale=2,
                ),
                label="workshop.library_docs",
            )
        create = ctx.relabel(
            gr.Button(ctx.t("workshop.create"), variant="primary", elem_id="session-create"),
            value="workshop.create",
        )
        created = gr.Markdown("", elem_id="session-created")
        ctx.relabel(gr.Markdown(f"### {ctx.t('workshop.dashboard')}"), value=_dashboard_title)
        saved_sessions = saved_drafts_panel(
            ctx, Kind.SESSION, w.workspace, "session", render=h.reopen_session
        )
        with gr.Row(equal_height=True):
            dash_code = ctx.relabel(
                gr.Textbox(label=ctx.t("workshop.code"), elem_id="dashboard-code", scale=1),
                label="workshop.code",
            )
            dash_key = ctx.relabel(
                gr.Textbox(label=ctx.t("workshop.key"), type="password", elem_id="dashboard-key", scale=2),
                label="workshop.key",
            )
        with gr.Row():
            refresh = ctx.relabel(
                gr.Button(ctx.t("workshop.refresh"), elem_id="dashboard-refresh"),
                value="workshop.refresh",
            )
            faq = ctx.relabel(gr.Button(ctx.t("workshop.faq"), elem_id="dashboard-faq"), value="workshop.faq")
            close = ctx.relabel(
                gr.Button(ctx.t("workshop.close"), variant="stop", elem_id="dashboard-close"),
                value="workshop.close",
            )
        dash_message = gr.Markdown("", elem_id="dashboard-message")
        questions_view = gr.Markdown("", elem_id="dashboard-questions")
        faq_files = ctx.relabel(
            gr.File(
                label=ctx.t("workshop.faq_files"),
                file_count="multiple",
                interactive=False,
                elem_id="dashboard-faq-files",
            ),
            label="workshop.faq_files",
        )
    w.trainer_tab = trainer_tab
    w.session_name = session_name
    w.trainer_name = trainer_name
    w.pack = pack
    w.library_docs = library_docs
    w.create = create
    w.created = created
    w.saved_sessions = saved_sessions
    w.dash_code = dash_code
    w.dash_key = dash_key
    w.refresh = refresh
    w.faq = faq
    w.close = close
    w.dash_message = dash_message
    w.questions_view = questions_view
    w.faq_files = faq_files


def _participant_section(ctx: TabContext, w: Any) -> None:
    """The participant sub-tab's components (set on ``w``)."""
    participant_tab = gr.Tab(
        ctx.t("workshop.participant_tab"),
        id="workshop-participant",
        elem_id="tab-workshop-participant",
    )
    with ctx.relabel(participant_tab, label="workshop.participant_tab"):
        joined = gr.State(None)
        with gr.Row(equal_height=True):
            join_code = ctx.relabel(
                gr.Textbox(
                    label=ctx.t("workshop.join_code"),
                    placeholder=ctx.t("workshop.join_placeholder"),
                    elem_id="join-code",
                    scale=2,
                ),
                label="workshop.join_code",
                placeholder="workshop.join_placeholder",
            )
            join_name = ctx.relabel(
                gr.Textbox(label=ctx.t("workshop.your_name"), elem_id="join-name", scale=2),
                label="workshop.your_name",
            )
            join = ctx.relabel(
                gr.Button(ctx.t("workshop.join"), variant="primary", elem_id="join-button", scale=1),
                value="workshop.join",
            )
        join_message = gr.Markdown("", elem_id="join-message")
        question = ctx.relabel(
            gr.Textbox(
                label=ctx.t("workshop.question"),
                placeholder=ctx.t("workshop.question_placeholder"),
                lines=2,
                elem_id="participant-question",
            ),
            label="workshop.question",
            placeholder="workshop.question_placeholder",
        )
        ask = ctx.relabel(
            gr.Button(ctx.t("workshop.ask"), variant="primary", elem_id="participant-ask"),
            value="workshop.ask",
        )
        answer_view = gr.Markdown("", elem_id="participant-answer")
        sources_view = gr.Markdown("", elem_id="participant-sources")
    w.participant_tab = participant_tab
    w.joined = joined
    w.join_code = join_code
    w.join_name = join_name
    w.join = join
    w.join_message = join_message
    w.question = question
    w.ask = ask
    w.answer_view = answer_view
    w.sources_view = sources_view


def _wire(ctx: TabContext, w: Any, h: _WorkshopHandlers) -> None:
    """Connect the components' events to the handlers."""
    # ---------------------------------------------------------------- handlers: saved items

    w.saved_agendas.connect(w.plan_view, w.plan_files, clears=[w.plan_status])
    w.saved_sessions.connect(
        w.dash_message,
        clears=[w.questions_view, w.faq_files, w.dash_key],
        also=[(w.dash_code, lambda r: str((r.item.payload or {}).get("code", "")))],
    )

    # ---------------------------------------------------------------- handlers: builder

    w.saved_agendas.refresh_after(
        w.make.click(
            h.build_agenda,
            [ctx.lang, w.topic, w.audience, w.duration, w.start, w.goals, w.workspace],
            [w.plan_status, w.plan_view, w.plan_files],
            show_progress_on=w.plan_view,
        )
    )

    # ---------------------------------------------------------------- handlers: trainer

    w.saved_sessions.refresh_after(
        w.create.click(
            h.do_create,
            [ctx.lang, w.session_name, w.trainer_name, w.pack, w.library_docs, w.workspace],
            [w.created, w.dash_code, w.dash_key, w.pack],
            show_progress_on=w.created,
        )
    )

    dash = [ctx.lang, w.dash_code, w.dash_key]
    w.refresh.click(h.do_refresh, dash, [w.dash_message, w.questions_view], show_progress_on=w.questions_view)
    w.faq.click(h.do_faq, dash, [w.dash_message, w.faq_files], show_progress_on=w.dash_message)
    w.close.click(h.do_close, [ctx.lang, w.dash_code, w.dash_key], w.dash_message)
    ctx.demo.load(h.library_choices, w.workspace, w.library_docs)
    w.trainer_tab.select(h.library_choices, w.workspace, w.library_docs)
    w.workspace.change(h.switch_library, w.workspace, w.library_docs)

    # ---------------------------------------------------------------- handlers: participant

    joining = [ctx.lang, w.join_code, w.join_name]
    w.join.click(h.do_join, joining, [w.join_message, w.joined], show_progress_on=w.join_message)
    w.join_code.submit(h.do_join, joining, [w.join_message, w.joined], show_progress_on=w.join_message)
    w.ask.click(
        h.do_ask,
        [ctx.lang, w.joined, w.question],
        [w.answer_view, w.sources_view],
        show_progress_on=w.answer_view,
    )


class _WorkshopHandlers:
    """The Workshop tab's event handlers: widgets in, a service call, widgets out."""

    def __init__(self, labels: Labels, settings: Settings, service: SessionService) -> None:
        self.labels = labels
        self.s = settings
        self.service = service

    def reopen_session(self, item: HistoryItem, lang: str) -> Reopened:
        """A saved session: its name and join code, and whether it is still open."""
        from assistant.sessions import SessionNotFoundError

        service = self.service
        payload = item.payload if isinstance(item.payload, dict) else {}
        try:
            session = service.get().get(str(payload.get("code", "")))
        except SessionNotFoundError:
            session = None
        return Reopened(item, saved_session_markdown(lang, payload, session))

    def build_agenda(
        self,
        lang: str,
        topic_v: str,
        audience_v: str,
        hours: Any,
        start_v: str,
        goals_v: str,
        ws: str | None,
        request: gr.Request,
    ) -> Iterator[tuple[Any, Any, Any]]:
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.drafting.engine import draft_context
        from assistant.drafting.forms import FormError
        from assistant.ui.draft_view import follow_draft
        from assistant.workshop import AgendaError, stream_workshop

        labels, s = self.labels, self.s
        lang = normalize_language(lang)
        data = {
            "topic": topic_v or "",
            "audience": audience_v or "",
            "duration_hours": hours if hours is not None else "",
            "start_time": start_v or None,
            "goals": goals_v or "",
            "language": lang,
        }
        try:
            principal = principal_from_request(request, s)
            ctx_draft = draft_context(s, ws or s.workspace, lang, principal=principal)
            events = stream_workshop(data, ctx_draft)
        except WorkspaceAccessError as exc:
            yield f"⚠ {access_message(labels, lang, exc)}", gr.update(), None
            return
        except (FormError, AgendaError) as exc:
            yield _agenda_error(lang, exc), gr.update(), None
            return
        except Exception as exc:
            log.exception("workshop plan failed")
            yield labels.text("workshop.error", lang, error=f"{type(exc).__name__}: {exc}"), gr.update(), None
            return
        refused = limit_refusal(s, request, lang)  # the form is valid: the drafting is what costs
        if refused:
            yield f"⚠ {refused}", gr.update(), None
            return
        title = labels.text("workshop.tab", lang) + ": " + " ".join((topic_v or "").split())
        progress = labels.text("workshop.progress", lang, done="{done}", total="{total}")
        try:
            for view in follow_draft(events, title, lang, progress):
                if view.draft is not None:
                    record_draft_safely(s, principal, ws or s.workspace, Kind.WORKSHOP, view.draft)
                yield view.status, view.markdown, (view.files or None)
        except Exception as exc:
            log.exception("workshop plan failed")
            yield labels.text("workshop.error", lang, error=f"{type(exc).__name__}: {exc}"), gr.update(), None

    def library_choices(self, ws: str | None, request: gr.Request) -> Any:
        from assistant.access.workspaces import WorkspaceAccessError

        s, service = self.s, self.service
        if not ws and s.auth:  # the selector is not filled yet: its change event lists
            return gr.skip()
        try:
            sources = service.library_documents(principal_from_request(request, s), ws)
        except WorkspaceAccessError:
            return gr.update(choices=[], value=[])
        except Exception:  # no index yet: nothing to choose
            log.exception("listing library documents failed")
            return gr.update(choices=[])
        return gr.update(choices=[(source, source) for source in sources])

    def switch_library(self, ws: str | None, request: gr.Request) -> Any:
        """Another workspace: its documents, none of them chosen yet."""
        update = self.library_choices(ws, request)
        return update if "choices" not in update else update | {"value": []}

    def do_create(
        self,
        lang: str,
        name: str,
        trainer: str,
        files: list[str] | None,
        docs: list[str] | None,
        ws: str | None,
        request: gr.Request,
        progress: gr.Progress = PROGRESS,
    ) -> tuple[Any, ...]:
        from assistant.access.workspaces import WorkspaceAccessError
        from assistant.sessions import SessionError

        labels, s, service = self.labels, self.s, self.service
        lang = normalize_language(lang)
        indexing = labels.text("workshop.indexing", lang)

        def step(done: float, total: int, label: str) -> None:
            if total:
                progress(min(done / total, 1.0), desc=f"{indexing}: {label}")

        try:
            principal = principal_from_request(request, s)
            progress(0, desc=labels.text("workshop.preparing", lang))
            new = NewSession.from_form(name, trainer, files, docs)
            session = service.create(principal, ws, new, progress=step).session
        except WorkspaceAccessError as exc:
            return f"⚠ {access_message(labels, lang, exc)}", gr.skip(), gr.skip(), gr.skip()
        except SessionError as exc:
            return session_error(lang, exc), gr.skip(), gr.skip(), gr.skip()
        except Exception as exc:
            log.exception("creating a session failed")
            return labels.text("workshop.error", lang, error=f"{type(exc).__name__}: {exc}"), *(
                gr.skip(),
            ) * 3
        text = labels.text(
            "workshop.created",
            lang,
            name=html.escape(session.name),
            code=session.code,
            trainer_key=session.trainer_key,
            documents=html.escape(", ".join(session.documents)),
        )
        return text, session.code, session.trainer_key, None

    def _trainer(self, code: str, key: str) -> Any:
        service = self.service
        return service.get().check_trainer(code or "", key or "")

    def do_refresh(self, lang: str, code: str, key: str) -> tuple[str, str]:
        from assistant.sessions import SessionError

        labels, service = self.labels, self.service
        lang = normalize_language(lang)
        try:
            session = self._trainer(code, key)
            groups = service.get().questions(session.code)
        except SessionError as exc:
            return session_error(lang, exc), ""
        status = labels.text("workshop.status_open" if session.is_open else "workshop.status_closed", lang)
        return f"**{html.escape(session.name)}** · {session.code} · {status}", groups_markdown(lang, groups)

    def do_faq(self, lang: str, code: str, key: str) -> tuple[str, Any]:
        from assistant.drafting.export import ExportFormat, export_files
        from assistant.sessions import SessionError

        service = self.service
        lang = normalize_language(lang)
        try:
            session = self._trainer(code, key)
            draft = service.get().export_faq(session.code, lang)
        except SessionError as exc:
            return session_error(lang, exc), None
        folder = Path(tempfile.mkdtemp(prefix="edunet-faq-"))
        paths = export_files(draft, folder, f"faq-{session.code}")
        return "", [str(paths[ExportFormat.DOCX]), str(paths[ExportFormat.MARKDOWN])]

    def do_close(self, lang: str, code: str, key: str) -> str:
        from assistant.sessions import SessionError

        labels, service = self.labels, self.service
        lang = normalize_language(lang)
        try:
            session = service.get().close_session(self._trainer(code, key).code)
        except SessionError as exc:
            return session_error(lang, exc)
        return labels.text("workshop.closed", lang, code=session.code)

    def do_join(self, lang: str, code: str, name: str) -> tuple[str, Any]:
        from assistant.sessions import SessionError

        labels, service = self.labels, self.service
        lang = normalize_language(lang)
        try:
            p = service.get().join(code or "", name or "")
        except SessionError as exc:
            return session_error(lang, exc), None
        return labels.text("workshop.joined", lang, name=html.escape(p.session_name)), {
            "code": p.code,
            "id": p.id,
        }

    def do_ask(
        self, lang: str, handle: dict | None, text: str, request: gr.Request
    ) -> Iterator[tuple[str, str]]:
        from assistant.access.ratelimit import RateLimitError
        from assistant.access.workspaces import Principal, WorkspaceAccessError
        from assistant.records import EventKind
        from assistant.sessions import SessionError
        from assistant.ui.session import charge_question

        labels, s, service = self.labels, self.s, self.service
        lang = normalize_language(lang)
        if not handle:
            yield f"⚠ {labels.text('workshop.join_first', lang)}", ""
            return
        if not (text or "").strip():
            yield f"⚠ {labels.text('workshop.empty_question', lang)}", ""
            return
        try:  # the asker's own limit (the same as the Ask tab's), the participant's and the room's
            try:
                caller = principal_from_request(request, s)
            except WorkspaceAccessError:  # a participant needs no account: the client's address counts
                caller = Principal.anonymous()
            room, participant = str(handle.get("code", "")), handle.get("id")
            charge_question(s, caller, request, room=room, participant=participant)
        except RateLimitError as exc:
            yield f"⚠ {labels.text('session.rate_limited', lang, seconds=exc.retry_seconds)}", ""
            return
        try:
            events = service.get().stream(handle["code"], text, participant=handle["id"])
            streamed = ""
            for event in events:
                if event.kind is EventKind.TOKEN:
                    streamed += event.text
                    yield answer_markdown(streamed), ""
                elif event.kind is EventKind.FINAL and event.answer is not None:
                    yield answer_markdown(event.answer.text), citations_markdown(lang, event.answer.citations)
        except SessionError as exc:
            yield session_error(lang, exc), ""
        except Exception as exc:
            log.exception("a participant's question failed")
            yield labels.text("workshop.error", lang, error=f"{type(exc).__name__}: {exc}"), ""


def _dashboard_title(lang: str) -> str:
    return f"### {get_labels().text('workshop.dashboard', lang)}"
