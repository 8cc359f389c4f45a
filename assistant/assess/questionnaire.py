"""The questionnaire: 7 component areas then 5 success-factor groups, each with its statements.

:func:`load_questionnaire` reads ``prompts/health.yaml`` (see :mod:`assistant.assess.health_file`),
checks it against ``corpus/framework/framework.yaml`` and lists every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.assess.health_file import (
    HEALTH_FILE,
    REQUIRED_TEXTS,
    STATEMENTS_PER_COMPONENT,
    HealthConfigError,
    HealthFile,
    Scale,
)
from assistant.datafiles import DataFileError, load_yaml
from assistant.drafting.engine import check_language
from assistant.drafting.knowledge import Framework, load_framework


class AreaKind(StrEnum):
    COMPONENT = "component"
    FACTOR = "factor"


@dataclass(frozen=True)
class Indicator:
    """One statement to score, e.g. ``stakeholders.2``."""

    id: str
    area: str
    kind: AreaKind
    th: str
    en: str

    def text(self, language: str) -> str:
        return self.th if check_language(language) == "th" else self.en


@dataclass(frozen=True)
class Area:
    """A component or a success-factor group with its statements."""

    id: str
    kind: AreaKind
    th: str
    en: str
    indicators: tuple[Indicator, ...]

    def name(self, language: str) -> str:
        return self.th if check_language(language) == "th" else self.en


@dataclass(frozen=True)
class Questionnaire:
    """The checked questionnaire: 7 component areas then 5 factor areas, the scale and the wording."""

    version: str
    areas: tuple[Area, ...]
    config: HealthFile
    framework: Framework

    @property
    def scale(self) -> Scale:
        return self.config.scale

    @property
    def indicators(self) -> list[Indicator]:
        return [i for a in self.areas for i in a.indicators]

    def area(self, area_id: str) -> Area:
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(f"no area {area_id!r}; areas: {', '.join(a.id for a in self.areas)}")

    def indicator(self, indicator_id: str) -> Indicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise KeyError(f"no indicator {indicator_id!r}")

    def text(self, key: str, language: str, **values: Any) -> str:
        """Report wording from ``texts`` in ``language``, placeholders filled."""
        template = self.config.texts[key].get(language)
        return template.format(**values) if values else template

    def kind_name(self, kind: AreaKind, language: str) -> str:
        return self.text("kind_component" if kind is AreaKind.COMPONENT else "kind_factor", language)

    def band(self, mean: float, language: str) -> str:
        """How a mean reads ("พอใช้" / "Fair" ...)."""
        for b in self.config.bands:
            if mean <= b.up_to + 1e-9:
                return b.get(language)
        return self.config.bands[-1].get(language)

    def levels_text(self, language: str) -> str:
        """``1 = ..., 2 = ..., ...`` for instructions."""
        return ", ".join(f"{lv.value} = {lv.get(language)}" for lv in self.scale.levels)

    def to_json(self, language: str) -> dict[str, Any]:
        """The questionnaire in one language (what ``edunet assess questions --json`` prints)."""
        language = check_language(language)
        return {
            "version": self.version,
            "language": language,
            "scale": {
                "min": self.scale.min,
                "max": self.scale.max,
                "levels": {str(lv.value): lv.get(language) for lv in self.scale.levels},
                "not_sure": self.scale.not_sure.get(language),
            },
            "areas": [
                {
                    "id": a.id,
                    "kind": a.kind.value,
                    "name": a.name(language),
                    "indicators": [{"id": i.id, "text": i.text(language)} for i in a.indicators],
                }
                for a in self.areas
            ],
        }

    def template(self, language: str) -> str:
        """A blank answers file (YAML) with every statement as a comment, ready to fill in."""
        language = check_language(language)
        not_sure = self.scale.not_sure.get(language)
        lines = [
            f"# {self.text('title', language)}",
            f"# {self.levels_text(language)}; {not_sure!r} / not sure",
            "label: ''",
            f"language: {language}",
            "answers:",
        ]
        for a in self.areas:
            lines.append(f"  # {self.kind_name(a.kind, language)}: {a.name(language)}")
            lines += [f"  {i.id}:    # {i.text(language)}" for i in a.indicators]
        return "\n".join(lines) + "\n"


def build_questionnaire(config: HealthFile, framework: Framework) -> Questionnaire:
    """Check the health file against the framework and build the questionnaire (all problems at once)."""
    problems: list[str] = []
    component_ids = [c.id for c in framework.components]
    factor_ids = [f.id for f in framework.success_factors]
    for cid in config.components:
        if cid not in component_ids:
            problems.append(f"components: unknown component id {cid!r}; valid: {', '.join(component_ids)}")
    low, high = STATEMENTS_PER_COMPONENT
    for cid in component_ids:
        statements = config.components.get(cid)
        if statements is None:
            problems.append(f"components: no statements for component {cid!r}")
        elif not low <= len(statements) <= high:
            problems.append(f"components.{cid}: needs {low}–{high} statements, found {len(statements)}")
    for fid, refs in config.factor_components.items():
        if fid not in factor_ids:
            problems.append(
                f"factor_components: unknown success factor id {fid!r}; valid: {', '.join(factor_ids)}"
            )
        bad = [r for r in refs if r not in component_ids]
        if bad:
            problems.append(f"factor_components.{fid}: unknown component id(s) {', '.join(map(repr, bad))}")
        if not refs:
            problems.append(f"factor_components.{fid}: name at least one component")
    problems += [
        f"factor_components: no entry for {fid!r}"
        for fid in factor_ids
        if fid not in config.factor_components
    ]
    missing_texts = [k for k in REQUIRED_TEXTS if k not in config.texts]
    if missing_texts:
        problems.append(f"texts: missing key(s) {', '.join(missing_texts)}")
    if problems:
        raise HealthConfigError("health questionnaire problems:\n" + "\n".join(f"  - {p}" for p in problems))

    areas: list[Area] = []
    for c in framework.components:
        items = tuple(
            Indicator(f"{c.id}.{n}", c.id, AreaKind.COMPONENT, s.th, s.en)
            for n, s in enumerate(config.components[c.id], start=1)
        )
        areas.append(Area(c.id, AreaKind.COMPONENT, c.name.th, c.name.en, items))
    for f in framework.success_factors:
        items = tuple(
            Indicator(f"{f.id}.{n}", f.id, AreaKind.FACTOR, th, en)
            for n, (th, en) in enumerate(zip(f.indicators.th, f.indicators.en, strict=True), start=1)
        )
        areas.append(Area(f.id, AreaKind.FACTOR, f.name.th, f.name.en, items))
    return Questionnaire(config.version, tuple(areas), config, framework)


def _read_health_file(path: Path) -> HealthFile:
    try:
        data = load_yaml(path)
    except DataFileError as exc:
        raise HealthConfigError(str(exc)) from None
    if not isinstance(data, dict):
        raise HealthConfigError(f"{path} must hold a mapping at the top level")
    try:
        return HealthFile.model_validate(data)
    except ValidationError as exc:
        lines = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)]
        raise HealthConfigError(f"{path} does not match the schema:\n  - " + "\n  - ".join(lines)) from None


@cache
def _default_questionnaire() -> Questionnaire:
    return build_questionnaire(_read_health_file(HEALTH_FILE), load_framework())


def load_questionnaire(path: Path | str | None = None, framework: Framework | None = None) -> Questionnaire:
    """The questionnaire from ``prompts/health.yaml`` (cached) or another file, checked with the framework."""
    if path is None and framework is None:
        return _default_questionnaire()
    return build_questionnaire(_read_health_file(Path(path or HEALTH_FILE)), framework or load_framework())
