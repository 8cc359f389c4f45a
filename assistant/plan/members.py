"""The network's members: a name, ``"name | type"``, a mapping or a partner id resolved to a role group.

The role groups (school, university, local government, business, community) and the partner
types and name keywords that lead to each are data in ``prompts/plan.yaml`` (``role_groups``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from assistant.plan.partners import PartnerBook
from assistant.plan.wording import phrase, plan_text

PARTNER_ID = re.compile(r"^[Pp]\d{3,}$")
GROUPS: tuple[str, ...] = ("school", "university", "local_government", "business", "community")
"""The kinds of member the plan assigns duties to (see ``role_groups`` in prompts/plan.yaml)."""


class Member(BaseModel):
    """A member organisation after resolution: its names, partner id (when registered) and kind."""

    model_config = ConfigDict(frozen=True)

    name_th: str
    name_en: str = ""
    partner_id: str | None = None
    group: str
    type: str = ""

    def name(self, language: str) -> str:
        first, second = (self.name_en, self.name_th) if language == "en" else (self.name_th, self.name_en)
        return first or second or (self.partner_id or "")

    def identity(self) -> set[str]:
        """The strings that identify this organisation (for duplicate checks)."""
        found = {norm_text(self.name_th), norm_text(self.name_en)} - {""}
        if self.partner_id:
            found.add(self.partner_id.upper())
        return found


def norm_text(text: str) -> str:
    """``text`` with its whitespace collapsed and case folded (for comparing names and words)."""
    return " ".join(str(text).split()).casefold()


def has_word(text: str, word: str) -> bool:
    """Whether ``word`` is in ``text`` (case-folded): a whole word in Latin script, a substring in Thai."""
    word = word.casefold().strip()
    if not word:
        return False
    if word.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text.casefold()) is not None
    return word in text.casefold()


def group_of_type(partner_type: str) -> str | None:
    """The plan's role group of a registry type (``lao`` → ``local_government``), or None."""
    wanted = partner_type.strip().lower()
    for group, spec in phrase("role_groups", "th").items():
        names = {group, norm_text(spec["name"]["th"]), norm_text(spec["name"]["en"]), *spec["types"]}
        if wanted in names or norm_text(partner_type) in names:
            return group
    return None


def group_of_name(name: str) -> str:
    """The role group suggested by the words of a free-text organisation name."""
    text = norm_text(name)
    for group, spec in phrase("role_groups", "th").items():
        if any(has_word(text, word) for word in spec["keywords"]):
            return group
    return str(plan_text()["default_group"])


def resolve_member(item: Any, book: PartnerBook) -> Member:
    """One member entry → :class:`Member`: a partner id, ``"name"``, ``"name | type"`` or a mapping.

    Raises ValueError with the reason (unknown partner id, unknown type, empty name).
    """
    if isinstance(item, Member):
        return item
    name, kind = "", ""
    if isinstance(item, Mapping):
        unknown = set(item) - {"name", "type", "id"}
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}; use name, type or id")
        name = str(item.get("id") or item.get("name") or "").strip()
        kind = str(item.get("type") or "").strip()
    elif isinstance(item, str):
        name, _, kind = (part.strip() for part in item.partition("|"))
    else:
        raise ValueError(f"expected a name or a partner id, got {type(item).__name__}")
    if not name:
        raise ValueError("the organisation name is empty")
    group = None
    if kind:
        group = group_of_type(kind)
        if group is None:
            raise ValueError(f"unknown type {kind!r}; use one of: {', '.join(GROUPS)}")
    if PARTNER_ID.match(name):
        partner = book.get(name)
        if partner is None:
            raise ValueError(f"no partner with id {name.upper()} in {book.origin}")
        return Member(
            name_th=partner.name_th,
            name_en=partner.name_en,
            partner_id=partner.id,
            group=group or group_of_type(book.type_of(partner)) or group_of_name(partner.name_th),
            type=book.type_of(partner),
        )
    return Member(name_th=name, group=group or group_of_name(name))
