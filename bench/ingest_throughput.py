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
)

from ingest.chunking import Chunker
from ingest.lexical import tokenize
from ingest.loaders import load
from ingest.pipeline import Outcome, Report, _embed_text, discover, ingest
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
    rows = (
        store.manifest._conn()
        .execute(
            """SELECT d.id, d.title, c.section, c.text FROM chunks c JOIN documents d ON d.id = c.doc_id
           WHERE c.workspace = ? AND c.state = 'live' ORDER BY d.updated_at, d.id, c.idx""",
            (workspace,),
        )
        .fetchall()
    )
    groups: dict[int, list[str]] = {}
    for doc_id, title, section, text in rows:
        groups.setdefault(doc_id, []).append(_embed_text(title, section, text))
    return list(groups.values())


def pages_and_chunks(report: Report) -> tuple[int, int, int]:
    """Pages loaded, chunks indexed and pages flagged for OCR over the files that were processed."""
    done = [r for r in report.results if r.outcome not in (Outcome.SKIPPED, Outcome.FAILED)]
    return sum(r.pages for r in done), sum(r.chunks for r in done), sum(len(r.needs_ocr_pages) for r in done)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", help="folder to ingest (repeatable)")
    parser.add_argument("--pdf-dir", type=Path, default=SHARED_TESTDATA / "pdf", help="folder of test PDFs")
    parser.add_argument("--no-pdfs", action="store_true", help="leave the shared PDFs out")
    parser.add_argument("--limit", type=int, default=None, help="ingest at most N files")
    parser.add_argument("--batch-size", type=int, default=16, help="embedder batch size")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the first ingest, the raw re-encode and the unchanged re-ingest; print the table."""
    args = parse_args(argv)
    corpus = args.corpus or [REPO_ROOT / "corpus"]
    pdfs = [] if args.no_pdfs or not args.pdf_dir.is_dir() else readable_pdfs(args.pdf_dir)
    log(load_note())
    with stopwatch() as t_warm:
        embedder = TimedEmbedder(load_embedder(args.batch_size))
        warm_up(embedder)
    embedder.passage_seconds = 0.0
    embedder.passages = 0

    with tempfile.TemporaryDirectory(prefix="edunet-ingest-bench-") as tmp:
        src, data = Path(tmp) / "src", Path(tmp) / "data"
        files = stage_corpus(src, corpus, pdfs, args.limit)
        log(f"{len(files)} files ({sum(f.suffix == '.pdf' for f in files)} PDF) copied to {src}")
        store = Store.open(data, embedder)

        with stopwatch() as t_first:
            first = ingest([src], store, workspace="bench")
        pages, chunks, ocr_pages = pages_and_chunks(first)
        embed_in_pipeline = embedder.passage_seconds
        log(f"first ingest {t_first[0]:.1f}s: {first.counts()}")

        groups = chunk_texts_by_document(store, "bench")
        texts = [t for g in groups for t in g]
        if len(texts) != chunks:
            log(f"warning: {len(texts)} chunk texts in the manifest but the report says {chunks}")
        with stopwatch() as t_raw:
            for group in groups:
                for i in range(0, len(group), PIPELINE_BATCH):
                    embedder.inner.embed_passages(group[i : i + PIPELINE_BATCH])
        with stopwatch() as t_raw_one:
            embedder.inner.embed_passages(texts)
        log(f"raw encode {t_raw[0]:.1f}s (pipeline batching), {t_raw_one[0]:.1f}s (one call)")

        with stopwatch() as t_load:
            for path in files:
                load(path, source=path.name)
        with stopwatch() as t_again:
            again = ingest([src], store, workspace="bench")
        log(f"re-ingest {t_again[0]:.2f}s: {again.counts()}")
        store.manifest.close()

    first_s, raw_s = t_first[0], t_raw[0]
    overhead = (first_s - raw_s) / first_s
    overhead_one = (first_s - t_raw_one[0]) / first_s
    reingest = t_again[0] / first_s
    unchanged = again.counts()["unchanged"]
    print(f"\nIngest throughput — {len(files)} files, {pages} pages, {chunks} chunks; {load_note()}")
    counts = {k: v for k, v in first.counts().items() if v}
    print(f"counts: {counts}; pages flagged for OCR: {ocr_pages}")
    print(f"warm-up (model load + pythainlp) {t_warm[0]:.1f}s, not counted below\n")
    rows: list[list[object]] = [
        ["first ingest (whole pipeline)", f"{first_s:.1f} s", f"{pages / first_s:.2f} pages/s", ""],
        ["", "", f"{chunks / first_s:.2f} chunks/s", ""],
        ["  of which embedder calls", f"{embed_in_pipeline:.1f} s", f"{embed_in_pipeline / first_s:.0%}", ""],
        ["  of which everything else", f"{first_s - embed_in_pipeline:.1f} s", "", ""],
        ["raw encode, pipeline batching", f"{raw_s:.1f} s", f"{chunks / raw_s:.2f} chunks/s", ""],
        ["raw encode, one call", f"{t_raw_one[0]:.1f} s", f"{chunks / t_raw_one[0]:.2f} chunks/s", ""],
        ["overhead (vs batching)", f"{overhead:.1%}", "", _verdict(overhead < TARGET_OVERHEAD, "<20%")],
        ["overhead (vs one call)", f"{overhead_one:.1%}", "", ""],
        ["loading only (parse + repair)", f"{t_load[0]:.2f} s", "", ""],
        [
            "re-ingest unchanged",
            f"{t_again[0]:.2f} s",
            f"{reingest:.1%} of first; {unchanged}/{len(files)} unchanged",
            _verdict(reingest < TARGET_REINGEST, "<5%"),
        ],
    ]
    print(format_table(["measure", "time", "rate / share", "target"], rows))
    if args.limit is not None:
        print("(partial run: --limit set)")
    print(f"peak RSS {peak_rss_mib():.0f} MiB")
    return 0


def _verdict(ok: bool, target: str) -> str:
    """``'< 20%: PASS'`` style cell."""
    return f"{target}: {'PASS' if ok else 'FAIL'}"


if __name__ == "__main__":
    sys.exit(main())
