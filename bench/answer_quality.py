"""Answer quality on real documents: complete, right, faithfully cited, refused when not there.

Usage::

    python bench/answer_quality.py                         # none, embedded and the tutorial peer
    python bench/answer_quality.py --backends none --split dev -v
    python bench/answer_quality.py --backends none,embedded,peer --limit 20

The library is the one of ``bench/retrieval_real.py`` (:mod:`library`): the starter corpus,
the seed article and the readable real PDFs. The questions (``bench/data/answer_quality.jsonl``)
are lists, facts, answers spanning sections, paraphrases, questions across languages and
questions the library does not answer (off-topic and on-topic). Each answerable question
has key points, each with alternative wordings, and the sources it must cite.

Metrics, per backend:

* **key-point recall** – the share of key points the answer states (a point counts when
  one of its wordings is in the answer, compared by :mod:`textmatch`: without tone marks,
  spaces and punctuation); **complete** – the share of answers with every point;
* **right source** – the share of answers citing one of the question's sources;
* **correct refusals** – unanswerable questions answered "not found"; **false refusals** –
  answerable ones answered "not found";
* **citation faithfulness** – of the answer's cited sentences, the share whose cited
  passage holds what the sentence says: every key point the sentence states is in that
  passage, so are its numbers, and a sentence in the passage's script shares most of its
  wording with it (a quote or a close paraphrase). Judged on the point made, not on
  shared topic words; the peer cites nothing, so it has none;
* **unsupported** – the share of an answer's sentences that cite nothing (the answer's
  lead line and list items count as sentences);
* **latency** – p50/p95 per answer with the process warm; for model backends also the
  time to the first model token;
* **in context** (a diagnosis, not a score) – the key-point recall of the passages the
  answer was given (what an answer could state at best), and the share of answerable
  questions whose source is among them. A miss with the point in context is the answer's
  choice; a miss without it is retrieval's. The peer's context is not reported.

``peer`` is the LangChain tutorial chain (:mod:`tutorial_peer`: 1000/200 chunks, Chroma,
the same e5 model, top 4 stuffed into the same embedded model with a plain prompt).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import REPO_ROOT, load_embedder, load_note, log, markdown_table, percentile
from textmatch import holds, holds_any, skeleton

DATA = REPO_ROOT / "bench" / "data" / "answer_quality.jsonl"
PEER_REFUSALS = re.compile(
    r"(?:don't|do not|cannot|can't) (?:know|find|answer)"
    r"|not (?:mentioned|provided|specified|stated|found|available)"
    r"|no information|ไม่ทราบ|ไม่พบ|ไม่มีข้อมูล|ไม่ได้ระบุ|ไม่ได้กล่าว",
    re.I,
)


@dataclass
class Question:
    id: str
    text: str
    lang: str
    kind: str
    answerable: bool
    key_points: list[list[str]]
    sources: list[dict]
    split: str


@dataclass
class Outcome:
    """One answer, judged."""

    text: str
    refused: bool
    points: int = 0
    covered: int = 0
    right_source: bool = False
    cited_sentences: int = 0
    faithful_sentences: int = 0
    sentences: int = 0
    uncited: int = 0
    seconds: float = 0.0
    first_token: float | None = None
    notes: list[str] = field(default_factory=list)
    context_covered: int | None = None  # key points found in the passages given (None: not known)
    context_source: bool | None = None  # a wanted source is among those passages


@dataclass
class Reply:
    """What a system answered: the text, whether it refused, its citations and the passages it was given."""

    text: str
    refused: bool
    citations: dict[int, tuple[str, int, str]]
    first_token: float | None
    notes: list[str]
    context: dict[int, tuple[str, int, str]] | None  # None: the system does not say


def load_questions(path: Path = DATA) -> list[Question]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(
                Question(
                    d["id"],
                    d["question"],
                    d["lang"],
                    d["kind"],
                    d["answerable"],
                    d["key_points"],
                    d["sources"],
                    d["split"],
                )
            )
    return out


# ------------------------------------------------------------------------------------------ judging

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def _sentences(text: str) -> list[str]:
    """The answer's claims: each line cut after every citation marker (a lead line, a list item, a
    sentence with its [n]); text after a line's last marker is a claim without a citation."""
    out = []
    for line in text.splitlines():
        start = 0
        for match in re.finditer(r"(?:\s*\[\d+(?:\s*,\s*\d+)*\])+[.!?]?", line):
            out.append(line[start : match.end()])
            start = match.end()
        if line[start:].strip():
            out.append(line[start:])
    return [s for s in out if s.strip()]


def _shingles(text: str, n: int = 12) -> set[str]:
    s = skeleton(text)
    return {s[i : i + n] for i in range(max(1, len(s) - n + 1))} if s else set()


def _thai(text: str) -> bool:
    letters = re.findall(r"[A-Za-z\u0e01-\u0e2e]", text)
    return bool(letters) and sum("\u0e01" <= c <= "\u0e2e" for c in letters) / len(letters) >= 0.5


def faithful(sentence: str, cited: str, key_points: list[list[str]]) -> bool:
    """Whether ``cited`` holds what ``sentence`` says (see the module doc)."""
    from assistant.grounding import numbers_of, strip_markers

    body = re.sub(r"^\s*\d{1,2}\.\s+", "", strip_markers(sentence))  # the list's own numbering is no claim
    for point in key_points:
        if holds_any(body, point) and not holds_any(cited, point):
            return False
    if not numbers_of(body) <= numbers_of(cited):
        return False
    if _thai(body) != _thai(cited):
        return True  # across scripts only the points and numbers can be checked
    if len(skeleton(body)) < 24:  # a short claim (a list item's name) must be in the passage as it is
        return holds(cited, body)
    mine = _shingles(body)
    return not mine or len(mine & _shingles(cited)) / len(mine) >= 0.5


def judge(
    q: Question,
    text: str,
    refused: bool,
    citations: dict[int, tuple[str, int, str]],
    context: dict[int, tuple[str, int, str]] | None = None,
) -> Outcome:
    out = Outcome(text=text, refused=refused)
    if context is not None and q.answerable:
        given = "\n".join(t for _, _, t in context.values())
        out.context_covered = sum(holds_any(given, point) for point in q.key_points)
        out.context_source = any(src in {s["doc"] for s in q.sources} for src, _, _ in context.values())
    if refused:
        return out
    out.points = len(q.key_points)
    out.covered = sum(holds_any(text, point) for point in q.key_points)
    wanted = {(s["doc"], s["page"]) for s in q.sources}
    docs = {s["doc"] for s in q.sources}
    out.right_source = any(src in docs for src, _, _ in citations.values()) if wanted else False
    for sentence in _sentences(text):
        if not re.search(r"[A-Za-z\u0e01-\u0e2e]{2}", sentence):
            continue
        out.sentences += 1
        numbers = [int(n) for m in _MARKER.finditer(sentence) for n in m.group(1).split(",")]
        if not numbers:
            out.uncited += 1
            continue
        out.cited_sentences += 1
        texts = [citations[n][2] for n in numbers if n in citations]
        if texts and all(faithful(sentence, t, q.key_points) for t in texts):
            out.faithful_sentences += 1
    return out


# ------------------------------------------------------------------------------------------ systems


def ours(lib, backend: str, llm):
    from assistant.ask import Answerer
    from assistant.records import EventKind
    from assistant.retrieval.hybrid import HybridRetriever

    retriever = HybridRetriever(store=lib.store, workspace=lib.workspace, k=5)
    answerer = Answerer(retriever, llm, backend if llm is not None else "none")

    def run(question: str) -> Reply:
        start = time.perf_counter()
        first: float | None = None
        answer = None
        given: dict[int, tuple[str, int, str]] = {}
        for event in answerer.stream(question):
            if event.kind == EventKind.PASSAGES:
                given = {c.n: (c.source, c.page, c.text) for c in event.citations}
            if event.kind == EventKind.TOKEN and first is None and llm is not None:
                first = time.perf_counter() - start
            if event.kind == EventKind.FINAL:
                answer = event.answer
        assert answer is not None
        if not given:  # a refusal shows no passages; find what the answer was given all the same
            from assistant import grounding
            from assistant.ask.prompts import load_prompts

            prompts = load_prompts(grounding.question_language(question))
            ctx = answerer.context(question, question, prompts)
            given = {c.n: (c.source, c.page, c.text) for c in ctx.citations}
        cites = {c.n: (c.source, c.page, c.text) for c in answer.citations}
        return Reply(answer.text, answer.refused, cites, first, answer.notes, given)

    return run


def peer_system(lib, llm):
    peer = lib.peer()

    def run(question: str):
        reply = peer.answer(question, llm)
        refused = bool(PEER_REFUSALS.search(reply.text)) and len(reply.text) < 400
        return Reply(reply.text, refused, {}, reply.first_token_seconds, [], None)

    return run


def chat_model(backend: str):
    from assistant.llm.backends import get_chat_model
    from assistant.settings import get_settings

    model, status = get_chat_model(get_settings(), backend)
    if model is None:
        sys.exit(f"backend {backend} is not available: {getattr(status, 'message', status)}")
    return model


# ------------------------------------------------------------------------------------------ report


def summarise(outcomes: dict[str, Outcome], questions: list[Question]) -> dict[str, float]:
    answerable = [q for q in questions if q.answerable]
    refusals = [q for q in questions if not q.answerable]
    points = sum(
        outcomes[q.id].points if not outcomes[q.id].refused else len(q.key_points) for q in answerable
    )
    covered = sum(outcomes[q.id].covered for q in answerable)
    cited = sum(o.cited_sentences for o in outcomes.values())
    sentences = sum(o.sentences for o in outcomes.values())
    known = [q for q in answerable if outcomes[q.id].context_covered is not None]
    times = [o.seconds for o in outcomes.values()]
    firsts = [o.first_token for o in outcomes.values() if o.first_token is not None]
    return {
        "recall": covered / max(1, points),
        "complete": sum(outcomes[q.id].covered == len(q.key_points) for q in answerable)
        / max(1, len(answerable)),
        "source": sum(outcomes[q.id].right_source for q in answerable) / max(1, len(answerable)),
        "refused_ok": sum(outcomes[q.id].refused for q in refusals) / max(1, len(refusals)),
        "refused_bad": sum(outcomes[q.id].refused for q in answerable) / max(1, len(answerable)),
        "faithful": sum(o.faithful_sentences for o in outcomes.values()) / cited if cited else float("nan"),
        "unsupported": sum(o.uncited for o in outcomes.values()) / max(1, sentences),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "first_p50": percentile(firsts, 50) if firsts else float("nan"),
        "context_recall": sum(outcomes[q.id].context_covered or 0 for q in known)
        / max(1, sum(len(q.key_points) for q in known))
        if known
        else float("nan"),
        "context_source": sum(bool(outcomes[q.id].context_source) for q in known) / len(known)
        if known
        else float("nan"),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--backends", default="none,embedded,peer")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument("--ids", default="", help="only these question ids (comma-separated)")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print each answer that misses (dev only)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write every answer and figure here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from library import BenchLibrary

    questions = load_questions(args.data)
    if args.split != "all":
        questions = [q for q in questions if q.split == args.split]
    if args.ids:
        wanted = set(args.ids.split(","))
        questions = [q for q in questions if q.id in wanted]
    questions = questions[: args.limit] if args.limit else questions
    log(f"{len(questions)} questions; {load_note()}")
    lib = BenchLibrary.build(load_embedder())
    results: dict[str, dict[str, Outcome]] = {}
    llm = None
    for backend in args.backends.split(","):
        if backend in ("embedded", "peer", "openai", "ollama") and llm is None:
            llm = chat_model("embedded" if backend == "peer" else backend)
        system = (
            peer_system(lib, llm)
            if backend == "peer"
            else ours(lib, backend, llm if backend != "none" else None)
        )
        system(questions[0].text)  # warm up
        outcomes: dict[str, Outcome] = {}
        for i, q in enumerate(questions, start=1):
            start = time.perf_counter()
            reply = system(q.text)
            outcome = judge(q, reply.text, reply.refused, reply.citations, reply.context)
            outcome.seconds, outcome.first_token = time.perf_counter() - start, reply.first_token
            outcome.notes = reply.notes
            outcomes[q.id] = outcome
            if args.verbose and q.split == "dev" and _missed(q, outcome):
                _show(q, outcome, backend)
            if i % 10 == 0:
                log(f"{backend}: {i}/{len(questions)}")
        results[backend] = outcomes
        s = summarise(outcomes, questions)
        log(
            f"{backend}: recall {s['recall']:.3f} complete {s['complete']:.3f} refusals {s['refused_ok']:.2f}"
        )
    report(results, questions, args)
    if args.json:
        dump = {b: {qid: o.__dict__ for qid, o in out.items()} for b, out in results.items()}
        args.json.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _missed(q: Question, o: Outcome) -> bool:
    if not q.answerable:
        return not o.refused
    return o.refused or o.covered < len(q.key_points) or o.faithful_sentences < o.cited_sentences


def _show(q: Question, o: Outcome, backend: str) -> None:
    missing = [p[0] for p in q.key_points if not holds_any(o.text, p)]
    print(f"\n--- {backend} {q.id} [{q.kind} {q.lang}] {q.text}", file=sys.stderr)
    print(
        f"    want: {[s['doc'] + ' p' + str(s['page']) for s in q.sources]} missing: {missing}",
        file=sys.stderr,
    )
    print(f"    faithful {o.faithful_sentences}/{o.cited_sentences} notes {o.notes}", file=sys.stderr)
    print("    " + o.text.replace("\n", "\n    ")[:1500], file=sys.stderr)


def report(
    results: dict[str, dict[str, Outcome]], questions: list[Question], args: argparse.Namespace
) -> None:
    answerable = sum(q.answerable for q in questions)
    print(f"\n## Answer quality on real documents ({time.strftime('%Y-%m-%d')}, {load_note()})\n")
    print(
        f"{len(questions)} questions ({args.split}): {answerable} answerable, "
        f"{len(questions) - answerable} not.\n"
    )
    headers = [
        "backend",
        "key-point recall",
        "complete",
        "right source",
        "correct refusals",
        "false refusals",
        "citation faithfulness",
        "unsupported sentences",
        "p50 s",
        "p95 s",
        "first token p50 s",
        "in context: recall",
        "in context: source",
    ]
    rows = []
    for backend, outcomes in results.items():
        s = summarise(outcomes, questions)
        rows.append(
            [
                backend,
                s["recall"],
                s["complete"],
                s["source"],
                s["refused_ok"],
                s["refused_bad"],
                s["faithful"],
                s["unsupported"],
                s["p50"],
                s["p95"],
                s["first_p50"],
                s["context_recall"],
                s["context_source"],
            ]
        )
    print(markdown_table(headers, rows))
    kinds = sorted({q.kind for q in questions if q.answerable})
    print("\nKey-point recall by kind of question:\n")
    rows = []
    for backend, outcomes in results.items():
        row: list[object] = [backend]
        for kind in kinds:
            subset = [q for q in questions if q.kind == kind and q.answerable]
            row.append(summarise({q.id: outcomes[q.id] for q in subset}, subset)["recall"])
        rows.append(row)
    print(
        markdown_table(["backend", *(f"{k} (n={sum(q.kind == k for q in questions)})" for k in kinds)], rows)
    )


if __name__ == "__main__":
    sys.exit(main())
