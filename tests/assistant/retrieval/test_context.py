"""Small-to-big context: a hit grows into its section, passages merge, overlaps show once (no model)."""

from __future__ import annotations

from dataclasses import replace

from assistant.retrieval.context import WINDOW, Passage, expand, grow, section_of
from ingest.records import Hit

TRAILS = [
    ("Plan",),
    ("Plan", "Goals"),
    ("Plan", "Goals"),
    ("Plan", "Goals", "Goal 1"),
    ("Plan", "Goals"),
    ("Plan", "Budget"),
    ("Plan", "Budget"),
    ("Plan", "Staff"),
    ("Plan", "Staff"),
    ("Plan", "Staff"),
]


def chunk(index: int, trail: tuple[str, ...] = (), doc_id: int = 1, chars: int = 100, **kw) -> Hit:
    return Hit(
        chunk_id=f"d{doc_id}-{index}",
        text=kw.pop("text", f"{index}" * chars),
        source=f"doc{doc_id}.md",
        page=kw.pop("page", 1 + index // 4),
        score=kw.pop("score", 0.0),
        workspace="default",
        title=f"Document {doc_id}",
        trail=trail,
        index=index,
        doc_id=doc_id,
        **kw,
    )


def document(doc_id: int = 1, trails=TRAILS, chars: int = 100) -> list[Hit]:
    return [chunk(i, t, doc_id, chars) for i, t in enumerate(trails)]


class FakeManifest:
    """The one manifest call that expand makes: the live chunks of a document in an index range."""

    def __init__(self, *docs: list[Hit]) -> None:
        self.docs = {d[0].doc_id: d for d in docs}
        self.calls: list[tuple[int, int, int]] = []

    def neighbours(self, doc_id: int, lo: int, hi: int) -> list[Hit]:
        self.calls.append((doc_id, lo, hi))
        return [replace(c) for c in self.docs.get(doc_id, []) if lo <= c.index <= hi]


def ids(chunks) -> list[int]:
    return [c.index for c in chunks]


# ------------------------------------------------------------------------------------------ section_of


def test_the_section_of_a_hit_includes_its_sub_sections() -> None:
    doc = document()
    assert ids(section_of(doc[2], doc)) == [1, 2, 3, 4]
    assert ids(section_of(doc[6], doc)) == [5, 6]
    assert ids(section_of(doc[0], doc)) == list(range(10)), "the top section holds everything under it"


def test_a_sub_section_alone_and_its_parent_with_up() -> None:
    doc = document()
    assert ids(section_of(doc[3], doc)) == [3]
    assert ids(section_of(doc[3], doc, up=1)) == [1, 2, 3, 4]
    assert ids(section_of(doc[8], doc, up=1)) == list(range(10))


def test_a_section_stops_at_a_gap_in_the_indexes() -> None:
    doc = [c for c in document() if c.index != 2]  # chunk 2 is not live
    hit = next(c for c in doc if c.index == 4)
    assert ids(section_of(hit, doc)) == [3, 4]


def test_a_hit_missing_from_its_neighbours_is_its_own_section() -> None:
    doc = document()
    stranger = chunk(42, ("Plan", "Goals"))
    assert section_of(stranger, doc) == [stranger]


# ------------------------------------------------------------------------------------------ grow


def test_a_section_that_fits_the_budget_is_taken_whole() -> None:
    section = document()[1:5]
    assert ids(grow(section[1], section, budget_chars=400)) == [1, 2, 3, 4]


def test_a_large_section_grows_around_the_hit_following_chunks_first() -> None:
    section = document()[1:5]
    hit = section[1]  # index 2
    assert ids(grow(hit, section, budget_chars=150)) == [2]
    assert ids(grow(hit, section, budget_chars=250)) == [2, 3], "the chunk after first"
    assert ids(grow(hit, section, budget_chars=350)) == [1, 2, 3]
    last = section[-1]
    assert ids(grow(last, section, budget_chars=250)) == [3, 4], "at the end it grows backwards"


# ------------------------------------------------------------------------------------------ expand


def test_expand_grows_each_hit_into_its_section() -> None:
    manifest = FakeManifest(document())
    passages = expand([chunk(6, TRAILS[6], score=0.9, dense_score=0.8)], manifest, budget_chars=2400)
    [p] = passages
    assert ids(p.chunks) == [5, 6]
    assert p.hits == {"d1-6"} and p.rank == 1 and p.score == 0.9 and p.cosine == 0.8
    assert p.trail == ("Plan", "Budget") and p.source == "doc1.md" and p.title == "Document 1"
    assert manifest.calls == [(1, 6 - WINDOW, 6 + WINDOW)]


def test_expand_with_up_takes_the_parent_section() -> None:
    manifest = FakeManifest(document())
    [p] = expand([chunk(3, TRAILS[3])], manifest, up=1)
    assert ids(p.chunks) == [1, 2, 3, 4] and p.trail == ("Plan", "Goals")
    [alone] = expand([chunk(0, TRAILS[0])], FakeManifest(document(trails=[("Plan",), ("Other",)])), up=1)
    assert ids(alone.chunks) == [0], "a hit with a one-heading trail keeps its own section"


def test_expand_respects_the_budget() -> None:
    manifest = FakeManifest(document())
    [p] = expand([chunk(8, TRAILS[8])], manifest, budget_chars=250)
    assert ids(p.chunks) == [8, 9]


def test_passages_of_one_document_that_overlap_or_touch_are_merged() -> None:
    manifest = FakeManifest(document(), document(doc_id=2))
    hits = [
        chunk(2, TRAILS[2], score=0.5),
        chunk(4, TRAILS[4], doc_id=2, score=0.4),
        chunk(6, TRAILS[6], score=0.7),
    ]
    passages = expand(hits, manifest, budget_chars=2400)
    assert [(p.doc_id, ids(p.chunks)) for p in passages] == [(1, [1, 2, 3, 4, 5, 6]), (2, [1, 2, 3, 4])]
    first = passages[0]
    assert first.hits == {"d1-2", "d1-6"} and first.rank == 1 and first.score == 0.7
    assert passages[1].rank == 2


def test_passages_far_apart_stay_apart() -> None:
    manifest = FakeManifest(document())
    passages = expand([chunk(8, TRAILS[8]), chunk(2, TRAILS[2])], manifest, budget_chars=250)
    assert [ids(p.chunks) for p in passages] == [[8, 9], [2, 3]]
    assert [p.rank for p in passages] == [1, 2]


def test_the_same_chunk_is_fetched_once() -> None:
    manifest = FakeManifest(document())
    passages = expand([chunk(6, TRAILS[6]), chunk(6, TRAILS[6])], manifest)
    assert len(manifest.calls) == 1 and len(passages) == 1


def test_a_hit_without_a_document_row_is_a_passage_of_itself() -> None:
    loose = [chunk(1, ("X",), doc_id=0), chunk(2, ("X",), doc_id=0)]
    manifest = FakeManifest(document())
    passages = expand(loose, manifest)
    assert [ids(p.chunks) for p in passages] == [[1], [2]], "no document: never merged"
    assert manifest.calls == []


def test_cosines_given_by_the_caller_win() -> None:
    manifest = FakeManifest(document())
    [p] = expand([chunk(6, TRAILS[6], dense_score=0.8)], manifest, cosines={"d1-6": 0.55})
    assert p.cosine == 0.55


def test_a_hit_between_two_passages_joins_all_three() -> None:
    trails = [("A",), ("B",), ("C",), ("D",), ("E",)]
    manifest = FakeManifest(document(trails=trails))
    passages = expand([chunk(1, ("B",)), chunk(3, ("D",)), chunk(2, ("C",))], manifest)
    assert [ids(p.chunks) for p in passages] == [[1, 2, 3]]


# ------------------------------------------------------------------------------------------ passage text

PAGE_1 = "".join(f"Sentence {i:02d} of page one. " for i in range(20))
PAGE_2 = "".join(f"Sentence {i:02d} of page two. " for i in range(20))


def piece(index: int, page: int, start: int, end: int) -> Hit:
    text = (PAGE_1 if page == 1 else PAGE_2)[start:end]
    return chunk(index, ("Plan",), text=text, page=page, start=start, end=end)


def test_page_texts_show_chunk_overlaps_once() -> None:
    passage = Passage([piece(0, 1, 0, 200), piece(1, 1, 170, 400), piece(2, 1, 380, 500)])
    [(page, text, members)] = passage.page_texts()
    assert page == 1 and text == PAGE_1[0:500]
    assert [m.index for m in members] == [0, 1, 2]
    assert len(passage) == 500


def test_page_texts_keep_pages_apart_and_join_gaps_with_a_blank_line() -> None:
    passage = Passage([piece(0, 1, 300, 500), piece(1, 2, 0, 100), piece(2, 2, 200, 300)])
    got = passage.page_texts()
    page_2 = PAGE_2[0:100] + "\n\n" + PAGE_2[200:300]
    assert [(p, t) for p, t, _ in got] == [(1, PAGE_1[300:500]), (2, page_2)]
    assert passage.text == PAGE_1[300:500] + "\n" + PAGE_2[0:100] + "\n\n" + PAGE_2[200:300]
    assert passage.pages == [1, 2] and passage.span == (0, 2)


def test_chunks_cut_at_a_line_break_are_joined_by_one() -> None:
    # a heading after a list stays a heading: a blank line between chunks is kept, a single break too
    passage = Passage([piece(0, 1, 0, 100), piece(1, 1, 101, 200)])
    assert passage.page_texts()[0][1] == PAGE_1[0:100] + "\n" + PAGE_1[101:200]


def test_a_chunk_inside_the_previous_one_adds_nothing() -> None:
    passage = Passage([piece(0, 1, 0, 300), piece(1, 1, 200, 300)])
    assert passage.text == PAGE_1[0:300]


def test_passage_trail_is_the_common_heading_path() -> None:
    p = Passage(
        [chunk(1, ("Plan", "Goals")), chunk(2, ("Plan", "Goals", "Goal 1")), chunk(3, ("Plan", "Goals"))]
    )
    assert p.trail == ("Plan", "Goals")
    assert Passage([chunk(1, ("A", "B")), chunk(2, ("C",))]).trail == ()
