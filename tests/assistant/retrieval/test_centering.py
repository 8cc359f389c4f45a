"""Query centering: a language's mean question vector out of a search, plain cosines kept for scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.datafiles import DataFileError
from assistant.retrieval.centering import MIN_QUESTIONS, QueryCentering, sample_questions
from assistant.retrieval.hybrid import HybridRetriever, Mode
from ingest.pipeline import ingest
from ingest.store import Store

ROOT = Path(__file__).resolve().parents[3]


class CountingEmbedder:
    """Embeds a question as a fixed vector per language (Thai letters or not), counting the calls."""

    model_dir = "fake"

    def __init__(self) -> None:
        self.calls = 0

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        thai = [any("\u0e00" <= ch <= "\u0e7f" for ch in t) for t in texts]
        return [[1.0, 0.0, 0.0] if is_thai else [0.0, 1.0, 0.0] for is_thai in thai]


def test_apply_takes_out_the_weighted_mean_of_the_language_and_normalises() -> None:
    centering = QueryCentering({"en": np.array([0.0, 1.0, 0.0], dtype=np.float32)}, weight=0.5)
    out = centering.apply([0.6, 0.8, 0.0], "en")
    expected = np.array([0.6, 0.3, 0.0]) / np.linalg.norm([0.6, 0.3, 0.0])
    assert np.allclose(out, expected, atol=1e-6)
    assert centering.apply([0.6, 0.8, 0.0], "mixed") == [0.6, 0.8, 0.0]  # no mean: unchanged
    off = QueryCentering(centering.means, weight=0.0)
    assert off.apply([0.6, 0.8, 0.0], "en") == [0.6, 0.8, 0.0]


def test_a_language_with_too_few_sample_questions_gets_no_mean() -> None:
    questions = {"th": ["คำถาม"] * MIN_QUESTIONS, "en": ["A question?"] * (MIN_QUESTIONS - 1)}
    centering = QueryCentering.from_questions(CountingEmbedder(), questions)
    assert set(centering.means) == {"th"}
    assert np.allclose(centering.means["th"], [1.0, 0.0, 0.0])


def test_the_shipped_sample_questions_cover_both_languages_in_their_own_script() -> None:
    questions = sample_questions(ROOT / "corpus")
    assert set(questions) == {"th", "en"}
    assert min(len(v) for v in questions.values()) >= 30
    assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in q) for q in questions["th"])
    assert not any(any("\u0e00" <= ch <= "\u0e7f" for ch in q) for q in questions["en"])


def test_a_sample_questions_file_of_the_wrong_shape_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "sample_questions.yaml").write_text("th: just one string\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="'th' must be a list of questions"):
        sample_questions(tmp_path)
    assert sample_questions(tmp_path / "missing") == {}


def test_the_centering_of_a_model_is_computed_once(tmp_path: Path) -> None:
    (tmp_path / "sample_questions.yaml").write_text(
        "th:\n" + "".join(f"  - คำถามที่ {i}\n" for i in range(12)), encoding="utf-8"
    )
    embedder = CountingEmbedder()
    first = QueryCentering.for_embedder(embedder, tmp_path)
    assert first is not None and set(first.means) == {"th"}
    assert QueryCentering.for_embedder(embedder, tmp_path) is first
    assert embedder.calls == 1
    assert QueryCentering.for_embedder(object(), tmp_path) is None  # cannot embed questions


# ------------------------------------------------------------------------------------------ real model

BIRDS = {
    "kestrel": "The kestrel cluster of rural schools shares a school bus and a science lab every term.",
    "heron": "โรงเรียนในเครือข่ายนกกระสาใช้ห้องสมุดร่วมกันและจัดอบรมครูด้านการอ่านทุกภาคเรียน",
}


def test_a_centred_search_keeps_each_hits_plain_cosine(tmp_path: Path, embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, body in BIRDS.items():
        (docs / f"{name}.md").write_text(f"# {name}\n\n{body}\n", encoding="utf-8")
    store = Store.open(tmp_path / "data", embedder)
    assert ingest([docs], store).ok
    question = "Which schools share a bus and a science lab?"
    plain = store.dense("default", question, 5)
    centred = HybridRetriever(store=store, workspace="default", k=5, mode=Mode.DENSE, expand=False)
    assert centred.center > 0 and centred._centering() is not None
    found = centred.search(question)
    assert found[0].source == plain[0].source == "kestrel.md"
    # the relevance gate reads plain cosines: the centred search reports the same ones
    by_id = {h.chunk_id: h.score for h in plain}
    for hit in found:
        assert hit.dense_score == pytest.approx(by_id[hit.chunk_id], abs=1e-4)
    off = HybridRetriever(store=store, workspace="default", k=5, mode=Mode.DENSE, expand=False, center=0)
    assert [h.chunk_id for h in off.search(question)] == [h.chunk_id for h in plain]


def test_a_model_that_fails_on_the_sample_questions_turns_centering_off_once(tmp_path: Path) -> None:
    (tmp_path / "sample_questions.yaml").write_text(
        "en:\n" + "".join(f"  - Question number {i}?\n" for i in range(12)), encoding="utf-8"
    )

    class Broken(CountingEmbedder):
        model_dir = "broken"

        def embed_queries(self, texts: list[str]) -> list[list[float]]:
            self.calls += 1
            raise RuntimeError("model files are damaged")

    broken = Broken()
    assert QueryCentering.for_embedder(broken, tmp_path) is None
    assert QueryCentering.for_embedder(broken, tmp_path) is None
    assert broken.calls == 1  # not tried again on every search
