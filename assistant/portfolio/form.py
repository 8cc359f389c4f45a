"""The teacher's form: grade, learning area, 1–5 competencies, the unit, weeks and language, validated."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from assistant.drafting.forms import parse_form
from assistant.drafting.knowledge import Framework, UnknownKnowledgeError, load_framework
from assistant.portfolio.grades import THAI_DIGITS, Grade, parse_grade

MAX_WEEKS = 40
MAX_DESCRIPTION = 2000


def split_list(value: Any) -> list[str]:
    """Items of a list field: a list, or one string separated by commas, semicolons or new lines."""
    if isinstance(value, str):
        value = re.split(r"[,;\n]", value)
    if not isinstance(value, list | tuple):
        raise ValueError("give a list of competencies")
    return [str(v).strip() for v in value if str(v).strip()]


def resolve_competencies(values: Sequence[str], framework: Framework | None = None) -> list[str]:
    """Competency ids for ids or names (th/en); unknown ones rejected with the valid list, 1–5, no repeats."""
    fw = framework or load_framework()
    ids: list[str] = []
    unknown: list[str] = []
    for v in values:
        try:
            cid = fw.competency(v).id
        except UnknownKnowledgeError:
            unknown.append(v)
            continue
        if cid not in ids:
            ids.append(cid)
    if unknown:
        options = "; ".join(c.label() for c in fw.competencies)
        raise ValueError(
            f"unknown competency {', '.join(repr(u) for u in unknown)} (ไม่มีในสมรรถนะสำคัญ 5 ประการ); "
            f"valid options: {options}"
        )
    if not 1 <= len(ids) <= len(fw.competencies):
        raise ValueError(f"choose 1–{len(fw.competencies)} of the key competencies (เลือกสมรรถนะ 1–5 ข้อ)")
    return ids


class PortfolioForm(BaseModel):
    """What a teacher gives: grade, learning area, 1–5 competencies, the unit, weeks and language.

    After validation ``grade`` is a code (``P4``/``M2``), ``learning_area`` and
    ``competencies`` are framework ids.
    """

    model_config = ConfigDict(extra="forbid")

    grade: str
    learning_area: str
    competencies: list[str]
    description: str
    weeks: int
    language: str = "th"
    title: str = ""

    @field_validator("grade", mode="before")
    @classmethod
    def _grade(cls, value: Any) -> str:
        return parse_grade(value).code

    @field_validator("learning_area")
    @classmethod
    def _area(cls, value: str) -> str:
        try:
            return load_framework().learning_area(value).id
        except UnknownKnowledgeError as exc:
            raise ValueError(f"{exc} (ไม่มีในกลุ่มสาระการเรียนรู้ 8 กลุ่ม)") from None

    @field_validator("competencies", mode="before")
    @classmethod
    def _competencies(cls, value: Any) -> list[str]:
        return resolve_competencies(split_list(value))

    @field_validator("description", "title")
    @classmethod
    def _text(cls, value: str, info: Any) -> str:
        value = " ".join(value.split())
        if info.field_name == "description" and not value:
            raise ValueError("describe the project or unit; it is empty (กรุณาอธิบายโครงงานหรือหน่วยการเรียนรู้)")
        if len(value) > MAX_DESCRIPTION:
            raise ValueError(f"keep it under {MAX_DESCRIPTION} characters (it has {len(value)})")
        return value

    @field_validator("weeks", mode="before")
    @classmethod
    def _weeks(cls, value: Any) -> int:
        try:
            weeks = int(str(value).translate(THAI_DIGITS).strip())
        except ValueError:
            raise ValueError(f"duration must be a whole number of weeks, got {value!r}") from None
        if not 1 <= weeks <= MAX_WEEKS:
            raise ValueError(
                f"duration must be 1–{MAX_WEEKS} weeks (ระยะเวลา 1–{MAX_WEEKS} สัปดาห์), got {weeks}"
            )
        return weeks

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str:
        code = str(value or "").strip().lower()
        if code not in ("th", "en"):
            raise ValueError(f"language must be th or en, got {value!r}")
        return code

    @property
    def grade_level(self) -> Grade:
        return parse_grade(self.grade)


def parse_portfolio_form(data: Mapping[str, Any] | PortfolioForm) -> PortfolioForm:
    """Validate a form; :class:`assistant.drafting.forms.FormError` lists every problem, naming its field."""
    return parse_form(PortfolioForm, data)
