"""A long action shows its progress on one panel, not on every output (issue #17 item 6)."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest

from assistant.settings import Settings

BUSY = {
    "upload-button",
    "reindex-button",
    "refresh-button",  # Library
    "partners-import",
    "partners-draw",
    "partners-suggest",
    "partners-edit-save",
    "partners-edit-remove",
    "partners-refresh",
    "workshop-make",
    "session-create",
    "dashboard-refresh",
    "dashboard-faq",
    "join-button",  # Workshop
    "participant-ask",
}
"""The buttons of long actions whose events fill several panels."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> gr.Blocks:
    from assistant.ui.app import build

    data = tmp_path_factory.mktemp("data")
    return build(Settings(data_dir=Path(data), corpus_dir=Path(data) / "corpus"))


def test_long_actions_with_several_outputs_show_progress_on_one_panel(demo: gr.Blocks) -> None:
    found = set()
    for fn in demo.fns.values():
        triggers = {getattr(demo.blocks.get(block_id), "elem_id", None) for block_id, _ in fn.targets}
        if not triggers & BUSY:
            continue
        found |= triggers & BUSY
        shown = [o for o in fn.outputs if not isinstance(o, gr.State)]  # a State shows no overlay
        if len(shown) > 1 and fn.show_progress != "hidden":
            assert len(fn.show_progress_on or []) == 1, (triggers, [o.elem_id for o in shown])
            assert fn.show_progress_on[0] in shown
    assert found == BUSY
