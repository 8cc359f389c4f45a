"""The plan record: the structured plan (members, components, timeline, PDCA, risks, success factors)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
