"""Settings (assistant/settings.py): the OCR settings and how they reach ingest."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.runtime import ingest_options, ocr_options
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
