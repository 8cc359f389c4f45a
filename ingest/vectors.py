"""The vector side of the index: one Chroma collection per workspace.

Usage:
    >>> client = chroma_client(path=Path("data/chroma"))            # embedded, persistent
    >>> client = chroma_client(host="127.0.0.1", port=8000)          # Chroma's own server
    >>> vectors = VectorIndex(client, embedder)
    >>> vectors.search("default", "องค์ประกอบของเครือข่าย", k=10)

The embedding function is always passed to Chroma, so it never falls back to its
default model (which would be downloaded). Embeddings are computed here, in batches,
so the caller can show progress.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

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
        import numpy as np

        return [np.asarray(v, dtype=np.float32) for v in self.embedder.embed_passages(list(input))]

    def embed_query(self, input: Documents) -> Embeddings:
        import numpy as np

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


class VectorIndex:
    """Dense vectors of chunks in Chroma, one collection per workspace, cosine distance."""

    def __init__(self, client: Any, embedder: TextEmbedder) -> None:
        self.client = client
        self.embedder = embedder
        self.function = PassageEmbeddingFunction(embedder)
        self._collections: dict[str, Any] = {}

    def collection(self, workspace: str) -> Any:
        if workspace not in self._collections:
            self._collections[workspace] = self.client.get_or_create_collection(
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
        """Embed and upsert chunks; ``embed_texts`` (title + section + text) is what gets embedded."""
        source = embed_texts or texts
        col = self.collection(workspace)
        for i in range(0, len(ids), batch):
            vectors = self.embedder.embed_passages(source[i : i + batch], progress=progress)
            col.upsert(
                ids=ids[i : i + batch],
                embeddings=vectors,
                documents=texts[i : i + batch],
                metadatas=metadatas[i : i + batch],
            )

    def delete(self, workspace: str, ids: list[str]) -> None:
        if not ids:
            return
        col = self.collection(workspace)
        for i in range(0, len(ids), 1000):
            col.delete(ids=ids[i : i + 1000])

    def all_ids(self, workspace: str) -> set[str]:
        col = self.collection(workspace)
        ids: set[str] = set()
        offset = 0
        while True:
            got = col.get(include=[], limit=5000, offset=offset)
            ids.update(got["ids"])
            if len(got["ids"]) < 5000:
                return ids
            offset += 5000

    def count(self, workspace: str) -> int:
        return int(self.collection(workspace).count())

    def search(
        self, workspace: str, query: str, k: int, where: dict | None = None, vector: list[float] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` nearest chunk ids with cosine similarity (1 − distance)."""
        col = self.collection(workspace)
        if col.count() == 0:
            return []
        embedding = vector if vector is not None else self.embedder.embed_query(query)
        result = col.query(query_embeddings=[embedding], n_results=k, where=where, include=["distances"])
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]
