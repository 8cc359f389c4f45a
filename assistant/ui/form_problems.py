"""Form problems in the UI's language, naming each field as the form shows it.

The library validates forms in English (``assistant.drafting.forms.describe``: ``"field: message"``, used
by the CLI too). The UI rewrites each problem: the field becomes the form's own label (without
its parenthesised hint) and a known message becomes a label with its values filled in.

Usage:
    >>> from assistant.ui.i18n import get_labels
    >>> from assistant.ui.plan_tab import PLAN_FIELDS, PLAN_PROBLEMS
    >>> show_problem(get_labels(), "th", "network_name: give the network a name", PLAN_FIELDS, PLAN_PROBLEMS)
    'ชื่อเครือข่าย: กรุณาตั้งชื่อเครือข่าย'

A message no pattern knows keeps its English words (server paths removed); add a pattern and
a label when a new validation message appears.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant.ui.display import hide_paths
from assistant.ui.i18n import Labels

Pattern = tuple[str, str]
"""``(regular expression over the whole message, label key)``; named groups fill the label."""

QUOTE = r"['\"]"
"""A quote mark around a value in a form problem (validation messages quote with either)."""
_SEPARATOR = re.compile(rf"; (?=item \d+ \(|{QUOTE})")
"""Where a list field's message joins its items' problems (``item 2 ('P999'): …; 'X' is listed…``)."""


_HINT = re.compile(r" \(|, one per line| บรรทัดละ")
"""Where a label's hint starts: a parenthesis, or a "one per line" instruction (``คู่ภาคี บรรทัดละ…``)."""


def field_label(labels: Labels, lang: str, key: str) -> str:
    """A form label without its hint: ``หน่วยงานแกนนำ (ชื่อหรือรหัสภาคี…)`` → ``หน่วยงานแกนนำ``,
    ``Duties, one per line: party: duty`` → ``Duties``."""
    return _HINT.split(labels.text(key, lang))[0].strip()


def show_message(labels: Labels, lang: str, message: str, patterns: Sequence[Pattern]) -> str:
    """One validation message in ``lang`` (a list field's several problems each translated)."""
    parts = _SEPARATOR.split(message.strip())
    if len(parts) > 1:
        return "; ".join(show_message(labels, lang, part, patterns) for part in parts)
    for regex, key in patterns:
        match = re.fullmatch(regex, message.strip(), flags=re.DOTALL)
        if match:
            values = {k: (v or "").strip("'\"") for k, v in match.groupdict().items()}
            if "problem" in values:  # a nested message (one item of a list)
                values["problem"] = show_message(labels, lang, values["problem"], patterns)
            return labels.text(key, lang, **values)
    return hide_paths(message)


def show_problem(
    labels: Labels, lang: str, problem: str, fields: Mapping[str, str], patterns: Sequence[Pattern]
) -> str:
    """``"field: message"`` → ``"<the form's label>: <message in lang>"``.

    ``fields`` maps a form field (its first dotted part) to the label key of its input.
    """
    where, sep, message = problem.partition(": ")
    if not sep:
        return show_message(labels, lang, problem, patterns)
    return show_field_problem(labels, lang, where, message, fields, patterns)


def show_field_problem(
    labels: Labels,
    lang: str,
    where: str,
    message: str,
    fields: Mapping[str, str],
    patterns: Sequence[Pattern],
) -> str:
    """A field's problem: ``"<the form's label>: <message in lang>"``.

    ``where`` is the field's dotted path (``parties.1.name``); ``fields`` maps its first part to the
    label key of its input, and a field it does not know keeps its path.
    """
    field = where.split(".")[0]
    name = field_label(labels, lang, fields[field]) if field in fields else where
    return f"{name}: {show_message(labels, lang, message, patterns)}"
