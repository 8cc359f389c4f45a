"""The Ask tab: a chat that streams cited answers, the citations as clickable sources, a backend line.

The answering itself is :class:`assistant.ask.Answerer`; this module only shows its
event stream (PASSAGES → SKELETON? → TOKEN* → FINAL, see :mod:`assistant.records` and
:func:`apply_event`):

* PASSAGES fills the source list as soon as retrieval is done;
* SKELETON (only when a model will write) shows the grounded extractive answer at once, with
  a note that the model is writing; the model's TOKEN draft is then kept aside;
* otherwise TOKEN events grow the answer bubble;
* FINAL replaces the shown text with the verified answer and its citations.

Answers are Markdown (a list answer is a numbered list). Each ``[n]`` is a clickable marker
(:func:`linked_answer`): the page's script (``HEAD``) hands the click to
:func:`picked_citation`, and the source panel (:func:`source_html`) shows that answer's
source n, the document's title and file, its page and section, and the whole passage with
the answer's sentences that cite it highlighted (:func:`highlight_passage`). A "not found"
answer carries no "check this answer" warning (:func:`is_refusal`).

Conversation turns live in a per-session ``gr.State`` as plain dicts; the last
``HISTORY_TURNS`` finished turns go to ``Answerer.stream`` as ``(question, answer)`` pairs.
The answerer, the index and the model are built on first use (page load warms them up).

Who asks, and where: each question comes from the request's principal (anonymous, or the
logged-in user, :mod:`assistant.ui.session`) in the workspace chosen in the selector; the
retriever is built by :func:`assistant.access.workspaces.scoped_retriever`, which refuses other
workspaces, and the question counts against the per-user rate limit
(:mod:`assistant.access.ratelimit`). Each finished turn is saved to the user's history
(:mod:`assistant.access.history`); the History accordion reopens earlier conversations.

This module holds the layout, the wiring and the handlers; the rendering is in
:mod:`assistant.ui.ask_render`, the passage highlighting in :mod:`assistant.ui.ask_passage`,
the turn state in :mod:`assistant.ui.ask_turns` (their names are re-exported here).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.access.workspaces import Principal, WorkspaceAccessError
from assistant.records import Answer, EventKind
from assistant.services.ask import AskService
from assistant.ui.ask_passage import (  # noqa: F401 - re-exported: tests import them from here
    cite_numbers,
    derive_quotes,
    find_quote,
    highlight_passage,
    passage_lines,
    passage_text,
    plain_quote,
    with_quotes,
)
from assistant.ui.ask_render import (  # noqa: F401 - re-exported
    bubble,
    chat_messages,
    citation_choice,
    is_refusal,
    linked_answer,
    picked_citation,
    source_html,
    status_text,
)
from assistant.ui.ask_turns import (  # noqa: F401 - re-exported
    HISTORY_TURNS,
    _error_text,
    _one_line,
    apply_event,
    finish_turn,
    history_pairs,
)
from assistant.ui.display import show_time
from assistant.ui.i18n import Labels, get_labels, normalize_language
from assistant.ui.session import access_message, principal_from_request, workspace_selector
from assistant.ui.supersede import Superseder, until_stale

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)

CHAT_HEIGHT = 460
ASK_OUTPUTS = 10
"""How many components one answer update sets (see the ``outputs`` wired to :meth:`_AskHandlers.ask`)."""

CSS = """
#chat a.cite { cursor: pointer; color: var(--color-accent) !important; font-weight: 600;
  text-decoration: none !important; border-radius: 4px; padding: 0 1px; white-space: nowrap; }
#chat a.cite:hover, #chat a.cite:focus-visible { background: var(--color-accent-soft);
  text-decoration: underline !important; outline: none; }
#chat .ask-writing { font-style: italic; opacity: 0.75; }
#chat ol { margin: 0.3em 0 0.3em 1.6em; padding-left: 0; }
#chat ol li { margin: 0.15em 0; }
#cite-pick { display: none !important; }
#source-panel .source-doc { line-height: 1.45; overflow-wrap: anywhere; }
#source-panel .source-n { font-weight: 600; color: var(--color-accent); margin-right: 0.2em; }
#source-panel .source-file { font-size: 0.85em; opacity: 0.7; margin-left: 0.35em; }
#source-panel .source-meta { font-size: 0.9em; opacity: 0.8; margin: 0.2em 0 0.5em; overflow-wrap: anywhere; }
#source-panel .source-ocr { display: inline-block; font-size: 0.85em; border: 1px solid currentColor;
  border-radius: 4px; padding: 0 0.35em; margin-left: 0.4em; opacity: 0.9; }
#source-panel blockquote.source-text { max-height: 420px; overflow-y: auto; overflow-wrap: anywhere; }
#source-panel mark { background: #fde68a; color: #1f2937; border-radius: 3px; padding: 0 2px;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
#source-panel mark.focus { background: #fbbf24; box-shadow: 0 0 0 2px #f59e0b; }
#citations label { overflow-wrap: anywhere; }
"""
"""The Ask tab's styles (added to the app's CSS by :func:`assistant.ui.app.launch`)."""

HEAD = r"""
<script>
/* Ask tab: a [n] in an answer opens that answer's source n in the source panel. Gradio keeps
   no script in Markdown, so one listener on the document handles every marker: it writes
   "turn:n:line:nonce" into the hidden #cite-pick box, whose change event runs pick_citation. */
(() => {
  if (window.edunetCite) return;
  window.edunetCite = { picked: 0 };
  const pick = (marker) => {
    const box = document.querySelector("#cite-pick textarea, #cite-pick input");
    const name = [...marker.classList].find((c) => /^cite-\d+-\d+(-\d+)?$/.test(c));
    if (!box || !name) return;
    const [, turn, n, line] = name.split("-");
    box.value = `${turn}:${n}:${line ?? ""}:${Date.now()}`;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    window.edunetCite.picked = Date.now();
  };
  const markerOf = (event) =>
    event.target instanceof Element ? event.target.closest("#chat a.cite") : null;
  document.addEventListener("click", (event) => {
    const marker = markerOf(event);
    if (!marker) return;
    event.preventDefault();
    event.stopPropagation();
    pick(marker);
  }, true);
  document.addEventListener("keydown", (event) => {
    const marker = markerOf(event);
    if (!marker || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    pick(marker);
  }, true);
  // a newly shown passage scrolls to its first highlight; after a click on a marker the panel
  // itself is scrolled into view
  const shown = new WeakSet();
  new MutationObserver(() => {
    const card = document.querySelector("#source-panel .source-card");
    if (!card || shown.has(card)) return;
    shown.add(card);
    const text = card.querySelector(".source-text");
    const mark = card.querySelector("mark.focus") || card.querySelector("mark");
    if (text && mark) {
      const offset = mark.getBoundingClientRect().top - text.getBoundingClientRect().top;
      text.scrollTop += offset - text.clientHeight / 4;
    }
    if (Date.now() - window.edunetCite.picked < 5000) {
      window.edunetCite.picked = 0;
      document.getElementById("source-panel")?.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  // the chat's copy button copies a message's Markdown: leave the markers' HTML out of it
  const clip = navigator.clipboard;
  if (clip && clip.writeText) {
    const write = clip.writeText.bind(clip);
    clip.writeText = (text) => write(typeof text === "string" && text.includes('class="cite ')
      ? text.replace(/<a class="cite[^"]*"[^>]*>(\[\d+\])<\/a>/g, "$1").replace(/<\/?(sub|span)[^>]*>/g, "")
          .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")
      : text);
  }
})();
</script>
"""
"""The Ask tab's script (put in the page's head by :func:`assistant.ui.app.launch`)."""


# ---------------------------------------------------------------- the tab


def build_tab(ctx: TabContext) -> None:
    """The Ask tab: chat, question box, sources and the source panel."""
    service = AskService(ctx.settings)
    w = _layout(ctx, service)
    _wire(ctx, w, _AskHandlers(get_labels(), ctx.settings, service, Superseder()))


def _wire(ctx: TabContext, w: Any, h: _AskHandlers) -> None:
    """Connect the components' events to the handlers."""
    outputs = [
        w.chatbot,
        w.turns,
        w.cited,
        w.citations,
        w.panel,
        w.notice,
        w.status,
        w.question,
        w.conversation,
        w.saved,
    ]
    assert len(outputs) == ASK_OUTPUTS, "an answer update must set every output"
    for trigger in (w.send.click, w.question.submit):
        trigger(
            h.ask,
            [w.question, w.turns, ctx.lang, w.workspace, w.conversation, w.generation],
            outputs,
            show_progress="minimal",
        )
    w.citations.input(h.show_source, [w.citations, w.cited, ctx.lang], w.panel, show_progress="hidden")
    # the page's script sets the box's value (a nonce makes every click a change); Gradio's
    # Textbox fires ``input`` only from the keyboard, ``change`` for any new value
    w.cite_pick.change(
        h.pick_citation,
        [w.cite_pick, w.turns, ctx.lang],
        [w.cited, w.citations, w.panel],
        show_progress="hidden",
        queue=False,
    )
    cleared = [
        w.chatbot,
        w.turns,
        w.cited,
        w.citations,
        w.panel,
        w.notice,
        w.question,
        w.conversation,
        w.generation,
    ]
    # The old answer is stopped by its generation (assistant.ui.supersede), not by Gradio's
    # ``cancels=``: a cancel closes the answer while its last update may still be on the way, and
    # that update then lands after the reset. A superseded answer stops at its next update, after
    # Gradio has sent the previous one, and the reset waits for that, so the reset shows last.
    # A reset may wait a moment, so it has no shared concurrency limit.
    w.clear.click(h.reset, [ctx.lang, w.generation], cleared, concurrency_limit=None)
    # a workspace picked by the user starts a new conversation; any change (also the page-load fill)
    # lists that workspace's saved conversations
    w.workspace.input(h.reset, [ctx.lang, w.generation], cleared, concurrency_limit=None)
    w.workspace.change(h.refresh_saved, [ctx.lang, w.workspace], w.saved, show_progress="hidden")
    w.reopen.click(
        h.open_saved,
        [w.saved, ctx.lang, w.generation],
        [w.chatbot, w.turns, w.cited, w.citations, w.panel, w.notice, w.conversation, w.generation],
        concurrency_limit=None,
    )

    ctx.demo.unload(h.forget_session)
    w.forget.click(
        h.forget_saved, [w.saved, w.conversation, ctx.lang, w.workspace], [w.conversation, w.saved]
    )
    ctx.demo.load(h.refresh_saved, [ctx.lang, w.workspace], w.saved, show_progress="hidden")
    ctx.lang.change(
        h.relanguage,
        [ctx.lang, w.turns, w.cited, w.citations],
        [w.chatbot, w.citations, w.panel],
        queue=False,
    )
    ctx.demo.load(h.warm_up, ctx.lang, w.status, show_progress="hidden")


def _layout(ctx: TabContext, service: AskService) -> Any:
    """The tab's components: status line, chat, question box, sources, the panel and saved conversations."""
    from types import SimpleNamespace

    labels = get_labels()
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
        # a clicked [n] in an answer: the page's script (ASK_HEAD) writes "turn:n:nonce" here
        cite_pick = gr.Textbox("", visible="hidden", elem_id="cite-pick", container=False)

    return SimpleNamespace(
        tab=tab,
        status=status,
        workspace=workspace,
        chatbot=chatbot,
        question=question,
        send=send,
        clear=clear,
        notice=notice,
        citations=citations,
        panel=panel,
        saved=saved,
        reopen=reopen,
        forget=forget,
        turns=turns,
        cited=cited,
        conversation=conversation,
        generation=generation,
        cite_pick=cite_pick,
    )


class _AskHandlers:
    """The Ask tab's event handlers: widgets in, a service call, widgets out."""

    def __init__(
        self, labels: Labels, settings: Settings, service: AskService, superseder: Superseder
    ) -> None:
        self.labels = labels
        self.s = settings
        self.service = service
        self.superseder = superseder

    def saved_choices(self, principal: Principal, ws: str | None, lang: str) -> dict:
        """The History dropdown: the caller's conversations in ``ws``, newest first."""
        labels, service = self.labels, self.service
        items = service.conversations(principal, ws)
        choices = [(f"{i.title} · {show_time(i.updated, lang)}", i.id) for i in items]
        return gr.update(
            choices=choices, value=None, info=None if choices else labels.text("session.history_none", lang)
        )

    def remember(
        self, principal: Principal, ws: str, conv: str | None, history: list[dict], lang: str
    ) -> tuple:
        """Save the finished turns to the caller's history; the item id and the refreshed list."""
        service = self.service
        try:
            item = service.save_conversation(principal, ws, conv, history)
            return item.id, self.saved_choices(principal, ws, lang)
        except Exception:
            log.exception("the conversation could not be saved to history")
            return conv, gr.skip()

    def ask(
        self,
        text: str,
        history: list[dict],
        lang: str,
        ws: str | None,
        conv: str | None,
        gen: float | None,
        request: gr.Request,
    ) -> Iterator[tuple]:
        """Answer one question, stopping silently once the conversation was cleared or replaced."""
        superseder = self.superseder
        updates = self.answer_updates(text, history, lang, ws, conv, request)
        with superseder.answering(request.session_hash or "", Superseder.generation(gen)) as stale:
            yield from until_stale(updates, stale, farewell=(gr.skip(),) * ASK_OUTPUTS)

    def answer_updates(
        self, text: str, history: list[dict], lang: str, ws: str | None, conv: str | None, request: gr.Request
    ) -> Iterator[tuple]:
        from assistant.access.ratelimit import RateLimitError
        from assistant.ui.session import charge_question

        labels, s, service = self.labels, self.s, self.service
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
            service.workspace(principal, ws)
            charge_question(s, principal, request)
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
                if event.kind == EventKind.FINAL:
                    final = event.answer
                elif apply_event(turn, event):
                    sources = event.kind == EventKind.PASSAGES
                    yield emit(_choices_update(labels, lang, turn["citations"]) if sources else None)
        except Exception as exc:
            log.exception("answering failed")
            turn.update(done=True, error=labels.text("ask.error_answer", lang, error=_error_text(exc)))
            yield emit()
            return

        finish_turn(turn, final)
        saved_as = self.remember(principal, ws, conv, history, lang)
        # the numbers [n] are the same from PASSAGES to FINAL: a source opened while the answer
        # was coming (or the model writing) stays open; the list keeps only the cited sources
        choices = [citation_choice(labels, lang, c) for c in turn["citations"]]
        yield emit(gr.update(choices=choices), None, final, saved_as)

    def show_source(self, n: str | None, sources: list[dict], lang: str) -> str:
        labels = self.labels
        lang = normalize_language(lang)
        chosen = next((c for c in sources if str(c["n"]) == str(n)), None) if n else None
        return source_html(labels, lang, chosen)

    def pick_citation(self, value: str | None, history: list[dict], lang: str) -> tuple:
        """A ``[n]`` clicked in an answer: that answer's sources, n chosen, its passage with the line."""
        labels = self.labels
        lang = normalize_language(lang)
        found = picked_citation(value, history)
        if found is None:
            return gr.skip(), gr.skip(), gr.skip()
        sources, n, focus = found
        chosen = next(c for c in sources if str(c["n"]) == n)
        return (
            sources,
            _choices_update(labels, lang, sources, value=n),
            source_html(labels, lang, chosen, focus),
        )

    def next_generation(self, gen: float | None, request: gr.Request) -> int:
        """End the conversation's generation ``gen``: its answers stop and never update the screen."""
        superseder = self.superseder
        return superseder.supersede(request.session_hash or "", Superseder.generation(gen))

    def reset(self, lang: str, gen: float | None, request: gr.Request) -> tuple:
        labels = self.labels
        lang = normalize_language(lang)
        following = self.next_generation(gen, request)
        empty_panel = source_html(labels, lang, None)
        return [], [], [], gr.update(choices=[], value=None), empty_panel, "", "", None, following

    def refresh_saved(self, lang: str, ws: str | None, request: gr.Request) -> dict:
        s = self.s
        lang = normalize_language(lang)
        try:
            return self.saved_choices(principal_from_request(request, s), ws, lang)
        except WorkspaceAccessError:
            return gr.update(choices=[], value=None, info=None)

    def open_saved(self, item_id: str | None, lang: str, gen: float | None, request: gr.Request) -> tuple:
        """Reopen a saved conversation (only the caller's own, in a workspace they may still use)."""
        from assistant.access.history import HistoryNotFound

        labels, s, service = self.labels, self.s, self.service
        lang = normalize_language(lang)
        skip = gr.skip()
        if not item_id:
            return (*[skip] * 5, "", skip, skip)
        try:
            item = service.open_conversation(principal_from_request(request, s), item_id)
        except (HistoryNotFound, WorkspaceAccessError):
            return (*[skip] * 5, labels.text("session.history_missing", lang), skip, skip)
        restored = item.turns
        last = restored[-1].get("citations", []) if restored else []
        return (
            chat_messages(labels, lang, restored),
            restored,
            last,
            _choices_update(labels, lang, last),
            source_html(labels, lang, None),
            "",
            item.id,
            self.next_generation(gen, request),
        )

    def forget_saved(
        self, item_id: str | None, conv: str | None, lang: str, ws: str | None, request: gr.Request
    ) -> tuple:
        """Delete a saved conversation; the one on screen stays but is no longer linked to it."""
        from assistant.access.history import HistoryNotFound

        s, service = self.s, self.service
        if not item_id:
            return gr.skip(), gr.skip()
        with contextlib.suppress(HistoryNotFound, WorkspaceAccessError):
            service.forget_conversation(principal_from_request(request, s), item_id)
        return (None if conv == item_id else conv), self.refresh_saved(lang, ws, request)

    def relanguage(self, lang: str, history: list[dict], sources: list[dict], n: str | None) -> tuple:
        labels = self.labels
        lang = normalize_language(lang)
        return (
            chat_messages(labels, lang, history),
            _choices_update(labels, lang, sources, value=n),
            self.show_source(n, sources, lang),
        )

    def warm_up(self, lang: str) -> Iterator[str]:
        """Page load: build the answerer, show the backend line, then load the embedding model."""
        labels, service = self.labels, self.service
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

    def forget_session(self, request: gr.Request) -> None:
        superseder = self.superseder
        superseder.forget(request.session_hash or "")


def _panel_title(lang: str) -> str:
    return f"**{get_labels().text('ask.source_panel', lang)}**"


def _choices_update(labels: Labels, lang: str, sources: list[dict], value: str | None = None) -> dict:
    choices = [citation_choice(labels, lang, c) for c in sources]
    keep = value if value is not None and any(v == value for _, v in choices) else None
    return gr.update(choices=choices, value=keep)
