"""Form validation reports every problem at once, each naming its field."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from assistant.drafting.forms import FormError, FormProblem, parse_form


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    duration_months: int

    @field_validator("duration_months")
    @classmethod
    def _months(cls, value: int) -> int:
        if not 1 <= value <= 36:
            raise ValueError("duration must be 1–36 months")
        return value


def test_every_problem_is_listed_with_its_field() -> None:
    with pytest.raises(FormError) as info:
        parse_form(Form, {"duration_months": 48, "colour": "blue"})
    assert info.value.problems == [
        "name: is required",
        "duration_months: duration must be 1–36 months",
        "colour: is not a field of this form",
    ]
    assert "duration must be 1–36 months" in str(info.value)


def test_valid_forms_and_non_mappings() -> None:
    form = parse_form(Form, {"name": "เครือข่าย", "duration_months": 12})
    assert parse_form(Form, form) is form
    with pytest.raises(FormError, match="expected a mapping of fields, got list"):
        parse_form(Form, ["not", "a", "form"])  # type: ignore[arg-type]


class Dates(BaseModel):
    start: int
    end: int

    @model_validator(mode="after")
    def _order(self) -> Dates:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


def test_problems_are_typed_a_whole_form_one_without_a_field() -> None:
    with pytest.raises(FormError) as info:
        parse_form(Dates, {"start": 5, "end": 1})
    assert info.value.found == [FormProblem(None, "end is before start")]
    assert info.value.problems == ["form: end is before start"]  # the text the CLI lists
    with pytest.raises(FormError) as info:
        parse_form(Form, {"name": "x", "duration_months": 0})
    assert info.value.found == [FormProblem("duration_months", "duration must be 1–36 months")]
    with pytest.raises(FormError) as info:
        parse_form(Form, "not a form")  # type: ignore[arg-type]
    assert info.value.found[0].field is None


def test_a_problem_given_as_text_keeps_its_text() -> None:
    error = FormError(["answers: expected a mapping", FormProblem("name", "is required")])
    assert error.problems == ["answers: expected a mapping", "name: is required"]
    assert error.found[0] == FormProblem(None, "answers: expected a mapping")
