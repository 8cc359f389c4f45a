"""The model's answer: its prompt, its streamed reply, the checks, and the skeleton when it loses.

:class:`ModelAnswer` is the half of :class:`~assistant.ask.Answerer` that talks to the chat
model (and answers without one): the pieces trimmed to the token budget, the chat messages,
one retry, the verification of every sentence against the piece it cites, and the choice
between the model's answer and the skeleton.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant import grounding as g
from assistant.ask.context import Context
from assistant.ask.helpers import (
    _covers,
    _piece_header,
    _render_points,
    _short,
    _trim_piece,
    _with_quotes,
)
from assistant.ask.prompts import Prompts
from assistant.ask.support import cross_support
from assistant.extractive import Line, Skeleton
from assistant.llm.checks import (
    DECLINED,
    NOT_FOUND_MESSAGES,
    backend_note,
    drop_echo_lines,
    message_text,
    output_problems,
    parse_points,
    says_not_found,
)
from assistant.records import Answer, AnswerEvent, AnswerNote, Citation, EventKind

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

MAX_ANSWER_CHARS = 2000
"""A streamed answer is cut off past this length (the weak model can loop for minutes)."""
LOOP_CHECK_EVERY = 200
"""While streaming, the text is checked for loops every this many characters."""


class ModelAnswer:
    """The model-facing half of :class:`~assistant.ask.Answerer` (its prompt, generation and fallbacks)."""

    llm: BaseChatModel | None
    backend: str
    max_context_tokens: int

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
            return self._fallback(skeleton, ctx, prompts, [*notes, AnswerNote.CONTEXT_TOO_SMALL])
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
                return self._fallback(skeleton, ctx, prompts, [*notes, AnswerNote.MODEL_DECLINED])
            if attempt == 0 and skeleton.empty:
                notes = [*notes, *(AnswerNote.RETRIED.of(p) for p in problems)]
                continue
            break
        return self._fallback(skeleton, ctx, prompts, [*notes, *(AnswerNote.FAILED.of(p) for p in problems)])

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
            notes = [*notes, AnswerNote.STRUCTURED]
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
            across=cross_support(getattr(self, "similar", None)),
        )
        if not problems and not verification.grounded:
            problems.append("unsupported")
        extra = []
        if verification.dropped:
            extra.append(AnswerNote.DROPPED_CITATIONS.of(",".join(map(str, verification.dropped))))
        if verification.removed:
            removed = ",".join(map(str, sorted(set(verification.removed))))
            extra.append(AnswerNote.REMOVED_CITATIONS.of(removed))
        if verification.recited:
            extra.append(AnswerNote.RECITED.of(",".join(f"{a}->{b}" for a, b in verification.recited)))
        if verification.added:
            extra.append(AnswerNote.ADDED_CITATIONS.of(",".join(map(str, verification.added))))
        if verification.unverified:
            extra.append(AnswerNote.UNVERIFIED.of(verification.unverified))
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
                    skeleton,
                    ctx,
                    prompts,
                    [*answer.notes, AnswerNote.MODEL_COVERS.of(f"{covered}/{len(skeleton.items)}")],
                )
        elif skeleton.fact and not _covers(answer.text, skeleton.fact):
            return self._fallback(skeleton, ctx, prompts, [*answer.notes, AnswerNote.MODEL_MISSED_FACT])
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
            notes=[*notes, AnswerNote.SHAPE.of(skeleton.kind.value)],
            kind=skeleton.kind.value,
        )

    def _fallback(self, skeleton: Skeleton, ctx: Context, prompts: Prompts, notes: list[str]) -> Answer:
        """The skeleton answer after the model's answer was not kept (or "not found" without one)."""
        if skeleton.empty:
            return self._not_found(prompts, [*notes, AnswerNote.NOT_FOUND])
        return self._skeleton_answer(skeleton, ctx, prompts, [*notes, AnswerNote.FALLBACK])

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
