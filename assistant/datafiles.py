"""The one loader of the YAML data files (prompts, labels, templates, corpus lists), cached.

Usage:
    >>> from assistant.datafiles import load_mapping, load_yaml
    >>> wording = load_mapping(PROMPTS_DIR / "plan.yaml")            # a dict; DataFileError naming the file
    >>> table = load_mapping(corpus / "abbreviations.yaml", default={})   # {} when the file is absent

A file is read once per version (the cache key holds its modification time and size, so an edited
file is read again) and every caller gets its own copy, so changing what it got changes nobody
else's. A file that is missing, unreadable or not valid YAML raises :class:`DataFileError`, a
``ValueError`` whose message names the file; modules with their own error type wrap it.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

_REQUIRED: Any = object()


class DataFileError(ValueError):
    """A data file is missing, unreadable, not valid YAML or not the expected shape (its path is named)."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


def load_yaml(path: Path | str, *, default: Any = _REQUIRED) -> Any:
    """The parsed YAML document at ``path`` (None for an empty file); ``default`` when it is absent.

    Without ``default`` a missing file is an error: ``cannot read <path>: no such file``.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        if default is not _REQUIRED:
            return default
        raise DataFileError(path, f"cannot read {path}: no such file") from None
    except OSError as exc:
        raise DataFileError(path, f"cannot read {path}: {exc.strerror or exc}") from None
    return copy.deepcopy(_parsed(path.resolve(), stat.st_mtime_ns, stat.st_size))


def load_mapping(path: Path | str, *, default: dict[str, Any] | None = None) -> dict[str, Any]:
    """The YAML mapping at ``path`` (an empty file is ``{}``); ``default`` when given and the file is absent.

    A file whose top level is not a mapping (a list, a bare string) is a :class:`DataFileError`.
    """
    data = load_yaml(path, default=_REQUIRED if default is None else default)
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise DataFileError(Path(path), f"{path} must hold a mapping at the top level, not a {kind}")
    return data


def clear_cache() -> None:
    """Forget every file read (tests that rewrite a file within the clock's resolution use it)."""
    _parsed.cache_clear()


@lru_cache(maxsize=256)
def _parsed(path: Path, mtime_ns: int, size: int) -> Any:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(path, f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataFileError(path, f"{path} is not valid YAML: {_yaml_problem(exc)}") from None


def _yaml_problem(exc: Exception) -> str:
    """The parser's problem and where it is: ``mapping values are not allowed here (line 3, column 7)``."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else problem
