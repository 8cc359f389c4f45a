"""Learner-portfolio guides for teachers: a validated form in, a cited, section-by-section guide out.

Usage:
    >>> from assistant.drafting import draft_context
    >>> from assistant.portfolio import draft_portfolio, parse_portfolio_form
    >>> form = parse_portfolio_form({
    ...     "grade": "ป.5", "learning_area": "วิทยาศาสตร์และเทคโนโลยี",
    ...     "competencies": ["ความสามารถในการคิด", "technology"],
    ...     "description": "โครงงานปลูกผักไฮโดรโปนิกส์กับ อบต.", "weeks": 8, "language": "th"})
    >>> ctx = draft_context(settings, "default", form.language, llm=False, principal=SYSTEM)
    >>> guide = draft_portfolio(form, ctx)          # a Draft; export with assistant.export
    >>> check_curriculum(guide)                     # [] when every curriculum reference is stored data
    []

The guide is the deterministic skeleton of ``corpus/templates/portfolio.yaml`` (the team's
own wording, headings, sentences and retrieval queries included) fitted to the form: the
portfolio's purpose and sections, evidence by stage,
reflection prompts for the grade's age band, a 4-level rubric for every target competency,
a timeline fitted to the weeks, responsible AI use and PDPA privacy. Each section cites
retrieved chunks of the indexed corpus (the portfolio guide, the PDPA and curriculum
summaries, the seed case) through ``ctx.sources``; the model, when on, adds at most one
short checked paragraph per section. Learning areas and competencies come only from
``corpus/framework/framework.yaml``: unknown ones are refused, never invented, and
:func:`check_curriculum` verifies that the output names nothing else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from assistant.drafting import Block, DraftContext, SectionSpec, Sources, build_draft, stream_draft
from assistant.forms import parse_form
from assistant.knowledge import Framework, UnknownKnowledgeError, load_framework
from assistant.phrases import Phrase
from assistant.phrases import Text as Bi

if TYPE_CHECKING:
    from assistant.drafting import Draft, DraftEvent

TEMPLATES_PATH = Path(__file__).resolve().parent.parent / "corpus" / "templates" / "portfolio.yaml"
MAX_WEEKS = 40
MAX_DESCRIPTION = 2000
LEVELS = (4, 3, 2, 1)
STAGE_IDS = ("start", "during", "end")
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


# ---------------------------------------------------------------------------------- templates


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


@cache
def load_portfolio_templates(path: Path = TEMPLATES_PATH) -> PortfolioTemplates:
    """The validated templates (cached); a clear error naming the file and field otherwise."""
    import yaml
    from pydantic import ValidationError

    from assistant.forms import describe

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    try:
        templates = PortfolioTemplates.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{Path(path).name}: {'; '.join(describe(exc))}") from None
    templates.check(load_framework())
    return templates


# ---------------------------------------------------------------------------------- grades


@dataclass(frozen=True)
class Grade:
    """A grade level 1–12 (ป.1–ป.6 are 1–6, ม.1–ม.6 are 7–12)."""

    number: int

    @property
    def code(self) -> str:
        """``P4`` or ``M2``."""
        return f"P{self.number}" if self.number <= 6 else f"M{self.number - 6}"

    def label(self, lang: str) -> str:
        """``ป.4`` / ``Grade 4 (P4)``."""
        if lang == "th":
            return f"ป.{self.number}" if self.number <= 6 else f"ม.{self.number - 6}"
        return f"Grade {self.number} ({self.code})"


GRADE_HELP = "use ป.1–ป.6 or ม.1–ม.6 (P1–P6, M1–M6) or Grade 1–12"
_PRIMARY = re.compile(r"^(?:ป|ประถม(?:ศึกษา)?(?:ปีที่)?|p|prathom|primary)\s*\.?\s*(\d{1,2})$", re.I)
_SECONDARY = re.compile(
    r"^(?:ม|มัธยม(?:ศึกษา)?(?:ปีที่)?|m|mattayom|mathayom|matthayom|secondary)\s*\.?\s*(\d{1,2})$", re.I
)
_GRADE = re.compile(r"^(?:grade|gr|g|เกรด|ชั้น)\s*\.?\s*(\d{1,2})$", re.I)


def parse_grade(value: str | int) -> Grade:
    """A grade from ``ป.4``, ``ม.2``, ``P4``, ``M2``, ``Grade 8``, ``ประถมศึกษาปีที่ 4`` or 1–12."""
    text = " ".join(str(value).translate(THAI_DIGITS).split())
    if isinstance(value, int) or text.isdigit():
        n = int(text)
        if 1 <= n <= 12:
            return Grade(n)
    elif m := _PRIMARY.match(text):
        if 1 <= int(m.group(1)) <= 6:
            return Grade(int(m.group(1)))
    elif m := _SECONDARY.match(text):
        if 1 <= int(m.group(1)) <= 6:
            return Grade(int(m.group(1)) + 6)
    elif (m := _GRADE.match(text)) and 1 <= int(m.group(1)) <= 12:
        return Grade(int(m.group(1)))
    raise ValueError(f"unknown grade level {str(value)!r} (ไม่รู้จักระดับชั้นนี้); {GRADE_HELP}")


# ---------------------------------------------------------------------------------- the form


def _split_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[,;\n]", value)
    if not isinstance(value, list | tuple):
        raise ValueError("give a list of competencies")
    return [str(v).strip() for v in value if str(v).strip()]


def resolve_competencies(values: Sequence[str], framework: Framework | None = None) -> list[str]:
    """Competency ids for ids or names (th/en); unknown ones rejected with the valid list, 1–5, no repeats."""
    fw = framework or load_framework()
    ids: list[str] = []
    unknown: list[str] = []
    for v in values:
        try:
            cid = fw.competency(v).id
        except UnknownKnowledgeError:
            unknown.append(v)
            continue
        if cid not in ids:
            ids.append(cid)
    if unknown:
        options = "; ".join(c.label() for c in fw.competencies)
        raise ValueError(
            f"unknown competency {', '.join(repr(u) for u in unknown)} (ไม่มีในสมรรถนะสำคัญ 5 ประการ); "
            f"valid options: {options}"
        )
    if not 1 <= len(ids) <= len(fw.competencies):
        raise ValueError(f"choose 1–{len(fw.competencies)} of the key competencies (เลือกสมรรถนะ 1–5 ข้อ)")
    return ids


class PortfolioForm(BaseModel):
    """What a teacher gives: grade, learning area, 1–5 competencies, the unit, weeks and language.

    After validation ``grade`` is a code (``P4``/``M2``), ``learning_area`` and
    ``competencies`` are framework ids.
    """

    model_config = ConfigDict(extra="forbid")

    grade: str
    learning_area: str
    competencies: list[str]
    description: str
    weeks: int
    language: str = "th"
    title: str = ""

    @field_validator("grade", mode="before")
    @classmethod
    def _grade(cls, value: Any) -> str:
        return parse_grade(value).code

    @field_validator("learning_area")
    @classmethod
    def _area(cls, value: str) -> str:
        try:
            return load_framework().learning_area(value).id
        except UnknownKnowledgeError as exc:
            raise ValueError(f"{exc} (ไม่มีในกลุ่มสาระการเรียนรู้ 8 กลุ่ม)") from None

    @field_validator("competencies", mode="before")
    @classmethod
    def _competencies(cls, value: Any) -> list[str]:
        return resolve_competencies(_split_list(value))

    @field_validator("description", "title")
    @classmethod
    def _text(cls, value: str, info: Any) -> str:
        value = " ".join(value.split())
        if info.field_name == "description" and not value:
            raise ValueError("describe the project or unit; it is empty (กรุณาอธิบายโครงงานหรือหน่วยการเรียนรู้)")
        if len(value) > MAX_DESCRIPTION:
            raise ValueError(f"keep it under {MAX_DESCRIPTION} characters (it has {len(value)})")
        return value

    @field_validator("weeks", mode="before")
    @classmethod
    def _weeks(cls, value: Any) -> int:
        try:
            weeks = int(str(value).translate(THAI_DIGITS).strip())
        except ValueError:
            raise ValueError(f"duration must be a whole number of weeks, got {value!r}") from None
        if not 1 <= weeks <= MAX_WEEKS:
            raise ValueError(
                f"duration must be 1–{MAX_WEEKS} weeks (ระยะเวลา 1–{MAX_WEEKS} สัปดาห์), got {weeks}"
            )
        return weeks

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str:
        code = str(value or "").strip().lower()
        if code not in ("th", "en"):
            raise ValueError(f"language must be th or en, got {value!r}")
        return code

    @property
    def grade_level(self) -> Grade:
        return parse_grade(self.grade)


def parse_portfolio_form(data: Mapping[str, Any] | PortfolioForm) -> PortfolioForm:
    """Validate a form; :class:`assistant.forms.FormError` lists every problem, each naming its field."""
    return parse_form(PortfolioForm, data)


# ---------------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class TimelineRow:
    """A stage placed on the weeks: ``start``..``end`` inclusive."""

    stage: str
    start: int
    end: int


def fit_timeline(weeks: int, shares: Sequence[float]) -> list[tuple[int, int]]:
    """Week ranges (inclusive) for stages with these shares, covering weeks 1..``weeks`` in order.

    With at least one week per stage the ranges are disjoint and contiguous (largest
    remainder, at least one week each); with fewer weeks, stages share weeks.
    """
    n = len(shares)
    if weeks < n:
        # fewer weeks than stages: stage i sits in the week proportional to its position
        return [(min(weeks, 1 + i * weeks // n), min(weeks, 1 + i * weeks // n)) for i in range(n)]
    total = sum(shares)
    exact = [weeks * s / total for s in shares]
    counts = [max(1, math.floor(x)) for x in exact]
    order = sorted(range(n), key=lambda i: exact[i] - math.floor(exact[i]), reverse=True)
    i = 0
    while sum(counts) < weeks:
        counts[order[i % n]] += 1
        i += 1
    while sum(counts) > weeks:
        big = max(range(n), key=lambda j: counts[j])
        counts[big] -= 1
    ranges, start = [], 1
    for c in counts:
        ranges.append((start, start + c - 1))
        start += c
    return ranges


# ---------------------------------------------------------------------------------- the guide


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
        "portfolio",
        guide.title(),
        guide.specs(),
        ctx,
        subtitle=guide.subtitle(),
        fields=guide.fields(),
        data=guide.data(),
    )


def draft_portfolio(form: Mapping[str, Any] | PortfolioForm, ctx: DraftContext) -> Draft:
    """The finished guide (a :class:`assistant.drafting.Draft`)."""
    guide = _guide(form, ctx)
    return build_draft(
        "portfolio",
        guide.title(),
        guide.specs(),
        ctx,
        subtitle=guide.subtitle(),
        fields=guide.fields(),
        data=guide.data(),
    )


# ---------------------------------------------------------------------------------- curriculum check

_INDICATOR_CODE = re.compile(r"(?:[ก-ฮ]{1,2}|[A-Z][a-z]?)\s?\d+\.\d+\s?(?:ป|ม|G|P|M)\.?\s?\d+/\d+")
_TH_AREA_REF = re.compile(r"กลุ่มสาระ(?:การเรียนรู้)?\s*")
_TH_COMP_REF = re.compile(r"ความสามารถในการ")
_EN_COMP_REF = re.compile(
    r"\b[A-Z][a-z]+(?:-[a-z]+)? capacity\b|\bCapacity for [a-z ]+?(?=[,.;:)\]|]|$| \(| and\b)"
)
_EN_AREA_REF = re.compile(r"learning area ([A-Z][A-Za-z ,]+?)(?=[,.;:)]|$|\n)")


def check_curriculum(draft: Draft, framework: Framework | None = None) -> list[str]:
    """Curriculum references in a guide that are not stored data; empty when all are in framework.yaml.

    Checks the structured record (learning area and competency ids), every Thai
    "กลุ่มสาระการเรียนรู้…" and "ความสามารถในการ…" phrase, English "… capacity" /
    "Capacity for …" / "learning area …" phrases, and refuses any standard or indicator
    code (such as "ว 1.1 ป.4/1"), since the framework stores none.
    """
    fw = framework or load_framework()
    area_names = sorted({n for a in fw.learning_areas for n in a.lookup_keys()}, key=len, reverse=True)
    comp_th = sorted({c.name.th for c in fw.competencies}, key=len, reverse=True)
    comp_en = {c.name.en.casefold() for c in fw.competencies}
    problems: list[str] = []
    area = draft.data.get("learning_area", {})
    if area:
        try:
            fw.learning_area(area.get("id", ""))
        except UnknownKnowledgeError:
            problems.append(f"learning area id {area.get('id')!r} is not in framework.yaml")
    for comp in draft.data.get("competencies", []):
        try:
            fw.competency(comp.get("id", ""))
        except UnknownKnowledgeError:
            problems.append(f"competency id {comp.get('id')!r} is not in framework.yaml")
    for text in draft.texts():
        for m in _INDICATOR_CODE.finditer(text):
            problems.append(f"indicator code {m.group(0)!r} is not stored data")
        for m in _TH_AREA_REF.finditer(text):
            rest = text[m.end() :]
            if rest and "\u0e00" <= rest[0] <= "\u0e7f" and not any(rest.startswith(n) for n in area_names):
                problems.append(f"unknown learning area in {text[m.start() : m.end() + 25]!r}")
        for m in _TH_COMP_REF.finditer(text):
            rest = text[m.start() :]
            if not any(rest.startswith(n) for n in comp_th):
                problems.append(f"unknown competency in {text[m.start() : m.start() + 35]!r}")
        for m in _EN_COMP_REF.finditer(text):
            if m.group(0).strip().casefold() not in comp_en:
                problems.append(f"unknown competency {m.group(0)!r}")
        for m in _EN_AREA_REF.finditer(text):
            name = m.group(1).strip()
            if not any(name.casefold().startswith(n.casefold()) for n in area_names):
                problems.append(f"unknown learning area {name!r}")
    return list(dict.fromkeys(problems))
