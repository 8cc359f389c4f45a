"""Evidence from the index: passages of a partner's indexed MOU documents, retrieved for a need."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.partners.match_records import Citation

if TYPE_CHECKING:
    from ingest.store import Store


def mou_citer(store: Store, workspace: str, k: int = 1) -> Callable[[str, str], list[Citation]]:
    """A ``cite(mou_id, query)`` that finds the MOU's indexed document and returns its best passages.

    The document is the one whose front-matter ``id`` is the MOU id, or whose source or title
    contains it. The passages come from :class:`assistant.retrieval.hybrid.HybridRetriever` restricted
    to that document (``Filters(sources=...)``), so a citation always points at retrieved text.
    Returns no citation when the MOU is not indexed in the workspace.
    """
    from assistant.retrieval.hybrid import HybridRetriever
    from ingest.manifest import Filters

    sources: dict[str, str] = {}
    for doc in store.documents(workspace):
        doc_id = str((doc.meta or {}).get("id") or "")
        for mou_id in {doc_id} - {""}:
            sources.setdefault(mou_id, doc.source)
    documents = store.documents(workspace)

    def cite(mou_id: str, query: str) -> list[Citation]:
        source = sources.get(mou_id) or next(
            (d.source for d in documents if mou_id and (mou_id in d.source or mou_id in d.title)), None
        )
        if source is None:
            return []
        retriever = HybridRetriever(store=store, workspace=workspace, k=k, filters=Filters(sources=(source,)))
        hits = retriever.search(query or mou_id, k=k)
        return [
            Citation(mou_id=mou_id, source=h.source, page=h.page, text=h.text, chunk_id=h.chunk_id)
            for h in hits
            if h.source == source
        ]

    return cite
