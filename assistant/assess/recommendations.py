"""Recommendations for the weakest areas: framework activities, challenge mitigations, evidence, citations.

Deterministic: actions come from the framework's component activities and the mitigations of
the challenges that threaten those components; citations only from retrieved chunks
(:class:`assistant.drafting.engine.Sources`); the model, when there is one, adds one checked paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.assess.answers import Answers
from assistant.assess.questionnaire import AreaKind, Questionnaire
from assistant.assess.scoring import Scores
from assistant.drafting.engine import Sources, Writer, check_language


@dataclass
class Recommendation:
    """What to do about one weak area: framework actions, mitigations, evidence and retrieved citations."""

    rank: int
    area_id: str
    kind: AreaKind
    name: str
    mean: float
    percent: float
    level: str
    purpose: str
    via_components: list[str] = field(default_factory=list)
    weak: list[tuple[str, str, int]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    mitigations: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)
    prose: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "area": self.area_id,
            "kind": self.kind.value,
            "name": self.name,
            "mean": round(self.mean, 4),
            "percent": round(self.percent, 2),
            "level": self.level,
            "purpose": self.purpose,
            "via_components": self.via_components,
            "weak": [{"id": i, "text": t, "score": s} for i, t, s in self.weak],
            "actions": self.actions,
            "mitigations": self.mitigations,
            "evidence": self.evidence,
            "citations": self.citations,
            "prose": self.prose,
        }


def _round_robin(groups: Sequence[Sequence[str]], limit: int) -> list[str]:
    """Take the first item of each group, then the second ..., up to ``limit`` distinct items."""
    picked: list[str] = []
    for depth in range(max((len(g) for g in groups), default=0)):
        for g in groups:
            if depth < len(g) and g[depth] not in picked:
                picked.append(g[depth])
                if len(picked) >= limit:
                    return picked
    return picked


def _cite(sources: Sources | None, query: str, language: str) -> list[int]:
    """Citation numbers for ``query``: chunks in the answer language first, else any language."""
    if sources is None:
        return []
    from ingest.manifest import Filters

    return sources.find(query, filters=Filters(languages=(language,))) or sources.find(query)


def recommend(
    scores: Scores,
    answers: Answers,
    q: Questionnaire,
    language: str,
    sources: Sources | None = None,
    writer: Writer | None = None,
) -> tuple[list[Recommendation], bool]:
    """Recommendations, lowest-scoring area first; and whether every area was already strong.

    Areas below ``recommend.below`` qualify (at most ``recommend.max``); when none does, the
    lowest area gets one "keep it up" recommendation. Ties keep the framework's order
    (components before factor groups).
    """
    language = check_language(language)
    cfg = q.config.recommend
    fw = q.framework
    order = {a.id: n for n, a in enumerate(q.areas)}
    scored = sorted((a for a in scores.areas if a.mean is not None), key=lambda a: (a.mean, order[a.id]))
    chosen = [a for a in scored if a.mean < cfg.below][: cfg.max]
    all_strong = not chosen
    if all_strong:
        chosen = scored[:1]
    out: list[Recommendation] = []
    for rank, s in enumerate(chosen, start=1):
        area = q.area(s.id)
        assert s.mean is not None
        if s.kind is AreaKind.COMPONENT:
            linked = [fw.component(s.id)]
            purpose = linked[0].purpose.get(language)
            query = f"{area.name(language)}: {purpose}"
        else:
            ids = q.config.factor_components[s.id]
            # the weakest linked component first: that is where the factor's work is stuck
            ids = sorted(
                ids,
                key=lambda c: (scores.area(c).mean if scores.area(c).mean is not None else 9, ids.index(c)),
            )
            linked = [fw.component(c) for c in ids]
            purpose = fw.success_factor(s.id).indicators.get(language)[0]
            query = f"{q.text('kind_factor', language)} {area.name(language)}: {purpose}"
        component_ids = {c.id for c in linked}
        if s.kind is AreaKind.COMPONENT:
            actions = linked[0].activities.get(language)[: cfg.actions]
        else:  # one activity of each carrying component in turn, each named with its component
            groups = [[f"{a} ({c.name.get(language)})" for a in c.activities.get(language)] for c in linked]
            actions = _round_robin(groups, cfg.actions + 1)
        challenges = [ch for ch in fw.challenges if component_ids & set(ch.components)]
        mitigations = _round_robin(
            [[f"{m} ({ch.name.get(language)})" for m in ch.mitigations.get(language)] for ch in challenges],
            cfg.mitigations,
        )
        evidence = _round_robin([c.evidence.get(language) for c in linked], 3)
        answered = [(i, answers.scores[i.id]) for i in area.indicators if i.id in answers.scores]
        answered.sort(key=lambda pair: pair[1])
        weak = [(i.id, i.text(language), v) for i, v in answered if v < cfg.below][:3] or [
            (i.id, i.text(language), v) for i, v in answered[:1]
        ]
        rec = Recommendation(
            rank=rank,
            area_id=s.id,
            kind=s.kind,
            name=area.name(language),
            mean=s.mean,
            percent=q.scale.percent(s.mean),
            level=q.band(s.mean, language),
            purpose=purpose,
            via_components=[c.name.get(language) for c in linked] if s.kind is AreaKind.FACTOR else [],
            weak=weak,
            actions=actions,
            mitigations=mitigations,
            evidence=evidence,
            citations=_cite(sources, query, language),
        )
        if writer is not None and writer.enabled and sources is not None and rank <= cfg.prose_for:
            facts = [
                q.text("rec_headline", language, **headline_values(q, rec, language)),
                *[t for _, t, _ in weak],
                *actions,
            ]
            rec.prose = writer.paragraph(
                q.text("prose_task", language, name=rec.name, mean=f"{rec.mean:.2f}"),
                facts,
                sources,
                rec.citations,
            )
        out.append(rec)
    return out, all_strong


def headline_values(q: Questionnaire, rec: Recommendation, language: str) -> dict[str, str]:
    """The placeholders of the ``rec_headline`` wording (kind, name, mean, percent, level)."""
    return {
        "kind": q.kind_name(rec.kind, language),
        "name": rec.name,
        "mean": f"{rec.mean:.2f}",
        "percent": f"{rec.percent:.0f}",
        "level": rec.level,
    }
