"""Partners: a workspace's registry, needs-to-partner suggestions, the plan list, the editor and the network.

Usage:
    >>> from assistant.services.partners import PartnersService, SuggestRequest
    >>> service = PartnersService(settings)
    >>> found = service.suggest(principal, "net-a", SuggestRequest("ฝึกงานด้านการโรงแรม", near="12.1,102.2"))
    >>> [s.partner.id for s in found.result.suggestions], found.cover.uncovered
    >>> service.add_to_plan(principal, "net-a", ["P026"])
    >>> service.save(principal, "net-a", None, {"id": "P900", "name_th": "…", "type": "business"})

Both the Partners tab and ``edunet partners``/``edunet network`` go through this service, so the
registry, its seeding from the starter corpus, the MOU citations and the access check are
decided once. Every method takes the caller's principal and raises WorkspaceAccessError before
the registry is opened when they may not use the workspace; an empty workspace name means the
settings' default one.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.partners.registry import CSV_FIELDS
from assistant.services.base import Service
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.partners.cover import CoverResult
    from assistant.partners.matching import MatchFilters, MatchResult
    from assistant.partners.network import NetworkReport
    from assistant.partners.registry import ImportReport, Partner, Registry

log = logging.getLogger(__name__)

EDIT_FIELDS = CSV_FIELDS
"""The editor's fields, in the form's order: the CSV schema's columns."""
LINE_FIELDS = ("capabilities", "resources", "needs")
"""Fields edited one item per line."""


# ---------------------------------------------------------------- requests and results


@dataclass(frozen=True)
class SuggestRequest:
    """What to look for: the needs text and the filters (types, provinces, a point and a radius)."""

    needs: str
    types: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    near: str = ""
    max_km: float | None = None
    top: int = 5

    @classmethod
    def from_form(
        cls,
        needs: str | None,
        types: Sequence[str] | None,
        provinces: str | None,
        near: str | None,
        max_km: float | None,
        top: float | None,
    ) -> SuggestRequest:
        """The request of the tab's form: provinces comma-separated; the radius only with a point."""
        where = (near or "").strip()
        return cls(
            needs=needs or "",
            types=tuple(types or ()),
            provinces=tuple(p.strip() for p in (provinces or "").split(",") if p.strip()),
            near=where,
            max_km=float(max_km) if max_km and where else None,
            top=int(top or 5),
        )

    def filters(self) -> MatchFilters:
        """The matching filters; ValueError names a bad type or a malformed location."""
        from assistant.partners.matching import MatchFilters, PartnerType, parse_near

        return MatchFilters(
            types=tuple(PartnerType.parse(t) for t in self.types),
            provinces=self.provinces,
            near=parse_near(self.near) if self.near else None,
            max_km=self.max_km,
        )

    def check(self, lang: str = "th") -> MatchFilters:
        """The filters, after checking that there are needs to match (ValueError in ``lang``)."""
        from assistant.partners.matching import say

        filters = self.filters()
        if not self.needs.strip():
            raise ValueError(say("empty_needs", lang))
        return filters


@dataclass
class Suggestions:
    """Ranked partners for the needs, the complementary set and the workspace's plan list."""

    workspace: str
    result: MatchResult
    cover: CoverResult
    plan_members: list[str]
    seeded: tuple[int, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The suggestions as plain data (what the tab keeps between events)."""
        return {"result": self.result.to_dict(), "cover": self.cover.to_dict(), "workspace": self.workspace}


@dataclass
class RegistryOverview:
    """A workspace's partners and plan list, and whether the registry was just seeded."""

    workspace: str
    partners: list[Partner]
    plan_members: list[str]
    seeded: tuple[int, str] | None = None


@dataclass
class SaveOutcome:
    """A partner saved from the editor: the partner, whether it is new, and the registry now."""

    partner: Partner
    created: bool
    partners: list[Partner] = field(default_factory=list)


@dataclass
class RemoveOutcome:
    """A partner removed from the editor (``removed`` False: it was already gone)."""

    partner_id: str
    removed: bool
    partners: list[Partner] = field(default_factory=list)


def partner_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Editor values as the registry's fields: one item per line, MOU ids split on commas or spaces."""
    fields: dict[str, Any] = {}
    for name in EDIT_FIELDS:
        value = values.get(name)
        text = "" if value is None else str(value)
        if name in LINE_FIELDS:
            fields[name] = [line.strip() for line in text.splitlines() if line.strip()]
        elif name == "mous":
            fields[name] = [m for m in re.split(r"[,;\s]+", text) if m]
        else:
            fields[name] = text.strip()
    return fields


# ---------------------------------------------------------------- the service


class PartnersService(Service):
    """Each workspace's registry (opened once, on first use), the embedder and the MOU citer (thread-safe).

    Every call checks access first, so a membership change takes effect at once even for a
    registry already open.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__(settings)
        self._lock = threading.Lock()
        self._registries: dict[str, Registry] = {}
        self._seeded: dict[str, tuple[int, str]] = {}  # workspace → (count, csv path) when seeded here

    # ------------------------------------------------------------ opening

    def registry(self, principal: Principal, workspace: str | None = None, *, seed: bool = True) -> Registry:
        """``workspace``'s registry, seeded from the starter corpus when empty (unless ``seed`` is off)."""
        from assistant.partners.registry import Registry

        s = self.settings
        ws = self.workspace(principal, workspace)
        with self._lock:
            registry = self._registries.get(ws)
            if registry is not None:
                return registry
            registry = Registry.for_workspace(s, ws, principal=principal)
            if not seed:
                return registry
            report = registry.seed_if_empty(s.corpus_dir)
            if report is not None:
                self._seeded[ws] = (report.imported, str(s.partners_csv))
            self._registries[ws] = registry
            return registry

    def seeded(self, workspace: str | None = None) -> tuple[int, str] | None:
        """(count, csv path) when this service filled ``workspace``'s registry from the starter corpus."""
        return self._seeded.get(workspace or self.settings.workspace)

    def embedder(self) -> Any:
        """The shared embedding model."""
        from assistant.retrieval.runtime import get_embedder

        return get_embedder(self.settings)

    def citer(
        self, principal: Principal, workspace: str | None = None, *, warn: Callable[[str], None] | None = None
    ) -> Any:
        """``cite(mou_id, query)`` over ``workspace``'s indexed MOUs, or None when nothing is indexed.

        Evidence is optional: when the index cannot be opened, matching goes on without it
        (``warn`` is told why).
        """
        ws = self.workspace(principal, workspace)
        try:
            from assistant.partners.matching import mou_citer
            from assistant.retrieval.runtime import get_store

            store = get_store(self.settings)
            if not store.documents(ws):
                return None
            return mou_citer(store, ws)
        except Exception as exc:  # evidence is optional; matching still works without the index
            if warn is None:
                log.exception("MOU citations are unavailable")
            else:
                warn(f"no document citations ({exc})")
            return None

    # ------------------------------------------------------------ use cases

    def suggest(
        self,
        principal: Principal,
        workspace: str | None,
        request: SuggestRequest,
        *,
        warn: Callable[[str], None] | None = None,
    ) -> Suggestions:
        """Ranked partners for ``request`` with reasons and evidence, and the complementary set.

        ValueError for bad filters or needs that give nothing to match.
        """
        from assistant.partners.cover import complementary_set
        from assistant.partners.matching import match

        filters = request.filters()
        ws = self.workspace(principal, workspace)
        registry = self.registry(principal, ws)
        cite = self.citer(principal, ws, warn=warn)
        result = match(request.needs, registry, self.embedder(), filters, top=request.top, cite=cite)
        return Suggestions(ws, result, complementary_set(result), registry.plan_members(), self.seeded(ws))

    def add_to_plan(
        self, principal: Principal, workspace: str | None, partner_ids: Sequence[str]
    ) -> list[str]:
        """Add partners to the workspace's plan list (read by the Plan tool); the list now."""
        return self.registry(principal, workspace).add_to_plan(list(partner_ids or []))

    def overview(self, principal: Principal, workspace: str | None = None) -> RegistryOverview:
        """The workspace's partners and plan list."""
        ws = self.workspace(principal, workspace)
        registry = self.registry(principal, ws)
        return RegistryOverview(ws, registry.all(), registry.plan_members(), self.seeded(ws))

    def import_csv(
        self, principal: Principal, workspace: str | None, source: Path, *, seed: bool = True
    ) -> ImportReport:
        """Import partners from CSV (upsert by id); CsvFormatError when the file is not the schema's."""
        return self.registry(principal, workspace, seed=seed).import_csv(Path(source))

    def export_csv(self, principal: Principal, workspace: str | None, target: Path | None = None) -> str:
        """The registry as CSV text, also written to ``target`` when given."""
        return self.registry(principal, workspace).export_csv(target)

    def export_file(self, principal: Principal, workspace: str | None) -> Path:
        """The registry written as ``partners.csv`` in a fresh temporary folder (for a download)."""
        registry = self.registry(principal, workspace)
        path = Path(tempfile.mkdtemp(prefix="edunet-partners-")) / "partners.csv"
        registry.export_csv(path)
        return path

    def get(self, principal: Principal, workspace: str | None, partner_id: str) -> Partner | None:
        """One partner, or None when there is none with that id."""
        return self.registry(principal, workspace).get(partner_id)

    def save(
        self, principal: Principal, workspace: str | None, partner_id: str | None, values: Mapping[str, Any]
    ) -> SaveOutcome:
        """Save the editor's ``values``: a new partner (no ``partner_id``) or that partner's new fields.

        PartnerValidationError lists the problems field by field.
        """
        registry = self.registry(principal, workspace)
        fields = partner_fields(values)
        if partner_id:
            partner, created = registry.update_partner(partner_id, fields), False
        else:
            partner, created = registry.add_partner(fields), True
        return SaveOutcome(partner, created, registry.all())

    def remove(self, principal: Principal, workspace: str | None, partner_id: str) -> RemoveOutcome:
        """Remove a partner with its MOU links and plan entry."""
        registry = self.registry(principal, workspace)
        removed = registry.remove_partner(partner_id)
        return RemoveOutcome(partner_id, removed, registry.all())

    def network(
        self,
        principal: Principal,
        workspace: str | None = None,
        *,
        months: int = 6,
        lead: Sequence[str] = (),
        needs: bool = True,
    ) -> NetworkReport:
        """The network of partners linked by MOUs (``needs``: also the needs no member covers)."""
        from assistant.partners.network import network_report

        registry = self.registry(principal, workspace)
        embedder = self.embedder() if needs else None
        return network_report(registry, embedder, months=months, lead=tuple(lead), with_needs=needs)


def lead_ids(text: str | None) -> tuple[str, ...]:
    """``"P001, P002"`` → ``("P001", "P002")``."""
    return tuple(x.strip() for x in (text or "").split(",") if x.strip())
