"""Retrieval quality on XQuAD (Thai and English): recall@1, recall@5 and MRR@10 per mode.

Usage:
    python bench/retrieval_xquad.py                              # full run (1190 questions a language)
    python bench/retrieval_xquad.py --paragraphs 60 --limit 150  # quick run
    python bench/retrieval_xquad.py --data-dir /tmp/xq           # keep (and reuse) the ingested store

Each XQuAD paragraph becomes its own ``.txt`` file (named ``xqNNN.txt`` after its
position; the Thai and English files are parallel, so ``xq007.txt`` is the same
paragraph in both languages) and is ingested with the real pipeline into workspace
``th`` or ``en``. Every question is then searched with ``HybridRetriever`` in BM25,
dense and hybrid mode; a hit is relevant when its ``source`` is the question's
paragraph file. Paragraphs may be split into several chunks, so each ranked list is
de-duplicated by source (a source keeps its best rank) before scoring.

Query vectors are computed once, in batches, with ``Embedder.embed_queries`` and
served to the unchanged library code through :class:`PrecomputedQueryEmbedder`.
Cross-lingual rows search English questions in the Thai workspace (and Thai questions
in the English one). Targets: Thai hybrid recall@5 >= 0.95, cross-lingual (en→th)
hybrid recall@5 >= 0.85.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import (
    SHARED_TESTDATA,
    PrecomputedQueryEmbedder,
    format_table,
    load_embedder,
    load_note,
    log,
    peak_rss_mib,
    stopwatch,
)

from assistant.retrieval.hybrid import HybridRetriever, Mode
from ingest.pipeline import ingest
from ingest.store import Store

TARGET_TH_HYBRID_R5 = 0.95
TARGET_CROSS_HYBRID_R5 = 0.85


@dataclass(frozen=True)
class Question:
    """One XQuAD question with the file name of its gold paragraph."""

    qid: str
    text: str
    gold: str


@dataclass
class Scores:
    """Retrieval figures of one (questions, workspace, mode) run."""

    label: str
    mode: str
    n: int
    recall1: float
    recall5: float
    mrr10: float
    ms_per_query: float


def read_xquad(path: Path, max_paragraphs: int | None) -> tuple[list[str], list[Question]]:
    """Paragraph texts and questions of one XQuAD file, in file order (paragraph i -> ``xq{i:03d}.txt``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    paragraphs: list[str] = []
    questions: list[Question] = []
    for article in data["data"]:
        for para in article["paragraphs"]:
            if max_paragraphs is not None and len(paragraphs) >= max_paragraphs:
                return paragraphs, questions
            name = paragraph_file(len(paragraphs))
            paragraphs.append(para["context"])
            questions.extend(Question(qa["id"], qa["question"].strip(), name) for qa in para["qas"])
    return paragraphs, questions


def paragraph_file(index: int) -> str:
    """The file (and so the ``source``) name of paragraph ``index``."""
    return f"xq{index:03d}.txt"


def write_paragraphs(folder: Path, paragraphs: list[str]) -> None:
    """Write each paragraph to ``folder/xqNNN.txt`` (UTF-8), removing paragraph files not wanted any more."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {paragraph_file(i) for i in range(len(paragraphs))}
    for stale in folder.glob("xq*.txt"):
        if stale.name not in wanted:
            stale.unlink()
    for i, text in enumerate(paragraphs):
        target = folder / paragraph_file(i)
        if not target.exists() or target.read_text(encoding="utf-8") != text + "\n":
            target.write_text(text + "\n", encoding="utf-8")


def gold_rank(sources: list[str], gold: str) -> int | None:
    """1-based rank of ``gold`` among the de-duplicated ``sources`` (first occurrence wins), or None."""
    seen: list[str] = []
    for source in sources:
        if source not in seen:
            seen.append(source)
            if source == gold:
                return len(seen)
    return None


def evaluate(
    store: Store, workspace: str, questions: list[Question], mode: Mode, label: str, fetch: int
) -> Scores:
    """Search every question in ``workspace`` with ``mode`` and score the ranks of the gold paragraphs."""
    retriever = HybridRetriever(store=store, workspace=workspace, k=fetch, fetch_k=max(30, fetch), mode=mode)
    hits1 = hits5 = 0
    reciprocal = 0.0
    start = time.perf_counter()
    for q in questions:
        rank = gold_rank([h.source for h in retriever.search(q.text)], q.gold)
        if rank is not None:
            hits1 += rank <= 1
            hits5 += rank <= 5
            reciprocal += 1.0 / rank if rank <= 10 else 0.0
    elapsed = time.perf_counter() - start
    n = len(questions)
    return Scores(label, mode.value, n, hits1 / n, hits5 / n, reciprocal / n, 1000 * elapsed / n)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--qa-dir", type=Path, default=SHARED_TESTDATA / "qa", help="has xquad.{th,en}.json")
    parser.add_argument("--paragraphs", type=int, default=None, help="only the first N paragraphs (all: 240)")
    parser.add_argument("--limit", type=int, default=None, help="score at most N questions per language")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep the store here and reuse it next time (unchanged files are skipped; "
        "delete it after changing chunking or the model). Default: a fresh temp folder",
    )
    parser.add_argument("--fetch", type=int, default=30, help="hits taken per search before de-duplication")
    parser.add_argument("--batch-size", type=int, default=16, help="embedder batch size")
    parser.add_argument("--no-reverse", action="store_true", help="skip the th→en cross-lingual rows")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Ingest XQuAD, run every question in every mode and print the table."""
    args = parse_args(argv)
    th_file, en_file = args.qa_dir / "xquad.th.json", args.qa_dir / "xquad.en.json"
    if not th_file.is_file() or not en_file.is_file():
        print(f"XQuAD files not found in {args.qa_dir}", file=sys.stderr)
        return 2
    th_paras, th_questions = read_xquad(th_file, args.paragraphs)
    en_paras, en_questions = read_xquad(en_file, args.paragraphs)
    if len(th_paras) != len(en_paras):
        print("the Thai and English files are not parallel", file=sys.stderr)
        return 2
    if args.limit is not None:
        th_questions, en_questions = th_questions[: args.limit], en_questions[: args.limit]
    n_th, n_en = len(th_questions), len(en_questions)
    log(f"{len(th_paras)} paragraphs, {n_th} th / {n_en} en questions; {load_note()}")

    with stopwatch() as t_load:
        embedder = PrecomputedQueryEmbedder(load_embedder(args.batch_size))
    with tempfile.TemporaryDirectory(prefix="edunet-xquad-") as tmp:
        root = args.data_dir or Path(tmp)
        docs, data_dir = root / "docs", root / "data"
        write_paragraphs(docs / "th", th_paras)
        write_paragraphs(docs / "en", en_paras)
        store = Store.open(data_dir, embedder)
        ingest_info = []
        for ws in ("th", "en"):
            with stopwatch() as t_ing:
                report = ingest([docs / ws], store, workspace=ws, sync=True)
            chunks = store.manifest.count_chunks(ws)
            counts = {k: v for k, v in report.counts().items() if v}
            ingest_info.append((ws, counts, chunks, t_ing[0]))
            log(f"ingested {ws}: {counts}, {chunks} live chunks in {t_ing[0]:.1f}s")
        with stopwatch() as t_q:
            embedder.precompute([q.text for q in th_questions + en_questions])
        log(f"embedded {len(th_questions) + len(en_questions)} questions in {t_q[0]:.1f}s")

        runs = [("th→th", th_questions, "th"), ("en→en", en_questions, "en"), ("en→th", en_questions, "th")]
        if not args.no_reverse:
            runs.append(("th→en", th_questions, "en"))
        results: list[Scores] = []
        for label, questions, ws in runs:
            for mode in (Mode.BM25, Mode.DENSE, Mode.HYBRID):
                scores = evaluate(store, ws, questions, mode, label, args.fetch)
                results.append(scores)
                log(f"{label} {mode.value}: R@5 {scores.recall5:.3f} ({scores.ms_per_query:.1f} ms/query)")
        store.manifest.close()

    print_results(args, th_paras, ingest_info, t_load[0], t_q[0], results, embedder.misses)
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=2), encoding="utf-8")
    return 0


def print_results(
    args: argparse.Namespace,
    paragraphs: list[str],
    ingest_info: list[tuple[str, dict, int, float]],
    load_s: float,
    query_s: float,
    results: list[Scores],
    misses: int,
) -> None:
    """Print the set-up line, the ingest summary, the scores table and the targets."""
    print(f"\nXQuAD retrieval — {len(paragraphs)} paragraphs per language; {load_note()}")
    print(f"model load {load_s:.1f}s; question embedding {query_s:.1f}s; query-vector cache misses {misses}")
    for ws, counts, chunks, seconds in ingest_info:
        print(f"ingest {ws}: {counts} -> {chunks} chunks in {seconds:.1f}s")
    print()
    rows = [[r.label, r.mode, r.n, r.recall1, r.recall5, r.mrr10, r.ms_per_query] for r in results]
    print(format_table(["questions→docs", "mode", "n", "R@1", "R@5", "MRR@10", "ms/query"], rows))
    by = {(r.label, r.mode): r for r in results}
    print()
    for label, target, name in (
        ("th→th", TARGET_TH_HYBRID_R5, "Thai hybrid R@5"),
        ("en→th", TARGET_CROSS_HYBRID_R5, "cross-lingual (en→th) hybrid R@5"),
    ):
        value = by[(label, "hybrid")].recall5
        verdict = "PASS" if value >= target else "FAIL"
        print(f"target {name} >= {target:.2f}: {value:.3f} {verdict}")
    if args.limit is not None or args.paragraphs is not None:
        print("(partial run: --limit/--paragraphs set; figures are not comparable with a full run)")
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
