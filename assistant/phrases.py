"""Bilingual wording loaded from the YAML data files: a text in Thai and English, and a phrase to fill.

Usage:
    >>> from assistant.phrases import Phrase
    >>> p = Phrase(th="ใช้เวลา {hours} ชั่วโมง", en="takes {hours} hours")
    >>> p.fill("en", hours=3)
    'takes 3 hours'
    >>> Phrase(th="{a}", en="{b}")
    Traceback (most recent call last):
    ValidationError: ... th and en use different placeholders: ['a'] and ['b']

The templates of the tools (``corpus/templates/*.yaml``) declare their wording with these
types, so a missing language or a placeholder that differs between the two is an error when
the file loads, not a broken sentence in a teacher's document.
"""

from __future__ import annotations

import string
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator


class Text(BaseModel):
    """A bilingual string."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    th: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``"th"``; anything else gives English)."""
        return self.th if lang == "th" else self.en


class Phrase(Text):
    """A fixed piece of wording: both languages non-empty, with the same ``{placeholders}``."""

    @model_validator(mode="after")
    def _same_placeholders(self) -> Self:
        if not self.th.strip() or not self.en.strip():
            raise ValueError("needs a text in both th and en")
        th, en = placeholders(self.th), placeholders(self.en)
        if th != en:
            raise ValueError(f"th and en use different placeholders: {sorted(th)} and {sorted(en)}")
        return self

    def fill(self, lang: str, **values: Any) -> str:
        """The text in ``lang`` with its placeholders filled (str.format)."""
        return self.get(lang).format(**values)


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a format string uses; a ValueError naming the text for an unmatched brace."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from None
