"""Where an installation's index lives in its data folder: the file names, in one place.

    >>> from ingest.layout import manifest_path, chroma_path
    >>> manifest_path(Path("data"))        # data/edunet.db: documents, chunks and workspaces
    >>> chroma_path(Path("data"))          # data/chroma: the embedded vector index

``assistant.settings.Settings`` names the same paths (``settings.manifest_path``,
``settings.chroma_dir``) for the rest of the application; ``ingest`` never imports it.
"""

from __future__ import annotations

from pathlib import Path

MANIFEST_FILE = "edunet.db"
"""The SQLite manifest of indexed documents and chunks."""
CHROMA_DIR = "chroma"
"""The embedded Chroma index's folder."""


def manifest_path(data_dir: Path | str) -> Path:
    """``<data_dir>/edunet.db``."""
    return Path(data_dir) / MANIFEST_FILE


def chroma_path(data_dir: Path | str) -> Path:
    """``<data_dir>/chroma``."""
    return Path(data_dir) / CHROMA_DIR
