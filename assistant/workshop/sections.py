"""The workshop draft: its sections, built from the form, the agenda and the template."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from assistant.drafting.engine import (
    Block,
    Draft,
    DraftContext,
    DraftEvent,
    DraftKind,
    SectionSpec,
    stream_draft,
)
from assistant.workshop.agenda import plan_agenda
from assistant.workshop.form import WorkshopForm, parse_workshop
from assistant.workshop.template import WorkshopTemplate, load_template

if TYPE_CHECKING:
    from collections.abc import Mapping


FACT_CHARS = 220
"""A fact quoted in a check question is cut to about this many characters."""


def _cut_fact(text: str, limit: int = FACT_CHARS) -> str:
    from assistant import grounding as g

    flat = " ".join(g.strip_markers(text).split())
    flat = re.sub(r"^[#>*\-|\s]+", "", flat)
    if len(flat) <= limit:
        return flat
    spans = [end for _, end in g.sentence_spans(flat) if end <= limit]
    return flat[: spans[-1]].strip() if spans else flat[:limit].rsplit(" ", 1)[0] + " …"


def _best_sentence(text: str, query: str) -> str:
    """The sentence of a retrieved passage that shares most with ``query`` (the passage's first on ties)."""
    from assistant import grounding as g

    sentences = [s for s in g.split_sentences(g.strip_markers(text)) if len(s.strip()) >= 20]
    if not sentences:
        return _cut_fact(text)
    scores = g.sentence_scores(sentences, query)
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    return _cut_fact(sentences[best])


class WorkshopBuilder:
    """The section builders of one workshop draft (one instance per draft)."""

    def __init__(self, form: WorkshopForm, template: WorkshopTemplate | None = None) -> None:
        self.form = form
        self.template = template or load_template()
        self.agenda = plan_agenda(form, self.template)
        self.lang = form.language

    def _q(self, key: str) -> str:
        return self.template.queries[key].get(self.lang)

    def specs(self, ctx: DraftContext) -> list[SectionSpec]:
        h, lang = self.template.headings, self.lang
        return [
            SectionSpec("overview", h.overview.get(lang), self.overview),
            SectionSpec("objectives", h.objectives.get(lang), self.objectives),
            SectionSpec("agenda", h.agenda.get(lang), self.agenda_section),
            SectionSpec("activities", h.activities.get(lang), self.activities),
            SectionSpec("materials", h.materials.get(lang), self.materials),
            SectionSpec("checks", h.checks.get(lang), self.checks),
            SectionSpec("evaluation", h.evaluation.get(lang), self.evaluation),
        ]

    def overview(self, ctx: DraftContext) -> list[Block]:
        f, w, lang = self.form, self.template.text, self.lang
        sessions = [i for i in self.agenda.items if not i.is_break]
        count = sum(i.is_break for i in self.agenda.items)
        pauses = w.no_break if not count else w.one_break if count == 1 else w.many_breaks
        text = w.overview.fill(
            lang,
            topic=f.topic,
            audience=f.audience or w.audience_default.get(lang),
            hours=f.duration_hours,
            total=self.agenda.total,
            segments=len(sessions),
            breaks=pauses.fill(lang, count=count),
        )
        cites = ctx.sources.find(self._q("timing"))
        blocks = [Block.paragraph(text)]
        if cites:
            blocks.append(Block.paragraph(w.timing.get(lang) + ctx.sources.marker(cites)))
        facts = [text, *(f.goals or [])]
        prose = ctx.writer.paragraph(self.template.tasks.overview.get(lang), facts, ctx.sources, cites)
        if prose:
            blocks.append(Block.paragraph(prose, generated=True))
        return blocks

    def objectives(self, ctx: DraftContext) -> list[Block]:
        f, w, lang = self.form, self.template.text, self.lang
        goals = f.goals or [w.default_goal.fill(lang, topic=f.topic)]
        blocks = [Block.paragraph(w.objectives_lead.get(lang)), Block.bullets(goals)]
        if not f.goals:
            blocks.append(Block.note(w.no_goals.get(lang)))
        return blocks

    def agenda_section(self, ctx: DraftContext) -> list[Block]:
        w, lang = self.template.text, self.lang
        header = [
            w.column_time.get(lang),
            w.column_minutes.get(lang),
            w.column_segment.get(lang),
            w.column_activity.get(lang),
        ]
        rows = [[i.time_label(), str(i.minutes), i.title, i.activity or "—"] for i in self.agenda.items]
        blocks = [Block.table(header, rows)]
        total = sum(i.minutes for i in self.agenda.items)
        blocks.append(Block.note(w.agenda_total.fill(lang, total=total, hours=self.form.duration_hours)))
        return blocks

    def activities(self, ctx: DraftContext) -> list[Block]:
        w, lang = self.template.text, self.lang
        blocks: list[Block] = []
        cites = ctx.sources.find(self._q("facilitation"))
        if cites:
            blocks.append(Block.paragraph(w.techniques.get(lang) + ctx.sources.marker(cites)))
        for n, item in enumerate((i for i in self.agenda.items if not i.is_break), start=1):
            label = w.activity_label.fill(lang, n=n, title=item.title, minutes=item.minutes)
            blocks.append(Block.paragraph(f"{label}: {item.activity}"))
            blocks.append(Block.bullets(item.facilitation))
        return blocks

    def materials(self, ctx: DraftContext) -> list[Block]:
        seen = list(dict.fromkeys(m for i in self.agenda.items for m in i.materials))
        return [Block.bullets(seen)]

    def checks(self, ctx: DraftContext) -> list[Block]:
        f, c, w, lang = self.form, self.template.checks, self.template.text, self.lang
        values = {"topic": f.topic}
        items = [x.format(**values) for x in c.topic_items.get(lang)]
        items += [c.goal_item.get(lang).format(goal=g) for g in f.goals]
        cites = ctx.sources.find(self._q("checks"))
        blocks = [
            Block.paragraph(w.checks_lead.get(lang) + ctx.sources.marker(cites)),
            Block.note(c.scale.get(lang)),
            Block.table(
                [w.column_item.get(lang), w.column_before.get(lang), w.column_after.get(lang)],
                [[x, "", ""] for x in items],
            ),
            Block.paragraph(w.pre_questions.get(lang)),
            Block.bullets(x.format(**values) for x in c.pre_questions.get(lang)),
            Block.paragraph(w.post_questions.get(lang)),
            Block.bullets(x.format(**values) for x in c.post_questions.get(lang)),
        ]
        facts = self._facts(ctx)
        if facts:
            blocks.append(Block.paragraph(w.fact_questions.get(lang)))
            blocks.append(
                Block.bullets(
                    c.fact_item.get(lang).format(fact=fact) + ctx.sources.marker([n]) for fact, n in facts
                )
            )
        else:
            blocks.append(Block.note(w.no_facts.get(lang)))
        return blocks

    def _facts(self, ctx: DraftContext) -> list[tuple[str, int]]:
        """One quoted sentence per retrieved chunk for the topic and each goal (cited, never invented)."""
        f = self.form
        found: list[tuple[str, int]] = []
        used: set[int] = set()
        for query in [f.topic, *(f"{f.topic} {g}" for g in f.goals)]:
            for n in ctx.sources.find(query, k=1):
                if n in used:
                    continue
                used.add(n)
                fact = _best_sentence(ctx.sources.get(n).text, query)
                if fact:
                    found.append((fact, n))
        return found

    def evaluation(self, ctx: DraftContext) -> list[Block]:
        e, w, lang = self.template.evaluation, self.template.text, self.lang
        values = {"topic": self.form.topic}
        cites = ctx.sources.find(self._q("evaluation"))
        blocks = [
            Block.paragraph(w.evaluation_lead.get(lang) + ctx.sources.marker(cites)),
            Block.note(e.scale.get(lang)),
        ]
        rows = [
            [f"{lv.level} {lv.name.get(lang)}", item.format(**values), "1 2 3 4 5"]
            for lv in e.levels
            for item in lv.items.get(lang)
        ]
        header = [w.column_level.get(lang), w.column_statement.get(lang), w.column_rating.get(lang)]
        blocks.append(Block.table(header, rows))
        blocks.append(Block.paragraph(w.open_questions.get(lang)))
        blocks.append(Block.bullets(e.open_questions.get(lang)))
        blocks.append(Block.note(e.privacy.get(lang)))
        return blocks


def _fields(form: WorkshopForm, template: WorkshopTemplate | None = None) -> dict[str, str]:
    w, lang = (template or load_template()).text, form.language
    fields = {
        w.field_topic.get(lang): form.topic,
        w.field_audience.get(lang): form.audience or "—",
        w.field_duration.get(lang): w.duration_value.fill(lang, hours=form.duration_hours),
    }
    if form.start_time:
        fields[w.field_start.get(lang)] = form.start_time
    return fields


def stream_workshop(form: Mapping[str, Any] | WorkshopForm, ctx: DraftContext) -> Iterator[DraftEvent]:
    """The workshop draft section by section (``DraftEvent``s), then the final draft.

    The form is validated and the agenda planned before the first event, so a bad form or an
    impossible duration raises (``FormError`` / ``AgendaError``) before anything is shown.
    """
    form = parse_workshop(form)
    if form.language != ctx.language:
        raise ValueError(f"the form is in {form.language!r} but the draft context is {ctx.language!r}")
    builder = WorkshopBuilder(form)
    title = builder.template.text.title.fill(form.language, topic=form.topic)
    data = {"form": form.model_dump(), "agenda": builder.agenda.to_dict()}
    fields = _fields(form, builder.template)
    return stream_draft(DraftKind.WORKSHOP, title, builder.specs(ctx), ctx, fields=fields, data=data)


def draft_workshop(form: Mapping[str, Any] | WorkshopForm, ctx: DraftContext) -> Draft:
    """The finished workshop draft (see :func:`stream_workshop`)."""
    final: Draft | None = None
    for event in stream_workshop(form, ctx):
        final = event.draft or final
    assert final is not None
    return final
