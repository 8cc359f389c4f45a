"""The Partners tab's rendering: suggestion cards, the plan list, the registry table, the editor's feedback.

Pure functions of the labels, the language and plain data (``MatchResult.to_dict()``, partners):
the complementary set, the editor's choices and field values, validation problems field by field.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from assistant.partners.models import PartnerType
from assistant.services.partners import EDIT_FIELDS, LINE_FIELDS, PartnersService
from assistant.ui.display import code_label, file_name, hide_paths, show_date
from assistant.ui.form_problems import QUOTE
from assistant.ui.i18n import Labels

if TYPE_CHECKING:
    import pandas as pd

    from assistant.partners.models import Partner

TYPES = tuple(t.value for t in PartnerType if t is not PartnerType.OTHER)
"""The type filter's choices: every registry type but ``other`` (partners made from an MOU analysis)."""
TABLE_COLUMNS = ("id", "name", "type", "province", "district", "status", "capabilities", "mous")
NEW_PARTNER = "__new__"
"""The editor picker's value for "a new partner"."""
_Q = QUOTE
PARTNER_PROBLEMS: list[tuple[str, str]] = [
    (r"missing id", "partners.problem.id_missing"),
    (r"missing name \(name_th or name_en\)", "partners.problem.name_missing"),
    (
        rf"unknown partner type {_Q}(?P<value>.*){_Q}; use one of: (?P<allowed>.*)",
        "partners.problem.type_unknown",
    ),
    (
        rf"unknown partner status {_Q}(?P<value>.*){_Q}; use one of: (?P<allowed>.*)",
        "partners.problem.status_unknown",
    ),
    (r"bad coordinates: give both lat and lon, or neither", "partners.problem.coordinates_pair"),
    (rf"bad coordinates: latitude {_Q}(?P<value>.*){_Q} is not a number", "partners.problem.lat_not_number"),
    (rf"bad coordinates: longitude {_Q}(?P<value>.*){_Q} is not a number", "partners.problem.lon_not_number"),
    (
        r"bad coordinates: latitude (?P<value>\S+) is outside (?P<low>-[\d.]+)\.\.(?P<high>[\d.]+)",
        "partners.problem.lat_range",
    ),
    (
        r"bad coordinates: longitude (?P<value>\S+) is outside (?P<low>-[\d.]+)\.\.(?P<high>[\d.]+)",
        "partners.problem.lon_range",
    ),
    (rf"unknown field {_Q}(?P<name>.*?){_Q}; the fields are .*", "partners.problem.field_unknown"),
    (r"id (?P<id>\S+) is already registered", "partners.problem.id_taken"),
    (rf"no partner with id {_Q}?(?P<id>[^'\"]+?){_Q}? in the registry", "partners.problem.id_unknown"),
    (r"duplicate id (?P<id>\S*) \(first on row (?P<first>\d+)\)", "partners.problem.id_twice"),
    (
        r"not a partners CSV: missing column\(s\) (?P<missing>.*); expected (?P<expected>.*)",
        "partners.problem.csv_columns",
    ),
    (r"(?P<name>.*): cannot read \(.*\)", "partners.problem.csv_unreadable"),
    (r"(?P<name>.*): not UTF-8 text", "partners.problem.csv_encoding"),
]
"""The partner editor's and the CSV import's validation messages (English, in
:mod:`assistant.partners.csv_rows` and the registry) and their labels; a message no pattern knows
keeps its English words (server paths removed)."""


def seeded_text(labels: Labels, lang: str, service: PartnersService, workspace: str | None = None) -> str:
    """The note that ``workspace``'s registry was filled from the starter corpus (empty when it was not)."""
    seeded = service.seeded(workspace)
    if seeded is None:
        return ""
    count, path = seeded
    return labels.text("partners.seeded", lang, count=count, path=file_name(path))


ENDING_DAYS = 90
"""An MOU that ends within this many days is shown as ending soon."""


def _mou_until(end_date: str, lang: str) -> str:
    """How an MOU's end reads on a card: ended (a warning), ending soon, or the plain end date."""
    from datetime import date, timedelta

    from assistant.partners.matching import say
    from assistant.partners.models import parse_date

    if not end_date:
        return ""
    shown = show_date(end_date, lang)
    end = parse_date(end_date)
    if end is not None and end < date.today():
        return say("ended", lang, date=shown)
    if end is not None and end <= date.today() + timedelta(days=ENDING_DAYS):
        return say("ending", lang, date=shown)
    return say("until", lang, date=shown)


def cards_html(labels: Labels, lang: str, data: dict | None) -> str:
    """The ranked suggestions (``MatchResult.to_dict()``) as cards with reasons, distance and evidence."""
    from assistant.partners.matching import say

    if not data:
        return ""
    if not data.get("suggestions"):
        return f'<div class="partner-empty">{html.escape(labels.text("partners.no_results", lang))}</div>'
    out = []
    for rank, s in enumerate(data["suggestions"], start=1):
        name = (s["name_en"] or s["name_th"]) if lang == "en" else (s["name_th"] or s["name_en"])
        meta = [
            code_label(labels, lang, "partner_type", s["type"]),
            f"{s['province']} {s['district']}".strip(),
            code_label(labels, lang, "partner_status", s["status"]),
        ]
        if s["distance_km"] is not None:
            meta.append(say("distance", lang, km=s["distance_km"]))
        reasons = []
        for r in s["reasons"]:
            kind = say(f"kind_{r['kind']}", lang)
            sentence = say("reason", lang, need=r["need"], kind=kind, text=r["text"], score=r["score"])
            mark = "✔ " if r["covers"] else ""
            reasons.append(f'<li class="partner-reason">{mark}{html.escape(sentence)}</li>')
        evidence = []
        for m in s["mous"]:
            until = _mou_until(m.get("end_date") or "", lang)
            evidence.append(html.escape(say("evidence_mou", lang, mou_id=m["id"], until=until)))
        for n, c in enumerate(s["citations"], start=1):
            snippet = " ".join(c["text"].split())[:220]
            evidence.append(
                html.escape(say("citation", lang, n=n, source=c["source"], page=c["page"], text=snippet))
            )
        evidence_html = (
            f'<div class="partner-evidence"><strong>{html.escape(labels.text("partners.evidence", lang))}:'
            f"</strong><ul>{''.join(f'<li>{e}</li>' for e in evidence)}</ul></div>"
            if evidence
            else ""
        )
        out.append(
            f'<div class="partner-card" data-id="{html.escape(s["id"])}">'
            f"<div><strong>{rank}. {html.escape(s['id'])} {html.escape(name)}</strong> · "
            f"{html.escape(labels.text('partners.score', lang))} {s['score']:.2f}</div>"
            f'<div class="partner-meta">{html.escape(" · ".join(m for m in meta if m))}</div>'
            f"<ul>{''.join(reasons)}</ul>{evidence_html}</div>"
        )
    return "".join(out)


def cover_markdown(labels: Labels, lang: str, cover: dict | None, needs: list[str]) -> str:
    """The complementary set as Markdown: each partner and the needs it adds, then what stays open."""
    from assistant.partners.matching import say

    if not cover:
        return ""
    lines = [f"**{labels.text('partners.cover_title', lang)}**", ""]
    for p in cover["partners"]:
        name = (p["name_en"] or p["name_th"]) if lang == "en" else (p["name_th"] or p["name_en"])
        lines.append(
            f"- **{p['id']} {name}** — {labels.text('partners.covers', lang)}: {'; '.join(p['covers'])}"
        )
    if cover["uncovered"]:
        lines += ["", say("cover_uncovered", lang, needs="; ".join(cover["uncovered"]))]
    elif cover["partners"]:
        lines += ["", say("cover_all", lang, count=len(cover["partners"]))]
    return "\n".join(lines)


def plan_text(labels: Labels, lang: str, members: list[str]) -> str:
    """The plan list line."""
    if not members:
        return labels.text("partners.plan_empty", lang)
    return labels.text("partners.plan_list", lang, members=", ".join(members))


def partner_table(labels: Labels, lang: str, partners: list[Partner]) -> pd.DataFrame:
    """The registry as a table with headers in ``lang``."""
    import pandas as pd

    headers = [labels.text(f"partners.col_{c}", lang) for c in TABLE_COLUMNS]
    rows = [
        [
            p.id,
            p.name(lang),
            code_label(labels, lang, "partner_type", p.type),
            p.province,
            p.district,
            code_label(labels, lang, "partner_status", p.status),
            "; ".join(p.capabilities),
            ", ".join(p.mous),
        ]
        for p in partners
    ]
    return pd.DataFrame(rows, columns=headers)


def editor_choices(labels: Labels, lang: str, partners: list[Partner]) -> list[tuple[str, str]]:
    """The editor picker's choices: "new partner", then every partner as ``id · name``."""
    return [(labels.text("partners.edit_new", lang), NEW_PARTNER)] + [
        (f"{p.id} · {p.name(lang)}", p.id) for p in partners
    ]


def form_values(partner: Partner | None) -> dict[str, str | None]:
    """The editor's field values for ``partner`` (None: an empty form for a new partner)."""
    if partner is None:
        return {name: "" for name in EDIT_FIELDS} | {"type": None, "status": "prospective"}
    row = partner.to_row()
    values: dict[str, str | None] = {name: row[name] for name in EDIT_FIELDS}
    for name in LINE_FIELDS:
        values[name] = "\n".join(getattr(partner, name))
    values["mous"] = ", ".join(partner.mous)
    return values


def partner_problem(labels: Labels, lang: str, message: str) -> str:
    """One validation message of the editor or the CSV import in ``lang``."""
    from assistant.ui.form_problems import show_message

    return show_message(labels, lang, hide_paths(message), PARTNER_PROBLEMS)


def field_name(labels: Labels, lang: str, name: str) -> str:
    """A partner field as the editor's form shows it (``lat`` → ``ละติจูด``); an unknown name as it is."""
    return labels.text(f"partners.field_{name}", lang) if name in EDIT_FIELDS else name


def _by_message(problems: dict[str, str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, message in problems.items():
        grouped.setdefault(message, []).append(name)
    return grouped


def row_problem(labels: Labels, lang: str, message: str, problems: dict[str, str] | None = None) -> str:
    """A CSV row's problems in ``lang``: ``<field>: <message>`` per field when known, else the message."""
    if not problems:
        return partner_problem(labels, lang, message)
    return "; ".join(
        ", ".join(field_name(labels, lang, n) for n in names) + ": " + partner_problem(labels, lang, text)
        for text, names in _by_message(problems).items()
    )


def field_errors_html(labels: Labels, lang: str, errors: dict[str, str]) -> str:
    """Validation problems field by field in ``lang`` (fields sharing one message are listed together)."""
    if not errors:
        return ""
    items = []
    for message, names in _by_message(errors).items():
        shown = ", ".join(field_name(labels, lang, n) for n in names)
        text = partner_problem(labels, lang, message)
        items.append(
            f'<li data-field="{html.escape(" ".join(names))}"><strong>{html.escape(shown)}</strong>: '
            f"{html.escape(text)}</li>"
        )
    title = html.escape(labels.text("partners.edit_invalid", lang))
    return f'<div class="partner-field-errors"><p>⚠ {title}</p><ul>{"".join(items)}</ul></div>'


def editor_feedback(labels: Labels, lang: str, feedback: dict | None) -> tuple[str, str]:
    """The editor's last outcome as ``(field errors HTML, status Markdown)`` in ``lang``."""
    if not feedback:
        return "", ""
    kind = feedback.get("kind")
    if kind == "errors":
        return field_errors_html(labels, lang, feedback["errors"]), ""
    if kind == "text":
        return "", feedback["text"]
    return "", labels.text(f"partners.edit_{kind}", lang, id=feedback.get("id", ""))


def _name(item: dict, lang: str) -> str:
    """A name from a dict with ``name_th`` / ``name_en``, in ``lang`` with a fallback."""
    return (item["name_en"] or item["name_th"]) if lang == "en" else (item["name_th"] or item["name_en"])


def _one_line(exc: BaseException) -> str:
    text = hide_paths(str(exc).strip().splitlines()[0]) if str(exc).strip() else ""
    return text[:300] or type(exc).__name__
