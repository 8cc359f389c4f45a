"""Needs → partners: split a school's needs, score every partner's capabilities, explain the ranking.

Usage:
    >>> from assistant.partners.matching import MatchFilters, suggest
    >>> from assistant.partners.registry import Registry
    >>> reg = Registry.for_workspace(settings, "default", principal=SYSTEM)
    >>> hits = suggest("นักเรียนต้องการฝึกงานด้านการโรงแรมและการท่องเที่ยว", reg, embedder,
    ...                MatchFilters(near=(12.11, 102.28), max_km=80))
    >>> hits[0].partner.id, hits[0].reasons[0].text
    ('P026', 'ฝึกงานด้านการโรงแรม')

How a partner is scored (``Mode.COMBINED``):

1. The needs text is split into separate needs (:func:`split_needs`).
2. Each capability and resource phrase of every partner is a "text". For a need ``n`` and a
   text ``t``: ``dense = cos(e5("query: " + n), e5("passage: " + t))`` and ``bm25`` = Okapi
   BM25 of ``t`` for ``n``'s terms (Thai newmm words and lower-cased English words, from
   :func:`ingest.lexical.tokenize`; IDF over all texts in the registry).
3. Both are normalised per need over all texts of the registry: e5 similarities sit in a
   narrow band (0.75–0.95), so ``d = clip((dense - median) / DENSE_SPAN, 0, 1)`` measures how
   far a text stands above the typical text; ``b = bm25 / max bm25``.
   ``relevance = DENSE_WEIGHT·d + BM25_WEIGHT·b`` (a weighted normalised sum rather than
   reciprocal-rank fusion, because coverage decisions need an absolute score). A partner's
   names are texts too, their relevance times ``NAME_WEIGHT`` ("College of Hotel and Tourism").
4. A partner's relevance to a need is its best text's. Its score is its best need's relevance
   plus ``SECONDARY_WEIGHT`` times the others', counting only relevances that reach
   ``REASON_MIN`` (covering several needs counts, weak noise does not),
   plus a small boost for an existing relationship (``MOU_BOOST`` when it has MOUs,
   ``ACTIVE_BOOST`` when its status is active; ``INACTIVE_PENALTY`` when inactive), minus up to
   ``DISTANCE_PENALTY`` (proportionally to distance / max-km, or / 100 km) when a location is given.
5. A need is *covered* by a partner when the relevance reaches ``COVER_MIN``; the complementary
   set (:mod:`assistant.partners.cover`) works on that.

Filters: partner types, provinces (Thai or English names), and a maximum distance from a point
(haversine). Partners without coordinates are left out when a maximum distance is set; the
result lists them (``MatchResult.excluded_no_coords``).

Text embeddings and BM25 terms are cached in the registry database by content hash, and the
built index is kept in memory per registry version, so a query over 10k partners embeds only
the needs.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.partners.registry import MouRecord, Partner, PartnerStatus, PartnerType, Registry

if TYPE_CHECKING:
    from ingest.embeddings import Embedder
    from ingest.store import Store

PROMPTS_FILE = Path(__file__).resolve().parents[2] / "prompts" / "partners.yaml"

DENSE_WEIGHT = 0.6
BM25_WEIGHT = 0.4
DENSE_SPAN = 0.12
"""A text this far (in cosine) above the median text counts as a full dense match."""
REASON_MIN = 0.35
"""Relevance from which a need counts towards a partner's score and is shown as a reason."""
COVER_MIN = 0.5
"""Relevance from which a partner is taken to cover a need."""
SECONDARY_WEIGHT = 0.5
"""Weight of the needs after a partner's best one (specialists are not buried by generalists)."""
NAME_WEIGHT = 0.9
"""Factor on the relevance of a partner's name (names often say what an organisation does)."""
MOU_BOOST = 0.05
ACTIVE_BOOST = 0.03
INACTIVE_PENALTY = 0.05
DISTANCE_PENALTY = 0.1
DEFAULT_DISTANCE_SCALE_KM = 100.0
BM25_K1 = 1.5
BM25_B = 0.75
EARTH_RADIUS_KM = 6371.0088


class Mode(StrEnum):
    """Which evidence ranks partners (the benchmark compares them)."""

    COMBINED = "combined"
    DENSE = "dense"
    BM25 = "bm25"


class EmptyNeedsError(ValueError):
    """The needs text holds no need; the message says what to type (in Thai, then English)."""


# ---------------------------------------------------------------------- records


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


# ---------------------------------------------------------------------- domain text


@cache
def domain_text() -> dict[str, Any]:
    """``prompts/partners.yaml``: conjunctions for splitting needs and the th/en sentence templates."""
    import yaml

    data = yaml.safe_load(PROMPTS_FILE.read_text(encoding="utf-8"))
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


# ---------------------------------------------------------------------- needs


_SEPARATORS = re.compile(r"[\n\r;•·●▪|]+|(?:^|\s)(?:\d{1,2}[.)]|[-*])\s+|[,،、]\s*")


def split_needs(text: str) -> list[str]:
    """Separate needs in free Thai or English text: lines, ``;``, bullets, commas, then conjunctions.

    A conjunction (``และ``, ``and``, … from ``prompts/partners.yaml``) splits only when both sides
    keep at least ``min_terms`` search terms, so "math and science teachers" stays one need.
    Thai clauses separated by a space are split when both sides are Thai and long enough.
    Raises :class:`EmptyNeedsError` when nothing is left.
    """
    pieces = [p.strip(" .\t") for p in _SEPARATORS.split(text or "")]
    needs: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        for clause in _split_thai_spaces(piece):
            needs.extend(_split_conjunctions(clause))
    needs = [n for n in dict.fromkeys(n.strip(" .") for n in needs) if n and _has_word(n)]
    if not needs:
        raise EmptyNeedsError(f"{say('empty_needs', 'th')} / {say('empty_needs', 'en')}")
    return needs


def _has_word(text: str) -> bool:
    return bool(re.search(r"[\w\u0E00-\u0E7F]", text))


def _split_thai_spaces(text: str) -> list[str]:
    """Thai writes clause breaks as spaces: split there when both sides are Thai clauses of 4+ letters."""
    parts = re.split(r"\s+", text)
    if len(parts) < 2:
        return [text]
    out = [parts[0]]
    for part in parts[1:]:
        prev = out[-1]
        if _ends_thai(prev) and _starts_thai(part) and len(prev) >= 4 and len(part) >= 4:
            out.append(part)
        else:
            out[-1] = f"{prev} {part}"
    return out


def _ends_thai(text: str) -> bool:
    return bool(text) and "\u0e00" <= text[-1] <= "\u0e7f"


def _starts_thai(text: str) -> bool:
    return bool(text) and "\u0e00" <= text[0] <= "\u0e7f"


def _split_conjunctions(text: str) -> list[str]:
    from ingest.lexical import tokenize

    data = domain_text()
    minimum = data.get("min_terms", {"th": 2, "en": 3})
    words = sorted((str(w) for w in data.get("conjunctions", [])), key=len, reverse=True)
    thai = [re.escape(w) for w in words if _starts_thai(w)]
    latin = [re.escape(w) for w in words if not _starts_thai(w)]
    alternatives = [*thai, *(rf"\b{w}\b" for w in latin)]
    if not alternatives:
        return [text]
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    lead = re.compile(rf"^(?:{'|'.join(alternatives)})\s*", re.IGNORECASE)
    text = lead.sub("", text).strip()

    def enough(side: str) -> bool:
        need = int(minimum["th" if any("\u0e00" <= ch <= "\u0e7f" for ch in side) else "en"])
        return len(tokenize(side)) >= need

    for match in pattern.finditer(text):
        left, right = text[: match.start()].strip(), text[match.end() :].strip()
        if left and right and enough(left) and enough(right):
            return [*_split_conjunctions(left), *_split_conjunctions(right)]
    return [text]


def search_terms(text: str) -> list[str]:
    """A need's or a text's BM25 terms: :func:`ingest.lexical.tokenize`, English plurals folded."""
    from ingest.lexical import tokenize

    return [stem(t) for t in tokenize(text)]


def stem(term: str) -> str:
    """Fold simple English plurals (``internships`` → ``internship``, ``libraries`` → ``library``)."""
    if not term.isascii() or not term.isalpha() or len(term) <= 3:
        return term
    if term.endswith("ies") and len(term) > 4:
        return term[:-3] + "y"
    if term.endswith(("sses", "shes", "ches", "xes")):
        return term[:-2]
    if term.endswith("s") and not term.endswith(("ss", "us", "is")):
        return term[:-1]
    return term


def query_text(need: str) -> str:
    """The need as searched: the words that only say "we need" (``prompts/partners.yaml``) removed."""
    fillers = sorted((str(w) for w in domain_text().get("filler_words", [])), key=len, reverse=True)
    if not fillers:
        return need
    thai = [re.escape(w) for w in fillers if _starts_thai(w)]
    latin = [rf"\b{re.escape(w)}\b" for w in fillers if not _starts_thai(w)]
    cleaned = re.sub("|".join([*thai, *latin]), " ", need, flags=re.IGNORECASE)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned if _has_word(cleaned) else need


# ---------------------------------------------------------------------- geography


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


# ---------------------------------------------------------------------- BM25


class BM25:
    """Okapi BM25 over short texts (each a list of terms), with an inverted index in numpy arrays."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = BM25_K1, b: float = BM25_B) -> None:
        """Index ``docs`` (lists of terms)."""
        self.size = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        avg = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        postings: dict[str, dict[int, int]] = {}
        for i, terms in enumerate(docs):
            for term in terms:
                slot = postings.setdefault(term, {})
                slot[i] = slot.get(i, 0) + 1
        self.index: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, docs_tf in postings.items():
            ids = np.fromiter(docs_tf.keys(), dtype=np.int64, count=len(docs_tf))
            tf = np.fromiter(docs_tf.values(), dtype=np.float32, count=len(docs_tf))
            df = len(docs_tf)
            idf = math.log(1 + (self.size - df + 0.5) / (df + 0.5))
            norm = k1 * (1 - b + b * lengths[ids] / avg)
            self.index[term] = (ids, (idf * tf * (k1 + 1) / (tf + norm)).astype(np.float32))

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the query terms (each distinct term counted once)."""
        out = np.zeros(self.size, dtype=np.float32)
        for term in dict.fromkeys(terms):
            hit = self.index.get(term)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out


# ---------------------------------------------------------------------- the index


@dataclass
class MatchIndex:
    """Everything a query needs, built once per registry version: texts, vectors, BM25, partners."""

    partners: list[Partner]
    item_partner: np.ndarray  # item → partner position (items are grouped by partner)
    item_unique: np.ndarray  # item → distinct text position
    item_kind: list[str]
    item_weight: np.ndarray  # item → factor on its relevance (names count a little less)
    starts: np.ndarray  # first item of each partner that has items
    with_items: np.ndarray  # positions of the partners that have items
    texts: list[str]  # distinct texts
    vectors: np.ndarray | None  # distinct texts × dim (None without an embedder)
    bm25: BM25
    mous: dict[str, MouRecord]

    @property
    def position(self) -> dict[str, int]:
        """Partner id → position."""
        return {p.id: i for i, p in enumerate(self.partners)}


_cache_lock = threading.Lock()
_index_cache: dict[tuple[str, str], tuple[int, MatchIndex]] = {}


def model_key(embedder: Embedder | None) -> str:
    """The name the vector cache files embeddings under (the model folder's name)."""
    if embedder is None:
        return ""
    return Path(getattr(embedder, "model_dir", "model")).name or "model"


def text_hash(text: str) -> str:
    """The content hash that keys cached terms and vectors."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_index(
    registry: Registry, embedder: Embedder | None, progress: Callable[[int, int], None] | None = None
) -> MatchIndex:
    """The match index of ``registry`` (cached per registry version and model).

    Missing BM25 terms and embeddings are computed and stored in the registry database;
    ``progress(done, total)`` follows the embedding of new texts.
    """
    key = (str(registry.path.resolve()), model_key(embedder))
    version = registry.version()
    with _cache_lock:
        cached = _index_cache.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        index = _build(registry, embedder, progress)
        _index_cache[key] = (version, index)
        return index


def _build(
    registry: Registry, embedder: Embedder | None, progress: Callable[[int, int], None] | None
) -> MatchIndex:
    from ingest.lexical import tokenize

    partners = registry.all()
    texts: dict[str, int] = {}
    item_partner: list[int] = []
    item_unique: list[int] = []
    item_kind: list[str] = []
    for pos, p in enumerate(partners):
        names = [n for n in (p.name_th, p.name_en) if n]
        for kind, phrases in (("capability", p.capabilities), ("resource", p.resources), ("name", names)):
            for phrase in dict.fromkeys(phrases):
                item_partner.append(pos)
                item_unique.append(texts.setdefault(phrase, len(texts)))
                item_kind.append(kind)
    distinct = list(texts)
    hashes = [text_hash(t) for t in distinct]

    known_terms = registry.cached_terms(hashes)
    new_terms = {h: tokenize(t) for h, t in zip(hashes, distinct, strict=True) if h not in known_terms}
    if new_terms:
        registry.store_terms(new_terms)
    terms = [[stem(t) for t in (known_terms.get(h) or new_terms.get(h) or [])] for h in hashes]

    vectors = None
    if embedder is not None:
        model = model_key(embedder)
        known = registry.cached_vectors(hashes, model)
        missing = [i for i, h in enumerate(hashes) if h not in known]
        if missing:
            done = [0]

            def step(n: int) -> None:
                done[0] += n
                if progress is not None:
                    progress(done[0], len(missing))

            fresh = embedder.embed_passages([distinct[i] for i in missing], progress=step)
            made = {
                hashes[i]: np.asarray(v, dtype=np.float32).tobytes()
                for i, v in zip(missing, fresh, strict=True)
            }
            registry.store_vectors(made, model)
            known.update(made)
        vectors = (
            np.vstack([np.frombuffer(known[h], dtype=np.float32) for h in hashes])
            if hashes
            else np.zeros((0, 1), dtype=np.float32)
        )

    ip = np.asarray(item_partner, dtype=np.int64)
    with_items = np.unique(ip)
    starts = np.searchsorted(ip, with_items) if len(ip) else np.zeros(0, dtype=np.int64)
    return MatchIndex(
        partners=partners,
        item_partner=ip,
        item_unique=np.asarray(item_unique, dtype=np.int64),
        item_kind=item_kind,
        item_weight=np.array([NAME_WEIGHT if k == "name" else 1.0 for k in item_kind], dtype=np.float32),
        starts=starts,
        with_items=with_items,
        texts=distinct,
        vectors=vectors,
        bm25=BM25(terms),
        mous={m.id: m for m in registry.mous()},
    )


# ---------------------------------------------------------------------- matching


def suggest(
    needs_text: str,
    registry: Registry,
    embedder: Embedder | None,
    filters: MatchFilters | None = None,
    *,
    top: int = 10,
    mode: Mode = Mode.COMBINED,
    cite: Callable[[str, str], list[Citation]] | None = None,
) -> list[Suggestion]:
    """Ranked partners for the needs, best first (see the module docstring for the scoring)."""
    return match(needs_text, registry, embedder, filters, top=top, mode=mode, cite=cite).suggestions


def match(
    needs_text: str,
    registry: Registry,
    embedder: Embedder | None,
    filters: MatchFilters | None = None,
    *,
    top: int = 10,
    mode: Mode = Mode.COMBINED,
    cite: Callable[[str, str], list[Citation]] | None = None,
) -> MatchResult:
    """Split the needs, score every allowed partner, and return the top ``top`` with reasons.

    ``embedder`` None means BM25 only. ``cite(mou_id, query)`` returns citations into indexed
    MOU documents for the evidence (see :func:`mou_citer`). Raises :class:`EmptyNeedsError`
    for a needs text with no need in it.
    """
    needs = split_needs(needs_text)
    filters = filters or MatchFilters()
    if mode != Mode.BM25 and embedder is None:
        raise ValueError(f"{mode.value} matching needs the embedding model")
    index = build_index(registry, embedder)
    return _rank(needs, index, embedder, filters, top, mode, cite)


def relevance_matrix(
    needs: Sequence[str], index: MatchIndex, embedder: Embedder | None, mode: Mode = Mode.COMBINED
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct text and need: (relevance, raw cosine, raw BM25), each of shape texts × needs."""
    n_texts = len(index.texts)
    dense_raw = np.zeros((n_texts, len(needs)), dtype=np.float32)
    bm25_raw = np.zeros((n_texts, len(needs)), dtype=np.float32)
    rel = np.zeros((n_texts, len(needs)), dtype=np.float32)
    if n_texts == 0:
        return rel, dense_raw, bm25_raw
    searched = [query_text(n) for n in needs]
    if embedder is not None and index.vectors is not None and mode != Mode.BM25:
        queries = np.asarray(embedder.embed_queries(searched), dtype=np.float32)
        dense_raw = index.vectors @ queries.T
    for j, need in enumerate(searched):
        bm25_raw[:, j] = index.bm25.scores(search_terms(need))
    d = np.zeros_like(rel)
    if mode != Mode.BM25 and embedder is not None:
        median = np.median(dense_raw, axis=0, keepdims=True)
        d = np.clip((dense_raw - median) / DENSE_SPAN, 0.0, 1.0)
    top_bm25 = bm25_raw.max(axis=0, keepdims=True)
    b = np.divide(bm25_raw, top_bm25, out=np.zeros_like(bm25_raw), where=top_bm25 > 0)
    if mode == Mode.DENSE:
        rel = d
    elif mode == Mode.BM25:
        rel = b
    else:
        rel = DENSE_WEIGHT * d + BM25_WEIGHT * b
    return rel.astype(np.float32), dense_raw, bm25_raw


def _rank(
    needs: list[str],
    index: MatchIndex,
    embedder: Embedder | None,
    filters: MatchFilters,
    top: int,
    mode: Mode,
    cite: Callable[[str, str], list[Citation]] | None,
) -> MatchResult:
    partners = index.partners
    n_partners = len(partners)
    rel_u, dense_u, bm25_u = relevance_matrix(needs, index, embedder, mode)
    if len(index.item_unique):
        rel_items = rel_u[index.item_unique] * index.item_weight[:, None]
    else:
        rel_items = np.zeros((0, len(needs)), dtype=np.float32)
    per_partner = np.zeros((n_partners, len(needs)), dtype=np.float32)
    if len(index.starts):
        per_partner[index.with_items] = np.maximum.reduceat(rel_items, index.starts, axis=0)

    allowed, distances, no_coords = _allowed(partners, filters)
    counted_each = np.where(per_partner >= REASON_MIN, per_partner, 0.0)
    best = counted_each.max(axis=1) if len(needs) else np.zeros(n_partners, dtype=np.float32)
    counted = best + SECONDARY_WEIGHT * (counted_each.sum(axis=1) - best)
    boosts = np.array([_boost(p) for p in partners], dtype=np.float32)
    penalty = np.zeros(n_partners, dtype=np.float32)
    if filters.near is not None:
        scale = filters.max_km or DEFAULT_DISTANCE_SCALE_KM
        for i, km in distances.items():
            penalty[i] = DISTANCE_PENALTY * min(km / scale, 1.0)
    scores = np.where((counted > 0) & allowed, counted + boosts - penalty, -np.inf)
    order = [int(i) for i in np.argsort(-scores, kind="stable") if np.isfinite(scores[i])]

    def explain_at(pos: int) -> Suggestion:
        p = partners[pos]
        first = int(np.searchsorted(index.item_partner, pos))
        last = int(np.searchsorted(index.item_partner, pos, side="right"))
        reasons = []
        for j, need in enumerate(needs):
            if per_partner[pos, j] < REASON_MIN:
                continue
            best = first + int(np.argmax(rel_items[first:last, j]))
            u = int(index.item_unique[best])
            reasons.append(
                Reason(
                    need=need,
                    need_index=j,
                    text=index.texts[u],
                    kind=index.item_kind[best],
                    score=float(rel_items[best, j]),
                    dense=float(dense_u[u, j]),
                    bm25=float(bm25_u[u, j]),
                    covers=bool(rel_items[best, j] >= COVER_MIN),
                )
            )
        reasons.sort(key=lambda r: -r.score)
        mous = [index.mous.get(m) or MouRecord(id=m) for m in p.mous]
        citations: list[Citation] = []
        if cite is not None and mous and reasons:
            for m in mous:
                citations.extend(cite(m.id, reasons[0].need))
        return Suggestion(
            partner=p,
            score=float(scores[pos]),
            reasons=reasons,
            distance_km=distances.get(pos),
            boost=float(boosts[pos]),
            mous=mous,
            citations=citations,
        )

    position = index.position

    def explain(partner_id: str) -> Suggestion | None:
        pos = position.get(partner_id)
        return explain_at(pos) if pos is not None and np.isfinite(scores[pos]) else None

    covers = (per_partner >= COVER_MIN) & allowed[:, None]
    coverage = {
        partners[i].id: {int(j) for j in np.nonzero(covers[i])[0]} for i in np.nonzero(covers.any(axis=1))[0]
    }
    return MatchResult(
        needs=needs,
        suggestions=[explain_at(i) for i in order[: max(0, top)]],
        coverage=coverage,
        scores={partners[i].id: float(scores[i]) for i in order},
        excluded_no_coords=no_coords,
        mode=mode,
        _explain=explain,
    )


def _boost(p: Partner) -> float:
    """The small bonus (or malus) of an existing relationship."""
    value = MOU_BOOST if p.mous else 0.0
    if p.status == PartnerStatus.ACTIVE:
        value += ACTIVE_BOOST
    elif p.status == PartnerStatus.INACTIVE:
        value -= INACTIVE_PENALTY
    return value


def _allowed(
    partners: Sequence[Partner], filters: MatchFilters
) -> tuple[np.ndarray, dict[int, float], list[str]]:
    """Which partners pass the filters, their distances from ``near``, and who lacks coordinates."""
    allowed = np.ones(len(partners), dtype=bool)
    distances: dict[int, float] = {}
    no_coords: list[str] = []
    types = {PartnerType.parse(t) for t in filters.types}
    provinces = {province_key(p) for p in filters.provinces if p.strip()}
    exclude = set(filters.exclude)
    for i, p in enumerate(partners):
        if p.id in exclude or (types and p.type not in types):
            allowed[i] = False
            continue
        if provinces and province_key(p.province) not in provinces:
            allowed[i] = False
            continue
        if filters.near is not None and p.lat is not None and p.lon is not None:
            distances[i] = haversine_km(filters.near, (p.lat, p.lon))
        if filters.max_km is not None:
            if i not in distances:
                allowed[i] = False
                no_coords.append(p.id)
            elif distances[i] > filters.max_km:
                allowed[i] = False
    return allowed, distances, no_coords


# ---------------------------------------------------------------------- evidence from the index


def mou_citer(store: Store, workspace: str, k: int = 1) -> Callable[[str, str], list[Citation]]:
    """A ``cite(mou_id, query)`` that finds the MOU's indexed document and returns its best passages.

    The document is the one whose front-matter ``id`` is the MOU id, or whose source or title
    contains it. The passages come from :class:`assistant.retrieval.HybridRetriever` restricted
    to that document (``Filters(sources=...)``), so a citation always points at retrieved text.
    Returns no citation when the MOU is not indexed in the workspace.
    """
    from assistant.retrieval import HybridRetriever
    from ingest.manifest import Filters

    sources: dict[str, str] = {}
    for doc in store.documents(workspace):
        doc_id = str((doc.meta or {}).get("id") or "")
        for mou_id in {doc_id} - {""}:
            sources.setdefault(mou_id, doc.source)
    documents = store.documents(workspace)

    def cite(mou_id: str, query: str) -> list[Citation]:
        source = sources.get(mou_id) or next(
            (d.source for d in documents if mou_id and (mou_id in d.source or mou_id in d.title)), None
        )
        if source is None:
            return []
        retriever = HybridRetriever(store=store, workspace=workspace, k=k, filters=Filters(sources=(source,)))
        hits = retriever.search(query or mou_id, k=k)
        return [
            Citation(mou_id=mou_id, source=h.source, page=h.page, text=h.text, chunk_id=h.chunk_id)
            for h in hits
            if h.source == source
        ]

    return cite
