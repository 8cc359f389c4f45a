"""Search latency (p50/p95) of ``HybridRetriever`` at 1k, 10k and 100k chunks, with peak memory.

Usage:
    python bench/search_latency.py                        # 1k, 10k and 100k chunks
    python bench/search_latency.py --sizes 1000,10000     # quick run
    python bench/search_latency.py --sizes 1000 --rounds 1 --queries 20

Each size runs in its own child process (so ``ru_maxrss`` is that size's peak) and
builds a fresh temp store of synthetic chunks through the library's low-level write
path, the same one the pipeline uses: ``Manifest.stage_chunks`` → Chroma ``upsert``
→ ``Manifest.publish`` (which fills the real FTS5 BM25 index). Chunk texts are
Thai and English sentences drawn with a Zipf law from a vocabulary (education
terms first, then a long tail of pythainlp dictionary words and Latin-script
XLM-R tokenizer pieces); words are space-separated so each word's BM25 terms are
computed once with the real ``tokenize``. Vectors are random unit vectors of the
model's dimension instead of embeddings (embedding 100k chunks would take hours on
2 cores); random high-dimensional vectors are a hard case for HNSW, so dense
figures are on the pessimistic side.

Queries are ~50 Thai/English questions, embedded for real. Reported per size:
hybrid end to end (``search`` embeds the query itself), hybrid / dense with the
query vector precomputed (retrieval cost alone), BM25 alone, and a bare Chroma
kNN query without the ``where`` filter that ``Store.dense`` adds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import (
    PrecomputedQueryEmbedder,
    format_table,
    load_embedder,
    load_note,
    log,
    model_dir,
    peak_rss_mib,
    percentile,
    stopwatch,
    wait_for_quiet,
)

from assistant.retrieval.hybrid import HybridRetriever, Mode
from ingest.lexical import tokenize
from ingest.records import Chunk, DocType, DocumentMeta, Language
from ingest.store import Store

WORKSPACE = "bench"
TAIL_WORDS = 20_000
"""Words per language in the vocabulary's long tail."""

HEAD_TH = (  # noqa: SIM905  (a word list reads better as one string)
    "นักเรียน ครู โรงเรียน หลักสูตร การศึกษา เครือข่าย ความร่วมมือ มหาวิทยาลัย ประเมินผล คุณภาพ พัฒนา นโยบาย "
    "งบประมาณ กิจกรรม ชุมชน ผู้ปกครอง ห้องเรียน ทักษะ ดิจิทัล เทคโนโลยี ปัญญาประดิษฐ์ แผนการสอน ภาคเรียน "
    "ประถมศึกษา มัธยมศึกษา อาชีวศึกษา ทุนการศึกษา ข้อตกลง บันทึก ลงนาม วิจัย นวัตกรรม สมรรถนะ ผู้บริหาร "
    "ศึกษานิเทศก์ เขตพื้นที่ จังหวัด ท้องถิ่น คณิตศาสตร์ วิทยาศาสตร์ ภาษาไทย ภาษาอังกฤษ สุขภาพ กีฬา ดนตรี "
    "ศิลปะ ห้องสมุด อาจารย์ นิสิต ปริญญา ฝึกงาน สถานประกอบการ อุตสาหกรรม แรงงาน ความเสมอภาค คนพิการ "
    "ความปลอดภัย ข้อมูลส่วนบุคคล ยุทธศาสตร์ เป้าหมาย ตัวชี้วัด ผลลัพธ์ โครงการ ประชุม อบรม สัมมนา รายงาน "
    "ประจำปี การเรียนรู้ แฟ้มสะสมผลงาน สื่อการสอน ออนไลน์ ทางไกล ชนบท ขนาดเล็ก ยั่งยืน"
).split()
HEAD_EN = (  # noqa: SIM905
    "students teachers school curriculum education network collaboration university assessment quality "
    "development policy budget activities community parents classroom skills digital technology artificial "
    "intelligence lesson plans semester primary secondary vocational scholarship agreement memorandum signed "
    "research innovation competency administrators supervisors district province local mathematics science "
    "thai english health sports music arts library lecturer undergraduate degree internship industry labour "
    "equity disabilities safety personal data strategy goals indicators outcomes project meeting training "
    "seminar report annual learning portfolio materials online distance rural small sustainable"
).split()
NATURAL_QUERIES = (
    "องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษามีอะไรบ้าง",
    "บันทึกข้อตกลงความร่วมมือกับมหาวิทยาลัยลงนามเมื่อไร",
    "แนวทางการประเมินผลนักเรียนตามหลักสูตรแกนกลาง",
    "การคุ้มครองข้อมูลส่วนบุคคลของนักเรียนในโรงเรียน",
    "ครูใช้ปัญญาประดิษฐ์ช่วยออกแบบแผนการสอนอย่างไร",
    "ปัจจัยความสำเร็จของเครือข่ายโรงเรียนขนาดเล็ก",
    "What are the components of an education collaboration network?",
    "When was the memorandum of understanding with the university signed?",
    "How should schools protect students' personal data?",
    "Which partners support teacher training in rural schools?",
    "What does the national education plan say about equity?",
    "How can a learner portfolio be assessed?",
)


class Vocabulary:
    """Thai and Latin-script words ranked for Zipf sampling, with each word's BM25 terms cached."""

    def __init__(self, seed: int, tail: int = TAIL_WORDS) -> None:
        rng = np.random.default_rng(seed)
        self.words = {"th": list(HEAD_TH) + _thai_tail(rng, tail), "en": list(HEAD_EN) + _latin_tail(tail)}
        self.cdf = {lang: _zipf_cdf(len(words)) for lang, words in self.words.items()}
        self._terms: dict[str, list[str]] = {}

    def draw(self, rng: np.random.Generator, lang: str, n: int) -> list[str]:
        """``n`` words of ``lang`` drawn with Zipf frequencies."""
        picks = np.searchsorted(self.cdf[lang], rng.random(n))
        words = self.words[lang]
        return [words[min(i, len(words) - 1)] for i in picks]

    def chunk(self, rng: np.random.Generator, lang: str, n_words: int) -> tuple[str, list[str]]:
        """A chunk of sentences (8-14 words each) and its BM25 terms, as ``tokenize`` gives them."""
        words = self.draw(rng, lang, n_words)
        sentences, i = [], 0
        while i < len(words):
            size = int(rng.integers(8, 15))
            part = words[i : i + size]
            i += size
            sentences.append(" ".join(part).capitalize() + "." if lang == "en" else " ".join(part))
        text = ("  " if lang == "th" else " ").join(sentences)
        terms = [t for w in words for t in self.terms(w)]
        return text, terms

    def terms(self, word: str) -> list[str]:
        """The BM25 terms of one word (computed once)."""
        found = self._terms.get(word)
        if found is None:
            found = self._terms[word] = tokenize(word)
        return found


def _thai_tail(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` single Thai dictionary words from pythainlp, in a seeded random order."""
    from pythainlp.corpus import thai_words

    pattern = re.compile(r"[\u0E01-\u0E4E]{2,12}")
    words = sorted(w for w in thai_words() if pattern.fullmatch(w))
    rng.shuffle(words)
    return words[:n]


def _latin_tail(n: int) -> list[str]:
    """The ``n`` most frequent whole-word Latin pieces of the model's XLM-R tokenizer (frequency order)."""
    vocab = json.loads((model_dir() / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    pattern = re.compile(r"\u2581([a-z]{4,12})")
    words = [m.group(1) for piece, _score in vocab if (m := pattern.fullmatch(piece))]
    return [w for w in dict.fromkeys(words) if w not in set(HEAD_EN)][:n]


def _zipf_cdf(n: int, exponent: float = 1.05) -> np.ndarray:
    """Cumulative Zipf distribution over ranks 1..n (shifted so the head is not too steep)."""
    weights = 1.0 / np.power(np.arange(1, n + 1) + 2.7, exponent)
    return np.cumsum(weights) / weights.sum()


def make_queries(vocab: Vocabulary, rng: np.random.Generator, count: int) -> list[str]:
    """The natural questions first, then Thai/English keyword queries of 3-6 Zipf-drawn words."""
    queries = list(NATURAL_QUERIES[:count])
    while len(queries) < count:
        lang = "th" if len(queries) % 2 else "en"
        queries.append(" ".join(vocab.draw(rng, lang, int(rng.integers(3, 7)))))
    return queries


def build_store(store: Store, size: int, dim: int, seed: int, per_doc: int, batch: int) -> dict[str, float]:
    """Fill ``store`` with ``size`` synthetic chunks via stage → upsert → publish; returns phase seconds."""
    rng = np.random.default_rng(seed)
    vocab = Vocabulary(seed)
    col = store.vectors.collection(WORKSPACE)
    batch = min(batch, int(store.vectors.client.get_max_batch_size()))
    phases = {"generate": 0.0, "stage": 0.0, "upsert": 0.0, "publish": 0.0}
    waiting: list[tuple[DocumentMeta, list[list[str]]]] = []
    ids: list[str] = []
    texts: list[str] = []
    metas: list[dict] = []
    done, began = [0], time.perf_counter()

    def flush() -> None:
        start = time.perf_counter()
        vectors = rng.standard_normal((len(ids), dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        col.upsert(ids=list(ids), embeddings=vectors, documents=list(texts), metadatas=list(metas))
        phases["upsert"] += time.perf_counter() - start
        start = time.perf_counter()
        for meta, terms in waiting:
            store.manifest.publish(WORKSPACE, meta, terms, pages=1, health=1.0)
        phases["publish"] += time.perf_counter() - start
        done[0] += len(ids)
        if size >= 20_000:
            log(f"  {done[0]}/{size} chunks stored ({time.perf_counter() - began:.0f}s)")
        waiting.clear()
        ids.clear()
        texts.clear()
        metas.clear()

    for doc, first in enumerate(range(0, size, per_doc)):
        start = time.perf_counter()
        lang = "th" if doc % 5 < 3 else "en"  # 60 % Thai documents
        n = min(per_doc, size - first)
        pieces = [vocab.chunk(rng, lang, int(rng.integers(55, 80))) for _ in range(n)]
        name = f"synthetic/doc{doc:05d}.{lang}.md"
        digest = hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()
        meta = DocumentMeta(
            source=name,
            path=f"/bench/{name}",
            title=f"Synthetic document {doc}",
            doc_type=DocType.OTHER,
            language=Language(lang),
            content_hash=digest,
        )
        chunks = [Chunk(text=t, page=1, start=0, end=len(t), index=i) for i, (t, _) in enumerate(pieces)]
        chunk_ids = [f"{digest[:12]}-bench-{i:05d}" for i in range(n)]
        phases["generate"] += time.perf_counter() - start
        start = time.perf_counter()
        store.manifest.stage_chunks(WORKSPACE, meta, chunks, chunk_ids)
        phases["stage"] += time.perf_counter() - start
        waiting.append((meta, [terms for _, terms in pieces]))
        ids.extend(chunk_ids)
        texts.extend(c.text for c in chunks)
        meta_row = {"workspace": WORKSPACE, "source": name, "page": 1, "doc_type": "other", "language": lang}
        metas.extend({**meta_row, "section": ""} for _ in chunks)
        if len(ids) >= batch:
            flush()
    if ids:
        flush()
    return phases


def time_queries(retriever: HybridRetriever, queries: list[str], rounds: int) -> list[float]:
    """Milliseconds of each ``search`` call over ``rounds`` passes of the queries (after 3 warm-up calls)."""
    for q in queries[:3]:
        retriever.search(q)
    times = []
    for _ in range(rounds):
        for q in queries:
            start = time.perf_counter()
            retriever.search(q)
            times.append(1000 * (time.perf_counter() - start))
    return times


def time_raw_knn(store: Store, vectors: list[list[float]], rounds: int) -> list[float]:
    """Milliseconds of a bare Chroma query (30 neighbours, no ``where``): the floor under ``Store.dense``.

    ``Store.dense`` always passes ``where={"workspace": ...}``; comparing with this
    row shows what that (redundant, one collection per workspace) filter costs.
    """
    col = store.vectors.collection(WORKSPACE)
    times = []
    for _ in range(rounds):
        for vector in vectors:
            start = time.perf_counter()
            col.query(query_embeddings=[vector], n_results=30, include=["distances"])
            times.append(1000 * (time.perf_counter() - start))
    return times


def worker(args: argparse.Namespace) -> dict:
    """Build one store of ``args.size`` chunks, time the searches and return the figures."""
    with stopwatch() as t_load:
        embedder = PrecomputedQueryEmbedder(load_embedder())
    rss_model = peak_rss_mib()
    dim = embedder.inner.dimension
    rng = np.random.default_rng(args.seed + 1)
    with tempfile.TemporaryDirectory(prefix=f"edunet-latency-{args.size}-") as tmp:
        store = Store.open(Path(tmp), embedder)
        with stopwatch() as t_build:
            phases = build_store(store, args.size, dim, args.seed, args.per_doc, args.batch)
        chunks, vectors = store.manifest.count_chunks(WORKSPACE), store.vectors.count(WORKSPACE)
        disk = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file()) / 2**20
        queries = make_queries(Vocabulary(args.seed), rng, args.queries)
        embedder.precompute(queries)
        note_before = load_note()
        results = {}
        for label, mode, cached in (
            ("hybrid, end to end", Mode.HYBRID, False),
            ("hybrid, vector given", Mode.HYBRID, True),
            ("dense, vector given", Mode.DENSE, True),
            ("bm25", Mode.BM25, True),
        ):
            embedder.enabled = cached
            retriever = HybridRetriever(store=store, workspace=WORKSPACE, k=args.k, mode=mode, expand=False)
            times = time_queries(retriever, queries, args.rounds)
            results[label] = {"p50": percentile(times, 50), "p95": percentile(times, 95), "n": len(times)}
        # With query translation on, every search runs a second query (the translation): dense with
        # its own query embedding, and BM25. Synthetic queries find no glossary terms, so the
        # translation here is another query of the set, which costs the same as a real one.
        embedder.enabled = False
        other = {q: queries[(i + 1) % len(queries)] for i, q in enumerate(queries)}
        retriever = HybridRetriever(
            store=store, workspace=WORKSPACE, k=args.k, expander=lambda q, target: other.get(q, q + " x")
        )
        times = time_queries(retriever, queries, args.rounds)
        results["hybrid + translated query, end to end"] = {
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
            "n": len(times),
        }
        times = time_raw_knn(store, [embedder.table[q] for q in queries], args.rounds)
        results["Chroma kNN alone, no where"] = {
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
            "n": len(times),
        }
        store.manifest.close()
    return {
        "size": args.size,
        "chunks": chunks,
        "vectors": vectors,
        "build_s": t_build[0],
        "phases": phases,
        "disk_mib": disk,
        "load_s": t_load[0],
        "rss_model_mib": rss_model,
        "peak_rss_mib": peak_rss_mib(),
        "latency": results,
        "note": f"before timing: {note_before}; after: {load_note()}",
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (``--worker``/``--size``/``--result`` are for the child processes)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated chunk counts")
    parser.add_argument("--queries", type=int, default=50, help="distinct queries")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the queries per mode")
    parser.add_argument("--k", type=int, default=5, help="hits returned per search")
    parser.add_argument("--per-doc", type=int, default=100, help="chunks per synthetic document")
    parser.add_argument("--batch", type=int, default=5000, help="chunks per Chroma upsert")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per size")
    parser.add_argument(
        "--wait-quiet", type=float, default=0, help="wait up to N s for the load average to drop below 1"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run one child per size and print the latency and memory table."""
    args = parse_args(argv)
    if args.worker:
        result = worker(args)
        assert args.result is not None
        args.result.write_text(json.dumps(result), encoding="utf-8")
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.wait_quiet:
        wait_for_quiet(args.wait_quiet)
    log(load_note())
    results = []
    with tempfile.TemporaryDirectory(prefix="edunet-latency-") as tmp:
        for size in sizes:
            out = Path(tmp) / f"{size}.json"
            cmd = [
                sys.executable,
                __file__,
                "--worker",
                "--size",
                str(size),
                "--result",
                str(out),
                "--queries",
                str(args.queries),
                "--rounds",
                str(args.rounds),
                "--k",
                str(args.k),
                "--per-doc",
                str(args.per_doc),
                "--batch",
                str(args.batch),
                "--seed",
                str(args.seed),
            ]
            log(f"size {size}: building and timing in a child process")
            with stopwatch() as t_child:
                done = subprocess.run(cmd, timeout=args.timeout, check=False)
            if done.returncode != 0 or not out.is_file():
                log(f"size {size}: child failed with exit code {done.returncode}")
                continue
            result = json.loads(out.read_text(encoding="utf-8"))
            log(f"size {size}: built in {result['build_s']:.1f}s, child took {t_child[0]:.1f}s")
            results.append(result)
    print_results(results, args)
    return 0 if len(results) == len(sizes) else 1


def print_results(results: list[dict], args: argparse.Namespace) -> None:
    """The latency table and the build / memory table."""
    runs = f"{args.queries} queries x {args.rounds} rounds"
    print(f"\nSearch latency — HybridRetriever k={args.k}, {runs}; {load_note()}")
    rows = []
    for r in results:
        for label, lat in r["latency"].items():
            rows.append([r["chunks"], label, lat["n"], lat["p50"], lat["p95"]])
    print(format_table(["chunks", "search", "n", "p50 ms", "p95 ms"], rows))
    print()
    rows = []
    for r in results:
        ph = r["phases"]
        rows.append(
            [
                r["chunks"],
                r["vectors"],
                r["build_s"],
                ph["generate"],
                ph["stage"],
                ph["upsert"],
                ph["publish"],
                r["disk_mib"],
                r["rss_model_mib"],
                r["peak_rss_mib"],
            ]
        )
    headers = [
        "chunks",
        "vectors",
        "build s",
        "gen s",
        "stage s",
        "upsert s",
        "publish s",
        "disk MiB",
        "RSS after model MiB",
        "peak RSS MiB",
    ]
    print(format_table(headers, rows))
    for r in results:
        print(f"{r['chunks']} chunks: {r['note']}")
    print("(random unit vectors; synthetic Thai/English texts; each size ran in its own process)")


if __name__ == "__main__":
    sys.exit(main())
