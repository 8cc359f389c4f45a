"""Form validation reports every problem at once, each naming its field."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, field_validator

from assistant.drafting.forms import FormError, parse_form


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
