"""What every service shares: the settings, the default workspace and the access check."""

from __future__ import annotations

from assistant.settings import Settings, get_settings
from assistant.workspaces import Principal, WorkspaceName, require_access


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
