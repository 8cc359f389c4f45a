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


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The embedding model folder: built once from the packaged weights, then reused."""
    from tests.model_fixture import built_model_dir

    return built_model_dir()


@pytest.fixture(scope="session")
def embedder(model_dir: Path):
    """One loaded embedder for the whole session (each load costs about 1 GB)."""
    from tests.model_fixture import shared_embedder

    return shared_embedder()


@pytest.fixture()
def store(tmp_path: Path, embedder):
    """An empty store (SQLite manifest + embedded Chroma) in a temporary data directory."""
    from ingest.store import Store

    s = Store.open(tmp_path / "data", embedder)
    yield s
    s.manifest.close()
