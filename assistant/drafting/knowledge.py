"""Typed, validated access to the collaboration-network framework.

``corpus/framework/framework.yaml`` is the single source of truth that the tools draw on:
the 7 components of a collaboration network, the steps to build one, the 5 groups of
success factors, the challenges and their mitigations, the PDCA cycle, the benefits, the
8 management components, and the learner competencies and learning areas of Thailand's
Basic Education Core Curriculum. This module loads that file into strict pydantic
models, so that a typo or a missing translation fails at load time with a message that
names the field, never later inside a tool.

Lookups (``Framework.component``, ``Framework.learning_area`` ...) accept an id, the Thai
name or the English name (case-insensitive) and raise :class:`UnknownKnowledgeError`
listing the valid options, which tools use to reject invented names.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from assistant.datafiles import DataFileError, load_yaml
from assistant.settings import DEFAULT_CORPUS_DIR, FRAMEWORK_FILE

__all__ = [
    "DEFAULT_FRAMEWORK_PATH",
    "LANGUAGES",
    "PDCA_STAGE_IDS",
    "Benefit",
    "BuildStep",
    "Challenge",
    "Competency",
    "Component",
    "Framework",
    "FrameworkError",
    "LearningArea",
    "ManagementComponent",
    "PdcaStage",
    "Source",
    "SuccessFactor",
    "Text",
    "TextList",
    "UnknownKnowledgeError",
    "load_framework",
]

DEFAULT_FRAMEWORK_PATH = DEFAULT_CORPUS_DIR / FRAMEWORK_FILE
"""The starter corpus's file; the loader reads the settings' corpus_dir (the same file by default)."""

LANGUAGES: tuple[str, ...] = ("th", "en")
PDCA_STAGE_IDS: tuple[str, ...] = ("plan", "do", "check", "act")

# Sections whose size is fixed by the sources (the article, the 2008 core curriculum).
EXACT_COUNTS: dict[str, int] = {
    "components": 7,
    "success_factors": 5,
    "benefits": 5,
    "management_components": 8,
    "competencies": 5,
    "learning_areas": 8,
}
INDICATORS_PER_FACTOR = (3, 5)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Prefixes people put before a learning-area name; dropped before matching.
_LOOKUP_PREFIXES = ("กลุ่มสาระการเรียนรู้", "สาระการเรียนรู้", "กลุ่มสาระ", "learning area")
_STRIP_CHARS = str.maketrans("", "", string.whitespace + string.punctuation.replace("&", ""))


# ---------------------------------------------------------------------------- errors


class FrameworkError(ValueError):
    """framework.yaml is missing, is not valid YAML, or does not match the schema."""


class UnknownKnowledgeError(KeyError, ValueError):
    """A lookup found nothing; the message lists the valid options.

    It is both a ``KeyError`` (a failed lookup) and a ``ValueError`` (bad user input), so
    callers may catch either.
    """

    def __init__(self, kind: str, query: str, options: Sequence[str]) -> None:
        self.kind = kind
        self.query = query
        self.options = list(options)
        message = f"unknown {kind} {query!r}; valid options: " + "; ".join(self.options)
        super().__init__(message)

    def __str__(self) -> str:
        """Return the plain message (``KeyError`` would otherwise quote it)."""
        return str(self.args[0])


# ----------------------------------------------------------------- field validators


def _non_empty(value: str) -> str:
    """Strip a string and reject it when nothing is left."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _slug(value: str) -> str:
    """Accept only lower-case kebab-case ids such as ``shared-vision-goals``."""
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} is not a valid id (use lower-case letters, digits and '-')")
    return value


NonEmptyStr = Annotated[str, AfterValidator(_non_empty)]
Slug = Annotated[str, AfterValidator(_slug)]


def _check_lang(lang: str) -> str:
    """Normalise a language code to ``th`` or ``en``, or fail naming the valid ones."""
    code = str(lang).strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of: {', '.join(LANGUAGES)}")
    return code


def _key(text: str) -> str:
    """The form used to compare lookup queries: case-folded, no spaces or punctuation."""
    folded = " ".join(text.split()).casefold()
    for prefix in _LOOKUP_PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            folded = folded[len(prefix) :]
            break
    return folded.translate(_STRIP_CHARS)


# ----------------------------------------------------------------------- the models


class _Strict(BaseModel):
    """Base for every model here: unknown keys and type coercion are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Text(_Strict):
    """A bilingual string: both Thai and English must be present and non-empty."""

    th: NonEmptyStr
    en: NonEmptyStr

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` (``"th"`` or ``"en"``)."""
        return self.th if _check_lang(lang) == "th" else self.en


class TextList(_Strict):
    """A bilingual list of strings; both languages are non-empty and of equal length."""

    th: list[NonEmptyStr]
    en: list[NonEmptyStr]

    @model_validator(mode="after")
    def _parallel(self) -> Self:
        """Require items in both languages, item for item (they are translations)."""
        if not self.th or not self.en:
            missing = " and ".join(lang for lang in LANGUAGES if not getattr(self, lang))
            raise ValueError(f"list must not be empty in {missing}")
        if len(self.th) != len(self.en):
            raise ValueError(
                f"th has {len(self.th)} items but en has {len(self.en)}; they must be item-for-item "
                "translations"
            )
        return self

    def get(self, lang: str) -> list[str]:
        """Return the list in ``lang`` (``"th"`` or ``"en"``)."""
        return list(self.th if _check_lang(lang) == "th" else self.en)


class _Item(_Strict):
    """Anything with a stable id, a bilingual name and the sources it rests on."""

    id: Slug
    name: Text
    sources: list[Slug] = []

    def lookup_keys(self) -> list[str]:
        """The strings a user may type to mean this item: id, Thai and English name."""
        return [self.id, self.name.th, self.name.en]

    def label(self) -> str:
        """A one-line description used in error messages: ``id (ชื่อ / Name)``."""
        return f"{self.id} ({self.name.th} / {self.name.en})"


class Component(_Item):
    """One of the 7 components of an educational collaboration network."""

    purpose: Text
    activities: TextList
    evidence: TextList
    kpis: TextList


class BuildStep(_Item):
    """One step of building a network (awareness first, then Starkey 1997)."""

    description: Text


class SuccessFactor(_Item):
    """A group of success factors; its indicators double as self-assessment items."""

    indicators: TextList

    @field_validator("indicators")
    @classmethod
    def _indicator_count(cls, value: TextList) -> TextList:
        """Keep each group usable as a short questionnaire: 3 to 5 items."""
        low, high = INDICATORS_PER_FACTOR
        if not low <= len(value.th) <= high:
            raise ValueError(f"needs {low} to {high} indicators, found {len(value.th)}")
        return value


class Challenge(_Item):
    """A known cause of network failure, what to do about it, and what it threatens."""

    description: Text
    mitigations: TextList
    components: list[Slug]

    @field_validator("components")
    @classmethod
    def _some_components(cls, value: list[str]) -> list[str]:
        """A challenge must name at least one component it threatens."""
        if not value:
            raise ValueError("must name at least one component id")
        return value


class PdcaStage(_Item):
    """One stage of the Plan-Do-Check-Act cycle used to evaluate a network."""

    description: Text
    timing: Text


class Benefit(_Item):
    """One of the 5 uses of a network (Chareonwongsak 2002)."""

    description: Text


class ManagementComponent(_Item):
    """One of the 8 components of network management (Mahawong 2016; Theerangsu 2020)."""

    description: Text


class Competency(_Item):
    """A key learner competency of the Basic Education Core Curriculum B.E. 2551."""

    description: Text
    aliases: list[NonEmptyStr] = []

    def lookup_keys(self) -> list[str]:
        """Id, both names and any aliases."""
        return [*super().lookup_keys(), *self.aliases]


class LearningArea(_Item):
    """One of the 8 learning areas of the Basic Education Core Curriculum."""

    aliases: list[NonEmptyStr] = []
    note: Text | None = None

    def lookup_keys(self) -> list[str]:
        """Id, both names and any aliases (such as former names)."""
        return [*super().lookup_keys(), *self.aliases]


class Source(_Strict):
    """A citation that items refer to by id."""

    id: Slug
    citation: NonEmptyStr


_ItemT = TypeVar("_ItemT", bound=_Item)


def _section_checks(section: str, items: list[Any]) -> None:
    """Check a section's size (where fixed) and that its ids are unique."""
    expected = EXACT_COUNTS.get(section)
    ids = [item.id for item in items]
    if expected is not None and len(items) != expected:
        raise ValueError(
            f"expected exactly {expected} {section}, found {len(items)} (ids: {', '.join(ids) or 'none'})"
        )
    if not items:
        raise ValueError(f"{section} must not be empty")
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate id(s) in {section}: {', '.join(duplicates)}")


class Framework(_Strict):
    """The whole framework file, validated; lookups by id or name live here."""

    version: NonEmptyStr
    components: list[Component]
    build_steps: list[BuildStep]
    success_factors: list[SuccessFactor]
    challenges: list[Challenge]
    pdca: list[PdcaStage]
    benefits: list[Benefit]
    management_components: list[ManagementComponent]
    competencies: list[Competency]
    learning_areas: list[LearningArea]
    sources: list[Source]

    @field_validator(
        "components",
        "build_steps",
        "success_factors",
        "challenges",
        "benefits",
        "management_components",
        "competencies",
        "learning_areas",
    )
    @classmethod
    def _counts_and_ids(cls, value: list[_Item], info: ValidationInfo) -> list[_Item]:
        """Fixed sizes and unique ids per section."""
        _section_checks(info.field_name, value)
        return value

    @field_validator("pdca")
    @classmethod
    def _pdca_order(cls, value: list[PdcaStage]) -> list[PdcaStage]:
        """PDCA has exactly the stages plan, do, check, act, in that order."""
        ids = tuple(stage.id for stage in value)
        if ids != PDCA_STAGE_IDS:
            expected = ", ".join(PDCA_STAGE_IDS)
            raise ValueError(f"stages must be {expected} in this order, found {', '.join(ids)}")
        return value

    @field_validator("sources")
    @classmethod
    def _unique_sources(cls, value: list[Source]) -> list[Source]:
        """Source ids are unique and there is at least one."""
        if not value:
            raise ValueError("must list at least one source")
        ids = [s.id for s in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate source id(s): {', '.join(duplicates)}")
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> Self:
        """Challenge components and item sources must point at ids that exist; names must not clash."""
        problems: list[str] = []
        component_ids = [c.id for c in self.components]
        for i, challenge in enumerate(self.challenges):
            for ref in challenge.components:
                if ref not in component_ids:
                    problems.append(
                        f"challenges[{i}]({challenge.id}).components: unknown component id {ref!r}; "
                        f"valid: {', '.join(component_ids)}"
                    )
        source_ids = {s.id for s in self.sources}
        for section, items in self._sections().items():
            for i, item in enumerate(items):
                for ref in item.sources:
                    if ref not in source_ids:
                        problems.append(f"{section}[{i}]({item.id}).sources: unknown source id {ref!r}")
            problems.extend(_name_clashes(section, items))
        if problems:
            raise ValueError("\n".join(problems))
        return self

    # ------------------------------------------------------------------ lookups

    def _sections(self) -> dict[str, Sequence[_Item]]:
        """Every list of items, by section name."""
        return {
            "components": self.components,
            "build_steps": self.build_steps,
            "success_factors": self.success_factors,
            "challenges": self.challenges,
            "pdca": self.pdca,
            "benefits": self.benefits,
            "management_components": self.management_components,
            "competencies": self.competencies,
            "learning_areas": self.learning_areas,
        }

    def component(self, id_or_name: str) -> Component:
        """Find a network component by id, Thai name or English name."""
        return _lookup("component", self.components, id_or_name)

    def competency(self, id_or_name: str) -> Competency:
        """Find a learner competency by id, Thai name, English name or alias."""
        return _lookup("competency", self.competencies, id_or_name)

    def learning_area(self, id_or_name: str) -> LearningArea:
        """Find a learning area by id, Thai name, English name or alias (e.g. a former name)."""
        return _lookup("learning area", self.learning_areas, id_or_name)

    def success_factor(self, id_or_name: str) -> SuccessFactor:
        """Find a success-factor group by id or name."""
        return _lookup("success factor", self.success_factors, id_or_name)

    def challenge(self, id_or_name: str) -> Challenge:
        """Find a challenge by id or name."""
        return _lookup("challenge", self.challenges, id_or_name)

    def build_step(self, id_or_name: str) -> BuildStep:
        """Find a network-building step by id or name."""
        return _lookup("build step", self.build_steps, id_or_name)

    def pdca_stage(self, id_or_name: str) -> PdcaStage:
        """Find a PDCA stage by id (plan/do/check/act) or name."""
        return _lookup("PDCA stage", self.pdca, id_or_name)

    def benefit(self, id_or_name: str) -> Benefit:
        """Find a network benefit by id or name."""
        return _lookup("benefit", self.benefits, id_or_name)

    def management_component(self, id_or_name: str) -> ManagementComponent:
        """Find a management component by id or name."""
        return _lookup("management component", self.management_components, id_or_name)

    def challenges_for(self, component_id_or_name: str) -> list[Challenge]:
        """The challenges that threaten a given component."""
        component = self.component(component_id_or_name)
        return [c for c in self.challenges if component.id in c.components]

    def source(self, source_id: str) -> Source:
        """Find a source by its id."""
        for src in self.sources:
            if src.id == source_id:
                return src
        raise UnknownKnowledgeError("source", source_id, [s.id for s in self.sources])

    def citations(self, item: _Item) -> list[str]:
        """The full citation strings for an item's sources, in order."""
        return [self.source(ref).citation for ref in item.sources]


def _name_clashes(section: str, items: Sequence[_Item]) -> list[str]:
    """Report lookup keys (ids, names, aliases) that would match two items of a section."""
    owner: dict[str, str] = {}
    problems: list[str] = []
    for item in items:
        for key in {_key(k) for k in item.lookup_keys()}:
            other = owner.setdefault(key, item.id)
            if other != item.id:
                problems.append(f"{section}: {item.id!r} and {other!r} share the name or alias {key!r}")
    return problems


def _lookup(kind: str, items: Iterable[_ItemT], query: str) -> _ItemT:
    """Return the item whose id, name or alias matches ``query``, or raise listing the options."""
    items = list(items)
    wanted = _key(str(query))
    if wanted:
        for item in items:
            if any(_key(k) == wanted for k in item.lookup_keys()):
                return item
    raise UnknownKnowledgeError(kind, str(query), [item.label() for item in items])


# ------------------------------------------------------------------------- loading


def _describe_loc(loc: tuple[int | str, ...], data: Any) -> str:
    """Turn a pydantic error location into ``components[2](stakeholders).name.th``."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int):
            label = f"[{step}]"
            if isinstance(node, list) and 0 <= step < len(node):
                node = node[step]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label += f"({node['id']})"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def _format_validation_error(path: Path, error: ValidationError, data: Any) -> str:
    """One line per problem, each naming the field that is wrong."""
    lines = [f"{path} does not match the framework schema ({error.error_count()} problem(s)):"]
    for err in error.errors(include_url=False):
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (not part of the schema)"
        if not err["loc"]:  # whole-file checks: each line already names its field
            lines.extend(f"  - {line}" for line in msg.splitlines())
            continue
        lines.append(f"  - {_describe_loc(tuple(err['loc']), data)}: {msg}")
    return "\n".join(lines)


def _load(path: Path) -> Framework:
    """Read, parse and validate one framework file."""
    try:
        data = load_yaml(path)
    except DataFileError as exc:
        raise FrameworkError(f"framework file: {exc}") from exc
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise FrameworkError(f"{path} must contain a YAML mapping at the top level, got {kind}")
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(_format_validation_error(path, exc, data)) from None


@functools.cache
def _load_default(path: Path) -> Framework:
    """The settings' framework file, loaded once per process (per path)."""
    return _load(path)


def load_framework(path: Path | str | None = None) -> Framework:
    """Load and validate the framework; the settings' ``framework_path`` (cached) when ``path`` is None.

    Raises :class:`FrameworkError` naming every invalid field.
    """
    if path is None:
        from assistant.settings import get_settings

        return _load_default(get_settings().framework_path)
    return _load(Path(path))
