"""Ingest throughput: pages/s and chunks/s of the whole pipeline versus the embedder's raw speed.

Usage:
    python bench/ingest_throughput.py              # corpus/ + the readable PDFs of ../shared/testdata/pdf
    python bench/ingest_throughput.py --limit 6    # quick run: 6 files (Markdown and PDF taken in turn)
    python bench/ingest_throughput.py --no-pdfs    # only the repo's corpus/

The files are copied to a temp folder and ingested into a fresh temp store with the
real pipeline (load → repair → chunk → embed → index). The model is loaded and the
Thai tokenizer warmed up first, so one-off start-up costs are reported apart.

Then the very same chunk texts (title + section + text, as the pipeline embeds them)
are embedded again with ``Embedder.embed_passages``: once grouped as the pipeline
groups them (per document, 64 at a time), and once in a single call. Pipeline
overhead = (pipeline time − raw encode time) / pipeline time; target < 20 %.
Finally the unchanged folder is ingested again; target: < 5 % of the first ingest.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from common import (
    REPO_ROOT,
    SHARED_TESTDATA,
    TimedEmbedder,
    format_table,
    load_embedder,
    load_note,
    log,
    peak_rss_mib,
    stopwatch,
    wait_for_quiet,
)

from ingest.chunking import Chunker
from ingest.lexical import tokenize
from ingest.loaders import load
from ingest.pipeline import Outcome, Report, _indexed_text, discover, ingest
from ingest.records import Page
from ingest.store import Store

TARGET_OVERHEAD = 0.20
TARGET_REINGEST = 0.05
PIPELINE_BATCH = 64
"""``VectorIndex.add``'s default batch: the pipeline embeds each document's chunks 64 at a time."""


def readable_pdfs(pdf_dir: Path) -> list[Path]:
    """PDFs of ``pdf_dir`` that have a usable text layer, per ``MANIFEST.tsv`` (negative tests left out)."""
    manifest = pdf_dir.parent / "MANIFEST.tsv"
    if not manifest.is_file():
        return sorted(pdf_dir.glob("*.pdf"))
    with manifest.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    names = [
        Path(r["file"]).name
        for r in rows
        if r["file"].startswith("pdf/") and "NEGATIVE TEST" not in (r.get("notes") or "")
    ]
    return [pdf_dir / n for n in sorted(names) if (pdf_dir / n).is_file()]


def stage_corpus(dest: Path, corpus: list[Path], pdfs: list[Path], limit: int | None) -> list[Path]:
    """Copy the corpus documents and PDFs under ``dest`` (at most ``limit`` files, kinds in turn)."""
    docs: list[tuple[Path, str]] = []
    for root in corpus:
        found, _skipped = discover([root])
        docs.extend((path, f"{root.name}/{rel}") for path, rel in found)
    pdf_items = [(p, f"pdf/{p.name}") for p in pdfs]
    chosen = docs + pdf_items
    if limit is not None:
        chosen, i = [], 0
        while len(chosen) < limit and (i < len(docs) or i < len(pdf_items)):
            chosen.extend(item for item in (docs[i : i + 1] + pdf_items[i : i + 1]))
            i += 1
        chosen = chosen[:limit]
    for path, rel in chosen:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return [dest / rel for _, rel in chosen]


def warm_up(embedder: TimedEmbedder) -> None:
    """Load the model and pythainlp's dictionary, so the timed run measures steady-state work."""
    long_th = "การศึกษาเพื่อการพัฒนาที่ยั่งยืนของโรงเรียนขนาดเล็กในชนบท " * 12
    long_en = "Teachers in the network share lesson plans and assessment rubrics. " * 9
    embedder.inner.embed_passages([long_th[:600], long_en[:600]] * 8)  # full-length batches, not just load
    tokenize("การศึกษาเพื่อการพัฒนาที่ยั่งยืน education")
    Chunker().split([Page(1, "การศึกษาเพื่อการพัฒนาที่ยั่งยืนของโรงเรียนขนาดเล็ก " * 30)])


def chunk_texts_by_document(store: Store, workspace: str) -> list[list[str]]:
    """The texts the pipeline embedded, per document in ingest order, rebuilt from the manifest."""
    docs = sorted(
        (d for d in store.manifest.documents(workspace) if d.status == "ready"),
        key=lambda d: (d.updated_at, d.id),
    )
    return [
        [_indexed_text(hit.header(), hit.text) for hit in store.manifest.document_chunks(d.id)] for d in docs
    ]


def pages_and_chunks(report: Report) -> tuple[int, int, int]:
    """Pages loaded, chunks indexed and pages flagged for OCR over the files that were processed."""
    done = [r for r in report.results if r.outcome not in (Outcome.SKIPPED, Outcome.FAILED)]
    return sum(r.pages for r in done), sum(r.chunks for r in done), sum(len(r.needs_ocr_pages) for r in done)


@dataclass
class Trial:
    """One ingest into a fresh store plus the raw re-encode of its chunk texts (seconds: wall, CPU)."""

    pipeline: list[float]
    embed_inside: float
    raw_batched: list[float]
    raw_one_call: list[float]
    report: Report


def run_trial(embedder: TimedEmbedder, src: Path, data: Path) -> tuple[Trial, Store]:
    """Ingest ``src`` into a fresh store at ``data``, then embed the same chunk texts again, raw."""
    embedder.passage_seconds, embedder.passages = 0.0, 0
    store = Store.open(data, embedder)
    with stopwatch() as t_pipe:
        report = ingest([src], store, workspace="bench")
    embed_inside = embedder.passage_seconds
    groups = chunk_texts_by_document(store, "bench")
    texts = [t for g in groups for t in g]
    _pages, chunks, _ocr = pages_and_chunks(report)
    if len(texts) != chunks:
        log(f"warning: {len(texts)} chunk texts in the manifest but the report says {chunks}")
    with stopwatch() as t_raw:
        for group in groups:
            for i in range(0, len(group), PIPELINE_BATCH):
                embedder.inner.embed_passages(group[i : i + PIPELINE_BATCH])
    with stopwatch() as t_one:
        embedder.inner.embed_passages(texts)
    log(
        f"ingest {t_pipe[0]:.1f}s wall / {t_pipe[1]:.1f}s CPU (embedder {embed_inside:.1f}s); raw encode "
        f"{t_raw[0]:.1f}s / {t_raw[1]:.1f}s CPU (pipeline batching), {t_one[0]:.1f}s (one call)"
    )
    return Trial(list(t_pipe), embed_inside, list(t_raw), list(t_one), report), store


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", help="folder to ingest (repeatable)")
    parser.add_argument("--pdf-dir", type=Path, default=SHARED_TESTDATA / "pdf", help="folder of test PDFs")
    parser.add_argument("--no-pdfs", action="store_true", help="leave the shared PDFs out")
    parser.add_argument("--limit", type=int, default=None, help="ingest at most N files")
    parser.add_argument("--repeat", type=int, default=2, help="fresh ingests (+ raw encodes); best wins")
    parser.add_argument("--batch-size", type=int, default=16, help="embedder batch size")
    parser.add_argument(
        "--wait-quiet", type=float, default=0, help="wait up to N s for the load average to drop below 1"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the fresh ingests, the raw re-encodes and the unchanged re-ingest; print the table."""
    args = parse_args(argv)
    corpus = args.corpus or [REPO_ROOT / "corpus"]
    pdfs = [] if args.no_pdfs or not args.pdf_dir.is_dir() else readable_pdfs(args.pdf_dir)
    if args.wait_quiet:
        wait_for_quiet(args.wait_quiet)
    log(load_note())
    before = load_note()
    with stopwatch() as t_warm:
        embedder = TimedEmbedder(load_embedder(args.batch_size))
        warm_up(embedder)

    with tempfile.TemporaryDirectory(prefix="edunet-ingest-bench-") as tmp:
        src = Path(tmp) / "src"
        files = stage_corpus(src, corpus, pdfs, args.limit)
        log(f"{len(files)} files ({sum(f.suffix == '.pdf' for f in files)} PDF) copied to {src}")
        trials: list[Trial] = []
        store: Store | None = None
        for r in range(max(1, args.repeat)):
            if store is not None:
                store.manifest.close()
            trial, store = run_trial(embedder, src, Path(tmp) / f"data{r}")
            trials.append(trial)
        assert store is not None

        with stopwatch() as t_load:
            for path in files:
                load(path, source=path.name)
        again_times = []
        for _ in range(3):
            with stopwatch() as t_again:
                again = ingest([src], store, workspace="bench")
            again_times.append(t_again[0])
        log(f"re-ingest {min(again_times):.2f}s (best of 3): {again.counts()}")
        store.manifest.close()

    print_results(args, files, trials, t_warm, t_load, min(again_times), again, before)
    return 0


def print_results(
    args: argparse.Namespace,
    files: list[Path],
    trials: list[Trial],
    t_warm: list[float],
    t_load: list[float],
    again_s: float,
    again: Report,
    before: str,
) -> None:
    """Print the figures table (best trial, by wall time) with the targets."""
    best = min(trials, key=lambda t: t.pipeline[0])
    raw = min((t.raw_batched for t in trials), key=lambda x: x[0])
    one = min((t.raw_one_call for t in trials), key=lambda x: x[0])
    pages, chunks, ocr_pages = pages_and_chunks(best.report)
    pipe_s = best.pipeline[0]
    overhead = (pipe_s - raw[0]) / pipe_s
    overhead_one = (pipe_s - one[0]) / pipe_s
    non_embed = (pipe_s - best.embed_inside) / pipe_s
    reingest = again_s / pipe_s
    unchanged = again.counts()["unchanged"]
    counts = {k: v for k, v in best.report.counts().items() if v}
    size = f"{len(files)} files, {pages} pages, {chunks} chunks"
    print(f"\nIngest throughput — {size}; best of {len(trials)} runs")
    print(f"before: {before}; after: {load_note()}")
    print(f"counts: {counts}; pages flagged for OCR: {ocr_pages}")
    print(f"warm-up (model load + pythainlp) {t_warm[0]:.1f}s, not counted below")
    print(
        "all runs, wall s (pipeline / raw batched / raw one call): "
        + "; ".join(f"{t.pipeline[0]:.1f} / {t.raw_batched[0]:.1f} / {t.raw_one_call[0]:.1f}" for t in trials)
    )
    print()
    rows: list[list[object]] = [
        ["whole pipeline (first ingest)", pipe_s, best.pipeline[1], f"{pages / pipe_s:.2f} pages/s", ""],
        ["", "", "", f"{chunks / pipe_s:.2f} chunks/s", ""],
        ["  embedder calls inside it", best.embed_inside, "", f"{1 - non_embed:.1%} of it", ""],
        ["  everything else", pipe_s - best.embed_inside, "", f"{non_embed:.1%} of it", ""],
        ["raw encode, pipeline batching", raw[0], raw[1], f"{chunks / raw[0]:.2f} chunks/s", ""],
        ["raw encode, one call", one[0], one[1], f"{chunks / one[0]:.2f} chunks/s", ""],
        ["overhead vs raw batching", f"{overhead:.1%}", "", "", _verdict(overhead < TARGET_OVERHEAD, "<20%")],
        ["overhead vs raw one call", f"{overhead_one:.1%}", "", "", ""],
        ["loading only (parse + repair)", t_load[0], t_load[1], "", ""],
        [
            "re-ingest unchanged (best of 3)",
            again_s,
            "",
            f"{reingest:.1%} of first; {unchanged}/{len(files)} unchanged",
            _verdict(reingest < TARGET_REINGEST, "<5%"),
        ],
    ]
    print(format_table(["measure", "wall s", "CPU s", "rate / share", "target"], rows))
    if args.limit is not None:
        print("(partial run: --limit set)")
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


def _verdict(ok: bool, target: str) -> str:
    """``'< 20%: PASS'`` style cell."""
    return f"{target}: {'PASS' if ok else 'FAIL'}"


if __name__ == "__main__":
    sys.exit(main())
