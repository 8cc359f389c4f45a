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
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.drafting import (
    Block,
    Draft,
    DraftContext,
    DraftEvent,
    SectionSpec,
    check_language,
    stream_draft,
)
from assistant.forms import parse_form
from assistant.phrases import Phrase as _Phrase
from assistant.phrases import Text as _Text

if TYPE_CHECKING:
    from collections.abc import Mapping

TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "corpus" / "templates" / "workshop.yaml"
MIN_HOURS, MAX_HOURS = 1.0, 6.0
MAX_GOALS = 6
ALLOWED_DURATIONS: tuple[float, ...] = tuple(h / 2 for h in range(2, 13))
"""1, 1.5, …, 6 hours."""
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
FACT_CHARS = 220
"""A fact quoted in a check question is cut to about this many characters."""


class AgendaError(ValueError):
    """The duration cannot hold the agenda (too short for the mandatory segments, or past midnight)."""


# ---------------------------------------------------------------------------------------- the form


class WorkshopForm(BaseModel):
    """What a trainer fills in; every problem gets a message naming its field (see ``parse_form``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    topic: str = Field(description="what the workshop is about")
    audience: str = Field(default="", description="who comes, e.g. teachers of small schools")
    duration_hours: float = Field(description="1–6 hours, in half hours")
    goals: list[str] = Field(default_factory=list, description="what participants should be able to do")
    language: str = "th"
    start_time: str | None = Field(default=None, description="HH:MM, optional; gives clock times")

    @field_validator("topic")
    @classmethod
    def _topic(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the topic is empty: say what the workshop is about")
        if len(v) > 200:
            raise ValueError("the topic is too long (at most 200 characters)")
        return " ".join(v.split())

    @field_validator("audience")
    @classmethod
    def _audience(cls, v: str) -> str:
        if len(v) > 200:
            raise ValueError("the audience is too long (at most 200 characters)")
        return " ".join(v.split())

    @field_validator("duration_hours", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        try:
            hours = float(str(v).strip().replace(",", "."))
        except (TypeError, ValueError):
            raise ValueError("duration must be 1–6 hours, e.g. 3 or 1.5") from None
        if not MIN_HOURS <= hours <= MAX_HOURS:
            raise ValueError("duration must be 1–6 hours")
        if abs(hours * 2 - round(hours * 2)) > 1e-9:
            raise ValueError("duration must be in whole or half hours (1, 1.5, 2, … 6)")
        return round(hours * 2) / 2

    @field_validator("goals", mode="before")
    @classmethod
    def _goals(cls, v: Any) -> list[str]:
        if v is None:
            return []
        if isinstance(v, str):
            v = v.splitlines()
        goals = [" ".join(str(g).split()) for g in v]
        goals = [g for g in goals if g]
        if len(goals) > MAX_GOALS:
            raise ValueError(f"at most {MAX_GOALS} goals; a workshop with more rarely reaches any")
        if any(len(g) > 200 for g in goals):
            raise ValueError("each goal must be at most 200 characters")
        return list(dict.fromkeys(goals))

    @field_validator("language")
    @classmethod
    def _language(cls, v: str) -> str:
        return check_language(v)

    @field_validator("start_time", mode="before")
    @classmethod
    def _start(cls, v: Any) -> str | None:
        if v is None or str(v).strip() == "":
            return None
        if isinstance(v, int) and not isinstance(v, bool):  # YAML reads 09:00 as 540 (sexagesimal)
            v = f"{v // 60}:{v % 60:02d}"
        match = _CLOCK.match(str(v).strip())
        if not match:
            raise ValueError("start time must be HH:MM, e.g. 09:00")
        return f"{int(match.group(1)):02d}:{match.group(2)}"

    @property
    def minutes(self) -> int:
        return round(self.duration_hours * 60)


def parse_workshop(data: Mapping[str, Any] | WorkshopForm) -> WorkshopForm:
    """Validate a workshop form (raises ``FormError`` listing every problem)."""
    return parse_form(WorkshopForm, data)


# ---------------------------------------------------------------------------------------- template


class _Texts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    th: list[str]
    en: list[str]

    def get(self, language: str) -> list[str]:
        return self.th if language == "th" else self.en


class SegmentTemplate(BaseModel):
    """One kind of agenda segment (opening, icebreaker, input, hands-on, …) as the template gives it."""

    model_config = ConfigDict(extra="forbid")
    id: str
    mandatory: bool = True
    from_minutes: int = 0
    per_goal: bool = False
    share: float = Field(gt=0)
    min_minutes: int = Field(ge=5)
    title: _Text
    activity: _Text
    facilitation: _Texts
    materials: _Texts


class _BreakRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_minutes: int
    breaks: list[str]


class _BreakKind(BaseModel):
    model_config = ConfigDict(extra="forbid")
    minutes: int = Field(ge=5)
    title: _Text


class _Checks(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scale: _Text
    topic_items: _Texts
    goal_item: _Text
    pre_questions: _Texts
    post_questions: _Texts
    fact_item: _Text


class _Level(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: int
    name: _Text
    items: _Texts


class _Evaluation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scale: _Text
    levels: list[_Level]
    open_questions: _Texts
    privacy: _Text


class _Wording(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Headings(_Wording):
    """The draft's section titles."""

    overview: _Phrase
    objectives: _Phrase
    agenda: _Phrase
    activities: _Phrase
    materials: _Phrase
    checks: _Phrase
    evaluation: _Phrase


class _DraftText(_Wording):
    """The draft's fixed labels, table headers and sentences (``text:``)."""

    title: _Phrase
    field_topic: _Phrase
    field_audience: _Phrase
    field_duration: _Phrase
    field_start: _Phrase
    duration_value: _Phrase
    overview: _Phrase
    audience_default: _Phrase
    no_break: _Phrase
    one_break: _Phrase
    many_breaks: _Phrase
    timing: _Phrase
    default_goal: _Phrase
    objectives_lead: _Phrase
    no_goals: _Phrase
    column_time: _Phrase
    column_minutes: _Phrase
    column_segment: _Phrase
    column_activity: _Phrase
    agenda_total: _Phrase
    techniques: _Phrase
    activity_label: _Phrase
    checks_lead: _Phrase
    column_item: _Phrase
    column_before: _Phrase
    column_after: _Phrase
    pre_questions: _Phrase
    post_questions: _Phrase
    fact_questions: _Phrase
    no_facts: _Phrase
    evaluation_lead: _Phrase
    column_level: _Phrase
    column_statement: _Phrase
    column_rating: _Phrase
    open_questions: _Phrase


class _Tasks(_Wording):
    """What the language model is asked to write (its optional paragraphs)."""

    overview: _Phrase


class FaqText(_Wording):
    """The wording of a workshop session's FAQ draft (``faq:``, used by :mod:`assistant.sessions`)."""

    title: _Phrase
    field_session: _Phrase
    field_trainer: _Phrase
    field_code: _Phrase
    field_questions: _Phrase
    asked: _Phrase
    answer: _Phrase
    not_answered: _Phrase
    empty_title: _Phrase
    empty_note: _Phrase


class WorkshopTemplate(BaseModel):
    """``corpus/templates/workshop.yaml``, validated."""

    model_config = ConfigDict(extra="forbid")
    rounding_minutes: int = 5
    segments: list[SegmentTemplate]
    breaks: list[_BreakRule]
    break_kinds: dict[str, _BreakKind]
    checks: _Checks
    evaluation: _Evaluation
    queries: dict[str, _Text]
    headings: _Headings
    text: _DraftText
    tasks: _Tasks
    faq: FaqText

    def break_plan(self, total: int) -> list[str]:
        """The break kinds for a workshop of ``total`` minutes (the rule with the largest threshold met)."""
        rules = [r for r in self.breaks if total >= r.from_minutes]
        return list(max(rules, key=lambda r: r.from_minutes).breaks) if rules else []


@cache
def load_template(path: Path = TEMPLATE_PATH) -> WorkshopTemplate:
    """The workshop template; a clear error naming the file and the field when it is wrong."""
    import yaml
    from pydantic import ValidationError

    from assistant.forms import describe

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        template = WorkshopTemplate.model_validate(data)
    except FileNotFoundError:
        raise ValueError(f"workshop template not found: {path}") from None
    except ValidationError as exc:
        raise ValueError(f"{path}: {'; '.join(describe(exc))}") from None
    unknown = {b for r in template.breaks for b in r.breaks} - set(template.break_kinds)
    if unknown:
        raise ValueError(f"{path}: unknown break kinds {sorted(unknown)}")
    step = template.rounding_minutes
    if any(s.min_minutes % step for s in template.segments) or any(
        b.minutes % step for b in template.break_kinds.values()
    ):
        raise ValueError(f"{path}: segment minimums and breaks must be multiples of {step} minutes")
    return template


# ---------------------------------------------------------------------------------------- the agenda


@dataclass
class AgendaItem:
    """One timed segment of the agenda. ``start``/``end`` are minutes from the start."""

    kind: str
    title: str
    minutes: int
    start: int
    end: int
    activity: str = ""
    facilitation: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    goal: str = ""
    start_clock: str = ""
    end_clock: str = ""

    @property
    def is_break(self) -> bool:
        return self.kind in ("break", "lunch")

    def time_label(self) -> str:
        """``09:00–09:15`` with a start time, else ``0:00–0:15`` from the start."""
        if self.start_clock:
            return f"{self.start_clock}–{self.end_clock}"
        return f"{_hm(self.start)}–{_hm(self.end)}"


@dataclass
class Agenda:
    """The timed agenda: items that add up exactly to ``total`` minutes."""

    total: int
    items: list[AgendaItem]
    start_time: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "total_minutes": self.total,
            "start_time": self.start_time,
            "items": [asdict(i) for i in self.items],
        }


def allocate(total: int, minimums: Sequence[int], shares: Sequence[float], step: int = 5) -> list[int]:
    """Split ``total`` minutes into parts of ``step`` minutes by ``shares``, each at least its minimum.

    Deterministic largest-remainder rounding; the parts always sum to ``total``.

    >>> allocate(60, [10, 10, 10], [1, 2, 1])
    [15, 30, 15]

    Raises :class:`AgendaError` when the minimums need more than ``total``.
    """
    if total % step:
        raise AgendaError(f"the duration ({total} minutes) must be a multiple of {step} minutes")
    if len(minimums) != len(shares) or not shares:
        raise ValueError("one minimum and one share per segment are needed")
    need = sum(minimums)
    if need > total:
        raise AgendaError(
            f"{total} minutes cannot hold the mandatory segments, which need at least {need} minutes"
        )
    units = total // step
    mins = [-(-m // step) for m in minimums]
    weight = sum(shares)
    ideal = [units * s / weight for s in shares]
    parts = [max(m, int(i)) for m, i in zip(mins, ideal, strict=True)]
    n = len(parts)
    while sum(parts) < units:  # give the units left by the largest remainder; ties → the earlier
        best = max(range(n), key=lambda j: (ideal[j] - parts[j], -j))
        parts[best] += 1
    while sum(parts) > units:  # minimums overshot: the one furthest above its ideal gives back; ties → later
        donors = [j for j in range(n) if parts[j] > mins[j]]
        worst = max(donors, key=lambda j: (parts[j] - ideal[j], j))
        parts[worst] -= 1
    return [p * step for p in parts]


def plan_agenda(form: WorkshopForm, template: WorkshopTemplate | None = None) -> Agenda:
    """The timed agenda of ``form``: segments by template share, breaks inserted, clock times if asked."""
    t = template or load_template()
    lang, total = form.language, form.minutes
    breaks = [t.break_kinds[b] for b in t.break_plan(total)]
    content = total - sum(b.minutes for b in breaks)
    goals = form.goals or [form.topic]
    slots: list[tuple[SegmentTemplate, str, float]] = []
    for seg in t.segments:
        if not seg.mandatory and total < seg.from_minutes:
            continue
        if seg.per_goal:
            slots += [(seg, goal, seg.share / len(goals)) for goal in goals]
        else:
            slots.append((seg, "", seg.share))
    need = sum(s.min_minutes for s, _, _ in slots) + sum(b.minutes for b in breaks)
    if need > total:
        per_goal = [s for s in t.segments if s.per_goal]
        hint = (
            f"; each of the {len(goals)} goals needs its own {per_goal[0].min_minutes}-minute "
            "hands-on segment: choose a longer duration or fewer goals"
            if per_goal and len(goals) > 1
            else ""
        )
        raise AgendaError(
            f"a {_hours(form.duration_hours)} workshop cannot be met: the mandatory segments need at least "
            f"{need} minutes, and it has {total}{hint}"
        )
    minutes = allocate(
        content, [s.min_minutes for s, _, _ in slots], [w for _, _, w in slots], t.rounding_minutes
    )
    values = {"topic": form.topic, "audience": form.audience or "-"}
    items: list[AgendaItem] = []
    repeats = Counter(seg.id for seg, _, _ in slots)
    seen: Counter[str] = Counter()
    for (seg, goal, _), m in zip(slots, minutes, strict=True):
        seen[seg.id] += 1
        count = f" ({seen[seg.id]}/{repeats[seg.id]})" if repeats[seg.id] > 1 else ""
        items.append(
            AgendaItem(
                kind=seg.id,
                title=seg.title.get(lang) + count,
                minutes=m,
                start=0,
                end=0,
                activity=seg.activity.get(lang).format(**values, goal=goal or form.topic),
                facilitation=[x.format(**values, goal=goal) for x in seg.facilitation.get(lang)],
                materials=[x.format(**values, goal=goal) for x in seg.materials.get(lang)],
                goal=goal,
            )
        )
    positions = _break_positions([i.minutes for i in items], len(breaks))
    for position, kind in list(zip(positions, t.break_plan(total), strict=True))[::-1]:
        b = t.break_kinds[kind]
        items.insert(
            position, AgendaItem(kind=kind, title=b.title.get(lang), minutes=b.minutes, start=0, end=0)
        )
    clock = 0
    for item in items:
        item.start, item.end = clock, clock + item.minutes
        clock = item.end
    assert clock == total, (clock, total)
    if form.start_time:
        begin = int(form.start_time[:2]) * 60 + int(form.start_time[3:])
        if begin + total > 24 * 60:
            raise AgendaError(
                f"starting at {form.start_time}, a {_hours(form.duration_hours)} workshop "
                "would end after midnight"
            )
        for item in items:
            item.start_clock, item.end_clock = (
                _hm(begin + item.start, pad=True),
                _hm(begin + item.end, pad=True),
            )
    return Agenda(total=total, items=items, start_time=form.start_time)


def _break_positions(lengths: Sequence[int], count: int) -> list[int]:
    """Where to insert ``count`` breaks between segments (indices into ``lengths``), ascending.

    Break j goes at the boundary whose elapsed content time is closest to j/(count+1) of the
    whole (ties: the earlier boundary), never before the first or after the last segment,
    and never two at one boundary.
    """
    if count == 0:
        return []
    total = sum(lengths)
    bounds = list(range(1, len(lengths)))
    elapsed = {b: sum(lengths[:b]) for b in bounds}
    chosen: list[int] = []
    for j in range(1, count + 1):
        target = total * j / (count + 1)
        free = [b for b in bounds if b not in chosen and (not chosen or b > chosen[-1])]
        if not free:
            raise AgendaError("too few segments to place the breaks")
        chosen.append(min(free, key=lambda b: (abs(elapsed[b] - target), b)))
    return chosen


def _hm(minutes: int, *, pad: bool = False) -> str:
    h, m = divmod(minutes, 60)
    return f"{h:02d}:{m:02d}" if pad else f"{h}:{m:02d}"


def _hours(hours: float) -> str:
    return f"{hours:g}-hour"


# ---------------------------------------------------------------------------------------- sections


def _cut_fact(text: str, limit: int = FACT_CHARS) -> str:
    from assistant import grounding as g

    flat = " ".join(g.strip_markers(text).split())
    flat = re.sub(r"^[#>*\-|\s]+", "", flat)
    if len(flat) <= limit:
        return flat
    spans = [end for _, end in g.sentence_spans(flat) if end <= limit]
    return flat[: spans[-1]].strip() if spans else flat[:limit].rsplit(" ", 1)[0] + " …"


def _best_sentence(text: str, query: str) -> str:
    """The sentence of a retrieved passage that shares most with ``query`` (the passage's first on ties)."""
    from assistant import grounding as g

    sentences = [s for s in g.split_sentences(g.strip_markers(text)) if len(s.strip()) >= 20]
    if not sentences:
        return _cut_fact(text)
    scores = g.sentence_scores(sentences, query)
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    return _cut_fact(sentences[best])


class WorkshopBuilder:
    """The section builders of one workshop draft (one instance per draft)."""

    def __init__(self, form: WorkshopForm, template: WorkshopTemplate | None = None) -> None:
        self.form = form
        self.template = template or load_template()
        self.agenda = plan_agenda(form, self.template)
        self.lang = form.language

    def _q(self, key: str) -> str:
        return self.template.queries[key].get(self.lang)

    def specs(self, ctx: DraftContext) -> list[SectionSpec]:
        h, lang = self.template.headings, self.lang
        return [
            SectionSpec("overview", h.overview.get(lang), self.overview),
            SectionSpec("objectives", h.objectives.get(lang), self.objectives),
            SectionSpec("agenda", h.agenda.get(lang), self.agenda_section),
            SectionSpec("activities", h.activities.get(lang), self.activities),
            SectionSpec("materials", h.materials.get(lang), self.materials),
            SectionSpec("checks", h.checks.get(lang), self.checks),
            SectionSpec("evaluation", h.evaluation.get(lang), self.evaluation),
        ]

    def overview(self, ctx: DraftContext) -> list[Block]:
        f, w, lang = self.form, self.template.text, self.lang
        sessions = [i for i in self.agenda.items if not i.is_break]
        count = sum(i.is_break for i in self.agenda.items)
        pauses = w.no_break if not count else w.one_break if count == 1 else w.many_breaks
        text = w.overview.fill(
            lang,
            topic=f.topic,
            audience=f.audience or w.audience_default.get(lang),
            hours=f.duration_hours,
            total=self.agenda.total,
            segments=len(sessions),
            breaks=pauses.fill(lang, count=count),
        )
        cites = ctx.sources.find(self._q("timing"))
        blocks = [Block.paragraph(text)]
        if cites:
            blocks.append(Block.paragraph(w.timing.get(lang) + ctx.sources.marker(cites)))
        facts = [text, *(f.goals or [])]
        prose = ctx.writer.paragraph(self.template.tasks.overview.get(lang), facts, ctx.sources, cites)
        if prose:
            blocks.append(Block.paragraph(prose, generated=True))
        return blocks

    def objectives(self, ctx: DraftContext) -> list[Block]:
        f, w, lang = self.form, self.template.text, self.lang
        goals = f.goals or [w.default_goal.fill(lang, topic=f.topic)]
        blocks = [Block.paragraph(w.objectives_lead.get(lang)), Block.bullets(goals)]
        if not f.goals:
            blocks.append(Block.note(w.no_goals.get(lang)))
        return blocks

    def agenda_section(self, ctx: DraftContext) -> list[Block]:
        w, lang = self.template.text, self.lang
        header = [
            w.column_time.get(lang),
            w.column_minutes.get(lang),
            w.column_segment.get(lang),
            w.column_activity.get(lang),
        ]
        rows = [[i.time_label(), str(i.minutes), i.title, i.activity or "—"] for i in self.agenda.items]
        blocks = [Block.table(header, rows)]
        total = sum(i.minutes for i in self.agenda.items)
        blocks.append(Block.note(w.agenda_total.fill(lang, total=total, hours=self.form.duration_hours)))
        return blocks

    def activities(self, ctx: DraftContext) -> list[Block]:
        w, lang = self.template.text, self.lang
        blocks: list[Block] = []
        cites = ctx.sources.find(self._q("facilitation"))
        if cites:
            blocks.append(Block.paragraph(w.techniques.get(lang) + ctx.sources.marker(cites)))
        for n, item in enumerate((i for i in self.agenda.items if not i.is_break), start=1):
            label = w.activity_label.fill(lang, n=n, title=item.title, minutes=item.minutes)
            blocks.append(Block.paragraph(f"{label}: {item.activity}"))
            blocks.append(Block.bullets(item.facilitation))
        return blocks

    def materials(self, ctx: DraftContext) -> list[Block]:
        seen = list(dict.fromkeys(m for i in self.agenda.items for m in i.materials))
        return [Block.bullets(seen)]

    def checks(self, ctx: DraftContext) -> list[Block]:
        f, c, w, lang = self.form, self.template.checks, self.template.text, self.lang
        values = {"topic": f.topic}
        items = [x.format(**values) for x in c.topic_items.get(lang)]
        items += [c.goal_item.get(lang).format(goal=g) for g in f.goals]
        cites = ctx.sources.find(self._q("checks"))
        blocks = [
            Block.paragraph(w.checks_lead.get(lang) + ctx.sources.marker(cites)),
            Block.note(c.scale.get(lang)),
            Block.table(
                [w.column_item.get(lang), w.column_before.get(lang), w.column_after.get(lang)],
                [[x, "", ""] for x in items],
            ),
            Block.paragraph(w.pre_questions.get(lang)),
            Block.bullets(x.format(**values) for x in c.pre_questions.get(lang)),
            Block.paragraph(w.post_questions.get(lang)),
            Block.bullets(x.format(**values) for x in c.post_questions.get(lang)),
        ]
        facts = self._facts(ctx)
        if facts:
            blocks.append(Block.paragraph(w.fact_questions.get(lang)))
            blocks.append(
                Block.bullets(
                    c.fact_item.get(lang).format(fact=fact) + ctx.sources.marker([n]) for fact, n in facts
                )
            )
        else:
            blocks.append(Block.note(w.no_facts.get(lang)))
        return blocks

    def _facts(self, ctx: DraftContext) -> list[tuple[str, int]]:
        """One quoted sentence per retrieved chunk for the topic and each goal (cited, never invented)."""
        f = self.form
        found: list[tuple[str, int]] = []
        used: set[int] = set()
        for query in [f.topic, *(f"{f.topic} {g}" for g in f.goals)]:
            for n in ctx.sources.find(query, k=1):
                if n in used:
                    continue
                used.add(n)
                fact = _best_sentence(ctx.sources.get(n).text, query)
                if fact:
                    found.append((fact, n))
        return found

    def evaluation(self, ctx: DraftContext) -> list[Block]:
        e, w, lang = self.template.evaluation, self.template.text, self.lang
        values = {"topic": self.form.topic}
        cites = ctx.sources.find(self._q("evaluation"))
        blocks = [
            Block.paragraph(w.evaluation_lead.get(lang) + ctx.sources.marker(cites)),
            Block.note(e.scale.get(lang)),
        ]
        rows = [
            [f"{lv.level} {lv.name.get(lang)}", item.format(**values), "1 2 3 4 5"]
            for lv in e.levels
            for item in lv.items.get(lang)
        ]
        header = [w.column_level.get(lang), w.column_statement.get(lang), w.column_rating.get(lang)]
        blocks.append(Block.table(header, rows))
        blocks.append(Block.paragraph(w.open_questions.get(lang)))
        blocks.append(Block.bullets(e.open_questions.get(lang)))
        blocks.append(Block.note(e.privacy.get(lang)))
        return blocks


def _fields(form: WorkshopForm, template: WorkshopTemplate | None = None) -> dict[str, str]:
    w, lang = (template or load_template()).text, form.language
    fields = {
        w.field_topic.get(lang): form.topic,
        w.field_audience.get(lang): form.audience or "—",
        w.field_duration.get(lang): w.duration_value.fill(lang, hours=form.duration_hours),
    }
    if form.start_time:
        fields[w.field_start.get(lang)] = form.start_time
    return fields


def stream_workshop(form: Mapping[str, Any] | WorkshopForm, ctx: DraftContext) -> Iterator[DraftEvent]:
    """The workshop draft section by section (``DraftEvent``s), then the final draft.

    The form is validated and the agenda planned before the first event, so a bad form or an
    impossible duration raises (``FormError`` / ``AgendaError``) before anything is shown.
    """
    form = parse_workshop(form)
    if form.language != ctx.language:
        raise ValueError(f"the form is in {form.language!r} but the draft context is {ctx.language!r}")
    builder = WorkshopBuilder(form)
    title = builder.template.text.title.fill(form.language, topic=form.topic)
    data = {"form": form.model_dump(), "agenda": builder.agenda.to_dict()}
    fields = _fields(form, builder.template)
    return stream_draft("workshop", title, builder.specs(ctx), ctx, fields=fields, data=data)


def draft_workshop(form: Mapping[str, Any] | WorkshopForm, ctx: DraftContext) -> Draft:
    """The finished workshop draft (see :func:`stream_workshop`)."""
    final: Draft | None = None
    for event in stream_workshop(form, ctx):
        final = event.draft or final
    assert final is not None
    return final
