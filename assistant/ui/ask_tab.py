"""The Ask tab: a chat that streams cited answers, the citations as clickable sources, a backend line.

The answering itself is :class:`assistant.ask.Answerer`; this module only shows its
event stream (PASSAGES → TOKEN* → FINAL, see :mod:`assistant.records`):

* PASSAGES fills the source list as soon as retrieval is done;
* TOKEN events grow the answer bubble;
* FINAL replaces the streamed text with the verified answer and its citations.

Conversation turns live in a per-session ``gr.State`` as plain dicts; the last
``HISTORY_TURNS`` finished turns go to ``Answerer.stream`` as ``(question, answer)`` pairs.
The answerer, the index and the model are built on first use (page load warms them up).

Who asks, and where: each question comes from the request's principal (anonymous, or the
logged-in user, :mod:`assistant.ui.session`) in the workspace chosen in the selector; the
retriever is built by :func:`assistant.workspaces.scoped_retriever`, which refuses other
workspaces, and the question counts against the per-user rate limit
(:mod:`assistant.ratelimit`). Each finished turn is saved to the user's history
(:mod:`assistant.history`); the History accordion reopens earlier conversations.
"""

from __future__ import annotations

import contextlib
import html
import logging
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.records import Answer, Citation, EventKind
from assistant.settings import Settings
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.session import access_message, principal_from_request, workspace_selector
from assistant.ui.supersede import Superseder, until_stale
from assistant.workspaces import Principal, WorkspaceAccessError

if TYPE_CHECKING:
    from assistant.llm import LLMStatus
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)

HISTORY_TURNS = 3
"""How many earlier question/answer pairs are passed to the answerer."""
CHAT_HEIGHT = 460


class AskService:
    """The chat model for one app, built once on first use (thread-safe); failures are retried next time.

    Answerers are made per question by :meth:`answerer`, for the caller's workspace.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._llm: Any = None
        self.status: LLMStatus | None = None
        self.error: str | None = None

    def get(self) -> tuple[Any, LLMStatus]:
        """The chat model (None: extractive) and its status; raises (readably) when it cannot start."""
        with self._lock:
            if self.status is None:
                try:
                    self._llm, self.status = self._build()
                    self.error = None
                except Exception as exc:
                    self.error = _one_line(exc)
                    raise
            return self._llm, self.status

    def answerer(self, principal: Principal, workspace: str) -> Any:
        """An ``Answerer`` over ``workspace`` for ``principal``; WorkspaceAccessError when not allowed."""
        from assistant.ask import Answerer
        from assistant.workspaces import scoped_retriever

        retriever = scoped_retriever(principal, workspace, settings=self.settings)
        llm, status = self.get()
        return Answerer(retriever, llm, status.backend)

    def warm_embedder(self) -> None:
        """Load the embedding model now, so that the first question does not wait for it."""
        from assistant.runtime import get_embedder

        _ = get_embedder(self.settings).model

    def _build(self) -> tuple[Any, LLMStatus]:
        from assistant.llm import get_chat_model
        from assistant.runtime import get_store

        get_store(self.settings)  # open the index now, so that a broken one shows in the status line
        return get_chat_model(self.settings)


# ---------------------------------------------------------------- rendering (pure functions)


def status_text(labels: Labels, lang: str, service: AskService, answer: Answer | None = None) -> str:
    """The backend line: which LLM backend answers, and why it fell back to ``none`` when it did."""
    status = service.status
    if service.error and status is None:
        return labels.text("ask.status_error", lang, reason=service.error)
    if status is None:
        return labels.text("ask.status_pending", lang, backend=str(service.settings.backend))
    if answer is not None and answer.backend == "none" and status.backend != "none":
        why = [n for n in answer.notes if n.startswith(("backend", "failed:"))]
        reason = "; ".join(why or answer.notes) or status.message
        return labels.text("ask.status_fallback", lang, requested=status.backend, reason=reason)
    if status.backend == "none":
        if status.requested == "none":
            return labels.text("ask.status_none", lang)
        return labels.text("ask.status_fallback", lang, requested=status.requested, reason=status.message)
    return labels.text("ask.status_ok", lang, backend=status.backend) + f" — {status.message}"


def citation_choice(labels: Labels, lang: str, c: dict) -> tuple[str, str]:
    """A citation as a radio choice: ``("[1] doc.pdf · page 3", "1")``."""
    return f"[{c['n']}] {c['source']} · {labels.text('ask.page', lang)} {c['page']}", str(c["n"])


def source_html(labels: Labels, lang: str, c: dict | None) -> str:
    """The source panel for one citation: document, title, page, section and the passage."""
    if c is None:
        return f'<div class="source-empty">{html.escape(labels.text("ask.source_empty", lang))}</div>'
    meta = [f"{labels.text('ask.page', lang)} {c['page']}"]
    if c.get("section"):
        meta.append(f"{labels.text('ask.section', lang)}: {c['section']}")
    if c.get("title") and c["title"] != c["source"]:
        meta.insert(0, c["title"])
    text = "\n".join(line.strip() for line in c["text"].strip().splitlines())
    return (
        f'<div class="source-card" data-n="{int(c["n"])}">'
        f'<div class="source-doc"><strong>[{int(c["n"])}] {html.escape(c["source"])}</strong></div>'
        f'<div class="source-meta">{html.escape(" · ".join(meta))}</div>'
        f"<blockquote>{html.escape(text)}</blockquote></div>"
    )


def bubble(labels: Labels, lang: str, turn: dict) -> str:
    """The assistant's chat bubble: the answer, its notices, and a compact source list."""
    parts = [turn["answer"] or labels.text("ask.thinking", lang)]
    if turn.get("error"):
        parts.append(f"⚠ {turn['error']}")
    if turn.get("done") and turn.get("grounded") is False and not turn.get("error"):
        parts.append(f"_{labels.text('ask.not_grounded', lang)}_")
    cited = turn.get("citations") or []
    if turn.get("done") and cited:
        page = labels.text("ask.page", lang)
        items = " · ".join(f"[{c['n']}] {c['source']} ({page} {c['page']})" for c in cited)
        parts.append(f"<sub>**{labels.text('ask.sources', lang)}:** {html.escape(items)}</sub>")
    return "\n\n".join(parts)


def chat_messages(labels: Labels, lang: str, turns: list[dict]) -> list[dict]:
    """The chatbot's value (messages format) for the conversation so far."""
    messages: list[dict] = []
    for turn in turns:
        messages.append({"role": "user", "content": turn["question"]})
        messages.append({"role": "assistant", "content": bubble(labels, lang, turn)})
    return messages


def history_pairs(turns: list[dict], limit: int = HISTORY_TURNS) -> list[tuple[str, str]]:
    """The last ``limit`` finished turns as ``(question, answer)`` pairs for ``Answerer.stream``."""
    done = [t for t in turns if t.get("done") and not t.get("error") and t["answer"]]
    return [(t["question"], t["answer"]) for t in done[-limit:]] if limit > 0 else []


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def _error_text(exc: BaseException) -> str:
    """A user-facing sentence for an exception raised while answering."""
    try:
        from assistant.llm import backend_error_message, is_backend_error

        if is_backend_error(exc):
            return backend_error_message(exc)
    except ImportError:  # pragma: no cover - llm.py is part of the package
        pass
    return _one_line(exc)


# ---------------------------------------------------------------- the tab


def build_tab(ctx: TabContext) -> None:
    """The Ask tab: chat, question box, sources and the source panel."""
    labels = get_labels()
    service = AskService(ctx.settings)
    superseder = Superseder()

    tab = ctx.relabel(gr.Tab(ctx.t("tabs.ask"), id="ask", elem_id="tab-ask"), label="tabs.ask")
    with tab:
        with gr.Row(equal_height=True):
            status = gr.Markdown(status_text(labels, "th", service), elem_id="backend-status")
            workspace = workspace_selector(ctx, elem_id="ask-workspace", scale=0, min_width=260)
        ctx.relabel(status, value=lambda code: status_text(labels, code, service))
        chatbot = ctx.relabel(
            gr.Chatbot(
                label=ctx.t("ask.chat"),
                placeholder=ctx.t("ask.chat_placeholder"),
                elem_id="chat",
                height=CHAT_HEIGHT,
                feedback_options=None,
                buttons=["copy"],
            ),
            label="ask.chat",
            placeholder="ask.chat_placeholder",
        )
        with gr.Row(equal_height=True):
            question = ctx.relabel(
                gr.Textbox(
                    label=ctx.t("ask.question"),
                    placeholder=ctx.t("ask.question_placeholder"),
                    elem_id="question",
                    lines=1,
                    max_lines=6,
                    scale=6,
                    autofocus=True,
                ),
                label="ask.question",
                placeholder="ask.question_placeholder",
            )
            send = ctx.relabel(
                gr.Button(ctx.t("ask.send"), variant="primary", elem_id="ask-button", scale=1, min_width=90),
                value="ask.send",
            )
            clear = ctx.relabel(
                gr.Button(ctx.t("ask.clear"), elem_id="clear-button", scale=1, min_width=90),
                value="ask.clear",
            )
        notice = gr.Markdown("", elem_id="ask-notice")
        with gr.Row():
            with gr.Column(scale=2):
                citations = ctx.relabel(
                    gr.Radio(
                        [], value=None, label=ctx.t("ask.citations"), elem_id="citations", interactive=True
                    ),
                    label="ask.citations",
                )
            with gr.Column(scale=3):
                ctx.relabel(gr.Markdown(_panel_title("th")), value=_panel_title)
                panel = gr.HTML(source_html(labels, "th", None), elem_id="source-panel")

        history_box = ctx.relabel(
            gr.Accordion(ctx.t("session.history"), open=False, elem_id="ask-history"), label="session.history"
        )
        with history_box, gr.Row(equal_height=True):
            saved = ctx.relabel(
                gr.Dropdown(
                    [], value=None, label=ctx.t("session.history_pick"), elem_id="history-list", scale=4
                ),
                label="session.history_pick",
            )
            reopen = ctx.relabel(
                gr.Button(ctx.t("session.history_open"), elem_id="history-open", scale=1, min_width=90),
                value="session.history_open",
            )
            forget = ctx.relabel(
                gr.Button(ctx.t("session.history_delete"), elem_id="history-delete", scale=1, min_width=90),
                value="session.history_delete",
            )

        turns = gr.State([])
        cited = gr.State([])
        conversation = gr.State(None)  # the history item id of the conversation on screen
        # the conversation's generation, kept in the browser (see assistant.ui.supersede)
        generation = gr.Number(0, precision=0, visible=False, elem_id="ask-generation")

    s = ctx.settings
    outputs = [chatbot, turns, cited, citations, panel, notice, status, question, conversation, saved]

    def saved_choices(principal: Principal, ws: str | None, lang: str) -> dict:
        """The History dropdown: the caller's conversations in ``ws``, newest first."""
        from assistant.history import Kind, list_items

        items = list_items(principal, ws, Kind.CONVERSATION, settings=s) if ws else []
        choices = [
            (f"{i.title} · {time.strftime('%Y-%m-%d %H:%M', time.localtime(i.updated))}", i.id) for i in items
        ]
        return gr.update(
            choices=choices, value=None, info=None if choices else labels.text("session.history_none", lang)
        )

    def remember(principal: Principal, ws: str, conv: str | None, history: list[dict], lang: str) -> tuple:
        """Save the finished turns to the caller's history; the item id and the refreshed list."""
        from assistant.history import HistoryNotFound, Kind, save, update

        done = [t for t in history if t.get("done")]
        payload = {"workspace": ws, "turns": done}
        try:
            try:
                item = update(principal, conv, payload=payload, settings=s) if conv else None
            except HistoryNotFound:
                item = None
            if item is None:
                item = save(
                    principal, Kind.CONVERSATION, done[0]["question"], payload, workspace=ws, settings=s
                )
            return item.id, saved_choices(principal, ws, lang)
        except Exception:
            log.exception("the conversation could not be saved to history")
            return conv, gr.skip()

    def ask(
        text: str,
        history: list[dict],
        lang: str,
        ws: str | None,
        conv: str | None,
        gen: float | None,
        request: gr.Request,
    ) -> Iterator[tuple]:
        """Answer one question, stopping silently once the conversation was cleared or replaced."""
        with superseder.answering(request.session_hash or "", Superseder.generation(gen)) as stale:
            yield from until_stale(answer_updates(text, history, lang, ws, conv, request), stale)

    def answer_updates(
        text: str, history: list[dict], lang: str, ws: str | None, conv: str | None, request: gr.Request
    ) -> Iterator[tuple]:
        from assistant.ratelimit import RateLimiter, RateLimitError
        from assistant.workspaces import require_access

        lang = normalize_language(lang)
        q = (text or "").strip()
        skip = gr.skip()
        if not q:
            yield (*[skip] * 5, labels.text("ask.empty_question", lang), *[skip] * 4)
            return
        if not ws:
            yield (*[skip] * 5, labels.text("session.no_workspace", lang), *[skip] * 4)
            return
        try:
            principal = principal_from_request(request, s)
            require_access(principal, ws, settings=s)
            RateLimiter.for_settings(s).check(principal.key)
        except WorkspaceAccessError as exc:
            yield (*[skip] * 5, access_message(labels, lang, exc), *[skip] * 4)
            return
        except RateLimitError as exc:
            yield (
                *[skip] * 5,
                labels.text("session.rate_limited", lang, seconds=exc.retry_seconds),
                *[skip] * 4,
            )
            return
        turn: dict[str, Any] = {"question": q, "answer": "", "citations": [], "done": False}
        history = [*history, turn]
        empty_sources = gr.update(choices=[], value=None)
        empty_panel = source_html(labels, lang, None)

        def emit(
            sources: Any = None,
            panel_html: Any = None,
            answer: Answer | None = None,
            saved_as: tuple = (skip, skip),
            clear_question: bool = False,
        ) -> tuple:
            # the question box is emptied once, when the question is taken: a later update would
            # wipe a follow-up the user has started typing while this answer finishes
            return (
                chat_messages(labels, lang, history),
                history,
                turn["citations"],
                gr.skip() if sources is None else sources,
                gr.skip() if panel_html is None else panel_html,
                "",
                status_text(labels, lang, service, answer),
                "" if clear_question else skip,
                *saved_as,
            )

        yield emit(empty_sources, empty_panel, clear_question=True)
        try:
            answerer = service.answerer(principal, ws)
        except Exception as exc:
            log.exception("the answerer could not start")
            turn.update(done=True, error=labels.text("ask.error_start", lang, error=_one_line(exc)))
            yield emit()
            return

        final: Answer | None = None
        try:
            for event in answerer.stream(q, history_pairs(history[:-1])):
                if event.kind == EventKind.PASSAGES:
                    turn["citations"] = [c.to_dict() for c in event.citations]
                    yield emit(_choices_update(labels, lang, turn["citations"]))
                elif event.kind == EventKind.TOKEN:
                    turn["answer"] += event.text
                    yield emit()
                elif event.kind == EventKind.FINAL and event.answer is not None:
                    final = event.answer
        except Exception as exc:
            log.exception("answering failed")
            turn.update(done=True, error=labels.text("ask.error_answer", lang, error=_error_text(exc)))
            yield emit()
            return

        if final is not None:
            turn["answer"] = final.text
            turn["citations"] = [_as_dict(c) for c in final.citations]
            turn["grounded"] = final.grounded
            turn["notes"] = list(final.notes)
        turn["done"] = True
        saved_as = remember(principal, ws, conv, history, lang)
        yield emit(_choices_update(labels, lang, turn["citations"]), empty_panel, final, saved_as)

    def show_source(n: str | None, sources: list[dict], lang: str) -> str:
        lang = normalize_language(lang)
        chosen = next((c for c in sources if str(c["n"]) == str(n)), None) if n else None
        return source_html(labels, lang, chosen)

    def next_generation(gen: float | None, request: gr.Request) -> int:
        """End the conversation's generation ``gen``: its answers stop and never update the screen."""
        return superseder.supersede(request.session_hash or "", Superseder.generation(gen))

    def reset(lang: str, gen: float | None, request: gr.Request) -> tuple:
        lang = normalize_language(lang)
        following = next_generation(gen, request)
        empty_panel = source_html(labels, lang, None)
        return [], [], [], gr.update(choices=[], value=None), empty_panel, "", "", None, following

    def refresh_saved(lang: str, ws: str | None, request: gr.Request) -> dict:
        lang = normalize_language(lang)
        try:
            return saved_choices(principal_from_request(request, s), ws, lang)
        except WorkspaceAccessError:
            return gr.update(choices=[], value=None, info=None)

    def open_saved(item_id: str | None, lang: str, gen: float | None, request: gr.Request) -> tuple:
        """Reopen a saved conversation (only the caller's own, in a workspace they may still use)."""
        from assistant.history import HistoryNotFound, load

        lang = normalize_language(lang)
        skip = gr.skip()
        if not item_id:
            return (*[skip] * 5, "", skip, skip)
        try:
            item = load(principal_from_request(request, s), item_id, settings=s)
        except (HistoryNotFound, WorkspaceAccessError):
            return (*[skip] * 5, labels.text("session.history_missing", lang), skip, skip)
        restored = [
            t for t in (item.payload or {}).get("turns", []) if isinstance(t, dict) and "question" in t
        ]
        last = restored[-1].get("citations", []) if restored else []
        return (
            chat_messages(labels, lang, restored),
            restored,
            last,
            _choices_update(labels, lang, last),
            source_html(labels, lang, None),
            "",
            item.id,
            next_generation(gen, request),
        )

    def forget_saved(
        item_id: str | None, conv: str | None, lang: str, ws: str | None, request: gr.Request
    ) -> tuple:
        """Delete a saved conversation; the one on screen stays but is no longer linked to it."""
        from assistant.history import HistoryNotFound, delete

        if not item_id:
            return gr.skip(), gr.skip()
        with contextlib.suppress(HistoryNotFound, WorkspaceAccessError):
            delete(principal_from_request(request, s), item_id, settings=s)
        return (None if conv == item_id else conv), refresh_saved(lang, ws, request)

    def relanguage(lang: str, history: list[dict], sources: list[dict], n: str | None) -> tuple:
        lang = normalize_language(lang)
        return (
            chat_messages(labels, lang, history),
            _choices_update(labels, lang, sources, value=n),
            show_source(n, sources, lang),
        )

    def warm_up(lang: str) -> Iterator[str]:
        """Page load: build the answerer, show the backend line, then load the embedding model."""
        try:
            service.get()
        except Exception:
            log.exception("the answerer could not start")
        yield status_text(labels, normalize_language(lang), service)
        if service.error is None:
            try:
                service.warm_embedder()
            except Exception:
                log.exception("the embedding model could not be loaded")

    for trigger in (send.click, question.submit):
        trigger(
            ask,
            [question, turns, ctx.lang, workspace, conversation, generation],
            outputs,
            show_progress="minimal",
        )
    citations.change(show_source, [citations, cited, ctx.lang], panel, show_progress="hidden")
    cleared = [chatbot, turns, cited, citations, panel, notice, question, conversation, generation]
    # The old answer is stopped by its generation (assistant.ui.supersede), not by Gradio's
    # ``cancels=``: a cancel closes the answer while its last update may still be on the way, and
    # that update then lands after the reset. A superseded answer stops at its next update, after
    # Gradio has sent the previous one, and the reset waits for that, so the reset shows last.
    # A reset may wait a moment, so it has no shared concurrency limit.
    clear.click(reset, [ctx.lang, generation], cleared, concurrency_limit=None)
    # a workspace picked by the user starts a new conversation; any change (also the page-load fill)
    # lists that workspace's saved conversations
    workspace.input(reset, [ctx.lang, generation], cleared, concurrency_limit=None)
    workspace.change(refresh_saved, [ctx.lang, workspace], saved, show_progress="hidden")
    reopen.click(
        open_saved,
        [saved, ctx.lang, generation],
        [chatbot, turns, cited, citations, panel, notice, conversation, generation],
        concurrency_limit=None,
    )

    def forget_session(request: gr.Request) -> None:
        superseder.forget(request.session_hash or "")

    ctx.demo.unload(forget_session)
    forget.click(forget_saved, [saved, conversation, ctx.lang, workspace], [conversation, saved])
    ctx.demo.load(refresh_saved, [ctx.lang, workspace], saved, show_progress="hidden")
    ctx.lang.change(relanguage, [ctx.lang, turns, cited, citations], [chatbot, citations, panel], queue=False)
    ctx.demo.load(warm_up, ctx.lang, status, show_progress="hidden")


def _panel_title(lang: str) -> str:
    return f"**{get_labels().text('ask.source_panel', lang)}**"


def _choices_update(labels: Labels, lang: str, sources: list[dict], value: str | None = None) -> dict:
    choices = [citation_choice(labels, lang, c) for c in sources]
    keep = value if value is not None and any(v == value for _, v in choices) else None
    return gr.update(choices=choices, value=keep)


def _as_dict(c: Citation | dict) -> dict:
    return c if isinstance(c, dict) else c.to_dict()
