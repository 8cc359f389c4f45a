"""The process's shared, lazily built objects: the embedder and the store.

Usage:
    >>> from assistant.retrieval.runtime import get_store
    >>> store = get_store()          # opens the index on first use, then reuses it

Models load on first use, once per process, never at import time.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from assistant.settings import ChromaMode, Settings, get_settings
from ingest.chunking import Chunker
from ingest.embeddings import Embedder
from ingest.ocr import OcrOptions
from ingest.pipeline import IngestOptions
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
    key = (str(s.data_dir), s.chroma_mode, s.chroma_host, s.chroma_port, s.chroma_ssl, str(s.embedding_dir))
    with _lock:
        if key not in _stores:
            client = None  # embedded: the store's own reopenable client (see ingest.store)
            if s.chroma_mode == ChromaMode.SERVER:
                client = chroma_client(
                    host=s.chroma_host,
                    port=s.chroma_port,
                    token=s.chroma_token,
                    ssl=s.chroma_ssl,
                    ca_file=s.chroma_ca_file,
                )
            _stores[key] = Store.open(s.data_dir, get_embedder(s), client=client)
        return _stores[key]


@cache
def _reranker(model_dir: str):
    from assistant.retrieval.rerank import CrossEncoderReranker

    return CrossEncoderReranker(Path(model_dir))


def get_reranker(settings: Settings | None = None):
    """The cross-encoder named by ``EDUNET_RERANKER_DIR`` (loaded on first use), or None: re-ranking off."""
    s = settings or get_settings()
    return _reranker(str(s.reranker_dir)) if s.reranker_dir else None


@cache
def bilingual_keywords(corpus_dir: str):
    """The glossary's translation of a chunk's terms into the other language, for its keyword index."""
    from assistant.retrieval.glossary import load_glossary
    from ingest.thai import detect_language

    glossary = load_glossary(corpus_dir)

    def keywords(text: str) -> str:
        return glossary.translate(text, "en" if str(detect_language(text)) == "th" else "th", carry=False)

    return keywords


def chunker_for(target: int) -> Chunker:
    """The chunker for a target size: chunks between 4/7 and 10/7 of it (700 → 400–1000 characters)."""
    return Chunker(target=target, min_chars=max(50, target * 4 // 7), max_chars=target * 10 // 7)


def ingest_options(
    settings: Settings | None = None, *, force: bool = False, doc_type: str | None = None
) -> IngestOptions:
    """Ingest options from the settings: the same limits and chunk sizes for the CLI and the UI.

    Raises ValueError for an unknown document type.
    """
    from ingest.records import DocType

    s = settings or get_settings()
    target = s.chunk_target
    return IngestOptions(
        doc_type=DocType.parse(doc_type) if doc_type else None,
        max_bytes=s.max_upload_mb * 2**20,
        max_pages=s.max_pages,
        chunker=chunker_for(target),
        keywords=bilingual_keywords(str(s.corpus_dir)),
        force=force,
        ocr=ocr_options(s),
    )


def ocr_options(settings: Settings | None = None) -> OcrOptions:
    """OCR options from the settings: mode, languages, per-page timeout, threads, cache folder."""
    s = settings or get_settings()
    return OcrOptions(
        mode=s.ocr,
        langs=s.ocr_langs,
        timeout=s.ocr_timeout,
        threads=s.ingest_threads,
        cache_dir=s.ocr_cache_dir,
    )
