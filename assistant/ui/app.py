"""The Gradio app: a header with the language switch, then one tab per module in ``TABS``.

Usage:
    >>> from assistant.ui.app import build, launch
    >>> demo = build()                      # builds the page; nothing heavy loads yet
    >>> launch("127.0.0.1", 7860)           # serves it (blocks)

Adding a tab: write a module with ``build_tab(ctx: TabContext) -> None`` that opens its
own ``gr.Tab`` (label from ``ctx.t(...)``), registers its labels with ``ctx.relabel`` so
the language switch renames them, and reads the current language from ``ctx.lang`` in
its event handlers. Then add the module's name to ``TABS``. Load the store and models
inside handlers (first use), never at import or build time.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from assistant.settings import Settings, get_settings
from assistant.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, Labels, get_labels

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

TABS: tuple[str, ...] = (
    "assistant.ui.ask_tab",
    "assistant.ui.plan_tab",
    "assistant.ui.mou_tab",
    "assistant.ui.health_tab",
    "assistant.ui.partners_tab",
    "assistant.ui.portfolio_tab",
    "assistant.ui.workshop_tab",
    "assistant.ui.library_tab",
)
"""Tab modules, in display order; each exposes ``build_tab(ctx)``."""

LANGUAGE_NAMES = {"th": "ไทย", "en": "English"}

# System fonts only (no web-font downloads: the app runs offline). Thai first.
FONTS = [
    "Noto Sans Thai",
    "Sarabun",
    "Leelawadee UI",
    "Tahoma",
    "Loma",
    "Garuda",
    "ui-sans-serif",
    "system-ui",
    "sans-serif",
]
MONO_FONTS = ["ui-monospace", "Consolas", "DejaVu Sans Mono", "monospace"]

CSS = """
.gradio-container { width: 100% !important; max-width: 1180px !important; margin: 0 auto !important; }
#app-header h2 { margin-bottom: 0.1em; }
#app-header p { margin-top: 0; opacity: 0.8; }
#lang { max-width: 220px; margin-left: auto; }
#backend-status { font-size: 0.9em; opacity: 0.85; }
#ask-notice:empty, #library-message:empty { display: none; }
#source-panel .source-meta { font-size: 0.9em; opacity: 0.8; margin-bottom: 0.4em; }
#source-panel blockquote { white-space: pre-wrap; border-left: 3px solid var(--color-accent);
  margin: 0; padding: 0.4em 0.8em; background: var(--background-fill-secondary); }
#citations label { white-space: normal; }
#citations label.selected, #citations label.selected span {
  color: var(--button-primary-text-color) !important; }
#docs-table table, #docs-table th, #docs-table td, #docs-table span { font-family: var(--font) !important; }
"""

Relabel = str | Callable[[str], Any]
"""A label key (looked up with ``Labels.text``) or a function of the language code."""


@dataclass
class TabContext:
    """What every tab gets: settings, the labels, the language component and the relabel registry."""

    settings: Settings
    labels: Labels
    lang: gr.Radio
    demo: gr.Blocks
    relabels: list[tuple[gr.components.Component | gr.blocks.Block, dict[str, Relabel]]] = field(
        default_factory=list
    )

    def t(self, key: str, lang: str | None = None, **values: Any) -> str:
        """A UI string in ``lang`` (default: the initial language, Thai)."""
        return self.labels.text(key, lang or DEFAULT_LANGUAGE, **values)

    def relabel(self, block: Any, **props: Relabel) -> Any:
        """Register properties of ``block`` to recompute when the language changes; returns ``block``.

        ``ctx.relabel(button, value="ask.send")`` renames a button;
        ``ctx.relabel(box, label="ask.question", placeholder="ask.question_placeholder")``
        a textbox. A callable gets the language code and returns the property's value.
        """
        self.relabels.append((block, props))
        return block

    def resolve(self, prop: Relabel, lang: str) -> Any:
        """A registered property's value in ``lang``."""
        return prop(lang) if callable(prop) else self.labels.text(prop, lang)


def build(settings: Settings | None = None) -> gr.Blocks:
    """Build the page: header, language switch and the tabs. The index and models load on first use."""
    s = settings or get_settings()
    labels = get_labels()
    with gr.Blocks(title="EduNet Assistant", analytics_enabled=False, fill_width=True) as demo:
        with gr.Row(equal_height=True):
            header = gr.Markdown(_header(labels, DEFAULT_LANGUAGE), elem_id="app-header")
            lang = gr.Radio(
                [(LANGUAGE_NAMES[code], code) for code in LANGUAGES],
                value=DEFAULT_LANGUAGE,
                label=labels.text("app.language", DEFAULT_LANGUAGE),
                elem_id="lang",
                scale=0,
                min_width=200,
            )
        ctx = TabContext(settings=s, labels=labels, lang=lang, demo=demo)
        ctx.relabel(header, value=lambda code: _header(labels, code))
        from assistant.ui.session import session_bar

        session_bar(ctx)  # anonymous single-user notice, or who is logged in
        with gr.Tabs(elem_id="tabs"):
            for name in TABS:
                importlib.import_module(name).build_tab(ctx)

        blocks = [block for block, _ in ctx.relabels]

        def switch(code: str) -> list[Any]:
            code = code if code in LANGUAGES else DEFAULT_LANGUAGE
            return [
                gr.update(**{prop: ctx.resolve(value, code) for prop, value in props.items()})
                for _, props in ctx.relabels
            ]

        lang.change(switch, lang, blocks, queue=False, show_progress="hidden")
        remember_language(demo, lang)
    return demo


LANGUAGE_STORAGE_KEY = "edunet-language"
"""The browser's localStorage key that remembers the interface language across reloads."""


def remember_language(demo: gr.Blocks, lang: gr.Radio) -> gr.BrowserState:
    """Keep the language choice in the browser (``gr.BrowserState``) and restore it when the page loads.

    Restoring sets the switch, whose change event relabels the page like a click would. The value
    is not a secret: a fixed key lets a choice survive a server restart (a random one would not).
    """
    saved = gr.BrowserState(DEFAULT_LANGUAGE, storage_key=LANGUAGE_STORAGE_KEY, secret=LANGUAGE_STORAGE_KEY)

    def restore(code: str | None) -> Any:
        return code if code in LANGUAGES and code != DEFAULT_LANGUAGE else gr.skip()

    demo.load(restore, saved, lang, queue=False, show_progress="hidden")
    lang.change(lambda code: code if code in LANGUAGES else DEFAULT_LANGUAGE, lang, saved, queue=False)
    return saved


def assets() -> tuple[str, str]:
    """The page's CSS and head HTML: the app's own, then each tab module's ``CSS`` and ``HEAD``."""
    modules = [importlib.import_module(name) for name in TABS]
    css = CSS + "".join(getattr(m, "CSS", "") for m in modules)
    head = "".join(getattr(m, "HEAD", "") for m in modules)
    return css, head


def _header(labels: Labels, lang: str) -> str:
    return f"## {labels.text('app.title', lang)}\n{labels.text('app.subtitle', lang)}"


def theme() -> gr.themes.Base:
    """The app's theme: Gradio's Soft theme with local Thai-capable fonts."""
    return gr.themes.Soft(primary_hue="indigo", secondary_hue="teal", font=FONTS, font_mono=MONO_FONTS)


def launch(host: str = "127.0.0.1", port: int = 7860, settings: Settings | None = None) -> None:
    """Build and serve the app (blocks until stopped)."""
    s = settings or get_settings()
    demo = build(s)
    # Library uploads embed in this process, beside the searches: searches go first
    from assistant.retrieval.runtime import get_embedder

    get_embedder(s).search_first = True
    login: dict[str, Any] = {}
    if s.auth:  # accounts on: Gradio's login form, backed by assistant.access.accounts (lockout included)
        from assistant.ui.session import auth_function, auth_message

        login = {"auth": auth_function(s), "auth_message": auth_message()}
    css, head = assets()
    demo.queue(default_concurrency_limit=s.concurrency).launch(
        **login,
        prevent_thread_lock=True,
        server_name=host,
        server_port=port,
        show_error=True,
        theme=theme(),
        css=css,
        head=head,
        max_file_size=f"{s.max_upload_mb}mb",
        footer_links=["settings"],
        ssr_mode=False,
    )
    if s.auth:  # log-in sessions that expire and end on lockout, password change and removal
        from assistant.ui.session import install_session_tokens

        install_session_tokens(demo.server_app, s)
    demo.block_thread()
