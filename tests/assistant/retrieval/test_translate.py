"""Query translation by the chat model (assistant.retrieval.translate), with LangChain fake chat models."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import Field

from assistant.retrieval import translate
from assistant.retrieval.hybrid import glossary_expander
from assistant.retrieval.translate import clean_translation, model_expander

THAI_Q = "องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษามีอะไรบ้าง"
ENGLISH_Q = "What are the components of a collaboration network?"


class Translator(FakeListChatModel):
    """A fake chat model that records the messages of every call."""

    calls: list[list[BaseMessage]] = Field(default_factory=list)

    def _call(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> str:
        self.calls.append(list(messages))
        return super()._call(messages, *args, **kwargs)


class Broken(FakeListChatModel):
    """A model whose server is gone."""

    calls: int = 0

    def _call(self, *args: Any, **kwargs: Any) -> str:
        self.calls += 1
        raise ConnectionError("connection refused by 127.0.0.1:8080")


def glossary_stub(question: str, target: str) -> str:
    return "collaboration network partnership" if target == "en" else "เครือข่ายความร่วมมือ"


# ------------------------------------------------------------------ clean_translation


def test_clean_translation_takes_the_first_line_without_quotes() -> None:
    assert (
        clean_translation('"What are the components?"\nNote: literal', THAI_Q, "en")
        == "What are the components?"
    )
    assert clean_translation("  \n“องค์ประกอบมีอะไรบ้าง”", ENGLISH_Q, "th") == "องค์ประกอบมีอะไรบ้าง"


@pytest.mark.parametrize(
    ("reply", "target"),
    [
        ("", "en"),
        ("   \n  ", "en"),
        ("องค์ประกอบของเครือข่ายมีอะไรบ้าง", "en"),  # still Thai: the wrong script for an English search
        ("What are the components?", "th"),
        ("What are the 组成部分 of the network?", "en"),  # Chinese leaks
        ("What are the components " + "and the parts " * 30, "en"),  # far longer than the question
    ],
)
def test_clean_translation_rejects_what_cannot_be_searched(reply: str, target: str) -> None:
    question = "องค์ประกอบมีอะไรบ้าง" if target == "en" else "What are the components?"
    assert clean_translation(reply, question, target) is None


# ------------------------------------------------------------------ model_expander


def test_the_model_translates_and_the_glossary_terms_are_added() -> None:
    model = Translator(responses=["What are the components of an educational collaboration network?"])
    expand = model_expander(model, fallback=glossary_stub)
    out = expand(THAI_Q, "en")
    # the glossary's words already in the translation are not repeated
    assert out == "What are the components of an educational collaboration network? partnership"
    system, human = model.calls[0]
    assert isinstance(system, SystemMessage) and "from Thai into English" in system.content
    assert isinstance(human, HumanMessage) and human.content == THAI_Q


def test_the_other_direction_uses_the_thai_prompt() -> None:
    model = Translator(responses=["องค์ประกอบของเครือข่ายความร่วมมือมีอะไรบ้าง"])
    out = model_expander(model, fallback=glossary_stub)(ENGLISH_Q, "th")
    assert out == "องค์ประกอบของเครือข่ายความร่วมมือมีอะไรบ้าง"  # the glossary phrase is in it already
    assert "from English into Thai" in model.calls[0][0].content


def test_translations_are_cached() -> None:
    model = Translator(responses=["Components of the network?", "Something else"])
    expand = model_expander(model, fallback=glossary_stub)
    first = expand(THAI_Q, "en")
    assert expand(THAI_Q, "en") == first
    assert len(model.calls) == 1
    expand(THAI_Q, "th")  # another target is another translation
    assert len(model.calls) == 2


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(translate, "CACHE_SIZE", 2)
    model = Translator(responses=["One question?", "Two questions?", "Three questions?", "One again?"])
    expand = model_expander(model, fallback=lambda q, t: "")
    for question in ("คำถามหนึ่ง", "คำถามสอง", "คำถามสาม"):
        expand(question, "en")
    assert expand("คำถามหนึ่ง", "en") == "One again?"  # the oldest was evicted: asked again
    assert expand("คำถามสาม", "en") == "Three questions?"  # still cached
    assert len(model.calls) == 4


def test_a_failing_model_falls_back_to_the_glossary() -> None:
    model = Broken(responses=["never"])
    expand = model_expander(model, fallback=glossary_stub)
    assert expand(THAI_Q, "en") == "collaboration network partnership"
    assert expand(THAI_Q, "en") == "collaboration network partnership"
    assert model.calls == 1  # the fallback is cached too


def test_an_unusable_reply_falls_back_to_the_glossary() -> None:
    model = Translator(responses=["这个网络有哪些组成部分"])
    assert model_expander(model, fallback=glossary_stub)(THAI_Q, "en") == "collaboration network partnership"


def test_the_default_fallback_is_the_corpus_glossary() -> None:
    expected = glossary_expander()(THAI_Q, "en")
    assert expected  # the glossary knows these terms
    assert model_expander(Broken(responses=["never"]))(THAI_Q, "en") == expected


def test_a_retriever_uses_the_model_expander_for_its_second_query() -> None:
    from assistant.retrieval.hybrid import HybridRetriever

    model = Translator(responses=["What are the components of the network?"])
    retriever = HybridRetriever.model_construct(
        expand=True, expander=model_expander(model, fallback=glossary_stub)
    )
    queries = retriever.queries(THAI_Q)
    assert [q.language for q in queries] == ["th", "en"]
    assert queries[1].text == "What are the components of the network? collaboration partnership"
