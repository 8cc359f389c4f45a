"""What every service shares: the settings, the default workspace and the access check."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from assistant.access.workspaces import Principal, WorkspaceName, require_access
from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from assistant.retrieval.hybrid import HybridRetriever
    from ingest.store import Store

log = logging.getLogger(__name__)


class Service:
    """A use case over one installation's settings.

    :meth:`workspace` is the one way a service turns a requested workspace name into a checked
    one: an empty name is the settings' default, and WorkspaceAccessError is raised unless the
    principal may use it.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()

    def workspace(self, principal: Principal, name: str | None = None) -> WorkspaceName:
        """The checked workspace ``name`` (default: the settings' one) for ``principal``."""
        return require_access(principal, name or self.settings.workspace, settings=self.settings)


class DraftingService(Service):
    """A service that drafts from a workspace's passages: ``store`` is the index to cite from
    (default: the process's, :func:`assistant.retrieval.runtime.get_store`)."""

    def __init__(self, settings: Settings | None = None, *, store: Store | None = None) -> None:
        super().__init__(settings)
        self.store = store

    def retriever(self, principal: Principal, workspace: str | None, **options: Any) -> HybridRetriever:
        """A retriever over the checked workspace, reading as ``principal`` (WorkspaceAccessError first)."""
        from assistant.access.workspaces import scoped_retriever

        ws = self.workspace(principal, workspace)
        return scoped_retriever(principal, ws, settings=self.settings, store=self.store, **options)


def remember_draft(
    settings: Settings,
    principal: Principal,
    workspace: str,
    kind: Any,
    draft: Any,
    *,
    title: str | None = None,
) -> str | None:
    """Keep a finished draft in ``principal``'s history in ``workspace``; its id, or None if that failed.

    The title is the draft's (or ``title``), the payload ``draft.to_json()`` (what the Saved drafts
    accordion reopens). A failure is logged, never shown as a failed draft.
    """
    from assistant.access.history import Kind, save

    try:
        name = title if title is not None else draft.title
        return save(principal, kind, name, draft.to_json(), workspace=workspace, settings=settings).id
    except Exception:
        log.exception("the %s draft could not be saved to history", Kind.parse(kind).value)
        return None
