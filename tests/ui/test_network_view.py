"""The Partners tab's network map as a teacher reads it: names, words, dates in the UI's calendar."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.partners.models import MouRecord, Partner, PartnerType
from assistant.partners.network import network_report
from assistant.ui.i18n import get_labels
from assistant.ui.network_view import hover_text, mou_watch_markdown, network_figure, network_markdown

LABELS = get_labels()
TODAY = date(2026, 1, 1)


class _Book:
    """A registry stand-in: four schools and a business, three MOUs (one ended, one ending soon)."""

    def __init__(self) -> None:
        names = {
            "P001": ("โรงเรียนบ้านห้วยทับทิม", "Ban Huai Thapthim School", PartnerType.SCHOOL),
            "P002": ("โรงเรียนบ้านคลองโป่งหิน", "Ban Khlong Pong Hin School", PartnerType.SCHOOL),
            "P003": ("มหาวิทยาลัยชายฝั่งตะวันออก", "Eastern Coast University", PartnerType.UNIVERSITY),
            "P004": ("ชายหาดคีรี รีสอร์ต", "Chai Hat Khiri Resort", PartnerType.BUSINESS),
            "P005": ("โรงเรียนบ้านสวนพริกไทย", "Ban Suan Phrik Thai School", PartnerType.SCHOOL),
        }
        self.partners = [Partner(id=k, name_th=th, name_en=en, type=t) for k, (th, en, t) in names.items()]
        self.records = [
            MouRecord("MOU-A", parties=["P001", "P002"], end_date="2028-09-30"),
            MouRecord("MOU-B", parties=["P002", "P003"], end_date="2026-02-28"),  # within 90 days
            MouRecord("MOU-C", parties=["P004", "P001"], end_date="2025-05-31"),  # ended
        ]

    def all(self) -> list[Partner]:
        return self.partners

    def mous(self) -> list[MouRecord]:
        return self.records


@pytest.fixture(scope="module")
def data() -> dict:
    report = network_report(_Book(), None, months=12, today=TODAY, lead=("P001",), with_needs=False)  # type: ignore[arg-type]
    return report.to_dict() | {"positions": report.positions}


def _all_text(figure) -> str:
    parts = []
    for trace in figure.data:
        parts.append(str(trace.name or ""))
        parts += [str(t) for t in (trace.text or [])]
        parts += [str(t) for t in (trace.hovertext or [])]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_map_names_members_and_says_what_links_mean(data: dict, lang: str) -> None:
    pytest.importorskip("plotly")
    figure = network_figure(LABELS, lang, data)
    text = _all_text(figure)
    for code in ("P001", "P002", "P003", "P004", "P005"):
        assert code not in text  # names, not partner codes
    name = "โรงเรียนบ้านห้วยทับทิม" if lang == "th" else "Ban Huai Thapthim School"
    assert name in text
    other = "Ban Huai Thapthim School" if lang == "th" else "โรงเรียนบ้านห้วยทับทิม"
    assert other not in text
    for word in ("degree", "betweenness", "trace 0", "centrality"):
        assert word not in text.lower()
    # P002 works with two partners and links P001 with P003
    assert LABELS.text("partners.works_with", lang, count=2) in text
    assert LABELS.text("partners.links_others", lang) in text
    assert LABELS.text("partners.works_with_none", lang) in text  # P005


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_legend_names_types_and_mou_standing_in_words(data: dict, lang: str) -> None:
    pytest.importorskip("plotly")
    figure = network_figure(LABELS, lang, data)
    legend = [t.name for t in figure.data if t.showlegend is not False]
    assert None not in legend and "" not in legend
    for kind in ("school", "university", "business"):
        assert LABELS.text(f"codes.partner_type.{kind}", lang) in legend
    assert "school" not in legend and "business" not in legend
    for state in ("active", "ending", "ended", "none"):
        assert LABELS.text(f"partners.mou_state.{state}", lang, days=90) in legend
    assert LABELS.text("partners.lead_school", lang) in legend
    colours = {t.name: t.marker.color for t in figure.data if t.legendgroup == "mou"}
    assert colours[LABELS.text("partners.mou_state.ended", lang, days=90)] == "#e03131"


def test_a_members_pop_up_in_thai_has_buddhist_era_dates(data: dict) -> None:
    member = next(m for m in data["members"] if m["id"] == "P002")
    text = hover_text(LABELS, "th", member, data)
    assert "โรงเรียนบ้านคลองโป่งหิน" in text and "ประเภท: โรงเรียน" in text
    assert "ร่วมงานกับ 2 หน่วยงาน" in text
    assert "28 กุมภาพันธ์ 2569" in text and "2026" not in text
    ended = hover_text(LABELS, "en", next(m for m in data["members"] if m["id"] == "P004"), data)
    assert "ended on 31 May 2025" in ended


def test_beside_the_map_the_mous_to_follow_up(data: dict) -> None:
    th = mou_watch_markdown(LABELS, "th", data)
    assert "ชายหาดคีรี รีสอร์ต" in th and "โรงเรียนบ้านห้วยทับทิม" in th
    assert "สิ้นสุดแล้วเมื่อ 31 พฤษภาคม 2568" in th
    assert "สิ้นสุด 28 กุมภาพันธ์ 2569" in th and "ใกล้สิ้นสุด" in th
    assert "2025-05-31" not in th and "P004" not in th
    en = mou_watch_markdown(LABELS, "en", data)
    assert "Chai Hat Khiri Resort" in en and "ended on 31 May 2025" in en
    assert "ends 28 February 2026" in en and "ends soon" in en
    assert mou_watch_markdown(LABELS, "th", None) == LABELS.text("partners.watch_empty", "th")


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_report_below_the_map_uses_names_and_words(data: dict, lang: str) -> None:
    text = network_markdown(LABELS, lang, data)
    assert "P00" not in text and "betweenness" not in text.lower() and "degree" not in text.lower()
    connector = "โรงเรียนบ้านคลองโป่งหิน" if lang == "th" else "Ban Khlong Pong Hin School"
    assert f"{connector} — " + LABELS.text("partners.centrality", lang, degree=2) in text
    alone = "โรงเรียนบ้านสวนพริกไทย" if lang == "th" else "Ban Suan Phrik Thai School"
    assert alone in text


def test_a_change_of_language_redraws_the_map_from_the_tabs_state(data: dict) -> None:
    pytest.importorskip("plotly")
    from assistant.settings import Settings
    from assistant.ui.partners_tab import _Handlers

    handlers = _Handlers(LABELS, Settings(), None)  # type: ignore[arg-type]
    out = handlers.relanguage("en", None, data, [])
    figure, watch = out[5], out[6]
    assert "Ban Huai Thapthim School" in _all_text(figure)
    assert "Chai Hat Khiri Resort" in watch


def test_the_layout_keeps_names_apart(data: dict) -> None:
    """Members without a shared MOU stand in side columns, named rightwards; groups in the middle."""
    from assistant.ui.network_view import COLUMN_X, GROUPS_X, teacher_layout

    where, sides = teacher_layout(data)
    assert set(where) == {m["id"] for m in data["members"]}
    assert where["P005"][0] in COLUMN_X and sides["P005"]
    for node in ("P001", "P002", "P003", "P004"):
        assert abs(where[node][0] - GROUPS_X) < 0.5
    points = list(where.values())
    assert len(set(points)) == len(points)


def test_the_key_shows_every_mou_colour_even_when_no_member_has_it(data: dict) -> None:
    pytest.importorskip("plotly")
    quiet = data | {"members": [m | {"mou_state": "active"} for m in data["members"]]}
    figure = network_figure(LABELS, "th", quiet)
    legend = [t.name for t in figure.data if t.legendgroup == "mou"]
    assert legend == [
        LABELS.text(f"partners.mou_state.{s}", "th", days=90) for s in ("active", "ending", "ended", "none")
    ]
