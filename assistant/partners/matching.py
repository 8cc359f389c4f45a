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

This module holds the scoring (:func:`match`, :func:`suggest`, :func:`relevance_matrix`); the
rest lives beside it, one concept each, and is re-exported here:
:mod:`~assistant.partners.match_records` (filters, modes, reasons, suggestions, the result),
:mod:`~assistant.partners.wording` (``prompts/partners.yaml``, :func:`say`),
:mod:`~assistant.partners.needs` (splitting needs, search terms),
:mod:`~assistant.partners.geography` (distances, locations, provinces),
:mod:`~assistant.partners.bm25`, :mod:`~assistant.partners.match_index` (the cached index) and
:mod:`~assistant.partners.evidence` (:func:`mou_citer`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from assistant.partners.bm25 import BM25, BM25_B, BM25_K1
from assistant.partners.evidence import mou_citer
from assistant.partners.geography import EARTH_RADIUS_KM, haversine_km, parse_near, province_key
from assistant.partners.match_index import NAME_WEIGHT, MatchIndex, build_index, model_key, text_hash
from assistant.partners.match_records import Citation, MatchFilters, MatchResult, Mode, Reason, Suggestion
from assistant.partners.models import MouRecord, Partner, PartnerStatus, PartnerType
from assistant.partners.needs import EmptyNeedsError, query_text, search_terms, split_needs, stem
from assistant.partners.registry import Registry
from assistant.partners.wording import PROMPTS_FILE, domain_text, reason_text, say

if TYPE_CHECKING:
    from ingest.embeddings import Embedder

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
MOU_BOOST = 0.05
ENDED_MOU_PENALTY = 0.03
"""A partner whose every MOU with an end date has ended gets no MOU boost and loses this much."""
ACTIVE_BOOST = 0.03
INACTIVE_PENALTY = 0.05
DISTANCE_PENALTY = 0.1
DEFAULT_DISTANCE_SCALE_KM = 100.0

__all__ = [
    "ACTIVE_BOOST",
    "BM25",
    "BM25_B",
    "BM25_K1",
    "BM25_WEIGHT",
    "COVER_MIN",
    "DEFAULT_DISTANCE_SCALE_KM",
    "DENSE_SPAN",
    "DENSE_WEIGHT",
    "DISTANCE_PENALTY",
    "EARTH_RADIUS_KM",
    "INACTIVE_PENALTY",
    "MOU_BOOST",
    "NAME_WEIGHT",
    "PROMPTS_FILE",
    "REASON_MIN",
    "SECONDARY_WEIGHT",
    "Citation",
    "EmptyNeedsError",
    "MatchFilters",
    "MatchIndex",
    "MatchResult",
    "Mode",
    "MouRecord",
    "Partner",
    "PartnerStatus",
    "PartnerType",
    "Reason",
    "Registry",
    "Suggestion",
    "build_index",
    "domain_text",
    "haversine_km",
    "match",
    "model_key",
    "mou_citer",
    "parse_near",
    "province_key",
    "query_text",
    "reason_text",
    "relevance_matrix",
    "say",
    "search_terms",
    "split_needs",
    "stem",
    "suggest",
    "text_hash",
]


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
    today = date.today()
    boosts = np.array(
        [_boost(p, [index.mous.get(m) for m in p.mous], today) for p in partners], dtype=np.float32
    )
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


def _boost(p: Partner, mous: Sequence[MouRecord | None] = (), today: date | None = None) -> float:
    """The small bonus (or malus) of an existing relationship: an MOU that still runs (or whose end
    is unknown) earns :data:`MOU_BOOST`; MOUs that have all ended cost :data:`ENDED_MOU_PENALTY`."""
    today = today or date.today()
    ends = [m.end() for m in mous if m is not None]
    if p.mous and ends and all(e is not None and e < today for e in ends) and len(ends) == len(p.mous):
        value = -ENDED_MOU_PENALTY
    else:
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
