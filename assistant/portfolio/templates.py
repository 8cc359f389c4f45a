"""``corpus/templates/portfolio.yaml`` as checked models: bands, stages, rubrics, wording, queries.

:func:`load_portfolio_templates` validates the file (cached) and cross-checks it against
``corpus/framework/framework.yaml``: every competency and learning area covered, grades 1–12 banded.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from assistant.datafiles import load_yaml
from assistant.drafting.knowledge import Framework, load_framework
from assistant.phrases import Phrase
from assistant.phrases import Text as Bi
from assistant.settings import DEFAULT_CORPUS_DIR, PORTFOLIO_TEMPLATES_FILE

TEMPLATES_PATH = DEFAULT_CORPUS_DIR / PORTFOLIO_TEMPLATES_FILE
"""The starter corpus's file; the loader reads the settings' corpus_dir (the same file by default)."""
LEVELS = (4, 3, 2, 1)
STAGE_IDS = ("start", "during", "end")


class _T(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BiList(_T):
    """A bilingual list; both languages non-empty."""

    th: list[str]
    en: list[str]

    @model_validator(mode="after")
    def _both(self) -> Self:
        if not self.th or not self.en:
            raise ValueError("needs items in both th and en")
        return self

    def get(self, lang: str) -> list[str]:
        return list(self.th if lang == "th" else self.en)


class Band(_T):
    """An age band (ป.1–3, ป.4–6, ม.1–3, ม.4–6) and what it changes in the guide."""

    id: str
    name: Bi
    grades: list[int]
    min_age: int
    max_age: int
    reflection_mode: Bi
    ai_use: Bi


class Stage(_T):
    """A stage of the unit (start, during, end): its share of the weeks, activities and evidence."""

    id: Literal["start", "during", "end"]
    name: Bi
    share: float
    activities: BiList
    evidence: BiList


class Criterion(_T):
    """One rubric criterion with descriptors for levels 4..1, reflection keywords and a deeper question."""

    id: str
    name: Bi
    levels: dict[int, Bi]
    keywords: BiList
    question: Bi

    @field_validator("levels")
    @classmethod
    def _four_levels(cls, value: dict[int, Bi]) -> dict[int, Bi]:
        if sorted(value) != [1, 2, 3, 4]:
            raise ValueError(f"needs descriptors for levels 1–4, found {sorted(value)}")
        return value


class CueGroup(BiList):
    """Words that show one element of reflection (an action, learning, a reason, a next step)."""

    missing: Bi
    question: Bi


class DepthLevel(_T):
    level: int
    requires: list[str]
    min_words: int


class Depth(_T):
    """How the reflection helper rates the depth of a reflection."""

    levels: list[DepthLevel]
    cues: dict[str, CueGroup]

    @model_validator(mode="after")
    def _known_groups(self) -> Self:
        unknown = {g for lvl in self.levels for g in lvl.requires} - set(self.cues)
        if unknown:
            raise ValueError(f"depth levels require unknown cue groups: {', '.join(sorted(unknown))}")
        return self


class ResponsibleAI(_T):
    may_help: BiList
    learner_must: BiList
    disclosure: Bi
    teacher: BiList


class Privacy(_T):
    never_share: BiList
    practices: BiList
    consent: BiList
    consent_by_age: dict[Literal["guardian", "mixed", "both"], Bi]


class _PerSection(_T):
    """One phrase for each of the guide's seven sections."""

    purpose: Phrase
    evidence: Phrase
    reflection: Phrase
    rubric: Phrase
    timeline: Phrase
    responsible_ai: Phrase
    privacy: Phrase


class GuideHeadings(_PerSection):
    """The guide's section titles (``headings:``)."""


class GuideText(_T):
    """The guide's fixed labels, table headers and sentences (``text:``)."""

    title: Phrase
    subtitle: Phrase
    field_grade: Phrase
    field_area: Phrase
    field_competencies: Phrase
    field_unit: Phrase
    field_duration: Phrase
    weeks: Phrase
    unit: Phrase
    sections_lead: Phrase
    seed_case: Phrase
    evidence_lead: Phrase
    column_stage: Phrase
    column_evidence: Phrase
    area_examples: Phrase
    column_competency: Phrase
    column_shows: Phrase
    reflection_lead: Phrase
    column_prompts: Phrase
    reflection_note: Phrase
    rubric_lead: Phrase
    column_criterion: Phrase
    timeline_lead: Phrase
    column_weeks: Phrase
    week_range: Phrase
    column_activities: Phrase
    ai_may_help: Phrase
    ai_learner_must: Phrase
    ai_disclosure: Phrase
    ai_band: Phrase
    ai_teacher: Phrase
    privacy_never: Phrase
    privacy_practices: Phrase
    privacy_consent: Phrase
    privacy_helper: Phrase


class GuideTasks(_PerSection):
    """What the language model is asked to write in each section (``tasks:``)."""


class GuideQueries(_T):
    """The retrieval queries behind the guide's citations (``queries:``)."""

    purpose: Phrase
    seed_case: Phrase
    evidence: Phrase
    reflection: Phrase
    rubric: Phrase
    curriculum: Phrase
    timeline: Phrase
    responsible_ai: Phrase
    disclosure: Phrase
    age: Phrase
    privacy: Phrase
    consent: Phrase


class ReflectionText(_T):
    """The reflection helper's report wording and model task (``reflection_text:``)."""

    heading: Phrase
    depth: Phrase
    column_competency: Phrase
    column_criterion: Phrase
    column_level: Phrase
    column_evidence: Phrase
    no_evidence: Phrase
    questions: Phrase
    missing: Phrase
    nothing_missing: Phrase
    generated: Phrase
    closing: Phrase
    too_short: Phrase
    no_criterion_evidence: Phrase
    feedback_task: Phrase
    reflection_label: Phrase


class PortfolioTemplates(_T):
    """The whole ``corpus/templates/portfolio.yaml``, validated against framework.yaml."""

    version: int
    levels: dict[int, Bi]
    bands: list[Band]
    purpose: BiList
    sections: BiList
    stages: list[Stage]
    area_evidence: dict[str, BiList]
    reflection_prompts: dict[str, dict[str, BiList]]
    rubrics: dict[str, list[Criterion]]
    depth: Depth
    responsible_ai: ResponsibleAI
    privacy: Privacy
    headings: GuideHeadings
    text: GuideText
    tasks: GuideTasks
    queries: GuideQueries
    reflection_text: ReflectionText

    def check(self, framework: Framework) -> None:
        """Cross-checks: every competency and learning area of the framework covered, grades 1–12 banded."""
        problems: list[str] = []
        comp_ids = {c.id for c in framework.competencies}
        area_ids = {a.id for a in framework.learning_areas}
        if set(self.rubrics) != comp_ids:
            problems.append(f"rubrics must cover exactly the competencies {sorted(comp_ids)}")
        if set(self.area_evidence) != area_ids:
            problems.append(f"area_evidence must cover exactly the learning areas {sorted(area_ids)}")
        if sorted(g for b in self.bands for g in b.grades) != list(range(1, 13)):
            problems.append("bands must cover grades 1–12 once each")
        if tuple(s.id for s in self.stages) != STAGE_IDS:
            problems.append(f"stages must be {STAGE_IDS} in this order")
        for band in self.bands:
            if set(self.reflection_prompts.get(band.id, {})) != set(STAGE_IDS):
                problems.append(f"reflection_prompts.{band.id} must have the stages {STAGE_IDS}")
        if sorted(self.levels) != [1, 2, 3, 4]:
            problems.append("levels must name levels 1–4")
        if problems:
            raise ValueError(f"{TEMPLATES_PATH.name}: " + "; ".join(problems))

    def band_for(self, grade: int) -> Band:
        return next(b for b in self.bands if grade in b.grades)

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)


def load_portfolio_templates(path: Path | None = None) -> PortfolioTemplates:
    """The validated templates (``<corpus_dir>/templates/portfolio.yaml`` by default, cached); a clear
    error naming the file and field otherwise."""
    if path is None:
        from assistant.settings import get_settings

        path = get_settings().portfolio_templates_path
    return _load_portfolio_templates(Path(path))


@cache
def _load_portfolio_templates(path: Path) -> PortfolioTemplates:
    from pydantic import ValidationError

    from assistant.drafting.forms import describe

    data = load_yaml(path)
    try:
        templates = PortfolioTemplates.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{Path(path).name}: {'; '.join(map(str, describe(exc)))}") from None
    templates.check(load_framework())
    return templates
