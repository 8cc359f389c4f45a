"""``edunet plan``: a cited network plan from a YAML form, as DOCX, Markdown or JSON.

Usage:
    edunet plan --input examples/plan.th.yaml -o plan.docx                 # format from the suffix
    edunet plan --input plan.yaml --format md -o plan.md --backend none
    edunet plan --input plan.yaml --json                                   # Draft.to_json() on stdout
    edunet plan --input - < plan.yaml -o out.docx -w network-a

A form with problems exits with code 2 and lists every problem (one per line); the
output file is written atomically, so a failed run never leaves a corrupt file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.access.workspaces import SYSTEM
from assistant.clikit import BackendOpt, FormatOpt, JsonOpt, OutputOpt, WorkspaceOpt, run_draft
from assistant.clikit import settings as _settings
from assistant.clikit import workspace as _workspace


def register(app: typer.Typer) -> None:
    """Add the ``plan`` command."""

    @app.command("plan")
    def plan(
        input_path: Annotated[
            Path, typer.Option("--input", "-i", help="the plan form (YAML or JSON; '-' reads stdin)")
        ],
        output: OutputOpt = None,
        fmt: FormatOpt = None,
        backend: BackendOpt = None,
        workspace: WorkspaceOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Draft a network plan (7 components, timeline, PDCA, risks, success factors) with citations."""
        from assistant.plan.draft import stream_plan
        from assistant.services.plan import PlanService

        service, ws = PlanService(_settings()), _workspace(workspace)
        run_draft(
            "plan",
            input_path,
            lambda data: service.parse(SYSTEM, ws, data),
            stream_plan,
            output=output,
            fmt=fmt,
            workspace_name=ws,
            backend=backend,
            as_json=as_json,
        )
