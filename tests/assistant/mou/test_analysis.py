"""The model's part of an analysis: only what the rules missed, kept only when the text holds it, marked.

The chat model is LangChain's scripted fake (the embedded model takes minutes per document); the
documents, the rules and the checks against the page text are the real ones.
"""

from __future__ import annotations

import json
from datetime import date

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.drafting.engine import Writer
from assistant.mou.analysis import analyze_mou

PAGES = [
    "MEMORANDUM OF UNDERSTANDING\nbetween Hillside School and Lakeview Teachers College.\n"
    "The partnership begins 1 March 2030 and runs for two (2) years.\n",
    "Either party may terminate this MOU; the notice period is ninety days.\n",
]


def _writer(reply: dict) -> Writer:
    return Writer(FakeListChatModel(responses=[json.dumps(reply)] * 3), "fake", "en")


def test_rules_alone_leave_the_start_and_the_notice_missing() -> None:
    record = analyze_mou(PAGES, source="hill.txt")
    assert record.parties is not None and record.parties.method == "rule"
    assert record.duration_months is not None and record.duration_months.value == 24
    assert record.start_date is None and record.notice_days is None and record.end_date is None
    assert record.termination is not None and record.termination.page == 2


def test_model_values_are_marked_and_a_derived_date_says_what_it_stands_on() -> None:
    record = analyze_mou(
        PAGES,
        source="hill.txt",
        writer=_writer({"start_date": "1 March 2030", "notice_days": 90, "signing_date": "5 May 2029"}),
    )
    assert record.start_date is not None and record.start_date.method == "llm"
    assert (record.start_date.value, record.start_date.page) == (date(2030, 3, 1), 1)
    # written in words on page 2: the number words count as the text holding the value
    assert record.notice_days is not None and record.notice_days.method == "llm"
    assert (record.notice_days.value, record.notice_days.page) == (90, 2)
    assert "ninety days" in record.notice_days.evidence_text
    # the rules' fields keep their method; the model is not asked for them
    assert record.parties is not None and record.parties.method == "rule"
    assert record.duration_months is not None and record.duration_months.method == "rule"
    # computed from the model's start date: derived, and it says so
    assert record.end_date is not None and record.end_date.method == "derived"
    assert record.end_date.value == date(2032, 2, 29)
    assert "found only by the model: 2030-03-01" in record.end_date.evidence_text
    # a date the text does not hold is dropped and reported missing
    assert record.signing_date is None
    assert "llm: dropped signing_date (not found in the document text)" in record.notes
    fields = record.to_json()["fields"]
    assert fields["start_date"]["method"] == "llm" and fields["notice_days"]["method"] == "llm"


def test_a_notice_the_text_does_not_state_is_dropped() -> None:
    record = analyze_mou(PAGES, source="hill.txt", writer=_writer({"notice_days": 30}))
    assert record.notice_days is None
    assert "llm: dropped notice_days (not found in the document text)" in record.notes
