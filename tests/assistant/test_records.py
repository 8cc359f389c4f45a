"""Answer notes: members compare equal to the stored text, parse names the notes, details come back."""

from __future__ import annotations

import json

import pytest

from assistant.llm.checks import backend_note
from assistant.records import BACKEND_DOWN, AnswerNote


def test_a_note_is_stored_as_the_same_text_as_before() -> None:
    assert AnswerNote.FALLBACK == "fallback:none"
    assert AnswerNote.FAILED.of("cjk") == "failed:cjk"
    assert AnswerNote.SHAPE.of("list") == "shape:list"
    assert (
        AnswerNote.BACKEND_UNAVAILABLE.of("connection refused") == "backend unavailable: connection refused"
    )
    assert (
        json.dumps([AnswerNote.NOT_FOUND, AnswerNote.RETRIED.of("echo")]) == '["not-found", "retried:echo"]'
    )


@pytest.mark.parametrize(
    ("note", "member", "detail"),
    [
        ("fallback:none", AnswerNote.FALLBACK, ""),
        ("failed:prompt-leak", AnswerNote.FAILED, "prompt-leak"),
        ("question-truncated:900->800", AnswerNote.QUESTION_TRUNCATED, "900->800"),
        ("removed-citations:1,3", AnswerNote.REMOVED_CITATIONS, "1,3"),
        ("backend error: TimeoutError: slow", AnswerNote.BACKEND_ERROR, "TimeoutError: slow"),
        ("not-found", AnswerNote.NOT_FOUND, ""),
    ],
)
def test_parse_and_detail_read_a_stored_note(note: str, member: AnswerNote, detail: str) -> None:
    assert AnswerNote.parse(note) is member
    assert AnswerNote.detail(note) == detail


def test_an_unknown_note_fails_naming_it_and_the_notes() -> None:
    with pytest.raises(ValueError, match=r"unknown answer note 'backendless'; use one of: .*fallback:none"):
        AnswerNote.parse("backendless")
    with pytest.raises(ValueError, match="unknown answer note 'fail:x'"):
        AnswerNote.parse("fail:x")  # a prefix that is not a note's own is not taken for one


def test_find_keeps_the_order_and_text_and_skips_unknown_notes() -> None:
    notes = [
        "structured",
        "backend unavailable: down",
        "someone's note",
        "backend error: E: x",
        "fallback:none",
    ]
    assert AnswerNote.find(notes, *BACKEND_DOWN) == ["backend unavailable: down", "backend error: E: x"]
    assert AnswerNote.FALLBACK.found_in(notes) == ["fallback:none"]
    assert AnswerNote.kinds(notes)[0] is AnswerNote.STRUCTURED


def test_backend_note_is_a_backend_down_note() -> None:
    note = backend_note(ConnectionError("connection refused\nmore"))
    assert AnswerNote.parse(note) in BACKEND_DOWN and AnswerNote.detail(note) == "connection refused"
