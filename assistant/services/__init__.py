"""The use cases, one module each, under the thin Gradio tabs (``ui/``) and Typer commands (``commands/``).

A service owns what a front end must not decide for itself:

* opening the store, the partner registry, the retriever and the chat model;
* the access check: every method that touches a workspace takes a
  :class:`~assistant.access.workspaces.Principal` (never ``None``; the CLI passes
  :data:`~assistant.access.workspaces.SYSTEM`) and raises
  :class:`~assistant.access.workspaces.WorkspaceAccessError` before anything is read or written;
* the default workspace (an empty name means the settings' one) and storage paths;
* turning form input into typed requests, and returning typed results (dataclasses).

Rules (``tests/test_architecture.py``): services never import ``gradio``, ``typer``,
:mod:`assistant.ui` or :mod:`assistant.commands`; no Gradio import below ``ui/`` and no Typer
import below ``commands/`` (``cli.py`` and ``clikit.py`` are the command line's own).

Modules: :mod:`~assistant.services.partners` (registry, matching, plan list, network),
:mod:`~assistant.services.ask` (answering and saved conversations),
:mod:`~assistant.services.library` (the workspace's documents),
:mod:`~assistant.services.workshop` (workshop sessions),
:mod:`~assistant.services.plan` (network plans: the form, its members, the draft),
:mod:`~assistant.services.mou` (drafting an MOU, analysing one, sending it to the registry),
:mod:`~assistant.services.assess` (the network health check: scores, advice, saved checks, reports), and
:mod:`~assistant.services.portfolio` (learner-portfolio guides and reflection feedback).
:mod:`~assistant.services.base` holds what they share: :class:`Service`, the drafting services'
index (:class:`~assistant.services.base.DraftingService`) and keeping a draft in the history.
"""

from assistant.services.base import Service

__all__ = ["Service"]
