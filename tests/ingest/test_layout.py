"""The index's file names: one place, shared by the store and the assistant's settings."""

from __future__ import annotations

from pathlib import Path

from ingest.layout import CHROMA_DIR, MANIFEST_FILE, chroma_path, manifest_path


def test_the_index_files_are_named_under_the_data_folder(tmp_path: Path) -> None:
    assert manifest_path(tmp_path) == tmp_path / "edunet.db" == tmp_path / MANIFEST_FILE
    assert chroma_path(str(tmp_path)) == tmp_path / "chroma" == tmp_path / CHROMA_DIR

