"""Citation precision, grounding and latency of ``Answerer`` on the starter corpus, per backend.

Usage:
    python bench/citation_precision.py                          # none, plus embedded when assembled
    python bench/citation_precision.py --backends none
    python bench/citation_precision.py --backends embedded --limit 6
    python bench/citation_precision.py --data-dir /tmp/edunet-bench   # keep the index between runs

The corpus (``corpus/``) is indexed into a temporary store (about 100 s on 2 cores; with
``--data-dir`` unchanged files are skipped on the next run). Then 20 questions about it
(10 Thai, 10 English) and 6 off-topic ones are answered by each backend.

Reported per backend:

* citation precision: over every (sentence, cited passage) pair, the share whose passage
  supports the sentence by word overlap (:func:`assistant.grounding.supports`, the same
  test the verifier applies; pairs in different scripts are counted apart as
  "cross-language", since word overlap cannot judge them). "raw" counts the pairs of the
  model's first streamed reply against the context it was given (what the model did on
  its own); "verified" those of the final answers (what the user is shown, after the
  verifier's repairs, retries and fallbacks); "removed" counts the citation numbers the
  verifier dropped or took out.
* expected source: the share of answerable questions whose citations include the document
  the question was written from.
* grounded / refused: answerable questions answered with citations; off-topic questions
  answered "not found".
* latency p50 / p95 of a whole answer (retrieval, packing, generation, verification).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import REPO_ROOT, format_table, load_embedder, load_note, log, percentile

from assistant import grounding as g
from assistant.ask import Answerer
from assistant.records import Answer, AnswerNote, Citation, EventKind
from assistant.retrieval.hybrid import HybridRetriever
from ingest.pipeline import ingest
from ingest.store import Store

WORKSPACE = "bench"

QUESTIONS: list[tuple[str, str]] = [
    ("What are the components of an educational collaboration network?", "framework/components.en.md"),
    ("What are the success factors of a school network?", "framework/success-factors.en.md"),
    ("What are the steps to build a collaboration network?", "framework/building-steps.en.md"),
    ("When did the Personal Data Protection Act take effect?", "policy/pdpa-schools.en.md"),
    ("What does SDG 4 ask for?", "policy/sdg4.en.md"),
    ("How should learners use AI responsibly in their portfolios?", "guides/learner-portfolio.en.md"),
    ("How do I evaluate a network workshop?", "guides/network-workshop.en.md"),
    ("What is the notice period to end MOU-2025-002?", "mou/MOU-2025-002.en.md"),
    ("What benefits does a collaboration network bring to small schools?", "framework/benefits.en.md"),
    (
        "What are the key competencies in the Basic Education Core Curriculum?",
        "policy/basic-education-core-curriculum.en.md",
    ),
    ("องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษามีอะไรบ้าง", "framework/components.th.md"),
    ("ปัจจัยความสำเร็จของเครือข่ายความร่วมมือมีอะไรบ้าง", "framework/success-factors.th.md"),
    ("ขั้นตอนการสร้างเครือข่ายความร่วมมือมีกี่ขั้น", "framework/building-steps.th.md"),
    ("พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคลมีผลบังคับใช้เต็มรูปแบบเมื่อใด", "policy/pdpa-schools.th.md"),
    ("เป้าหมายการพัฒนาที่ยั่งยืนข้อ 4 คืออะไร", "policy/sdg4.th.md"),
    ("แผนการศึกษาแห่งชาติ พ.ศ. 2560-2579 มีเป้าหมายอะไร", "policy/national-education-plan.th.md"),
    ("บันทึกข้อตกลง MOU-2024-001 มีระยะเวลากี่ปี", "mou/MOU-2024-001.th.md"),
    ("แฟ้มสะสมผลงานของผู้เรียนควรมีโครงสร้างอย่างไร", "guides/learner-portfolio.th.md"),
    ("การจัดการเครือข่ายความร่วมมือทางการศึกษาทำอย่างไร", "framework/management.th.md"),
    ("ครูใช้ปัญญาประดิษฐ์ช่วยทำแฟ้มสะสมผลงานผู้เรียนอย่างไร", "framework/case-ai-portfolio.th.md"),
]
OFF_TOPIC = [
    "What is the capital of France?",
    "How do I bake sourdough bread?",
    "Who wrote Harry Potter?",
    "สูตรต้มยำกุ้ง",
    "ราคาทองคำวันนี้",
    "ทีมฟุตบอลไหนชนะฟุตบอลโลกปี 2022",
]


@dataclass
class Pairs:
    """(sentence, cited passage) pairs of some answers and how many of them are supported."""

    label: str
    pairs: int = 0
    supported: int = 0
    cross_language: int = 0

    def add(self, text: str, passages: dict[int, str]) -> None:
        """Count the pairs of one answer text against its numbered passages."""
        for sentence in g.split_sentences(text):
            if len(g.content_terms(sentence)) < g.MIN_CHECKED_TERMS:
                continue  # "[1]" or "Yes. [1]": nothing to check (the verifier skips them too)
            for n in dict.fromkeys(g.parse_markers(sentence)):
                passage = passages.get(n)
                if passage is None:
                    continue
                if not g.same_script(sentence, passage):
                    self.cross_language += 1
                    continue
                ok = g.supports(sentence, passage)
                self.pairs += 1
                self.supported += int(ok)
                if not ok and self.label.endswith("final"):
                    share = g.support(sentence, passage)
                    log(f"{self.label}: [{n}] does not support {sentence!r} ({share:.2f})")

    @property
    def precision(self) -> float:
        return self.supported / self.pairs if self.pairs else float("nan")


@dataclass
class Tally:
    """What one backend's answers added up to."""

    backend: str
    raw: Pairs
    final: Pairs
    questions: int = 0
    off_topic: int = 0
    removed: int = 0
    expected_hits: int = 0
    grounded: int = 0
    refused: int = 0
    fallbacks: int = 0
    seconds: list[float] = field(default_factory=list)

    def add_answer(self, answer: Answer, raw_text: str, context: list[Citation]) -> None:
        """Count one answer: its raw (streamed) and verified citation pairs, repairs and fallbacks."""
        self.raw.add(raw_text, {c.n: c.text for c in context})
        self.final.add(answer.text, {c.n: c.text for c in answer.citations})
        for note in AnswerNote.find(answer.notes, AnswerNote.REMOVED_CITATIONS, AnswerNote.DROPPED_CITATIONS):
            self.removed += len(AnswerNote.detail(note).split(","))
        self.fallbacks += int(AnswerNote.FALLBACK in answer.notes)


def build_index(data_dir: Path) -> Store:
    """Open a store under ``data_dir`` and (re)index the starter corpus into it."""
    store = Store.open(data_dir, load_embedder())
    started = time.perf_counter()
    report = ingest([REPO_ROOT / "corpus"], store, workspace=WORKSPACE)
    log(f"indexed corpus in {time.perf_counter() - started:.1f} s: {report.counts()}")
    return store


def chat_model(backend: str):
    """The chat model for ``backend`` or None (with the reason logged) when it cannot be used."""
    try:
        from assistant.llm.backends import get_chat_model
        from assistant.settings import get_settings
    except ImportError:
        log("assistant.llm.backends is not available")
        return None
    model, status = get_chat_model(get_settings(), backend)
    log(status.message)
    return model


def run_backend(store: Store, backend: str, limit: int | None, verbose: bool) -> Tally | None:
    """Answer every question with ``backend``; None when the backend cannot be used."""
    llm = None if backend == "none" else chat_model(backend)
    if backend != "none" and llm is None:
        return None
    answerer = Answerer(HybridRetriever(store=store, workspace=WORKSPACE, k=5), llm, backend)
    tally = Tally(backend, raw=Pairs(f"{backend} raw"), final=Pairs(f"{backend} final"))
    questions = QUESTIONS[:limit] if limit else QUESTIONS
    off_topic = OFF_TOPIC[: max(1, limit // 3)] if limit else OFF_TOPIC
    for question, expected in questions:
        answer, raw_text, context = timed(answerer, question, tally)
        tally.add_answer(answer, raw_text, context)
        tally.grounded += int(answer.grounded)
        tally.expected_hits += int(any(c.source == expected for c in answer.citations))
        if verbose:
            log(f"{backend} | {question}\n{answer.text}")
            log(f"  notes={answer.notes} unsupported={answer.unsupported}")
    for question in off_topic:
        answer, _, _ = timed(answerer, question, tally)
        tally.refused += int(not answer.grounded and not answer.citations)
    log(f"{backend}: {len(questions)} questions + {len(off_topic)} off-topic done")
    tally.questions, tally.off_topic = len(questions), len(off_topic)
    return tally


def timed(answerer: Answerer, question: str, tally: Tally) -> tuple[Answer, str, list[Citation]]:
    """Answer one question, recording its wall time; also returns the streamed text and the context."""
    started = time.perf_counter()
    streamed: list[str] = []
    context: list[Citation] = []
    answer: Answer | None = None
    for event in answerer.stream(question):
        if event.kind == EventKind.PASSAGES:
            context = event.citations
        elif event.kind == EventKind.TOKEN:
            streamed.append(event.text)
        elif event.kind == EventKind.FINAL:
            answer = event.answer
    tally.seconds.append(time.perf_counter() - started)
    assert answer is not None
    return answer, "".join(streamed), context


def report(tallies: list[Tally]) -> str:
    """The results table."""
    rows = []
    for t in tallies:
        n, off = t.questions, t.off_topic
        rows.append(
            [
                t.backend,
                f"{t.raw.supported}/{t.raw.pairs}",
                t.raw.precision,
                f"{t.final.supported}/{t.final.pairs}",
                t.final.precision,
                t.final.cross_language,
                t.removed,
                f"{t.expected_hits}/{n}",
                f"{t.grounded}/{n}",
                f"{t.refused}/{off}",
                t.fallbacks,
                percentile(t.seconds, 50),
                percentile(t.seconds, 95),
            ]
        )
    headers = [
        "backend",
        "raw supported",
        "raw prec",
        "verified supported",
        "verified prec",
        "cross-lang",
        "removed",
        "expected src",
        "grounded",
        "refused",
        "fallbacks",
        "p50 s",
        "p95 s",
    ]
    return format_table(headers, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backends", default="none,embedded", help="comma-separated: none, embedded, openai, ollama"
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="answer only the first N questions (LLM runs)"
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="index folder to (re)use")
    parser.add_argument("--verbose", action="store_true", help="log every answer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="edunet-cite-") as tmp:
        store = build_index(args.data_dir or Path(tmp))
        tallies = []
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            tally = run_backend(store, backend, args.limit, args.verbose)
            if tally is None:
                log(f"{backend}: skipped (not available)")
                continue
            tallies.append(tally)
        store.manifest.close()
    print(report(tallies))
    print(load_note())


if __name__ == "__main__":
    main()
