"""The YAML file of the health check: ``prompts/health.yaml`` read into checked pydantic models.

Holds the answer scale, the bands that name a mean, the recommendation settings, the statements
per framework component and the report wording; :mod:`assistant.assess.questionnaire` checks it
against the framework and builds the questionnaire from it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from assistant.drafting.engine import PROMPTS_DIR, check_language

HEALTH_FILE = PROMPTS_DIR / "health.yaml"
STATEMENTS_PER_COMPONENT = (3, 4)
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
