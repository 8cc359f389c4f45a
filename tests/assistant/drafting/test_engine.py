"""The draft engine: citations only from retrieved chunks, checked model prose, streamed sections."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import BaseModel

from assistant.drafting.engine import (
    Block,
    Draft,
    DraftContext,
    DraftEventKind,
    DraftKind,
    SectionSpec,
    Sources,
    Writer,
    build_draft,
    check_language,
    load_draft_prompts,
    stream_draft,
)
from assistant.retrieval.hybrid import HybridRetriever

TH_QUERY = "องค์ประกอบของเครือข่ายความร่วมมือ วิสัยทัศน์ร่วม"
EN_QUERY = "communication system of a collaboration network"


@pytest.fixture()
def sources(corpus_store) -> Sources:
    return Sources(HybridRetriever(store=corpus_store, workspace="default", k=5), k=2)


def test_sources_number_retrieved_chunks_once(sources: Sources, corpus_store) -> None:
    first = sources.find(TH_QUERY)
    again = sources.find(TH_QUERY)
    assert first and first == again  # the same chunks keep their numbers
    assert [c.n for c in sources.citations] == list(range(1, len(sources.citations) + 1))
    stored = corpus_store.manifest.hits([c.chunk_id for c in sources.citations])
    for c in sources.citations:
        assert stored[c.chunk_id].text == c.text  # a citation is exactly a stored, live chunk
        assert stored[c.chunk_id].page == c.page


def test_sources_give_nothing_for_unrelated_queries(sources: Sources) -> None:
    assert sources.find("How do I bake sourdough bread at home?") == []
    assert sources.find("   ") == []
    assert Sources(None).find(TH_QUERY) == []
    assert Sources.marker([2, 1, 2]) == " [2, 1]"
    assert Sources.marker([]) == ""


def _writer(replies: list[str], language: str) -> Writer:
    return Writer(FakeListChatModel(responses=replies), "fake", language)


def test_writer_keeps_grounded_prose_and_drops_bad_markers(sources: Sources) -> None:
    numbers = sources.find(EN_QUERY)
    assert numbers
    passage = sources.get(numbers[0]).text
    sentence = " ".join(passage.split()[:25]).rstrip(".,;:")
    writer = _writer([f"{sentence}. [{numbers[0]}] [42]"], "en")
    text = writer.paragraph("Explain the communication system", ["fact"], sources, numbers)
    assert text is not None
    assert "[42]" not in text and f"[{numbers[0]}]" in text


@pytest.mark.parametrize(
    ("reply", "language", "note"),
    [
        ("This paragraph is written in English although the plan is in Thai.", "th", "wrong-language"),
        ("网络的沟通系统很重要 communication matters for every member school.", "en", "cjk"),
        ("", "en", "empty"),
    ],
)
def test_writer_drops_prose_that_fails_checks(sources: Sources, reply: str, language: str, note: str) -> None:
    writer = _writer([reply], language)
    assert writer.paragraph("task", [], sources, sources.find(EN_QUERY)) is None
    assert writer.notes == [f"prose-dropped:{note}"]


def test_writer_drops_unsupported_prose_and_is_off_without_a_model(sources: Sources) -> None:
    numbers = sources.find(EN_QUERY)
    made_up = "Every partner must pay a membership fee of 5,000 baht per year to the district office [1]."
    writer = _writer([made_up], "en")
    assert writer.paragraph("task", [], sources, numbers) is None
    assert writer.notes == ["prose-dropped:unsupported"]
    off = Writer(None, "embedded", "th")
    assert off.backend == "none" and not off.enabled
    assert off.paragraph("task", ["fact"], sources, numbers) is None


def test_writer_checks_prose_in_the_other_script_with_its_judge(sources: Sources) -> None:
    """A Thai paragraph from English passages: kept when the cross-script judge finds it in a
    passage, dropped when the judge does not, and dropped for a number no passage states."""
    numbers = sources.find(EN_QUERY)
    assert numbers
    thai = f"เครือข่ายต้องมีระบบการสื่อสารที่สมาชิกทุกแห่งใช้ร่วมกันอย่างสม่ำเสมอ [{numbers[0]}]"
    seen: list[str] = []

    def judge(sentence: str, passage: str) -> bool:
        seen.append(passage)
        return True

    kept = Writer(FakeListChatModel(responses=[thai]), "fake", "th", across=judge)
    assert kept.paragraph("task", [], sources, numbers) is not None and seen
    refused = Writer(FakeListChatModel(responses=[thai]), "fake", "th", across=lambda s, p: False)
    assert refused.paragraph("task", [], sources, numbers) is None
    assert refused.notes == ["prose-dropped:unsupported"]
    invented = f"สมาชิกทุกแห่งต้องจ่ายค่าบำรุงเครือข่ายปีละ 5,000 บาท [{numbers[0]}]"
    unjudged = Writer(FakeListChatModel(responses=[invented]), "fake", "th")
    assert unjudged.paragraph("task", [], sources, numbers) is None


def test_writer_structured_output_parses_json_or_gives_none() -> None:
    class Parties(BaseModel):
        first: str
        second: str | None

    good = _writer(['Here you are: {"first": "โรงเรียนบ้านหนองบัว", "second": null}'], "th")
    result = good.structured(Parties, "find the parties", "context")
    assert result == Parties(first="โรงเรียนบ้านหนองบัว", second=None)
    bad = _writer(["no json at all"], "th")
    assert bad.structured(Parties, "find the parties", "context") is None
    assert Writer(None, "none", "th").structured(Parties, "t", "c") is None


def test_stream_draft_yields_each_section_then_the_draft(sources: Sources) -> None:
    ctx = DraftContext("th", sources, Writer(None, "none", "th"))

    def cited(c: DraftContext) -> list[Block]:
        numbers = c.sources.find(TH_QUERY)
        return [Block.paragraph("เครือข่ายต้องมีวิสัยทัศน์ร่วม" + c.sources.marker(numbers))]

    def plain(c: DraftContext) -> list[Block]:
        return [Block.bullets(["ประชุมทุกเดือน", "รายงานผล"]), Block.table(["เดือน", "กิจกรรม"], [[1, "ประชุม"]])]

    specs = [SectionSpec("vision", "วิสัยทัศน์", cited), SectionSpec("acts", "กิจกรรม", plain)]
    events = list(stream_draft("plan", "แผน", specs, ctx, fields={"เครือข่าย": "ทดสอบ"}))
    assert [e.kind for e in events] == [DraftEventKind.SECTION, DraftEventKind.SECTION, DraftEventKind.FINAL]
    assert [(e.done, e.total) for e in events] == [(1, 2), (2, 2), (2, 2)]
    draft = events[-1].draft
    assert draft is not None and draft.problems() == []
    assert draft.markers() == {c.n for c in draft.citations}
    assert draft.section("acts").blocks[1].rows == [["1", "ประชุม"]]
    assert draft.to_json()["citations"][0]["source"]
    again = Draft.from_json(json.loads(json.dumps(draft.to_json(), ensure_ascii=False)))
    assert again == draft  # a saved draft reopens exactly (chunk ids included)


def test_draft_problems_catch_a_marker_without_citation() -> None:
    ctx = DraftContext("en", Sources(None), Writer(None, "none", "en"))
    spec = SectionSpec("x", "X", lambda c: [Block.paragraph("An invented claim [3].")])
    draft = build_draft("plan", "Plan", [spec], ctx)
    assert draft.problems() == ["marker [3] names no citation"]
    with pytest.raises(KeyError, match="sections: x"):
        draft.section("missing")


def test_a_draft_kind_is_an_enum_stored_as_its_old_text() -> None:
    ctx = DraftContext("en", Sources(None), Writer(None, "none", "en"))
    draft = build_draft("plan", "Plan", [], ctx)
    assert draft.kind is DraftKind.PLAN and draft.kind == "plan"
    assert json.loads(json.dumps(draft.to_json()))["kind"] == "plan"
    assert Draft.from_json(draft.to_json()).kind is DraftKind.PLAN
    assert DraftKind.parse(" Health ") is DraftKind.HEALTH


def test_an_unknown_draft_kind_fails_naming_the_kinds() -> None:
    ctx = DraftContext("en", Sources(None), Writer(None, "none", "en"))
    with pytest.raises(ValueError, match=r"unknown draft kind 'memo'; use one of: plan, mou, portfolio"):
        build_draft("memo", "Memo", [], ctx)
    with pytest.raises(ValueError, match="unknown draft kind ''"):
        Draft.from_json({"kind": "", "title": "t", "language": "th"})


def test_bad_language_and_table_shapes_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="language must be one of th, en"):
        check_language("fr")
    with pytest.raises(ValueError, match="row 1 has 1 cells, the header has 2"):
        Block.table(["a", "b"], [["only one"]])
    assert load_draft_prompts("th").label("page", page=3) == "หน้า 3"
