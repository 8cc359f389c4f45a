"""The question in the other language, by the chat model, to search documents written in it.

Usage:
    >>> expander = model_expander(chat_model)
    >>> expander("ยุทธศาสตร์ของแผนมีอะไรบ้าง", "en")
    'What are the strategies of the plan? strategy'

With a model configured, a Thai question is translated into English (and the reverse) so
that keyword search can match the documents of the other language; the glossary's terms
are added to the translation. A reply that is empty, too long, in the wrong script or
leaks Chinese characters is not used: the glossary's translation is, as without a model.
Translations are kept for the life of the process (the same question is asked again on
follow-ups and retries).
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import Any

from assistant import grounding as g
from assistant.datafiles import load_mapping
from assistant.retrieval.hybrid import QueryExpander, glossary_expander
from assistant.settings import REPO_ROOT

log = logging.getLogger(__name__)

PROMPTS = REPO_ROOT / "prompts" / "translate.yaml"
CACHE_SIZE = 512


@cache
def _prompts() -> dict[str, Any]:
    data = load_mapping(PROMPTS)
    missing = [k for k in ("system", "template") if k not in data]
    if missing:
        raise ValueError(f"{PROMPTS} lacks the keys: {', '.join(missing)}")
    return data


def clean_translation(reply: str, question: str, target: str) -> str | None:
    """The model's translation, or None when it cannot be used (empty, long, wrong script, CJK)."""
    lines = [line.strip().strip("\"'“”") for line in (reply or "").splitlines() if line.strip()]
    if not lines:
        return None
    text = lines[0]
    if len(text) > 3 * len(question) + 60 or g.cjk_leak(text) or g.language_mismatch(text, target):
        return None
    return text


def model_expander(llm: Any, fallback: QueryExpander | None = None) -> QueryExpander:
    """A query expander that asks ``llm`` for the translation (the glossary's terms added).

    The question passes the privacy screen before the model sees it.
    """
    from assistant.llm.privacy import screened

    llm = screened(llm)
    from langchain_core.messages import HumanMessage, SystemMessage

    glossary = fallback or glossary_expander()
    cache_: dict[tuple[str, str], str] = {}
    lock = threading.Lock()

    def expand(question: str, target: str) -> str:
        key = (question, target)
        with lock:
            if key in cache_:
                return cache_[key]
        terms = glossary(question, target)
        prompts = _prompts()
        messages = [
            SystemMessage(str(prompts["system"][target])),
            HumanMessage(str(prompts["template"]).format(question=question)),
        ]
        try:
            reply = llm.invoke(messages)
            text = clean_translation(str(getattr(reply, "content", reply)), question, target)
        except Exception as exc:  # a failing model only costs the model's translation
            log.warning("query translation failed: %s", exc)
            text = None
        extra = [t for t in terms.split() if text is None or t.lower() not in text.lower()]
        result = " ".join([text or "", *extra]).strip()
        with lock:
            if len(cache_) >= CACHE_SIZE:
                cache_.pop(next(iter(cache_)))
            cache_[key] = result
        return result

    return expand


def expander_for(llm: Any, backend: str, setting: str = "auto") -> tuple[bool, QueryExpander | None]:
    """(expand?, expander) for a retriever: what ``EDUNET_QUERY_TRANSLATION`` asks for.

    ``auto`` uses the chat model only for the openai and ollama backends: the embedded 1.5B
    model was measured to answer or distort questions instead of translating them, and it
    costs seconds, so with it (and without a model) the glossary translates.
    """
    if setting == "off":
        return False, None
    wants_model = setting == "model" or (setting == "auto" and backend in ("openai", "ollama"))
    if wants_model and llm is not None:
        return True, model_expander(llm)
    return True, None
