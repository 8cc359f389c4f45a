"""The reflection helper: rubric levels from YAML rules, evidence quoted, no rewrite, PII refused first."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import BaseMessage
from pydantic import Field

from assistant.drafting.notes import DraftNote
from assistant.llm.privacy import PersonalDataError
from assistant.portfolio import load_portfolio_templates
from assistant.portfolio.reflection import review_reflection, rewrites_reflection

DEEP_TH = (
    "วันนี้กลุ่มของเราช่วยกันทดลองปลูกผักสองแปลง ฉันได้เรียนรู้ว่าผักต้องการแสงแดด "
    "เพราะต้นที่อยู่ในร่มโตช้ากว่า ฉันเปรียบเทียบความสูงของต้นผักทุกวันแล้ววิเคราะห์ว่าสาเหตุคือแสง "
    "จุดอ่อนของงานคือรดน้ำไม่สม่ำเสมอ ครั้งหน้าฉันจะวางแผนรดน้ำให้ตรงเวลา"
)
SHALLOW_TH = "วันนี้ฉันทำโปสเตอร์"
DEEP_EN = (
    "Our group presented the water project to the class. I learned that people understand a graph "
    "faster than a table, because my classmates asked fewer questions about the graph. A weakness was "
    "that I spoke too fast. Next time I will practise with a timer before presenting."
)


class RecordingModel(FakeListChatModel):
    """A fake model that records every call."""

    calls: list[list[BaseMessage]] = Field(default_factory=list)

    def _call(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> str:
        self.calls.append(list(messages))
        return super()._call(messages, *args, **kwargs)


def test_a_deep_reflection_reaches_level_4_with_evidence_quoted_from_the_text() -> None:
    fb = review_reflection(DEEP_TH, ["thinking", "life-skills"], "ป.5", "th")
    assert fb.depth_level == 4 and fb.depth_name == "ดีเยี่ยม"
    assert {"action", "learning", "reason", "next_step"} == {k for k, v in fb.cues.items() if v}
    by_id = {f.criterion: f for f in fb.criteria}
    assert by_id["analyse"].level >= 3 and "วิเคราะห์" in by_id["analyse"].matched
    assert by_id["teamwork"].level >= 2
    flat = " ".join(DEEP_TH.split())
    for f in fb.criteria:
        assert all(e.removesuffix(" …") in flat for e in f.evidence)  # quoted, never reworded
        tp = load_portfolio_templates()
        crit = next(c for c in tp.rubrics[f.competency] if c.id == f.criterion)
        assert f.descriptor == crit.levels[f.level].th
    assert by_id["create"].level == 1 and by_id["create"].evidence == []
    assert any("การคิดสร้างสรรค์" in m for m in fb.missing)
    assert fb.feedback is None and fb.backend == "none"


def test_a_shallow_reflection_gets_questions_and_gaps() -> None:
    fb = review_reflection(SHALLOW_TH, "communication", "ป.2", "th")
    assert fb.depth_level == 2
    assert any("ได้เรียนรู้" in m for m in fb.missing)
    assert any("ครั้งต่อไป" in q for q in fb.questions)
    assert fb.band == "ป.1–3"
    assert len(fb.criteria) == len(load_portfolio_templates().rubrics["communication"])


def test_english_reflection() -> None:
    fb = review_reflection(DEEP_EN, ["communication"], "Grade 8", "en")
    assert fb.depth_level == 4 and fb.grade == "Grade 8 (M2)"
    express = next(f for f in fb.criteria if f.criterion == "express")
    assert express.level >= 3 and "presented" in express.matched
    md = fb.to_markdown()
    assert "Expressing ideas" in md and "never rewrites" in md


def test_thai_keywords_count_only_as_whole_words() -> None:
    # "ฟัง" (listen) must not match inside "ฟังก์ชัน" (function)
    fb = review_reflection("ฉันเขียนฟังก์ชันในโปรแกรมได้", ["communication"], "ม.2", "th")
    listen = next(f for f in fb.criteria if f.criterion == "listen")
    assert listen.level == 1 and listen.matched == []


@pytest.mark.parametrize(
    "text",
    ["ติดต่อหนูได้ที่ 081-234-5678 ค่ะ", "my email is student01@gmail.com", "ด.ญ.มะลิ สวยงาม ได้เรียนรู้ว่า..."],
)
def test_personal_data_is_refused_before_the_model_is_called(text: str) -> None:
    model = RecordingModel(responses=["นักเรียนควรเพิ่มเหตุผล"])
    with pytest.raises(PersonalDataError) as info:
        review_reflection(text, ["thinking"], "ป.5", "th", llm=model)
    assert model.calls == []
    assert "081-234-5678" not in str(info.value) and "student01@gmail.com" not in str(info.value)


def test_model_feedback_is_kept_when_it_is_feedback() -> None:
    reply = "นักเรียนเล่าการทดลองได้ชัดเจนและให้เหตุผลดี ลองเพิ่มว่าจะตรวจสอบผลอย่างไรในครั้งต่อไป"
    model = RecordingModel(responses=[reply])
    fb = review_reflection(DEEP_TH, ["thinking"], "ป.5", "th", llm=model, backend="fake")
    assert len(model.calls) == 1
    assert fb.feedback and "ตรวจสอบผล" in fb.feedback and fb.backend == "fake"


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        # a copied span of the learner's own text: a rewrite
        (
            "ลองเขียนแบบนี้ ฉันได้เรียนรู้ว่าผักต้องการแสงแดด เพราะต้นที่อยู่ในร่มโตช้ากว่า และวางแผนต่อ",
            "copies-reflection",
        ),
        # a first-person narrative: the model wrote the reflection for the learner
        ("ฉันทำการทดลองปลูกผักและฉันภูมิใจในงานของฉันมาก", "first-person"),
    ],
)
def test_model_output_that_rewrites_the_reflection_is_dropped(reply: str, why: str) -> None:
    assert rewrites_reflection(reply, DEEP_TH, "th") == why
    fb = review_reflection(DEEP_TH, ["thinking"], "ป.5", "th", llm=RecordingModel(responses=[reply]))
    assert fb.feedback is None and fb.backend == "none"
    assert DraftNote.find(fb.notes, DraftNote.FEEDBACK_DROPPED, DraftNote.PROSE_DROPPED)


def test_english_first_person_rewrite_is_detected() -> None:
    assert rewrites_reflection("I presented my project and I learned a lot.", DEEP_EN, "en") == "first-person"
    assert (
        rewrites_reflection("You explain the graph well; add how you will check it.", DEEP_EN, "en") is None
    )


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"competencies": ["telepathy"]}, "valid options"),
        ({"competencies": ["วิชาเวทมนตร์"]}, "ความสามารถในการสื่อสาร"),
        ({"grade": "ป.9"}, "ป.1–ป.6"),
        ({"text": "   "}, "empty"),
    ],
)
def test_bad_input_is_a_specific_error(kwargs: dict, needle: str) -> None:
    args = {"text": SHALLOW_TH, "competencies": ["thinking"], "grade": "ป.5", **kwargs}
    with pytest.raises(ValueError, match=needle):
        review_reflection(args["text"], args["competencies"], args["grade"], "th")
