"""What a draft's notes say: the typed kinds of the short flags the draft writer records.

A draft keeps its notes as plain text (``Draft.notes``), so saved drafts and ``--json`` output
stay as they were: ``DraftNote.PROSE_DROPPED.of("cjk")`` is ``"prose-dropped:cjk"`` and
``DraftNote.LLM.of("none")`` is ``"llm:none"``. Code asks :meth:`DraftNote.parse`,
:meth:`DraftNote.find` or :meth:`DraftNote.found_in` what a note is instead of testing prefixes.
"""

from __future__ import annotations

from assistant.records import NoteKind


class DraftNote(NoteKind):
    """The kind of one draft note; every note is a member's value followed by ``:<detail>``."""

    LLM = "llm"  # :<status message> (the model backend asked for, when it is not usable)
    PROSE_FAILED = "prose-failed"  # :<exception name> (the model failed while writing a paragraph)
    PROSE_DROPPED = "prose-dropped"  # :<problem> (a paragraph failed its checks and was left out)
    STRUCTURED_FAILED = "structured-failed"  # :<exception name> (no schema-shaped reply)
    FEEDBACK_DROPPED = "feedback-dropped"  # :<why> (reflection feedback that rewrote the reflection)

    @classmethod
    def _noun(cls) -> str:
        return "draft note"
