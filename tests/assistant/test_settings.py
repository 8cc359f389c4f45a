"""Settings (assistant/settings.py): the OCR settings and how they reach ingest."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.retrieval.runtime import ingest_options, ocr_options
from assistant.settings import Settings
from ingest.ocr import OcrMode


def test_ocr_defaults_to_auto_with_thai_and_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EDUNET_OCR", "EDUNET_OCR_LANGS", "EDUNET_OCR_TIMEOUT", "EDUNET_INGEST_THREADS"):
        monkeypatch.delenv(name, raising=False)
    s = Settings(data_dir=tmp_path)
    options = ocr_options(s)
    assert (options.mode, options.langs, options.threads) == (OcrMode.AUTO, "tha+eng", 0)
    assert options.cache_dir == tmp_path / "cache" / "ocr"
    assert ingest_options(s).ocr == options


def test_ocr_settings_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDUNET_OCR", "Force")
    monkeypatch.setenv("EDUNET_OCR_LANGS", "eng")
    monkeypatch.setenv("EDUNET_OCR_TIMEOUT", "30")
    monkeypatch.setenv("EDUNET_INGEST_THREADS", "1")
    options = ocr_options(Settings(data_dir=tmp_path))
    assert (options.mode, options.langs, options.timeout, options.threads) == (OcrMode.FORCE, "eng", 30.0, 1)


def test_a_bad_ocr_mode_or_language_list_fails_naming_what_is_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EDUNET_OCR", "fast")
    with pytest.raises(ValidationError, match="unknown OCR mode 'fast'; use one of: auto, off, force"):
        Settings()
    monkeypatch.setenv("EDUNET_OCR", "off")
    monkeypatch.setenv("EDUNET_OCR_LANGS", "tha eng; rm -rf")
    with pytest.raises(ValidationError, match="ocr_langs"):
        Settings()


def test_the_data_files_are_named_by_the_settings(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    assert s.manifest_path == data / "edunet.db" and s.chroma_dir == data / "chroma"
    assert s.app_db_path == data / "edunet.sqlite" and s.sessions_dir == data / "sessions"
    assert s.partner_registry_path("team-a") == data / "workspaces" / "team-a" / "partners.sqlite"
    assert s.assessments_path("team-a") == data / "workspaces" / "team-a" / "assessments.sqlite"
    assert s.uploads_dir("team-a") == data / "uploads" / "team-a"
    assert s.partners_csv == corpus / "partners.csv"
    assert s.framework_path == corpus / "framework" / "framework.yaml"
    assert s.workshop_template_path == corpus / "templates" / "workshop.yaml"
    assert s.portfolio_templates_path == corpus / "templates" / "portfolio.yaml"
    assert not data.exists()  # naming a path creates nothing


def test_a_workspace_path_checks_the_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="workspace"):
        Settings(data_dir=tmp_path).partner_registry_path("../other")


def test_the_storage_helpers_use_the_settings_paths(tmp_path: Path) -> None:
    from assistant.storage import app_db, workspace_dir

    s = Settings(data_dir=tmp_path)
    assert app_db(s) == s.app_db_path and s.app_db_path.is_file()
    assert workspace_dir(s, "team-b") == s.workspace_dir("team-b") and s.workspace_dir("team-b").is_dir()


def test_templates_and_starter_partners_follow_the_corpus_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from assistant.drafting.knowledge import load_framework
    from assistant.plan.partners import partners_from_csv
    from assistant.settings import DEFAULT_CORPUS_DIR, get_settings
    from assistant.workshop.template import load_template

    corpus = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS_DIR / "templates", corpus / "templates")
    shutil.copytree(DEFAULT_CORPUS_DIR / "framework", corpus / "framework")
    workshop = corpus / "templates" / "workshop.yaml"
    text = workshop.read_text(encoding="utf-8")
    workshop.write_text(text.replace("rounding_minutes: 5", "rounding_minutes: 1"), encoding="utf-8")
    rows = "id,name_th,name_en,type\nP9,โรงเรียนทดสอบ,Test,school\n"
    (corpus / "partners.csv").write_text(rows, encoding="utf-8")
    monkeypatch.setenv("EDUNET_CORPUS_DIR", str(corpus))
    get_settings.cache_clear()
    try:
        assert get_settings().corpus_dir == corpus
        assert load_template().rounding_minutes == 1
        assert load_framework() == load_framework(corpus / "framework" / "framework.yaml")
        assert list(partners_from_csv().partners) == ["P9"]
    finally:
        monkeypatch.delenv("EDUNET_CORPUS_DIR")
        get_settings.cache_clear()
    assert load_template().rounding_minutes != 1  # back to the starter corpus's own template
