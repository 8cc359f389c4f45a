"""The guide itself: seven cited sections built from the templates and the form, streamed or drafted.

Each section cites retrieved chunks of the indexed corpus through ``ctx.sources`` (documents
in the guide's language only); the model, when on, adds at most one short checked paragraph
per section.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.drafting.engine import (
    Block,
    DraftContext,
    DraftKind,
    SectionSpec,
    Sources,
    build_draft,
    stream_draft,
)
from assistant.drafting.knowledge import Framework, load_framework
from assistant.phrases import Phrase
from assistant.portfolio.form import PortfolioForm, parse_portfolio_form
from assistant.portfolio.grades import Grade
from assistant.portfolio.templates import LEVELS, Band, PortfolioTemplates, load_portfolio_templates
from assistant.portfolio.timeline import TimelineRow, fit_timeline

if TYPE_CHECKING:
    from assistant.drafting.engine import Draft, DraftEvent


def _filters(lang: str) -> Any:
    from ingest.manifest import Filters

    return Filters(languages=(lang,))


def _cite(ctx: DraftContext, query: str, k: int = 2) -> list[int]:
    """Citation numbers for the query (in the guide's language: documents of that language only)."""
    return ctx.sources.find(query, k=k, filters=_filters(ctx.language))


def _prose(ctx: DraftContext, task: str, facts: Sequence[str], numbers: Sequence[int]) -> list[Block]:
    text = ctx.writer.paragraph(task, facts, ctx.sources, numbers)
    return [Block.paragraph(text, generated=True)] if text else []


@dataclass
class _Guide:
    """Everything the section builders share."""

    form: PortfolioForm
    templates: PortfolioTemplates
    framework: Framework

    @property
    def lang(self) -> str:
        return self.form.language

    @property
    def grade(self) -> Grade:
        return self.form.grade_level

    @property
    def band(self) -> Band:
        return self.templates.band_for(self.grade.number)

    @property
    def area_name(self) -> str:
        return self.framework.learning_area(self.form.learning_area).name.get(self.lang)

    def competency_names(self) -> list[str]:
        return [self.framework.competency(c).name.get(self.lang) for c in self.form.competencies]

    def w(self, key: str, **values: Any) -> str:
        """The guide's wording ``text.<key>`` in its language, placeholders filled."""
        phrase: Phrase = getattr(self.templates.text, key)
        return phrase.fill(self.lang, **values)

    def cite(self, ctx: DraftContext, key: str, k: int = 2, **values: Any) -> list[int]:
        """Citation numbers for the retrieval query ``queries.<key>`` in the guide's language."""
        query: Phrase = getattr(self.templates.queries, key)
        return _cite(ctx, query.fill(self.lang, **values), k=k)

    def prose(self, ctx: DraftContext, key: str, facts: Sequence[str], numbers: Sequence[int]) -> list[Block]:
        """The model's optional paragraph for the task ``tasks.<key>``."""
        task: Phrase = getattr(self.templates.tasks, key)
        return _prose(ctx, task.get(self.lang), facts, numbers)

    # ------------------------------------------------------------------ sections

    def purpose(self, ctx: DraftContext) -> list[Block]:
        tp, w = self.templates, self.w
        nums = self.cite(ctx, "purpose")
        case = self.cite(ctx, "seed_case", k=1)
        unit = w(
            "unit",
            description=self.form.description,
            area=self.area_name,
            grade=self.grade.label(self.lang),
            weeks=self.form.weeks,
            competencies=", ".join(self.competency_names()),
        )
        purpose = tp.purpose.get(self.lang)
        blocks = [
            Block.paragraph(purpose[0] + Sources.marker(nums)),
            Block.bullets(purpose[1:]),
            Block.paragraph(unit),
            Block.paragraph(w("sections_lead")),
            Block.bullets(tp.sections.get(self.lang)),
        ]
        if case:
            blocks.append(Block.note(w("seed_case") + Sources.marker(case)))
        return blocks + self.prose(ctx, "purpose", [purpose[0], unit], [*nums, *case])

    def evidence(self, ctx: DraftContext) -> list[Block]:
        tp, w = self.templates, self.w
        nums = self.cite(ctx, "evidence")
        rows = [[s.name.get(self.lang), "; ".join(s.evidence.get(self.lang))] for s in tp.stages]
        header = [w("column_stage"), w("column_evidence")]
        examples = tp.area_evidence[self.form.learning_area].get(self.lang)
        comp_rows = []
        for cid in self.form.competencies:
            criteria = ", ".join(c.name.get(self.lang) for c in tp.rubrics[cid])
            comp_rows.append([self.framework.competency(cid).name.get(self.lang), criteria])
        blocks = [
            Block.paragraph(w("evidence_lead") + Sources.marker(nums)),
            Block.table(header, rows),
            Block.paragraph(w("area_examples", area=self.area_name)),
            Block.bullets(examples),
            Block.table([w("column_competency"), w("column_shows")], comp_rows),
        ]
        return blocks + self.prose(ctx, "evidence", [self.form.description, *examples], nums)

    def reflection(self, ctx: DraftContext) -> list[Block]:
        tp, band, w = self.templates, self.band, self.w
        nums = self.cite(ctx, "reflection", band=band.name.get(self.lang))
        prompts = tp.reflection_prompts[band.id]
        rows = [[s.name.get(self.lang), " / ".join(prompts[s.id].get(self.lang))] for s in tp.stages]
        lead = w(
            "reflection_lead",
            grade=self.grade.label(self.lang),
            band=band.name.get(self.lang),
            min_age=band.min_age,
            max_age=band.max_age,
            mode=band.reflection_mode.get(self.lang),
        )
        blocks = [
            Block.paragraph(lead + Sources.marker(nums)),
            Block.table([w("column_stage"), w("column_prompts")], rows),
            Block.note(w("reflection_note")),
        ]
        return blocks + self.prose(ctx, "reflection", [band.reflection_mode.get(self.lang)], nums)

    def rubric(self, ctx: DraftContext) -> list[Block]:
        tp, w = self.templates, self.w
        nums = self.cite(ctx, "rubric")
        curriculum = self.cite(ctx, "curriculum", k=1)
        header = [w("column_criterion")] + [f"{lvl} {tp.levels[lvl].get(self.lang)}" for lvl in LEVELS]
        blocks = [Block.paragraph(w("rubric_lead") + Sources.marker(nums))]
        for cid in self.form.competencies:
            comp = self.framework.competency(cid)
            blocks.append(
                Block.paragraph(
                    f"{comp.name.get(self.lang)}: {comp.description.get(self.lang)}"
                    + Sources.marker(curriculum)
                )
            )
            rows = [
                [c.name.get(self.lang)] + [c.levels[lvl].get(self.lang) for lvl in LEVELS]
                for c in tp.rubrics[cid]
            ]
            blocks.append(Block.table(header, rows))
        return blocks + self.prose(ctx, "rubric", self.competency_names(), [*nums, *curriculum])

    def timeline(self, ctx: DraftContext) -> list[Block]:
        tp, w = self.templates, self.w
        nums = self.cite(ctx, "timeline", k=1)
        rows = []
        for row in self.timeline_rows():
            stage = tp.stage(row.stage)
            weeks = str(row.start) if row.start == row.end else f"{row.start}–{row.end}"
            rows.append(
                [
                    w("week_range", weeks=weeks),
                    stage.name.get(self.lang),
                    "; ".join(stage.activities.get(self.lang)),
                ]
            )
        header = [w("column_weeks"), w("column_stage"), w("column_activities")]
        blocks = [
            Block.paragraph(w("timeline_lead", weeks=self.form.weeks) + Sources.marker(nums)),
            Block.table(header, rows),
        ]
        return blocks + self.prose(ctx, "timeline", [f"{self.form.weeks}"], nums)

    def timeline_rows(self) -> list[TimelineRow]:
        stages = self.templates.stages
        ranges = fit_timeline(self.form.weeks, [s.share for s in stages])
        return [TimelineRow(s.id, a, b) for s, (a, b) in zip(stages, ranges, strict=True)]

    def responsible_ai(self, ctx: DraftContext) -> list[Block]:
        ai, w = self.templates.responsible_ai, self.w
        nums = self.cite(ctx, "responsible_ai")
        disclose = self.cite(ctx, "disclosure", k=1)
        age = self.cite(ctx, "age", k=1)
        band_rule = w("ai_band", band=self.band.name.get(self.lang), rule=self.band.ai_use.get(self.lang))
        blocks = [
            Block.paragraph(w("ai_may_help") + Sources.marker(nums)),
            Block.bullets(ai.may_help.get(self.lang)),
            Block.paragraph(w("ai_learner_must")),
            Block.bullets(ai.learner_must.get(self.lang)),
            Block.paragraph(w("ai_disclosure") + Sources.marker(disclose)),
            Block.note(ai.disclosure.get(self.lang)),
            Block.paragraph(band_rule + Sources.marker(age)),
            Block.paragraph(w("ai_teacher")),
            Block.bullets(ai.teacher.get(self.lang)),
        ]
        return blocks + self.prose(ctx, "responsible_ai", ai.learner_must.get(self.lang), [*nums, *disclose])

    def privacy(self, ctx: DraftContext) -> list[Block]:
        pv, band, w = self.templates.privacy, self.band, self.w
        nums = self.cite(ctx, "privacy")
        consent = self.cite(ctx, "consent")
        if band.max_age <= 10:
            age_rule = pv.consent_by_age["guardian"]
        elif band.min_age > 10:
            age_rule = pv.consent_by_age["both"]
        else:
            age_rule = pv.consent_by_age["mixed"]
        blocks = [
            Block.paragraph(w("privacy_never") + Sources.marker(nums)),
            Block.bullets(pv.never_share.get(self.lang)),
            Block.paragraph(w("privacy_practices")),
            Block.bullets(pv.practices.get(self.lang)),
            Block.paragraph(w("privacy_consent", rule=age_rule.get(self.lang)) + Sources.marker(consent)),
            Block.bullets(pv.consent.get(self.lang)),
            Block.note(w("privacy_helper")),
        ]
        return blocks + self.prose(ctx, "privacy", [age_rule.get(self.lang)], [*nums, *consent])

    # ------------------------------------------------------------------ assembly

    def specs(self) -> list[SectionSpec]:
        h, lang = self.templates.headings, self.lang
        return [
            SectionSpec("purpose", h.purpose.get(lang), self.purpose),
            SectionSpec("evidence", h.evidence.get(lang), self.evidence),
            SectionSpec("reflection", h.reflection.get(lang), self.reflection),
            SectionSpec("rubric", h.rubric.get(lang), self.rubric),
            SectionSpec("timeline", h.timeline.get(lang), self.timeline),
            SectionSpec("responsible_ai", h.responsible_ai.get(lang), self.responsible_ai),
            SectionSpec("privacy", h.privacy.get(lang), self.privacy),
        ]

    def fields(self) -> dict[str, str]:
        w = self.w
        return {
            w("field_grade"): self.grade.label(self.lang),
            w("field_area"): self.area_name,
            w("field_competencies"): ", ".join(self.competency_names()),
            w("field_unit"): self.form.description,
            w("field_duration"): w("weeks", weeks=self.form.weeks),
        }

    def data(self) -> dict[str, Any]:
        tp = self.templates
        return {
            "form": self.form.model_dump(),
            "grade": {"code": self.grade.code, "number": self.grade.number, "band": self.band.id},
            "learning_area": {"id": self.form.learning_area, "name": self.area_name},
            "competencies": [
                {"id": c, "name": self.framework.competency(c).name.get(self.lang)}
                for c in self.form.competencies
            ],
            "rubrics": {
                cid: [
                    {
                        "criterion": c.id,
                        "name": c.name.get(self.lang),
                        "levels": {str(lvl): c.levels[lvl].get(self.lang) for lvl in LEVELS},
                    }
                    for c in tp.rubrics[cid]
                ]
                for cid in self.form.competencies
            },
            "timeline": [{"stage": r.stage, "start": r.start, "end": r.end} for r in self.timeline_rows()],
        }

    def title(self) -> str:
        return self.w("title", unit=self.form.title or self.area_name, grade=self.grade.label(self.lang))

    def subtitle(self) -> str:
        return self.w("subtitle")


def _guide(form: Mapping[str, Any] | PortfolioForm, ctx: DraftContext) -> _Guide:
    parsed = parse_portfolio_form(form)
    if parsed.language != ctx.language:
        raise ValueError(f"the form asks for {parsed.language!r} but the draft context is {ctx.language!r}")
    return _Guide(parsed, load_portfolio_templates(), load_framework())


def stream_portfolio(form: Mapping[str, Any] | PortfolioForm, ctx: DraftContext) -> Iterator[DraftEvent]:
    """The guide section by section (SECTION events), then the FINAL draft; FormError on a bad form."""
    guide = _guide(form, ctx)
    yield from stream_draft(
        DraftKind.PORTFOLIO,
        guide.title(),
        guide.specs(),
        ctx,
        subtitle=guide.subtitle(),
        fields=guide.fields(),
        data=guide.data(),
    )


def draft_portfolio(form: Mapping[str, Any] | PortfolioForm, ctx: DraftContext) -> Draft:
    """The finished guide (a :class:`assistant.drafting.engine.Draft`)."""
    guide = _guide(form, ctx)
    return build_draft(
        DraftKind.PORTFOLIO,
        guide.title(),
        guide.specs(),
        ctx,
        subtitle=guide.subtitle(),
        fields=guide.fields(),
        data=guide.data(),
    )
