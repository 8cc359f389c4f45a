"""The plan's fixed wording: ``prompts/plan.yaml`` read once, and :func:`phrase` to look entries up."""

from __future__ import annotations

from functools import cache
from typing import Any

from assistant.datafiles import load_mapping
from assistant.drafting.engine import PROMPTS_DIR

PLAN_PROMPTS = PROMPTS_DIR / "plan.yaml"


@cache
def plan_text() -> dict[str, Any]:
    """``prompts/plan.yaml``, read once; a clear error when it is missing."""
    if not PLAN_PROMPTS.is_file():
        raise ValueError(f"the plan wording file is missing: {PLAN_PROMPTS}")
    return load_mapping(PLAN_PROMPTS)


def phrase(path: str, language: str, **values: Any) -> Any:
    """The entry at dotted ``path`` of prompts/plan.yaml in ``language``, with placeholders filled.

    >>> phrase("sections.component", "en", n=1, name="Stakeholders")
    'Component 1: Stakeholders'
    """
    node: Any = plan_text()
    for part in path.split("."):
        try:
            node = node[part]
        except (KeyError, TypeError):
            raise KeyError(f"no entry {path!r} in {PLAN_PROMPTS.name}") from None
    if isinstance(node, dict) and language in node:
        node = node[language]
    if isinstance(node, str) and values:
        return node.format(**values)
    return node
