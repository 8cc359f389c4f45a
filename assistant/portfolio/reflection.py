"""Reflection helper: feedback on a learner's draft reflection against the rubric, never a rewrite.

Usage:
    >>> from assistant.portfolio.reflection import review_reflection
    >>> fb = review_reflection(
    ...     "วันนี้เราช่วยกันทดลองปลูกผัก ฉันได้เรียนรู้ว่าผักต้องการแสง เพราะต้นที่อยู่ในร่มโตช้า "
    ...     "ครั้งหน้าฉันจะวางแผนรดน้ำให้สม่ำเสมอ",
    ...     competencies=["thinking"], grade="ป.5", language="th")
    >>> [(c.criterion, c.level, c.evidence) for c in fb.criteria]  # level per criterion + quoted sentences
    >>> fb.questions[:1], fb.missing[:1]                         # prompts for deeper reflection, gaps
    >>> review_reflection("โทร 081-234-5678 ...", ["thinking"], "ป.5")
    Traceback (most recent call last):
    PersonalDataError: ข้อความนี้ดูเหมือนมีข้อมูลส่วนบุคคล: หมายเลขโทรศัพท์ (08•-•••-••78) ...

Order of work, which is the privacy contract: the text is screened for personal data
(:mod:`assistant.llm.privacy`) first, and refused before anything else happens, so no model
ever sees it. Then deterministic rules from ``corpus/templates/portfolio.yaml`` rate it:
each rubric criterion of the chosen competencies has keywords, and the reflection's
depth is read from cue groups (an action, something learned, a reason, a next step) and
its length; Thai is segmented with pythainlp so a keyword only counts as a whole word.
The helper quotes the learner's own sentences as evidence, asks questions, names what is
missing, and never writes the reflection for the learner (the report's wording is the
``reflection_text:`` block of the same file). An optional model paragraph is
kept only when it passes the drafting checks and does not copy long spans of the
reflection or speak in the first person (which would be a rewritten reflection).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from assistant import grounding as g
from assistant.drafting.notes import DraftNote
from assistant.llm.privacy import ensure_no_personal_data

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.portfolio.templates import Criterion, PortfolioTemplates

MAX_CHARS = 5000
MAX_QUESTIONS = 6
EVIDENCE_CHARS = 160
COPY_SPAN_WORDS = 8
"""Feedback that repeats this many consecutive words of the reflection is a rewrite, not feedback."""
FIRST_PERSON = {
    "th": {"ฉัน", "หนู", "ผม", "ดิฉัน", "กระผม", "เรา", "พวกเรา", "ข้าพเจ้า"},
    "en": {"i", "me", "my", "mine", "we", "our", "us", "i'm", "i've"},
}


@dataclass
class CriterionFinding:
    """The level a reflection seems to show on one rubric criterion, and the sentences that show it."""

    competency: str
    competency_name: str
    criterion: str
    name: str
    level: int
    level_name: str
    descriptor: str
    matched: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    question: str = ""


@dataclass
class ReflectionFeedback:
    """Everything the helper says about one reflection (no rewritten text)."""

    language: str
    grade: str
    band: str
    words: int
    depth_level: int
    depth_name: str
    cues: dict[str, list[str]]
    criteria: list[CriterionFinding]
    questions: list[str]
    missing: list[str]
    feedback: str | None = None
    backend: str = "none"
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def to_markdown(self) -> str:
        """A readable report: levels per criterion with evidence, questions, what is missing."""
        from assistant.portfolio.templates import load_portfolio_templates

        rt, lang = load_portfolio_templates().reflection_text, self.language
        header = [rt.column_competency, rt.column_criterion, rt.column_level, rt.column_evidence]
        lines = [
            f"### {rt.heading.get(lang)}",
            "",
            rt.depth.fill(lang, level=self.depth_level, name=self.depth_name),
            "",
            "| " + " | ".join(h.get(lang) for h in header) + " |",
            "|---|---|---|---|",
        ]
        for c in self.criteria:
            quote = " / ".join(f"“{e}”" for e in c.evidence) or rt.no_evidence.get(lang)
            cell = " ".join(f"{c.level} {c.level_name}: {c.descriptor}".split()).replace("|", "\\|")
            lines.append(f"| {c.competency_name} | {c.name} | {cell} | {quote.replace('|', '/')} |")
        lines += ["", f"**{rt.questions.get(lang)}**", ""]
        lines += [f"- {q}" for q in self.questions] or ["-"]
        lines += ["", f"**{rt.missing.get(lang)}**", ""]
        lines += [f"- {m}" for m in self.missing] or [f"- {rt.nothing_missing.get(lang)}"]
        if self.feedback:
            lines += ["", f"{self.feedback} _{rt.generated.get(lang)}_"]
        lines += ["", f"_{rt.closing.get(lang)}_"]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------- matching


def _tokens(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, engine="newmm", keep_whitespace=True)


class _Text:
    """The reflection with its word boundaries (pythainlp newmm) and sentences."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = text.casefold()
        tokens = _tokens(text)
        self.bounds = {0}
        pos = 0
        for tok in tokens:
            pos += len(tok)
            self.bounds.add(pos)
        self.words = [t.casefold() for t in tokens if t.strip() and not re.fullmatch(r"\W+", t)]
        self.sentences = g.sentence_spans(text) or [(0, len(text))]

    def find(self, terms: Sequence[str], span: tuple[int, int] | None = None) -> list[tuple[str, int]]:
        """``(term, position)`` of every term found as whole words (inside ``span`` when given)."""
        lo, hi = span or (0, len(self.text))
        found = []
        for term in terms:
            needle = term.casefold()
            start = self.folded.find(needle, lo)
            while start != -1 and start + len(needle) <= hi:
                end = start + len(needle)
                if start in self.bounds and end in self.bounds:
                    found.append((term, start))
                    break
                start = self.folded.find(needle, start + 1)
        return found

    def sentence_index(self, pos: int) -> int:
        for i, (a, b) in enumerate(self.sentences):
            if a <= pos < b:
                return i
        return len(self.sentences) - 1

    def quote(self, i: int) -> str:
        a, b = self.sentences[i]
        s = " ".join(self.text[a:b].split())
        return s if len(s) <= EVIDENCE_CHARS else s[:EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"


def _depth(
    tp: PortfolioTemplates, doc: _Text, lang: str, span: tuple[int, int] | None, words: int | None
) -> tuple[int, dict[str, list[str]]]:
    """The highest depth level whose cue groups are all present (and long enough), with the cues found."""
    cues = {name: [t for t, _ in doc.find(group.get(lang), span)] for name, group in tp.depth.cues.items()}
    level = 1
    for rule in sorted(tp.depth.levels, key=lambda r: r.level):
        long_enough = words is None or words >= rule.min_words
        if long_enough and all(cues[name] for name in rule.requires):
            level = max(level, rule.level)
    return level, cues


def _criterion(
    tp: PortfolioTemplates, doc: _Text, lang: str, crit: Criterion, overall: int
) -> tuple[int, list[str], list[str]]:
    """The level shown on one criterion, its matched keywords and the quoted sentences."""
    hits = doc.find(crit.keywords.get(lang))
    if not hits:
        return 1, [], []
    indices = sorted({doc.sentence_index(pos) for _, pos in hits})
    window = {j for i in indices for j in (i - 1, i, i + 1) if 0 <= j < len(doc.sentences)}
    lo = min(doc.sentences[i][0] for i in window)
    hi = max(doc.sentences[i][1] for i in window)
    local, _ = _depth(tp, doc, lang, (lo, hi), None)
    level = max(2, min(overall, local))
    return level, [t for t, _ in hits], [doc.quote(i) for i in indices[:2]]


# ---------------------------------------------------------------------------------- the helper


def rewrites_reflection(feedback: str, reflection: str, language: str) -> str | None:
    """Why ``feedback`` reads as a rewritten reflection (a copied span, first-person voice), or None."""
    fb = [w.casefold() for w in _tokens(feedback) if w.strip()]
    ref = [w.casefold() for w in _tokens(reflection) if w.strip()]
    grams = {tuple(ref[i : i + COPY_SPAN_WORDS]) for i in range(len(ref) - COPY_SPAN_WORDS + 1)}
    if any(tuple(fb[i : i + COPY_SPAN_WORDS]) in grams for i in range(len(fb) - COPY_SPAN_WORDS + 1)):
        return "copies-reflection"
    pronouns = FIRST_PERSON["th" if language == "th" else "en"]
    if sum(w in pronouns for w in fb) >= 2 or (fb and fb[0] in pronouns):
        return "first-person"
    return None


def _feedback(
    llm: BaseChatModel, backend: str, lang: str, text: str, facts: list[str], notes: list[str]
) -> str | None:
    from assistant.drafting.engine import Sources, Writer
    from assistant.portfolio.templates import load_portfolio_templates

    rt = load_portfolio_templates().reflection_text
    writer = Writer(llm, backend, lang)
    task, label = rt.feedback_task.get(lang), rt.reflection_label.get(lang)
    reply = writer.paragraph(task, [*facts, f"{label}: {' '.join(text.split())}"], Sources(None))
    notes.extend(writer.notes)
    if reply is None:
        return None
    why = rewrites_reflection(reply, text, lang)
    if why:
        notes.append(DraftNote.FEEDBACK_DROPPED.of(why))
        return None
    return reply


def review_reflection(
    text: str,
    competencies: Sequence[str] | str,
    grade: str | int,
    language: str = "th",
    *,
    llm: BaseChatModel | None = None,
    backend: str = "custom",
) -> ReflectionFeedback:
    """Rate a reflection against the rubric of ``competencies`` for ``grade``; PersonalDataError first.

    Raises :class:`assistant.llm.privacy.PersonalDataError` when the text holds personal data
    (before any other work, so ``llm`` is never called), and ``ValueError`` naming the
    problem for an empty or too long text, an unknown grade or an unknown competency.
    """
    from assistant.drafting.engine import check_language
    from assistant.drafting.knowledge import load_framework
    from assistant.portfolio.form import resolve_competencies, split_list
    from assistant.portfolio.grades import parse_grade
    from assistant.portfolio.templates import load_portfolio_templates

    lang = check_language(language)
    text = (text or "").strip()
    if not text:
        raise ValueError("the reflection is empty (ยังไม่มีข้อความสะท้อนคิด)")
    ensure_no_personal_data(text, lang)  # before anything else: no model sees personal data
    if len(text) > MAX_CHARS:
        raise ValueError(f"the reflection is too long: {len(text)} characters, at most {MAX_CHARS}")
    level_grade = parse_grade(grade)
    comp_ids = resolve_competencies(split_list(competencies))
    tp, fw = load_portfolio_templates(), load_framework()
    band = tp.band_for(level_grade.number)

    doc = _Text(text)
    words = len(doc.words)
    depth, cues = _depth(tp, doc, lang, None, words)
    findings: list[CriterionFinding] = []
    for cid in comp_ids:
        comp_name = fw.competency(cid).name.get(lang)
        for crit in tp.rubrics[cid]:
            level, matched, evidence = _criterion(tp, doc, lang, crit, depth)
            findings.append(
                CriterionFinding(
                    competency=cid,
                    competency_name=comp_name,
                    criterion=crit.id,
                    name=crit.name.get(lang),
                    level=level,
                    level_name=tp.levels[level].get(lang),
                    descriptor=crit.levels[level].get(lang),
                    matched=matched,
                    evidence=evidence,
                    question=crit.question.get(lang),
                )
            )
    missing: list[str] = []
    questions: list[str] = []
    target = max(tp.depth.levels, key=lambda r: r.level)
    for name in target.requires if depth < target.level else []:
        if not cues[name]:
            missing.append(tp.depth.cues[name].missing.get(lang))
            questions.append(tp.depth.cues[name].question.get(lang))
    rt = tp.reflection_text
    if depth < target.level and words < target.min_words:
        missing.append(rt.too_short.fill(lang, words=words))
    for f in sorted(findings, key=lambda f: f.level):
        if f.level == 1:
            missing.append(
                rt.no_criterion_evidence.fill(lang, criterion=f.name, competency=f.competency_name)
            )
        if f.level < 4:
            questions.append(f.question)
    questions += tp.reflection_prompts[band.id]["end"].get(lang)[:1]
    result = ReflectionFeedback(
        language=lang,
        grade=level_grade.label(lang),
        band=band.name.get(lang),
        words=words,
        depth_level=depth,
        depth_name=tp.levels[depth].get(lang),
        cues=cues,
        criteria=findings,
        questions=list(dict.fromkeys(questions))[:MAX_QUESTIONS],
        missing=missing,
    )
    if llm is not None:
        facts = [f"{f.name}: {f.level} {f.level_name}" for f in findings] + missing
        result.feedback = _feedback(llm, backend, lang, text, facts, result.notes)
        result.backend = backend if result.feedback else "none"
    return result
