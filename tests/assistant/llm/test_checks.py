"""Checks of a chat model's reply: JSON points, echo, language, leaks, loops, "not found", errors."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk

from assistant.ask import load_prompts
from assistant.llm.checks import (
    NOT_FOUND_MESSAGES,
    Point,
    backend_note,
    drop_echo_lines,
    leaks_prompt,
    message_text,
    output_problems,
    parse_points,
    says_not_found,
)

EN = load_prompts("en")
TH = load_prompts("th")

# ------------------------------------------------------------------ parse_points


def test_clean_json_points() -> None:
    reply = (
        '{"points": [{"text": "Consent must be asked before collection.", "source": 2},'
        ' {"text": "The PDPA applies in full since 1 June 2022.", "source": 1}]}'
    )
    assert parse_points(reply) == [
        Point("Consent must be asked before collection.", 2),
        Point("The PDPA applies in full since 1 June 2022.", 1),
    ]


def test_fenced_json_and_json_inside_chatter() -> None:
    fenced = '```json\n{"points": [{"text": "Members share a vision.", "source": 1}]}\n```'
    assert parse_points(fenced) == [Point("Members share a vision.", 1)]
    chatty = (
        'Here is the answer: {"points": [{"text": "Members share a vision.", "source": 3}]} Hope it helps!'
    )
    assert parse_points(chatty) == [Point("Members share a vision.", 3)]


def test_bare_list_of_points_and_of_strings() -> None:
    assert parse_points('[{"text": "A shared vision", "source": 1}, "Clear roles [2]"]') == [
        Point("A shared vision", 1),
        Point("Clear roles", 2),
    ]


def test_numbers_as_strings_lists_or_markers_and_other_key_names() -> None:
    reply = (
        '{"points": [{"text": "One", "source": "2"}, {"point": "Two [3]"},'
        ' {"text": "Three", "passage": "[4]"}, {"text": "Four", "citation": [5, 6]},'
        ' {"answer": "Five", "n": 7}, {"text": "Six"}]}'
    )
    assert parse_points(reply) == [
        Point("One", 2),
        Point("Two", 3),
        Point("Three", 4),
        Point("Four", 5),
        Point("Five", 7),
        Point("Six", None),
    ]


def test_marker_in_the_text_is_taken_out_and_used_when_there_is_no_source() -> None:
    points = parse_points(
        '{"points": [{"text": "Members share a vision [2]."}, {"text": "Roles [1]", "source": 4}]}'
    )
    assert points == [Point("Members share a vision.", 2), Point("Roles", 4)]


def test_other_list_key_is_accepted() -> None:
    assert parse_points('{"answer": [{"text": "A vision", "source": 1}]}') == [Point("A vision", 1)]


def test_empty_points_and_empty_texts_give_an_empty_list() -> None:
    assert parse_points('{"points": []}') == []
    assert parse_points('{"points": [{"text": "", "source": 1}, {"text": "[2]"}]}') == []


@pytest.mark.parametrize(
    "reply", ["garbage", "", "   ", '{"points": ', '{"points": "x"}', '{"a": 1}', "{not json}"]
)
def test_garbage_is_not_json(reply: str) -> None:
    assert parse_points(reply) is None


def test_prose_without_brackets_is_not_json() -> None:
    assert parse_points("The PDPA applies in full since 1 June 2022.") is None


@pytest.mark.parametrize(
    "reply", ["The PDPA applies in full since 1 June 2022 [1].", "[1] The PDPA applies."]
)
def test_prose_with_citation_markers_is_not_json(reply: str) -> None:
    assert parse_points(reply) is None


# ------------------------------------------------------------------ output_problems


QUESTION = "When must consent be asked?"


@pytest.mark.parametrize(
    ("reply", "prompts", "problems"),
    [
        ("", EN, ["empty"]),
        ("  \n ", EN, ["empty"]),
        ("[1]", EN, ["no-answer"]),
        ("OK", EN, ["no-answer"]),
        ("When must consent be asked? [1]", EN, ["echo"]),
        ("Consent must be asked before collection, in writing [1].", EN, []),
        ("Consent must be asked before collection, in writing [1].", TH, ["wrong-language"]),
        ("ต้องขอความยินยอมก่อนเก็บข้อมูล เป็นหนังสือ [1]", EN, ["wrong-language"]),
        ("ต้องขอความยินยอมก่อนเก็บข้อมูล เป็นหนังสือ [1]", TH, []),
        ("ต้องขอความยินยอมก่อนเก็บข้อมูล 的同意 [1]", TH, ["cjk"]),
        ("Consent must be asked before collection. " * 3, EN, ["repetition"]),
    ],
)
def test_output_problems(reply: str, prompts, problems: list[str]) -> None:
    assert output_problems(reply, prompts, QUESTION) == problems


def test_output_problems_finds_a_leaked_system_prompt() -> None:
    leak = f"Sure. My instructions are: {EN.system_message()}"
    assert "prompt-leak" in output_problems(leak, EN, QUESTION)
    assert leaks_prompt(leak, EN.system_message())
    assert not leaks_prompt("Consent must be asked before collection [1].", EN.system_message())


def test_says_not_found_in_either_language() -> None:
    assert says_not_found("Not found in your documents.")
    assert says_not_found("ไม่พบข้อมูลนี้ในเอกสารของคุณ [1]")
    assert says_not_found("Sorry. Not found in your documents.", [EN.not_found, *NOT_FOUND_MESSAGES])
    assert not says_not_found("")
    long = "Not found in your documents, but the PDPA says consent must be asked before collection [1]."
    assert not says_not_found(long)


def test_drop_echo_lines_keeps_the_answer() -> None:
    reply = "What is SDG 4?\n\nSDG 4 asks for quality education for all [1]."
    assert drop_echo_lines(reply, "What is SDG 4?") == "SDG 4 asks for quality education for all [1]."
    assert drop_echo_lines("What is SDG 4?", "What is SDG 4?") == "What is SDG 4?"  # nothing else left


# ------------------------------------------------------------------ errors and messages


def test_backend_note_tells_backend_errors_from_bugs() -> None:
    assert (
        backend_note(ConnectionError("connection refused\nmore")) == "backend unavailable: connection refused"
    )
    assert backend_note(TimeoutError()) == "backend unavailable: TimeoutError"
    assert backend_note(TypeError("bad argument")) == "backend error: TypeError: bad argument"


def test_message_text_of_strings_parts_and_chunks() -> None:
    assert message_text(AIMessage(content="plain")) == "plain"
    assert (
        message_text(AIMessageChunk(content=[{"type": "text", "text": "a"}, "b", {"type": "image"}])) == "ab"
    )
    assert message_text("raw") == "raw"
