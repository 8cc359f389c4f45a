"""Plans: a network plan from the plan form, drafted section by section and kept in the history.

Usage:
    >>> from assistant.services.plan import PlanRequest, PlanService
    >>> service = PlanService(settings)
    >>> request = PlanRequest.from_form(network="เครือข่าย…", lead="P016", members="P001\\nP002",
    ...     needs="ขาดครู", goals="ทักษะดิจิทัล", ui_language="th")
    >>> form = service.parse(principal, "net-a", request.to_form())   # FormError lists every problem
    >>> for event in service.stream(principal, "net-a", form): ...    # DraftEvents, then the draft
    >>> service.remember(principal, "net-a", draft)                   # kept in the user's history
    >>> service.take_partners(principal, "net-a", "P001").text         # + the Partners tab's choice

Both the Plan tab and ``edunet plan`` go through this service: the members a form may name by id
come from the workspace's partner registry (else the starter CSV), and every method that reads a
workspace raises WorkspaceAccessError before anything is opened unless the principal may use it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.services.base import DraftingService, remember_draft

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.drafting.engine import DraftContext, DraftEvent
    from assistant.plan import PlanForm
    from assistant.plan.partners import PartnerBook

DEFAULT_MONTHS = 12


def lines(text: str | None) -> list[str]:
    """The non-empty lines of a multiline box, without bullet marks."""
    return [line.strip().lstrip("-•* ").strip() for line in (text or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class PlanRequest:
    """The plan form as typed: lists one item each, numbers as given (None: left empty)."""

    network: str = ""
    lead: str = ""
    members: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    duration: float | None = DEFAULT_MONTHS
    start: str = ""
    budget: str = ""
    budget_min: float | None = None
    budget_max: float | None = None
    focus: str = ""
    language: str = "th"

    @classmethod
    def from_form(
        cls,
        *,
        network: str | None = "",
        lead: str | None = "",
        members: str | None = "",
        needs: str | None = "",
        goals: str | None = "",
        duration: float | None = DEFAULT_MONTHS,
        start: str | None = "",
        budget: str | None = "",
        budget_min: float | None = None,
        budget_max: float | None = None,
        focus: str | None = "",
        language: str | None = "auto",
        ui_language: str = "th",
    ) -> PlanRequest:
        """The request of the form's boxes (lists one item per line); ``auto`` language is ``ui_language``."""
        return cls(
            network=(network or "").strip(),
            lead=(lead or "").strip(),
            members=tuple(lines(members)),
            needs=tuple(lines(needs)),
            goals=tuple(lines(goals)),
            duration=duration,
            start=(start or "").strip(),
            budget=budget or "",
            budget_min=budget_min,
            budget_max=budget_max,
            focus=(focus or "").strip(),
            language=ui_language if language in (None, "", "auto") else language,
        )

    def to_form(self) -> dict[str, Any]:
        """The mapping :func:`assistant.plan.parse_plan_form` validates (empty optional fields left out)."""
        data: dict[str, Any] = {
            "network_name": self.network,
            "lead_organisation": self.lead,
            "members": list(self.members),
            "needs": list(self.needs),
            "goals": list(self.goals),
            "language": self.language,
        }
        duration = self.duration
        if duration is not None:
            data["duration_months"] = int(duration) if float(duration).is_integer() else duration
        else:
            data["duration_months"] = None
        if self.start:
            data["start_month"] = self.start
        if self.budget:
            data["budget"] = self.budget
        if self.budget_min or self.budget_max:  # empty number boxes arrive as 0: a 0–0 range is "not given"
            data["budget_min"], data["budget_max"] = self.budget_min, self.budget_max
        if self.focus:
            data["focus_area"] = self.focus
        return data


@dataclass(frozen=True)
class TakenPartners:
    """The members box after adding the partners chosen in the Partners tab."""

    text: str
    chosen: tuple[str, ...]
    added: tuple[str, ...]


def save_edited(text: str | None, original: str | None, stem: str = "plan") -> Path | None:
    """Write the edited Markdown to a fresh temporary file, or None when there is nothing new to save."""
    if not (text or "").strip() or not original or text == original:
        return None
    from assistant.drafting.export import write_atomic

    folder = Path(tempfile.mkdtemp(prefix="edunet-plan-edit-"))
    return write_atomic(folder / f"{stem}-edited.md", text.encode("utf-8"))


class PlanService(DraftingService):
    """The plan form, its members' registry, the draft's context and the history.

    ``store`` is the index to cite from (default: the process's,
    :func:`assistant.retrieval.runtime.get_store`).
    """

    def partners(self, principal: Principal, workspace: str | None = None) -> PartnerBook:
        """The partners a form may name by id: the workspace's registry, else the starter CSV."""
        from assistant.plan.partners import workspace_partners

        ws = self.workspace(principal, workspace)
        return workspace_partners(self.settings, ws, principal=principal)

    def parse(self, principal: Principal, workspace: str | None, data: Mapping[str, Any]) -> PlanForm:
        """The validated form (FormError lists every problem, in English: ``field: message``)."""
        from assistant.plan import parse_plan_form

        return parse_plan_form(data, partners=self.partners(principal, workspace))

    def context(
        self, principal: Principal, workspace: str | None, language: str, *, backend: str | None = None
    ) -> DraftContext:
        """The draft's context: the workspace's passages (retrieved as ``principal``) and the model."""
        from assistant.drafting.engine import draft_context

        ws = self.workspace(principal, workspace)
        retriever = self.retriever(principal, ws, k=5)
        return draft_context(
            self.settings, ws, language, backend=backend, retriever=retriever, principal=principal
        )

    def stream(
        self, principal: Principal, workspace: str | None, form: PlanForm, *, backend: str | None = None
    ) -> Iterator[DraftEvent]:
        """The plan drafted section by section, then the draft (access checked before it starts)."""
        ws = self.workspace(principal, workspace)

        def events() -> Iterator[DraftEvent]:
            from assistant.plan import stream_plan

            yield from stream_plan(form, self.context(principal, ws, form.language, backend=backend))

        return events()

    @staticmethod
    def title(form: PlanForm) -> str:
        """The plan's title in the plan's language."""
        from assistant.plan import phrase

        return phrase("title", form.language, network=form.network_name)

    def remember(self, principal: Principal, workspace: str | None, draft: Any) -> str | None:
        """Keep a finished plan in the user's history; its id (None when it could not be kept)."""
        from assistant.access.history import Kind

        return remember_draft(
            self.settings, principal, workspace or self.settings.workspace, Kind.PLAN, draft
        )

    def take_partners(
        self, principal: Principal, workspace: str | None, current: str | None
    ) -> TakenPartners:
        """The members box with the partners chosen for the plan added (those not listed yet)."""
        from assistant.plan.partners import chosen_partners

        ws = self.workspace(principal, workspace)
        chosen = tuple(chosen_partners(self.settings, ws, principal=principal))
        present = {line.upper() for line in lines(current)}
        added = tuple(pid for pid in chosen if pid.upper() not in present)
        text = "\n".join([*lines(current), *added]) if chosen else current or ""
        return TakenPartners(text, chosen, added)

    @staticmethod
    def save_edited(text: str | None, original: str | None) -> Path | None:
        """The leader's edited Markdown as a file (None when there is nothing new to save)."""
        return save_edited(text, original)
