"""The result of one assessment, and :func:`run_assessment` that scores, recommends and compares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.assess.answers import Answers
from assistant.assess.progress import Progress, compare
from assistant.assess.questionnaire import Questionnaire, load_questionnaire
from assistant.assess.recommendations import Recommendation, recommend
from assistant.assess.scoring import Scores, score
from assistant.drafting.engine import check_language
from assistant.records import Citation

if TYPE_CHECKING:
    from assistant.assess.storage import SavedAssessment
    from assistant.drafting.engine import DraftContext


@dataclass
class HealthResult:
    """One assessment: answers, scores, recommendations with citations, and progress when compared."""

    questionnaire: Questionnaire
    language: str
    answers: Answers
    scores: Scores
    recommendations: list[Recommendation]
    all_strong: bool
    citations: list[Citation]
    label: str = ""
    backend: str = "none"
    progress: Progress | None = None
    notes: list[str] = field(default_factory=list)
    saved_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        q, lang = self.questionnaire, self.language
        scores = self.scores.to_json()
        for area in scores["areas"]:
            area["name"] = q.area(area["id"]).name(lang)
            area["level"] = None if area["mean"] is None else q.band(area["mean"], lang)
        return {
            "label": self.label,
            "language": lang,
            "questionnaire_version": q.version,
            "backend": self.backend,
            "saved_id": self.saved_id,
            "scores": scores,
            "answers": self.answers.to_json(),
            "recommendations": [r.to_json() for r in self.recommendations],
            "all_strong": self.all_strong,
            "progress": self.progress.to_json() if self.progress else None,
            "citations": [
                {
                    "n": c.n,
                    "source": c.source,
                    "page": c.page,
                    "title": c.title,
                    "chunk_id": c.chunk_id,
                    "text": c.text,
                }
                for c in self.citations
            ],
            "notes": self.notes,
        }


def run_assessment(
    answers: Answers,
    q: Questionnaire | None = None,
    *,
    language: str = "th",
    ctx: DraftContext | None = None,
    previous: SavedAssessment | None = None,
    label: str = "",
) -> HealthResult:
    """Score ``answers``, build the recommendations (citations and prose from ``ctx`` when given), compare.

    Without ``ctx`` there are no citations and no prose: the scores and framework actions only.
    """
    q = q or load_questionnaire()
    language = check_language(language)
    if ctx is not None and ctx.language != language:
        raise ValueError(f"the draft context is in {ctx.language!r}, the assessment in {language!r}")
    scores = score(answers, q)
    sources = ctx.sources if ctx is not None else None
    writer = ctx.writer if ctx is not None else None
    recs, all_strong = recommend(scores, answers, q, language, sources, writer)
    return HealthResult(
        questionnaire=q,
        language=language,
        answers=answers,
        scores=scores,
        recommendations=recs,
        all_strong=all_strong,
        citations=sources.citations if sources is not None else [],
        label=label,
        backend=writer.backend if writer is not None else "none",
        progress=compare(scores, previous) if previous is not None else None,
        notes=[*(ctx.notes if ctx else []), *(writer.notes if writer else [])],
    )
