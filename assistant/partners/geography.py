"""Where partners are: great-circle distances, ``LAT,LON`` locations, province names in Thai or English."""

from __future__ import annotations

import math
import re
from functools import cache

EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def parse_near(text: str) -> tuple[float, float]:
    """``"12.61,102.10"`` → ``(12.61, 102.10)``; a ValueError explains a malformed location."""
    parts = [p.strip() for p in (text or "").replace(" ", ",").split(",") if p.strip()]
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise ValueError(
            f"bad location {text!r}: use LAT,LON in decimal degrees, e.g. 12.61,102.10"
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"bad location {text!r}: latitude -90..90, longitude -180..180")
    return lat, lon


@cache
def _province_aliases() -> dict[str, str]:
    """Lower-case English and Thai province names (and abbreviations) → the Thai name."""
    from pythainlp.corpus import provinces

    aliases: dict[str, str] = {}
    for entry in provinces(details=True):
        for key in ("name_th", "name_en", "abbr_en"):
            if entry.get(key):
                aliases[str(entry[key]).strip().lower().replace(" ", "")] = entry["name_th"]
    return aliases


def province_key(name: str) -> str:
    """A province name in Thai or English reduced to one comparable key (the Thai name when known)."""
    key = (name or "").strip().lower()
    key = re.sub(r"^(จังหวัด|จ\.)\s*", "", key).replace(" ", "")
    return _province_aliases().get(key, key)
