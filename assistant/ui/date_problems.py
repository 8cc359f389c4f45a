"""The problems of a typed date or month (:mod:`assistant.drafting.dates`) and their labels (``dates.*``).

The MOU and Plan tabs add :data:`DATE_PROBLEMS` to their own patterns, so a date the parser
cannot read is told in the UI's language, with the forms it accepts:

    >>> from assistant.ui.form_problems import show_message
    >>> from assistant.ui.i18n import get_labels
    >>> show_message(get_labels(), "th", "cannot read 'ม.ค.' as a month; write it as …", DATE_PROBLEMS)
    'อ่านเดือน “ม.ค.” ไม่ได้ เขียนได้แบบ พ.ค. 2568, พฤษภาคม 2568 หรือ 5/2568 (ปี พ.ศ. หรือ ค.ศ. ก็ได้)'
"""

from __future__ import annotations

from assistant.ui.form_problems import QUOTE, Pattern

_GOT = rf"(?P<got>{QUOTE}.*{QUOTE})"
"""The typed text, quoted, as the parser's messages name it."""

DATE_PROBLEMS: list[Pattern] = [
    (r"give a date, e\.g\. .*", "dates.problem.date_empty"),
    (rf"cannot read {_GOT} as a date; .*", "dates.problem.date"),
    (r"give a month, e\.g\. .*", "dates.problem.month_empty"),
    (rf"cannot read {_GOT} as a month; .*", "dates.problem.month"),
    (
        rf"{_GOT} is not a real date: (?P<month>[A-Za-z]+) (?P<year>\d+) has (?P<days>\d+) days",
        "dates.problem.no_such_day",
    ),
    (rf"{_GOT} has no month (?P<month>\d+): months run from 1 to 12", "dates.problem.no_such_month"),
    (rf"write the year of {_GOT} in full .*", "dates.problem.short_year"),
    (
        rf"the year of {_GOT} is out of range: give a year from (?P<be_first>\d+) to (?P<be_last>\d+) "
        r"B\.E\. \((?P<first>\d+) to (?P<last>\d+) A\.D\.\)",
        "dates.problem.year_range",
    ),
    (rf"{_GOT} names both eras .*", "dates.problem.both_eras"),
]
"""The parser's English messages and the labels that say them in the UI's language."""
