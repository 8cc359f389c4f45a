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


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _roots(path: Path) -> set[str]:
    return {m.split(".")[0] for m in _imports(path)}


def test_gradio_only_in_ui_and_typer_only_in_the_command_line() -> None:
    """No Gradio import below ``assistant/ui/``; Typer only in ``commands/`` and the CLI's own cli/clikit."""
    cli_files = {ROOT / "assistant" / "cli.py", ROOT / "assistant" / "clikit.py"}
    ui, commands = ROOT / "assistant" / "ui", ROOT / "assistant" / "commands"
    gradio = [
        str(p.relative_to(ROOT))
        for p in [*_modules("assistant"), *_modules("ingest")]
        if "gradio" in _roots(p) and ui not in p.parents
    ]
    typer = [
        str(p.relative_to(ROOT))
        for p in [*_modules("assistant"), *_modules("ingest")]
        if "typer" in _roots(p) and commands not in p.parents and p not in cli_files
    ]
    assert gradio == [] and typer == []


def test_services_never_import_the_front_ends() -> None:
    """``assistant/services/`` is below the tabs and the commands: it imports neither, nor Gradio or Typer."""
    banned = ("assistant.ui", "assistant.commands", "assistant.cli", "assistant.clikit", "gradio", "typer")
    offenders = {
        str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if m.startswith(banned))
        for p in _modules("assistant/services")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_signature_lets_the_principal_be_left_out() -> None:
    """A ``principal`` parameter never has a default: no call can skip the access rule by omission."""
    offenders = []
    for path in _modules("assistant"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            defaults = dict(
                zip(
                    [a.arg for a in positional[len(positional) - len(args.defaults) :]],
                    args.defaults,
                    strict=True,
                )
            )
            defaults |= {
                a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
            }
            if "principal" in defaults:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert offenders == []


MAX_FRONT_END_FUNCTION = 120
"""The longest a function in ``assistant/ui/`` or ``assistant/commands/`` may be, in lines."""

LONG_FRONT_END_FUNCTIONS: dict[str, int] = {
    # Functions still over the limit, with their length when this list was made (issue #17):
    # the list may only shrink. Take an entry out once the function is split; lower its
    # number when it gets shorter.
}


def _function_lengths(path: Path) -> dict[str, int]:
    """Every function of a module (nested ones too, by dotted name) and its length in lines."""
    found: dict[str, int] = {}

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                found[name] = (child.end_lineno or child.lineno) - child.lineno + 1
                walk(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")

    walk(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def test_front_end_functions_are_short() -> None:
    """Tabs and commands are thin: no function over 120 lines but the listed ones, which only shrink."""
    long: dict[str, int] = {}
    for package in ("assistant/ui", "assistant/commands"):
        for path in _modules(package):
            for name, lines in _function_lengths(path).items():
                if lines > MAX_FRONT_END_FUNCTION:
                    long[f"{path.relative_to(ROOT)}:{name}"] = lines
    new = {k: v for k, v in long.items() if k not in LONG_FRONT_END_FUNCTIONS}
    grown = {
        k: v for k, v in long.items() if k in LONG_FRONT_END_FUNCTIONS and v > LONG_FRONT_END_FUNCTIONS[k]
    }
    fixed = sorted(set(LONG_FRONT_END_FUNCTIONS) - set(long))
    assert new == {}, f"functions over {MAX_FRONT_END_FUNCTION} lines in ui/ or commands/: {new}"
    assert grown == {}, f"listed functions grew (split them instead): {grown}"
    assert fixed == [], f"now short enough: take them off LONG_FRONT_END_FUNCTIONS: {fixed}"


def test_ingest_never_imports_assistant() -> None:
    offenders = [
        p.name
        for p in (ROOT / "ingest").rglob("*.py")
        if any(m.split(".")[0] == "assistant" for m in _imports(p))
    ]
    assert offenders == []


LIBRARY_MODULES = [
    "ingest.pipeline",
    "ingest.store",
    "ingest.embeddings",
    "assistant.retrieval.hybrid",
    "assistant.settings",
    "assistant.cli",
    "assistant.drafting.knowledge",
    "assistant.llm.backends",
    "assistant.llm.embedded",
    "assistant.ask",
    "assistant.drafting.engine",
    "assistant.drafting.export",
    "assistant.plan",
    "assistant.mou",
    "assistant.mou.analysis",
    "assistant.mou.draft",
    "assistant.assess",
    "assistant.assess.radar",
    "assistant.partners.registry",
    "assistant.partners.matching",
    "assistant.partners.cover",
    "assistant.partners.network",
    "assistant.portfolio",
    "assistant.portfolio.reflection",
    "assistant.llm.privacy",
    "assistant.workshop",
    "assistant.sessions",
    "assistant.access.accounts",
    "assistant.access.workspaces",
    "assistant.access.history",
    "assistant.access.ratelimit",
    "assistant.services",
    "assistant.services.ask",
    "assistant.services.library",
    "assistant.services.partners",
    "assistant.services.workshop",
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
