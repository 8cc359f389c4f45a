"""Optional re-ranking of the fused top hits: a cross-encoder kept in a local folder, or e5 over sections.

Usage:
    >>> reranker = CrossEncoderReranker(Path("/models/bge-reranker-v2-m3"))   # EDUNET_RERANKER_DIR
    >>> HybridRetriever(store=store, reranker=reranker).search("…")
    >>> SectionReranker(embedder, store.manifest)   # the e5 model over each hit's section

A cross-encoder reads the question and a passage together and scores how well the passage
answers; it is slower than the bi-encoder (e5) that finds candidates, so it only reorders
the top ``depth`` hits. Nothing is downloaded: the folder must hold a sentence-transformers
``CrossEncoder`` model (a multilingual one for Thai). No such model ships with EduNet, so
re-ranking is off unless ``EDUNET_RERANKER_DIR`` names one; the benchmark
(``bench/retrieval_real.py --reranker DIR``) shows whether it pays for its latency.

:class:`SectionReranker` needs no other model: it scores each hit's section-expanded text
(:func:`assistant.retrieval.context.expand`) with the e5 embedder, so a chunk whose own words are few
but whose section answers the question can rise (``bench/retrieval_real.py --rerank-e5``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ingest.records import Hit


class Reranker(Protocol):
    """Scores how well each hit answers the query; higher is more relevant."""

    def scores(self, query: str, hits: Sequence[Hit]) -> list[float]: ...


def hit_text(hit: Hit) -> str:
    """What a reranker reads of a hit: its context header (title › trail) and its text."""
    return f"{hit.header()}\n{hit.text}"


def rerank(reranker: Reranker, query: str, hits: list[Hit], depth: int = 30) -> list[Hit]:
    """The first ``depth`` hits reordered by the reranker's scores; the rest after."""
    head, tail = hits[:depth], hits[depth:]
    if len(head) < 2:
        return hits
    scores = reranker.scores(query, head)
    order = sorted(range(len(head)), key=lambda i: -scores[i])
    for i in order:
        head[i].ranks["rerank"] = order.index(i) + 1
    return [head[i] for i in order] + tail


class CrossEncoderReranker:
    """A sentence-transformers ``CrossEncoder`` from a local folder, loaded on first use."""

    def __init__(self, model_dir: Path, max_length: int = 512) -> None:
        self.model_dir = Path(model_dir)
        if not (self.model_dir / "config.json").is_file():
            raise FileNotFoundError(f"no cross-encoder model in {self.model_dir} (config.json is missing)")
        self.max_length = max_length
        self._model: Any = None
        self._lock = threading.Lock()

    def scores(self, query: str, hits: Sequence[Hit]) -> list[float]:
        passages = [hit_text(h) for h in hits]
        with self._lock:
            if self._model is None:
                from sentence_transformers import CrossEncoder

                self._model = CrossEncoder(str(self.model_dir), max_length=self.max_length, device="cpu")
        return [float(x) for x in self._model.predict([(query, p) for p in passages])]


class SectionReranker:
    """The e5 embedder's cosine between the query and each hit's section (or neighbours), within a budget.

    The dense search already compared the query with the chunk alone; this reads what the
    answer would be built from, so a list item found by its heading and a heading found by
    its items are judged on the same text.
    """

    def __init__(self, embedder: Any, manifest: Any, budget_chars: int = 1600) -> None:
        self.embedder = embedder
        self.manifest = manifest
        self.budget_chars = budget_chars

    def scores(self, query: str, hits: Sequence[Hit]) -> list[float]:
        from assistant.retrieval.context import expand

        texts = []
        for hit in hits:
            passages = expand([hit], self.manifest, budget_chars=self.budget_chars)
            text = passages[0].text if passages else hit.text
            texts.append(f"{hit.header()}\n{text}")
        q = self.embedder.embed_query(query)
        vectors = self.embedder.embed_passages(texts)
        return [sum(a * b for a, b in zip(q, v, strict=True)) for v in vectors]
