"""``corpus/templates/workshop.yaml`` as checked models (segments, breaks, checks, wording)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from assistant.datafiles import load_yaml
from assistant.phrases import Phrase as _Phrase
from assistant.phrases import Text as _Text
from assistant.settings import DEFAULT_CORPUS_DIR, WORKSHOP_TEMPLATE_FILE

TEMPLATE_PATH = DEFAULT_CORPUS_DIR / WORKSHOP_TEMPLATE_FILE
"""The starter corpus's file; the loader reads the settings' corpus_dir (the same file by default)."""


class _Texts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    th: list[str]
    en: list[str]

    def get(self, language: str) -> list[str]:
        return self.th if language == "th" else self.en


class SegmentTemplate(BaseModel):
    """One kind of agenda segment (opening, icebreaker, input, hands-on, …) as the template gives it."""

    model_config = ConfigDict(extra="forbid")
    id: str
    mandatory: bool = True
    from_minutes: int = 0
    per_goal: bool = False
    share: float = Field(gt=0)
    min_minutes: int = Field(ge=5)
    title: _Text
    activity: _Text
    facilitation: _Texts
    materials: _Texts


class _BreakRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_minutes: int
    breaks: list[str]


class _BreakKind(BaseModel):
    model_config = ConfigDict(extra="forbid")
    minutes: int = Field(ge=5)
    title: _Text


class _Checks(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scale: _Text
    topic_items: _Texts
    goal_item: _Text
    pre_questions: _Texts
    post_questions: _Texts
    fact_item: _Text


class _Level(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: int
    name: _Text
    items: _Texts


class _Evaluation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scale: _Text
    levels: list[_Level]
    open_questions: _Texts
    privacy: _Text


class _Wording(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Headings(_Wording):
    """The draft's section titles."""

    overview: _Phrase
    objectives: _Phrase
    agenda: _Phrase
    activities: _Phrase
    materials: _Phrase
    checks: _Phrase
    evaluation: _Phrase


class _DraftText(_Wording):
    """The draft's fixed labels, table headers and sentences (``text:``)."""

    title: _Phrase
    field_topic: _Phrase
    field_audience: _Phrase
    field_duration: _Phrase
    field_start: _Phrase
    duration_value: _Phrase
    overview: _Phrase
    audience_default: _Phrase
    no_break: _Phrase
    one_break: _Phrase
    many_breaks: _Phrase
    timing: _Phrase
    default_goal: _Phrase
    objectives_lead: _Phrase
    no_goals: _Phrase
    column_time: _Phrase
    column_minutes: _Phrase
    column_segment: _Phrase
    column_activity: _Phrase
    agenda_total: _Phrase
    techniques: _Phrase
    activity_label: _Phrase
    checks_lead: _Phrase
    column_item: _Phrase
    column_before: _Phrase
    column_after: _Phrase
    pre_questions: _Phrase
    post_questions: _Phrase
    fact_questions: _Phrase
    no_facts: _Phrase
    evaluation_lead: _Phrase
    column_level: _Phrase
    column_statement: _Phrase
    column_rating: _Phrase
    open_questions: _Phrase


class _Tasks(_Wording):
    """What the language model is asked to write (its optional paragraphs)."""

    overview: _Phrase


class FaqText(_Wording):
    """The wording of a workshop session's FAQ draft (``faq:``, used by :mod:`assistant.sessions`)."""

    title: _Phrase
    field_session: _Phrase
    field_trainer: _Phrase
    field_code: _Phrase
    field_questions: _Phrase
    asked: _Phrase
    answer: _Phrase
    not_answered: _Phrase
    empty_title: _Phrase
    empty_note: _Phrase


class WorkshopTemplate(BaseModel):
    """``corpus/templates/workshop.yaml``, validated."""

    model_config = ConfigDict(extra="forbid")
    rounding_minutes: int = 5
    segments: list[SegmentTemplate]
    breaks: list[_BreakRule]
    break_kinds: dict[str, _BreakKind]
    checks: _Checks
    evaluation: _Evaluation
    queries: dict[str, _Text]
    headings: _Headings
    text: _DraftText
    tasks: _Tasks
    faq: FaqText

    def break_plan(self, total: int) -> list[str]:
        """The break kinds for a workshop of ``total`` minutes (the rule with the largest threshold met)."""
        rules = [r for r in self.breaks if total >= r.from_minutes]
        return list(max(rules, key=lambda r: r.from_minutes).breaks) if rules else []


def load_template(path: Path | None = None) -> WorkshopTemplate:
    """The workshop template (``<corpus_dir>/templates/workshop.yaml`` by default, cached); a clear error
    naming the file and the field when it is wrong."""
    if path is None:
        from assistant.settings import get_settings

        path = get_settings().workshop_template_path
    return _load_template(Path(path))


@cache
def _load_template(path: Path) -> WorkshopTemplate:
    from pydantic import ValidationError

    from assistant.drafting.forms import describe

    if not Path(path).is_file():
        raise ValueError(f"workshop template not found: {path}")
    try:
        template = WorkshopTemplate.model_validate(load_yaml(path))
    except ValidationError as exc:
        raise ValueError(f"{path}: {'; '.join(map(str, describe(exc)))}") from None
    unknown = {b for r in template.breaks for b in r.breaks} - set(template.break_kinds)
    if unknown:
        raise ValueError(f"{path}: unknown break kinds {sorted(unknown)}")
    step = template.rounding_minutes
    if any(s.min_minutes % step for s in template.segments) or any(
        b.minutes % step for b in template.break_kinds.values()
    ):
        raise ValueError(f"{path}: segment minimums and breaks must be multiples of {step} minutes")
    return template
