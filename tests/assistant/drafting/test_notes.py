"""Draft notes: typed kinds that are written as the same text saved drafts already hold."""

from __future__ import annotations

import json

import pytest

from assistant.drafting.engine import Draft
from assistant.drafting.notes import DraftNote


def test_a_draft_note_is_written_as_the_same_text_as_before() -> None:
    assert DraftNote.PROSE_FAILED.of("TimeoutError") == "prose-failed:TimeoutError"
    assert DraftNote.STRUCTURED_FAILED.of("ValidationError") == "structured-failed:ValidationError"
    assert DraftNote.PROSE_DROPPED.of("unsupported") == "prose-dropped:unsupported"
    assert DraftNote.LLM.of("none") == "llm:none"
    assert DraftNote.FEEDBACK_DROPPED.of("first-person") == "feedback-dropped:first-person"
    assert json.dumps([DraftNote.PROSE_DROPPED.of("cjk")]) == '["prose-dropped:cjk"]'


@pytest.mark.parametrize(
    ("note", "member", "detail"),
    [
        ("prose-dropped:wrong-language", DraftNote.PROSE_DROPPED, "wrong-language"),
        ("prose-failed:RuntimeError", DraftNote.PROSE_FAILED, "RuntimeError"),
        ("structured-failed:ValueError", DraftNote.STRUCTURED_FAILED, "ValueError"),
        ("llm:backend unavailable: refused", DraftNote.LLM, "backend unavailable: refused"),
        ("llm:none", DraftNote.LLM, "none"),
    ],
)
def test_parse_and_detail_read_a_saved_note(note: str, member: DraftNote, detail: str) -> None:
    assert DraftNote.parse(note) is member
    assert DraftNote.detail(note) == detail


def test_an_unknown_draft_note_fails_naming_the_notes() -> None:
    with pytest.raises(ValueError, match=r"unknown draft note 'prose:x'.*prose-dropped"):
        DraftNote.parse("prose:x")


def test_notes_of_a_saved_draft_load_unchanged_and_are_found_by_kind() -> None:
    notes = ["llm:none", "prose-dropped:cjk", "something else", "prose-failed:TimeoutError"]
    saved = {"kind": "plan", "title": "t", "language": "th", "sections": [], "notes": notes}
    draft = Draft.from_json(json.loads(json.dumps(saved)))
    assert draft.notes == notes
    assert DraftNote.find(draft.notes, DraftNote.PROSE_DROPPED, DraftNote.PROSE_FAILED) == notes[1::2]
    assert DraftNote.LLM.found_in(draft.notes) == ["llm:none"]
    assert DraftNote.kinds(draft.notes) == [DraftNote.LLM, DraftNote.PROSE_DROPPED, DraftNote.PROSE_FAILED]
