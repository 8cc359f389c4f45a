"""The network health check: a questionnaire from the framework, scores, recommendations and progress.

Usage:
    >>> from assistant.assess import load_questionnaire, parse_answers, run_assessment, AssessmentStore
    >>> q = load_questionnaire()                               # 7 components + 5 success-factor groups
    >>> [i.id for i in q.indicators][:2]
    ['shared-vision-goals.1', 'shared-vision-goals.2']
    >>> answers = parse_answers({"shared-vision-goals.1": 4, ...}, q)   # AnswerError lists every problem
    >>> ctx = draft_context(settings, "default", "th", principal=SYSTEM)  # retrieval + optional model
    >>> result = run_assessment(answers, q, language="th", ctx=ctx)
    >>> result.scores.area("stakeholders").mean, result.recommendations[0].area_id
    >>> store = AssessmentStore.for_workspace(settings, "default", principal=SYSTEM)
    >>> saved = store.save(result, label="ภาคเรียนที่ 1/2568")
    >>> later = run_assessment(answers2, q, language="th", ctx=ctx, previous=store.get("latest"))
    >>> later.progress.areas[0].delta                          # change per area since the earlier one
    >>> draft = report_draft(later, chart_ref="radar.png")     # exports through assistant.drafting.export
    >>> export_report(draft, Path("health.docx"), chart_png=chart_png(later))

Everything that matters is deterministic: the statements and scale come from
``prompts/health.yaml`` (validated against ``corpus/framework/framework.yaml`` at load),
scores are plain means, and recommendations take their actions from the framework's
component activities and the mitigations of the challenges that threaten those components.
Citations come only from :class:`assistant.drafting.engine.Sources` (retrieved chunks of the
workspace); the language model, when there is one, adds one checked paragraph per top
recommendation and nothing else.

Modules (one concept each; this package re-exports their public names):

* :mod:`~assistant.assess.health_file` — ``prompts/health.yaml`` as checked models (scale, bands, wording);
* :mod:`~assistant.assess.questionnaire` — areas and statements, checked against the framework;
* :mod:`~assistant.assess.answers` — parsing and checking answers;
* :mod:`~assistant.assess.scoring` — means per area, kind and overall;
* :mod:`~assistant.assess.progress` — the change since an earlier saved assessment;
* :mod:`~assistant.assess.recommendations` — actions, mitigations, evidence and citations per weak area;
* :mod:`~assistant.assess.result` — :class:`HealthResult` and :func:`run_assessment`;
* :mod:`~assistant.assess.charts` — the radar chart (PNG, plotly);
* :mod:`~assistant.assess.radar` — draws radar charts with matplotlib / plotly, loaded on first use
  (not re-exported: importing the package loads no chart library);
* :mod:`~assistant.assess.report` — the report as a Draft, DOCX with the chart embedded;
* :mod:`~assistant.assess.storage` — saved assessments per workspace.
"""

from __future__ import annotations

from assistant.assess.answers import AnswerError, Answers, parse_answers, split_answers_file
from assistant.assess.charts import chart_axes, chart_figure, chart_png, chart_series
from assistant.assess.health_file import (
    HEALTH_FILE,
    REQUIRED_TEXTS,
    STATEMENTS_PER_COMPONENT,
    Band,
    Bilingual,
    HealthConfigError,
    HealthFile,
    RecommendSettings,
    Scale,
    ScaleLevel,
)
from assistant.assess.progress import AreaDelta, Progress, compare
from assistant.assess.questionnaire import (
    Area,
    AreaKind,
    Indicator,
    Questionnaire,
    build_questionnaire,
    load_questionnaire,
)
from assistant.assess.recommendations import Recommendation, recommend
from assistant.assess.report import export_report, image_markdown, report_docx_bytes, report_draft
from assistant.assess.result import HealthResult, run_assessment
from assistant.assess.scoring import AreaScore, Scores, score
from assistant.assess.storage import DB_NAME, AssessmentStore, SavedAssessment, answer_mapping

__all__ = [
    "DB_NAME",
    "HEALTH_FILE",
    "REQUIRED_TEXTS",
    "STATEMENTS_PER_COMPONENT",
    "AnswerError",
    "Answers",
    "Area",
    "AreaDelta",
    "AreaKind",
    "AreaScore",
    "AssessmentStore",
    "Band",
    "Bilingual",
    "HealthConfigError",
    "HealthFile",
    "HealthResult",
    "Indicator",
    "Progress",
    "Questionnaire",
    "RecommendSettings",
    "Recommendation",
    "SavedAssessment",
    "Scale",
    "ScaleLevel",
    "Scores",
    "answer_mapping",
    "build_questionnaire",
    "chart_axes",
    "chart_figure",
    "chart_png",
    "chart_series",
    "compare",
    "export_report",
    "image_markdown",
    "load_questionnaire",
    "parse_answers",
    "recommend",
    "report_docx_bytes",
    "report_draft",
    "run_assessment",
    "score",
    "split_answers_file",
]
