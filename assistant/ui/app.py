"""The Gradio app: assembles the tabs. Until the Ask tab lands, a search page over the index.

Usage:
    >>> from assistant.ui.app import build
    >>> demo = build()          # builds the page; the index opens on the first search
    >>> demo.launch()
"""

from __future__ import annotations

import html

import gradio as gr

from assistant.settings import Settings, get_settings

PROGRESS = gr.Progress()

LABELS = {
    "th": {
        "title": "EduNet Assistant — ผู้ช่วยเครือข่ายความร่วมมือทางการศึกษา",
        "query": "ค้นหาในเอกสาร",
        "placeholder": "เช่น องค์ประกอบของเครือข่ายความร่วมมือมีอะไรบ้าง",
        "button": "ค้นหา",
        "empty": "กรุณาพิมพ์คำค้น",
        "none": "ไม่พบข้อความที่เกี่ยวข้องในเอกสารของคุณ",
        "page": "หน้า",
    },
    "en": {
        "title": "EduNet Assistant — educational collaboration networks",
        "query": "Search your documents",
        "placeholder": "e.g. What are the components of a collaboration network?",
        "button": "Search",
        "empty": "Please type a query",
        "none": "Nothing relevant was found in your documents",
        "page": "page",
    },
}


def render_results(hits: list, lang: str) -> str:
    """Search hits as Markdown: numbered citations with document, page and the passage."""
    t = LABELS[lang]
    if not hits:
        return t["none"]
    parts = []
    for n, hit in enumerate(hits, start=1):
        where = f"**[{n}] {html.escape(hit.source)}** — {t['page']} {hit.page}"
        if hit.section:
            where += f" · {html.escape(hit.section)}"
        text = html.escape(" ".join(hit.text.split()))
        parts.append(f"{where}\n\n> {text}\n")
    return "\n".join(parts)


def build(settings: Settings | None = None) -> gr.Blocks:
    """Build the page. Nothing heavy happens until the first search."""
    s = settings or get_settings()

    def do_search(query: str, lang: str, progress: gr.Progress = PROGRESS) -> str:
        from assistant.retrieval import HybridRetriever
        from assistant.runtime import get_store

        lang = lang if lang in LABELS else "th"
        if not (query or "").strip():
            return LABELS[lang]["empty"]
        progress(0.1, desc="…")
        retriever = HybridRetriever(store=get_store(s), workspace=s.workspace, k=s.top_k)
        return render_results(retriever.search(query), lang)

    with gr.Blocks(title="EduNet Assistant") as demo:
        lang = gr.Radio(["th", "en"], value="th", label="ภาษา / Language", elem_id="lang")
        heading = gr.Markdown(f"## {LABELS['th']['title']}")
        query = gr.Textbox(
            label=LABELS["th"]["query"], placeholder=LABELS["th"]["placeholder"], elem_id="query"
        )
        button = gr.Button(LABELS["th"]["button"], variant="primary", elem_id="search")
        results = gr.Markdown(elem_id="results")

        def relabel(code: str):
            t = LABELS[code]
            return (
                gr.update(value=f"## {t['title']}"),
                gr.update(label=t["query"], placeholder=t["placeholder"]),
                gr.update(value=t["button"]),
            )

        lang.change(relabel, lang, [heading, query, button])
        button.click(do_search, [query, lang], results)
        query.submit(do_search, [query, lang], results)
    return demo


def launch(host: str = "127.0.0.1", port: int = 7860) -> None:
    """Build and serve the app (blocks until stopped)."""
    build().queue().launch(server_name=host, server_port=port, show_error=True)
