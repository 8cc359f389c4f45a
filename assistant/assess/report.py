"""The assessment report: a :class:`~assistant.drafting.engine.Draft`; DOCX (chart in it), Markdown, JSON."""

from __future__ import annotations

import io
from pathlib import Path

from assistant.assess.questionnaire import AreaKind
from assistant.assess.recommendations import headline_values
from assistant.assess.result import HealthResult
from assistant.assess.scoring import fmt_delta as _signed
from assistant.assess.scoring import fmt_score as _fmt
from assistant.drafting.engine import Block, Draft, DraftKind, Section, Sources


def image_markdown(alt: str, ref: str) -> str:
    """The Markdown image line that references the chart (and marks where DOCX embeds it)."""
    return f"![{alt}]({ref})"


def report_draft(result: HealthResult, *, workspace: str = "", chart_ref: str | None = None) -> Draft:
    """The assessment as a :class:`Draft` (exports to DOCX/Markdown with :mod:`assistant.drafting.export`)."""
    q, lang = result.questionnaire, result.language
    t = lambda key, **v: q.text(key, lang, **v)  # noqa: E731
    s = result.scores
    sections: list[Section] = []

    summary: list[Block] = []
    if s.overall is not None:
        summary.append(
            Block.paragraph(
                t(
                    "summary",
                    mean=_fmt(s.overall),
                    percent=_fmt(s.percent(s.overall), 0),
                    level=q.band(s.overall, lang),
                    components=_fmt(s.components),
                    factors=_fmt(s.factors),
                    answered=s.answered,
                    total=s.total,
                )
            )
        )
    ranked = sorted((a for a in s.areas if a.mean is not None), key=lambda a: a.mean or 0)
    if ranked:
        top = [a for a in ranked if a.mean == ranked[-1].mean]
        low = [r.name for r in result.recommendations]
        items = [t("strongest", names=", ".join(q.area(a.id).name(lang) for a in top))]
        if low and not result.all_strong:
            items.append(t("weakest", names=", ".join(low)))
        summary.append(Block.bullets(items))
    if result.all_strong:
        summary.append(Block.note(t("all_strong", below=_fmt(q.config.recommend.below, 1))))
    sections.append(Section("summary", t("section_summary"), summary))

    header = [
        t("header_area"),
        t("header_mean"),
        t("header_percent"),
        t("header_level"),
        t("header_answered"),
    ]
    for kind, sid, title in (
        (AreaKind.COMPONENT, "components", t("section_components")),
        (AreaKind.FACTOR, "factors", t("section_factors")),
    ):
        rows = [
            [
                q.area(a.id).name(lang),
                _fmt(a.mean),
                _fmt(a.percent, 0),
                q.band(a.mean, lang) if a.mean is not None else t("no_score"),
                f"{a.answered}/{a.total}",
            ]
            for a in s.areas
            if a.kind is kind
        ]
        sections.append(Section(sid, title, [Block.table(header, rows)]))

    if chart_ref:
        sections.append(
            Section(
                "chart", t("section_chart"), [Block.paragraph(image_markdown(t("section_chart"), chart_ref))]
            )
        )

    if result.progress is not None:
        p = result.progress
        names = lambda deltas: ", ".join(f"{q.area(d.id).name(lang)} ({_signed(d.delta)})" for d in deltas)  # noqa: E731
        blocks = [
            Block.paragraph(
                t(
                    "progress_summary",
                    before=_fmt(p.overall.before),
                    now=_fmt(p.overall.now),
                    delta=_signed(p.overall.delta),
                    label=p.previous_label or f"#{p.previous_id}",
                    created=p.previous_created,
                )
            )
        ]
        changes = []
        if p.improved():
            changes.append(t("improved", names=names(p.improved())))
        if p.declined():
            changes.append(t("declined", names=names(p.declined())))
        if changes:
            blocks.append(Block.bullets(changes))
        blocks.append(
            Block.table(
                [t("header_area"), t("header_before"), t("header_now"), t("header_delta")],
                [[q.area(d.id).name(lang), _fmt(d.before), _fmt(d.now), _signed(d.delta)] for d in p.areas],
            )
        )
        sections.append(Section("progress", t("section_progress"), blocks))

    for rec in result.recommendations:
        blocks = [Block.paragraph(t("rec_headline", **headline_values(q, rec, lang)))]
        blocks.append(Block.paragraph(t("rec_purpose", purpose=rec.purpose)))
        if rec.via_components:
            blocks.append(Block.paragraph(t("rec_via_components", names=", ".join(rec.via_components))))
        if rec.weak:
            blocks.append(Block.paragraph(f"{t('rec_weak')}:"))
            blocks.append(Block.bullets(t("score_item", text=text, score=v) for _, text, v in rec.weak))
        blocks.append(Block.paragraph(f"{t('rec_actions')}:"))
        blocks.append(Block.bullets(rec.actions))
        if rec.mitigations:
            blocks.append(Block.paragraph(f"{t('rec_mitigations')}:"))
            blocks.append(Block.bullets(rec.mitigations))
        if rec.evidence:
            blocks.append(Block.paragraph(t("rec_evidence", items="; ".join(rec.evidence))))
        if rec.citations:
            blocks.append(Block.paragraph(t("rec_sources", markers=Sources.marker(rec.citations))))
        else:
            blocks.append(Block.note(t("rec_no_sources")))
        if rec.prose:
            blocks.append(Block.paragraph(rec.prose, generated=True))
        sections.append(
            Section(f"rec-{rec.area_id}", t("section_recommendation", rank=rec.rank, name=rec.name), blocks)
        )

    if result.answers.skipped:
        items = [f"{iid}: {q.indicator(iid).text(lang)}" for iid in result.answers.skipped]
        sections.append(
            Section(
                "unanswered",
                t("section_unanswered"),
                [Block.paragraph(t("unanswered_intro")), Block.bullets(items)],
            )
        )
    sections.append(
        Section("method", t("section_method"), [Block.note(t("method", levels=q.levels_text(lang)))])
    )

    fields = {}
    if result.label:
        fields[t("field_label")] = result.label
    if workspace:
        fields[t("field_workspace")] = workspace
    if result.progress is not None:
        p = result.progress
        fields[t("field_compared")] = f"{p.previous_label or '#' + str(p.previous_id)} ({p.previous_created})"
    return Draft(
        kind=DraftKind.HEALTH,
        title=t("title"),
        language=lang,
        sections=sections,
        citations=list(result.citations),
        backend=result.backend,
        fields=fields,
        data=result.to_json(),
        notes=list(result.notes),
    )


def report_docx_bytes(draft: Draft, chart_png: bytes | None = None) -> bytes:
    """The report as DOCX (assistant.drafting.export), with the chart where the Markdown image line is."""
    from assistant.drafting.export import to_docx_bytes

    data = to_docx_bytes(draft)
    if chart_png is None:
        return data
    from docx import Document
    from docx.shared import Inches

    doc = Document(io.BytesIO(data))
    embedded = False
    for para in doc.paragraphs:
        if para.text.startswith("![") and para.text.rstrip().endswith(")"):
            para.clear()
            para.add_run().add_picture(io.BytesIO(chart_png), width=Inches(6))
            embedded = True
            break
    if not embedded:  # no chart section: put it after the summary heading's section
        doc.add_picture(io.BytesIO(chart_png), width=Inches(6))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def export_report(draft: Draft, path: Path, chart_png: bytes | None = None) -> Path:
    """Write the report as .docx (chart embedded), .md (chart referenced) or .json; atomic."""
    from assistant.drafting.export import ExportFormat, render, write_atomic

    fmt = ExportFormat.from_path(Path(path))
    data = report_docx_bytes(draft, chart_png) if fmt is ExportFormat.DOCX else render(draft, fmt)
    return write_atomic(Path(path), data)
