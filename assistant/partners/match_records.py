"""What matching takes and returns: filters, modes, reasons, MOU citations, suggestions, the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assistant.partners.models import MouRecord, Partner, PartnerType


class Mode(StrEnum):
    """Which evidence ranks partners (the benchmark compares them)."""

    COMBINED = "combined"
    DENSE = "dense"
    BM25 = "bm25"


@dataclass(frozen=True)
class MatchFilters:
    """Structured filters: partner types, provinces, and a maximum distance from a point."""

    types: tuple[PartnerType, ...] = ()
    provinces: tuple[str, ...] = ()
    near: tuple[float, float] | None = None  # (lat, lon)
    max_km: float | None = None
    exclude: tuple[str, ...] = ()  # partner ids never suggested (e.g. the school itself)

    def __post_init__(self) -> None:
        if self.max_km is not None:
            if self.near is None:
                raise ValueError("a maximum distance needs a location (near LAT,LON)")
            if not self.max_km > 0:
                raise ValueError(f"the maximum distance must be positive, not {self.max_km}")
        if self.near is not None:
            lat, lon = self.near
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"bad location {lat},{lon}: latitude -90..90, longitude -180..180")


@dataclass
class Reason:
    """Why a partner was suggested for one need: the capability text matched, and how well."""

    need: str
    need_index: int
    text: str
    kind: str  # "capability" or "resource"
    score: float  # combined relevance 0..1
    dense: float  # raw cosine similarity
    bm25: float  # raw BM25 score
    covers: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass
class Citation:
    """A passage of an indexed MOU document that backs a partner's relationship (retrieved text only)."""

    mou_id: str
    source: str
    page: int
    text: str
    chunk_id: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return dict(self.__dict__)


@dataclass
class Suggestion:
    """One ranked partner with its reasons, distance and evidence."""

    partner: Partner
    score: float
    reasons: list[Reason]
    distance_km: float | None = None
    boost: float = 0.0
    mous: list[MouRecord] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    @property
    def covered(self) -> set[int]:
        """Indexes of the needs this partner covers."""
        return {r.need_index for r in self.reasons if r.covers}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "id": self.partner.id,
            "name_th": self.partner.name_th,
            "name_en": self.partner.name_en,
            "type": self.partner.type.value,
            "province": self.partner.province,
            "district": self.partner.district,
            "status": self.partner.status.value,
            "score": round(self.score, 4),
            "boost": round(self.boost, 4),
            "distance_km": None if self.distance_km is None else round(self.distance_km, 2),
            "reasons": [r.to_dict() for r in self.reasons],
            "covers": sorted(self.covered),
            "mous": [{"id": m.id, "title": m.title, "end_date": m.end_date} for m in self.mous],
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass
class MatchResult:
    """The needs, the ranked suggestions and which partners cover which needs (for the set cover)."""

    needs: list[str]
    suggestions: list[Suggestion]
    coverage: dict[str, set[int]]  # every allowed partner that covers at least one need
    scores: dict[str, float]
    excluded_no_coords: list[str] = field(default_factory=list)
    mode: Mode = Mode.COMBINED
    _explain: Callable[[str], Suggestion | None] | None = field(default=None, repr=False)

    def explain(self, partner_id: str) -> Suggestion | None:
        """The suggestion (reasons, distance, evidence) for any allowed partner, shown or not."""
        known = next((s for s in self.suggestions if s.partner.id == partner_id), None)
        if known is not None or self._explain is None:
            return known
        return self._explain(partner_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "needs": self.needs,
            "mode": self.mode.value,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "excluded_no_coords": self.excluded_no_coords,
        }
