"""The process's shared, lazily built objects: the embedder and the store.

Usage:
    >>> from assistant.runtime import get_store
    >>> store = get_store()          # opens the index on first use, then reuses it

Models load on first use, once per process, never at import time.
"""

from __future__ import annotations

import threading
from functools import cache

from assistant.settings import ChromaMode, Settings, get_settings
from ingest.embeddings import Embedder
from ingest.store import Store
from ingest.vectors import chroma_client

_lock = threading.Lock()


@cache
def _embedder(model_dir: str, batch: int) -> Embedder:
    return Embedder(model_dir, batch_size=batch)


def get_embedder(settings: Settings | None = None) -> Embedder:
    """The embedding model named by the settings (loaded lazily on first embed)."""
    s = settings or get_settings()
    return _embedder(str(s.embedding_dir), s.embed_batch)


_stores: dict[tuple, Store] = {}


def get_store(settings: Settings | None = None) -> Store:
    """The index for the settings' data directory and Chroma mode, opened once per process."""
    s = settings or get_settings()
    key = (str(s.data_dir), s.chroma_mode, s.chroma_host, s.chroma_port, str(s.embedding_dir))
    with _lock:
        if key not in _stores:
            if s.chroma_mode == ChromaMode.SERVER:
                client = chroma_client(host=s.chroma_host, port=s.chroma_port, token=s.chroma_token)
            else:
                client = chroma_client(path=s.data_dir / "chroma")
            _stores[key] = Store.open(s.data_dir, get_embedder(s), client=client)
        return _stores[key]
