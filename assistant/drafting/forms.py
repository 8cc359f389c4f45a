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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


WHOLE_FORM = "form"
"""What a whole-form problem's text names instead of a field (``form: …`` in the CLI's list)."""


@dataclass(frozen=True)
class FormProblem:
    """One problem of a form as validation found it: the field it is about and what is wrong (English).

    ``field`` is the field's dotted path (``parties.1.name``), or None when the problem is the
    form's as a whole (dates and parties that disagree, a form that is not a mapping); a UI
    branches on it to name the field or not. ``str()`` is the text the CLI lists:
    ``duties: …`` or ``form: …``.
    """

    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field or WHOLE_FORM}: {self.message}"


class FormError(ValueError):
    """A form with problems; ``problems`` lists one message per field (English text, as the CLI prints it).

    ``found`` holds the same problems typed (:class:`FormProblem`); a problem given as plain text
    keeps that text whole as its message, with no field.
    """

    def __init__(self, problems: Sequence[FormProblem | str]) -> None:
        self.problems = [str(p) for p in problems]
        self.found = [p if isinstance(p, FormProblem) else FormProblem(None, p) for p in problems]
        super().__init__("; ".join(self.problems))


def describe(error: ValidationError) -> list[FormProblem]:
    """One problem per validation error, naming its field (``field.sub``; None for the whole form)."""
    found = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or None
        message = str(item["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if item["type"] == "missing":
            message = "is required"
        elif item["type"] == "extra_forbidden":
            message = "is not a field of this form"
        found.append(FormProblem(where, message))
    return found


def parse_form(model: type[M], data: Mapping[str, Any] | M) -> M:
    """Validate ``data`` as ``model``; raises :class:`FormError` listing every problem."""
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise FormError([FormProblem(None, f"expected a mapping of fields, got {type(data).__name__}")])
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise FormError(describe(exc)) from None
