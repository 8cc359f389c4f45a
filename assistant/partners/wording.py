"""``prompts/partners.yaml``: the conjunctions and filler words of needs, and the th/en sentences."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.partners.match_records import Reason

PROMPTS_FILE = Path(__file__).resolve().parents[2] / "prompts" / "partners.yaml"


@cache
def domain_text() -> dict[str, Any]:
    """``prompts/partners.yaml``: conjunctions for splitting needs and the th/en sentence templates."""
    from assistant.datafiles import load_mapping

    data = load_mapping(PROMPTS_FILE)
    for key, entry in data["text"].items():
        if not isinstance(entry, dict) or not entry.get("th") or not entry.get("en"):
            raise ValueError(f"{PROMPTS_FILE.name}: text.{key} needs th and en")
    return data


def say(key: str, lang: str, **values: Any) -> str:
    """A sentence from ``prompts/partners.yaml`` in ``lang`` (``th`` or ``en``) with values filled in."""
    entry = domain_text()["text"][key]
    return entry["en" if lang == "en" else "th"].format(**values)


def reason_text(reason: Reason, lang: str) -> str:
    """One reason as a sentence in ``lang``."""
    kind = say(f"kind_{reason.kind}", lang)
    return say("reason", lang, need=reason.need, kind=kind, text=reason.text, score=reason.score)
