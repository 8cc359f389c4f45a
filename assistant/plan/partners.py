"""The partners a plan can name by id: the workspace's partner registry, else the starter CSV.

Plans and the partner tools share one partner model, :class:`assistant.partners.registry.Partner`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.partners.models import Partner, PartnerType
from assistant.settings import DEFAULT_CORPUS_DIR, PARTNERS_CSV

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.partners.registry import Registry
    from assistant.settings import Settings

CORPUS_PARTNERS = DEFAULT_CORPUS_DIR / PARTNERS_CSV
"""The starter corpus's file; the loader reads the settings' corpus_dir (the same file by default)."""


PartnerInfo = Partner
"""The plan's old name for a partner: plans use the registry's model, :class:`Partner`."""


@dataclass(frozen=True)
class PartnerBook:
    """Partners by id (the registry's :class:`Partner` model), and where they were read from.

    ``raw_types`` keeps, by id, a ``type`` cell of a CSV that is not a :class:`PartnerType` value
    exactly as written (lower-cased), so that such a member's role group is still guessed from
    its name, as before the registry's model was shared.
    """

    partners: dict[str, Partner]
    origin: str
    raw_types: dict[str, str] = field(default_factory=dict)

    def get(self, partner_id: str) -> Partner | None:
        """The partner with this id (case-insensitive), or None."""
        return self.partners.get(partner_id.upper())

    def type_of(self, partner: Partner) -> str:
        """The partner's type as text: the registry type, or the CSV's own word for it."""
        raw = self.raw_types.get(partner.id)
        return raw if raw is not None else str(partner.type)


def _csv_type(text: str) -> PartnerType | None:
    try:
        return PartnerType.parse(text)
    except ValueError:
        return None


def partners_from_csv(path: Path | None = None) -> PartnerBook:
    """The partners of a CSV with the columns of ``corpus/partners.csv`` (id, name_th, name_en, type).

    Read leniently (only these four columns; other problems are the registry import's business):
    a type the registry does not know is kept in :attr:`PartnerBook.raw_types`, the partner typed ``other``.
    Without ``path``: the settings' ``<corpus_dir>/partners.csv``.
    """
    if path is None:
        from assistant.settings import get_settings

        path = get_settings().partners_csv
    if not Path(path).is_file():
        return PartnerBook({}, str(path))
    with Path(path).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    found: dict[str, Partner] = {}
    raw_types: dict[str, str] = {}
    for row in rows:
        pid = (row.get("id") or "").strip().upper()
        if not pid:
            continue
        text = (row.get("type") or "").strip().lower()
        ptype = _csv_type(text)
        if ptype is None or ptype.value != text:
            raw_types[pid] = text
        else:
            raw_types.pop(pid, None)
        found[pid] = Partner(
            pid,
            (row.get("name_th") or "").strip(),
            (row.get("name_en") or "").strip(),
            ptype or PartnerType.OTHER,
        )
    return PartnerBook(found, Path(path).name, raw_types)


def _registry(settings: Settings, workspace: str, principal: Principal) -> Registry | None:
    """The workspace's partner registry if it exists (reading never creates one), after the access check."""
    from assistant.access.workspaces import require_access
    from assistant.partners.registry import Registry

    require_access(principal, workspace, settings=settings)
    registry_file = settings.partner_registry_path(workspace)
    return Registry(registry_file) if registry_file.is_file() else None


def workspace_partners(settings: Settings, workspace: str, *, principal: Principal) -> PartnerBook:
    """The workspace's partner registry when it has partners, else the starter ``partners.csv``.

    The ``principal`` must be allowed to use ``workspace`` (WorkspaceAccessError).
    """
    registry = _registry(settings, workspace, principal)
    if registry is not None and registry.count():
        found = {p.id.upper(): p if p.id.isupper() else replace(p, id=p.id.upper()) for p in registry.all()}
        return PartnerBook(found, f"the partner registry of workspace {workspace!r}")
    return partners_from_csv(settings.partners_csv)


def chosen_partners(settings: Settings, workspace: str, *, principal: Principal) -> list[str]:
    """Partner ids chosen for the plan in the Partners tab (empty when there is no registry)."""
    registry = _registry(settings, workspace, principal)
    return list(registry.plan_members()) if registry is not None else []
