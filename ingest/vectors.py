"""The vector side of the index: one Chroma collection per workspace.

Usage:
    >>> client = chroma_client(path=Path("data/chroma"))            # embedded, persistent
    >>> client = chroma_client(host="127.0.0.1", port=8000)          # Chroma's own server
    >>> vectors = VectorIndex(client, embedder)
    >>> vectors.search("default", "องค์ประกอบของเครือข่าย", k=10)

The embedding function is always passed to Chroma, so it never falls back to its
default model (which would be downloaded). Embeddings are computed here, in batches,
so the caller can show progress.

Embedded Chroma is not process-safe (chroma-core/chroma#3792, #3769): a process keeps the
vector index it loaded, so another process's writes reach ``get`` but not ``query``, and two
writers on one folder may overwrite each other. :class:`EmbeddedChroma` is the one client of
a folder in this process, reopened on demand; the :class:`Coordinator` that
:class:`ingest.store.Store` installs decides when (a newer index generation in the manifest)
and serialises writes across processes.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

from ingest.records import check_workspace


class TextEmbedder(Protocol):
    """What the index needs from an embedding model (see ingest.embeddings.Embedder)."""

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def collection_name(workspace: str) -> str:
    return f"edunet-{check_workspace(workspace)}"


class PassageEmbeddingFunction(EmbeddingFunction[Documents]):
    """Adapts an embedder to Chroma's interface: passages for documents, the query prefix for queries."""

    def __init__(self, embedder: TextEmbedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return [np.asarray(v, dtype=np.float32) for v in self.embedder.embed_passages(list(input))]

    def embed_query(self, input: Documents) -> Embeddings:
        return [np.asarray(self.embedder.embed_query(t), dtype=np.float32) for t in input]

    @staticmethod
    def name() -> str:
        return "edunet-e5"

    def get_config(self) -> dict[str, Any]:
        return {"model_dir": str(getattr(self.embedder, "model_dir", ""))}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> PassageEmbeddingFunction:
        from ingest.embeddings import Embedder

        return PassageEmbeddingFunction(Embedder(config["model_dir"]))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


def chroma_client(
    *,
    path: Path | None = None,
    host: str | None = None,
    port: int = 8000,
    token: str | None = None,
    ssl: bool = False,
    ca_file: Path | None = None,
) -> Any:
    """A Chroma client: persistent on disk at ``path``, or Chroma's HTTP server at ``host:port``.

    For the server, ``token`` goes as ``Authorization: Bearer`` on every request, ``ssl``
    switches to HTTPS, and ``ca_file`` names the CA that signed the server's certificate
    (a private CA; without it the system's CAs are trusted). The certificate is always verified.
    """
    import chromadb
    from chromadb.config import Settings

    if host:
        if ca_file is not None and not Path(ca_file).is_file():
            raise FileNotFoundError(f"the Chroma CA file {ca_file} does not exist")
        headers = {"Authorization": f"Bearer {token}"} if token else None
        options = Settings(
            anonymized_telemetry=False, chroma_server_ssl_verify=str(ca_file) if ca_file else None
        )
        with warnings.catch_warnings():
            # chromadb hands the CA path to httpx, which still honours a str but warns about it
            warnings.filterwarnings(
                "ignore", message=r"`verify=<str>` is deprecated", category=DeprecationWarning
            )
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, headers=headers, settings=options)
    if path is None:
        raise ValueError("chroma_client needs a path (embedded) or a host (server)")
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


class EmbeddedChroma:
    """This process's embedded (``PersistentClient``) Chroma client of one folder, reopenable.

    One per folder and process (:meth:`at`), shared by every store opened on it, so that a
    reopen serves them all. :meth:`sync` opens a fresh client (a new Chroma System, which reads
    the folder again) when the index generation it is given differs from the one it was opened
    at; :meth:`mark` records a generation this process wrote itself. Hold :attr:`lock` around
    every use of the client: a reopen then never happens in the middle of a query.
    """

    _open: ClassVar[dict[str, EmbeddedChroma]] = {}
    _open_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = Path(path).resolve()
        self.lock = threading.RLock()
        self.generation: str | None = None
        self.reopened = 0
        """How many times another process's writes made this process reopen the folder."""
        self._client: Any = None

    @classmethod
    def at(cls, path: Path) -> EmbeddedChroma:
        """The process's client holder for the Chroma folder ``path`` (created on first use)."""
        key = str(Path(path).resolve())
        with cls._open_lock:
            if key not in cls._open:
                cls._open[key] = cls(Path(key))
            return cls._open[key]

    @property
    def client(self) -> Any:
        """The current client (opened on first use)."""
        with self.lock:
            if self._client is None:
                self._client = self._fresh()
            return self._client

    def sync(self, generation: str | None) -> bool:
        """Reopen when the index is at another ``generation`` than the client has seen; True if it did."""
        with self.lock:
            if self._client is not None and generation == self.generation:
                return False
            if self._client is not None:
                self.reopened += 1
            self._client = self._fresh()
            self.generation = generation
            return True

    def mark(self, generation: str | None) -> None:
        """Record that the client has seen ``generation`` (this process wrote it)."""
        with self.lock:
            self.generation = generation

    def _fresh(self) -> Any:
        """A client on a new Chroma System: Chroma caches one System per folder and process, and
        that cached one keeps the vector index it loaded; forgetting it (without stopping it, so
        handles still held elsewhere keep working until they are dropped) makes the next client
        read the folder again."""
        from chromadb.api.shared_system_client import SharedSystemClient

        if self._client is not None:
            ident = self._client._identifier
            SharedSystemClient._identifier_to_system.pop(ident, None)
            SharedSystemClient._identifier_to_refcount.pop(ident, None)
        return chroma_client(path=self.path)


class Coordinator:
    """When the vector index may be read or written; the default (one process, one client) never waits.

    :class:`ingest.store.Store` installs one that reopens a stale embedded client before a read
    and holds a cross-process lock around each write.
    """

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        yield

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        yield


class VectorIndex:
    """Dense vectors of chunks in Chroma, one collection per workspace, cosine distance.

    ``client`` is a Chroma client (server mode, or a fixed embedded one) or an
    :class:`EmbeddedChroma`, whose client may be replaced by a fresh one between calls.
    """

    def __init__(self, client: Any, embedder: TextEmbedder) -> None:
        self.embedded = client if isinstance(client, EmbeddedChroma) else None
        self._client = None if self.embedded is not None else client
        self.embedder = embedder
        self.function = PassageEmbeddingFunction(embedder)
        self.coordinator = Coordinator()
        self._collections: dict[str, Any] = {}
        self._collections_of: Any = None

    @property
    def client(self) -> Any:
        """The Chroma client in use now."""
        return self.embedded.client if self.embedded is not None else self._client

    def collection(self, workspace: str, *, create: bool = True) -> Any | None:
        """The workspace's collection; when it does not exist yet, None unless ``create``."""
        client = self.client
        if self._collections_of is not client:  # reopened: handles of the old client are stale
            self._collections, self._collections_of = {}, client
        if workspace not in self._collections:
            if not create:
                from chromadb.errors import NotFoundError

                try:
                    self._collections[workspace] = client.get_collection(
                        name=collection_name(workspace), embedding_function=self.function
                    )
                except NotFoundError:
                    return None
            else:
                self._collections[workspace] = client.get_or_create_collection(
                    name=collection_name(workspace),
                    embedding_function=self.function,
                    metadata={"hnsw:space": "cosine"},
                )
        return self._collections[workspace]

    def add(
        self,
        workspace: str,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict],
        embed_texts: list[str] | None = None,
        progress: Callable[[int], None] | None = None,
        batch: int = 64,
    ) -> None:
        """Embed and upsert chunks; ``embed_texts`` (title + section + text) is what gets embedded.

        Everything is embedded first, then written in one turn of the write lock: another
        process's writes wait for the upsert only, not for the model.
        """
        source = embed_texts or texts
        vectors: list[list[float]] = []
        for i in range(0, len(ids), batch):
            vectors.extend(self.embedder.embed_passages(source[i : i + batch], progress=progress))
        with self.coordinator.writing():
            col = self.collection(workspace)
            for i in range(0, len(ids), batch):
                col.upsert(
                    ids=ids[i : i + batch],
                    embeddings=vectors[i : i + batch],
                    documents=texts[i : i + batch],
                    metadatas=metadatas[i : i + batch],
                )

    def delete(self, workspace: str, ids: list[str]) -> None:
        if not ids:
            return
        with self.coordinator.writing():
            col = self.collection(workspace)
            for i in range(0, len(ids), 1000):
                col.delete(ids=ids[i : i + 1000])

    def all_ids(self, workspace: str) -> set[str]:
        ids: set[str] = set()
        with self.coordinator.reading():
            col = self.collection(workspace, create=False)
            offset = 0
            while col is not None:
                got = col.get(include=[], limit=5000, offset=offset)
                ids.update(got["ids"])
                if len(got["ids"]) < 5000:
                    break
                offset += 5000
        return ids

    def count(self, workspace: str) -> int:
        with self.coordinator.reading():
            col = self.collection(workspace, create=False)
            return int(col.count()) if col is not None else 0

    def search(
        self,
        workspace: str,
        query: str,
        k: int,
        where: dict | None = None,
        vector: list[float] | None = None,
        score_vector: list[float] | None = None,
    ) -> list[tuple[str, float]]:
        """The ``k`` nearest chunk ids with cosine similarity (1 − distance).

        ``vector`` is searched with in place of the query's own embedding; with ``score_vector``
        too, each hit's similarity is its cosine to ``score_vector`` (the search found it with a
        changed vector, see :mod:`assistant.retrieval.centering`, but is judged by the plain one).
        """
        embedding = vector if vector is not None else self.embedder.embed_query(query)
        include = ["distances", "embeddings"] if score_vector is not None else ["distances"]
        with self.coordinator.reading():
            col = self.collection(workspace, create=False)
            if col is None or col.count() == 0:
                return []
            result = col.query(query_embeddings=[embedding], n_results=k, where=where, include=include)
        ids = result["ids"][0]
        if score_vector is not None:
            return list(zip(ids, _cosines(score_vector, result["embeddings"][0]), strict=True))
        distances = result["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]


def _cosines(vector: list[float], others: Any) -> list[float]:
    """The cosine of ``vector`` to each of ``others``."""
    q = np.asarray(vector, dtype=np.float32)
    m = np.asarray(others, dtype=np.float32).reshape(-1, q.shape[0])
    norms = np.linalg.norm(m, axis=1) * (float(np.linalg.norm(q)) or 1.0)
    return [float(x) for x in (m @ q) / np.where(norms > 0, norms, 1.0)]
