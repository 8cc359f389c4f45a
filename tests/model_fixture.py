"""The embedding model that tests share: built once, then reused across test runs.

The folder is ``$EDUNET_TEST_MODEL_DIR`` (set by scripts/test.sh), else
``$EDUNET_MODEL_DIR``, else ``~/.cache/edunet-test/e5-small``. The first build
takes about 20 s and 466 MB of disk; later calls only read its marker file.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ingest.embeddings import Embedder, build_e5_folder

DEFAULT_TEST_MODEL_DIR = Path.home() / ".cache" / "edunet-test" / "e5-small"


def model_dir_for_tests() -> Path:
    """Where the shared test build lives (environment variables first, then the default cache)."""
    for name in ("EDUNET_TEST_MODEL_DIR", "EDUNET_MODEL_DIR"):
        value = os.environ.get(name)
        if value:
            return Path(value).expanduser()
    return DEFAULT_TEST_MODEL_DIR


@lru_cache(maxsize=1)
def built_model_dir() -> Path:
    """Build (first time only) and verify the e5 folder, and return its path."""
    return build_e5_folder(model_dir_for_tests(), verify=True)


@lru_cache(maxsize=1)
def shared_embedder() -> Embedder:
    """One loaded Embedder for all test modules, so the ~1 GB model is loaded once per session."""
    return Embedder(built_model_dir())
