"""Chat models for answering: one factory over the four backends, never crashing on a missing one.

Backends (``settings.backend`` or the ``backend`` argument):

* ``embedded`` (default): the packaged Qwen2.5-Coder-1.5B-Instruct GGUF served
  in-process by llama.cpp (:mod:`assistant.llm.embedded`), reached with
  LangChain's ``ChatOpenAI``.
* ``openai``: any OpenAI-compatible server (vLLM, llama.cpp server, Ollama's /v1,
  hosted models) at ``settings.openai_base_url``.
* ``ollama``: an Ollama server via ``ChatOllama``.
* ``none``: no LLM; callers give extractive answers.

:func:`get_chat_model` returns ``(model or None, LLMStatus)``. When the chosen
backend cannot be used (model file not assembled, server not reachable, failed
start) the model is None and the status says why and that answers fall back to
``none``. Errors *during* a call (server gone, timeout) are recognised with
:func:`is_backend_error`::

    model, status = get_chat_model(settings)
    try:
        for chunk in model.stream(messages):
            ...
    except Exception as exc:
        if not is_backend_error(exc):
            raise
        ...  # fall back to the extractive answer; backend_error_message(exc) explains

Nothing heavy is imported at module import: LangChain clients, httpx and
xllamacpp load inside the functions that need them.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.settings import Backend, Settings
from ingest.records import parse_choice

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

PROBE_TIMEOUT = 3.0
"""Seconds a reachability probe of an openai / ollama server may take."""

FALLBACK_NOTE = "answers fall back to `none` (extractive answers from the retrieved passages)"


@dataclass
class LLMStatus:
    """What :func:`get_chat_model` / :func:`check_backend` found.

    ``requested`` is the backend asked for; ``backend`` the one in effect
    (``none`` after a fallback); ``ok`` whether the requested backend is usable;
    ``message`` a one-line explanation for logs and the UI.
    """

    backend: str
    requested: str
    ok: bool
    message: str


class BackendUnavailableError(RuntimeError):
    """The LLM backend cannot be reached or did not answer in time."""


_cache: dict[tuple[Any, ...], tuple[BaseChatModel, LLMStatus]] = {}
_cache_lock = threading.Lock()


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def parse_backend(backend: Backend | str | None, settings: Settings) -> Backend:
    """The backend to use: ``backend`` when given (case-insensitive name), else ``settings.backend``.

    Raises ValueError listing the valid names for an unknown one.
    """
    if backend is None:
        return Backend(settings.backend)
    return parse_choice(Backend, backend, "LLM backend")


def get_chat_model(
    settings: Settings, backend: Backend | str | None = None
) -> tuple[BaseChatModel | None, LLMStatus]:
    """A streaming chat model for ``backend`` (default ``settings.backend``) and its status.

    Models are cached per backend and relevant settings, so the embedded server
    starts once per process. Unusable backends are not cached (the next call
    tries again) and give ``(None, status)`` with ``status.backend == "none"``.
    Raises ValueError only for an unknown backend name.
    """
    chosen = parse_backend(backend, settings)
    if chosen is Backend.NONE:
        return None, LLMStatus("none", "none", True, "no LLM configured; answers are extractive")
    key = _cache_key(chosen, settings)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and (chosen is not Backend.EMBEDDED or _embedded_running(settings)):
            return cached
        model, status = _build(chosen, settings)
        if model is not None:
            _cache[key] = (model, status)
        return model, status


def check_backend(
    settings: Settings, backend: Backend | str | None = None, *, timeout: float = PROBE_TIMEOUT
) -> LLMStatus:
    """Cheaply check whether ``backend`` could be used, without building a model or starting a server.

    ``embedded``: the model file is assembled and xllamacpp is installed.
    ``openai``: ``GET <base_url>/models`` answers (the API key is accepted).
    ``ollama``: ``GET <base_url>/api/tags`` answers and lists the model.
    Raises ValueError only for an unknown backend name.
    """
    chosen = parse_backend(backend, settings)
    if chosen is Backend.NONE:
        return LLMStatus("none", "none", True, "no LLM configured; answers are extractive")
    if chosen is Backend.EMBEDDED:
        problem = _embedded_problem(settings)
    elif chosen is Backend.OPENAI:
        problem = _probe_openai(settings, timeout)
    else:
        problem = _probe_ollama(settings, timeout)
    if problem is not None:
        return _fallback(chosen, problem)
    return LLMStatus(chosen.value, chosen.value, True, _describe(chosen, settings))


def reset_chat_models(*, stop_servers: bool = True) -> None:
    """Forget cached models (and stop embedded servers), e.g. after settings change or in tests."""
    with _cache_lock:
        _cache.clear()
    if stop_servers and "assistant.llm.embedded" in sys.modules:
        sys.modules["assistant.llm.embedded"].EmbeddedServer.stop_all()


def is_backend_error(exc: BaseException) -> bool:
    """True when ``exc`` means the LLM backend failed (unreachable, timed out, refused, server error).

    Covers :class:`BackendUnavailableError`, ``openai.APIError`` (connection,
    timeout and HTTP status errors: what ``ChatOpenAI`` raises for the embedded
    and openai backends), ``httpx.HTTPError``, ``ollama.ResponseError``, and the
    built-in ``ConnectionError`` and ``TimeoutError`` (``ChatOllama`` raises
    ``ConnectionError`` when Ollama is down). Programming errors (TypeError,
    ValueError, ...) are not backend errors.
    """
    if isinstance(exc, BackendUnavailableError | ConnectionError | TimeoutError):
        return True
    return isinstance(exc, _client_error_types())


def backend_error_message(exc: BaseException) -> str:
    """A short user-facing sentence for a backend error (see :func:`is_backend_error`)."""
    name = type(exc).__name__
    lowered = name.lower()
    if "timeout" in lowered or isinstance(exc, TimeoutError):
        what = "did not answer in time"
    elif "connection" in lowered or isinstance(exc, ConnectionError):
        what = "could not be reached"
    else:
        what = "returned an error"
    detail = str(exc).splitlines()[0][:200] if str(exc) else name
    return f"The language model {what} ({detail}); {FALLBACK_NOTE}."


# --------------------------------------------------------------------------
# Building models
# --------------------------------------------------------------------------


def _cache_key(backend: Backend, settings: Settings) -> tuple[Any, ...]:
    """The settings that change what model :func:`_build` makes for ``backend``."""
    common = (backend.value, settings.llm_max_tokens, settings.llm_temperature, settings.llm_timeout)
    if backend is Backend.EMBEDDED:
        return (*common, str(settings.llm_model_path.expanduser().resolve()), settings.llm_ctx)
    if backend is Backend.OPENAI:
        return (*common, settings.openai_base_url, settings.openai_api_key, settings.openai_model)
    return (*common, settings.ollama_base_url, settings.ollama_model, settings.llm_ctx)


def _build(backend: Backend, settings: Settings) -> tuple[BaseChatModel | None, LLMStatus]:
    """Make the model for ``backend`` or explain (in the status) why it cannot be used."""
    if backend is Backend.EMBEDDED:
        return _build_embedded(settings)
    probe = _probe_openai if backend is Backend.OPENAI else _probe_ollama
    problem = probe(settings, PROBE_TIMEOUT)
    if problem is not None:
        return None, _fallback(backend, problem)
    try:
        model = _openai_model(settings) if backend is Backend.OPENAI else _ollama_model(settings)
    except ImportError as exc:
        return None, _fallback(backend, f"its client library is not installed ({exc})")
    return model, LLMStatus(backend.value, backend.value, True, _describe(backend, settings))


def _build_embedded(settings: Settings) -> tuple[BaseChatModel | None, LLMStatus]:
    """Start (once) the in-process llama.cpp server and point a ChatOpenAI client at it."""
    problem = _embedded_problem(settings)
    if problem is not None:
        return None, _fallback(Backend.EMBEDDED, problem)
    from assistant.llm.embedded import (
        MODEL_NAME,
        EmbeddedModelMissingError,
        EmbeddedServer,
        EmbeddedServerError,
        ServerConfig,
    )

    server = EmbeddedServer.for_model(settings.llm_model_path, ServerConfig(n_ctx=settings.llm_ctx))
    try:
        base_url = server.base_url
    except (EmbeddedModelMissingError, EmbeddedServerError) as exc:
        return None, _fallback(Backend.EMBEDDED, str(exc))
    model = _chat_openai(
        base_url=base_url, api_key="none", model=MODEL_NAME, settings=settings, loopback=True, retries=0
    )
    took = f" (started in {server.start_seconds:.1f} s)" if server.start_seconds else ""
    return model, LLMStatus("embedded", "embedded", True, _describe(Backend.EMBEDDED, settings) + took)


def _embedded_running(settings: Settings) -> bool:
    """True while the embedded server for the configured model file is started (not stopped since)."""
    from assistant.llm.embedded import EmbeddedServer

    return EmbeddedServer.for_model(settings.llm_model_path).running


def _openai_model(settings: Settings) -> BaseChatModel:
    """ChatOpenAI against the configured OpenAI-compatible server."""
    return _chat_openai(
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key or "none",
        model=settings.openai_model,
        settings=settings,
        loopback=False,
        retries=1,
    )


def _chat_openai(
    *, base_url: str, api_key: str, model: str, settings: Settings, loopback: bool, retries: int
) -> BaseChatModel:
    """A streaming ChatOpenAI client; ``loopback`` clients ignore proxy environment variables."""
    from langchain_openai import ChatOpenAI

    extra: dict[str, Any] = {}
    if loopback:
        import httpx

        extra["http_client"] = httpx.Client(trust_env=False)
        extra["http_async_client"] = httpx.AsyncClient(trust_env=False)
    return ChatOpenAI(
        base_url=base_url,
        api_key=api_key,
        model=model,
        streaming=True,
        timeout=settings.llm_timeout,
        max_retries=retries,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        **extra,
    )


def _ollama_model(settings: Settings) -> BaseChatModel:
    """ChatOllama against the configured Ollama server."""
    from langchain_ollama import ChatOllama

    return ChatOllama(
        base_url=settings.ollama_base_url,
        model=settings.ollama_model,
        temperature=settings.llm_temperature,
        num_predict=settings.llm_max_tokens,
        num_ctx=settings.llm_ctx,
        client_kwargs={"timeout": settings.llm_timeout},
    )


# --------------------------------------------------------------------------
# Probes
# --------------------------------------------------------------------------


def _embedded_problem(settings: Settings) -> str | None:
    """Why the embedded backend cannot start, or None when the model file and runtime are there."""
    path = settings.llm_model_path.expanduser()
    if not path.is_file():
        return f"the model file {path} has not been assembled; run `edunet setup`"
    from assistant.llm.embedded import is_assembled, looks_like_gguf

    if settings.llm_path is None and not is_assembled(path):
        return f"the model file {path} is incomplete or unverified; run `edunet setup` again"
    if not looks_like_gguf(path):
        return f"{path} is not a GGUF model file"
    import importlib.util

    if importlib.util.find_spec("xllamacpp") is None:
        return "the llama.cpp runtime (xllamacpp) is not installed"
    return None


def _probe_openai(settings: Settings, timeout: float) -> str | None:
    """Why the OpenAI-compatible server cannot be used, or None when ``GET /models`` answers."""
    import httpx

    url = settings.openai_base_url.rstrip("/") + "/models"
    headers = {"Authorization": f"Bearer {settings.openai_api_key}"} if settings.openai_api_key else {}
    try:
        response = httpx.get(url, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        return f"the OpenAI-compatible server at {settings.openai_base_url} is unreachable ({_short(exc)})"
    if response.status_code in (401, 403):
        return f"the server at {settings.openai_base_url} rejected the API key (HTTP {response.status_code})"
    if response.status_code >= 500:
        return f"the server at {settings.openai_base_url} is failing (HTTP {response.status_code})"
    return None  # 2xx, or 404 from servers without a model list: reachable either way


def _probe_ollama(settings: Settings, timeout: float) -> str | None:
    """Why Ollama cannot be used, or None when it answers and has the model pulled."""
    import httpx

    url = settings.ollama_base_url.rstrip("/") + "/api/tags"
    try:
        response = httpx.get(url, timeout=timeout)
        response.raise_for_status()
        names = {m.get("name", "") for m in response.json().get("models", [])}
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        return f"the Ollama server at {settings.ollama_base_url} is unreachable ({_short(exc)})"
    wanted = settings.ollama_model
    if wanted not in names and f"{wanted}:latest" not in names:
        return f"Ollama has no model {wanted!r}; run `ollama pull {wanted}`"
    return None


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _fallback(backend: Backend, reason: str) -> LLMStatus:
    """The status for a backend that cannot be used."""
    return LLMStatus(
        "none", backend.value, False, f"LLM backend '{backend.value}' unavailable: {reason}; {FALLBACK_NOTE}"
    )


def _describe(backend: Backend, settings: Settings) -> str:
    """One line naming the model in use."""
    if backend is Backend.EMBEDDED:
        return f"embedded llama.cpp model {settings.llm_model_path.name}"
    if backend is Backend.OPENAI:
        return f"OpenAI-compatible server {settings.openai_base_url} (model {settings.openai_model})"
    return f"Ollama {settings.ollama_base_url} (model {settings.ollama_model})"


def _short(exc: BaseException) -> str:
    """The first line of an exception, or its type name when it has no message."""
    text = str(exc).strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__


def _client_error_types() -> tuple[type[BaseException], ...]:
    """Exception classes of the client libraries that are already imported (none are imported here)."""
    names = (("openai", "APIError"), ("httpx", "HTTPError"), ("ollama", "ResponseError"))
    found: list[type[BaseException]] = []
    for module_name, attr in names:
        module = sys.modules.get(module_name)
        cls = getattr(module, attr, None) if module is not None else None
        if isinstance(cls, type) and issubclass(cls, BaseException):
            found.append(cls)
    return tuple(found)
