"""The partners a plan can name by id: the workspace's partner registry, else the starter CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.partners.registry import Registry
    from assistant.settings import Settings
    from assistant.workspaces import Principal

CORPUS_PARTNERS = Path(__file__).resolve().parents[2] / "corpus" / "partners.csv"


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


def _registry(settings: Settings, workspace: str, principal: Principal | None) -> Registry | None:
    """The workspace's partner registry if it exists (reading never creates one), after the access check."""
    from assistant.partners.registry import Registry
    from assistant.workspaces import require_access
    from ingest.records import check_workspace

    if principal is not None:
        require_access(principal, workspace, settings=settings)
    registry_file = Path(settings.data_dir) / "workspaces" / check_workspace(workspace) / "partners.sqlite"
    return Registry(registry_file) if registry_file.is_file() else None


def workspace_partners(
    settings: Settings, workspace: str, *, principal: Principal | None = None
) -> PartnerBook:
    """The workspace's partner registry when it has partners, else the starter ``partners.csv``.

    With a ``principal``, the caller must be allowed to use ``workspace`` (WorkspaceAccessError).
    """
    registry = _registry(settings, workspace, principal)
    if registry is not None and registry.count():
        found = {
            p.id.upper(): PartnerInfo(p.id.upper(), p.name_th, p.name_en, str(p.type.value))
            for p in registry.all()
        }
        return PartnerBook(found, f"the partner registry of workspace {workspace!r}")
    return partners_from_csv(Path(settings.corpus_dir) / "partners.csv")


def chosen_partners(settings: Settings, workspace: str, *, principal: Principal | None = None) -> list[str]:
    """Partner ids chosen for the plan in the Partners tab (empty when there is no registry)."""
    registry = _registry(settings, workspace, principal)
    return list(registry.plan_members()) if registry is not None else []
