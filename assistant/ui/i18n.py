"""The interface's strings, Thai and English, read from ``labels.yaml``.

Usage:
    >>> from assistant.ui.i18n import get_labels
    >>> labels = get_labels()
    >>> labels.text("ask.send", "th")
    'ถาม'
    >>> labels.text("library.removed", "en", name="mou.pdf")
    'Removed mou.pdf from the library.'

Keys are dotted paths into the YAML files: ``labels.yaml`` (app, Ask, Library) and one file
per tool tab in ``labels/`` (``labels/plan.yaml`` holds ``plan.*``); a key defined twice is
an error. Every key carries every language in
``LANGUAGES``; a missing one is an error at load time, not a blank label at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from assistant.datafiles import load_yaml

LANGUAGES: tuple[str, ...] = ("th", "en")
DEFAULT_LANGUAGE = "th"
LABELS_FILE = Path(__file__).with_name("labels.yaml")
LABELS_DIR = Path(__file__).with_name("labels")


def normalize_language(code: str | None) -> str:
    """A supported language code; anything else becomes the default (Thai)."""
    code = (code or "").strip().lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Labels:
    """All UI strings: ``key -> {language: text}``."""

    table: dict[str, dict[str, str]]

    def text(self, key: str, lang: str | None = None, **values: Any) -> str:
        """The string for ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
        try:
            entry = self.table[key]
        except KeyError:
            raise KeyError(f"no UI label {key!r} in {LABELS_FILE.name}") from None
        template = entry[normalize_language(lang)]
        return template.format(**values) if values else template

    def keys(self, prefix: str = "") -> list[str]:
        """Every key, or those under ``prefix`` (e.g. ``"library.status."``)."""
        return [k for k in self.table if k.startswith(prefix)]

    def language(self, lang: str | None) -> dict[str, str]:
        """Every string in one language."""
        code = normalize_language(lang)
        return {key: entry[code] for key, entry in self.table.items()}


def parse_labels(data: Any) -> Labels:
    """Flatten the nested YAML mapping into dotted keys, checking every leaf has every language."""
    table: dict[str, dict[str, str]] = {}

    def walk(node: Any, path: list[str]) -> None:
        if not isinstance(node, dict) or not node:
            raise ValueError(f"label {'.'.join(path) or '<root>'} must be a non-empty mapping")
        if set(node) & set(LANGUAGES):
            missing = [code for code in LANGUAGES if not isinstance(node.get(code), str) or not node[code]]
            if missing or set(node) - set(LANGUAGES):
                raise ValueError(f"label {'.'.join(path)} needs exactly {LANGUAGES} as text; check {missing}")
            table[".".join(path)] = {code: node[code] for code in LANGUAGES}
            return
        for name, child in node.items():
            walk(child, [*path, str(name)])

    walk(data, [])
    return Labels(table)


def load_labels(path: Path = LABELS_FILE, extra_dir: Path | None = LABELS_DIR) -> Labels:
    """Read and check a labels file, plus every ``*.yaml`` in ``extra_dir``; keys must not repeat."""
    table = dict(parse_labels(load_yaml(path)).table)
    files = sorted(extra_dir.glob("*.yaml")) if extra_dir is not None and extra_dir.is_dir() else []
    for extra in files:
        try:
            more = parse_labels(load_yaml(extra)).table
        except ValueError as exc:
            raise ValueError(f"{extra.name}: {exc}") from None
        clash = sorted(set(more) & set(table))
        if clash:
            raise ValueError(f"{extra.name}: label(s) already defined elsewhere: {', '.join(clash)}")
        table.update(more)
    return Labels(table)


@cache
def get_labels() -> Labels:
    """The packaged labels, read once per process."""
    return load_labels()
