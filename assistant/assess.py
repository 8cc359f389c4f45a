"""The network health check: a questionnaire from the framework, scores, recommendations and progress.

Usage:
    >>> from assistant.assess import load_questionnaire, parse_answers, run_assessment, AssessmentStore
    >>> q = load_questionnaire()                               # 7 components + 5 success-factor groups
    >>> [i.id for i in q.indicators][:2]
    ['shared-vision-goals.1', 'shared-vision-goals.2']
    >>> answers = parse_answers({"shared-vision-goals.1": 4, ...}, q)   # AnswerError lists every problem
    >>> ctx = draft_context(settings, "default", "th", principal=SYSTEM)  # retrieval + optional model
    >>> result = run_assessment(answers, q, language="th", ctx=ctx)
    >>> result.scores.area("stakeholders").mean, result.recommendations[0].area_id
    >>> store = AssessmentStore.for_workspace(settings, "default", principal=SYSTEM)
    >>> saved = store.save(result, label="ภาคเรียนที่ 1/2568")
    >>> later = run_assessment(answers2, q, language="th", ctx=ctx, previous=store.get("latest"))
    >>> later.progress.areas[0].delta                          # change per area since the earlier one
    >>> draft = report_draft(later, chart_ref="radar.png")     # exports through assistant.export
    >>> export_report(draft, Path("health.docx"), chart_png=chart_png(later))

Everything that matters is deterministic: the statements and scale come from
``prompts/health.yaml`` (validated against ``corpus/framework/framework.yaml`` at load),
scores are plain means, and recommendations take their actions from the framework's
component activities and the mitigations of the challenges that threaten those components.
Citations come only from :class:`assistant.drafting.Sources` (retrieved chunks of the
workspace); the language model, when there is one, adds one checked paragraph per top
recommendation and nothing else.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from assistant.drafting import PROMPTS_DIR, Block, Draft, Section, Sources, Writer, check_language
from assistant.forms import FormError
from assistant.knowledge import Framework, load_framework
from assistant.records import Citation

if TYPE_CHECKING:
    from assistant.charts import RadarSeries
    from assistant.drafting import DraftContext
    from assistant.settings import Settings
    from assistant.workspaces import Principal

HEALTH_FILE = PROMPTS_DIR / "health.yaml"
STATEMENTS_PER_COMPONENT = (3, 4)
DB_NAME = "assessments.sqlite"
REQUIRED_TEXTS: tuple[str, ...] = (
    "title",
    "kind_component",
    "kind_factor",
    "field_label",
    "field_workspace",
    "field_compared",
    "section_summary",
    "section_components",
    "section_factors",
    "section_chart",
    "section_progress",
    "section_recommendation",
    "section_unanswered",
    "section_method",
    "header_area",
    "header_mean",
    "header_percent",
    "header_level",
    "header_answered",
    "header_before",
    "header_now",
    "header_delta",
    "no_score",
    "summary",
    "strongest",
    "weakest",
    "all_strong",
    "progress_summary",
    "improved",
    "declined",
    "rec_headline",
    "rec_purpose",
    "rec_via_components",
    "rec_weak",
    "rec_actions",
    "rec_mitigations",
    "rec_evidence",
    "rec_sources",
    "rec_no_sources",
    "prose_task",
    "score_item",
    "unanswered_intro",
    "method",
)


class HealthConfigError(ValueError):
    """``prompts/health.yaml`` is missing, malformed, or names ids the framework does not have."""


class AnswerError(FormError):
    """Answers with problems: unknown ids, scores out of range, missing answers (all listed at once)."""


class AreaKind(StrEnum):
    COMPONENT = "component"
    FACTOR = "factor"


# ------------------------------------------------------------------------------ the YAML file


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Model):
    """A string in Thai and English, both non-empty."""

    th: str
    en: str

    @field_validator("th", "en")
    @classmethod
    def _filled(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be empty")
        return value

    def get(self, language: str) -> str:
        return self.th if check_language(language) == "th" else self.en


class ScaleLevel(Bilingual):
    value: int


class Scale(_Model):
    """The answer scale: ``min``..``max`` with a label per level, and how to say "not sure"."""

    min: int
    max: int
    levels: list[ScaleLevel]
    not_sure: Bilingual
    not_sure_words: list[str]

    @model_validator(mode="after")
    def _levels_cover_the_range(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be above min ({self.min})")
        values = [level.value for level in self.levels]
        if values != list(range(self.min, self.max + 1)):
            raise ValueError(f"levels must be {self.min}..{self.max} in order, found {values}")
        return self

    def label(self, value: int, language: str) -> str:
        return self.levels[value - self.min].get(language)

    def percent(self, mean: float) -> float:
        """A mean's position on the scale, 0–100 (min → 0, max → 100)."""
        return (mean - self.min) / (self.max - self.min) * 100


class Band(Bilingual):
    up_to: float


class RecommendSettings(_Model):
    below: float
    max: int
    prose_for: int
    actions: int
    mitigations: int


class HealthFile(_Model):
    """The whole ``prompts/health.yaml``, before it is checked against the framework."""

    version: str
    scale: Scale
    bands: list[Band]
    recommend: RecommendSettings
    factor_components: dict[str, list[str]]
    components: dict[str, list[Bilingual]]
    texts: dict[str, Bilingual]

    @field_validator("bands")
    @classmethod
    def _ascending(cls, value: list[Band]) -> list[Band]:
        bounds = [b.up_to for b in value]
        if not value or bounds != sorted(bounds):
            raise ValueError(f"bands must be non-empty and ascending by up_to, found {bounds}")
        return value


# ------------------------------------------------------------------------------ the questionnaire


@dataclass(frozen=True)
class Indicator:
    """One statement to score, e.g. ``stakeholders.2``."""

    id: str
    area: str
    kind: AreaKind
    th: str
    en: str

    def text(self, language: str) -> str:
        return self.th if check_language(language) == "th" else self.en


@dataclass(frozen=True)
class Area:
    """A component or a success-factor group with its statements."""

    id: str
    kind: AreaKind
    th: str
    en: str
    indicators: tuple[Indicator, ...]

    def name(self, language: str) -> str:
        return self.th if check_language(language) == "th" else self.en


@dataclass(frozen=True)
class Questionnaire:
    """The checked questionnaire: 7 component areas then 5 factor areas, the scale and the wording."""

    version: str
    areas: tuple[Area, ...]
    config: HealthFile
    framework: Framework

    @property
    def scale(self) -> Scale:
        return self.config.scale

    @property
    def indicators(self) -> list[Indicator]:
        return [i for a in self.areas for i in a.indicators]

    def area(self, area_id: str) -> Area:
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(f"no area {area_id!r}; areas: {', '.join(a.id for a in self.areas)}")

    def indicator(self, indicator_id: str) -> Indicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise KeyError(f"no indicator {indicator_id!r}")

    def text(self, key: str, language: str, **values: Any) -> str:
        """Report wording from ``texts`` in ``language``, placeholders filled."""
        template = self.config.texts[key].get(language)
        return template.format(**values) if values else template

    def kind_name(self, kind: AreaKind, language: str) -> str:
        return self.text("kind_component" if kind is AreaKind.COMPONENT else "kind_factor", language)

    def band(self, mean: float, language: str) -> str:
        """How a mean reads ("พอใช้" / "Fair" ...)."""
        for b in self.config.bands:
            if mean <= b.up_to + 1e-9:
                return b.get(language)
        return self.config.bands[-1].get(language)

    def levels_text(self, language: str) -> str:
        """``1 = ..., 2 = ..., ...`` for instructions."""
        return ", ".join(f"{lv.value} = {lv.get(language)}" for lv in self.scale.levels)

    def to_json(self, language: str) -> dict[str, Any]:
        """The questionnaire in one language (what ``edunet assess questions --json`` prints)."""
        language = check_language(language)
        return {
            "version": self.version,
            "language": language,
            "scale": {
                "min": self.scale.min,
                "max": self.scale.max,
                "levels": {str(lv.value): lv.get(language) for lv in self.scale.levels},
                "not_sure": self.scale.not_sure.get(language),
            },
            "areas": [
                {
                    "id": a.id,
                    "kind": a.kind.value,
                    "name": a.name(language),
                    "indicators": [{"id": i.id, "text": i.text(language)} for i in a.indicators],
                }
                for a in self.areas
            ],
        }

    def template(self, language: str) -> str:
        """A blank answers file (YAML) with every statement as a comment, ready to fill in."""
        language = check_language(language)
        not_sure = self.scale.not_sure.get(language)
        lines = [
            f"# {self.text('title', language)}",
            f"# {self.levels_text(language)}; {not_sure!r} / not sure",
            "label: ''",
            f"language: {language}",
            "answers:",
        ]
        for a in self.areas:
            lines.append(f"  # {self.kind_name(a.kind, language)}: {a.name(language)}")
            lines += [f"  {i.id}:    # {i.text(language)}" for i in a.indicators]
        return "\n".join(lines) + "\n"


def build_questionnaire(config: HealthFile, framework: Framework) -> Questionnaire:
    """Check the health file against the framework and build the questionnaire (all problems at once)."""
    problems: list[str] = []
    component_ids = [c.id for c in framework.components]
    factor_ids = [f.id for f in framework.success_factors]
    for cid in config.components:
        if cid not in component_ids:
            problems.append(f"components: unknown component id {cid!r}; valid: {', '.join(component_ids)}")
    low, high = STATEMENTS_PER_COMPONENT
    for cid in component_ids:
        statements = config.components.get(cid)
        if statements is None:
            problems.append(f"components: no statements for component {cid!r}")
        elif not low <= len(statements) <= high:
            problems.append(f"components.{cid}: needs {low}–{high} statements, found {len(statements)}")
    for fid, refs in config.factor_components.items():
        if fid not in factor_ids:
            problems.append(
                f"factor_components: unknown success factor id {fid!r}; valid: {', '.join(factor_ids)}"
            )
        bad = [r for r in refs if r not in component_ids]
        if bad:
            problems.append(f"factor_components.{fid}: unknown component id(s) {', '.join(map(repr, bad))}")
        if not refs:
            problems.append(f"factor_components.{fid}: name at least one component")
    problems += [
        f"factor_components: no entry for {fid!r}"
        for fid in factor_ids
        if fid not in config.factor_components
    ]
    missing_texts = [k for k in REQUIRED_TEXTS if k not in config.texts]
    if missing_texts:
        problems.append(f"texts: missing key(s) {', '.join(missing_texts)}")
    if problems:
        raise HealthConfigError("health questionnaire problems:\n" + "\n".join(f"  - {p}" for p in problems))

    areas: list[Area] = []
    for c in framework.components:
        items = tuple(
            Indicator(f"{c.id}.{n}", c.id, AreaKind.COMPONENT, s.th, s.en)
            for n, s in enumerate(config.components[c.id], start=1)
        )
        areas.append(Area(c.id, AreaKind.COMPONENT, c.name.th, c.name.en, items))
    for f in framework.success_factors:
        items = tuple(
            Indicator(f"{f.id}.{n}", f.id, AreaKind.FACTOR, th, en)
            for n, (th, en) in enumerate(zip(f.indicators.th, f.indicators.en, strict=True), start=1)
        )
        areas.append(Area(f.id, AreaKind.FACTOR, f.name.th, f.name.en, items))
    return Questionnaire(config.version, tuple(areas), config, framework)


def _read_health_file(path: Path) -> HealthFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise HealthConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise HealthConfigError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise HealthConfigError(f"{path} must hold a mapping at the top level")
    try:
        return HealthFile.model_validate(data)
    except ValidationError as exc:
        lines = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)]
        raise HealthConfigError(f"{path} does not match the schema:\n  - " + "\n  - ".join(lines)) from None


@cache
def _default_questionnaire() -> Questionnaire:
    return build_questionnaire(_read_health_file(HEALTH_FILE), load_framework())


def load_questionnaire(path: Path | str | None = None, framework: Framework | None = None) -> Questionnaire:
    """The questionnaire from ``prompts/health.yaml`` (cached) or another file, checked with the framework."""
    if path is None and framework is None:
        return _default_questionnaire()
    return build_questionnaire(_read_health_file(Path(path or HEALTH_FILE)), framework or load_framework())


# ------------------------------------------------------------------------------ answers


@dataclass(frozen=True)
class Answers:
    """Checked answers: scores by indicator id, and the statements answered "not sure" or left blank."""

    scores: dict[str, int]
    not_sure: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()

    @property
    def skipped(self) -> tuple[str, ...]:
        return (*self.not_sure, *self.unanswered)

    def to_json(self) -> dict[str, Any]:
        return {
            "scores": dict(self.scores),
            "not_sure": list(self.not_sure),
            "unanswered": list(self.unanswered),
        }


def _score_of(value: Any, scale: Scale) -> int | str | None:
    """An int score, ``"not-sure"``, ``None`` (blank) — or ValueError with a reason."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a score")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.casefold() in {w.casefold() for w in scale.not_sure_words} or text in (
            scale.not_sure.th,
            scale.not_sure.en,
        ):
            return "not-sure"
        if not text.lstrip("+-").isdigit():
            raise ValueError(f"{value!r} is not a score")
        value = int(text)
    if not isinstance(value, int):
        raise ValueError(f"{value!r} is not a score")
    if not scale.min <= value <= scale.max:
        raise ValueError(f"score {value} is outside {scale.min}–{scale.max}")
    return value


def parse_answers(data: Mapping[str, Any], q: Questionnaire, *, require_all: bool = True) -> Answers:
    """Check answers (indicator id → score or "not sure"); :class:`AnswerError` lists every problem.

    ``require_all=False`` (the app) treats blank statements as unanswered instead of an error;
    they are left out of the means and reported, like "not sure".
    """
    if not isinstance(data, Mapping):
        raise AnswerError([f"answers: expected a mapping of indicator id → score, got {type(data).__name__}"])
    known = [i.id for i in q.indicators]
    hint = f"use {q.scale.min}–{q.scale.max}, or 'not sure' to skip"
    problems: list[str] = []
    unknown = [str(k) for k in data if str(k) not in known]
    if unknown:
        problems.append(f"unknown indicator id(s): {', '.join(unknown)} (see the questionnaire for the ids)")
    scores: dict[str, int] = {}
    not_sure: list[str] = []
    blank: list[str] = []
    for iid in known:
        try:
            value = _score_of(data.get(iid), q.scale)
        except ValueError as exc:
            problems.append(f"{iid}: {exc} ({hint})")
            continue
        if value is None:
            blank.append(iid)
        elif value == "not-sure":
            not_sure.append(iid)
        else:
            scores[iid] = int(value)
    if blank and require_all:
        problems.append(f"missing answers for {len(blank)} statement(s): {', '.join(blank)} ({hint})")
    if not problems and not scores:
        problems.append(f"no statement has a score: answer at least one with {q.scale.min}–{q.scale.max}")
    if problems:
        raise AnswerError(problems)
    return Answers(scores, tuple(not_sure), tuple(blank if not require_all else ()))


def split_answers_file(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], str | None, str | None]:
    """An answers file → (answers, label, language): ``{label, language, answers: {...}}`` or flat."""
    if "answers" in data:
        extra = sorted(set(data) - {"answers", "label", "language"})
        if extra:
            raise AnswerError(
                [f"{k}: is not a field of an answers file (label, language, answers)" for k in extra]
            )
        answers = data["answers"] if data["answers"] is not None else {}
        label = data.get("label")
        language = data.get("language")
        return answers, (str(label) if label else None), (str(language) if language else None)
    return data, None, None


# ------------------------------------------------------------------------------ scores


@dataclass(frozen=True)
class AreaScore:
    """One area's result: the mean of its answered statements (None when none was answered)."""

    id: str
    kind: AreaKind
    mean: float | None
    answered: int
    total: int
    percent: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "mean": None if self.mean is None else round(self.mean, 4),
            "percent": None if self.percent is None else round(self.percent, 2),
            "answered": self.answered,
            "total": self.total,
        }


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


@dataclass(frozen=True)
class Scores:
    """Means per area, per kind and overall (the mean of the areas with answers, each weighing the same)."""

    areas: tuple[AreaScore, ...]
    overall: float | None
    components: float | None
    factors: float | None
    answered: int
    total: int
    scale_min: int = 1
    scale_max: int = 5

    def area(self, area_id: str) -> AreaScore:
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(f"no area {area_id!r} in these scores")

    def has(self, area_id: str) -> bool:
        return any(a.id == area_id for a in self.areas)

    def percent(self, mean: float | None) -> float | None:
        return None if mean is None else (mean - self.scale_min) / (self.scale_max - self.scale_min) * 100

    def to_json(self) -> dict[str, Any]:
        r = lambda v: None if v is None else round(v, 4)  # noqa: E731
        return {
            "overall": r(self.overall),
            "overall_percent": None if self.overall is None else round(self.percent(self.overall) or 0, 2),
            "components": r(self.components),
            "factors": r(self.factors),
            "answered": self.answered,
            "total": self.total,
            "scale": [self.scale_min, self.scale_max],
            "areas": [a.to_json() for a in self.areas],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Scores:
        low, high = data.get("scale", [1, 5])
        areas = tuple(
            AreaScore(a["id"], AreaKind(a["kind"]), a["mean"], a["answered"], a["total"], a.get("percent"))
            for a in data["areas"]
        )
        return cls(
            areas,
            data["overall"],
            data["components"],
            data["factors"],
            data["answered"],
            data["total"],
            low,
            high,
        )


def score(answers: Answers, q: Questionnaire) -> Scores:
    """Means per component and factor group, the two kind averages and the overall mean."""
    areas = []
    for a in q.areas:
        values = [answers.scores[i.id] for i in a.indicators if i.id in answers.scores]
        mean = _mean(values)
        areas.append(
            AreaScore(
                a.id,
                a.kind,
                mean,
                len(values),
                len(a.indicators),
                None if mean is None else q.scale.percent(mean),
            )
        )
    by_kind = {kind: _mean(s.mean for s in areas if s.kind is kind) for kind in AreaKind}
    return Scores(
        tuple(areas),
        _mean(s.mean for s in areas),
        by_kind[AreaKind.COMPONENT],
        by_kind[AreaKind.FACTOR],
        len(answers.scores),
        len(q.indicators),
        q.scale.min,
        q.scale.max,
    )


# ------------------------------------------------------------------------------ progress


@dataclass(frozen=True)
class AreaDelta:
    id: str
    before: float | None
    now: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.now is None else self.now - self.before

    def to_json(self) -> dict[str, Any]:
        r = lambda v: None if v is None else round(v, 4)  # noqa: E731
        return {"id": self.id, "before": r(self.before), "now": r(self.now), "delta": r(self.delta)}


@dataclass(frozen=True)
class Progress:
    """The change since an earlier saved assessment, area by area."""

    previous_id: int
    previous_label: str
    previous_created: str
    areas: tuple[AreaDelta, ...]
    overall: AreaDelta

    def improved(self, threshold: float = 0.005) -> list[AreaDelta]:
        return [a for a in self.areas if a.delta is not None and a.delta > threshold]

    def declined(self, threshold: float = 0.005) -> list[AreaDelta]:
        return [a for a in self.areas if a.delta is not None and a.delta < -threshold]

    def to_json(self) -> dict[str, Any]:
        return {
            "previous": {
                "id": self.previous_id,
                "label": self.previous_label,
                "created": self.previous_created,
            },
            "overall": self.overall.to_json(),
            "areas": [a.to_json() for a in self.areas],
        }


def compare(now: Scores, previous: SavedAssessment) -> Progress:
    """Deltas per area (by id) between ``previous``'s saved scores and ``now``."""
    before = previous.scores
    areas = tuple(
        AreaDelta(a.id, before.area(a.id).mean if before.has(a.id) else None, a.mean) for a in now.areas
    )
    return Progress(
        previous.id,
        previous.label,
        previous.created,
        areas,
        AreaDelta("overall", before.overall, now.overall),
    )


# ------------------------------------------------------------------------------ recommendations


@dataclass
class Recommendation:
    """What to do about one weak area: framework actions, mitigations, evidence and retrieved citations."""

    rank: int
    area_id: str
    kind: AreaKind
    name: str
    mean: float
    percent: float
    level: str
    purpose: str
    via_components: list[str] = field(default_factory=list)
    weak: list[tuple[str, str, int]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    mitigations: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)
    prose: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "area": self.area_id,
            "kind": self.kind.value,
            "name": self.name,
            "mean": round(self.mean, 4),
            "percent": round(self.percent, 2),
            "level": self.level,
            "purpose": self.purpose,
            "via_components": self.via_components,
            "weak": [{"id": i, "text": t, "score": s} for i, t, s in self.weak],
            "actions": self.actions,
            "mitigations": self.mitigations,
            "evidence": self.evidence,
            "citations": self.citations,
            "prose": self.prose,
        }


def _round_robin(groups: Sequence[Sequence[str]], limit: int) -> list[str]:
    """Take the first item of each group, then the second ..., up to ``limit`` distinct items."""
    picked: list[str] = []
    for depth in range(max((len(g) for g in groups), default=0)):
        for g in groups:
            if depth < len(g) and g[depth] not in picked:
                picked.append(g[depth])
                if len(picked) >= limit:
                    return picked
    return picked


def _cite(sources: Sources | None, query: str, language: str) -> list[int]:
    """Citation numbers for ``query``: chunks in the answer language first, else any language."""
    if sources is None:
        return []
    from ingest.manifest import Filters

    return sources.find(query, filters=Filters(languages=(language,))) or sources.find(query)


def recommend(
    scores: Scores,
    answers: Answers,
    q: Questionnaire,
    language: str,
    sources: Sources | None = None,
    writer: Writer | None = None,
) -> tuple[list[Recommendation], bool]:
    """Recommendations, lowest-scoring area first; and whether every area was already strong.

    Areas below ``recommend.below`` qualify (at most ``recommend.max``); when none does, the
    lowest area gets one "keep it up" recommendation. Ties keep the framework's order
    (components before factor groups).
    """
    language = check_language(language)
    cfg = q.config.recommend
    fw = q.framework
    order = {a.id: n for n, a in enumerate(q.areas)}
    scored = sorted((a for a in scores.areas if a.mean is not None), key=lambda a: (a.mean, order[a.id]))
    chosen = [a for a in scored if a.mean < cfg.below][: cfg.max]
    all_strong = not chosen
    if all_strong:
        chosen = scored[:1]
    out: list[Recommendation] = []
    for rank, s in enumerate(chosen, start=1):
        area = q.area(s.id)
        assert s.mean is not None
        if s.kind is AreaKind.COMPONENT:
            linked = [fw.component(s.id)]
            purpose = linked[0].purpose.get(language)
            query = f"{area.name(language)}: {purpose}"
        else:
            ids = q.config.factor_components[s.id]
            # the weakest linked component first: that is where the factor's work is stuck
            ids = sorted(
                ids,
                key=lambda c: (scores.area(c).mean if scores.area(c).mean is not None else 9, ids.index(c)),
            )
            linked = [fw.component(c) for c in ids]
            purpose = fw.success_factor(s.id).indicators.get(language)[0]
            query = f"{q.text('kind_factor', language)} {area.name(language)}: {purpose}"
        component_ids = {c.id for c in linked}
        if s.kind is AreaKind.COMPONENT:
            actions = linked[0].activities.get(language)[: cfg.actions]
        else:  # one activity of each carrying component in turn, each named with its component
            groups = [[f"{a} ({c.name.get(language)})" for a in c.activities.get(language)] for c in linked]
            actions = _round_robin(groups, cfg.actions + 1)
        challenges = [ch for ch in fw.challenges if component_ids & set(ch.components)]
        mitigations = _round_robin(
            [[f"{m} ({ch.name.get(language)})" for m in ch.mitigations.get(language)] for ch in challenges],
            cfg.mitigations,
        )
        evidence = _round_robin([c.evidence.get(language) for c in linked], 3)
        answered = [(i, answers.scores[i.id]) for i in area.indicators if i.id in answers.scores]
        answered.sort(key=lambda pair: pair[1])
        weak = [(i.id, i.text(language), v) for i, v in answered if v < cfg.below][:3] or [
            (i.id, i.text(language), v) for i, v in answered[:1]
        ]
        rec = Recommendation(
            rank=rank,
            area_id=s.id,
            kind=s.kind,
            name=area.name(language),
            mean=s.mean,
            percent=q.scale.percent(s.mean),
            level=q.band(s.mean, language),
            purpose=purpose,
            via_components=[c.name.get(language) for c in linked] if s.kind is AreaKind.FACTOR else [],
            weak=weak,
            actions=actions,
            mitigations=mitigations,
            evidence=evidence,
            citations=_cite(sources, query, language),
        )
        if writer is not None and writer.enabled and sources is not None and rank <= cfg.prose_for:
            facts = [
                q.text("rec_headline", language, **_headline_values(q, rec, language)),
                *[t for _, t, _ in weak],
                *actions,
            ]
            rec.prose = writer.paragraph(
                q.text("prose_task", language, name=rec.name, mean=f"{rec.mean:.2f}"),
                facts,
                sources,
                rec.citations,
            )
        out.append(rec)
    return out, all_strong


def _headline_values(q: Questionnaire, rec: Recommendation, language: str) -> dict[str, str]:
    return {
        "kind": q.kind_name(rec.kind, language),
        "name": rec.name,
        "mean": f"{rec.mean:.2f}",
        "percent": f"{rec.percent:.0f}",
        "level": rec.level,
    }


# ------------------------------------------------------------------------------ the result


@dataclass
class HealthResult:
    """One assessment: answers, scores, recommendations with citations, and progress when compared."""

    questionnaire: Questionnaire
    language: str
    answers: Answers
    scores: Scores
    recommendations: list[Recommendation]
    all_strong: bool
    citations: list[Citation]
    label: str = ""
    backend: str = "none"
    progress: Progress | None = None
    notes: list[str] = field(default_factory=list)
    saved_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        q, lang = self.questionnaire, self.language
        scores = self.scores.to_json()
        for area in scores["areas"]:
            area["name"] = q.area(area["id"]).name(lang)
            area["level"] = None if area["mean"] is None else q.band(area["mean"], lang)
        return {
            "label": self.label,
            "language": lang,
            "questionnaire_version": q.version,
            "backend": self.backend,
            "saved_id": self.saved_id,
            "scores": scores,
            "answers": self.answers.to_json(),
            "recommendations": [r.to_json() for r in self.recommendations],
            "all_strong": self.all_strong,
            "progress": self.progress.to_json() if self.progress else None,
            "citations": [
                {
                    "n": c.n,
                    "source": c.source,
                    "page": c.page,
                    "title": c.title,
                    "chunk_id": c.chunk_id,
                    "text": c.text,
                }
                for c in self.citations
            ],
            "notes": self.notes,
        }


def run_assessment(
    answers: Answers,
    q: Questionnaire | None = None,
    *,
    language: str = "th",
    ctx: DraftContext | None = None,
    previous: SavedAssessment | None = None,
    label: str = "",
) -> HealthResult:
    """Score ``answers``, build the recommendations (citations and prose from ``ctx`` when given), compare.

    Without ``ctx`` there are no citations and no prose: the scores and framework actions only.
    """
    q = q or load_questionnaire()
    language = check_language(language)
    if ctx is not None and ctx.language != language:
        raise ValueError(f"the draft context is in {ctx.language!r}, the assessment in {language!r}")
    scores = score(answers, q)
    sources = ctx.sources if ctx is not None else None
    writer = ctx.writer if ctx is not None else None
    recs, all_strong = recommend(scores, answers, q, language, sources, writer)
    return HealthResult(
        questionnaire=q,
        language=language,
        answers=answers,
        scores=scores,
        recommendations=recs,
        all_strong=all_strong,
        citations=sources.citations if sources is not None else [],
        label=label,
        backend=writer.backend if writer is not None else "none",
        progress=compare(scores, previous) if previous is not None else None,
        notes=[*(ctx.notes if ctx else []), *(writer.notes if writer else [])],
    )


# ------------------------------------------------------------------------------ charts


def chart_axes(q: Questionnaire, language: str, *, png: bool = False) -> list[str]:
    """Axis labels (area names); for a PNG, English when no Thai font is installed."""
    from assistant.charts import can_render

    names = [a.name(language) for a in q.areas]
    if png and not can_render(names):
        return [a.name("en") for a in q.areas]
    return names


def chart_series(result: HealthResult) -> list[RadarSeries]:
    """The radar series: the earlier assessment (when compared) then this one."""
    from assistant.charts import RadarSeries

    q, lang = result.questionnaire, result.language
    series = []
    if result.progress is not None:
        p = result.progress
        name = p.previous_label or f"#{p.previous_id}"
        series.append(RadarSeries(f"{q.text('header_before', lang)}: {name}", [a.before for a in p.areas]))
    now = result.label or q.text("header_now", lang)
    series.append(
        RadarSeries(
            now if not result.progress else f"{q.text('header_now', lang)}: {now}",
            [result.scores.area(a.id).mean for a in q.areas],
        )
    )
    return series


def chart_png(result: HealthResult) -> bytes:
    """The radar chart as PNG bytes (matplotlib, Thai font when installed)."""
    from assistant.charts import can_render, radar_png

    q = result.questionnaire
    axes = chart_axes(q, result.language, png=True)
    series = chart_series(result)
    title = q.text("title", result.language)
    if not can_render([title, *(s.name for s in series)]):
        title = q.text("title", "en")
        series = [
            type(s)(s.name if can_render([s.name]) else f"#{n + 1}", s.values) for n, s in enumerate(series)
        ]
    return radar_png(axes, series, title=title, scale=(q.scale.min, q.scale.max))


def chart_figure(result: HealthResult) -> Any:
    """The radar chart as a plotly figure (for ``gr.Plot``)."""
    from assistant.charts import radar_figure

    q = result.questionnaire
    return radar_figure(
        chart_axes(q, result.language), chart_series(result), scale=(q.scale.min, q.scale.max)
    )


# ------------------------------------------------------------------------------ the report


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


def image_markdown(alt: str, ref: str) -> str:
    """The Markdown image line that references the chart (and marks where DOCX embeds it)."""
    return f"![{alt}]({ref})"


def report_draft(result: HealthResult, *, workspace: str = "", chart_ref: str | None = None) -> Draft:
    """The assessment as a :class:`Draft` (exports to DOCX/Markdown with :mod:`assistant.export`)."""
    q, lang = result.questionnaire, result.language
    t = lambda key, **v: q.text(key, lang, **v)  # noqa: E731
    s = result.scores
    sections: list[Section] = []

    summary: list[Block] = []
    if s.overall is not None:
        summary.append(
            Block.paragraph(
                t(
                    "summary",
                    mean=_fmt(s.overall),
                    percent=_fmt(s.percent(s.overall), 0),
                    level=q.band(s.overall, lang),
                    components=_fmt(s.components),
                    factors=_fmt(s.factors),
                    answered=s.answered,
                    total=s.total,
                )
            )
        )
    ranked = sorted((a for a in s.areas if a.mean is not None), key=lambda a: a.mean or 0)
    if ranked:
        top = [a for a in ranked if a.mean == ranked[-1].mean]
        low = [r.name for r in result.recommendations]
        items = [t("strongest", names=", ".join(q.area(a.id).name(lang) for a in top))]
        if low and not result.all_strong:
            items.append(t("weakest", names=", ".join(low)))
        summary.append(Block.bullets(items))
    if result.all_strong:
        summary.append(Block.note(t("all_strong", below=_fmt(q.config.recommend.below, 1))))
    sections.append(Section("summary", t("section_summary"), summary))

    header = [
        t("header_area"),
        t("header_mean"),
        t("header_percent"),
        t("header_level"),
        t("header_answered"),
    ]
    for kind, sid, title in (
        (AreaKind.COMPONENT, "components", t("section_components")),
        (AreaKind.FACTOR, "factors", t("section_factors")),
    ):
        rows = [
            [
                q.area(a.id).name(lang),
                _fmt(a.mean),
                _fmt(a.percent, 0),
                q.band(a.mean, lang) if a.mean is not None else t("no_score"),
                f"{a.answered}/{a.total}",
            ]
            for a in s.areas
            if a.kind is kind
        ]
        sections.append(Section(sid, title, [Block.table(header, rows)]))

    if chart_ref:
        sections.append(
            Section(
                "chart", t("section_chart"), [Block.paragraph(image_markdown(t("section_chart"), chart_ref))]
            )
        )

    if result.progress is not None:
        p = result.progress
        names = lambda deltas: ", ".join(f"{q.area(d.id).name(lang)} ({_signed(d.delta)})" for d in deltas)  # noqa: E731
        blocks = [
            Block.paragraph(
                t(
                    "progress_summary",
                    before=_fmt(p.overall.before),
                    now=_fmt(p.overall.now),
                    delta=_signed(p.overall.delta),
                    label=p.previous_label or f"#{p.previous_id}",
                    created=p.previous_created,
                )
            )
        ]
        changes = []
        if p.improved():
            changes.append(t("improved", names=names(p.improved())))
        if p.declined():
            changes.append(t("declined", names=names(p.declined())))
        if changes:
            blocks.append(Block.bullets(changes))
        blocks.append(
            Block.table(
                [t("header_area"), t("header_before"), t("header_now"), t("header_delta")],
                [[q.area(d.id).name(lang), _fmt(d.before), _fmt(d.now), _signed(d.delta)] for d in p.areas],
            )
        )
        sections.append(Section("progress", t("section_progress"), blocks))

    for rec in result.recommendations:
        blocks = [Block.paragraph(t("rec_headline", **_headline_values(q, rec, lang)))]
        blocks.append(Block.paragraph(t("rec_purpose", purpose=rec.purpose)))
        if rec.via_components:
            blocks.append(Block.paragraph(t("rec_via_components", names=", ".join(rec.via_components))))
        if rec.weak:
            blocks.append(Block.paragraph(f"{t('rec_weak')}:"))
            blocks.append(Block.bullets(t("score_item", text=text, score=v) for _, text, v in rec.weak))
        blocks.append(Block.paragraph(f"{t('rec_actions')}:"))
        blocks.append(Block.bullets(rec.actions))
        if rec.mitigations:
            blocks.append(Block.paragraph(f"{t('rec_mitigations')}:"))
            blocks.append(Block.bullets(rec.mitigations))
        if rec.evidence:
            blocks.append(Block.paragraph(t("rec_evidence", items="; ".join(rec.evidence))))
        if rec.citations:
            blocks.append(Block.paragraph(t("rec_sources", markers=Sources.marker(rec.citations))))
        else:
            blocks.append(Block.note(t("rec_no_sources")))
        if rec.prose:
            blocks.append(Block.paragraph(rec.prose, generated=True))
        sections.append(
            Section(f"rec-{rec.area_id}", t("section_recommendation", rank=rec.rank, name=rec.name), blocks)
        )

    if result.answers.skipped:
        items = [f"{iid}: {q.indicator(iid).text(lang)}" for iid in result.answers.skipped]
        sections.append(
            Section(
                "unanswered",
                t("section_unanswered"),
                [Block.paragraph(t("unanswered_intro")), Block.bullets(items)],
            )
        )
    sections.append(
        Section("method", t("section_method"), [Block.note(t("method", levels=q.levels_text(lang)))])
    )

    fields = {}
    if result.label:
        fields[t("field_label")] = result.label
    if workspace:
        fields[t("field_workspace")] = workspace
    if result.progress is not None:
        p = result.progress
        fields[t("field_compared")] = f"{p.previous_label or '#' + str(p.previous_id)} ({p.previous_created})"
    return Draft(
        kind="health",
        title=t("title"),
        language=lang,
        sections=sections,
        citations=list(result.citations),
        backend=result.backend,
        fields=fields,
        data=result.to_json(),
        notes=list(result.notes),
    )


def report_docx_bytes(draft: Draft, chart_png: bytes | None = None) -> bytes:
    """The report as DOCX (assistant.export), with the chart embedded where the Markdown image line is."""
    from assistant.export import to_docx_bytes

    data = to_docx_bytes(draft)
    if chart_png is None:
        return data
    from docx import Document
    from docx.shared import Inches

    doc = Document(io.BytesIO(data))
    embedded = False
    for para in doc.paragraphs:
        if para.text.startswith("![") and para.text.rstrip().endswith(")"):
            para.clear()
            para.add_run().add_picture(io.BytesIO(chart_png), width=Inches(6))
            embedded = True
            break
    if not embedded:  # no chart section: put it after the summary heading's section
        doc.add_picture(io.BytesIO(chart_png), width=Inches(6))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def export_report(draft: Draft, path: Path, chart_png: bytes | None = None) -> Path:
    """Write the report as .docx (chart embedded), .md (chart referenced) or .json; atomic."""
    from assistant.export import ExportFormat, render, write_atomic

    fmt = ExportFormat.from_path(Path(path))
    data = report_docx_bytes(draft, chart_png) if fmt is ExportFormat.DOCX else render(draft, fmt)
    return write_atomic(Path(path), data)


# ------------------------------------------------------------------------------ saved assessments


@dataclass(frozen=True)
class SavedAssessment:
    """A stored assessment: when, what it was called, its answers and scores."""

    id: int
    created: str
    label: str
    language: str
    answers: dict[str, Any]
    scores: Scores

    def to_json(self, *, full: bool = False) -> dict[str, Any]:
        data = {
            "id": self.id,
            "created": self.created,
            "label": self.label,
            "language": self.language,
            "overall": None if self.scores.overall is None else round(self.scores.overall, 4),
            "answered": self.scores.answered,
            "total": self.scores.total,
        }
        if full:
            data |= {"answers": self.answers, "scores": self.scores.to_json()}
        return data

    def title(self) -> str:
        """One line for lists and dropdowns: ``#3 ภาคเรียนที่ 1 · 2025-06-01 10:00 · 3.25``."""
        label = f" {self.label}" if self.label else ""
        return f"#{self.id}{label} · {self.created.replace('T', ' ')[:16]} · {_fmt(self.scores.overall)}"


class AssessmentStore:
    """The saved assessments of one workspace (``<workspace dir>/assessments.sqlite``)."""

    SCHEMA = """
        CREATE TABLE IF NOT EXISTS assessments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT 'th',
            answers TEXT NOT NULL,
            scores TEXT NOT NULL
        )
    """

    def __init__(self, path: Path) -> None:
        from assistant.storage import connect

        self.path = Path(path)
        with connect(self.path) as db:
            db.execute(self.SCHEMA)

    @classmethod
    def for_workspace(
        cls, settings: Settings, workspace: str, *, principal: Principal
    ) -> AssessmentStore:
        """The saved assessments of ``workspace``.

        WorkspaceAccessError is raised before the file is opened or created unless ``principal``
        may use ``workspace`` (the CLI passes :data:`assistant.workspaces.SYSTEM`).
        """
        from assistant.storage import workspace_dir
        from assistant.workspaces import require_access

        require_access(principal, workspace, settings=settings)
        return cls(workspace_dir(settings, workspace) / DB_NAME)

    def save(self, result: HealthResult, label: str | None = None) -> SavedAssessment:
        """Store ``result`` (its ``label`` unless one is given); sets ``result.saved_id``."""
        from assistant.storage import connect

        label = (label if label is not None else result.label).strip()
        created = datetime.now().isoformat(timespec="seconds")
        answers = json.dumps(result.answers.to_json(), ensure_ascii=False)
        scores = json.dumps(result.scores.to_json(), ensure_ascii=False)
        with connect(self.path) as db:
            cur = db.execute(
                "INSERT INTO assessments (created, label, language, answers, scores) VALUES (?, ?, ?, ?, ?)",
                (created, label, result.language, answers, scores),
            )
            new_id = int(cur.lastrowid or 0)
        result.saved_id = new_id
        if label:
            result.label = label
        return self.get(new_id)

    def list(self) -> list[SavedAssessment]:
        """Every saved assessment, newest first."""
        from assistant.storage import open_db

        conn = open_db(self.path)
        try:
            rows = conn.execute("SELECT * FROM assessments ORDER BY id DESC").fetchall()
        finally:
            conn.close()
        return [self._row(r) for r in rows]

    def get(self, ref: int | str) -> SavedAssessment:
        """An assessment by id, or ``"latest"``; a ValueError naming the saved ids otherwise."""
        saved = self.list()
        if isinstance(ref, str) and ref.strip().lower() == "latest":
            if not saved:
                raise ValueError("no saved assessment in this workspace yet: nothing to compare with")
            return saved[0]
        try:
            wanted = int(str(ref).lstrip("#"))
        except ValueError:
            raise ValueError(f"{ref!r} is not an assessment id (a number, or 'latest')") from None
        for item in saved:
            if item.id == wanted:
                return item
        ids = ", ".join(str(s.id) for s in saved) or "none yet"
        raise ValueError(f"no saved assessment #{wanted}; saved ids: {ids}")

    @staticmethod
    def _row(row: Any) -> SavedAssessment:
        return SavedAssessment(
            id=int(row["id"]),
            created=row["created"],
            label=row["label"],
            language=row["language"],
            answers=json.loads(row["answers"]),
            scores=Scores.from_json(json.loads(row["scores"])),
        )


def answer_mapping(saved: SavedAssessment) -> dict[str, Any]:
    """A saved assessment's answers as an answers mapping (scores, and "not sure" for the skipped)."""
    data: dict[str, Any] = dict(saved.answers.get("scores", {}))
    data.update({iid: "not sure" for iid in saved.answers.get("not_sure", [])})
    return data
