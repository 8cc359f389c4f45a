"""The workshop builder: a timed agenda, objectives, activities, materials, pre/post checks, evaluation.

Usage:
    >>> from assistant.workshop import draft_workshop, parse_workshop
    >>> form = parse_workshop({"topic": "การใช้ AI ช่วยทำแฟ้มสะสมผลงาน", "audience": "ครูโรงเรียนขนาดเล็ก",
    ...                        "duration_hours": 3, "goals": ["ออกแบบแฟ้มสะสมผลงาน"], "start_time": "09:00"})
    >>> ctx = draft_context(settings, workspace="default", language=form.language, principal=SYSTEM)
    >>> draft = draft_workshop(form, ctx)                 # or stream_workshop(form, ctx) for the UI
    >>> [(i.start_clock, i.end_clock, i.title) for i in plan_agenda(form).items][:2]
    [('09:00', '09:15', 'เปิดงานและแบบประเมินก่อนเริ่ม'), ...]

Everything except an optional overview paragraph is deterministic: the segments, their texts,
facilitation notes, materials, check questions, the evaluation form and the draft's own wording
(``headings:``, ``text:``, the model's ``tasks:``) come from ``corpus/templates/workshop.yaml``
(data, Thai and English); citations come only from retrieval (``ctx.sources.find``) over the
workspace's documents, e.g. the workshop guide.

**Timing.** Durations are 1–6 hours in half hours. Breaks (from the template's rules, e.g. one
for 2.5 hours or more) are taken out first; the rest is shared between the segments by their
template shares in whole units of 5 minutes: each segment gets at least its minimum, then the
units left go by the largest remainder of its ideal share (ties: the earlier segment), and if
minimums overshoot, the segments furthest above their ideal give units back (ties: the later
segment). So the agenda always adds up to exactly the duration, and the same form always gives
the same agenda. A workshop whose mandatory segments need more time than it has (for example a
one-hour workshop with four goals, each needing its own hands-on segment) is refused with
:class:`AgendaError` naming the minutes needed. Breaks go between segments where the blocks
around them come closest to equal length.

Modules (one concept each; this package re-exports their public names):

* :mod:`~assistant.workshop.form` — the form a trainer fills in (:func:`parse_workshop`);
* :mod:`~assistant.workshop.template` — ``corpus/templates/workshop.yaml`` as checked models;
* :mod:`~assistant.workshop.agenda` — the timed agenda (:func:`allocate`, :func:`plan_agenda`);
* :mod:`~assistant.workshop.sections` — the draft's sections (:class:`WorkshopBuilder`,
  :func:`stream_workshop`, :func:`draft_workshop`).
"""

from __future__ import annotations

from assistant.workshop.agenda import Agenda, AgendaError, AgendaItem, allocate, plan_agenda
from assistant.workshop.form import (
    ALLOWED_DURATIONS,
    MAX_GOALS,
    MAX_HOURS,
    MIN_HOURS,
    WorkshopForm,
    parse_workshop,
)
from assistant.workshop.sections import FACT_CHARS, WorkshopBuilder, draft_workshop, stream_workshop
from assistant.workshop.template import (
    TEMPLATE_PATH,
    FaqText,
    SegmentTemplate,
    WorkshopTemplate,
    load_template,
)

__all__ = [
    "ALLOWED_DURATIONS",
    "FACT_CHARS",
    "MAX_GOALS",
    "MAX_HOURS",
    "MIN_HOURS",
    "TEMPLATE_PATH",
    "Agenda",
    "AgendaError",
    "AgendaItem",
    "FaqText",
    "SegmentTemplate",
    "WorkshopBuilder",
    "WorkshopForm",
    "WorkshopTemplate",
    "allocate",
    "draft_workshop",
    "load_template",
    "parse_workshop",
    "plan_agenda",
    "stream_workshop",
]
