"""The :class:`Answerer`: a question in, PASSAGES, SKELETON, TOKEN and FINAL events out.

It checks and analyses the question, rewrites a follow-up, retrieves and gates the hits,
grows them into the numbered pieces (:mod:`assistant.ask.context`) and builds the skeleton;
the model's answer and the fallbacks are :class:`~assistant.ask.model_answer.ModelAnswer`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import grounding as g
from assistant.ask.context import MAX_PASSAGES, SECTION_CHARS, Context, number_pieces
from assistant.ask.helpers import (
    _interleave,
    _short,
    check_question,
    clean_rewrite,
    expand_with_history,
    is_follow_up,
    unreadable_question,
)
from assistant.ask.model_answer import ModelAnswer
from assistant.ask.prompts import PROMPTS_DIR, Prompts, load_prompts
from assistant.extractive import Skeleton, compose
from assistant.extractive.questions import Kind, analyse
from assistant.extractive.semantic import SentenceSimilarity, Similar
from assistant.llm.checks import message_text
from assistant.llm.privacy import screened
from assistant.records import Answer, AnswerEvent, AnswerNote, EventKind
from assistant.retrieval.abbreviations import spell_out
from assistant.retrieval.context import Passage, expand
from assistant.retrieval.relevance import Relevance, Scored, as_relevance, score_hits, select

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.retrieval.hybrid import HybridRetriever

log = logging.getLogger("assistant.ask")


class Answerer(ModelAnswer):
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
        self.similar = sentence_similarity(retriever)

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
            compose(ctx.question, ctx.pieces(), ctx.translated, ctx.counts, ctx.total, self.similar)
            if ctx.citations
            else Skeleton(Kind.FACT)
        )
        if not ctx.citations or (skeleton.empty and self.llm is None):
            why = AnswerNote.NOTHING_RELEVANT if not ctx.citations else AnswerNote.NO_ANSWER_IN_PASSAGES
            answer = self._not_found(prompts, [*notes, AnswerNote.NOT_FOUND, why])
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
        relevant = select(score_hits(hits, query, translated), self.relevance, query)
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
                notes.append(AnswerNote.REWRITTEN.of("model"))
                return rewritten
        notes.append(AnswerNote.REWRITTEN.of("terms"))
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


def sentence_similarity(retriever: object) -> Similar | None:
    """The closeness of sentences to a question, with the model that indexed the retriever's store.

    None (words alone decide) when the retriever has no store with an embedder (a test double).
    """
    embedder = getattr(getattr(getattr(retriever, "store", None), "vectors", None), "embedder", None)
    return SentenceSimilarity(embedder) if embedder is not None else None
