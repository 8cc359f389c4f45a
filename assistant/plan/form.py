"""The plan form: network, lead, members, needs, goals, months, budget; every problem listed at once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from assistant.drafting.dates import month_value
from assistant.drafting.forms import FormError, FormProblem, describe
from assistant.plan.members import Member, resolve_member
from assistant.plan.partners import PartnerBook, partners_from_csv
from assistant.plan.wording import plan_text

if TYPE_CHECKING:
    pass

MAX_MONTHS = 36


class BudgetLevel(StrEnum):
    NONE = "none"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


def _as_list(value: Any) -> Any:
    """A list field given as one string: one item per line (or per ';')."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[\n;]+", value) if part.strip()]
    return value


def _next_month() -> str:
    today = date.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"


class PlanForm(BaseModel):
    """The plan form. Validate with :func:`parse_plan_form` (or ``forms.parse_form``) to get every problem.

    ``members`` items are names, ``"name | type"``, ``{name, type}`` or partner ids (``P012``),
    resolved from the workspace's partner registry. ``needs`` may also be given as ``problems``.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    network_name: str
    lead_organisation: Member
    members: list[Member]
    needs: list[str] = Field(validation_alias=AliasChoices("needs", "problems"))
    goals: list[str]
    duration_months: int
    start_month: str = Field(default_factory=_next_month)
    budget_min: float | None = None
    budget_max: float | None = Field(default=None, validate_default=True)
    budget: BudgetLevel | None = Field(default=None, validate_default=True)
    focus_area: str = ""
    language: str = "th"

    @field_validator("network_name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("give the network a name")
        return value

    @field_validator("lead_organisation", mode="before")
    @classmethod
    def _lead(cls, value: Any, info: ValidationInfo) -> Member:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("name the lead organisation (a name or a partner id such as P016)")
        return resolve_member(value, _book(info))

    @field_validator("members", mode="before")
    @classmethod
    def _members(cls, value: Any, info: ValidationInfo) -> list[Member]:
        items = _as_list(value)
        if not isinstance(items, list):
            raise ValueError("give a list of member organisations (names or partner ids)")
        book = _book(info)
        problems: list[str] = []
        members: list[Member] = []
        for i, item in enumerate(items, start=1):
            try:
                members.append(resolve_member(item, book))
            except ValueError as exc:
                problems.append(f"item {i} ({str(item)[:60]!r}): {exc}")
        seen: dict[str, str] = {}
        for member in members:
            shown = member.name("th")
            for key in member.identity():
                if key in seen:
                    problems.append(f"{shown!r} is listed more than once")
                    break
            for key in member.identity():
                seen[key] = shown
        if problems:
            raise ValueError("; ".join(dict.fromkeys(problems)))
        lead = info.data.get("lead_organisation")
        others = [m for m in members if not (lead is not None and m.identity() & lead.identity())]
        if not members:
            raise ValueError("list at least one member organisation (a name or a partner id such as P012)")
        if not others:
            raise ValueError("a network needs at least one member besides the lead organisation")
        return members

    @field_validator("needs", "goals", mode="before")
    @classmethod
    def _lists(cls, value: Any, info: ValidationInfo) -> Any:
        items = _as_list(value)
        if isinstance(items, list):
            items = [str(i).strip() for i in items if str(i).strip()]
            if not items:
                what = "problem or need" if info.field_name == "needs" else "goal"
                raise ValueError(f"give at least one {what}")
        return items

    @field_validator("duration_months")
    @classmethod
    def _months(cls, value: int) -> int:
        if not 1 <= value <= MAX_MONTHS:
            raise ValueError(f"duration must be 1–{MAX_MONTHS} months")
        return value

    @field_validator("start_month", mode="before")
    @classmethod
    def _start(cls, value: Any) -> str:
        """``YYYY-MM`` of a month typed the Thai or English way: ``พ.ค. 2568``, ``5/2568``, ``May 2025``."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return _next_month()
        year, month = month_value(value)
        return f"{year:04d}-{month:02d}"

    @field_validator("budget_min", "budget_max")
    @classmethod
    def _amount(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and value < 0:
            raise ValueError("a budget cannot be negative")
        if info.field_name == "budget_max":
            low = info.data.get("budget_min")
            if (low is None) != (value is None) and "budget_min" in info.data:
                raise ValueError("give both budget_min and budget_max, or neither")
            if low is not None and value is not None and low > value:
                raise ValueError(f"budget_min ({low:,.0f}) is more than budget_max ({value:,.0f})")
        return value

    @field_validator("budget")
    @classmethod
    def _level(cls, value: BudgetLevel | None, info: ValidationInfo) -> BudgetLevel | None:
        low, high = info.data.get("budget_min"), info.data.get("budget_max")
        if value is not None and low is not None and high is not None:
            implied = budget_level(low, high)
            if implied is not value:
                raise ValueError(
                    f"budget {value.value!r} contradicts budget_min/budget_max ({low:,.0f}–{high:,.0f}), "
                    f"which is {implied.value!r}; give one or make them agree"
                )
        return value

    @field_validator("focus_area", mode="before")
    @classmethod
    def _focus(cls, value: Any) -> str:
        return "" if value is None else str(value)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str:
        code = str(value or "th").strip().lower()
        if code not in ("th", "en"):
            raise ValueError(f"language must be th or en (got {value!r})")
        return code

    @property
    def budget_level(self) -> BudgetLevel | None:
        if self.budget is not None:
            return self.budget
        if self.budget_min is not None and self.budget_max is not None:
            return budget_level(self.budget_min, self.budget_max)
        return None


def budget_level(low: float, high: float) -> BudgetLevel:
    """The level of a baht range, by its upper bound (thresholds in prompts/plan.yaml)."""
    if high <= 0:
        return BudgetLevel.NONE
    text = plan_text()["budget"]
    if high <= float(text["small_max"]):
        return BudgetLevel.SMALL
    if high <= float(text["medium_max"]):
        return BudgetLevel.MEDIUM
    return BudgetLevel.LARGE


def _book(info: ValidationInfo) -> PartnerBook:
    context = info.context or {}
    book = context.get("partners") if isinstance(context, Mapping) else None
    return book if isinstance(book, PartnerBook) else _default_book()


@cache
def _default_book() -> PartnerBook:
    return partners_from_csv()


def parse_plan_form(
    data: Mapping[str, Any] | PlanForm,
    *,
    partners: PartnerBook | None = None,
) -> PlanForm:
    """Validate a plan form; raises :class:`FormError` listing every problem, one per field.

    Partner ids resolve from ``partners`` (a workspace's: :func:`workspace_partners`, which
    checks the caller's access), else the starter ``corpus/partners.csv``.
    """
    if isinstance(data, PlanForm):
        return data
    if not isinstance(data, Mapping):
        raise FormError([FormProblem(None, f"expected a mapping of fields, got {type(data).__name__}")])
    try:
        return PlanForm.model_validate(dict(data), context={"partners": partners or _default_book()})
    except ValidationError as exc:
        raise FormError(describe(exc)) from None
