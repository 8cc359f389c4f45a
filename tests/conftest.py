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


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real Chroma server on loopback: scripts/test.sh's (EDUNET_TEST_CHROMA_URL), else one started here."""
    from tests.fixtures.chroma import ChromaServer, server_from_env

    shared = server_from_env()
    if shared is not None:
        yield shared
        return
    server = ChromaServer.start(tmp_path_factory.mktemp("chroma-server") / "db")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def corpus_data_dir(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """A data directory with the repo's ``corpus/`` indexed into workspace ``default`` (built once).

    Read-only by convention: tests that write (ingest, remove) use their own store. Use it
    with ``EDUNET_DATA_DIR`` for CLI tests, or through ``corpus_store`` in the library.
    """
    from ingest.pipeline import ingest
    from ingest.store import Store

    data = tmp_path_factory.mktemp("corpus-index")
    store = Store.open(data, embedder)
    try:
        report = ingest([ROOT / "corpus"], store, workspace="default")
        assert report.ok, report
    finally:
        store.manifest.close()
    return data


@pytest.fixture(scope="session")
def corpus_store(corpus_data_dir: Path, embedder):
    """The indexed starter corpus as an open store (workspace ``default``)."""
    from ingest.store import Store

    store = Store.open(corpus_data_dir, embedder)
    yield store
    store.manifest.close()
