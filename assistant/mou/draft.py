"""MOU drafting: a form in, a Thai (or English) MOU in the usual structure out, through the draft engine.

Usage:
    >>> from assistant.mou.draft import MouForm, draft_mou, stream_mou_draft
    >>> form = parse_form(MouForm, yaml.safe_load(Path("examples/mou.th.yaml").read_text()))
    >>> ctx = draft_context(settings, "default", form.language, llm=False, principal=SYSTEM)
    >>> draft = draft_mou(form, ctx)                    # or: for event in stream_mou_draft(form, ctx): ...
    >>> [s.id for s in draft.sections][:3]
    ['parties', 'objectives', 'scope']
    >>> export(draft, Path("mou.docx"))

The skeleton (บันทึกข้อตกลงความร่วมมือ … ระหว่าง …, ข้อ 1 วัตถุประสงค์ … การลงนาม with witnesses)
and all its fixed wording come from ``prompts/mou.yaml``; the form's own words are placed in it
unchanged. Citations come only from ``ctx.sources.find`` (the workspace's example MOUs and
policies, e.g. the PDPA guidance when student data is shared). The model, when on, writes only
a short background paragraph, labelled as generated.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from assistant.datafiles import load_mapping
from assistant.drafting.dates import date_value
from assistant.drafting.engine import (
    PROMPTS_DIR,
    Block,
    Draft,
    DraftContext,
    DraftEvent,
    DraftKind,
    SectionSpec,
    stream_draft,
)
from assistant.mou.dates import add_months, format_date

MAX_MONTHS = 120
PROBLEM_SEPARATOR = " ¶ "
"""Joins the form-wide problems of one validation; :func:`parse_mou_form` splits them again."""


@cache
def load_mou_template(language: str, path: Path = PROMPTS_DIR / "mou.yaml") -> dict[str, Any]:
    """The MOU wording of one language from ``prompts/mou.yaml`` (a clear error when it is missing)."""
    data = load_mapping(path)
    if language not in data:
        raise ValueError(f"{path} has no MOU template for language {language!r}")
    template = data[language]
    for key in ("title", "order", "sections", "text", "fields", "queries"):
        if key not in template:
            raise ValueError(f"{path}: the {language!r} template lacks {key!r}")
    return template


# ---------------------------------------------------------------------------------------- the form


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _lines(value: Any) -> list[str]:
    """A list from a list, or from text with one item per line; blanks dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    return [t for t in (_text(v).lstrip("-•* ").strip() for v in value) if t]


class PartyForm(BaseModel):
    """One signing organisation."""

    model_config = ConfigDict(extra="forbid")

    name: str
    representative: str = ""
    title: str = ""
    short_name: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = _text(v)
        if len(v) < 2:
            raise ValueError("the party's name is empty")
        return v

    @field_validator("representative", "title", "short_name")
    @classmethod
    def _strip(cls, v: str) -> str:
        return _text(v)

    @property
    def alias(self) -> str:
        return self.short_name or self.name


class MouForm(BaseModel):
    """What an MOU needs. Lists accept one item per line; dates as Thai or English users write them
    (``1/6/2568``, ``1 มิ.ย. 2568``, ``1 June 2025``, ``2025-06-01``: :mod:`assistant.drafting.dates`).

    ``duties`` and ``coordinators`` are keyed by a party's name or short name. Give the
    duration in months or years, or an end date (or both, when they agree).
    """

    model_config = ConfigDict(extra="forbid")

    language: Literal["th", "en"] = "th"
    topic: str = ""
    parties: list[PartyForm]
    objectives: list[str]
    scope: list[str]
    duties: dict[str, list[str]]
    resources: list[str] = Field(default_factory=list)
    start_date: date
    duration_months: int | None = None
    duration_years: int | None = None
    end_date: date | None = None
    signing_date: date | None = None
    place: str = ""
    coordinators: dict[str, str] = Field(default_factory=dict)
    evaluation: list[str] = Field(default_factory=list)
    notice_days: int = 30
    shares_student_data: bool = False
    witnesses: list[str] = Field(default_factory=list)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, v: Any) -> Any:
        code = _text(v).lower()
        if code not in ("th", "en"):
            raise ValueError(f"language must be th or en, got {v!r}")
        return code

    @field_validator("start_date", "end_date", "signing_date", mode="before")
    @classmethod
    def _date(cls, v: Any, info: ValidationInfo) -> date | None:
        """A typed date read the Thai or the English way; an optional one may be left empty."""
        if info.field_name != "start_date" and (v is None or (isinstance(v, str) and not v.strip())):
            return None
        return date_value(v)

    @field_validator("topic", "place")
    @classmethod
    def _one_line(cls, v: str) -> str:
        return _text(v)

    @field_validator("objectives", "scope", "resources", "evaluation", "witnesses", mode="before")
    @classmethod
    def _list(cls, v: Any) -> list[str]:
        return _lines(v)

    @field_validator("duties", mode="before")
    @classmethod
    def _duties(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {_text(k): _lines(items) for k, items in v.items()}
        return v

    @field_validator("parties")
    @classmethod
    def _parties(cls, v: list[PartyForm]) -> list[PartyForm]:
        if len(v) < 2:
            raise ValueError(f"an MOU needs at least 2 parties, got {len(v)}")
        names = [p.name for p in v]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"party named twice: {', '.join(twice)}")
        aliases = [p.alias for p in v]
        clash = sorted({a for a in aliases if aliases.count(a) > 1})
        if clash:
            raise ValueError(f"two parties share the short name {', '.join(clash)}")
        return v

    @field_validator("objectives", "scope")
    @classmethod
    def _not_empty(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("give at least one item")
        return v

    @field_validator("notice_days")
    @classmethod
    def _notice(cls, v: int) -> int:
        if not 1 <= v <= 365:
            raise ValueError(f"notice for termination must be 1–365 days, got {v}")
        return v

    @field_validator("duration_months")
    @classmethod
    def _months(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= MAX_MONTHS:
            raise ValueError(f"duration must be 1–{MAX_MONTHS} months, got {v}")
        return v

    @field_validator("duration_years")
    @classmethod
    def _years(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= MAX_MONTHS // 12:
            raise ValueError(f"duration must be 1–{MAX_MONTHS // 12} years, got {v}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> MouForm:
        problems = []
        if self.duration_months is not None and self.duration_years is not None:
            problems.append("give the duration in months or in years, not both")
        if self.end_date is not None and self.end_date < self.start_date:
            problems.append(f"end_date {self.end_date} is before start_date {self.start_date}")
        months = self.months
        if months is None and self.end_date is None:
            problems.append("give duration_months, duration_years or end_date")
        elif months is not None and self.end_date is not None:
            expected = add_months(self.start_date, months)
            if self.end_date != expected:
                problems.append(
                    f"end_date {self.end_date} does not match start_date + {months} months ({expected})"
                )
        if self.signing_date is not None and self.signing_date > self.start_date:
            problems.append(f"signing_date {self.signing_date} is after start_date {self.start_date}")
        known = {p.name for p in self.parties} | {p.alias for p in self.parties}
        for key in self.duties:
            if key not in known:
                problems.append(f"duties given for unknown party {key!r} (parties: {self._names()})")
        for key in self.coordinators:
            if key not in known:
                problems.append(f"coordinator given for unknown party {key!r} (parties: {self._names()})")
        for party in self.parties:
            if not (self.duties.get(party.name) or self.duties.get(party.alias)):
                problems.append(f"no duties given for party {party.name!r}")
        if problems:
            raise ValueError(PROBLEM_SEPARATOR.join(problems))
        return self

    def _names(self) -> str:
        return ", ".join(p.name for p in self.parties)

    @property
    def months(self) -> int | None:
        """The term in months, from duration_months or duration_years (None when only end_date is given)."""
        if self.duration_months is not None:
            return self.duration_months
        return self.duration_years * 12 if self.duration_years is not None else None

    @property
    def end(self) -> date:
        """The last day of the MOU."""
        if self.end_date is not None:
            return self.end_date
        assert self.months is not None
        return add_months(self.start_date, self.months)

    def party_duties(self, party: PartyForm) -> list[str]:
        """The duties given for ``party`` under its name or short name."""
        by_alias = self.duties.get(party.alias, []) if party.alias != party.name else []
        return [*self.duties.get(party.name, []), *by_alias]

    def coordinator(self, party: PartyForm) -> str:
        return self.coordinators.get(party.name) or self.coordinators.get(party.alias) or ""


def parse_mou_form(data: Any) -> MouForm:
    """Validate a form mapping; a ``FormError`` lists every problem, each on its own."""
    from assistant.drafting.forms import FormError, FormProblem, parse_form

    try:
        return parse_form(MouForm, data)
    except FormError as exc:
        found = [
            FormProblem(problem.field, part)
            for problem in exc.found
            for part in problem.message.split(PROBLEM_SEPARATOR)
        ]
        raise FormError(found) from None


# ---------------------------------------------------------------------------------------- the draft


def _duration_text(t: dict[str, Any], form: MouForm) -> str:
    from assistant.mou.dates import months_between

    months = form.months if form.months is not None else months_between(form.start_date, form.end)
    years, rest = divmod(months, 12)
    text = t["text"]
    if years and rest:
        return text["years_months"].format(years=years, months=rest)
    if years:
        return text["years"].format(years=years)
    return text["months"].format(months=rest)


def _join_names(t: dict[str, Any], names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    head = names[0] + t["join"] + names[1]
    return head + "".join(f"{t['join_more']} {n}" for n in names[2:])


def mou_title(form: MouForm) -> str:
    """ "บันทึกข้อตกลงความร่วมมือ<topic> ระหว่าง A กับ B และ C" (or the English form)."""
    t = load_mou_template(form.language)
    topic = f"{t['topic_prefix']}{form.topic}" if form.topic else ""
    if form.language == "th" and topic:
        topic = topic if topic.startswith(("ด้าน", " ")) else f"ด้าน{topic}"
    return t["title"].format(topic=topic, parties=_join_names(t, [p.name for p in form.parties]))


class _Builder:
    """The section builders of one MOU; numbering of the ข้อ clauses follows the order of use."""

    def __init__(self, form: MouForm) -> None:
        self.form = form
        self.t = load_mou_template(form.language)
        self.text: dict[str, Any] = self.t["text"]
        self.numbers: dict[str, int] = {}

    def all_parties(self, lower: bool = False) -> str:
        key = "all_two" if len(self.form.parties) == 2 else "all_many"
        value = self.text[key]
        return value.lower() if lower and self.form.language == "en" else value

    def title(self, section: str) -> str:
        template = self.t["sections"][section]
        if "{n}" in template:
            self.numbers.setdefault(section, len(self.numbers) + 1)
            return template.format(n=self.numbers[section])
        return template

    def n(self, section: str) -> int:
        return self.numbers[section]

    def specs(self) -> list[SectionSpec]:
        builders = {
            "parties": self.parties,
            "objectives": self.objectives,
            "scope": self.scope,
            "duties": self.duties,
            "resources": self.resources,
            "duration": self.duration,
            "coordinators": self.coordinators,
            "evaluation": self.evaluation,
            "data_protection": self.data_protection,
            "amendment": self.amendment,
            "signatures": self.signatures,
        }
        order = [s for s in self.t["order"] if s != "data_protection" or self.form.shares_student_data]
        return [SectionSpec(s, self.title(s), builders[s]) for s in order]

    def _example(self, ctx: DraftContext, query: str) -> list[Block]:
        """A note pointing at similar wording in the workspace's own MOUs (only what retrieval found)."""
        from ingest.manifest import Filters

        numbers = ctx.sources.find(query, filters=Filters(doc_types=("mou",)))
        return [Block.note(self.text["example_note"] + ctx.sources.marker(numbers))] if numbers else []

    # -- sections

    def parties(self, ctx: DraftContext) -> list[Block]:
        f, text = self.form, self.text
        date_text = format_date(f.signing_date or f.start_date, f.language)
        place = text["place"].format(place=f.place) if f.place else ""
        items = []
        for i, p in enumerate(f.parties, start=1):
            if p.representative and p.title:
                rep = text["represented_by"].format(representative=p.representative, title=p.title)
            elif p.representative:
                rep = text["represented_by_name"].format(representative=p.representative)
            elif p.title:
                rep = text["represented_by_title"].format(title=p.title)
            else:
                rep = ""
            items.append(f"{i}. " + text["party"].format(name=p.name, represented=rep, alias=p.alias))
        blocks = [Block.paragraph(text["preamble"].format(date=date_text, place=place))]
        blocks += [Block.paragraph(item) for item in items]
        prose = ctx.writer.paragraph(
            text["background_task"],
            facts=[p.name for p in f.parties] + f.objectives,
            sources=ctx.sources,
        )
        if prose:
            blocks.append(Block.paragraph(prose, generated=True))
        blocks.append(Block.paragraph(text["agree"].format(all_parties=self.all_parties())))
        return blocks

    def _numbered(self, section: str, items: list[str], template: str = "item") -> list[str]:
        n = self.n(section)
        return [self.text[template].format(n=n, i=i, text=item) for i, item in enumerate(items, start=1)]

    def objectives(self, ctx: DraftContext) -> list[Block]:
        prefix = self.text["objective_prefix"]
        cleaned = []
        for item in self.form.objectives:
            # "เพื่อพัฒนาครู" and "พัฒนาครู" both become "1.1 เพื่อพัฒนาครู"
            body = item[len(prefix) :].strip() if item.lower().startswith(prefix.lower()) else item
            if self.form.language == "en" and body[:2].istitle():
                body = body[0].lower() + body[1:]
            cleaned.append(body)
        return [Block.paragraph(line) for line in self._numbered("objectives", cleaned, "objective_item")]

    def scope(self, ctx: DraftContext) -> list[Block]:
        blocks = [Block.paragraph(line) for line in self._numbered("scope", self.form.scope)]
        query = self.t["queries"]["scope"].format(text=" ".join(self.form.scope)[:300])
        return blocks + self._example(ctx, query)

    def duties(self, ctx: DraftContext) -> list[Block]:
        n = self.n("duties")
        blocks: list[Block] = []
        for i, party in enumerate(self.form.parties, start=1):
            blocks.append(Block.paragraph(self.text["duty_party"].format(n=n, i=i, name=party.name)))
            blocks.append(Block.bullets(self.form.party_duties(party)))
        return blocks

    def resources(self, ctx: DraftContext) -> list[Block]:
        if not self.form.resources:
            return [Block.paragraph(self.text["resources_none"].format(n=self.n("resources")))]
        lines = self._numbered("resources", [*self.form.resources, self.text["resources_rule"]])
        return [Block.paragraph(line) for line in lines]

    def duration(self, ctx: DraftContext) -> list[Block]:
        f, n = self.form, self.n("duration")
        return [
            Block.paragraph(
                self.text["duration"].format(
                    n=n,
                    start=format_date(f.start_date, f.language),
                    duration=_duration_text(self.t, f),
                    end=format_date(f.end, f.language),
                )
            ),
            Block.paragraph(
                self.text["renewal"].format(
                    n=n, all_parties=self.all_parties(), all_parties_lower=self.all_parties(lower=True)
                )
            ),
        ]

    def coordinators(self, ctx: DraftContext) -> list[Block]:
        n = self.n("coordinators")
        named = [(p, self.form.coordinator(p)) for p in self.form.parties]
        named = [(p, who) for p, who in named if who]
        if not named:
            return [Block.paragraph(self.text["coordinators_none"].format(n=n))]
        lines = [
            self.text["coordinator"].format(n=n, i=i, party=p.alias, who=who)
            for i, (p, who) in enumerate(named, start=1)
        ]
        lines.append(f"{n}.{len(named) + 1} {self.text['coordination_rule']}")
        return [Block.paragraph(line) for line in lines]

    def evaluation(self, ctx: DraftContext) -> list[Block]:
        if not self.form.evaluation:
            return [Block.paragraph(self.text["evaluation_none"].format(n=self.n("evaluation")))]
        return [Block.paragraph(line) for line in self._numbered("evaluation", self.form.evaluation)]

    def data_protection(self, ctx: DraftContext) -> list[Block]:
        from ingest.manifest import Filters

        n = self.n("data_protection")
        query = self.t["queries"]["data_protection"]
        numbers = ctx.sources.find(query, filters=Filters(doc_types=("policy",))) or ctx.sources.find(query)
        return [
            Block.paragraph(self.text["data_protection"].format(n=n) + ctx.sources.marker(numbers)),
            Block.paragraph(self.text["data_protection_end"].format(n=n)),
        ]

    def amendment(self, ctx: DraftContext) -> list[Block]:
        n, lower = self.n("amendment"), self.all_parties(lower=True)
        blocks = [
            Block.paragraph(
                self.text["amendment"].format(n=n, all_parties=self.all_parties(), all_parties_lower=lower)
            ),
            Block.paragraph(self.text["termination"].format(n=n, days=self.form.notice_days)),
            Block.paragraph(self.text["disputes"].format(n=n)),
        ]
        return blocks + self._example(ctx, self.t["queries"]["termination"])

    def signatures(self, ctx: DraftContext) -> list[Block]:
        f, text = self.form, self.text
        count = len(f.parties)
        copies = self.text["copies"].get(count, str(count))
        closing = text["closing"].format(copies=copies, all_parties=self.all_parties())
        rows = []
        for p in f.parties:
            who = " ".join(x for x in (p.representative, f"({p.title})" if p.title else "") if x)
            rows.append([p.name, text["signature_line"], who or text["witness_unnamed"]])
        witnesses = f.witnesses or ["", ""]
        for w in witnesses:
            rows.append([text["witness"], text["signature_line"], w or text["witness_unnamed"]])
        return [Block.paragraph(closing), Block.table(text["signature_header"], rows)]


def _fields(form: MouForm) -> dict[str, str]:
    t = load_mou_template(form.language)
    labels = t["fields"]
    return {
        labels["parties"]: "; ".join(p.name for p in form.parties),
        labels["start"]: format_date(form.start_date, form.language),
        labels["end"]: format_date(form.end, form.language),
        labels["duration"]: _duration_text(t, form),
        labels["notice"]: labels["notice_value"].format(days=form.notice_days),
    }


def stream_mou_draft(form: MouForm | dict[str, Any], ctx: DraftContext) -> Iterator[DraftEvent]:
    """The MOU section by section (SECTION events), then the FINAL :class:`Draft`.

    ``form`` may be a mapping (validated with ``parse_form``: a ``FormError`` lists every problem).
    The context's language should be the form's; a mismatch is a ValueError.
    """
    form = parse_mou_form(form)
    if ctx.language != form.language:
        raise ValueError(f"the form is in {form.language!r} but the draft context is in {ctx.language!r}")
    builder = _Builder(form)
    data = form.model_dump(mode="json")
    data["end_date"] = form.end.isoformat()
    data["duration_months"] = form.months
    yield from stream_draft(
        DraftKind.MOU, mou_title(form), builder.specs(), ctx, fields=_fields(form), data=data
    )


def draft_mou(form: MouForm | dict[str, Any], ctx: DraftContext) -> Draft:
    """The finished MOU draft (see :func:`stream_mou_draft`)."""
    final = None
    for event in stream_mou_draft(form, ctx):
        final = event.draft or final
    assert final is not None
    return final
