"""House rules that keep the architecture honest: layering, lazy loading, lint."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_ingest_never_imports_assistant() -> None:
    offenders = [
        p.name
        for p in (ROOT / "ingest").glob("*.py")
        if any(m.split(".")[0] == "assistant" for m in _imports(p))
    ]
    assert offenders == []


LIBRARY_MODULES = [
    "ingest.pipeline",
    "ingest.store",
    "ingest.embeddings",
    "assistant.retrieval",
    "assistant.settings",
    "assistant.cli",
    "assistant.knowledge",
    "assistant.llm",
    "assistant.embedded_llm",
    "assistant.ask",
    "assistant.drafting",
    "assistant.export",
    "assistant.plan",
    "assistant.mou",
    "assistant.mou.analysis",
    "assistant.mou.draft",
    "assistant.assess",
    "assistant.charts",
    "assistant.partners.registry",
    "assistant.partners.matching",
    "assistant.partners.cover",
    "assistant.partners.network",
    "assistant.portfolio",
    "assistant.reflection",
    "assistant.privacy",
    "assistant.workshop",
    "assistant.sessions",
    "assistant.accounts",
    "assistant.workspaces",
    "assistant.history",
    "assistant.ratelimit",
]
# chromadb is not listed: ingest/vectors.py subclasses its EmbeddingFunction (the CLI still
# imports without it, and chromadb loads no model).
HEAVY = [
    "torch",
    "sentence_transformers",
    "transformers",
    "xllamacpp",
    "langchain_openai",
    "langchain_ollama",
    "openai",
    "gradio",
    "matplotlib",
    "plotly",
    "docx",
    "networkx",
    "argon2",
]


def test_importing_the_library_loads_no_model_or_heavy_framework() -> None:
    """The CLI and every tool module import fast: models, charts, DOCX and the web UI load on first use."""
    code = (
        "import importlib, sys\n"
        f"for name in {LIBRARY_MODULES!r}: importlib.import_module(name)\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
