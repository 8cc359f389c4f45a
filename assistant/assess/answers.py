"""Answers to the questionnaire: scores by statement id, "not sure", blanks; checked all at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant.assess.health_file import Scale
from assistant.assess.questionnaire import Questionnaire
from assistant.drafting.forms import FormError


class AnswerError(FormError):
    """Answers with problems: unknown ids, scores out of range, missing answers (all listed at once)."""


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
