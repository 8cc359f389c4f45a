"""Retrieval on real, long documents in four directions, ours against the LangChain tutorial pipeline.

Usage::

    python bench/retrieval_real.py                     # every question, every system
    python bench/retrieval_real.py --split dev -v      # the dev half, with each miss listed
    python bench/retrieval_real.py --systems ours,peer
    python bench/retrieval_real.py --systems ours,ours-e5rerank      # e5 re-ranking over sections

The library is the starter corpus, the seed article and the readable PDFs of
``../shared/testdata/pdf`` (statutes, reports, a plan, a newsletter, MOUs, a 101-page
curriculum framework), indexed together (:mod:`library`). The questions
(``bench/data/retrieval_real.jsonl``) were written from the pages: Thai→Thai,
English→Thai, Thai→English and English→English, tagged by failure class (a heading and
its items apart, many short items on a page, noisy text, paraphrase, plain fact).

A result is right when it comes from the gold document and its text holds one of the
gold answer phrases (:mod:`textmatch`: compared without tone marks, spaces and
punctuation, so every extractor's damage is treated alike); "page" also asks for the
gold page. Recall@1, recall@5 and MRR@10 per direction, for:

* ``ours`` – the app's retriever as configured by default;
* ``ours-dense`` / ``ours-bm25`` – its two halves alone (ablations);
* ``ours-e5rerank`` – ours, with the fused top 30 re-ranked by the e5 model over each
  hit's section (:class:`assistant.retrieval.rerank.SectionReranker`);
* ``ours-crossencoder`` – ours re-ranked by a local cross-encoder (``--reranker DIR``);
* ``peer`` – PyPDFLoader/TextLoader, RecursiveCharacterTextSplitter 1000/200, Chroma, the
  same e5 model, dense only (:mod:`tutorial_peer`).

Questions are split into ``dev`` (used while building) and ``test`` (reported, never
tuned on); the table shows both and all.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from common import REPO_ROOT, load_embedder, load_note, log, markdown_table, percentile
from textmatch import holds_any

DATA = REPO_ROOT / "bench" / "data" / "retrieval_real.jsonl"
DIRECTIONS = ("th-th", "en-th", "th-en", "en-en")
LABELS = {
    "th-th": "Thai → Thai",
    "en-th": "English → Thai",
    "th-en": "Thai → English",
    "en-en": "English → English",
}
K = 10


@dataclass
class Question:
    id: str
    text: str
    direction: str
    kind: str
    golds: list[dict]
    split: str


@dataclass
class Result:
    """Where the first right passage came (None: not in the top 10), per question."""

    rank: int | None
    page_rank: int | None
    seconds: float


@dataclass
class Run:
    system: str
    results: dict[str, Result] = field(default_factory=dict)


def load_questions(path: Path = DATA) -> list[Question]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Question(d["id"], d["question"], d["direction"], d["class"], d["golds"], d["split"]))
    return out


def judge(hits: list[tuple[str, int, str]], golds: list[dict]) -> tuple[int | None, int | None]:
    """The 1-based rank of the first hit that holds a gold answer, and of the first on the gold page too."""
    rank = page_rank = None
    for i, (source, page, text) in enumerate(hits, start=1):
        for gold in golds:
            if source == gold["doc"] and holds_any(text, gold["answers"]):
                rank = rank or i
                if page == gold["page"]:
                    page_rank = page_rank or i
    return rank, page_rank


def run_system(
    name: str, search: Callable[[str], list[tuple[str, int, str]]], questions: list[Question]
) -> Run:
    run = Run(name)
    for q in questions:
        start = time.perf_counter()
        hits = search(q.text)[:K]
        seconds = time.perf_counter() - start
        run.results[q.id] = Result(*judge(hits, q.golds), seconds)
    return run


def scores(run: Run, questions: list[Question]) -> dict[str, float]:
    ranks = [run.results[q.id].rank for q in questions]
    pages = [run.results[q.id].page_rank for q in questions]
    n = max(1, len(questions))
    return {
        "n": len(questions),
        "r1": sum(1 for r in ranks if r == 1) / n,
        "r5": sum(1 for r in ranks if r and r <= 5) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "page5": sum(1 for r in pages if r and r <= 5) / n,
    }


def systems(
    lib, wanted: set[str], reranker_dir: Path | None = None
) -> dict[str, Callable[[str], list[tuple[str, int, str]]]]:
    """The search functions to compare, each returning (source, page, text) best first."""
    from assistant.retrieval.hybrid import HybridRetriever, Mode
    from assistant.retrieval.rerank import CrossEncoderReranker, SectionReranker

    def ours(mode: Mode, reranker=None) -> Callable[[str], list[tuple[str, int, str]]]:
        retriever = HybridRetriever(
            store=lib.store, workspace=lib.workspace, k=K, mode=mode, reranker=reranker
        )
        return lambda q: [(h.source, h.page, h.text) for h in retriever.search(q, K)]

    out: dict[str, Callable[[str], list[tuple[str, int, str]]]] = {}
    if "ours" in wanted:
        out["ours"] = ours(Mode.HYBRID)
    if "ours-dense" in wanted:
        out["ours-dense"] = ours(Mode.DENSE)
    if "ours-bm25" in wanted:
        out["ours-bm25"] = ours(Mode.BM25)
    if "ours-e5rerank" in wanted:
        out["ours-e5rerank"] = ours(Mode.HYBRID, SectionReranker(lib.embedder, lib.store.manifest))
    if reranker_dir is not None:
        out["ours-crossencoder"] = ours(Mode.HYBRID, CrossEncoderReranker(reranker_dir))
    if "peer" in wanted:
        peer = lib.peer()
        out["peer"] = lambda q: [(h.source, h.page, h.text) for h in peer.search(q, K)]
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--systems", default="ours,ours-dense,ours-bm25,peer")
    parser.add_argument("--chunk-target", type=int, default=700)
    parser.add_argument(
        "--reranker", type=Path, default=None, help="a local CrossEncoder folder: adds ours-crossencoder"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list the misses of the first system (dev only)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from library import BenchLibrary

    questions = load_questions(args.data)
    if args.split != "all":
        questions = [q for q in questions if q.split == args.split]
    log(f"{len(questions)} questions; {load_note()}")
    lib = BenchLibrary.build(load_embedder(), args.chunk_target)
    runs = []
    for name, search in systems(lib, set(args.systems.split(",")), args.reranker).items():
        search(questions[0].text)  # warm up
        runs.append(run_system(name, search, questions))
        s = scores(runs[-1], questions)
        log(f"{name}: R@5 {s['r5']:.3f} MRR {s['mrr']:.3f}")
    if args.verbose and runs:
        show_misses(runs[0], [q for q in questions if q.split == "dev"])
    report(runs, questions, args)
    return 0


def show_misses(run: Run, questions: list[Question]) -> None:
    for q in questions:
        r = run.results[q.id]
        if not r.rank or r.rank > 5:
            golds = "; ".join(f"{g['doc']} p{g['page']}" for g in q.golds)
            print(f"MISS {q.id} [{q.direction} {q.kind}] rank={r.rank} {q.text}  → {golds}", file=sys.stderr)


def report(runs: list[Run], questions: list[Question], args: argparse.Namespace) -> None:
    by_dir = {d: [q for q in questions if q.direction == d] for d in DIRECTIONS}
    print(f"\n## Retrieval on real documents ({time.strftime('%Y-%m-%d')}, {load_note()})\n")
    print(f"{len(questions)} questions ({args.split}); a hit is right when it is from the gold document and")
    print("holds a gold answer phrase. R@k: share with a right hit in the top k; MRR over the top 10.\n")
    headers = [
        "system",
        *(f"{LABELS[d]} R@5 / MRR" for d in DIRECTIONS),
        "all R@1",
        "all R@5",
        "all MRR",
        "R@5 page",
    ]
    rows = []
    for run in runs:
        row: list[object] = [run.system]
        for d in DIRECTIONS:
            s = scores(run, by_dir[d])
            row.append(f"{s['r5']:.2f} / {s['mrr']:.2f} (n={s['n']})")
        total = scores(run, questions)
        row += [total["r1"], total["r5"], total["mrr"], total["page5"]]
        rows.append(row)
    print(markdown_table(headers, rows))
    kinds = sorted({q.kind for q in questions})
    print("\nRecall@5 by failure class:\n")
    rows = []
    for run in runs:
        rows.append([run.system, *(scores(run, [q for q in questions if q.kind == k])["r5"] for k in kinds)])
    print(
        markdown_table(["system", *(f"{k} (n={sum(q.kind == k for q in questions)})" for k in kinds)], rows)
    )
    print("\nSearch time per question (ms):\n")
    rows = []
    for run in runs:
        times = [r.seconds * 1000 for r in run.results.values()]
        rows.append([run.system, percentile(times, 50), percentile(times, 95)])
    print(markdown_table(["system", "p50", "p95"], rows))
    if args.json:
        out = {run.system: {d: scores(run, by_dir[d]) for d in DIRECTIONS} for run in runs}
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
