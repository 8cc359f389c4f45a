"""Optional re-ranking of the fused top hits by a cross-encoder kept in a local folder.

Usage:
    >>> reranker = CrossEncoderReranker(Path("/models/bge-reranker-v2-m3"))   # EDUNET_RERANKER_DIR
    >>> HybridRetriever(store=store, reranker=reranker).search("…")

A cross-encoder reads the question and a passage together and scores how well the passage
answers; it is slower than the bi-encoder (e5) that finds candidates, so it only reorders
the top ``depth`` hits. Nothing is downloaded: the folder must hold a sentence-transformers
``CrossEncoder`` model (a multilingual one for Thai). No such model ships with EduNet, so
re-ranking is off unless ``EDUNET_RERANKER_DIR`` names one; the benchmark
(``bench/retrieval_real.py --reranker DIR``) shows whether it pays for its latency.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ingest.records import Hit


class Reranker(Protocol):
    """Scores (query, passage) pairs; higher is more relevant."""

    def scores(self, query: str, passages: Sequence[str]) -> list[float]: ...


def rerank(reranker: Reranker, query: str, hits: list[Hit], depth: int = 30) -> list[Hit]:
    """The first ``depth`` hits reordered by the reranker's scores (context header + text); the rest after."""
    head, tail = hits[:depth], hits[depth:]
    if len(head) < 2:
        return hits
    texts = [f"{h.header()}\n{h.text}" for h in head]
    scores = reranker.scores(query, texts)
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

    def scores(self, query: str, passages: Sequence[str]) -> list[float]:
        with self._lock:
            if self._model is None:
                from sentence_transformers import CrossEncoder

                self._model = CrossEncoder(str(self.model_dir), max_length=self.max_length, device="cpu")
        return [float(x) for x in self._model.predict([(query, p) for p in passages])]
