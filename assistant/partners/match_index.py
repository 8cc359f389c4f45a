"""The match index: every partner's texts, their cached vectors and BM25 terms, built once per version.

Text embeddings and BM25 terms are cached in the registry database by content hash, and the
built index is kept in memory per registry path, model and version.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.partners.bm25 import BM25
from assistant.partners.models import MouRecord, Partner
from assistant.partners.needs import stem

if TYPE_CHECKING:
    from assistant.partners.registry import Registry
    from ingest.embeddings import Embedder

NAME_WEIGHT = 0.9
"""Factor on the relevance of a partner's name (names often say what an organisation does)."""


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
