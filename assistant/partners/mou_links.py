"""MOUs in the registry: records from the corpus's front matter, and an MOU's parties matched to partners."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from assistant.partners.models import MouRecord, Partner, PartnerStatus, PartnerType


def load_mou_front_matter(folder: Path) -> list[MouRecord]:
    """MOU records from the YAML front matter of the Markdown files in ``folder`` (``corpus/mou``).

    Files without an ``id`` in their front matter are skipped.
    """
    import frontmatter

    records = []
    for path in sorted(Path(folder).glob("*.md")):
        meta = frontmatter.loads(path.read_text(encoding="utf-8")).metadata
        if not meta.get("id"):
            continue
        records.append(
            MouRecord(
                id=str(meta["id"]),
                title=str(meta.get("title") or ""),
                parties=[str(p) for p in meta.get("parties") or []],
                start_date=iso_text(meta.get("start_date")),
                end_date=iso_text(meta.get("end_date")),
                source=f"{Path(folder).name}/{path.name}",
            )
        )
    return records


def normalize_name(name: str) -> str:
    """A name reduced for matching: NFC, lower case, no spaces, punctuation or "(fictional)" notes."""
    text = unicodedata.normalize("NFC", name).lower()
    text = re.sub(r"\((สมมติ|fictional)\)", "", text)
    return "".join(ch for ch in text if ch.isalnum() or "\u0e00" <= ch <= "\u0e7f")


def record_field(record: Mapping[str, Any] | Any, name: str) -> Any:
    """A field of an MOU analysis record given as a mapping or an object (None when absent)."""
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name, None)


def iso_text(value: Any) -> str:
    """A date (or date text) as ISO text; empty for None."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def has_thai(text: str) -> bool:
    """Whether ``text`` has a Thai character."""
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def match_party(party: str, known: Sequence[Partner]) -> tuple[Partner | None, str]:
    """The registered partner an MOU party names: by id, exact name, then the longest contained name."""
    for p in known:
        if party.upper() == p.id.upper():
            return p, "id"
    key = normalize_name(party)
    if not key:
        return None, ""
    for p in known:
        if key in {normalize_name(p.name_th), normalize_name(p.name_en)} - {""}:
            return p, "name"
    best: tuple[int, Partner] | None = None
    for p in known:
        for name in (normalize_name(p.name_th), normalize_name(p.name_en)):
            contained = len(name) >= 6 and len(key) >= 6 and (name in key or key in name)
            if contained and (best is None or len(name) > best[0]):
                best = (len(name), p)
    return (best[1], "name") if best else (None, "")


def new_partner(party: str, ended: bool) -> Partner:
    """A partner for an MOU party no registered name matched: type ``other``, id from its name."""
    digest = hashlib.sha1(normalize_name(party).encode("utf-8")).hexdigest()[:8].upper()
    thai = has_thai(party)
    return Partner(
        id=f"M-{digest}",
        name_th=party if thai else "",
        name_en="" if thai else party,
        type=PartnerType.OTHER,
        status=PartnerStatus.INACTIVE if ended else PartnerStatus.ACTIVE,
    )
