"""The prompt texts of one language, read from ``prompts/ask.<language>.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from assistant.datafiles import load_mapping
from assistant.settings import REPO_ROOT

PROMPTS_DIR = REPO_ROOT / "prompts"
"""Where ``ask.th.yaml`` and ``ask.en.yaml`` live."""


@dataclass(frozen=True)
class Prompts:
    """The prompt texts of one language, read from ``prompts/ask.<language>.yaml``."""

    language: str
    not_found: str
    no_words: str
    other_language: str
    system: str
    instructions: str
    fence_open: str
    fence_close: str
    passage_template: str
    question_template: str
    points_instruction: str
    list_instruction: str
    retry: dict[str, str]
    extractive_header: str
    rewrite_system: str
    rewrite_template: str
    history_template: str

    def system_message(self) -> str:
        """The system prompt with its rules filled in."""
        rules = self.instructions.format(
            fence_open=self.fence_open, fence_close=self.fence_close, not_found=self.not_found
        )
        return f"{self.system.strip()}\n\n{rules.strip()}"

    def fences(self) -> list[str]:
        """Strings a passage must not contain (they could close the quoted block)."""
        return [self.fence_open, self.fence_close, "<<<", ">>>"]


@cache
def load_prompts(language: str, directory: Path = PROMPTS_DIR) -> Prompts:
    """The prompts for ``language`` ("th" or "en"); raises ValueError naming a missing key or file."""
    path = directory / f"ask.{language}.yaml"
    if not path.is_file():
        raise ValueError(f"no prompt file for language {language!r}: {path}")
    data: dict[str, Any] = load_mapping(path)
    fields = Prompts.__dataclass_fields__
    missing = [name for name in fields if name not in data]
    if missing:
        raise ValueError(f"{path} lacks the keys: {', '.join(missing)}")
    values = {name: data[name] if name == "retry" else str(data[name]) for name in fields}
    return Prompts(**values)
