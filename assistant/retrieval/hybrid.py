"""Hybrid retrieval across Thai and English: dense (e5) and BM25 hits fused by weighted reciprocal ranks.

Usage:
    >>> retriever = HybridRetriever(store=store, workspace="default", k=5)
    >>> retriever.search("องค์ประกอบของเครือข่ายความร่วมมือ")        # -> list[Hit]
    >>> retriever.invoke("components of a collaboration network")  # -> list[Document]

One search runs:

1. **The query and its translation.** The query's script is detected (Thai or English);
   a :class:`QueryExpander` adds the query in the other language (the domain glossary in
   ``corpus/``, or the chat model when the caller gives one). Both are searched.
2. **Dense and BM25 lists** for each query (``fetch_k`` hits each). The dense search runs with
   the query's vector less part of its language's mean question vector
   (:mod:`~assistant.retrieval.centering`), so that across languages what is asked weighs more
   than the language it is asked in; hits keep their plain cosine.
3. **Language-aware fusion** (:class:`Fusion`). Reciprocal rank fusion gives a hit
   ``weight / (rrf_k + rank)`` from each list it is in. Keyword evidence only exists
   between texts of the same script: an English query cannot match a Thai passage's
   words, so without care every English passage that shares a word outranks the right
   Thai one. A chunk in another script than a query therefore takes, in place of the
   keyword score it cannot get, its dense score again: across languages the dense score
   decides, and the translated query's keyword hits add to it.
4. Pages that only list or announce (tables of contents, covers) count less.

RRF needs no score calibration between the retrievers; the weights were chosen on the dev
half of ``bench/retrieval_real.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from assistant.retrieval.abbreviations import spell_out
from assistant.retrieval.centering import WEIGHT as CENTER_WEIGHT
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


QueryExpander = Callable[[str, str], str]
"""``expander(query, target_language)`` → the query in the other language ("" when it has none)."""


@dataclass(frozen=True)
class Fusion:
    """The weights of language-aware reciprocal rank fusion (see the module doc).

    ``dense`` and ``bm25`` weigh the lists of the user's query, ``translated`` those of the
    query in the other language; a chunk in another script than a query gets its dense
    term again in place of the keyword term it cannot have (``cross_script`` of it);
    ``minor`` scales chunks of contents and cover pages.
    """

    rrf_k: int = 60
    dense: float = 1.0
    bm25: float = 1.0
    translated: float = 0.75
    cross_script: float = 1.0
    minor: float = 0.5


@dataclass(frozen=True)
class Query:
    """One query to run: its text, its script and the weight of its lists."""

    text: str
    language: str
    weight: float = 1.0


def script_of(text: str) -> str:
    """``th``, ``en`` or ``mixed``: the script of a query or a chunk, by its letters."""
    from ingest.thai import detect_language

    return str(detect_language(text))


def glossary_expander(corpus_dir: str | None = None) -> QueryExpander:
    """An expander that translates the domain's terms with the glossary of ``corpus_dir``."""
    from assistant.retrieval.glossary import load_glossary

    if corpus_dir is None:
        from assistant.settings import get_settings

        corpus_dir = str(get_settings().corpus_dir)
    glossary = load_glossary(str(corpus_dir))
    return glossary.translate


def fuse(lists: list[tuple[Query, str, list[Hit]]], k: int, fusion: Fusion = Fusion()) -> list[Hit]:
    """Fuse ranked lists (query, "dense" or "bm25", hits) by language-aware weighted RRF.

    Each returned hit records its rank in every list it was in (``ranks``: "dense", "bm25",
    and "dense:xx"/"bm25:xx" for the translated query) and its best dense cosine.
    """
    fused: dict[str, Hit] = {}
    dense_terms: dict[str, dict[str, float]] = {}  # chunk → query language → dense term
    bm25_terms: dict[str, dict[str, float]] = {}
    for query, kind, hits in lists:
        weight = query.weight * (fusion.dense if kind == "dense" else fusion.bm25)
        name = kind if query.weight >= 1.0 else f"{kind}:{query.language}"
        for rank, hit in enumerate(hits, start=1):
            kept = fused.setdefault(hit.chunk_id, hit)
            kept.ranks.setdefault(name, rank)
            term = weight / (fusion.rrf_k + rank)
            table = dense_terms if kind == "dense" else bm25_terms
            slot = table.setdefault(hit.chunk_id, {})
            slot[query.language] = max(slot.get(query.language, 0.0), term)
            if kind == "dense":
                kept.dense_score = max(kept.dense_score or -1.0, hit.score)
    queries = {q.language: q for q, _, _ in lists}
    scores: dict[str, float] = {}
    for cid, hit in fused.items():
        dense = max(dense_terms.get(cid, {}).values(), default=0.0)
        words = 0.0
        for language in queries:
            lexical = bm25_terms.get(cid, {}).get(language, 0.0)
            chunk = hit.chunk_language or hit.language
            if chunk not in (language, "mixed") and language != "mixed":
                lexical = max(lexical, fusion.cross_script * dense_terms.get(cid, {}).get(language, 0.0))
            words = max(words, lexical)
        score = dense + words
        if hit.kind in ("contents", "cover"):
            score *= fusion.minor
        scores[cid] = score
    ordered = sorted(fused.values(), key=lambda h: scores[h.chunk_id], reverse=True)[:k]
    for hit in ordered:
        hit.score = round(scores[hit.chunk_id], 6)
    return ordered


def reciprocal_rank_fusion(lists: dict[str, list[Hit]], k: int, rrf_k: int = 60) -> list[Hit]:
    """Plain RRF of named lists (kept for callers that fuse their own lists)."""
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
    """Dense + BM25 retrieval over one workspace, in the query's language and the other one."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Store
    workspace: str = "default"
    k: int = 5
    fetch_k: int = Field(default=30, description="hits taken from each list before fusion")
    mode: Mode = Mode.HYBRID
    filters: Filters = Field(default_factory=Filters)
    fusion: Fusion = Field(default_factory=Fusion)
    expand: bool = Field(default=True, description="also search the query translated to the other language")
    expander: Any = Field(default=None, description="a QueryExpander; None: the corpus glossary")
    reranker: Any = Field(
        default=None, description="an assistant.retrieval.rerank.Reranker for the fused top hits"
    )
    rerank_depth: int = 30
    center: float = Field(
        default=CENTER_WEIGHT,  # chosen on the dev half of bench/retrieval_real.py
        description="how much of a language's mean question vector a dense search leaves out (0: off)",
    )
    centering: Any = Field(
        default=None,
        description="an assistant.retrieval.centering.QueryCentering; None: built from the store's model",
    )

    def queries(self, query: str) -> list[Query]:
        """The user's query and, when expansion is on and finds terms, its translation.

        The query is searched with its Thai abbreviations spelled out
        (:mod:`assistant.retrieval.abbreviations`): documents write "มหาวิทยาลัยราชภัฏ" where a
        question writes "มรภ.".
        """
        language = script_of(query)
        query = spell_out(query) if self.expand else query
        out = [Query(query, language)]
        if self.expand and language in ("th", "en"):
            target = "en" if language == "th" else "th"
            expander = self.expander or glossary_expander()
            try:
                translated = (expander(query, target) or "").strip()
            except Exception:  # an expander (a model) that fails only costs the expansion
                translated = ""
            if translated and translated != query:
                out.append(Query(translated, target, self.fusion.translated))
        return out

    def search(self, query: str, k: int | None = None, queries: list[Query] | None = None) -> list[Hit]:
        """The top ``k`` hits for a query, best first (``queries``: :meth:`queries` computed already)."""
        query = (query or "").strip()
        if not query:
            raise ValueError("the query is empty")
        k = k or self.k
        fetch = max(self.fetch_k, k)
        if self.mode != Mode.HYBRID:
            if self.mode == Mode.DENSE:
                hits = self._dense(Query(query, script_of(query)), fetch)[:k]
            else:
                hits = self.store.keyword(self.workspace, query, fetch, self.filters)[:k]
            for rank, hit in enumerate(hits, start=1):
                hit.ranks[self.mode.value] = rank
                if self.mode == Mode.DENSE:
                    hit.dense_score = hit.score
            return hits
        lists: list[tuple[Query, str, list[Hit]]] = []
        for q in queries or self.queries(query):
            lists.append((q, "dense", self._dense(q, fetch)))
            lists.append((q, "bm25", self.store.keyword(self.workspace, q.text, fetch, self.filters)))
        if self.reranker is None:
            return fuse(lists, k, self.fusion)
        from assistant.retrieval.rerank import rerank

        fused = fuse(lists, max(k, self.rerank_depth), self.fusion)
        return rerank(self.reranker, query, fused, self.rerank_depth)[:k]

    def _dense(self, query: Query, fetch: int) -> list[Hit]:
        """Dense hits for one query: searched with its vector centred for its language
        (:mod:`~assistant.retrieval.centering`), each scored by its plain cosine."""
        centering = self._centering()
        if centering is None:
            return self.store.dense(self.workspace, query.text, fetch, self.filters)
        plain = self.store.vectors.embedder.embed_query(query.text)
        centred = centering.apply(plain, query.language)
        return self.store.dense(
            self.workspace, query.text, fetch, self.filters, vector=centred, score_vector=plain
        )

    def _centering(self) -> Any:
        """The query centering in use (built on first use from the store's embedder), or None: off."""
        if self.center <= 0:
            return None
        if self.centering is None:
            from assistant.retrieval.centering import QueryCentering

            embedder = getattr(getattr(self.store, "vectors", None), "embedder", None)
            found = QueryCentering.for_embedder(embedder) if embedder is not None else None
            if found is None:
                self.center = 0.0  # nothing to centre with: plain searches from now on
                return None
            self.centering = found
        if self.centering.weight != self.center:
            self.centering = replace(self.centering, weight=self.center)
        return self.centering

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return [to_document(hit) for hit in self.search(query)]


def to_document(hit: Hit) -> Document:
    """A hit as a LangChain Document; the metadata carries source, page and chunk id for citations."""
    meta = hit.to_dict()
    text = meta.pop("text")
    return Document(page_content=text, metadata=meta, id=hit.chunk_id)
