"""Retrieval: language-aware fusion of dense and BM25 lists, query expansion, modes (no model needed)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.retrieval.hybrid import (
    Fusion,
    HybridRetriever,
    Mode,
    Query,
    fuse,
    glossary_expander,
    reciprocal_rank_fusion,
    script_of,
    to_document,
)
from ingest.manifest import NO_FILTERS, Filters
from ingest.records import Hit
from ingest.store import Store

ROOT = Path(__file__).resolve().parents[3]

EN = Query("What rights do learners with disabilities have?", "en")
TH = Query("สิทธิ คนพิการ", "th", 0.5)


def hit(cid: str, language: str = "en", score: float = 0.0, kind: str = "body", **kw) -> Hit:
    return Hit(
        chunk_id=cid,
        text=f"text of {cid}",
        source=f"{cid}.md",
        page=kw.pop("page", 1),
        score=score,
        workspace="default",
        language=kw.pop("doc_language", language),
        chunk_language=language,
        kind=kind,
        **kw,
    )


def rrf(rank: int, weight: float = 1.0) -> float:
    return weight / (60 + rank)


# ------------------------------------------------------------------------------------------ fusion


def test_a_thai_dense_first_is_not_outranked_by_an_english_keyword_match() -> None:
    def lists():
        th, other, en = hit("th", "th", 0.86), hit("other", "en", 0.80), hit("en", "en", 0.78)
        return [(EN, "dense", [th, other, en]), (EN, "bm25", [hit("en", "en", 7.5)])]

    fused = fuse(lists(), k=3)
    assert [h.chunk_id for h in fused] == ["th", "en", "other"]
    th, en, other = fused
    assert th.score == round(2 * rrf(1), 6), "across scripts the dense term counts again"
    assert en.score == round(rrf(3) + rrf(1), 6)
    assert other.score == round(rrf(2), 6)
    assert th.ranks == {"dense": 1} and en.ranks == {"dense": 3, "bm25": 1}
    assert (th.dense_score, en.dense_score) == (0.86, 0.78)

    plain = fuse(lists(), k=3, fusion=Fusion(cross_script=0.0))
    assert [h.chunk_id for h in plain] == ["en", "th", "other"], (
        "without the language rule the keyword match wins"
    )


def test_a_same_script_chunk_gets_no_cross_script_term() -> None:
    fused = fuse([(EN, "dense", [hit("en", "en")]), (EN, "bm25", [])], k=5)
    assert fused[0].score == round(rrf(1), 6)


def test_a_mixed_chunk_or_a_mixed_query_gets_no_cross_script_term() -> None:
    fused = fuse([(EN, "dense", [hit("mix", "mixed")])], k=5)
    assert fused[0].score == round(rrf(1), 6)
    mixed = Query("PDPA ของโรงเรียน school data", "mixed")
    fused = fuse([(mixed, "dense", [hit("th", "th")])], k=5)
    assert fused[0].score == round(rrf(1), 6)


def test_a_chunk_without_its_own_language_takes_its_documents() -> None:
    chunk = hit("old", "", doc_language="th")
    fused = fuse([(EN, "dense", [chunk])], k=5)
    assert fused[0].score == round(2 * rrf(1), 6)


@pytest.mark.parametrize("kind", ["contents", "cover"])
def test_contents_and_cover_chunks_are_scaled_down(kind: str) -> None:
    lists = [
        (EN, "dense", [hit("toc", "en", kind=kind), hit("body", "en")]),
        (EN, "bm25", [hit("toc", "en", kind=kind), hit("body", "en")]),
    ]
    fused = fuse(lists, k=5)
    assert [h.chunk_id for h in fused] == ["body", "toc"]
    assert fused[1].score == round(0.5 * 2 * rrf(1), 6)
    assert (
        fuse([(q, kd, [replace(h, ranks={}) for h in hs]) for q, kd, hs in lists], 5, Fusion(minor=1.0))[
            0
        ].chunk_id
        == "toc"
    )


def test_translated_query_lists_count_with_their_weight_and_their_own_rank_names() -> None:
    lists = [
        (EN, "dense", [hit("en", "en")]),
        (EN, "bm25", [hit("en", "en")]),
        (TH, "dense", [hit("th", "th"), hit("en", "en")]),
        (TH, "bm25", [hit("th", "th")]),
    ]
    fused = {h.chunk_id: h for h in fuse(lists, k=5)}
    th = fused["th"]
    assert th.ranks == {"dense:th": 1, "bm25:th": 1}
    assert th.score == round(rrf(1, 0.5) + rrf(1, 0.5), 6)
    en = fused["en"]
    assert en.ranks == {"dense": 1, "bm25": 1, "dense:th": 2}
    # its best dense term is the user's query's; the Thai query's dense term stands in for Thai keywords
    assert en.score == round(rrf(1) + rrf(1), 6)


def test_the_translated_query_adds_keyword_evidence_to_a_cross_script_chunk() -> None:
    th_alone = fuse([(EN, "dense", [hit("th", "th")])], k=1)[0].score
    with_translation = fuse(
        [(EN, "dense", [hit("th", "th")]), (TH, "bm25", [hit("th", "th")])],
        k=1,
        fusion=Fusion(cross_script=0.0),
    )[0]
    assert with_translation.score == round(rrf(1) + rrf(1, 0.5), 6)
    assert th_alone == round(2 * rrf(1), 6)


def test_fusion_merges_the_same_chunk_and_keeps_k() -> None:
    lists = [
        (EN, "dense", [hit(f"c{i}", "en", 0.9 - i / 100) for i in range(10)]),
        (EN, "bm25", [hit(f"c{i}", "en") for i in reversed(range(10))]),
    ]
    fused = fuse(lists, k=4)
    assert len(fused) == 4 and len({h.chunk_id for h in fused}) == 4
    assert all(set(h.ranks) == {"dense", "bm25"} for h in fused)
    assert [h.score for h in fused] == sorted((h.score for h in fused), reverse=True)


def test_plain_reciprocal_rank_fusion() -> None:
    fused = reciprocal_rank_fusion({"a": [hit("x"), hit("y")], "b": [hit("y"), hit("z")]}, k=2)
    assert [h.chunk_id for h in fused] == ["y", "x"]
    assert fused[0].ranks == {"a": 2, "b": 1}
    assert fused[0].score == round(rrf(2) + rrf(1), 6)


def test_script_of() -> None:
    assert script_of("องค์ประกอบของเครือข่าย") == "th"
    assert script_of("components of a network") == "en"
    assert script_of("PDPA ของโรงเรียน school data") == "mixed"


def test_to_document_carries_the_citation_metadata() -> None:
    doc = to_document(hit("c1", "th", 0.5, trail=("หมวด ๑",), page=3))
    assert doc.page_content == "text of c1" and doc.id == "c1"
    assert doc.metadata["page"] == 3 and doc.metadata["source"] == "c1.md"
    assert doc.metadata["trail"] == ("หมวด ๑",) and "text" not in doc.metadata


# ------------------------------------------------------------------------------------------ the retriever


class FakeStore(Store):
    """A store whose dense and keyword lists are given per query text; it records what was searched."""

    def __init__(self, dense: dict[str, list[Hit]], bm25: dict[str, list[Hit]]) -> None:
        self._dense, self._bm25 = dense, bm25
        self.calls: list[tuple[str, str, int, Filters]] = []

    def dense(self, workspace, query, k, filters=NO_FILTERS, vector=None):  # type: ignore[override]
        self.calls.append(("dense", query, k, filters))
        return [replace(h, ranks={}) for h in self._dense.get(query, [])][:k]

    def keyword(self, workspace, query, k, filters=NO_FILTERS):  # type: ignore[override]
        self.calls.append(("bm25", query, k, filters))
        return [replace(h, ranks={}) for h in self._bm25.get(query, [])][:k]


def fixed(translation: str):
    seen: list[tuple[str, str]] = []

    def expander(query: str, target: str) -> str:
        seen.append((query, target))
        return translation

    expander.seen = seen  # type: ignore[attr-defined]
    return expander


def retriever(store: Store | None = None, **kw) -> HybridRetriever:
    return HybridRetriever(store=store or FakeStore({}, {}), **kw)


def test_queries_add_the_translation_with_its_weight() -> None:
    expander = fixed("rights disabled person")
    r = retriever(expander=expander)
    assert r.queries("คนพิการมีสิทธิอะไรบ้าง") == [
        Query("คนพิการมีสิทธิอะไรบ้าง", "th", 1.0),
        Query("rights disabled person", "en", Fusion().translated),
    ]
    assert expander.seen == [("คนพิการมีสิทธิอะไรบ้าง", "en")]
    assert r.queries("What rights?")[1] == Query("rights disabled person", "th", Fusion().translated)


@pytest.mark.parametrize(
    ("expander", "expand", "query"),
    [
        (fixed(""), True, "คนพิการมีสิทธิอะไรบ้าง"),
        (fixed("same words"), True, "same words"),
        (fixed("anything"), False, "What rights?"),
        (fixed("anything"), True, "PDPA ของโรงเรียน school data"),
    ],
)
def test_queries_without_a_translation(expander, expand: bool, query: str) -> None:
    assert [q.text for q in retriever(expander=expander, expand=expand).queries(query)] == [query]


def test_a_thai_abbreviation_is_searched_with_its_full_form_and_translated_from_it() -> None:
    expander = fixed("Rajabhat University vision")
    r = retriever(expander=expander)
    asked = "วิสัยทัศน์ของ มรภ.รำไพพรรณี"
    spelled = "วิสัยทัศน์ของ มรภ. (มหาวิทยาลัยราชภัฏ) รำไพพรรณี"
    assert r.queries(asked)[0] == Query(spelled, "th", 1.0)
    assert expander.seen == [(spelled, "en")]
    assert retriever(expander=expander, expand=False).queries(asked)[0].text == asked


def test_a_failing_expander_only_costs_the_expansion() -> None:
    def broken(query: str, target: str) -> str:
        raise RuntimeError("model down")

    assert retriever(expander=broken).queries("What rights?") == [Query("What rights?", "en")]


def test_the_glossary_expander_translates_with_the_corpus_glossary() -> None:
    expander = glossary_expander(str(ROOT / "corpus"))
    assert expander("องค์ประกอบของเครือข่ายความร่วมมือ", "en") == "component collaboration network"


def test_hybrid_search_runs_both_lists_for_both_queries_and_fuses_them() -> None:
    question = "What rights do learners with disabilities have?"
    store = FakeStore(
        dense={
            question: [hit("th", "th", 0.86), hit("en", "en", 0.78)],
            "สิทธิ คนพิการ": [hit("th", "th", 0.9)],
        },
        bm25={question: [hit("en", "en")], "สิทธิ คนพิการ": [hit("th", "th")]},
    )
    filters = Filters(doc_types=("policy",))
    r = retriever(store, expander=fixed("สิทธิ คนพิการ"), k=2, fetch_k=7, filters=filters)
    hits = r.search(f"  {question} ")
    assert [(kind, q) for kind, q, _, _ in store.calls] == [
        ("dense", question),
        ("bm25", question),
        ("dense", "สิทธิ คนพิการ"),
        ("bm25", "สิทธิ คนพิการ"),
    ]
    assert all(k == 7 and f == filters for _, _, k, f in store.calls)
    assert [h.chunk_id for h in hits] == ["th", "en"]
    assert hits[0].ranks == {"dense": 1, "dense:th": 1, "bm25:th": 1}
    assert hits[0].dense_score == 0.9


def test_search_uses_given_queries_without_expanding_again() -> None:
    store = FakeStore(dense={"q": [hit("a")]}, bm25={})
    r = retriever(store, expander=fixed("should not be used"))
    r.search("q", queries=[Query("q", "en")])
    assert [q for _, q, _, _ in store.calls] == ["q", "q"]


@pytest.mark.parametrize("mode", [Mode.DENSE, Mode.BM25])
def test_single_retriever_modes(mode: Mode) -> None:
    lists = {"q": [hit("a", score=0.9), hit("b", score=0.8), hit("c", score=0.7)]}
    store = FakeStore(dense=lists, bm25=lists)
    hits = retriever(store, mode=mode, k=2).search("q")
    assert [h.chunk_id for h in hits] == ["a", "b"]
    assert [h.ranks for h in hits] == [{mode.value: 1}, {mode.value: 2}]
    assert [kind for kind, _, _, _ in store.calls] == ["dense" if mode == Mode.DENSE else "bm25"]
    assert hits[0].dense_score == (0.9 if mode == Mode.DENSE else None)


def test_an_empty_query_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        retriever().search("   ")


def test_mode_parse() -> None:
    assert Mode.parse("BM25") == Mode.BM25
    with pytest.raises(ValueError, match="retrieval mode"):
        Mode.parse("fuzzy")
