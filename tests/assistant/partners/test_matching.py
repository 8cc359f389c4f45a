"""Matching on the real corpus registry and the real embedder: rankings, reasons, filters, evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.partners.matching import (
    BM25,
    EmptyNeedsError,
    MatchFilters,
    Mode,
    haversine_km,
    match,
    parse_near,
    province_key,
    reason_text,
    split_needs,
    suggest,
)
from assistant.partners.registry import PartnerType, Registry

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "needs",
    [
        "students need hotel and tourism internships",
        "นักเรียนต้องการฝึกงานด้านการโรงแรมและการท่องเที่ยว",
    ],
)
def test_hotel_and_tourism_needs_rank_the_resort_and_the_tourism_college_first(
    corpus_registry: Registry, embedder, needs: str
) -> None:
    hits = suggest(needs, corpus_registry, embedder, top=5)
    assert {h.partner.id for h in hits[:2]} == {"P026", "P018"}  # the resort, the hotel & tourism college
    resort = next(h for h in hits if h.partner.id == "P026")
    assert resort.reasons and resort.reasons[0].covers
    assert "hotel internship" in {r.text for r in resort.reasons} or "ฝึกงานด้านการโรงแรม" in {
        r.text for r in resort.reasons
    }
    assert [m.id for m in resort.mous] == ["MOU-2024-002"] and resort.mous[0].end_date == "2026-10-31"
    assert "MOU-2024-002" in resort.partner.mous
    sentence = reason_text(resort.reasons[0], "th")
    assert resort.reasons[0].need in sentence and "คะแนน" in sentence


def test_several_needs_are_split_and_each_finds_its_partner(corpus_registry: Registry, embedder) -> None:
    result = match("ต้องการรถรับส่งนักเรียน; ทุนการศึกษาสำหรับนักเรียนยากจน", corpus_registry, embedder, top=10)
    assert result.needs == ["ต้องการรถรับส่งนักเรียน", "ทุนการศึกษาสำหรับนักเรียนยากจน"]
    best_for = {
        j: max(
            (s for s in result.suggestions if any(r.need_index == j for r in s.reasons)),
            key=lambda s: next(r.score for r in s.reasons if r.need_index == j),
        )
        for j in range(2)
    }
    assert best_for[0].partner.id in {"P021", "P024"}  # the SAO with a school bus, the municipality's van
    assert best_for[1].partner.id in {"P038", "P031"}  # the scholarship foundation, the bank's CSR fund
    assert "P021" in result.coverage and 0 in result.coverage["P021"]


def test_filters_type_province_and_distance(corpus_registry: Registry, embedder) -> None:
    ko_chang = (12.1092, 102.2796)  # P006, a school on Ko Chang
    near = match(
        "students need hotel internships", corpus_registry, embedder, MatchFilters(near=ko_chang, max_km=20)
    )
    assert near.suggestions and all(
        s.distance_km is not None and s.distance_km <= 20 for s in near.suggestions
    )
    assert near.suggestions[0].partner.id == "P026"
    assert set(near.excluded_no_coords) == {"P013", "P041"}  # the partners without coordinates

    colleges = suggest(
        "hotel and tourism training",
        corpus_registry,
        embedder,
        MatchFilters(types=(PartnerType.VOCATIONAL_COLLEGE,)),
    )
    assert colleges[0].partner.id == "P018"
    assert {s.partner.type for s in colleges} == {PartnerType.VOCATIONAL_COLLEGE}

    chanthaburi = suggest(
        "smart farming", corpus_registry, embedder, MatchFilters(provinces=("Chanthaburi",))
    )
    assert chanthaburi and all(s.partner.province == "จันทบุรี" for s in chanthaburi)
    assert chanthaburi[0].partner.id in {"P017", "P019"}


def test_modes_and_bm25_alone(corpus_registry: Registry, embedder) -> None:
    bm25 = suggest("ซ่อมคอมพิวเตอร์", corpus_registry, None, mode=Mode.BM25)
    assert bm25[0].partner.id == "P028"
    dense = suggest("computer repair", corpus_registry, embedder, mode=Mode.DENSE)
    assert dense[0].partner.id == "P028"
    with pytest.raises(ValueError, match="embedding model"):
        match("computer repair", corpus_registry, None, mode=Mode.COMBINED)


@pytest.mark.parametrize("text", ["", "   ", "\n;\n , ;"])
def test_empty_needs_get_a_clear_message(corpus_registry: Registry, embedder, text: str) -> None:
    with pytest.raises(EmptyNeedsError) as info:
        suggest(text, corpus_registry, embedder)
    message = str(info.value)
    assert "กรุณาพิมพ์ความต้องการ" in message and "Type at least one need" in message


def test_split_needs() -> None:
    assert split_needs("ขาดครูคอมพิวเตอร์\nต้องการรถรับส่งนักเรียน") == ["ขาดครูคอมพิวเตอร์", "ต้องการรถรับส่งนักเรียน"]
    assert split_needs("we lack a computer teacher; students need a school bus, scholarships") == [
        "we lack a computer teacher",
        "students need a school bus",
        "scholarships",
    ]
    # a conjunction inside one need does not split it …
    assert split_needs("ขาดครูคณิตศาสตร์และวิทยาศาสตร์") == ["ขาดครูคณิตศาสตร์และวิทยาศาสตร์"]
    assert split_needs("students need hotel and tourism internships") == [
        "students need hotel and tourism internships"
    ]
    # … but one joining two needs does
    assert split_needs("ต้องการครูคอมพิวเตอร์และรถรับส่งนักเรียน") == ["ต้องการครูคอมพิวเตอร์", "รถรับส่งนักเรียน"]
    assert split_needs("1. ทุนการศึกษา 2. อาหารกลางวัน") == ["ทุนการศึกษา", "อาหารกลางวัน"]


def test_geography_helpers() -> None:
    # Bangkok → Chiang Mai is about 580 km as the crow flies
    assert haversine_km((13.7563, 100.5018), (18.7883, 98.9853)) == pytest.approx(582, abs=5)
    assert parse_near("12.61, 102.10") == (12.61, 102.10)
    with pytest.raises(ValueError, match="LAT,LON"):
        parse_near("north")
    with pytest.raises(ValueError, match=r"-90\.\.90"):
        parse_near("120,100")
    with pytest.raises(ValueError, match="location"):
        MatchFilters(max_km=10)
    assert province_key("Trat") == province_key("ตราด") == province_key("จังหวัดตราด")


def test_bm25_prefers_the_rarer_term() -> None:
    index = BM25([["hotel", "internship"], ["school", "bus"], ["school", "hotel"], ["school"]])
    scores = index.scores(["hotel", "school"])
    assert scores.argmax() == 2
    assert index.scores(["bus"]).tolist().index(max(index.scores(["bus"]))) == 1


def test_vectors_are_cached_in_the_registry(corpus_registry: Registry, embedder) -> None:
    from assistant.partners.matching import build_index, model_key, text_hash

    index = build_index(corpus_registry, embedder)
    cached = corpus_registry.cached_vectors([text_hash(t) for t in index.texts], model_key(embedder))
    assert len(cached) == len(index.texts)


def test_citations_point_at_retrieved_mou_text(corpus_registry: Registry, embedder, store) -> None:
    from assistant.partners.matching import mou_citer
    from ingest.pipeline import ingest

    ingest([ROOT / "corpus" / "mou" / "MOU-2024-002.th.md"], store, workspace="default")
    hits = suggest(
        "นักเรียนต้องการฝึกงานด้านการโรงแรม", corpus_registry, embedder, top=3, cite=mou_citer(store, "default")
    )
    resort = next(h for h in hits if h.partner.id == "P026")
    assert resort.citations, "the indexed MOU should be cited"
    c = resort.citations[0]
    assert c.mou_id == "MOU-2024-002" and c.source == "MOU-2024-002.th.md" and c.page == 1
    chunk_texts = {h.text for h in store.keyword("default", "โรงแรม", 50)}
    assert c.text in chunk_texts
    college = next(h for h in hits if h.partner.id == "P018")
    assert college.citations == []  # no MOU, no citation


def test_an_ended_mou_earns_no_boost_and_ranks_the_partner_lower() -> None:
    from datetime import date

    from assistant.partners.matching import ENDED_MOU_PENALTY, MOU_BOOST, _boost
    from assistant.partners.models import MouRecord, Partner, PartnerType

    partner = Partner("P900", "โรงเรียนทดสอบ", "Test School", PartnerType.SCHOOL, mous=["MOU-1"])
    today = date(2026, 12, 7)
    running = MouRecord(id="MOU-1", end_date="2027-06-30")
    ended = MouRecord(id="MOU-1", end_date="2026-11-01")
    unknown = MouRecord(id="MOU-1")
    assert _boost(partner, [running], today) == MOU_BOOST
    assert _boost(partner, [unknown], today) == MOU_BOOST  # an end we do not know is not an end
    assert _boost(partner, [ended], today) == -ENDED_MOU_PENALTY
    assert _boost(partner, [], today) == MOU_BOOST  # the registry has no record of it
