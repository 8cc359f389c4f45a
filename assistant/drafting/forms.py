"""Form input for the tools: pydantic models in, specific messages out.

Usage:
    >>> class PlanForm(BaseModel):
    ...     duration_months: int
    ...     @field_validator("duration_months")
    ...     @classmethod
    ...     def _months(cls, v: int) -> int:
    ...         if not 1 <= v <= 36:
    ...             raise ValueError("duration must be 1–36 months")
    ...         return v
    >>> parse_form(PlanForm, {"duration_months": 48})
    Traceback (most recent call last):
    FormError: duration_months: duration must be 1–36 months

Every problem of a form is reported at once, each naming its field, so a user fixes the
form in one go. The CLI reads forms from YAML (``assistant.clikit.read_form``); the UI
builds the same mapping from its inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class FormError(ValueError):
    """A form with problems; ``problems`` lists one message per field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def describe(error: ValidationError) -> list[str]:
    """One readable message per validation error: ``field.sub: message``."""
    messages = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "form"
        message = str(item["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if item["type"] == "missing":
            message = "is required"
        elif item["type"] == "extra_forbidden":
            message = "is not a field of this form"
        messages.append(f"{where}: {message}")
    return messages


def parse_form(model: type[M], data: Mapping[str, Any] | M) -> M:
    """Validate ``data`` as ``model``; raises :class:`FormError` listing every problem."""
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise FormError([f"form: expected a mapping of fields, got {type(data).__name__}"])
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise FormError(describe(exc)) from None
