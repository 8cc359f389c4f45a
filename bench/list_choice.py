"""Which list of the context a list answer takes: measured, and its weights fitted on the dev half.

Usage::

    python bench/list_choice.py                 # hand weights and fitted weights, dev and test
    python bench/list_choice.py --show a023     # one question's candidate lists and their features
    python bench/list_choice.py --misses        # the dev questions whose choice misses

For every list question of ``bench/data/answer_quality.jsonl`` the answerer's own context is
taken (the same retrieval, the same sections) and every candidate list in it
(:func:`assistant.extractive.lists.scored_lists`) is described by its features
(:func:`~assistant.extractive.lists.list_features`). A candidate's worth is the share of the
question's key points its lead-in and items hold (:mod:`textmatch`). Printed, per half:

* **choice** – the share of questions whose top-scored candidate is one of the best there
  (among questions where some candidate holds a key point);
* **chosen recall** – the key-point recall of the top-scored candidates;
* **best recall** – what the best candidates would give (the ceiling of choosing).

The weights are fitted on the dev half only: a listwise logistic model (softmax over a
question's candidates, the target spread over its best ones), with an L2 pull towards the
hand weights so that a feature the dev half barely sees keeps its hand value, and each weight
keeping the sign of its hand value. The test half is reported, never fitted on.

The product's weights (``LIST_WEIGHTS``) are this fit on the 125-question dev half of
2026-12-07 (before the 40 fresh questions f001–f040 joined it), rounded, with the announced
count kept at 0.02 as a tie-break (see the docstring of ``LIST_WEIGHTS``). A fit is a
likelihood, not the choice rate: on a dev half whose lists mostly have no candidate that holds
a key point, a fresh fit can choose worse than the weights it starts from; the table shows it.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np
from answer_quality import Question, load_questions
from common import load_embedder, load_note, log, markdown_table
from textmatch import holds_any

HAND_WEIGHTS = {
    "context": 0.55,
    "items": 0.2,
    "meaning": 0.15,
    "early": 0.2,
    "count_asked": 0.2,
    "count_missed": -0.05,
    "count_stated": 0.05,
    "consecutive": 0.08,
    "siblings": -0.3,
    "people": -0.15,
    "same_language": 0.1,
    "heading_meaning": 0.0,
    "source": 0.0,
}
"""The weights written by hand before any fit: the prior the fit is pulled towards."""

@dataclass
class Case:
    """One question's candidate lists: their features (rows) and worth (share of key points held)."""

    question: Question
    names: list[str]
    features: np.ndarray  # candidates x features
    worth: np.ndarray  # candidates
    texts: list[str]


def collect(questions: list[Question]) -> list[Case]:
    """Each list question's candidates, from the answerer's own context."""
    from library import BenchLibrary

    from assistant import grounding as g
    from assistant.ask import Answerer
    from assistant.ask.prompts import load_prompts
    from assistant.extractive import Terms
    from assistant.extractive.lists import LIST_WEIGHTS, items_text_of, scored_lists
    from assistant.extractive.questions import Kind
    from assistant.retrieval.hybrid import HybridRetriever

    lib = BenchLibrary.build(load_embedder())
    answerer = Answerer(HybridRetriever(store=lib.store, workspace=lib.workspace, k=5), None, "none")
    names = list(LIST_WEIGHTS)
    cases = []
    for q in questions:
        prompts = load_prompts(g.question_language(q.text))
        ctx = answerer.context(q.text, q.text, prompts)
        if ctx.question.kind != Kind.LIST or not ctx.citations:
            continue
        pieces = ctx.pieces()
        terms = Terms.of(ctx.question, ctx.translated, pieces, ctx.counts, ctx.total)
        cands = scored_lists(ctx.question, pieces, terms, answerer.similar)
        if not cands:
            continue
        rows, worth, texts = [], [], []
        for cand in cands:
            rows.append([cand.features[n] for n in names])
            text = f"{cand.lead[0] if cand.lead else ''} {items_text_of(cand)}"
            worth.append(sum(holds_any(text, p) for p in q.key_points) / len(q.key_points))
            texts.append(f"{cand.context[:60]} | {items_text_of(cand)[:100]}")
        cases.append(Case(q, names, np.array(rows, dtype=float), np.array(worth), texts))
    return cases


def evaluate(cases: list[Case], weights: np.ndarray) -> dict[str, float]:
    """Choice accuracy and the recall of the chosen and of the best candidates."""
    choice = chosen = best = 0.0
    scored = 0
    for case in cases:
        top = int(np.argmax(case.features @ weights))
        chosen += case.worth[top]
        best += case.worth.max()
        if case.worth.max() > 0:
            scored += 1
            choice += case.worth[top] == case.worth.max()
    n = max(1, len(cases))
    return {"choice": choice / max(1, scored), "chosen": chosen / n, "best": best / n}


def fit(cases: list[Case], prior: np.ndarray, pull: float = 1.0, steps: int = 3000) -> np.ndarray:
    """Weights that make each question's best candidates likely, by projected gradient descent on a
    listwise loss; each weight keeps the sign of its prior (a prior of 0 may go either way)."""
    weights = prior.copy()
    useful = [c for c in cases if c.worth.max() > 0 and len(c.worth) > 1]
    rate = 0.05
    for _ in range(steps):
        grad = pull * (weights - prior)
        for case in useful:
            target = (case.worth == case.worth.max()).astype(float)
            target /= target.sum()
            logits = case.features @ weights * 10  # scores are on about 0-1: sharpen the softmax
            p = np.exp(logits - logits.max())
            p /= p.sum()
            grad += 10 * case.features.T @ (p - target) / len(useful)
        weights -= rate * grad
        # a feature keeps the sign its meaning gives it (a list of the count announced is not
        # worse for it): the dev half is too small to overturn that, only to reweigh
        weights = np.where(
            prior > 0, np.maximum(weights, 0.0), np.where(prior < 0, np.minimum(weights, 0.0), weights)
        )
    return weights


def show(case: Case, weights: np.ndarray, around: int | None = None, top: int = 12) -> None:
    scores = case.features @ weights
    print(f"\n{case.question.id} {case.question.text}")
    order = [int(i) for i in np.argsort(-scores)[: (3 if around is not None else top)]]
    for i in order + ([around] if around is not None and around not in order else []):
        feats = " ".join(f"{n}={v:.2f}" for n, v in zip(case.names, case.features[i], strict=True) if v)
        print(f"  {scores[i]:.3f} worth {case.worth[i]:.2f} [{feats}]\n      {case.texts[i]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", default="", help="question ids whose candidates to print")
    parser.add_argument("--misses", action="store_true", help="print the dev questions whose choice misses")
    parser.add_argument(
        "--pull", type=float, default=1.0, help="L2 pull of the fitted weights to the hand ones"
    )
    args = parser.parse_args(argv)
    from assistant.extractive.lists import LIST_WEIGHTS

    questions = [q for q in load_questions() if q.answerable]
    if args.show:
        questions = [q for q in questions if q.id in args.show.split(",")]
    log(f"{len(questions)} answerable questions; {load_note()}")
    cases = collect(questions)
    hand = np.array([HAND_WEIGHTS[n] for n in LIST_WEIGHTS])
    if args.show:
        for case in cases:
            show(case, hand)
        return 0
    if args.misses:
        for case in cases:
            top = int(np.argmax(case.features @ hand))
            if case.question.split == "dev" and case.worth[top] < case.worth.max():
                show(case, hand, around=int(np.argmax(case.worth)))
        return 0
    dev = [c for c in cases if c.question.split == "dev"]
    test = [c for c in cases if c.question.split == "test"]
    fitted = fit(dev, hand, args.pull)
    print(f"\n## Choosing the list ({load_note()})\n")
    print(f"List questions: dev {len(dev)}, test {len(test)}.\n")
    rows = []
    product = np.array(list(LIST_WEIGHTS.values()))
    for label, weights in (("hand", hand), ("the product's", product), ("fitted now on dev", fitted)):
        for half, subset in (("dev", dev), ("test", test)):
            e = evaluate(subset, weights)
            rows.append([label, half, e["choice"], e["chosen"], e["best"]])
    print(markdown_table(["weights", "half", "choice", "chosen recall", "best recall"], rows))
    print("\nMean features of the chosen and the best candidates where the choice misses (hand weights):\n")
    rows = []
    for half, subset in (("dev", dev), ("test", test)):
        misses = [c for c in subset if c.worth[int(np.argmax(c.features @ hand))] < c.worth.max()]
        if not misses:
            continue
        chosen = np.mean([c.features[int(np.argmax(c.features @ hand))] for c in misses], axis=0)
        best = np.mean([c.features[int(np.argmax(c.worth))] for c in misses], axis=0)
        rows += [[f"{half} chosen ({len(misses)})", *chosen], [f"{half} best", *best]]
    print(markdown_table(["", *LIST_WEIGHTS], rows))
    print("\nWeights:\n")
    print(
        markdown_table(
            ["feature", "hand", "the product's", "fitted now"],
            [[n, h, w, f] for n, h, w, f in zip(LIST_WEIGHTS, hand, product, fitted, strict=True)],
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
