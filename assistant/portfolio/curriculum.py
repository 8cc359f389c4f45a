"""The curriculum check: a guide names only learning areas and competencies stored in framework.yaml."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.drafting.knowledge import Framework, UnknownKnowledgeError, load_framework

if TYPE_CHECKING:
    from assistant.drafting.engine import Draft


_INDICATOR_CODE = re.compile(r"(?:[ก-ฮ]{1,2}|[A-Z][a-z]?)\s?\d+\.\d+\s?(?:ป|ม|G|P|M)\.?\s?\d+/\d+")
_TH_AREA_REF = re.compile(r"กลุ่มสาระ(?:การเรียนรู้)?\s*")
_TH_COMP_REF = re.compile(r"ความสามารถในการ")
_EN_COMP_REF = re.compile(
    r"\b[A-Z][a-z]+(?:-[a-z]+)? capacity\b|\bCapacity for [a-z ]+?(?=[,.;:)\]|]|$| \(| and\b)"
)
_EN_AREA_REF = re.compile(r"learning area ([A-Z][A-Za-z ,]+?)(?=[,.;:)]|$|\n)")


def check_curriculum(draft: Draft, framework: Framework | None = None) -> list[str]:
    """Curriculum references in a guide that are not stored data; empty when all are in framework.yaml.

    Checks the structured record (learning area and competency ids), every Thai
    "กลุ่มสาระการเรียนรู้…" and "ความสามารถในการ…" phrase, English "… capacity" /
    "Capacity for …" / "learning area …" phrases, and refuses any standard or indicator
    code (such as "ว 1.1 ป.4/1"), since the framework stores none.
    """
    fw = framework or load_framework()
    area_names = sorted({n for a in fw.learning_areas for n in a.lookup_keys()}, key=len, reverse=True)
    comp_th = sorted({c.name.th for c in fw.competencies}, key=len, reverse=True)
    comp_en = {c.name.en.casefold() for c in fw.competencies}
    problems: list[str] = []
    area = draft.data.get("learning_area", {})
    if area:
        try:
            fw.learning_area(area.get("id", ""))
        except UnknownKnowledgeError:
            problems.append(f"learning area id {area.get('id')!r} is not in framework.yaml")
    for comp in draft.data.get("competencies", []):
        try:
            fw.competency(comp.get("id", ""))
        except UnknownKnowledgeError:
            problems.append(f"competency id {comp.get('id')!r} is not in framework.yaml")
    for text in draft.texts():
        for m in _INDICATOR_CODE.finditer(text):
            problems.append(f"indicator code {m.group(0)!r} is not stored data")
        for m in _TH_AREA_REF.finditer(text):
            rest = text[m.end() :]
            if rest and "\u0e00" <= rest[0] <= "\u0e7f" and not any(rest.startswith(n) for n in area_names):
                problems.append(f"unknown learning area in {text[m.start() : m.end() + 25]!r}")
        for m in _TH_COMP_REF.finditer(text):
            rest = text[m.start() :]
            if not any(rest.startswith(n) for n in comp_th):
                problems.append(f"unknown competency in {text[m.start() : m.start() + 35]!r}")
        for m in _EN_COMP_REF.finditer(text):
            if m.group(0).strip().casefold() not in comp_en:
                problems.append(f"unknown competency {m.group(0)!r}")
        for m in _EN_AREA_REF.finditer(text):
            name = m.group(1).strip()
            if not any(name.casefold().startswith(n.casefold()) for n in area_names):
                problems.append(f"unknown learning area {name!r}")
    return list(dict.fromkeys(problems))
