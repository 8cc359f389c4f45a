"""Learner-portfolio guides for teachers: a validated form in, a cited, section-by-section guide out.

Usage:
    >>> from assistant.drafting.engine import draft_context
    >>> from assistant.portfolio import draft_portfolio, parse_portfolio_form
    >>> form = parse_portfolio_form({
    ...     "grade": "ป.5", "learning_area": "วิทยาศาสตร์และเทคโนโลยี",
    ...     "competencies": ["ความสามารถในการคิด", "technology"],
    ...     "description": "โครงงานปลูกผักไฮโดรโปนิกส์กับ อบต.", "weeks": 8, "language": "th"})
    >>> ctx = draft_context(settings, "default", form.language, llm=False, principal=SYSTEM)
    >>> guide = draft_portfolio(form, ctx)          # a Draft; export with assistant.drafting.export
    >>> check_curriculum(guide)                     # [] when every curriculum reference is stored data
    []

The guide is the deterministic skeleton of ``corpus/templates/portfolio.yaml`` (the team's
own wording, headings, sentences and retrieval queries included) fitted to the form: the
portfolio's purpose and sections, evidence by stage,
reflection prompts for the grade's age band, a 4-level rubric for every target competency,
a timeline fitted to the weeks, responsible AI use and PDPA privacy. Each section cites
retrieved chunks of the indexed corpus (the portfolio guide, the PDPA and curriculum
summaries, the seed case) through ``ctx.sources``; the model, when on, adds at most one
short checked paragraph per section. Learning areas and competencies come only from
``corpus/framework/framework.yaml``: unknown ones are refused, never invented, and
:func:`check_curriculum` verifies that the output names nothing else.

Modules (one concept each; this package re-exports their public names):

* :mod:`~assistant.portfolio.templates` — ``corpus/templates/portfolio.yaml`` as checked models;
* :mod:`~assistant.portfolio.grades` — grade levels (ป.4, ม.2, P4, Grade 8) as :class:`Grade`;
* :mod:`~assistant.portfolio.form` — the teacher's form, validated against the framework;
* :mod:`~assistant.portfolio.timeline` — the stages fitted to the unit's weeks;
* :mod:`~assistant.portfolio.guide` — the cited sections, :func:`stream_portfolio`, :func:`draft_portfolio`;
* :mod:`~assistant.portfolio.curriculum` — :func:`check_curriculum`;
* :mod:`~assistant.portfolio.reflection` — rubric feedback on a learner's reflection, never a rewrite
  (not re-exported: import it from there).
"""

from __future__ import annotations

from assistant.portfolio.curriculum import check_curriculum
from assistant.portfolio.form import (
    MAX_DESCRIPTION,
    MAX_WEEKS,
    PortfolioForm,
    parse_portfolio_form,
    resolve_competencies,
    split_list,
)
from assistant.portfolio.grades import GRADE_HELP, THAI_DIGITS, Grade, parse_grade
from assistant.portfolio.guide import draft_portfolio, stream_portfolio
from assistant.portfolio.templates import (
    LEVELS,
    STAGE_IDS,
    TEMPLATES_PATH,
    Band,
    BiList,
    Criterion,
    CueGroup,
    Depth,
    DepthLevel,
    GuideHeadings,
    GuideQueries,
    GuideTasks,
    GuideText,
    PortfolioTemplates,
    Privacy,
    ReflectionText,
    ResponsibleAI,
    Stage,
    load_portfolio_templates,
)
from assistant.portfolio.timeline import TimelineRow, fit_timeline

__all__ = [
    "GRADE_HELP",
    "LEVELS",
    "MAX_DESCRIPTION",
    "MAX_WEEKS",
    "STAGE_IDS",
    "TEMPLATES_PATH",
    "THAI_DIGITS",
    "Band",
    "BiList",
    "Criterion",
    "CueGroup",
    "Depth",
    "DepthLevel",
    "Grade",
    "GuideHeadings",
    "GuideQueries",
    "GuideTasks",
    "GuideText",
    "PortfolioForm",
    "PortfolioTemplates",
    "Privacy",
    "ReflectionText",
    "ResponsibleAI",
    "Stage",
    "TimelineRow",
    "check_curriculum",
    "draft_portfolio",
    "fit_timeline",
    "load_portfolio_templates",
    "parse_grade",
    "parse_portfolio_form",
    "resolve_competencies",
    "split_list",
    "stream_portfolio",
]
