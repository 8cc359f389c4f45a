"""A goal's suggested indicator: it measures what the goal measures.

Usage:
    >>> goal_kpi("นักเรียนชั้น ป.1–3 อ่านออกเขียนได้เพิ่มขึ้นร้อยละ 20", "th", kpis)
    'ร้อยละของนักเรียนชั้น ป.1–3 ที่อ่านออกเขียนได้ (ค่าเป้าหมาย: เพิ่มขึ้นร้อยละ 20)'
    >>> goal_kpi("Improve Grade 3 reading scores by 10%", "en", kpis)
    'Grade 3 reading scores compared with the baseline before the plan (target: improve by 10%)'

The framework's KPIs (``kpis``: every component's, in the plan's language) are templates: one is
suggested only when it names the goal's own measure (most of the measure's character trigrams
appear in it, :data:`MATCH_MIN`). Otherwise, the usual case for a goal about learners (reading,
digital skills, a placement), the indicator is derived from the goal's words:

* a goal that starts with who it is about (``นักเรียน…``, ``ครูทุกโรงเรียน…``, ``Every Grade 9
  student…``, ``Students…``) becomes the share of that group who do what the goal says;
* a goal that starts with a verb (``เพิ่มผลสัมฤทธิ์การอ่าน…``, ``Improve … reading scores``)
  measures its object against the baseline;

and a number in the goal (``ร้อยละ 20``, ``10%``, ``80 คน``) becomes the target. The wording is in
``prompts/plan.yaml`` (``kpi.*``). Deterministic, no model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.plan.wording import phrase

MATCH_MIN = 0.6
"""A framework KPI is suggested when at least this share of the goal's measure (its trigrams) is in it."""

_TH_GROUPS = ("นักเรียน", "ผู้เรียน", "ครู", "ผู้ปกครอง", "โรงเรียน", "บุคลากร", "สมาชิก", "เด็ก", "เยาวชน")
_TH_EVERY = r"(?:ทุกคน|ทุกโรงเรียน|ทุกแห่ง|ทุกระดับชั้น|ทั้งหมด|ในเครือข่าย)"
_TH_GRADE = r"(?:\s*(?:ชั้น|ระดับ)\s*[^\s]+(?:\s*[–\-]\s*\S+)?)"
_TH_VERBS = (
    "เพิ่มขึ้น", "เพิ่ม", "ยกระดับ", "พัฒนา", "ส่งเสริม", "ปรับปรุง", "เสริมสร้าง", "สร้าง", "ลดลง", "ลด",
    "ทำให้", "ให้",
)  # fmt: skip
_TH_TARGET = re.compile(
    r"\s*(?P<target>(?:ให้)?(?:เพิ่มขึ้น|ลดลง|สูงขึ้น|ดีขึ้น|ไม่น้อยกว่า|ไม่ต่ำกว่า|อย่างน้อย|ได้)?\s*"
    r"(?:ร้อยละ\s*\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s*(?:%|เปอร์เซ็นต์|คน|แห่ง|โรงเรียน|ครั้ง|ชิ้น|เรื่อง)))"
)
_EN_GROUPS = {
    "student": "students", "students": "students", "learner": "learners", "learners": "learners",
    "teacher": "teachers", "teachers": "teachers", "parent": "parents", "parents": "parents",
    "school": "schools", "schools": "schools", "child": "children", "children": "children",
    "member": "members", "members": "members", "pupil": "pupils", "pupils": "pupils",
}  # fmt: skip
_EN_SUBJECT = re.compile(
    r"^(?P<every>(?:every|all|each|our)\s+)?(?P<grade>(?:grade|year|level|class)\s+\S+\s+|\S+[- ]grade\s+)?"
    r"(?P<group>" + "|".join(_EN_GROUPS) + r")\b\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_EN_VERBS = (
    "improve", "increase", "raise", "boost", "develop", "strengthen", "promote", "enhance", "reduce",
    "lower", "cut", "decrease", "build", "grow", "expand",
)  # fmt: skip
_EN_TARGET = re.compile(
    r"\s*(?P<target>(?:by|to|at least|of)?\s*\d+(?:[.,]\d+)?\s*"
    r"(?:%|percent\b|per cent\b|percentage points?\b)|(?:to|at least)\s+\d+(?:[.,]\d+)?\s+\w+)",
    re.IGNORECASE,
)


_DIRECTIONS = {
    "th": {"เพิ่ม": "เพิ่มขึ้น", "เพิ่มขึ้น": "เพิ่มขึ้น", "ลด": "ลดลง", "ลดลง": "ลดลง"},
    "en": {
        "increase": "higher", "raise": "higher", "boost": "higher", "grow": "higher", "expand": "higher",
        "reduce": "lower", "lower": "lower", "cut": "lower", "decrease": "lower",
    },
}  # fmt: skip
"""The target of a goal that gives a direction but no number (``ลดจำนวน…`` → ลดลง)."""


@dataclass(frozen=True)
class GoalMeasure:
    """What a goal measures: who (when it names a group), what, and the target it sets (may be empty)."""

    group: str
    what: str
    target: str
    verb: str = ""


def _trigrams(text: str) -> set[str]:
    flat = re.sub(r"\s+", " ", text.casefold())
    return {flat[i : i + 3] for i in range(max(len(flat) - 2, 0))}


def _covered(text: str, other: str) -> float:
    mine = _trigrams(text)
    return len(mine & _trigrams(other)) / len(mine) if mine else 0.0


def _split_target(text: str, pattern: re.Pattern[str]) -> tuple[str, str]:
    match = pattern.search(text)
    if not match:
        return text.strip(), ""
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    return re.sub(r"\s+", " ", rest), match.group("target").strip()


def measure_th(goal: str) -> GoalMeasure:
    """The measure of a Thai goal."""
    text, target = _split_target(goal.strip(), _TH_TARGET)
    for group in _TH_GROUPS:
        if text.startswith(group):
            match = re.match(rf"{group}{_TH_GRADE}?", text)
            who = match.group(0) if match else group
            rest = text[len(who) :].strip()
            rest = re.sub(rf"^{_TH_EVERY}\s*", "", rest).strip()
            if rest:
                return GoalMeasure(who.strip(), rest.removeprefix("ที่").strip(), target)
    for verb in _TH_VERBS:
        if text.startswith(verb) and len(text) > len(verb) + 2:
            return GoalMeasure("", text[len(verb) :].strip(), target, verb)
    return GoalMeasure("", text, target)


def _base_verb(word: str) -> str:
    """``completes`` → ``complete`` (the verb after a plural group)."""
    lower = word.lower()
    if lower in ("is", "has", "does"):
        return {"is": "are", "has": "have", "does": "do"}[lower]
    if re.search(r"(?:ss|sh|ch|x|o)es$", lower):
        return word[:-2]
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith("s") and not lower.endswith("ss"):
        return word[:-1]
    return word


def measure_en(goal: str) -> GoalMeasure:
    """The measure of an English goal."""
    text, target = _split_target(goal.strip().rstrip("."), _EN_TARGET)
    match = _EN_SUBJECT.match(text)
    if match:
        group = ((match.group("grade") or "") + _EN_GROUPS[match.group("group").lower()]).strip()
        rest = match.group("rest").strip()
        if match.group("every") or match.group("group").lower() != _EN_GROUPS[match.group("group").lower()]:
            first, _, tail = rest.partition(" ")
            rest = f"{_base_verb(first)} {tail}".strip()
        return GoalMeasure(group[:1].upper() + group[1:] if group[:1].isdigit() else group, rest, target)
    first, _, tail = text.partition(" ")
    if first.lower() in _EN_VERBS and tail:
        what = re.sub(r"^the\s+", "", tail.strip(), flags=re.IGNORECASE)
        return GoalMeasure("", what, target, first.lower())
    return GoalMeasure("", text, target)


def _template(goal: str, what: str, kpis: Sequence[str]) -> str | None:
    """The framework KPI that names the goal's measure, if one does."""
    scored = [(max(_covered(what, k), _covered(goal, k)), k) for k in kpis if k.strip()]
    if not scored:
        return None
    score, best = max(scored, key=lambda pair: pair[0])
    return best if score >= MATCH_MIN else None


def goal_kpi(goal: str, language: str, kpis: Sequence[str] = ()) -> str:
    """The indicator suggested for ``goal``: a framework KPI naming its measure, else one derived from it."""
    measure = measure_th(goal) if language == "th" else measure_en(goal)
    found = _template(goal, measure.what, kpis)
    if found:
        return found
    if measure.group:
        group = measure.group
        if language == "th" and not re.search(r"[ก-๛]$", group):
            group += " "  # นักเรียนชั้น ป.1–3 ที่…, not ป.1–3ที่…
        text = phrase("kpi.share", language, group=group, what=measure.what)
    else:
        what = measure.what[:1].upper() + measure.what[1:] if language == "en" else measure.what
        text = phrase("kpi.level", language, what=what)
    return _with_target(text, measure, language)


def _with_target(text: str, measure: GoalMeasure, language: str) -> str:
    """The indicator with the goal's target: its number with the goal's verb, or only a direction."""
    target = measure.target or _DIRECTIONS.get(language, {}).get(measure.verb, "")
    if measure.target and measure.verb:
        if language == "en" and not target.lower().startswith(("to ", "at least")):
            target = f"{measure.verb} {target}"
        elif language == "th" and not re.match(r"(?:ให้)?(?:เพิ่ม|ลด|สูง|ดี)", target):
            target = f"{measure.verb}{target}"
    return phrase("kpi.with_target", language, kpi=text, target=target) if target else text
