"""Time to a complete draft (plan, MOU, portfolio guide, workshop agenda), backends `none` and `embedded`.

Usage:
    python bench/draft_time.py                                   # the plan, Thai, none + embedded
    python bench/draft_time.py --tools plan,mou,portfolio,workshop --backends embedded
    python bench/draft_time.py --languages th,en --runs 3 --data-dir /tmp/edunet-bench

The starter corpus is indexed into ``--data-dir`` (a temporary folder by default; an
existing index is reused, unchanged files are skipped). For each tool, backend and language
the script drafts the example form ``examples/<tool>.<language>.yaml`` through the tool's
``stream_*`` function and prints: time to the first section, time to the complete draft
(p50 over the runs), sections, citations, model paragraphs kept and dropped, and the DOCX
export time. The embedded model is started (and warmed with one call) before timing; its
start-up time is printed separately. When the model file is missing, ``embedded`` is
skipped with a note.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml
from common import REPO_ROOT, format_table, load_embedder, load_note, log, percentile

from assistant.access.workspaces import SYSTEM
from assistant.drafting.notes import DraftNote

WORKSPACE = "default"


def build_index(data_dir: Path):
    """The store under ``data_dir`` with the starter corpus indexed (reused when already there)."""
    from ingest.pipeline import ingest
    from ingest.store import Store

    store = Store.open(data_dir, load_embedder())
    started = time.perf_counter()
    report = ingest([REPO_ROOT / "corpus"], store, workspace=WORKSPACE)
    log(f"index ready in {time.perf_counter() - started:.1f} s ({report.counts()})")
    return store


TOOLS = {
    "plan": ("assistant.plan.draft", "stream_plan"),
    "mou": ("assistant.mou.draft", "stream_mou_draft"),
    "portfolio": ("assistant.portfolio", "stream_portfolio"),
    "workshop": ("assistant.workshop", "stream_workshop"),
}
"""Each tool: the module and its ``stream_*(form, ctx)`` function."""


def time_draft(store, settings, tool: str, backend: str, language: str, llm) -> dict:
    """One draft of ``tool``'s example form: times to first section and to the end, and what it contains."""
    import importlib

    from assistant.drafting.engine import DraftEventKind, draft_context
    from assistant.drafting.export import to_docx_bytes
    from assistant.retrieval.hybrid import HybridRetriever

    module, function = TOOLS[tool]
    stream = getattr(importlib.import_module(module), function)
    form = yaml.safe_load((REPO_ROOT / "examples" / f"{tool}.{language}.yaml").read_text("utf-8"))
    retriever = HybridRetriever(store=store, workspace=WORKSPACE, k=5)
    started = time.perf_counter()
    ctx = draft_context(
        settings, WORKSPACE, language, backend=backend, retriever=retriever, llm=llm, principal=SYSTEM
    )
    first = None
    draft = None
    for event in stream(form, ctx):
        if event.kind is DraftEventKind.SECTION and first is None:
            first = time.perf_counter() - started
        if event.draft is not None:
            draft = event.draft
    total = time.perf_counter() - started
    assert draft is not None and not draft.problems(), draft.problems() if draft else "no draft"
    export_started = time.perf_counter()
    to_docx_bytes(draft)
    export_s = time.perf_counter() - export_started
    generated = sum(1 for s in draft.sections for b in s.blocks if b.generated)
    dropped = len(DraftNote.find(draft.notes, DraftNote.PROSE_DROPPED, DraftNote.PROSE_FAILED))
    return {
        "first": first or total,
        "total": total,
        "sections": len(draft.sections),
        "citations": len(draft.citations),
        "generated": generated,
        "dropped": dropped,
        "export": export_s,
        "backend": draft.backend,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="none,embedded", help="comma-separated: none, embedded")
    parser.add_argument("--languages", default="th", help="comma-separated: th, en")
    parser.add_argument("--tools", default="plan", help=f"comma-separated: {', '.join(TOOLS)}")
    parser.add_argument("--runs", type=int, default=1, help="drafts per tool, backend and language")
    parser.add_argument("--data-dir", type=Path, default=None, help="keep the index here between runs")
    args = parser.parse_args()
    tools = [x.strip() for x in args.tools.split(",") if x.strip()]
    unknown = [x for x in tools if x not in TOOLS]
    if unknown:
        parser.error(f"unknown tool(s) {', '.join(unknown)}: choose from {', '.join(TOOLS)}")

    from assistant.settings import get_settings

    settings = get_settings()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="edunet-draft-bench-"))
    store = build_index(data_dir)
    rows = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        llm: object = False
        if backend == "embedded":
            model_file = settings.llm_model_path
            if not model_file.is_file():
                print(f"embedded: skipped, the model file is missing ({model_file}); run `edunet setup`")
                continue
            from assistant.llm.backends import get_chat_model

            started = time.perf_counter()
            model, status = get_chat_model(settings, "embedded")
            if model is None:
                print(f"embedded: skipped, the backend is not usable ({status.message})")
                continue
            model.invoke("สวัสดี")  # warm-up: server start and first prompt are not part of a draft
            print(f"embedded model started and warmed in {time.perf_counter() - started:.1f} s")
            llm = model
        for tool in tools:
            for language in [x.strip() for x in args.languages.split(",") if x.strip()]:
                results = []
                for run in range(args.runs):
                    result = time_draft(store, settings, tool, backend, language, llm)
                    log(f"{tool}/{backend}/{language} run {run + 1}: {result['total']:.1f} s")
                    results.append(result)
                last = results[-1]
                rows.append(
                    [
                        tool,
                        backend,
                        language,
                        args.runs,
                        f"{percentile([r['first'] for r in results], 50):.2f}",
                        f"{percentile([r['total'] for r in results], 50):.2f}",
                        last["sections"],
                        last["citations"],
                        f"{last['generated']} / {last['dropped']}",
                        f"{last['export']:.2f}",
                    ]
                )
    store.manifest.close()
    headers = [
        "tool",
        "backend",
        "lang",
        "runs",
        "first section s",
        "complete draft s (p50)",
        "sections",
        "citations",
        "prose kept / dropped",
        "DOCX export s",
    ]
    print(format_table(headers, rows))
    print(load_note())


if __name__ == "__main__":
    main()
