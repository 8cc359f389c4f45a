"""Tests for assistant.drafting.knowledge: the framework YAML validates, lookups work, bad files fail."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.drafting.knowledge import (
    DEFAULT_FRAMEWORK_PATH,
    Framework,
    FrameworkError,
    Text,
    UnknownKnowledgeError,
    load_framework,
)

OFFICIAL_COMPETENCIES_TH = {
    "ความสามารถในการสื่อสาร",
    "ความสามารถในการคิด",
    "ความสามารถในการแก้ปัญหา",
    "ความสามารถในการใช้ทักษะชีวิต",
    "ความสามารถในการใช้เทคโนโลยี",
}
OFFICIAL_LEARNING_AREAS_TH = {
    "ภาษาไทย",
    "คณิตศาสตร์",
    "วิทยาศาสตร์และเทคโนโลยี",
    "สังคมศึกษา ศาสนา และวัฒนธรรม",
    "สุขศึกษาและพลศึกษา",
    "ศิลปะ",
    "การงานอาชีพ",
    "ภาษาต่างประเทศ",
}


@pytest.fixture(scope="module")
def fw() -> Framework:
    """The repository's framework, loaded through the cached default path."""
    return load_framework()


@pytest.fixture
def raw() -> dict[str, Any]:
    """A fresh, mutable copy of the repository's framework data."""
    return yaml.safe_load(DEFAULT_FRAMEWORK_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    """Write framework data to a temporary YAML file and return its path."""
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ------------------------------------------------------------------ the real file


def test_default_path_is_the_repo_file() -> None:
    assert DEFAULT_FRAMEWORK_PATH.is_file()
    assert DEFAULT_FRAMEWORK_PATH.parts[-3:] == ("corpus", "framework", "framework.yaml")


def test_default_load_is_cached_and_explicit_path_is_not(fw: Framework) -> None:
    assert load_framework() is fw
    explicit = load_framework(DEFAULT_FRAMEWORK_PATH)
    assert explicit is not fw
    assert explicit == fw


def test_section_sizes(fw: Framework) -> None:
    assert len(fw.components) == 7
    assert len(fw.success_factors) == 5
    assert len(fw.competencies) == 5
    assert len(fw.learning_areas) == 8
    assert len(fw.benefits) == 5
    assert len(fw.management_components) == 8
    assert [s.id for s in fw.pdca] == ["plan", "do", "check", "act"]
    assert len(fw.build_steps) >= 6
    assert fw.build_steps[0].id == "build-awareness"  # awareness comes first
    assert fw.challenges
    assert fw.version


def test_components_are_complete_in_both_languages(fw: Framework) -> None:
    for comp in fw.components:
        for lang in ("th", "en"):
            assert comp.name.get(lang).strip()
            assert comp.purpose.get(lang).strip()
            for field in (comp.activities, comp.evidence, comp.kpis):
                items = field.get(lang)
                assert items, f"{comp.id}: empty list in {lang}"
                assert all(item.strip() for item in items)
    names_en = {c.name.en for c in fw.components}
    assert "Shared vision and goals" in names_en
    assert "Measurement and evaluation" in names_en


def test_success_factor_indicators_make_a_questionnaire(fw: Framework) -> None:
    ids = {f.id for f in fw.success_factors}
    assert ids == {
        "policy-strategy",
        "inter-agency-cooperation",
        "management-process",
        "leadership",
        "local-context-politics",
    }
    for factor in fw.success_factors:
        assert 3 <= len(factor.indicators.th) <= 5
        assert len(factor.indicators.th) == len(factor.indicators.en)


def test_official_curriculum_names(fw: Framework) -> None:
    assert {c.name.th for c in fw.competencies} == OFFICIAL_COMPETENCIES_TH
    assert {a.name.th for a in fw.learning_areas} == OFFICIAL_LEARNING_AREAS_TH
    for item in [*fw.competencies, *fw.learning_areas]:
        assert item.name.en.strip()
    # the 2017 revision is recorded where it changed names
    assert fw.learning_area("science-technology").note is not None
    assert fw.learning_area("occupations").note is not None


def test_challenges_point_at_real_components(fw: Framework) -> None:
    component_ids = {c.id for c in fw.components}
    for challenge in fw.challenges:
        assert challenge.components
        assert set(challenge.components) <= component_ids
        assert challenge.mitigations.th and challenge.mitigations.en
    threatened = fw.challenges_for("resource-allocation")
    assert "limited-resources" in {c.id for c in threatened}


def test_every_item_cites_known_sources(fw: Framework) -> None:
    assert any(s.id == "thongplew-2026" for s in fw.sources)
    for comp in fw.components:
        citations = fw.citations(comp)
        assert citations
        assert all(c.strip() for c in citations)


# ------------------------------------------------------------------------ lookups


def test_component_lookup_by_id_thai_and_english(fw: Framework) -> None:
    by_id = fw.component("communication-system")
    assert fw.component("ระบบการสื่อสาร") is by_id
    assert fw.component("COMMUNICATION SYSTEM") is by_id
    assert fw.component("  communication   system ") is by_id


def test_competency_lookup(fw: Framework) -> None:
    comp = fw.competency("ความสามารถในการแก้ปัญหา")
    assert comp.id == "problem-solving"
    assert fw.competency("Problem-Solving Capacity") is comp
    assert fw.competency("problem-solving") is comp


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ภาษาไทย", "thai-language"),
        ("Thai Language", "thai-language"),
        ("mathematics", "mathematics"),
        ("วิทยาศาสตร์และเทคโนโลยี", "science-technology"),
        ("กลุ่มสาระการเรียนรู้วิทยาศาสตร์และเทคโนโลยี", "science-technology"),
        ("social studies, religion and culture", "social-studies"),
        ("สังคมศึกษา ศาสนาและวัฒนธรรม", "social-studies"),
        ("การงานอาชีพและเทคโนโลยี", "occupations"),  # former name
        ("Occupations", "occupations"),
        ("ภาษาต่างประเทศ", "foreign-languages"),
    ],
)
def test_learning_area_lookup(fw: Framework, query: str, expected: str) -> None:
    assert fw.learning_area(query).id == expected


def test_unknown_learning_area_is_rejected_with_the_valid_options(fw: Framework) -> None:
    with pytest.raises(UnknownKnowledgeError) as info:
        fw.learning_area("วิทยาการหุ่นยนต์")
    err = info.value
    assert isinstance(err, KeyError)
    assert isinstance(err, ValueError)
    message = str(err)
    assert "วิทยาการหุ่นยนต์" in message
    assert "learning area" in message
    for area in fw.learning_areas:
        assert area.id in message
        assert area.name.th in message
        assert area.name.en in message
    assert len(err.options) == 8


def test_unknown_component_and_competency_are_rejected(fw: Framework) -> None:
    with pytest.raises(UnknownKnowledgeError, match="shared-vision-goals"):
        fw.component("budget")
    with pytest.raises(UnknownKnowledgeError, match="ความสามารถในการคิด"):
        fw.competency("creativity")
    with pytest.raises(KeyError):
        fw.component("")


def test_text_get() -> None:
    text = Text(th="ไทย", en="English")
    assert text.get("th") == "ไทย"
    assert text.get("EN") == "English"
    with pytest.raises(ValueError, match="th, en"):
        text.get("fr")


# ----------------------------------------------------------------- broken files


def _drop_last_component(d: dict[str, Any]) -> None:
    d["components"].pop()


def _bad_challenge_ref(d: dict[str, Any]) -> None:
    d["challenges"][0]["components"].append("budget-office")


def _empty_thai_name(d: dict[str, Any]) -> None:
    d["components"][2]["name"]["th"] = "   "


def _empty_english_indicator(d: dict[str, Any]) -> None:
    d["success_factors"][1]["indicators"]["en"][0] = ""


def _unknown_field(d: dict[str, Any]) -> None:
    d["learning_areas"][0]["colour"] = "blue"


def _missing_english(d: dict[str, Any]) -> None:
    del d["competencies"][4]["name"]["en"]


def _duplicate_id(d: dict[str, Any]) -> None:
    d["learning_areas"][7]["id"] = "arts"


def _invented_learning_area(d: dict[str, Any]) -> None:
    extra = copy.deepcopy(d["learning_areas"][0])
    extra["id"] = "robotics"
    extra["name"] = {"th": "หุ่นยนต์", "en": "Robotics"}
    extra["aliases"] = []
    d["learning_areas"].append(extra)


def _uneven_translation(d: dict[str, Any]) -> None:
    d["components"][0]["activities"]["en"].pop()


def _pdca_order(d: dict[str, Any]) -> None:
    d["pdca"].reverse()


def _unknown_source(d: dict[str, Any]) -> None:
    d["benefits"][0]["sources"] = ["nobody-1999"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_drop_last_component, ["components", "expected exactly 7 components, found 6"]),
        (
            _bad_challenge_ref,
            ["challenges[0](policy-instability).components", "unknown component id 'budget-office'"],
        ),
        (_empty_thai_name, ["components[2](stakeholders).name.th", "must not be empty"]),
        (
            _empty_english_indicator,
            ["success_factors[1](inter-agency-cooperation).indicators.en[0]: must not be empty"],
        ),
        (_unknown_field, ["learning_areas[0](thai-language).colour", "unknown field"]),
        (_missing_english, ["competencies[4](technology).name.en", "required field is missing"]),
        (_duplicate_id, ["learning_areas", "duplicate id(s) in learning_areas: arts"]),
        (_invented_learning_area, ["expected exactly 8 learning_areas, found 9"]),
        (
            _uneven_translation,
            ["components[0](shared-vision-goals).activities", "th has 3 items but en has 2"],
        ),
        (_pdca_order, ["pdca", "plan, do, check, act"]),
        (_unknown_source, ["benefits[0](coordination-forum).sources", "nobody-1999"]),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_broken_framework_fails_naming_the_problem(
    tmp_path: Path,
    raw: dict[str, Any],
    mutate: Callable[[dict[str, Any]], None],
    expected: list[str],
) -> None:
    mutate(raw)
    path = _write(tmp_path, raw)
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message, message


def test_unmodified_copy_loads(tmp_path: Path, raw: dict[str, Any]) -> None:
    assert load_framework(_write(tmp_path, raw)) == load_framework()


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="cannot read"):
        load_framework(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("components: [unclosed\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match="not valid YAML"):
        load_framework(bad)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just a string\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match="mapping"):
        load_framework(scalar)
