"""The privacy screen at the model boundary: what a model is sent has personal data masked.

A fake model records every prompt it is sent; the tests put a Thai national ID number and a
phone number into an Ask question, a workshop session's question (the same Answerer) and an
MOU's text (the drafting Writer, which the MOU analysis uses), and check that neither value
reaches the model while the masked form does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import Field

from assistant.llm.privacy import ScreenedModel, redact_personal_data, screen_messages, screened

THAI_ID = "1-1037-02071-81-1"  # a valid check digit
PHONE = "081-234-5678"
CANTEEN = """---
title: Canteen notice
type: other
language: en
---
# Canteen notice

The school canteen opens at 7:30 every morning and serves free milk to pupils in Grades 1 to 3.
"""


class RecordingModel(FakeListChatModel):
    """A fake chat model that remembers the text of every message it was sent."""

    prompts: list[str] = Field(default_factory=list)

    def _record(self, messages: list[BaseMessage]) -> None:
        self.prompts.append("\n".join(str(m.content) for m in messages))

    def _stream(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Iterator[Any]:
        self._record(messages)
        yield from super()._stream(messages, *args, **kwargs)

    def _call(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> str:
        self._record(messages)
        return super()._call(messages, *args, **kwargs)


def assert_screened(prompts: list[str]) -> None:
    assert prompts, "the model was never asked"
    sent = "\n".join(prompts)
    for raw in (THAI_ID, PHONE, THAI_ID.replace("-", ""), "0812345678"):
        assert raw not in sent
    assert "08•-•••-••78" in sent  # the masked form keeps the question readable


def test_redaction_masks_each_finding_and_keeps_the_rest() -> None:
    text = f"นักเรียนเลขประจำตัวประชาชน {THAI_ID} โทร {PHONE} ถามเรื่องทุนการศึกษาปี 2567"
    clean = redact_personal_data(text)
    assert THAI_ID not in clean and PHONE not in clean
    assert "ถามเรื่องทุนการศึกษาปี 2567" in clean  # years are not personal data
    assert redact_personal_data("ไม่มีข้อมูลส่วนตัว หน้า 12") == "ไม่มีข้อมูลส่วนตัว หน้า 12"


def test_clean_messages_pass_unchanged_and_a_model_is_wrapped_once() -> None:
    clean = [SystemMessage("rules"), HumanMessage("When does the canteen open?")]
    assert all(a is b for a, b in zip(screen_messages(clean), clean, strict=True))
    fake = RecordingModel(responses=["ok"])
    wrapped = screened(fake)
    assert isinstance(wrapped, ScreenedModel) and screened(wrapped) is wrapped and screened(None) is None
    wrapped.invoke([HumanMessage(f"call me on {PHONE}")])
    assert_screened(fake.prompts)


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Any]:
    from assistant.retrieval.hybrid import HybridRetriever
    from ingest.pipeline import ingest
    from ingest.store import Store

    root = tmp_path_factory.mktemp("screen")
    (root / "docs").mkdir()
    (root / "docs" / "notice.en.md").write_text(CANTEEN, encoding="utf-8")
    store = Store.open(root / "data", embedder)
    assert ingest([root / "docs"], store).ok
    yield HybridRetriever(store=store, workspace="default", k=3)
    store.manifest.close()


def test_an_ask_question_reaches_the_model_screened(retriever) -> None:
    from assistant.ask import Answerer

    fake = RecordingModel(responses=["The canteen opens at 7:30 every morning [1]."] * 4)
    question = f"What time does the school canteen open? My ID is {THAI_ID}, phone {PHONE}."
    Answerer(retriever, fake, "fake").ask(question)
    assert_screened(fake.prompts)


def test_mou_text_reaches_the_model_screened() -> None:
    from assistant.drafting.engine import Writer
    from assistant.mou.analysis import LlmMouFields

    fake = RecordingModel(responses=['{"parties": ["โรงเรียนบ้านห้วยทับทิม"]}'] * 3)
    context = f"[page 1]\nบันทึกข้อตกลงความร่วมมือ ผู้ประสานงาน โทร {PHONE} เลขประจำตัวประชาชน {THAI_ID}"
    Writer(fake, "fake", "th").structured(LlmMouFields, "Extract the parties", context)
    assert_screened(fake.prompts)


def test_a_session_question_reaches_the_model_screened() -> None:
    """Workshop sessions answer through the same Answerer; the session's model is screened too."""
    from assistant.ask import Answerer

    fake = RecordingModel(responses=["ok"])
    answerer = Answerer(None, fake, "fake")  # type: ignore[arg-type]
    assert isinstance(answerer.llm, ScreenedModel) and answerer.llm.model is fake
