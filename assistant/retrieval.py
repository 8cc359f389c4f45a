"""Hybrid retrieval: dense (e5) and BM25 hits fused by reciprocal rank fusion, as a LangChain retriever.

Usage:
    >>> retriever = HybridRetriever(store=store, workspace="default", k=5)
    >>> retriever.search("องค์ประกอบของเครือข่ายความร่วมมือ")        # -> list[Hit]
    >>> retriever.invoke("components of a collaboration network")  # -> list[Document]

Reciprocal rank fusion gives each hit ``1 / (rrf_k + rank)`` from every list it is
in and sums them; it needs no score calibration between the two retrievers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from ingest.manifest import Filters
from ingest.records import Hit, parse_choice
from ingest.store import Store


class Mode(StrEnum):
    """Which retrievers to use."""

    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"

    @classmethod
    def parse(cls, value: str | Mode) -> Mode:
        return parse_choice(cls, value, "retrieval mode")


def reciprocal_rank_fusion(lists: dict[str, list[Hit]], k: int, rrf_k: int = 60) -> list[Hit]:
    """Fuse ranked hit lists by RRF; each returned hit records its rank in every list it was in."""
    fused: dict[str, Hit] = {}
    scores: dict[str, float] = {}
    for name, hits in lists.items():
        for rank, hit in enumerate(hits, start=1):
            kept = fused.setdefault(hit.chunk_id, hit)
            kept.ranks[name] = rank
            scores[hit.chunk_id] = scores.get(hit.chunk_id, 0.0) + 1.0 / (rrf_k + rank)
    ordered = sorted(fused.values(), key=lambda h: scores[h.chunk_id], reverse=True)[:k]
    for hit in ordered:
        hit.score = round(scores[hit.chunk_id], 6)
    return ordered


class HybridRetriever(BaseRetriever):
    """Dense + BM25 retrieval over one workspace, with metadata filters."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Store
    workspace: str = "default"
    k: int = 5
    fetch_k: int = Field(default=30, description="hits taken from each retriever before fusion")
    mode: Mode = Mode.HYBRID
    filters: Filters = Field(default_factory=Filters)

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        """The top ``k`` hits for a query, best first."""
        query = (query or "").strip()
        if not query:
            raise ValueError("the query is empty")
        k = k or self.k
        lists: dict[str, list[Hit]] = {}
        if self.mode in (Mode.HYBRID, Mode.DENSE):
            lists["dense"] = self.store.dense(self.workspace, query, max(self.fetch_k, k), self.filters)
        if self.mode in (Mode.HYBRID, Mode.BM25):
            lists["bm25"] = self.store.keyword(self.workspace, query, max(self.fetch_k, k), self.filters)
        if self.mode != Mode.HYBRID:
            hits = next(iter(lists.values()))[:k]
            for rank, hit in enumerate(hits, start=1):
                hit.ranks[self.mode.value] = rank
            return hits
        return reciprocal_rank_fusion(lists, k)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return [to_document(hit) for hit in self.search(query)]


def to_document(hit: Hit) -> Document:
    """A hit as a LangChain Document; the metadata carries source, page and chunk id for citations."""
    meta = hit.to_dict()
    text = meta.pop("text")
    return Document(page_content=text, metadata=meta, id=hit.chunk_id)
