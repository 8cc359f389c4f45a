"""The session's FAQ: one section per theme, the best answer of each, citations renumbered across it."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from assistant.records import Citation

if TYPE_CHECKING:
    from assistant.drafting.engine import Draft
    from assistant.sessions.facade import Sessions


def export_faq(sessions: Sessions, code: str, language: str | None = None) -> Draft:
    """The FAQ as a Draft: one section per theme with the questions asked and the best answer, cited.

    Citation numbers are renumbered across the whole FAQ (the same chunk keeps one number).
    The FAQ's wording is the ``faq:`` block of ``corpus/templates/workshop.yaml``.
    """
    from assistant import grounding as g
    from assistant.drafting.engine import Block, Draft, DraftKind, Section, check_language
    from assistant.workshop import load_template

    faq = load_template().faq
    session = sessions.get(code)
    groups = sessions.questions(code)
    if language is None:
        langs = Counter(q.language for grp in groups for q in grp.questions)
        language = max(("th", "en"), key=lambda x: (langs[x], x == "th"))
    language = check_language(language)
    by_chunk: dict[str, int] = {}
    citations: list[Citation] = []
    sections: list[Section] = []
    for i, group in enumerate(groups, start=1):
        best = group.best()
        mapping: dict[int, int] = {}
        for c in best.citations:
            if c.chunk_id not in by_chunk:
                by_chunk[c.chunk_id] = len(citations) + 1
                citations.append(Citation(**{**c.to_dict(), "n": by_chunk[c.chunk_id]}))
            mapping[c.n] = by_chunk[c.chunk_id]
        text = g.MARKER.sub(lambda m, mp=mapping: renumber(m.group(0), mp), best.answer)
        counts = Counter(q.question for q in group.questions)
        asked = [f"{q} (×{n})" if n > 1 else q for q, n in counts.items()]
        blocks = [
            Block.paragraph(faq.asked.get(language)),
            Block.bullets(asked),
            Block.paragraph(faq.answer.fill(language, answer=text.strip())),
        ]
        if not best.grounded:
            blocks.append(Block.note(faq.not_answered.get(language)))
        title = f"{i}. {best.question}"
        sections.append(Section(f"theme-{i}", title, blocks))
    if not sections:
        sections.append(
            Section("empty", faq.empty_title.get(language), [Block.note(faq.empty_note.get(language))])
        )
    backends = sorted({q.backend for grp in groups for q in grp.questions}) or ["none"]
    fields = {
        faq.field_session.get(language): session.name,
        faq.field_trainer.get(language): session.trainer or "—",
        faq.field_code.get(language): session.code,
        faq.field_questions.get(language): str(sum(grp.size for grp in groups)),
    }
    return Draft(
        kind=DraftKind.FAQ,
        title=faq.title.fill(language, session=session.name),
        language=language,
        sections=sections,
        citations=citations,
        backend=", ".join(backends),
        fields=fields,
        data={"session": session.to_dict(), "groups": [grp.to_dict() for grp in groups]},
    )


def renumber(marker: str, mapping: dict[int, int]) -> str:
    """``[1, 2]`` with each number mapped (numbers without a mapping dropped; "" when none is left)."""
    from assistant import grounding as g

    numbers = list(dict.fromkeys(mapping[n] for n in g.parse_markers(marker) if n in mapping))
    return f"[{', '.join(str(n) for n in numbers)}]" if numbers else ""
