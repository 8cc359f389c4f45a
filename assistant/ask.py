"""Grounded answering: retrieve, grow hits into sections, build the cited skeleton, let the model write in it.

Usage:
    >>> answerer = Answerer(retriever, llm=None)               # extractive ("none") mode
    >>> answer = answerer.ask("องค์ประกอบของเครือข่ายมีอะไรบ้าง")
    >>> answer.text, [c.source for c in answer.citations]
    >>> for event in Answerer(retriever, chat_model, "embedded").stream("What is SDG 4?"):
    ...     ...  # PASSAGES, SKELETON, then TOKEN pieces (prose), then one FINAL

The steps of :meth:`Answerer.stream`:

1. The question is checked (empty → ValueError, very long → cut with a note) and analysed
   (:mod:`assistant.questions`): its language, and whether it wants a list, a fact or an
   explanation. A follow-up is rewritten into a standalone query.
2. Hybrid retrieval in both languages (:mod:`assistant.retrieval`); the relevance gate
   (:mod:`assistant.relevance`) keeps the passages that may answer. None → "not found".
3. Small-to-big (:mod:`assistant.context`): each relevant chunk grows into its section;
   each page of each section becomes a numbered piece [n] with its document and page.
4. The skeleton (:mod:`assistant.extractive`): the enumerated items of the best list, or
   the sentence that holds the fact, each line citing its piece. No skeleton → "not found".
5. Without a model, the skeleton is the answer. With one, the model gets the pieces
   (trimmed to the token budget, list items and the question's sentences kept) and writes
   a JSON list of points, each naming its piece; prose is accepted too. Every sentence is
   verified against the piece it cites (:func:`assistant.grounding.verify_citations`). The
   model's answer is kept only when it passes the checks and covers at least as much of
   the skeleton's list; otherwise the skeleton is the answer, with a note saying why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import grounding as g
from assistant.abbreviations import spell_out
from assistant.context import Passage, expand
from assistant.extractive import Line, Piece, Skeleton, compose
from assistant.model_checks import (
    DECLINED,
    NOT_FOUND_MESSAGES,
    backend_note,
    drop_echo_lines,
    leaks_prompt,
    message_text,
    output_problems,
    parse_points,
    says_not_found,
)
from assistant.privacy import screened
from assistant.questions import Kind, Question, analyse
from assistant.records import Answer, AnswerEvent, Citation, EventKind
from assistant.relevance import (
    Relevance,
    Scored,
    as_relevance,
    identifiers,
    promote_named,
    score_hits,
    select,
)
from assistant.settings import REPO_ROOT

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from assistant.retrieval import HybridRetriever

__all__ = [
    "DECLINED",
    "NOT_FOUND_MESSAGES",
    "Answerer",
    "Relevance",
    "Scored",
    "check_question",
    "drop_echo_lines",
    "expand_with_history",
    "identifiers",
    "leaks_prompt",
    "load_prompts",
    "output_problems",
    "promote_named",
    "says_not_found",
]

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
SECTION_CHARS = 3200
"""A retrieved chunk grows into its section up to about this many characters."""
MAX_PASSAGES = 4
"""At most this many sections make the context."""

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
    no_words: str
    other_language: str
    system: str
    instructions: str
    fence_open: str
    fence_close: str
    passage_template: str
    question_template: str
    points_instruction: str
    list_instruction: str
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


# ------------------------------------------------------------------------------------------ context


@dataclass
class Context:
    """What one question is answered from: the analysed question, its query and the numbered pieces."""

    question: Question
    query: str
    translated: str
    passages: list[Passage]
    citations: list[Citation]
    counts: dict[str, int] | None = None  # how many chunks of the index hold each question term
    total: int = 0  # chunks in the index

    def pieces(self) -> list[Piece]:
        return [Piece(c.n, c.text, c.passage, c.trail, c.title) for c in self.citations]


def number_pieces(
    passages: Sequence[Passage], prompts: Prompts, ocr: Mapping[int, Collection[int]] | None = None
) -> list[Citation]:
    """One citation per page of each passage, numbered [1]..[n] in passage order.

    ``ocr`` maps a document row to its pages read by OCR; their citations are marked ``ocr``.
    """
    out: list[Citation] = []
    ocr = ocr or {}
    for p, passage in enumerate(passages):
        for page, text, chunks in passage.page_texts():
            out.append(
                Citation(
                    n=len(out) + 1,
                    source=passage.source,
                    page=page,
                    text=g.sanitize_passage(text, prompts.fences()),
                    chunk_id=chunks[0].chunk_id,
                    title=passage.title,
                    section=" › ".join(passage.trail),
                    score=round(passage.cosine if passage.cosine is not None else passage.score, 4),
                    trail=passage.trail,
                    passage=p,
                    chunk_ids=tuple(c.chunk_id for c in chunks),
                    ocr=page in ocr.get(passage.doc_id, ()),
                )
            )
    return out


# ------------------------------------------------------------------------------------------ answerer


class Answerer:
    """Answers questions from one retriever, with a chat model or (``llm=None``) extractively.

    ``backend`` names the model in answers ("embedded", "openai", ...); it is "none"
    whenever ``llm`` is None. ``max_context_tokens`` bounds what the model reads (pieces,
    earlier turns, the question); the fixed rules come on top.
    """

    def __init__(
        self,
        retriever: HybridRetriever,
        llm: BaseChatModel | None,
        backend: str = "none",
        *,
        max_context_tokens: int = 700,
        min_relevance: Relevance | float | None = None,
        k: int | None = None,
        history_turns: int = 2,
        prompts_dir: Path = PROMPTS_DIR,
        section_chars: int = SECTION_CHARS,
    ) -> None:
        self.retriever = retriever
        self.llm = screened(llm)  # every prompt passes the privacy screen first
        self.backend = backend if llm is not None else "none"
        self.max_context_tokens = max_context_tokens
        self.relevance = as_relevance(min_relevance)
        self.k = k or getattr(retriever, "k", 5)
        self.history_turns = history_turns
        self.prompts_dir = prompts_dir
        self.section_chars = section_chars

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
        """PASSAGES, SKELETON (when a model will write), TOKEN pieces, then one FINAL with the Answer.

        Raises ValueError for an empty question; never raises for a failing model.
        """
        question, notes = check_question(question)
        language = g.question_language(question)
        prompts = load_prompts(language, self.prompts_dir)
        problem = unreadable_question(question)
        if problem is not None:
            answer = replace(
                self._not_found(prompts, [*notes, problem]), text=getattr(prompts, problem.replace("-", "_"))
            )
            yield AnswerEvent(EventKind.PASSAGES)
            yield AnswerEvent(EventKind.TOKEN, text=answer.text)
            yield AnswerEvent(EventKind.FINAL, answer=answer)
            return
        turns = [(str(u), str(a)) for u, a in history][-self.history_turns :] if self.history_turns else []
        query = self._standalone(question, turns, prompts, notes)
        ctx = self.context(question, query, prompts)
        skeleton = (
            compose(ctx.question, ctx.pieces(), ctx.translated, ctx.counts, ctx.total)
            if ctx.citations
            else Skeleton(Kind.FACT)
        )
        if not ctx.citations or (skeleton.empty and self.llm is None):
            why = "nothing-relevant" if not ctx.citations else "no-answer-in-passages"
            answer = self._not_found(prompts, [*notes, "not-found", why])
            yield AnswerEvent(EventKind.PASSAGES)
            yield AnswerEvent(EventKind.TOKEN, text=answer.text)
            yield AnswerEvent(EventKind.FINAL, answer=answer)
            return
        yield AnswerEvent(EventKind.PASSAGES, citations=list(ctx.citations))
        if self.llm is None:
            answer = self._skeleton_answer(skeleton, ctx, prompts, notes)
            yield AnswerEvent(EventKind.TOKEN, text=answer.text)
            yield AnswerEvent(EventKind.FINAL, answer=answer)
            return
        if not skeleton.empty:
            yield AnswerEvent(EventKind.SKELETON, text=skeleton.render())
        answer = yield from self._generate(question, turns, ctx, skeleton, prompts, notes)
        yield AnswerEvent(EventKind.FINAL, answer=answer)

    # ------------------------------------------------------------------ retrieval

    def retrieve(self, query: str) -> list[Scored]:
        """Hybrid hits for ``query`` (both languages), each with its dense cosine and word overlap."""
        return score_hits(self.retriever.search(query, self.k), query)

    def select(self, scored: Sequence[Scored], query: str = "") -> list[Scored]:
        """The relevant hits, best first (empty when the question is not answered by the index)."""
        return select(scored, self.relevance, query)

    def context(self, question: str, query: str, prompts: Prompts) -> Context:
        """Retrieve, gate, grow into sections and number the pieces the answer may cite."""
        analysed = analyse(question)
        translated = ""
        queries = getattr(self.retriever, "queries", None)
        if callable(queries):
            found = queries(query)
            translated = found[1].text if len(found) > 1 else ""
            hits = self.retriever.search(query, self.k, queries=found)  # type: ignore[call-arg]
        else:
            hits = self.retriever.search(query, self.k)
        relevant = select(score_hits(hits, query), self.relevance, query)
        if query != question:
            # a follow-up searched with words of the previous question: the question's own hits
            # count too (it may not lean on the previous turn at all), taken in turns with those
            own_hits = score_hits(self.retriever.search(question, self.k), question)
            own = select(own_hits, self.relevance, question)
            relevant = _interleave(own, relevant)[: self.k]
        if not relevant:
            return Context(analysed, query, translated, [], [])
        manifest = getattr(getattr(self.retriever, "store", None), "manifest", None)
        chosen = [s.hit for s in relevant]
        if manifest is None:
            passages = [
                Passage(chunks=[h], hits={h.chunk_id}, rank=i, score=h.score) for i, h in enumerate(chosen, 1)
            ]
        else:
            up = 1 if analysed.kind == Kind.LIST else 0
            passages = expand(chosen, manifest, budget_chars=self.section_chars, up=up)
        passages = passages[:MAX_PASSAGES]
        counts, total = self._term_counts(f"{spell_out(query)} {translated}")  # full forms counted too
        ocr = manifest.ocr_pages(p.doc_id for p in passages) if manifest is not None else None
        pieces = number_pieces(passages, prompts, ocr)
        return Context(analysed, query, translated, passages, pieces, counts, total)

    def _term_counts(self, text: str) -> tuple[dict[str, int] | None, int]:
        """How many chunks of the workspace hold each word of ``text`` (None without a manifest)."""
        from ingest.lexical import tokenize

        store = getattr(self.retriever, "store", None)
        workspace = getattr(self.retriever, "workspace", None)
        if store is None or workspace is None:
            return None, 0
        counts = store.manifest.term_counts(workspace, tokenize(text))
        return counts, store.manifest.count_chunks(workspace)

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
            reply = message_text(self.llm.invoke(messages))  # type: ignore[union-attr]
        except Exception as exc:  # a failing backend only costs the rewrite
            log.warning("follow-up rewrite failed: %s", exc)
            return None
        return clean_rewrite(reply, question, prompts.language)

    # ------------------------------------------------------------------ prompt

    def _passage_budget(self, question: str, turns: Sequence[tuple[str, str]], prompts: Prompts) -> int:
        """Tokens left for pieces once the question block and earlier turns are counted."""
        frame = prompts.question_template.format(
            fence_open=prompts.fence_open,
            fence_close=prompts.fence_close,
            passages="",
            question=question,
            instruction=prompts.list_instruction,
        )
        used = g.estimate_tokens(frame) + sum(
            g.estimate_tokens(_short(u)) + g.estimate_tokens(_short(g.strip_markers(a))) for u, a in turns
        )
        return self.max_context_tokens - used

    def model_pieces(self, ctx: Context, skeleton: Skeleton, prompts: Prompts, budget: int) -> list[Citation]:
        """The pieces as the model reads them: trimmed to ``budget`` tokens, keeping what the answer needs.

        Each piece keeps first the skeleton's lines that cite it (list items, the lead-in, the
        fact's sentence), then the sentences richest in the question's words; a piece that does
        not fit its share is cut to those. Pieces left with nothing are left out.
        """
        keep: dict[int, list[str]] = {}
        lead = [Line(g.cut_to_tokens(skeleton.lead.text, 40), skeleton.lead.n)] if skeleton.lead else []
        lines = [*skeleton.items, *skeleton.sentences, *lead]  # the items first: they are the answer
        for line in lines:
            keep.setdefault(line.n, []).append(line.text)
        query = f"{ctx.query} {ctx.translated}".strip()
        wanted = sorted(ctx.citations, key=lambda c: (c.n not in keep, c.n))
        out: list[Citation] = []
        remaining = budget
        for i, c in enumerate(wanted):
            header = g.estimate_tokens(_piece_header(prompts, c)) + 1
            share = max(remaining // (len(wanted) - i), header + g.MIN_PASSAGE_TOKENS)
            if share > remaining:
                break
            text = _trim_piece(c.text, keep.get(c.n, []), query, share - header)
            if not text:
                continue
            out.append(replace(c, text=text))
            remaining -= header + g.estimate_tokens(text)
        return sorted(out, key=lambda c: c.n)

    def messages(
        self,
        question: str,
        turns: Sequence[tuple[str, str]],
        citations: Sequence[Citation],
        prompts: Prompts,
        strict: Sequence[str] = (),
        listing: bool = False,
    ) -> list[BaseMessage]:
        """The chat messages: rules, earlier turns, then the fenced pieces, the question and the format."""
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        passages = "\n".join(_piece_header(prompts, c) + " " + c.text for c in citations)
        instruction = prompts.list_instruction if listing else prompts.points_instruction
        last = prompts.question_template.format(
            fence_open=prompts.fence_open,
            fence_close=prompts.fence_close,
            passages=passages,
            question=question,
            instruction=instruction.strip(),
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
        turns: Sequence[tuple[str, str]],
        ctx: Context,
        skeleton: Skeleton,
        prompts: Prompts,
        notes: list[str],
    ) -> Iterator[AnswerEvent]:
        """Ask the model, check its answer, retry once; returns the Answer (the skeleton when it loses)."""
        budget = self._passage_budget(question, turns, prompts)
        pieces = self.model_pieces(ctx, skeleton, prompts, budget)
        if not pieces:
            return self._fallback(skeleton, ctx, prompts, [*notes, "context-too-small"])
        listing = bool(skeleton.items)
        problems: list[str] = []
        for attempt in range(2):
            messages = self.messages(question, turns, pieces, prompts, strict=problems, listing=listing)
            text, error = yield from self._stream_model(messages)
            if error is not None:
                return self._fallback(skeleton, ctx, prompts, [*notes, error])
            answer, problems = self._check(text, question, ctx, pieces, prompts, notes, listing)
            if not problems:
                return self._choose(answer, skeleton, ctx, prompts)
            if DECLINED in problems:
                return self._fallback(skeleton, ctx, prompts, [*notes, "model-declined"])
            if attempt == 0 and skeleton.empty:
                notes = [*notes, *(f"retried:{p}" for p in problems)]
                continue
            break
        return self._fallback(skeleton, ctx, prompts, [*notes, *(f"failed:{p}" for p in problems)])

    def _stream_model(self, messages: list[BaseMessage]) -> Iterator[AnswerEvent]:
        """Stream one reply; prose is passed on as TOKEN events, JSON is not; returns (text, error or None).

        Stops early when the reply passes :data:`MAX_ANSWER_CHARS` or starts to loop.
        """
        pieces: list[str] = []
        size = checked = 0
        prose: bool | None = None
        try:
            for chunk in self.llm.stream(messages):  # type: ignore[union-attr]
                piece = message_text(chunk)
                if not piece:
                    continue
                pieces.append(piece)
                size += len(piece)
                if prose is None and "".join(pieces).strip():
                    prose = not "".join(pieces).lstrip().startswith(("{", "[", "```"))
                    if prose:
                        yield AnswerEvent(EventKind.TOKEN, text="".join(pieces))
                elif prose:
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
        self,
        text: str,
        question: str,
        ctx: Context,
        pieces: Sequence[Citation],
        prompts: Prompts,
        notes: list[str],
        listing: bool,
    ) -> tuple[Answer, list[str]]:
        """Verify a model answer (JSON points or prose); returns it and the checks it failed."""
        points = parse_points(text)
        if points is not None:
            text = _render_points(points, listing)
            notes = [*notes, "structured"]
        text = drop_echo_lines(g.move_leading_markers(text.strip()), question)
        if says_not_found(text, [prompts.not_found, *NOT_FOUND_MESSAGES]) or (
            points is not None and not points
        ):
            # Retrieval found relevant passages, so a weak model's "not found" is not trusted.
            return self._not_found(prompts, notes), [DECLINED]
        problems = output_problems(text, prompts, question)
        kind = ctx.question.kind.value if not listing else "list"
        verification = g.verify_citations(
            text,
            {c.n: c.text for c in ctx.citations},
            cite_uncited=True,
            question=question,
            drop_unsupported=True,
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
            citations=_with_quotes(ctx.citations, verification.text),
            grounded=verification.grounded,
            backend=self.backend,
            language=prompts.language,
            unsupported=verification.unsupported,
            notes=[*notes, *extra],
            kind=kind,
        )
        return answer, problems

    def _choose(self, answer: Answer, skeleton: Skeleton, ctx: Context, prompts: Prompts) -> Answer:
        """The model's answer, unless it covers less of the skeleton's list or misses its fact."""
        if skeleton.empty:
            return answer
        if skeleton.items:
            covered = sum(_covers(answer.text, item.text) for item in skeleton.items)
            if covered < len(skeleton.items):
                return self._fallback(
                    skeleton, ctx, prompts, [*answer.notes, f"model-covers:{covered}/{len(skeleton.items)}"]
                )
        elif skeleton.fact and not _covers(answer.text, skeleton.fact):
            return self._fallback(skeleton, ctx, prompts, [*answer.notes, "model-missed-fact"])
        return answer

    # ------------------------------------------------------------------ answers without a model

    def _skeleton_answer(
        self, skeleton: Skeleton, ctx: Context, prompts: Prompts, notes: list[str]
    ) -> Answer:
        """The skeleton as the answer: the documents' own words, each line citing its piece."""
        text = skeleton.render()
        verification = g.verify_citations(text, {c.n: c.text for c in ctx.citations})
        return Answer(
            text=verification.text,
            citations=_with_quotes(ctx.citations, verification.text),
            grounded=True,
            backend="none",
            language=prompts.language,
            unsupported=verification.unsupported,
            notes=[*notes, f"shape:{skeleton.kind.value}"],
            kind=skeleton.kind.value,
        )

    def _fallback(self, skeleton: Skeleton, ctx: Context, prompts: Prompts, notes: list[str]) -> Answer:
        """The skeleton answer after the model's answer was not kept (or "not found" without one)."""
        if skeleton.empty:
            return self._not_found(prompts, [*notes, "not-found"])
        return self._skeleton_answer(skeleton, ctx, prompts, [*notes, "fallback:none"])

    def _not_found(self, prompts: Prompts, notes: list[str]) -> Answer:
        """The plain "not found in your documents" answer: no citations, not grounded."""
        return Answer(
            text=prompts.not_found,
            citations=[],
            grounded=False,
            backend=self.backend,
            language=prompts.language,
            notes=list(notes),
            kind="not-found",
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


_RE_WORDISH = re.compile(r"[A-Za-z0-9\u0e01-\u0e4e\u0e50-\u0e59]")
_RE_OTHER_LETTERS = re.compile(r"[^\W\d_A-Za-z\u0e00-\u0e7f\u00c0-\u024f]")


def unreadable_question(question: str) -> str | None:
    """ "no-words" for a question of only punctuation or emoji, "other-language" for one written in
    neither Thai nor English script (Chinese, Japanese, Arabic…); None for a question to answer."""
    if not _RE_WORDISH.search(question):
        return "other-language" if _RE_OTHER_LETTERS.search(question) else "no-words"
    latin_or_thai = len(_RE_WORDISH.findall(question))
    other = len(_RE_OTHER_LETTERS.findall(question))
    return "other-language" if other > 2 * latin_or_thai else None


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


def _interleave(first: Sequence[Scored], second: Sequence[Scored]) -> list[Scored]:
    """The hits of two searches taken in turns, each chunk once."""
    out: list[Scored] = []
    seen: set[str] = set()
    for pair in zip(first, second, strict=False):
        for s in pair:
            if s.hit.chunk_id not in seen:
                seen.add(s.hit.chunk_id)
                out.append(s)
    for s in [*first[len(second) :], *second[len(first) :]]:
        if s.hit.chunk_id not in seen:
            seen.add(s.hit.chunk_id)
            out.append(s)
    return out


def _render_points(points: Sequence[Any], listing: bool) -> str:
    """A structured answer as Markdown: a numbered list for lists, one sentence a line otherwise."""
    lines = []
    for i, point in enumerate(points, start=1):
        marker = f" [{point.source}]" if point.source else ""
        lines.append(f"{i}. {point.text}{marker}" if listing else f"{point.text}{marker}")
    return "\n".join(lines)


def _covers(text: str, item: str) -> bool:
    """Whether an answer says what a skeleton line says: most of its content words, or its key phrase."""
    terms = g.content_terms(item)
    if not terms:
        return True
    head = list(g.content_terms(" ".join(item.split(":")[0].split()[:8]))) or list(terms)
    found = g.content_terms(text)
    return sum(t in found for t in head) / len(head) >= 0.6


def _with_quotes(citations: Sequence[Citation], text: str) -> list[Citation]:
    """The citations the answer uses, each with the answer's sentences that cite it (to highlight)."""
    quotes: dict[int, list[str]] = {}
    for line in text.splitlines():
        for part in _claims(line):  # each claim ends with its markers
            numbers = g.parse_markers(part)
            quote = g.strip_markers(g.clean_line(re.sub(r"^\s*\*\*[^*]+\*\*\s*—\s*", "", part))).strip()
            for n in numbers:
                if quote:
                    quotes.setdefault(n, []).append(quote)
    used = set(g.parse_markers(text))
    return [replace(c, quotes=tuple(quotes.get(c.n, ()))) for c in citations if c.n in used]


def _claims(line: str) -> list[str]:
    """A line cut after each run of citation markers: the claims it makes, each with its markers."""
    parts, start = [], 0
    for match in re.finditer(rf"(?:\s*{g.MARKER.pattern})+[.!?]?", line):
        parts.append(line[start : match.end()])
        start = match.end()
    if line[start:].strip():
        parts.append(line[start:])
    return parts


def _trim_piece(text: str, keep: Sequence[str], query: str, budget: int) -> str:
    """A piece cut to ``budget`` tokens: whole when it fits, else the kept lines then the best sentences."""
    full = "\n".join(g.clean_line(line) for line in text.splitlines() if g.clean_line(line))
    if g.estimate_tokens(full) <= budget:
        return full
    chosen: list[str] = []
    used = 0
    for line in keep:
        cost = g.estimate_tokens(line) + 1
        if used + cost <= budget:
            chosen.append(line)
            used += cost
    if used < budget - g.MIN_PASSAGE_TOKENS // 2:
        extra = g.best_sentences(text, query, budget - used)
        if extra and extra not in chosen:
            chosen.append(extra)
    flat = " ".join(text.split())
    return "\n".join(sorted(chosen, key=lambda line: _position(flat, line)))  # in the piece's own order


def _position(flat: str, line: str) -> int:
    """Where ``line`` starts in the piece (its first words), or the end when it is not found."""
    head = " ".join(line.split())[:20]
    found = flat.find(head)
    return found if found >= 0 else len(flat)


def _piece_header(prompts: Prompts, c: Citation) -> str:
    """The piece's line prefix in the prompt: its number, document and page (and where in it)."""
    where = f"{c.title or c.source}" + (f" › {c.section}" if c.section else "")
    return prompts.passage_template.format(n=c.n, source=_safe(prompts, where), page=c.page, text="").rstrip()


def _safe(prompts: Prompts, name: str) -> str:
    """A document's name made safe to show inside the fence: a file name is data too."""
    return " ".join(g.sanitize_passage(name, prompts.fences()).split())


def _short(text: str) -> str:
    """An earlier message cut to :data:`HISTORY_TURN_CHARS` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= HISTORY_TURN_CHARS else flat[: HISTORY_TURN_CHARS - 1] + "…"
