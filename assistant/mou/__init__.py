"""MOU tools: drafting an MOU from a form, and analysing an existing MOU into a structured record.

Usage:
    >>> from assistant.mou import MouForm, analyze_file, draft_mou
    >>> record = analyze_file(Path("corpus/mou/MOU-2024-001.th.md"))
    >>> record.parties.value, record.notice_days.value
    (['โรงเรียนบ้านเขาแก้วพัฒนา', 'มหาวิทยาลัยเทคโนโลยีชายฝั่งตะวันออก'], 30)

The submodules load lazily: ``assistant.mou.analysis`` (rules + optional model) and
``assistant.mou.draft`` (the draft engine over ``prompts/mou.yaml``).
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "FieldValue": "assistant.mou.analysis",
    "MissingField": "assistant.mou.analysis",
    "MouRecord": "assistant.mou.analysis",
    "analyze_mou": "assistant.mou.analysis",
    "analyze_file": "assistant.mou.analysis",
    "analyze_document": "assistant.mou.analysis",
    "MouForm": "assistant.mou.draft",
    "draft_mou": "assistant.mou.draft",
    "stream_mou_draft": "assistant.mou.draft",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'assistant.mou' has no attribute {name!r}")
