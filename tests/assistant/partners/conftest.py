"""Fixtures for the partner tools: the real corpus registry, embedded once per session and copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.partners.registry import Registry

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "corpus"


def copy_registry(source: Path, target: Path) -> Path:
    """Copy a registry file (and any WAL side files) to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{source}{suffix}")
        if src.exists():
            shutil.copy2(src, f"{target}{suffix}")
    return target


@pytest.fixture(scope="session")
def corpus_registry_file(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """A registry seeded from corpus/partners.csv and the MOU front matter, with its vectors cached."""
    from assistant.partners.matching import build_index

    path = tmp_path_factory.mktemp("partners") / "partners.sqlite"
    registry = Registry(path)
    assert registry.seed_if_empty(CORPUS) is not None
    build_index(registry, embedder)
    return path


@pytest.fixture()
def corpus_registry(corpus_registry_file: Path, tmp_path: Path) -> Registry:
    """A private copy of the corpus registry (tests may write to it)."""
    return Registry(copy_registry(corpus_registry_file, tmp_path / "reg" / "partners.sqlite"))
