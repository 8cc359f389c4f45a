"""The models a :class:`~assistant.sessions.Sessions` uses, each loaded on first use and then kept.

``llm``: ``True`` uses the configured backend (``backend`` overrides it), ``False``/``None``
answers extractively, a chat model is used as given. ``store`` and ``embedder`` default to the
process-wide ones (:mod:`assistant.retrieval.runtime`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.settings import Settings
    from ingest.embeddings import Embedder
    from ingest.store import Store


class ModelCache:
    """The index store, the embedder and the chat model of one Sessions object."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        embedder: Embedder | None = None,
        llm: BaseChatModel | bool | None = True,
        backend: str | None = None,
    ) -> None:
        self.settings = settings
        self._store = store
        self._embedder = embedder
        self._llm = llm
        self._backend = backend
        self._model: tuple[Any, str] | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            from assistant.retrieval.runtime import get_store

            self._store = get_store(self.settings)
        return self._store

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = getattr(self.store.vectors, "embedder", None) or _runtime_embedder(self.settings)
        return self._embedder

    def chat_model(self) -> tuple[Any, str]:
        """``(model or None, backend name)``; resolved once."""
        if self._model is None:
            if self._llm is True:
                from assistant.llm.backends import get_chat_model

                model, status = get_chat_model(self.settings, self._backend)
                self._model = (model, status.backend)
            elif self._llm is False or self._llm is None:
                self._model = (None, "none")
            else:
                self._model = (self._llm, self._backend or "custom")
        return self._model


def _runtime_embedder(settings: Settings) -> Embedder:
    from assistant.retrieval.runtime import get_embedder

    return get_embedder(settings)
