"""Partner matching: quality on labelled needs, and suggestion latency with 10k synthetic partners.

Usage:
    python bench/partners_matching.py                    # quality + latency at 10,000 partners
    python bench/partners_matching.py --partners 2000 --rounds 1

Quality: every need in ``bench/data/partner_needs.yaml`` (Thai and English, each labelled with
the partner ids of ``corpus/partners.csv`` that offer it) is matched against the real registry
with embedding-only, BM25-only and combined scoring; precision@3 (relevant partners among the
first three, divided by min(3, number relevant)) and MRR (1 / rank of the first relevant one)
are averaged.

Latency: the 50 real partners are copied into N synthetic ones (new ids, coordinates moved up
to ±0.3°) in a temporary registry that already holds the real texts' embeddings (the cache is
keyed by content hash, so the copies reuse them). Reported: building the in-memory index once
from the cache, then ``match`` end to end (splitting, embedding the needs, scoring all
partners, reasons for the top 10) per need, p50/p95, without and with a distance filter.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from common import REPO_ROOT, load_embedder

sys.path.insert(0, str(REPO_ROOT))

from assistant.partners.matching import (
    MatchFilters,
    Mode,
    build_index,
    match,
    query_text,
    split_needs,
)
from assistant.partners.registry import Partner, Registry

NEEDS_FILE = REPO_ROOT / "bench" / "data" / "partner_needs.yaml"
CORPUS = REPO_ROOT / "corpus"


def quality(registry: Registry, embedder, needs: list[dict]) -> dict[str, dict[str, float]]:
    """precision@3 and MRR per mode, overall and per language."""
    out: dict[str, dict[str, float]] = {}
    for mode in (Mode.DENSE, Mode.BM25, Mode.COMBINED):
        p3: dict[str, list[float]] = {"all": [], "th": [], "en": []}
        rr: dict[str, list[float]] = {"all": [], "th": [], "en": []}
        for item in needs:
            relevant = set(item["relevant"])
            emb = None if mode == Mode.BM25 else embedder
            ranked = [s.partner.id for s in match(item["text"], registry, emb, mode=mode, top=50).suggestions]
            hits3 = len(relevant & set(ranked[:3])) / min(3, len(relevant))
            first = next((i for i, pid in enumerate(ranked, start=1) if pid in relevant), None)
            for key in ("all", item["lang"]):
                p3[key].append(hits3)
                rr[key].append(1 / first if first else 0.0)
        out[mode.value] = {f"p@3 {k}": statistics.mean(v) for k, v in p3.items()} | {
            f"MRR {k}": statistics.mean(v) for k, v in rr.items()
        }
    return out


def synthetic(registry: Registry, n: int, seed: int = 7) -> list[Partner]:
    """``n`` partners copied from the real ones with new ids and jittered coordinates."""
    rng = random.Random(seed)
    real = registry.all()
    made = []
    for i in range(n):
        src = real[i % len(real)]
        lat = None if src.lat is None else round(src.lat + rng.uniform(-0.3, 0.3), 5)
        lon = None if src.lon is None else round(src.lon + rng.uniform(-0.3, 0.3), 5)
        made.append(
            Partner(
                id=f"S{i:05d}",
                name_th=src.name_th,
                name_en=src.name_en,
                type=src.type,
                province=src.province,
                district=src.district,
                lat=lat,
                lon=lon,
                capabilities=list(src.capabilities),
                resources=list(src.resources),
                needs=list(src.needs),
                contact_role=src.contact_role,
                status=src.status,
                mous=[],
            )
        )
    return made


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    needs = yaml.safe_load(NEEDS_FILE.read_text(encoding="utf-8"))["needs"]
    embedder = load_embedder()
    with tempfile.TemporaryDirectory() as tmp:
        registry = Registry(Path(tmp) / "partners.sqlite")
        registry.seed_if_empty(CORPUS)
        t = time.perf_counter()
        build_index(registry, embedder)
        print(f"embedded the real registry's texts in {time.perf_counter() - t:.1f} s (cached afterwards)")

        print(
            f"\nMatching quality, {len(needs)} labelled needs ({sum(n['lang'] == 'th' for n in needs)} Thai):"
        )
        table = quality(registry, embedder, needs)
        cols = ["p@3 all", "MRR all", "p@3 th", "MRR th", "p@3 en", "MRR en"]
        print(f"{'mode':<10}" + "".join(f"{c:>10}" for c in cols))
        for mode, row in table.items():
            print(f"{mode:<10}" + "".join(f"{row[c]:>10.3f}" for c in cols))

        registry.upsert(synthetic(registry, args.partners))
        t = time.perf_counter()
        index = build_index(registry, embedder)
        build_s = time.perf_counter() - t
        print(
            f"\nLatency with {registry.count():,} partners ({len(index.item_unique):,} texts, "
            f"{len(index.texts):,} distinct): index built from the cache in {build_s:.2f} s"
        )
        filters = {
            "no filter": None,
            "near + 50 km": MatchFilters(near=(12.61, 102.10), max_km=50),
        }
        for label, f in filters.items():
            times, scoring = [], []
            for _ in range(args.rounds):
                for item in needs:
                    t = time.perf_counter()
                    embedder.embed_queries([query_text(n) for n in split_needs(item["text"])])
                    embed_ms = (time.perf_counter() - t) * 1000
                    t = time.perf_counter()
                    match(item["text"], registry, embedder, f, top=10)
                    times.append((time.perf_counter() - t) * 1000)
                    scoring.append(max(0.0, times[-1] - embed_ms))
            print(
                f"  match ({label}): p50 {pct(times, 0.5):.0f} ms, "
                f"p95 {pct(times, 0.95):.0f} ms, n={len(times)}; without embedding the needs "
                f"(same needs embedded separately): p50 {pct(scoring, 0.5):.0f} ms, "
                f"p95 {pct(scoring, 0.95):.0f} ms"
            )


if __name__ == "__main__":
    main()
