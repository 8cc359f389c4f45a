"""Re-ranking the fused top hits: order, depth, the section an e5 reranker reads (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.retrieval.rerank import CrossEncoderReranker, SectionReranker, rerank
from tests.assistant.retrieval.test_context import FakeManifest, chunk, document


class ByLength:
    """A reranker that prefers longer hits, to make the order it imposes visible."""

    def scores(self, query, hits):
        return [float(len(h.text)) for h in hits]


def test_the_head_is_reordered_by_score_and_the_tail_kept_in_place() -> None:
    hits = [chunk(i, chars=10 + i) for i in range(5)]
    out = rerank(ByLength(), "q", hits, depth=3)
    assert [h.index for h in out] == [2, 1, 0, 3, 4]
    assert out[0].ranks["rerank"] == 1 and out[2].ranks["rerank"] == 3
    assert "rerank" not in out[3].ranks


def test_one_hit_is_left_alone() -> None:
    hits = [chunk(0)]
    assert rerank(ByLength(), "q", hits) == hits


class Recorder:
    """A fake e5 embedder: unit vectors, the query along x; passages mentioning 'Budget' along x too."""

    def __init__(self) -> None:
        self.passages: list[str] = []

    def embed_query(self, text):
        return [1.0, 0.0]

    def embed_passages(self, texts):
        self.passages.extend(texts)
        return [[1.0, 0.0] if "budget lines" in t else [0.0, 1.0] for t in texts]


def test_the_section_reranker_reads_each_hits_section_with_its_header() -> None:
    doc = document()
    doc[6].text = "budget lines for the year"
    manifest = FakeManifest(doc)
    embedder = Recorder()
    # chunk 5 is a heading of the Budget section whose item (chunk 6) holds the answer
    scores = SectionReranker(embedder, manifest, budget_chars=1000).scores("budget", [doc[8], doc[5]])
    assert scores == [0.0, 1.0]
    assert embedder.passages[1].startswith(doc[5].header())
    assert "budget lines" in embedder.passages[1] and "budget lines" not in embedder.passages[0]


def test_a_cross_encoder_folder_without_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"config\.json"):
        CrossEncoderReranker(tmp_path)
