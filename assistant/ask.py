"""Grounded answering: retrieve, fence numbered passages, generate, verify, or say "not found".

Usage:
    >>> answerer = Answerer(retriever, llm=None)               # extractive ("none") mode
    >>> answer = answerer.ask("องค์ประกอบของเครือข่ายมีอะไรบ้าง")
    >>> answer.text, [c.source for c in answer.citations]
    >>> for event in Answerer(retriever, chat_model, "embedded").stream("What is SDG 4?"):
    ...     ...  # PASSAGES first, then TOKEN pieces, then one FINAL with the verified Answer

The steps of :meth:`Answerer.stream`:

1. The question is checked (empty → ValueError, very long → truncated with a note) and its
   language decides the answer language and the prompt file (``prompts/ask.<lang>.yaml``).
2. A follow-up is rewritten into a standalone search query (by the model when there is one,
   else by adding key words of the previous question).
3. Hybrid retrieval; a hit counts as relevant by its dense cosine and its presence in the
   BM25 list (:class:`Relevance`). Nothing relevant → "not found in your documents".
4. The relevant passages are numbered [1]..[n] and packed into ``max_context_tokens``,
   trimmed to their sentences closest to the question when needed, and fenced as quoted data.
5. Without a model, the answer is the best sentences of the passages, each with its [n].
   With one, its tokens are streamed, then checked: language, CJK leakage, loops, leaked
   prompt and citations (:mod:`assistant.grounding`). A failed check gets one retry with a
   stricter instruction (not streamed); a second failure, or a backend error, falls back to
   the extractive answer with a note.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import grounding as g
from assistant.records import Answer, AnswerEvent, Citation, EventKind
from assistant.settings import REPO_ROOT
from ingest.records import Hit

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from assistant.retrieval import HybridRetriever

log = logging.getLogger(__name__)

PROMPTS_DIR = REPO_ROOT / "prompts"
"""Where ``ask.th.yaml`` and ``ask.en.yaml`` live."""

MAX_QUESTION_CHARS = 1000
"""Longer questions are cut to this length (with a note) before retrieval and prompting."""
MAX_ANSWER_CHARS = 2000
"""A streamed answer is cut off past this length (the weak model can loop for minutes)."""
LOOP_CHECK_EVERY = 200
"""While streaming, the text is checked for loops every this many characters."""
HISTORY_TURN_CHARS = 300
"""Each earlier user or assistant message is cut to this length in prompts."""
EXTRACTIVE_PASSAGES = 3
"""An extractive answer quotes at most this many passages…"""
EXTRACTIVE_SENTENCES = 2
"""…and at most this many sentences of each."""
EXTRACTIVE_TOKENS = 120
"""…within about this many tokens per passage."""

FOLLOW_UP_MIN_TERMS = 4
"""A question with fewer content words than this after a first turn is treated as a follow-up."""
_EN_PRONOUNS = re.compile(
    r"\b(it|its|itself|that|this|these|those|they|them|their|there|he|she|his|her|what about|and)\b", re.I
)
_TH_PRONOUNS = ("ดังกล่าว", "นั้น", "นี้", "มัน", "เขา", "พวกเขา", "เหล่านั้น", "เหล่านี้", "ล่ะ")


# ------------------------------------------------------------------------------------------ prompts


@dataclass(frozen=True)
class Prompts:
    """The prompt texts of one language, read from ``prompts/ask.<language>.yaml``."""

    language: str
    not_found: str
    system: str
    instructions: str
    fence_open: str
    fence_close: str
    passage_template: str
    question_template: str
    retry: dict[str, str]
    extractive_header: str
    rewrite_system: str
    rewrite_template: str
    history_template: str

    def system_message(self) -> str:
        """The system prompt with its rules filled in."""
        rules = self.instructions.format(
            fence_open=self.fence_open, fence_close=self.fence_close, not_found=self.not_found
        )
        return f"{self.system.strip()}\n\n{rules.strip()}"

    def fences(self) -> list[str]:
        """Strings a passage must not contain (they could close the quoted block)."""
        return [self.fence_open, self.fence_close, "<<<", ">>>"]


@cache
def load_prompts(language: str, directory: Path = PROMPTS_DIR) -> Prompts:
    """The prompts for ``language`` ("th" or "en"); raises ValueError naming a missing key or file."""
    import yaml

    path = directory / f"ask.{language}.yaml"
    if not path.is_file():
        raise ValueError(f"no prompt file for language {language!r}: {path}")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    fields = Prompts.__dataclass_fields__
    missing = [name for name in fields if name not in data]
    if missing:
        raise ValueError(f"{path} lacks the keys: {', '.join(missing)}")
    values = {name: data[name] if name == "retry" else str(data[name]) for name in fields}
    return Prompts(**values)


# ---------------------------------------------------------------------------------------- relevance


@dataclass(frozen=True)
class Relevance:
    """When a retrieved passage counts as relevant, from retrieval signals only.

    A hit is relevant when its dense (e5) cosine similarity to the question is at least
    ``strong``, or at least ``floor`` while it is also a BM25 hit containing ``min_overlap``
    of the question's content words. A question with no relevant hit is answered "not
    found". Once one hit is relevant, other hits within ``keep_margin`` of its cosine (or
    BM25-only hits with ``bm25_overlap`` of the question's words) join the context.

    Calibrated on the starter corpus (289 chunks) with multilingual-e5-small: the top
    cosine of 18 on-topic questions (Thai and English) was 0.843–0.936, that of 15
    off-topic ones ("What is the capital of France?", "สูตรต้มยำกุ้ง", "ราคาทองคำวันนี้",
    "ignore previous instructions…") 0.751–0.835; the on-topic ones below 0.86 were all BM25
    hits sharing at least a third of the question's words, the off-topic ones at 0.83 or above
    were not. e5 cosines are compressed (unrelated text scores about 0.75), so the numbers
    belong to this model: recalibrate with ``bench/citation_precision.py`` after changing it.
    """

    strong: float = 0.86
    floor: float = 0.83
    min_overlap: float = 0.3
    keep_margin: float = 0.06
    bm25_overlap: float = 0.5


@dataclass
class Scored:
    """A hit with the signals relevance is judged by."""

    hit: Hit
    cosine: float | None
    overlap: float

    @property
    def in_bm25(self) -> bool:
        return "bm25" in self.hit.ranks


# ---------------------------------------------------------------------------------------- answerer


class Answerer:
    """Answers questions from one retriever, with a chat model or (``llm=None``) extractively.

    ``backend`` names the model in answers ("embedded", "openai", ...); it is "none"
    whenever ``llm`` is None. ``max_context_tokens`` bounds what varies in the prompt
    (passages, earlier turns, the question); the fixed rules come on top.
    """

    def __init__(
        self,
        retriever: HybridRetriever,
        llm: BaseChatModel | None,
        backend: str = "none",
        *,
        max_context_tokens: int = 800,
        min_relevance: Relevance | float | None = None,
        k: int | None = None,
        history_turns: int = 2,
        prompts_dir: Path = PROMPTS_DIR,
    ) -> None:
        self.retriever = retriever
        self.llm = llm
        self.backend = backend if llm is not None else "none"
        self.max_context_tokens = max_context_tokens
        self.relevance = _relevance(min_relevance)
        self.k = k or getattr(retriever, "k", 5)
        self.history_turns = history_turns
        self.prompts_dir = prompts_dir

    # ------------------------------------------------------------------ public API

    def ask(self, question: str, history: Sequence[tuple[str, str]] = ()) -> Answer:
        """The verified answer to ``question`` (the FINAL event of :meth:`stream`)."""
        final: Answer | None = None
        for event in self.stream(question, history):
            if event.kind == EventKind.FINAL:
                final = event.answer
        assert final is not None  # stream always ends with FINAL
        return final

    def stream(self, question: str, history: Sequence[tuple[str, str]] = ()) -> Iterator[AnswerEvent]:
        """PASSAGES (the numbered citations), TOKEN pieces, then one FINAL with the verified Answer.

        Raises ValueError for an empty question; never raises for a failing model.
        """
        question, notes = check_question(question)
        language = g.question_language(question)
        prompts = load_prompts(language, self.prompts_dir)
        turns = [(str(u), str(a)) for u, a in history][-self.history_turns :] if self.history_turns else []
        query = self._standalone(question, turns, prompts, notes)
        relevant = self.select(self.retrieve(query), query)
        turns = self._fit_history(turns, question, prompts)
        citations = self.citations(relevant, query, prompts, self._passage_budget(question, turns, prompts))
        if not citations:  # nothing relevant, or nothing fits the budget
            answer = self._not_found(prompts, [*notes, "not-found"])
            yield AnswerEvent(EventKind.PASSAGES)
            yield AnswerEvent(EventKind.TOKEN, text=answer.text)
            yield AnswerEvent(EventKind.FINAL, answer=answer)
            return
        yield AnswerEvent(EventKind.PASSAGES, citations=list(citations))
        if self.llm is None:
            answer = self._extractive(citations, query, prompts, notes)
            yield AnswerEvent(EventKind.TOKEN, text=answer.text)
            yield AnswerEvent(EventKind.FINAL, answer=answer)
            return
        answer = yield from self._generate(question, query, turns, citations, prompts, notes)
        yield AnswerEvent(EventKind.FINAL, answer=answer)

    # ------------------------------------------------------------------ retrieval

    def retrieve(self, query: str) -> list[Scored]:
        """Hybrid hits for ``query`` with each one's dense cosine (None when unknown) and word overlap.

        For the hybrid mode this runs the retriever's dense and BM25 searches itself, because
        fusion replaces the dense cosine by the fused score; other modes use ``search``.
        """
        from assistant.retrieval import Mode, reciprocal_rank_fusion

        r = self.retriever
        fetch = max(getattr(r, "fetch_k", 30), self.k)
        if getattr(r, "mode", None) == Mode.HYBRID:
            dense = r.store.dense(r.workspace, query, fetch, r.filters)
            cosines = {h.chunk_id: h.score for h in dense}
            bm25 = r.store.keyword(r.workspace, query, fetch, r.filters)
            hits = reciprocal_rank_fusion({"dense": dense, "bm25": bm25}, self.k)
        else:
            hits = r.search(query, self.k)
            cosines = {h.chunk_id: h.score for h in hits if h.ranks.get("dense")}
        q_terms = g.content_terms(query)
        return [Scored(h, cosines.get(h.chunk_id), _overlap(q_terms, _about(h))) for h in hits]

    def select(self, scored: Sequence[Scored], query: str = "") -> list[Scored]:
        """The relevant hits, best first (empty when the question is not answered by the index).

        The order is the retriever's, except that passages of a document whose file name or
        title carries an identifier of the question ("MOU-2024-001") come first.
        """
        rel = self.relevance
        if all(s.cosine is None for s in scored):  # BM25-only retrieval: judge by words alone
            return [s for s in scored if s.overlap >= rel.bm25_overlap]
        strong = [s for s in scored if _is_relevant(s, rel)]
        if not strong:
            return []
        best = max((s.cosine for s in strong if s.cosine is not None), default=rel.strong)
        kept = [s for s in scored if s in strong or _joins_context(s, best, rel)]
        return promote_named(kept, query)

    def citations(
        self, relevant: Sequence[Scored], query: str, prompts: Prompts, budget: int
    ) -> list[Citation]:
        """Number the relevant passages [1]..[n], sanitised and packed into ``budget`` tokens."""
        safe = [g.sanitize_passage(s.hit.text, prompts.fences()) for s in relevant]
        headers = [_header(prompts, n, s.hit) for n, s in enumerate(relevant, start=1)]
        packed = g.pack_passages(
            [g.PassageText(t, h) for t, h in zip(safe, headers, strict=True)], query, budget
        )
        return [
            Citation(
                n=n,
                source=s.hit.source,
                page=s.hit.page,
                text=text,
                chunk_id=s.hit.chunk_id,
                title=s.hit.title,
                section=s.hit.section,
                score=round(s.cosine if s.cosine is not None else s.hit.score, 4),
            )
            for n, (s, text) in enumerate(zip(relevant, packed, strict=False), start=1)
        ]

    # ------------------------------------------------------------------ follow-ups

    def _standalone(
        self, question: str, turns: Sequence[tuple[str, str]], prompts: Prompts, notes: list[str]
    ) -> str:
        """The search query for ``question``: itself, or a rewrite of a follow-up."""
        if not turns or not is_follow_up(question, prompts.language):
            return question
        if self.llm is not None:
            rewritten = self._rewrite_with_model(question, turns, prompts)
            if rewritten:
                notes.append("rewritten:model")
                return rewritten
        notes.append("rewritten:terms")
        return expand_with_history(question, turns)

    def _rewrite_with_model(
        self, question: str, turns: Sequence[tuple[str, str]], prompts: Prompts
    ) -> str | None:
        """A standalone question from the model, or None when it fails or answers badly."""
        from langchain_core.messages import HumanMessage, SystemMessage

        history = "\n".join(
            prompts.history_template.format(user=_short(u), assistant=_short(g.strip_markers(a))).strip()
            for u, a in turns
        )
        messages = [
            SystemMessage(prompts.rewrite_system.strip()),
            HumanMessage(prompts.rewrite_template.format(history=history, question=question).strip()),
        ]
        try:
            reply = _message_text(self.llm.invoke(messages))  # type: ignore[union-attr]
        except Exception as exc:  # a failing backend only costs the rewrite
            log.warning("follow-up rewrite failed: %s", exc)
            return None
        return clean_rewrite(reply, question, prompts.language)

    # ------------------------------------------------------------------ prompt

    def _fit_history(
        self, turns: list[tuple[str, str]], question: str, prompts: Prompts
    ) -> list[tuple[str, str]]:
        """Drop the oldest turns until passages keep at least half of the context budget."""
        while turns and self._passage_budget(question, turns, prompts) < self.max_context_tokens // 2:
            turns = turns[1:]
        return turns

    def _passage_budget(self, question: str, turns: Sequence[tuple[str, str]], prompts: Prompts) -> int:
        """Tokens left for passages once the question block and earlier turns are counted."""
        frame = prompts.question_template.format(
            fence_open=prompts.fence_open, fence_close=prompts.fence_close, passages="", question=question
        )
        used = g.estimate_tokens(frame) + sum(
            g.estimate_tokens(_short(u)) + g.estimate_tokens(_short(g.strip_markers(a))) for u, a in turns
        )
        return self.max_context_tokens - used

    def messages(
        self,
        question: str,
        turns: Sequence[tuple[str, str]],
        citations: Sequence[Citation],
        prompts: Prompts,
        strict: Sequence[str] = (),
    ) -> list[BaseMessage]:
        """The chat messages: rules, earlier turns, then the fenced passages and the question."""
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        passages = "\n".join(
            prompts.passage_template.format(
                n=c.n, source=_safe_source(prompts, c.source), page=c.page, text=c.text
            )
            for c in citations
        )
        last = prompts.question_template.format(
            fence_open=prompts.fence_open,
            fence_close=prompts.fence_close,
            passages=passages,
            question=question,
        ).strip()
        extra = [prompts.retry[p] for p in strict if p in prompts.retry]
        if extra:
            last = last + "\n" + "\n".join(extra)
        out: list[BaseMessage] = [SystemMessage(prompts.system_message())]
        for user, assistant in turns:
            out += [HumanMessage(_short(user)), AIMessage(_short(g.strip_markers(assistant)))]
        out.append(HumanMessage(last))
        return out

    # ------------------------------------------------------------------ generation

    def _generate(
        self,
        question: str,
        query: str,
        turns: Sequence[tuple[str, str]],
        citations: list[Citation],
        prompts: Prompts,
        notes: list[str],
    ) -> Iterator[AnswerEvent]:
        """Stream the model's answer, check it, retry once, else fall back; returns the Answer."""
        problems: list[str] = []
        for attempt in range(2):
            messages = self.messages(question, turns, citations, prompts, strict=problems)
            text, error = yield from self._stream_model(messages, emit=attempt == 0)
            if error is not None:
                return self._extractive(citations, query, prompts, [*notes, error, "fallback:none"])
            answer, problems = self._check(text, question, citations, prompts, notes)
            if not problems:
                return answer
            if DECLINED in problems:
                return self._extractive(
                    citations, query, prompts, [*notes, "model-declined", "fallback:none"]
                )
            if attempt == 0:
                notes = [*notes, *(f"retried:{p}" for p in problems)]
        return self._extractive(
            citations, query, prompts, [*notes, *(f"failed:{p}" for p in problems), "fallback:none"]
        )

    def _stream_model(self, messages: list[BaseMessage], emit: bool) -> Iterator[AnswerEvent]:
        """Stream one reply; yields TOKEN events when ``emit``; returns (text, error note or None).

        Stops early when the reply passes :data:`MAX_ANSWER_CHARS` or starts to loop.
        """
        pieces: list[str] = []
        size = checked = 0
        try:
            for chunk in self.llm.stream(messages):  # type: ignore[union-attr]
                piece = _message_text(chunk)
                if not piece:
                    continue
                pieces.append(piece)
                size += len(piece)
                if emit:
                    yield AnswerEvent(EventKind.TOKEN, text=piece)
                if size > MAX_ANSWER_CHARS:
                    break
                if size - checked >= LOOP_CHECK_EVERY:
                    checked = size
                    if g.has_repetition("".join(pieces)):
                        break
        except Exception as exc:  # never crash on a model: classify, note, fall back
            return "".join(pieces), backend_note(exc)
        return "".join(pieces), None

    def _check(
        self, text: str, question: str, citations: Sequence[Citation], prompts: Prompts, notes: list[str]
    ) -> tuple[Answer, list[str]]:
        """Verify a model answer; returns it (citations checked) and the checks it failed."""
        text = drop_echo_lines(g.move_leading_markers(text.strip()), question)
        if says_not_found(text, [prompts.not_found, *NOT_FOUND_MESSAGES]):
            # Retrieval found relevant passages, so a weak model's "not found" is not trusted:
            # the caller falls back to quoting them.
            return self._not_found(prompts, notes), [DECLINED]
        problems = output_problems(text, prompts, question)
        verification = g.verify_citations(
            text, {c.n: c.text for c in citations}, cite_uncited=True, question=question
        )
        if not problems and not verification.grounded:
            problems.append("unsupported")
        extra = []
        if verification.dropped:
            extra.append("dropped-citations:" + ",".join(map(str, verification.dropped)))
        if verification.removed:
            extra.append("removed-citations:" + ",".join(map(str, sorted(set(verification.removed)))))
        if verification.recited:
            extra.append("recited:" + ",".join(f"{a}->{b}" for a, b in verification.recited))
        if verification.added:
            extra.append("added-citations:" + ",".join(map(str, verification.added)))
        if verification.unverified:
            extra.append(f"unverified:{verification.unverified}")
        answer = Answer(
            text=verification.text,
            citations=[c for c in citations if c.n in verification.cited],
            grounded=verification.grounded,
            backend=self.backend,
            language=prompts.language,
            unsupported=verification.unsupported,
            notes=[*notes, *extra],
        )
        return answer, problems

    # ------------------------------------------------------------------ answers without a model

    def _extractive(
        self, citations: Sequence[Citation], query: str, prompts: Prompts, notes: list[str]
    ) -> Answer:
        """The best sentences of the best passages, each line ending with its [n]."""
        lines = []
        for c in _extractive_order(citations, prompts.language):
            quote = g.best_sentences(c.text, query, EXTRACTIVE_TOKENS, EXTRACTIVE_SENTENCES)
            if quote and (not lines or max(g.sentence_scores([quote], query)) > 0):
                lines.append(f"- {quote} [{c.n}]")
            if len(lines) >= EXTRACTIVE_PASSAGES:
                break
        if not lines:
            return self._not_found(prompts, [*notes, "not-found"])
        text = prompts.extractive_header + "\n" + "\n".join(lines)
        verification = g.verify_citations(text, {c.n: c.text for c in citations})
        return Answer(
            text=verification.text,
            citations=[c for c in citations if c.n in verification.cited],
            grounded=True,
            backend="none",
            language=prompts.language,
            unsupported=verification.unsupported,
            notes=list(notes),
        )

    def _not_found(self, prompts: Prompts, notes: list[str]) -> Answer:
        """The plain "not found in your documents" answer: no citations, not grounded."""
        return Answer(
            text=prompts.not_found,
            citations=[],
            grounded=False,
            backend=self.backend,
            language=prompts.language,
            notes=list(notes),
        )


# ------------------------------------------------------------------------------------ pure helpers


def check_question(question: str) -> tuple[str, list[str]]:
    """The question stripped (and cut to :data:`MAX_QUESTION_CHARS`) with notes; ValueError when empty."""
    text = " ".join((question or "").split())
    if not text:
        raise ValueError("the question is empty: ask something about your documents")
    if len(text) <= MAX_QUESTION_CHARS:
        return text, []
    cut = text[:MAX_QUESTION_CHARS]
    space = cut.rfind(" ")
    if space > MAX_QUESTION_CHARS * 0.8:
        cut = cut[:space]
    return cut, [f"question-truncated:{len(text)}->{len(cut)}"]


def is_follow_up(question: str, language: str) -> bool:
    """True when a question seems to lean on the previous turn: short, or with a pronoun."""
    if len(g.content_terms(question)) < FOLLOW_UP_MIN_TERMS:
        return True
    if language == "th":
        return any(p in question for p in _TH_PRONOUNS)
    return bool(_EN_PRONOUNS.search(question))


def expand_with_history(question: str, turns: Sequence[tuple[str, str]], limit: int = 6) -> str:
    """``question`` plus up to ``limit`` key words of the previous user question (rewrite without a model)."""
    previous = turns[-1][0] if turns else ""
    terms = g.terms_of(previous, limit, exclude=g.content_terms(question))
    return f"{question} {' '.join(terms)}".strip()


def clean_rewrite(reply: str, question: str, language: str) -> str | None:
    """The model's standalone question, or None when it is empty, too long or in the wrong language/script."""
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return None
    text = re.sub(r"^[^:：]{0,30}[:：]\s*", "", lines[0]).strip().strip("\"'“”")
    too_long = len(text) > max(300, 3 * len(question))
    if not text or too_long or g.cjk_leak(text) or g.language_mismatch(text, language):
        return None
    return text


def drop_echo_lines(text: str, question: str) -> str:
    """``text`` without lines that only restate the question (kept when nothing else is left)."""
    asked = g.content_terms(question)
    lines = text.splitlines()
    kept = [line for line in lines if not (terms := g.content_terms(line)) or not terms <= asked]
    if not any(line.strip() for line in kept) or len(kept) == len(lines):
        return text
    return "\n".join(kept).strip()


def output_problems(text: str, prompts: Prompts, question: str = "") -> list[str]:
    """The checks a model answer fails: empty, no-answer, echo, wrong-language, cjk, repetition,
    prompt-leak.

    "no-answer" is a reply without content words (only "[1]", or "OK"), "echo" one whose
    every content word comes from the question (it repeats the question); the other checks
    are then moot.
    """
    if not text.strip():
        return ["empty"]
    terms = g.content_terms(text)
    if len(terms) < g.MIN_CHECKED_TERMS:
        return ["no-answer"]
    if question and terms <= g.content_terms(question):
        return ["echo"]
    problems = []
    if g.language_mismatch(text, prompts.language):
        problems.append("wrong-language")
    if g.cjk_leak(text):
        problems.append("cjk")
    if g.has_repetition(text):
        problems.append("repetition")
    if leaks_prompt(text, prompts.system_message()):
        problems.append("prompt-leak")
    return problems


LEAK_WINDOW = 40
"""An answer containing this many consecutive characters of the system prompt leaks it."""


def leaks_prompt(text: str, system: str) -> bool:
    """True when the answer repeats a :data:`LEAK_WINDOW`-character stretch of the system prompt."""
    flat_text = " ".join(text.split()).lower()
    flat_system = " ".join(system.split()).lower()
    step = LEAK_WINDOW // 4
    return any(
        flat_system[i : i + LEAK_WINDOW] in flat_text
        for i in range(0, max(1, len(flat_system) - LEAK_WINDOW + 1), step)
    )


DECLINED = "declined"  # the model said "not found" although relevant passages were retrieved
NOT_FOUND_MESSAGES = ("ไม่พบข้อมูลนี้ในเอกสารของคุณ", "Not found in your documents")
""""Not found" in both languages, recognised in a model's answer whatever the prompt language."""


def says_not_found(text: str, messages: Iterable[str] = NOT_FOUND_MESSAGES) -> bool:
    """True when an answer is (little more than) one of the "not found" ``messages``."""
    flat = " ".join(g.strip_markers(text).split()).strip(" .").lower()
    if not flat:
        return False
    for message in messages:
        wanted = " ".join(message.split()).strip(" .").lower()
        if wanted and wanted in flat and len(flat) < len(wanted) + 40:
            return True
    return False


def backend_note(exc: BaseException) -> str:
    """The note for a model error: "backend unavailable: …" for backend errors, else "backend error: …"."""
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    try:
        from assistant.llm import is_backend_error
    except ImportError:  # the LLM module is optional for answering
        is_backend_error = None
    if is_backend_error is None or is_backend_error(exc):
        return f"backend unavailable: {detail}"
    log.exception("the chat model failed")
    return f"backend error: {type(exc).__name__}: {detail}"


def _relevance(value: Relevance | float | None) -> Relevance:
    """A Relevance from the constructor argument (a float sets the ``strong`` cosine)."""
    if value is None:
        return Relevance()
    if isinstance(value, Relevance):
        return value
    base = Relevance()
    return Relevance(strong=float(value), floor=min(base.floor, float(value)))


def _is_relevant(s: Scored, rel: Relevance) -> bool:
    """Whether one hit is relevant enough on its own (see :class:`Relevance`)."""
    if s.cosine is None:
        return False
    if s.cosine >= rel.strong:
        return True
    return s.cosine >= rel.floor and s.in_bm25 and s.overlap >= rel.min_overlap


_RE_IDENTIFIER = re.compile(r"[A-Za-z0-9]*\d[A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*")


def identifiers(text: str) -> set[str]:
    """The identifier-like parts of a text ("MOU-2025-002" → {"mou", "2025", "002"}), 3+ characters."""
    parts: set[str] = set()
    for match in _RE_IDENTIFIER.finditer(text):
        parts.update(p.lower() for p in re.split(r"[-/.]", match.group(0)) if len(p) >= 3)
    return parts


def promote_named(scored: Sequence[Scored], question: str) -> list[Scored]:
    """Passages whose file name or title holds more of the question's identifiers first (order kept)."""
    wanted = {p for p in identifiers(question) if any(ch.isdigit() for ch in p)}
    if not wanted:
        return list(scored)

    def named(s: Scored) -> int:
        return len(wanted & identifiers(f"{s.hit.source} {s.hit.title}"))

    return sorted(scored, key=lambda s: -named(s))


def _joins_context(s: Scored, best: float, rel: Relevance) -> bool:
    """Whether a hit that is not relevant on its own joins the context of an answerable question."""
    if s.cosine is not None and s.cosine >= max(rel.floor, best - rel.keep_margin):
        return True
    return s.in_bm25 and s.overlap >= rel.bm25_overlap


def _overlap(q_terms: frozenset[str], text: str) -> float:
    """Share of the question's content words found in ``text``."""
    if not q_terms:
        return 0.0
    return len(q_terms & g.content_terms(text)) / len(q_terms)


def _header(prompts: Prompts, n: int, hit: Hit) -> str:
    """The passage's line prefix, used to count its cost."""
    return prompts.passage_template.format(
        n=n, source=_safe_source(prompts, hit.source), page=hit.page, text=""
    )


def _safe_source(prompts: Prompts, source: str) -> str:
    """A document's name made safe to show inside the fence: a file name is data too.

    Names come from disk and the CLI, not only from sanitised uploads, so one holding the
    fence markers ("PASSAGES>>>") could otherwise close the quoted block.
    """
    return " ".join(g.sanitize_passage(source, prompts.fences()).split())


def _extractive_order(citations: Sequence[Citation], language: str) -> list[Citation]:
    """The citations to quote, in context order: those in the answer's language when there are any."""
    return [c for c in citations if not g.language_mismatch(c.text, language)] or list(citations)


def _about(item: Hit) -> str:
    """A passage's text with its title and file name (split into words), for word overlap."""
    name = re.sub(r"[/_.\-]+", " ", item.source)
    return f"{name}\n{item.title}\n{item.text}"


def _short(text: str) -> str:
    """An earlier message cut to :data:`HISTORY_TURN_CHARS` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= HISTORY_TURN_CHARS else flat[: HISTORY_TURN_CHARS - 1] + "…"


def _message_text(message: Any) -> str:
    """The text of a chat message or chunk whose content is a string or a list of parts."""
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, Iterable):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and part.get("type") == "text":
                parts.append(str(part.get("text", "")))
        return "".join(parts)
    return str(content)
