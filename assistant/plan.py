"""The Plan builder: a network plan from a short form, built on the framework and cited from the index.

Usage:
    >>> from assistant.drafting import draft_context
    >>> from assistant.plan import draft_plan, parse_plan_form, stream_plan
    >>> form = parse_plan_form(
    ...     {"network_name": "เครือข่ายโรงเรียนขนาดเล็กโป่งน้ำร้อน", "lead_organisation": "P016",
    ...      "members": ["P001", "P002", "อบต.ทับไทร"], "needs": ["ขาดครูคอมพิวเตอร์"],
    ...      "goals": ["นักเรียนมีทักษะดิจิทัลพื้นฐาน"], "duration_months": 12, "start_month": "2025-05"},
    ...     partners=workspace_partners(settings, "default", principal=SYSTEM))  # the workspace registry
    >>> ctx = draft_context(settings, "default", form.language, llm=False, principal=SYSTEM)
    >>> draft = draft_plan(form, ctx)                         # or: for event in stream_plan(form, ctx)
    >>> draft.data["components"][0]["id"], draft.problems()
    ('shared-vision-goals', [])

The skeleton is deterministic: every component's activities, evidence and KPIs, the build
steps, the PDCA stages and the challenges come from ``corpus/framework/framework.yaml``;
the calendar, the PDCA dates, the role assignment and the risk choice are computed from
the form; headings and fixed sentences are data in ``prompts/plan.yaml``. Each section asks
the index for passages (``ctx.sources.find``) and cites them; the model (when on) adds at
most one short, checked paragraph per section. With no model the plan is still complete.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
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

from assistant.drafting import PROMPTS_DIR, Block, DraftEventKind, SectionSpec, Sources, stream_draft
from assistant.forms import FormError, describe

if TYPE_CHECKING:
    from assistant.drafting import Draft, DraftContext, DraftEvent
    from assistant.knowledge import Component, Framework
    from assistant.partners.registry import Registry
    from assistant.settings import Settings
    from assistant.workspaces import Principal

PLAN_PROMPTS = PROMPTS_DIR / "plan.yaml"
CORPUS_PARTNERS = Path(__file__).resolve().parent.parent / "corpus" / "partners.csv"
MAX_MONTHS = 36
PARTNER_ID = re.compile(r"^[Pp]\d{3,}$")
GROUPS: tuple[str, ...] = ("school", "university", "local_government", "business", "community")
"""The kinds of member the plan assigns duties to (see ``role_groups`` in prompts/plan.yaml)."""


# ------------------------------------------------------------------------------ fixed wording


@cache
def plan_text() -> dict[str, Any]:
    """``prompts/plan.yaml``, read once; a clear error when it is missing."""
    import yaml

    if not PLAN_PROMPTS.is_file():
        raise ValueError(f"the plan wording file is missing: {PLAN_PROMPTS}")
    return yaml.safe_load(PLAN_PROMPTS.read_text(encoding="utf-8")) or {}


def phrase(path: str, language: str, **values: Any) -> Any:
    """The entry at dotted ``path`` of prompts/plan.yaml in ``language``, with placeholders filled.

    >>> phrase("sections.component", "en", n=1, name="Stakeholders")
    'Component 1: Stakeholders'
    """
    node: Any = plan_text()
    for part in path.split("."):
        try:
            node = node[part]
        except (KeyError, TypeError):
            raise KeyError(f"no entry {path!r} in {PLAN_PROMPTS.name}") from None
    if isinstance(node, dict) and language in node:
        node = node[language]
    if isinstance(node, str) and values:
        return node.format(**values)
    return node


# ------------------------------------------------------------------------------ partners


@dataclass(frozen=True)
class PartnerInfo:
    """What the plan needs of a registered partner: its id, names and registry type."""

    id: str
    name_th: str
    name_en: str
    type: str

    def name(self, language: str) -> str:
        first, second = (self.name_en, self.name_th) if language == "en" else (self.name_th, self.name_en)
        return first or second or self.id


@dataclass(frozen=True)
class PartnerBook:
    """Partners by id, and where they were read from (named in error messages)."""

    partners: dict[str, PartnerInfo]
    origin: str

    def get(self, partner_id: str) -> PartnerInfo | None:
        return self.partners.get(partner_id.upper())


def partners_from_csv(path: Path = CORPUS_PARTNERS) -> PartnerBook:
    """The partners of a CSV with the columns of ``corpus/partners.csv`` (id, name_th, name_en, type)."""
    if not Path(path).is_file():
        return PartnerBook({}, str(path))
    with Path(path).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    found = {
        row["id"].strip().upper(): PartnerInfo(
            row["id"].strip().upper(),
            (row.get("name_th") or "").strip(),
            (row.get("name_en") or "").strip(),
            (row.get("type") or "").strip().lower(),
        )
        for row in rows
        if (row.get("id") or "").strip()
    }
    return PartnerBook(found, Path(path).name)


def _registry(settings: Settings, workspace: str, principal: Principal) -> Registry | None:
    """The workspace's partner registry if it exists (reading never creates one), after the access check."""
    from assistant.partners.registry import Registry
    from assistant.workspaces import require_access
    from ingest.records import check_workspace

    require_access(principal, workspace, settings=settings)
    registry_file = Path(settings.data_dir) / "workspaces" / check_workspace(workspace) / "partners.sqlite"
    return Registry(registry_file) if registry_file.is_file() else None


def workspace_partners(settings: Settings, workspace: str, *, principal: Principal) -> PartnerBook:
    """The workspace's partner registry when it has partners, else the starter ``partners.csv``.

    The ``principal`` must be allowed to use ``workspace`` (WorkspaceAccessError).
    """
    registry = _registry(settings, workspace, principal)
    if registry is not None and registry.count():
        found = {
            p.id.upper(): PartnerInfo(p.id.upper(), p.name_th, p.name_en, str(p.type.value))
            for p in registry.all()
        }
        return PartnerBook(found, f"the partner registry of workspace {workspace!r}")
    return partners_from_csv(Path(settings.corpus_dir) / "partners.csv")


def chosen_partners(settings: Settings, workspace: str, *, principal: Principal) -> list[str]:
    """Partner ids chosen for the plan in the Partners tab (empty when there is no registry)."""
    registry = _registry(settings, workspace, principal)
    return list(registry.plan_members()) if registry is not None else []


# ------------------------------------------------------------------------------ the form


class BudgetLevel(StrEnum):
    NONE = "none"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Member(BaseModel):
    """A member organisation after resolution: its names, partner id (when registered) and kind."""

    model_config = ConfigDict(frozen=True)

    name_th: str
    name_en: str = ""
    partner_id: str | None = None
    group: str
    type: str = ""

    def name(self, language: str) -> str:
        first, second = (self.name_en, self.name_th) if language == "en" else (self.name_th, self.name_en)
        return first or second or (self.partner_id or "")

    def identity(self) -> set[str]:
        """The strings that identify this organisation (for duplicate checks)."""
        found = {_norm(self.name_th), _norm(self.name_en)} - {""}
        if self.partner_id:
            found.add(self.partner_id.upper())
        return found


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def has_word(text: str, word: str) -> bool:
    """Whether ``word`` is in ``text`` (case-folded): a whole word in Latin script, a substring in Thai."""
    word = word.casefold().strip()
    if not word:
        return False
    if word.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text.casefold()) is not None
    return word in text.casefold()


def _as_list(value: Any) -> Any:
    """A list field given as one string: one item per line (or per ';')."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[\n;]+", value) if part.strip()]
    return value


def group_of_type(partner_type: str) -> str | None:
    """The plan's role group of a registry type (``lao`` → ``local_government``), or None."""
    wanted = partner_type.strip().lower()
    for group, spec in phrase("role_groups", "th").items():
        names = {group, _norm(spec["name"]["th"]), _norm(spec["name"]["en"]), *spec["types"]}
        if wanted in names or _norm(partner_type) in names:
            return group
    return None


def group_of_name(name: str) -> str:
    """The role group suggested by the words of a free-text organisation name."""
    text = _norm(name)
    for group, spec in phrase("role_groups", "th").items():
        if any(has_word(text, word) for word in spec["keywords"]):
            return group
    return str(plan_text()["default_group"])


def resolve_member(item: Any, book: PartnerBook) -> Member:
    """One member entry → :class:`Member`: a partner id, ``"name"``, ``"name | type"`` or a mapping.

    Raises ValueError with the reason (unknown partner id, unknown type, empty name).
    """
    if isinstance(item, Member):
        return item
    name, kind = "", ""
    if isinstance(item, Mapping):
        unknown = set(item) - {"name", "type", "id"}
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}; use name, type or id")
        name = str(item.get("id") or item.get("name") or "").strip()
        kind = str(item.get("type") or "").strip()
    elif isinstance(item, str):
        name, _, kind = (part.strip() for part in item.partition("|"))
    else:
        raise ValueError(f"expected a name or a partner id, got {type(item).__name__}")
    if not name:
        raise ValueError("the organisation name is empty")
    group = None
    if kind:
        group = group_of_type(kind)
        if group is None:
            raise ValueError(f"unknown type {kind!r}; use one of: {', '.join(GROUPS)}")
    if PARTNER_ID.match(name):
        partner = book.get(name)
        if partner is None:
            raise ValueError(f"no partner with id {name.upper()} in {book.origin}")
        return Member(
            name_th=partner.name_th,
            name_en=partner.name_en,
            partner_id=partner.id,
            group=group or group_of_type(partner.type) or group_of_name(partner.name_th),
            type=partner.type,
        )
    return Member(name_th=name, group=group or group_of_name(name))


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
        if value is None or value == "":
            return _next_month()
        if isinstance(value, date):
            return f"{value.year:04d}-{value.month:02d}"
        text = str(value).strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"start month must be YYYY-MM, e.g. 2025-05 (got {text!r})")
        year = int(match.group(1))
        if year > 2400:  # a Buddhist-Era year typed by habit
            raise ValueError(f"give the year as A.D. (e.g. {year - 543}-{int(match.group(2)):02d}), not B.E.")
        return f"{year:04d}-{int(match.group(2)):02d}"

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
        raise FormError([f"form: expected a mapping of fields, got {type(data).__name__}"])
    try:
        return PlanForm.model_validate(dict(data), context={"partners": partners or _default_book()})
    except ValidationError as exc:
        raise FormError(describe(exc)) from None


# ------------------------------------------------------------------------------ the plan record


@dataclass
class Month:
    """One month of the plan: its index (0-based), ISO ``YYYY-MM`` and the label shown."""

    index: int
    iso: str
    label: str


@dataclass
class Assignment:
    """Who owns part of a component: a role group (or the lead), its organisations and duty."""

    role: str
    organisations: list[str]
    duty: str


@dataclass
class Activity:
    """A framework activity placed on the calendar, with the evidence it should leave."""

    text: str
    phase: str
    months: list[str]
    evidence: str


@dataclass
class ComponentPlan:
    """The plan for one of the 7 components."""

    id: str
    name: str
    purpose: str
    needs: list[str]
    responsible: list[Assignment]
    activities: list[Activity]
    evidence: list[str]
    kpis: list[str]
    citations: list[int] = field(default_factory=list)


@dataclass
class TimelineMonth:
    """What happens in one month: build steps, activities (component id → text) and the PDCA stage."""

    month: str
    label: str
    steps: list[str]
    activities: list[dict[str, str]]
    pdca: str


@dataclass
class PdcaEntry:
    """One stage of one PDCA cycle with its months."""

    cycle: int
    stage: str
    name: str
    months: list[str]
    what: str
    framework_timing: str


@dataclass
class Risk:
    """A framework challenge chosen for this plan, why, and how to prevent it."""

    id: str
    name: str
    reasons: list[str]
    mitigations: list[str]
    components: list[str]
    owner: str
    citations: list[int] = field(default_factory=list)


@dataclass
class SuccessCheck:
    """The plan checked against one success-factor group."""

    id: str
    name: str
    plan_does: str
    covered: bool
    indicators: list[str]
    citations: list[int] = field(default_factory=list)


@dataclass
class PlanMember:
    """A member as the plan shows it."""

    name: str
    partner_id: str | None
    group: str
    group_name: str
    is_lead: bool


@dataclass
class Plan:
    """The structured plan (what ``--json`` prints under ``data``)."""

    network: str
    language: str
    lead: str
    members: list[PlanMember]
    needs: list[str]
    goals: list[str]
    focus: str
    budget: str
    start: str
    end: str
    duration_months: int
    vision: str
    components: list[ComponentPlan]
    timeline: list[TimelineMonth]
    pdca: list[PdcaEntry]
    risks: list[Risk]
    success: list[SuccessCheck]
    citations: dict[str, list[int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------------------ calendar


@dataclass(frozen=True)
class Calendar:
    """The plan's months and its phases (set-up, run window, PDCA cycles), computed from the form."""

    months: list[Month]
    setup: list[int]
    run: list[int]
    cadence: int
    cycles: list[tuple[int, int]]  # (first, last) month index of each PDCA cycle

    @property
    def last(self) -> int:
        return len(self.months) - 1

    def early(self) -> int:
        return min(len(self.setup), self.last)

    def middle(self) -> int:
        return self.run[len(self.run) // 2]

    def recurring(self) -> list[int]:
        return self.run[:: self.cadence]

    def checks(self) -> list[int]:
        found: list[int] = []
        for first, last in self.cycles:
            found += _cycle_checks(first, last)
        return found

    def stage_months(self, first: int, last: int, cycle_no: int) -> dict[str, list[int]]:
        """Months of plan/do/check/act within one cycle."""
        length = last - first + 1
        if length == 1:
            return {"plan": [first], "do": [first], "check": [first], "act": [first]}
        plan_len = len(self.setup) if cycle_no == 1 else 1
        plan_len = min(plan_len, length - 1)
        plan = list(range(first, first + plan_len))
        do = list(range(first + plan_len, last)) or [last]
        return {"plan": plan, "do": do, "check": _cycle_checks(first, last), "act": [last]}


def _cycle_checks(first: int, last: int) -> list[int]:
    length = last - first + 1
    if length <= 2:
        return [last]
    end_check = last - 1
    mid = first + (length - 1) // 2
    return sorted({mid, end_check}) if length >= 4 else [end_check]


def month_label(year: int, month: int, language: str) -> str:
    names = phrase("months", language)
    offset = int(phrase("year_offset", language))
    return phrase("month_format", language, month=names[month - 1], year=year + offset)


def make_calendar(start: str, months: int, language: str) -> Calendar:
    """The months from ``start`` (YYYY-MM) for ``months`` months, with phases fitted to the length."""
    year, month = (int(p) for p in start.split("-"))
    found = []
    for i in range(months):
        y, m = divmod(month - 1 + i, 12)
        found.append(Month(i, f"{year + y:04d}-{m + 1:02d}", month_label(year + y, m + 1, language)))
    setup_len = min(3, max(1, round(months / 6)))
    setup = list(range(min(setup_len, months)))
    run = list(range(setup_len, months - 1)) if months - setup_len >= 2 else [min(setup_len, months - 1)]
    cadence = 1 if months <= 6 else 2 if months <= 12 else 3
    cycles = [(c * 12, min(c * 12 + 11, months - 1)) for c in range(math.ceil(months / 12))]
    return Calendar(found, setup, run, cadence, cycles)


def phase_months(calendar: Calendar, phase: str) -> list[int]:
    """The month indexes of a named phase (setup, early, run, run_all, recurring, check, end)."""
    if phase == "setup":
        return calendar.setup
    if phase == "early":
        return [calendar.early()]
    if phase == "run":
        return [calendar.middle()]
    if phase == "run_all":
        return calendar.run
    if phase == "recurring":
        return calendar.recurring()
    if phase == "check":
        return calendar.checks()
    if phase == "end":
        return [calendar.last]
    raise ValueError(f"unknown phase {phase!r} in {PLAN_PROMPTS.name}")


def _labels(calendar: Calendar, indexes: Sequence[int], limit: int = 4) -> str:
    names = [calendar.months[i].label for i in dict.fromkeys(indexes)]
    if len(names) > limit:
        names = [*names[: limit - 1], "…", names[-1]]
    return ", ".join(names)


# ------------------------------------------------------------------------------ building the plan


def _trigrams(text: str) -> set[str]:
    flat = re.sub(r"\s+", " ", text.casefold())
    return {flat[i : i + 3] for i in range(max(len(flat) - 2, 0))}


def similarity(text: str, other: str) -> float:
    """How much of ``text``'s character trigrams appear in ``other`` (0–1; works for Thai unsegmented)."""
    mine = _trigrams(text)
    return len(mine & _trigrams(other)) / len(mine) if mine else 0.0


def _component_text(c: Component, language: str) -> str:
    return " ".join([c.name.get(language), c.purpose.get(language), *c.activities.get(language)])


def _needs_by_component(form: PlanForm, framework: Framework, language: str) -> dict[str, list[str]]:
    """Each stated need assigned to the component it is closest to (when close enough)."""
    texts = {c.id: _component_text(c, language) for c in framework.components}
    found: dict[str, list[str]] = {c.id: [] for c in framework.components}
    for need in form.needs:
        scores = {cid: similarity(need, text) for cid, text in texts.items()}
        best = max(scores, key=lambda cid: scores[cid])
        if scores[best] >= 0.2:
            found[best].append(need)
    return found


def _responsible(component_id: str, members: list[Member], lead: Member, language: str) -> list[Assignment]:
    duties: dict[str, Any] = plan_text()["responsibilities"][component_id]
    groups = phrase("role_groups", language)
    rows: list[Assignment] = []
    for role, duty in duties.items():
        if role == "lead":
            rows.append(
                Assignment(phrase("responsibilities.lead", language), [lead.name(language)], duty[language])
            )
            continue
        names = [m.name(language) for m in members if m.group == role]
        if names:
            rows.append(Assignment(groups[role]["name"][language], names, duty[language]))
    if not rows:  # no member of the groups that own this component: the lead does it
        first = next(iter(duties.values()))
        rows.append(
            Assignment(phrase("responsibilities.lead", language), [lead.name(language)], first[language])
        )
    return rows


def _choose_risks(form: PlanForm, framework: Framework, members: list[Member], language: str) -> list[Risk]:
    text = _norm(" ".join([*form.needs, *form.goals, form.focus_area]))
    keywords: dict[str, list[str]] = plan_text()["risks"]["keywords"]
    level = form.budget_level
    groups = {m.group for m in members}
    scored: list[tuple[float, int, Risk]] = []
    for order, challenge in enumerate(framework.challenges):
        score = 0.0
        reasons: list[str] = []
        hits = [n for n in form.needs if any(has_word(n, w) for w in keywords.get(challenge.id, []))]
        words = [w for w in keywords.get(challenge.id, []) if has_word(text, w)]
        if words:
            score += 2 + len(words) * 0.1
            if hits:
                reasons.append(phrase("risks.reasons.needs", language, needs="; ".join(hits[:3])))
        if challenge.id == "limited-resources" and level in (BudgetLevel.NONE, BudgetLevel.SMALL):
            score += 2
            reasons.append(phrase("risks.reasons.budget", language, budget=budget_text(form, language)))
        if challenge.id == "misaligned-goals-culture" and "business" in groups:
            score += 2
            reasons.append(phrase("risks.reasons.business", language))
        if challenge.id == "policy-instability" and form.duration_months > 12:
            score += 2
            reasons.append(phrase("risks.reasons.long", language, months=form.duration_months))
        if challenge.id == "neglected-relationships":
            score += 1
            reasons.append(phrase("risks.reasons.common", language))
            if len(groups) >= 3:
                score += 1
                reasons.append(phrase("risks.reasons.many", language, count=len(members)))
        if score and not reasons:
            reasons.append(phrase("risks.reasons.needs", language, needs=", ".join(words[:3])))
        risk = Risk(
            id=challenge.id,
            name=challenge.name.get(language),
            reasons=reasons,
            mitigations=challenge.mitigations.get(language),
            components=[framework.component(c).name.get(language) for c in challenge.components],
            owner="",
        )
        scored.append((score, order, risk))
    chosen = [r for s, _, r in sorted(scored, key=lambda t: (-t[0], t[1])) if s > 0]
    minimum = int(plan_text()["risks"]["min_risks"])
    for _, _, risk in scored:
        if len(chosen) >= minimum:
            break
        if risk not in chosen:
            chosen.append(risk)
    return chosen


def budget_text(form: PlanForm, language: str) -> str:
    """The budget as shown: the range in baht and its level, or the level alone."""
    level = form.budget_level
    if level is None:
        return phrase("budget.unknown", language)
    shown = phrase(f"budget.levels.{level.value}", language)
    if form.budget_min is not None and form.budget_max is not None:
        amount = phrase(
            "budget.range", language, low=f"{form.budget_min:,.0f}", high=f"{form.budget_max:,.0f}"
        )
        return f"{amount} — {shown}"
    return shown


def build_plan(form: PlanForm, framework: Framework | None = None) -> Plan:
    """The plan's structure from the form and the framework: deterministic, no retrieval, no model."""
    from assistant.knowledge import load_framework

    fw = framework or load_framework()
    lang = form.language
    cal = make_calendar(form.start_month, form.duration_months, lang)
    lead = form.lead_organisation
    groups = phrase("role_groups", lang)
    members = [
        PlanMember(lead.name(lang), lead.partner_id, lead.group, groups[lead.group]["name"][lang], True)
    ]
    members += [
        PlanMember(m.name(lang), m.partner_id, m.group, groups[m.group]["name"][lang], False)
        for m in form.members
        if not (m.identity() & lead.identity())
    ]
    all_members = [lead, *[m for m in form.members if not (m.identity() & lead.identity())]]
    needs_map = _needs_by_component(form, fw, lang)
    phases: dict[str, list[str]] = plan_text()["activity_phases"]

    # Activities: setup-phase ones are spread over the set-up months in order.
    placements: dict[tuple[str, int], list[int]] = {}
    setup_items = [(c.id, i) for c in fw.components for i, p in enumerate(phases[c.id]) if p == "setup"]
    for j, key in enumerate(setup_items):
        placements[key] = [cal.setup[j * len(cal.setup) // len(setup_items)]]
    components: list[ComponentPlan] = []
    for c in fw.components:
        acts = c.activities.get(lang)
        evidence = c.evidence.get(lang)
        activities = []
        for i, text in enumerate(acts):
            phase = phases[c.id][i]
            months = placements.get((c.id, i)) or phase_months(cal, phase)
            activities.append(
                Activity(
                    text=text,
                    phase=phase_label(phase, cal, months, lang),
                    months=[cal.months[m].iso for m in months],
                    evidence=evidence[i] if i < len(evidence) else evidence[-1],
                )
            )
        components.append(
            ComponentPlan(
                id=c.id,
                name=c.name.get(lang),
                purpose=c.purpose.get(lang),
                needs=needs_map[c.id],
                responsible=_responsible(c.id, all_members, lead, lang),
                activities=activities,
                evidence=evidence,
                kpis=c.kpis.get(lang),
            )
        )

    # Timeline: build steps, activities and the PDCA stage per month.
    step_phases: dict[str, str] = plan_text()["step_phases"]
    by_iso = {m.iso: m.index for m in cal.months}
    stage_of: dict[int, str] = {}
    pdca: list[PdcaEntry] = []
    stage_names = {s.id: s for s in fw.pdca}
    for n, (first, last) in enumerate(cal.cycles, start=1):
        spans = cal.stage_months(first, last, n)
        for stage_id in ("plan", "do", "check", "act"):
            stage = stage_names[stage_id]
            for m in spans[stage_id]:
                stage_of[m] = stage.name.get(lang)
            pdca.append(
                PdcaEntry(
                    cycle=n,
                    stage=stage_id,
                    name=stage.name.get(lang),
                    months=[cal.months[m].iso for m in spans[stage_id]],
                    what=stage.description.get(lang),
                    framework_timing=stage.timing.get(lang),
                )
            )
    timeline = []
    for month in cal.months:
        steps = [
            s.name.get(lang) for s in fw.build_steps if month.index in phase_months(cal, step_phases[s.id])
        ]
        acts = [
            {"component": cp.id, "activity": a.text}
            for cp in components
            for a in cp.activities
            if month.iso in a.months
        ]
        timeline.append(TimelineMonth(month.iso, month.label, steps, acts, stage_of.get(month.index, "")))
    assert len(by_iso) == form.duration_months

    risks = _choose_risks(form, fw, all_members, lang)
    for risk in risks:
        risk.owner = lead.name(lang)
    success = _success_checks(form, fw, cal, members, lang)
    focus = form.focus_area
    focus_clause = phrase("overview.focus_clause", lang, focus=focus) if focus else ""
    vision = phrase(
        "overview.vision", lang, network=form.network_name, focus=focus_clause, lead=lead.name(lang)
    )
    return Plan(
        network=form.network_name,
        language=lang,
        lead=lead.name(lang),
        members=members,
        needs=list(form.needs),
        goals=list(form.goals),
        focus=focus,
        budget=budget_text(form, lang),
        start=cal.months[0].iso,
        end=cal.months[-1].iso,
        duration_months=form.duration_months,
        vision=vision,
        components=components,
        timeline=timeline,
        pdca=pdca,
        risks=risks,
        success=success,
    )


def phase_label(phase: str, cal: Calendar, months: Sequence[int], language: str) -> str:
    return phrase(f"phase_names.{phase}", language, months=_labels(cal, months))


def _success_checks(
    form: PlanForm, fw: Framework, cal: Calendar, members: list[PlanMember], lang: str
) -> list[SuccessCheck]:
    text = plan_text()["success"]
    groups = list(dict.fromkeys(m.group for m in members))
    group_names = ", ".join(dict.fromkeys(m.group_name for m in members))
    locals_ = [m.name for m in members if m.group in ("local_government", "community")]
    mou = phase_months(cal, plan_text()["step_phases"]["formalise-agreement"])[0]
    values = {
        "goals": len(form.goals),
        "mou_month": cal.months[mou].label,
        "count": len(members),
        "groups": len(groups),
        "group_names": group_names,
        "months": form.duration_months,
        "cycles": len(cal.cycles),
        "check_months": _labels(cal, cal.checks()),
        "lead": members[0].name,
        "setup_month": cal.months[0].label,
        "locals": ", ".join(locals_),
    }
    gaps = {
        "inter-agency-cooperation": len(groups) < 2,
        "local-context-politics": not locals_,
    }
    found = []
    for factor in fw.success_factors:
        gap = gaps.get(factor.id, False)
        does = text["gaps"][factor.id][lang] if gap else text["does"][factor.id][lang].format(**values)
        found.append(
            SuccessCheck(factor.id, factor.name.get(lang), does, not gap, factor.indicators.get(lang))
        )
    return found


# ------------------------------------------------------------------------------ sections


def _cite(ctx: DraftContext, query: str, k: int | None = None) -> list[int]:
    """Citations for ``query``, from documents in the plan's language first, then from any document."""
    from ingest.manifest import Filters

    numbers = ctx.sources.find(query, k=k, filters=Filters(languages=(ctx.language,)))
    return numbers or ctx.sources.find(query, k=k)


def _prose(ctx: DraftContext, task: str, facts: Sequence[str], numbers: Sequence[int]) -> list[Block]:
    """At most one checked model paragraph (nothing when the model is off or its text fails the checks)."""
    text = ctx.writer.paragraph(task, facts=list(facts), sources=ctx.sources, numbers=list(numbers))
    return [Block.paragraph(text, generated=True)] if text else []


def plan_specs(plan: Plan, form: PlanForm) -> list[SectionSpec]:
    """The plan's sections, in order: overview, 7 components, timeline, PDCA, risks, success factors."""
    lang = plan.language
    P = lambda path, **v: phrase(path, lang, **v)  # noqa: E731
    mark = Sources.marker

    def overview(ctx: DraftContext) -> list[Block]:
        cites = _cite(ctx, P("queries.overview"))
        plan.citations["overview"] = cites
        vision = plan.components[0].purpose
        blocks = [
            Block.paragraph(plan.vision),
            Block.paragraph(P("overview.vision_basis", purpose=vision) + mark(cites)),
        ]
        task = P("prose.overview", network=plan.network)
        blocks += _prose(ctx, task, [plan.vision, *plan.needs, *plan.goals], cites)
        kpis = [k for c in plan.components for k in c.kpis]
        goal_items = []
        for i, goal in enumerate(plan.goals, start=1):
            best = max(kpis, key=lambda k: similarity(goal, k))
            goal_items.append(P("overview.goal_item", n=i, goal=goal, kpi=best))
        rows = [
            [m.name, m.group_name, P("overview.lead_role") if m.is_lead else _main_role(plan, m)]
            for m in plan.members
        ]
        return [
            *blocks,
            Block.paragraph(P("overview.problems")),
            Block.bullets(plan.needs),
            Block.paragraph(P("overview.goals")),
            Block.bullets(goal_items),
            Block.paragraph(P("overview.members")),
            Block.table(P("overview.members_header"), rows),
            Block.note(P("overview.budget_line", budget=plan.budget)),
        ]

    def component_section(index: int) -> Callable[[DraftContext], list[Block]]:
        cp = plan.components[index]

        def build(ctx: DraftContext) -> list[Block]:
            cites = _cite(ctx, P("queries.component", name=cp.name, purpose=cp.purpose[:160]))
            cp.citations = cites
            blocks = [Block.paragraph(P("component.purpose", purpose=cp.purpose) + mark(cites))]
            if cp.needs:
                blocks.append(Block.paragraph(P("component.needs_link", needs="; ".join(cp.needs))))
            facts = [cp.purpose, *[a.text for a in cp.activities], *cp.needs]
            blocks += _prose(ctx, P("prose.component", network=plan.network, name=cp.name), facts, cites)
            blocks.append(Block.paragraph(P("component.responsible")))
            blocks.append(
                Block.table(
                    P("component.responsible_header"),
                    [[a.role, ", ".join(a.organisations), a.duty] for a in cp.responsible],
                )
            )
            blocks.append(Block.paragraph(P("component.what")))
            blocks.append(
                Block.table(
                    P("component.activities_header"), [[a.text, a.phase, a.evidence] for a in cp.activities]
                )
            )
            checks = [p for p in plan.pdca if p.stage == "check"]
            when = ", ".join(_month_label(plan, iso) for p in checks for iso in p.months)
            blocks.append(Block.paragraph(P("component.kpis")))
            blocks.append(Block.bullets([P("component.kpi_item", kpi=k, when=when) for k in cp.kpis]))
            if cp.id == "resource-allocation":
                blocks.append(Block.note(P("component.budget_note", budget=plan.budget)))
            return blocks

        return build

    def timeline(ctx: DraftContext) -> list[Block]:
        cites = _cite(ctx, P("queries.timeline"))
        plan.citations["timeline"] = cites
        setup = sum(1 for m in plan.timeline if plan.pdca and m.month in plan.pdca[0].months)
        intro = P("timeline.intro", months=plan.duration_months, setup=setup) + mark(cites)
        none = P("timeline.none")
        names = {c.id: c.name for c in plan.components}
        rows = [
            [
                m.label,
                "; ".join(m.steps) or none,
                "; ".join(f"{a['activity']} ({names[a['component']]})" for a in m.activities) or none,
                m.pdca or none,
            ]
            for m in plan.timeline
        ]
        task = P("prose.timeline", months=plan.duration_months)
        facts = [f"{m.label}: {'; '.join(m.steps)}" for m in plan.timeline if m.steps][:8]
        return [
            Block.paragraph(intro),
            *_prose(ctx, task, facts, cites),
            Block.table(P("timeline.header"), rows),
        ]

    def pdca(ctx: DraftContext) -> list[Block]:
        cites = _cite(ctx, P("queries.pdca"))
        plan.citations["pdca"] = cites
        cycles = max(p.cycle for p in plan.pdca)
        rows = [
            [
                P("pdca.cycle", n=p.cycle),
                p.name,
                _span(plan, p.months, lang)
                if p.stage != "check"
                else ", ".join(_month_label(plan, m) for m in p.months),
                p.what,
                p.framework_timing,
            ]
            for p in plan.pdca
        ]
        blocks = [Block.paragraph(P("pdca.intro", cycles=cycles) + mark(cites))]
        blocks += _prose(ctx, P("prose.pdca"), [f"{p.name}: {p.what}" for p in plan.pdca[:4]], cites)
        blocks.append(Block.table(P("pdca.header"), rows))
        if int(plan.start[5:7]) not in (4, 5):
            blocks.append(Block.note(P("pdca.align_note", start=_month_label(plan, plan.start))))
        return blocks

    def risks(ctx: DraftContext) -> list[Block]:
        rows = []
        all_cites: list[int] = []
        for risk in plan.risks:
            challenge = _framework().challenge(risk.id)
            risk.citations = _cite(
                ctx, P("queries.risk", name=risk.name, description=challenge.description.get(lang)), k=1
            )
            all_cites += risk.citations
            rows.append(
                [
                    risk.name + mark(risk.citations),
                    "; ".join(risk.reasons),
                    "; ".join(risk.mitigations),
                    ", ".join(risk.components),
                    risk.owner,
                ]
            )
        facts = [f"{r.name}: {r.mitigations[0]}" for r in plan.risks]
        return [
            Block.paragraph(P("risks.intro")),
            *_prose(ctx, P("prose.risks"), facts, list(dict.fromkeys(all_cites))),
            Block.table(P("risks.header"), rows),
        ]

    def success(ctx: DraftContext) -> list[Block]:
        rows = []
        all_cites: list[int] = []
        for check in plan.success:
            check.citations = _cite(ctx, P("queries.success", name=check.name), k=1)
            all_cites += check.citations
            status = P("success.covered") if check.covered else P("success.gap")
            rows.append(
                [check.name + mark(check.citations), check.plan_does, status, "; ".join(check.indicators)]
            )
        facts = [f"{c.name}: {c.plan_does}" for c in plan.success]
        return [
            Block.paragraph(P("success.intro")),
            *_prose(ctx, P("prose.success"), facts, list(dict.fromkeys(all_cites))),
            Block.table(P("success.header"), rows),
        ]

    specs = [SectionSpec("overview", P("sections.overview"), overview)]
    specs += [
        SectionSpec(cp.id, P("sections.component", n=i + 1, name=cp.name), component_section(i))
        for i, cp in enumerate(plan.components)
    ]
    specs += [
        SectionSpec("timeline", P("sections.timeline"), timeline),
        SectionSpec("pdca", P("sections.pdca"), pdca),
        SectionSpec("risks", P("sections.risks"), risks),
        SectionSpec("success", P("sections.success"), success),
    ]
    return specs


def _framework() -> Framework:
    from assistant.knowledge import load_framework

    return load_framework()


def _main_role(plan: Plan, member: PlanMember) -> str:
    """The member's duties, taken from the components where its group is responsible."""
    group_name = member.group_name
    duties = [
        f"{a.duty} ({cp.name})" for cp in plan.components for a in cp.responsible if a.role == group_name
    ]
    return "; ".join(duties[:2]) if duties else phrase("timeline.none", plan.language)


def _month_label(plan: Plan, iso: str) -> str:
    year, month = (int(p) for p in iso.split("-"))
    return month_label(year, month, plan.language)


def _span(plan: Plan, months: Sequence[str], language: str) -> str:
    if len(months) == 1:
        return _month_label(plan, months[0])
    return phrase(
        "pdca.span", language, start=_month_label(plan, months[0]), end=_month_label(plan, months[-1])
    )


# ------------------------------------------------------------------------------ entry points


def plan_fields(plan: Plan) -> dict[str, str]:
    """The summary under the title: network, lead, members, period, budget, focus."""
    lang = plan.language
    period = phrase(
        "period_value",
        lang,
        months=plan.duration_months,
        start=_month_label(plan, plan.start),
        end=_month_label(plan, plan.end),
    )
    values = {
        "network": plan.network,
        "lead": plan.lead,
        "members": phrase("members_value", lang, count=len(plan.members))
        + ": "
        + ", ".join(m.name for m in plan.members),
        "period": period,
        "budget": plan.budget,
        "focus": plan.focus or phrase("no_focus", lang),
    }
    return {phrase(f"fields.{key}", lang): value for key, value in values.items()}


def stream_plan(form: PlanForm | Mapping[str, Any], ctx: DraftContext) -> Iterator[DraftEvent]:
    """Build the plan section by section (a SECTION event each), then the FINAL draft with the Plan as data.

    The form's language must match the context's (both ``th`` or both ``en``).
    """
    form = parse_plan_form(form) if not isinstance(form, PlanForm) else form
    if form.language != ctx.language:
        raise ValueError(f"the form is in {form.language!r} but the draft context is in {ctx.language!r}")
    plan = build_plan(form)
    specs = plan_specs(plan, form)
    title = phrase("title", form.language, network=plan.network)
    subtitle = phrase(
        "subtitle",
        form.language,
        months=plan.duration_months,
        start=_month_label(plan, plan.start),
        end=_month_label(plan, plan.end),
    )
    for event in stream_draft("plan", title, specs, ctx, subtitle=subtitle, fields=plan_fields(plan)):
        if event.kind is DraftEventKind.FINAL and event.draft is not None:
            event.draft.data = plan.to_json()
        yield event


def draft_plan(form: PlanForm | Mapping[str, Any], ctx: DraftContext) -> Draft:
    """:func:`stream_plan` run to the end: the finished, cited plan."""
    final = None
    for event in stream_plan(form, ctx):
        final = event.draft or final
    assert final is not None
    return final
