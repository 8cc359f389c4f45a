"""How close a sentence must be to a passage in the other script to count as supported by it.

The citation check (:func:`assistant.grounding.verify_citations`) judges a sentence against
its passage by shared words and numbers. Across scripts (an English answer from a Thai
passage) words cannot be shared, so the Ask path also asks the e5 model how close the sentence
is to the passage's closest window of sentences. This script measures that closeness on
parallel text the project did not write its rules on, XQuAD's Thai and English paragraphs
(``../shared/testdata/qa``, translations of each other):

- **translation**: a sentence of paragraph *i* against paragraph *i* in the other language,
  which holds what it says (the sentence's translation);
- **same topic**: the same sentence against another paragraph of the same article in the
  other language: the same subject, not the same claim (the hard case a weak model's invented
  sentence creates).

It prints, for each cosine threshold, the share of translations kept and of same-topic
paragraphs refused, both directions pooled, and the threshold the Ask path uses
(:data:`assistant.ask.support.CROSS_SUPPORT_MIN`).

Usage:
    python bench/cross_support.py [--articles 48] [--per-article 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QA = ROOT.parent / "shared" / "testdata" / "qa"


def _paragraphs(lang: str) -> list[list[str]]:
    data = json.loads((QA / f"xquad.{lang}.json").read_text(encoding="utf-8"))["data"]
    return [[p["context"].replace("\ufeff", "") for p in article["paragraphs"]] for article in data]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=48)
    parser.add_argument("--per-article", type=int, default=5, help="paragraphs used from each article")
    args = parser.parse_args()

    from assistant import grounding as g
    from assistant.ask.support import CROSS_SUPPORT_MIN, closest_window
    from assistant.extractive.semantic import SentenceSimilarity
    from assistant.retrieval.runtime import get_embedder

    similar = SentenceSimilarity(get_embedder())
    en, th = _paragraphs("en"), _paragraphs("th")
    positives: list[float] = []
    negatives: list[float] = []
    start = time.perf_counter()
    for a in range(min(args.articles, len(en))):
        for source, target in ((en[a], th[a]), (th[a], en[a])):
            paragraphs = list(range(min(args.per_article, len(source), len(target))))
            for i in paragraphs:
                sentences = [s for s in g.split_sentences(source[i]) if len(s) >= 40][:3]
                for sentence in sentences:
                    positives.append(closest_window(similar, sentence, target[i]))
                    j = paragraphs[(i + 1) % len(paragraphs)]
                    if j != i:
                        negatives.append(closest_window(similar, sentence, target[j]))
        print(f"[bench] article {a + 1}: {len(positives)} pairs", file=sys.stderr)
    took = time.perf_counter() - start
    print(f"\n{len(positives)} translations, {len(negatives)} same-topic pairs, {took:.0f} s\n")
    print("| cosine ≥ | translations kept | same-topic refused |")
    print("|---|---|---|")
    for t in [x / 100 for x in range(80, 93)]:
        kept = sum(p >= t for p in positives) / len(positives)
        refused = sum(n < t for n in negatives) / len(negatives)
        mark = " ← used" if abs(t - CROSS_SUPPORT_MIN) < 1e-9 else ""
        print(f"| {t:.2f} | {kept:.3f} | {refused:.3f} |{mark}")


if __name__ == "__main__":
    main()
