"""Shared fixtures: where the repo, the shared test data and the built model live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EDUNET_SHARED", ROOT.parent / "shared"))
TESTDATA = SHARED / "testdata"
PDF_DIR = TESTDATA / "pdf"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def pdf_dir() -> Path:
    """The real test PDFs; skips the test with a reason when ../shared is absent."""
    if not PDF_DIR.is_dir():
        pytest.skip(f"shared test data not found at {PDF_DIR} (set EDUNET_SHARED)")
    return PDF_DIR


@pytest.fixture(scope="session")
def qa_dir() -> Path:
    qa = TESTDATA / "qa"
    if not qa.is_dir():
        pytest.skip(f"shared QA data not found at {qa} (set EDUNET_SHARED)")
    return qa


def _model_dir() -> Path:
    """The embedding model folder the tests use: built once from the packaged weights, then reused."""
    from ingest.embeddings import build_e5_folder

    configured = os.environ.get("EDUNET_TEST_MODEL_DIR") or os.environ.get("EDUNET_MODEL_DIR")
    target = Path(configured) if configured else Path.home() / ".cache" / "edunet-test" / "e5-small"
    return build_e5_folder(target, verify=False)


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return _model_dir()


@pytest.fixture(scope="session")
def embedder(model_dir: Path):
    from ingest.embeddings import Embedder

    return Embedder(model_dir)


@pytest.fixture()
def store(tmp_path: Path, embedder):
    """An empty store (SQLite manifest + embedded Chroma) in a temporary data directory."""
    from ingest.store import Store

    s = Store.open(tmp_path / "data", embedder)
    yield s
    s.manifest.close()
