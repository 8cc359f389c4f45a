"""The tool commands of ``edunet``, one module per tool; each exposes ``register(app)``.

Adding a command group: write ``assistant/commands/<tool>.py`` with
``register(app: typer.Typer) -> None`` (add commands or a sub-``Typer`` to ``app``),
keep heavy imports inside the command functions, and add the module name to ``MODULES``.
"""

from __future__ import annotations

import importlib

import typer

MODULES: tuple[str, ...] = ("users", "partners", "plan", "mou", "assess", "workshop", "portfolio")
"""Command modules under ``assistant.commands``, in help order."""


def register_all(app: typer.Typer) -> None:
    """Register every command module's commands on ``app``."""
    for name in MODULES:
        importlib.import_module(f"assistant.commands.{name}").register(app)
