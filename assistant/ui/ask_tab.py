"""The Ask tab: a chat that streams cited answers, the citations as clickable sources, a backend line.

The answering itself is :class:`assistant.ask.Answerer`; this module only shows its
event stream (PASSAGES → TOKEN* → FINAL, see :mod:`assistant.records`):

* PASSAGES fills the source list as soon as retrieval is done;
* TOKEN events grow the answer bubble;
* FINAL replaces the streamed text with the verified answer and its citations.

Conversation turns live in a per-session ``gr.State`` as plain dicts; the last
``HISTORY_TURNS`` finished turns go to ``Answerer.stream`` as ``(question, answer)`` pairs.
The answerer, the index and the model are built on first use (page load warms them up).
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.records import Answer, Citation, EventKind
from assistant.settings import Settings
from assistant.ui.i18n import Labels, get_labels, normalize_language

if TYPE_CHECKING:
    from assistant.llm import LLMStatus
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)

HISTORY_TURNS = 3
"""How many earlier question/answer pairs are passed to the answerer."""
CHAT_HEIGHT = 460


class AskService:
    """The answerer for one app, built once on first use (thread-safe); failures are retried next time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._answerer: Any = None
        self.status: LLMStatus | None = None
        self.error: str | None = None

    def get(self) -> tuple[Any, LLMStatus]:
        """The ``Answerer`` and the LLM status; raises (with a readable message) when it cannot start."""
        with self._lock:
            if self._answerer is None:
                try:
                    self._answerer, self.status = self._build()
                    self.error = None
                except Exception as exc:
                    self.error = _one_line(exc)
                    raise
            assert self.status is not None
            return self._answerer, self.status

    def warm_embedder(self) -> None:
        """Load the embedding model now, so that the first question does not wait for it."""
        from assistant.runtime import get_embedder

        _ = get_embedder(self.settings).model

    def _build(self) -> tuple[Any, LLMStatus]:
        from assistant.ask import Answerer
        from assistant.llm import get_chat_model
        from assistant.retrieval import HybridRetriever
        from assistant.runtime import get_store

        s = self.settings
        retriever = HybridRetriever(store=get_store(s), workspace=s.workspace, k=s.top_k)
        llm, status = get_chat_model(s)
        return Answerer(retriever, llm, status.backend), status


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

    tab = ctx.relabel(gr.Tab(ctx.t("tabs.ask"), id="ask", elem_id="tab-ask"), label="tabs.ask")
    with tab:
        status = gr.Markdown(status_text(labels, "th", service), elem_id="backend-status")
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

        turns = gr.State([])
        cited = gr.State([])

    outputs = [chatbot, turns, cited, citations, panel, notice, status, question]

    def ask(text: str, history: list[dict], lang: str) -> Iterator[tuple]:
        lang = normalize_language(lang)
        q = (text or "").strip()
        if not q:
            skip = gr.skip()
            yield (skip, skip, skip, skip, skip, labels.text("ask.empty_question", lang), skip, skip)
            return
        turn: dict[str, Any] = {"question": q, "answer": "", "citations": [], "done": False}
        history = [*history, turn]
        empty_sources = gr.update(choices=[], value=None)
        empty_panel = source_html(labels, lang, None)

        def emit(sources: Any = None, panel_html: Any = None, answer: Answer | None = None) -> tuple:
            return (
                chat_messages(labels, lang, history),
                history,
                turn["citations"],
                gr.skip() if sources is None else sources,
                gr.skip() if panel_html is None else panel_html,
                "",
                status_text(labels, lang, service, answer),
                "",
            )

        yield emit(empty_sources, empty_panel)
        try:
            answerer, _ = service.get()
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
        yield emit(_choices_update(labels, lang, turn["citations"]), empty_panel, final)

    def show_source(n: str | None, sources: list[dict], lang: str) -> str:
        lang = normalize_language(lang)
        chosen = next((c for c in sources if str(c["n"]) == str(n)), None) if n else None
        return source_html(labels, lang, chosen)

    def reset(lang: str) -> tuple:
        lang = normalize_language(lang)
        return [], [], [], gr.update(choices=[], value=None), source_html(labels, lang, None), "", ""

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

    asking = [
        trigger(ask, [question, turns, ctx.lang], outputs, show_progress="minimal")
        for trigger in (send.click, question.submit)
    ]
    citations.change(show_source, [citations, cited, ctx.lang], panel, show_progress="hidden")
    clear.click(
        reset,
        ctx.lang,
        [chatbot, turns, cited, citations, panel, notice, question],
        cancels=asking,  # queued, so it lands after an answer that was just sent, and cancels it
    )
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
