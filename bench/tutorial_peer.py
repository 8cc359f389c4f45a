"""The "LangChain tutorial RAG pipeline", run as a naive peer beside our own pipeline in benchmarks.

A faithful, unoptimised version of LangChain's standard RAG tutorial, with nothing of ours
in it but the embedding model (so a comparison measures the pipeline, not the model):

* loading: ``PyPDFLoader`` for ``.pdf`` (one Document per page, ``page`` 0-based in the
  metadata, reported 1-based here), ``TextLoader`` (utf-8) for ``.txt`` and ``.md``;
* splitting: ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``;
* storing: ``langchain_chroma.Chroma``, persistent in the caller's folder, Chroma's
  default distance (squared L2), dense retrieval only, no re-ranking, no lexical search;
* embedding: the app's e5 model through :class:`E5Embeddings`, a small LangChain
  ``Embeddings`` adapter over ``ingest.embeddings.Embedder`` (``passage:`` / ``query:``);
* answering: the top 4 chunks joined by blank lines and stuffed into the classic tutorial
  prompt (``rlm/rag-prompt``), sent as one human message to the caller's chat model and
  streamed, so the time to the first token can be measured.

Usage::

    from pathlib import Path
    from common import load_embedder
    from tutorial_peer import TutorialPeer

    peer = TutorialPeer(load_embedder(), Path("/tmp/peer-db"))
    peer.index([(Path("a.pdf"), "a.pdf"), (Path("notes.md"), "notes.md")])  # skipped when unchanged
    for hit in peer.search("What are the components of a network?"):
        print(hit.source, hit.page, round(hit.score, 3))
    reply = peer.answer("What are the components of a network?", chat_model)
    print(reply.text, reply.first_token_seconds, reply.seconds)

``score`` is the cosine similarity of the chunk to the query, higher is better: e5 vectors
are unit length, so Chroma's squared L2 distance ``d`` gives cosine ``1 - d / 2`` (the same
scale as our own dense scores; the ranking is Chroma's).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

try:
    from chromadb.config import Settings
    from langchain_chroma import Chroma
    from langchain_community.document_loaders import PyPDFLoader, TextLoader
    from langchain_community.vectorstores.utils import filter_complex_metadata
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_text_splitters import RecursiveCharacterTextSplitter
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        f"bench/tutorial_peer.py needs the 'bench' extras: pip install -e '.[test,bench]' ({exc})"
    ) from exc

log = logging.getLogger(__name__)

RAG_TEMPLATE = (
    "You are an assistant for question-answering tasks. Use the following pieces of retrieved "
    "context to answer the question. If you don't know the answer, just say that you don't know. "
    "Use three sentences maximum and keep the answer concise.\n"
    "Question: {question}\n"
    "Context: {context}\n"
    "Answer:"
)
"""The classic LangChain RAG tutorial prompt (``rlm/rag-prompt``), one human message."""

COLLECTION = "tutorial_peer"
MANIFEST = "tutorial_peer_manifest.json"
"""The file in ``persist_dir`` that records what was indexed, so an unchanged index is skipped."""
ADD_BATCH = 1000
"""Chunks per ``add_documents`` call: Chroma caps one upsert (about 5,000 records)."""
TEXT_SUFFIXES = (".txt", ".md")


class PassageEmbedder(Protocol):
    """What the adapter needs from ``ingest.embeddings.Embedder``."""

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


@dataclass
class PeerHit:
    """One retrieved chunk."""

    source: str  # the source name given for the file
    page: int  # 1-based
    text: str
    score: float


@dataclass
class PeerAnswer:
    """A generated answer with the chunks it was given and its timings."""

    text: str
    hits: list[PeerHit]
    seconds: float  # whole answer, wall clock
    first_token_seconds: float | None


class E5Embeddings(Embeddings):
    """LangChain ``Embeddings`` over our e5 embedder: documents get ``passage:``, queries ``query:``."""

    def __init__(self, embedder: PassageEmbedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed chunks with the e5 passage prompt."""
        return self.embedder.embed_passages(list(texts))

    def embed_query(self, text: str) -> list[float]:
        """Embed a question with the e5 query prompt."""
        return self.embedder.embed_query(text)


class TutorialPeer:
    """The LangChain tutorial RAG pipeline (load, split, Chroma, top-k dense, stuff, generate).

    Example::

        peer = TutorialPeer(load_embedder(), Path("/tmp/peer-db"))
        chunks = peer.index([(Path("corpus/framework/components.en.md"), "components.en.md")])
        hits = peer.search("What are the components of a network?", k=5)
        reply = peer.answer("What are the components of a network?", chat_model)  # any BaseChatModel
        print(reply.text, reply.first_token_seconds, reply.seconds)

    ``index`` is skipped when ``persist_dir`` already holds exactly the same files (source
    names, sizes and modification times) indexed with the same chunking; any change
    re-indexes everything from scratch, as a rerun of the tutorial would.
    """

    def __init__(
        self, embedder: Any, persist_dir: Path, chunk_size: int = 1000, chunk_overlap: int = 200
    ) -> None:
        self.embedder = embedder
        self.persist_dir = Path(persist_dir)
        self.persist_dir.mkdir(parents=True, exist_ok=True)
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.embeddings = E5Embeddings(embedder)
        self.splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)
        self.store = Chroma(
            collection_name=COLLECTION,
            embedding_function=self.embeddings,
            persist_directory=str(self.persist_dir),
            client_settings=Settings(anonymized_telemetry=False),
        )
        self.prompt = ChatPromptTemplate.from_messages([("human", RAG_TEMPLATE)])

    # -- indexing -------------------------------------------------------------------------

    def index(
        self, files: list[tuple[Path, str]], progress: Callable[[int, int, str], None] | None = None
    ) -> int:
        """Load, split and index (path, source name) files; returns the number of chunks.

        Idempotent per ``persist_dir``: when the manifest there lists the same files (source
        names, sizes, mtimes) and chunking, nothing is done and the stored count is returned.
        A file that fails to load is skipped with a one-line warning, as are empty pages.
        ``progress(done, total, source)`` runs after each file.
        """
        wanted = self._manifest_for(files)
        stored = self._read_manifest()
        if stored is not None and _same_index(stored, wanted) and self._count() == stored.get("chunks"):
            log.info("tutorial peer: %d files unchanged in %s, not re-indexed", len(files), self.persist_dir)
            return int(stored["chunks"])

        self._manifest_path().unlink(missing_ok=True)  # a crash mid-way must not look complete
        self.store.reset_collection()
        total = 0
        for done, (path, source) in enumerate(files, start=1):
            total += self._index_file(Path(path), source)
            if progress is not None:
                progress(done, len(files), source)
        wanted["chunks"] = total
        self._write_manifest(wanted)
        return total

    def _index_file(self, path: Path, source: str) -> int:
        """Load, split and add one file; returns its chunk count (0 when it could not be used)."""
        try:
            pages = _load(path)
        except Exception as exc:  # any loader failure must not stop the batch
            log.warning("tutorial peer: skipped %s: %s: %s", source, type(exc).__name__, exc)
            return 0
        kept = [doc for doc in pages if doc.page_content.strip()]
        n_pages, n_empty = len(pages), len(pages) - len(kept)
        if not kept:
            log.warning("tutorial peer: skipped %s: no text on its %d page(s) (image-only?)", source, n_pages)
            return 0
        if n_empty:
            log.warning("tutorial peer: %s: skipped %d empty page(s) of %d", source, n_empty, n_pages)
        for doc in kept:
            doc.metadata["path"] = doc.metadata.get("source", str(path))
            doc.metadata["source"] = source
        splits = filter_complex_metadata(self.splitter.split_documents(kept))
        for start in range(0, len(splits), ADD_BATCH):
            self.store.add_documents(documents=splits[start : start + ADD_BATCH])
        return len(splits)

    # -- retrieval and generation ---------------------------------------------------------

    def search(self, query: str, k: int = 5) -> list[PeerHit]:
        """The ``k`` nearest chunks to ``query`` (dense only), best first."""
        return [_hit(doc, distance) for doc, distance in self.store.similarity_search_with_score(query, k=k)]

    def answer(self, question: str, llm: Any, k: int = 4) -> PeerAnswer:
        """Retrieve ``k`` chunks, stuff them into the tutorial prompt and stream ``llm``'s answer.

        ``llm`` is a LangChain chat model (``BaseChatModel``). Both timings run from the call's
        start, so they include embedding the question and the retrieval.
        """
        start = time.perf_counter()
        found = self.store.similarity_search_with_score(question, k=k)
        context = "\n\n".join(doc.page_content for doc, _ in found)
        messages = self.prompt.invoke({"question": question, "context": context})
        parts: list[str] = []
        first: float | None = None
        for chunk in llm.stream(messages):
            piece = chunk.text
            if piece and first is None:
                first = time.perf_counter() - start
            parts.append(piece)
        return PeerAnswer(
            text="".join(parts),
            hits=[_hit(doc, distance) for doc, distance in found],
            seconds=time.perf_counter() - start,
            first_token_seconds=first,
        )

    # -- manifest -------------------------------------------------------------------------

    def _manifest_path(self) -> Path:
        return self.persist_dir / MANIFEST

    def _manifest_for(self, files: list[tuple[Path, str]]) -> dict[str, Any]:
        """What an index of ``files`` with this configuration is identified by."""
        entries = []
        for path, source in files:
            try:
                st = Path(path).stat()
                size, mtime = st.st_size, st.st_mtime_ns
            except OSError:
                size, mtime = None, None
            entries.append({"source": source, "size": size, "mtime_ns": mtime})
        return {
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "model": str(getattr(self.embedder, "model_dir", "")),
            "files": entries,
        }

    def _read_manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads(self._manifest_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        tmp = self._manifest_path().with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self._manifest_path())

    def _count(self) -> int:
        """Chunks in the Chroma collection."""
        return self.store._collection.count()


def _same_index(stored: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Same configuration and the same files (in any order)."""

    def key(manifest: dict[str, Any]) -> tuple[Any, ...]:
        files = sorted(json.dumps(entry, sort_keys=True) for entry in manifest.get("files", []))
        return manifest.get("chunk_size"), manifest.get("chunk_overlap"), manifest.get("model"), files

    return key(stored) == key(wanted)


def _load(path: Path) -> list[Document]:
    """The tutorial loaders: one Document per PDF page, one per text file."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return PyPDFLoader(str(path)).load()
    if suffix in TEXT_SUFFIXES:
        return TextLoader(str(path), encoding="utf-8").load()
    raise ValueError(f"unsupported file type {suffix or '(none)'}")


def _hit(doc: Document, distance: float) -> PeerHit:
    """A hit from a Chroma result: 1-based page, cosine similarity from the squared L2 distance."""
    return PeerHit(
        source=str(doc.metadata.get("source", "")),
        page=int(doc.metadata.get("page", 0)) + 1,
        text=doc.page_content,
        score=1.0 - float(distance) / 2.0,
    )
