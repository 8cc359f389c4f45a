"""Tests for ingest.thai: Thai PDF text repair, language detection and page health.

The unit tests use snippets pasted from the real test PDFs (PUA code points written as
escapes), so they run without ../shared. The integration tests at the end read the
PDFs themselves and skip, with a reason, when the shared test data is absent.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import pytest

import ingest.thai as thai_module
from ingest.records import Health, Language
from ingest.thai import (
    MIN_LETTERS,
    PUA_TO_THAI,
    REASON_EMPTY,
    REASON_LATIN_GIBBERISH,
    REASON_NOT_THAI_WORDS,
    detect_language,
    english_word_share,
    health,
    repair,
    thai_word_share,
)

_PUA_RANGE = re.compile("[\uf700-\uf71f]")

# --- Snippets from the real PDFs -------------------------------------------------------

# th02 (Acrobat Distiller 7, legacy Thai font): page 1, first lines, as pypdf extracts them.
TH02_PAGE1 = (
    "หน\uf70bา   ๑ \n"
    "เล\uf70aม   ๑๒๕   ตอนที่   ๒๘   ก   ราชกิจจานุเบกษา   ๕   กุมภาพันธ\uf70e   ๒๕๕๑ \n"
    "พระราชบัญญัติ \n"
    "การจัดการศึกษาส\u0e4d\u0e32หรับคนพิการ \n"
    "ให\uf70bไว\uf70b  ณ  วันที่  ๒๗  มกราคม  พ.ศ.  ๒๕๕๑ \n"
    "เป\uf712นป\uf702ที่  ๖๓  ในรัชกาลป\uf710จจุบัน \n"
    "จึงทรงพระกรุณาโปรดเกล\uf70bา ฯ  ให\uf70bตราพระราชบัญญัติขึ้นไว\uf70b"
    "โดยค\u0e4d\u0e32แนะน\u0e4d\u0e32และยินยอมของ \n"
    "สภานิติบัญญัติแห\uf70aงชาติ  ดังต\uf70aอไปนี้ \n"
)
TH02_PAGE1_REPAIRED = (
    "หน้า   ๑ \n"
    "เล่ม   ๑๒๕   ตอนที่   ๒๘   ก   ราชกิจจานุเบกษา   ๕   กุมภาพันธ์   ๒๕๕๑ \n"
    "พระราชบัญญัติ \n"
    "การจัดการศึกษาสำหรับคนพิการ \n"
    "ให้ไว้  ณ  วันที่  ๒๗  มกราคม  พ.ศ.  ๒๕๕๑ \n"
    "เป็นปีที่  ๖๓  ในรัชกาลปัจจุบัน \n"
    "จึงทรงพระกรุณาโปรดเกล้า ฯ  ให้ตราพระราชบัญญัติขึ้นไว้โดยคำแนะนำและยินยอมของ \n"
    "สภานิติบัญญัติแห่งชาติ  ดังต่อไปนี้ \n"
)

# th08 (Word 2019 export). Headings: the sara aa glyph is right and sara am is lost as
# "space + า". Body text: the sara aa glyph reads ำ and the real sara am reads "space + ำ".
TH08_HEADING = "สารส านักวิทยบริการและเทคโนโลยีสารสนเทศ \nด้วยน้ าและสบู่เป็นประจ าแล้ว อีกสิ่งที่มีความส าคัญ คือ  "
TH08_HEADING_REPAIRED = "สารสำนักวิทยบริการและเทคโนโลยีสารสนเทศ \nด้วยน้ำและสบู่เป็นประจำแล้ว อีกสิ่งที่มีความสำคัญ คือ  "
TH08_BODY = (
    "ปีที่ 9 ฉบับที่ 4 ประจ ำเดือน กรกฎำคม – สิงหำคม 2563 \n"
    "ส ำนักวิทยบริกำรและเทคโนโลยีสำรสนเทศ \n"
    " มหำวิทยำลัยรำชภัฏร ำไพพรรณี \n"
)
TH08_BODY_REPAIRED = (
    "ปีที่ 9 ฉบับที่ 4 ประจำเดือน กรกฎาคม – สิงหาคม 2563 \n"
    "สำนักวิทยบริการและเทคโนโลยีสารสนเทศ \n"
    " มหาวิทยาลัยราชภัฏรำไพพรรณี \n"
)

# th13 (iText, Royal Gazette): lost sara am, and the running header's tone marks moved
# to the start of the line ("้หนา" for "หน้า", "่เลม" for "เล่ม").
TH13_SNIPPET = (
    "ด้วยนายกรัฐมนตรีได้น าความกราบบังคมทูลฯ  ว่า\n"
    "การเลือกตั้งประกาศก าหนดซึ่งต้องไม่น้อยกว่าสี่สิบห้าวัน \n"
    "\u0e49หนา   ๒\n"
    "\u0e48เลม   ๑๔๐   ตอนที่   ๒๒    ก ราชกิจจานุเบกษา ๒๐   มีนาคม   ๒๕๖๖\n"
)
TH13_SNIPPET_REPAIRED = (
    "ด้วยนายกรัฐมนตรีได้นำความกราบบังคมทูลฯ  ว่า\n"
    "การเลือกตั้งประกาศกำหนดซึ่งต้องไม่น้อยกว่าสี่สิบห้าวัน \n"
    "หน้า   ๒\n"
    "เล่ม   ๑๔๐   ตอนที่   ๒๒    ก ราชกิจจานุเบกษา ๒๐   มีนาคม   ๒๕๖๖\n"
)

# th09: a scanned Thai page whose text layer is a Latin OCR of the Thai (page 1).
TH09_PAGE1 = (
    "f,quwf,tnsuliuTns (Action Conc I usion)\n"
    "UvurJs:utru w.R. 25Sg (sou 12 tdoul\n"
    "'\":\n"
    "drfn5nuuSnrs ua:rnnlulhdirsilu tnFl u hr5 n ur alssr un-q srlwws sril"
)

# en05: clean English, with the double spaces and odd casing of the real text layer.
EN05_PAGE2 = (
    "MEMORANDUM OF UNDERSTANDING \n"
    "This Memorandum of Understanding (here in after called as the 'MOU')is entered into \n"
    "NUMeRAls).by and between SECAB Institute of Engineering & Technology, tHe FiRSt \n"
    "PARty represented here in by its Name of Competent Authority/Representative(here \n"
    "in after referred as First Party, the institution which expression, unless excluded by or \n"
    "repugnant to the subject or context shall include its successors-in-office, administrators \n"
    "and assigns.  "
)

# Clean Thai (th13 after repair): must come back unchanged.
CLEAN_THAI = (
    "พระราชกฤษฎีกา \n"
    "ยุบสภาผู้แทนราษฎร \n"
    "พ.ศ.  ๒๕๖๖ \n"
    "มีพระบรมราชโองการโปรดเกล้าฯ  ให้ประกาศว่า \n"
    "สมควรยุบสภาผู้แทนราษฎรเพื่อจัดให้มีการเลือกตั้งสมาชิกสภาผู้แทนราษฎรใหม่เป็นการเลือกตั้งทั่วไป\n"
    "ตามบทบัญญัติของรัฐธรรมนูญแห่งราชอาณาจักรไทย  อันเป็นการคืนอำนาจการตัดสินใจทางการเมือง\n"
    "ด้วยน้ำและสบู่เป็นประจำ ทำนา นำ คำ กำลัง ที่นำ สำนัก\n"
    "\n"
    "มาตรา ๓ ให้ยุบสภาผู้แทนราษฎรเพื่อให้มีการเลือกตั้งสมาชิกสภาผู้แทนราษฎรใหม่ \n"
)


# --- repair: PUA glyphs ------------------------------------------------------------------


def test_pua_table_covers_f700_to_f71a_with_thai() -> None:
    for cp in range(0xF700, 0xF71B):
        assert cp in PUA_TO_THAI, hex(cp)
        assert "\u0e01" <= PUA_TO_THAI[cp] <= "\u0e4e", hex(cp)


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        ("ให\uf70bไว\uf70b", "ให้ไว้"),  # F70B mai tho
        ("เล\uf70aม", "เล่ม"),  # F70A mai ek
        ("กุมภาพันธ\uf70e", "กุมภาพันธ์"),  # F70E thanthakhat
        ("เป\uf712นป\uf702ที่", "เป็นปีที่"),  # F712 maitaikhu, F702 sara ii
        ("ในรัชกาลป\uf710จจุบัน", "ในรัชกาลปัจจุบัน"),  # F710 mai han-akat
        ("การฟ\uf704\uf714นฟู", "การฟื้นฟู"),  # F704 sara uee + F714 mai tho (shifted left)
        ("การฝ\uf703กอาชีพ", "การฝึกอาชีพ"),  # F703 sara ue
        ("ป\uf701ด", "ปิด"),  # F701 sara i
        ("ก\uf705\uf706", "ก้"),  # F705/F706 duplicated tone: the last one is kept
        ("\uf700าน", "ฐาน"),  # F700 tho than without descender
        ("ห\uf70fิง", "หญิง"),  # F70F yo ying without descender
        ("ก\uf718", "กุ"),  # F718 sara u
        ("ก\uf719", "กู"),  # F719 sara uu
    ],
)
def test_repair_maps_legacy_pua_glyphs(damaged: str, clean: str) -> None:
    assert repair(damaged) == clean


def test_repair_th02_snippet() -> None:
    repaired = repair(TH02_PAGE1)
    assert repaired == TH02_PAGE1_REPAIRED
    assert not _PUA_RANGE.search(repaired)


# --- repair: sara am ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        ("การศึกษาส\u0e4d\u0e32หรับคนพิการ", "การศึกษาสำหรับคนพิการ"),  # nikhahit + sara aa (th02)
        ("โดยค\u0e4d\u0e32แนะน\u0e4d\u0e32", "โดยคำแนะนำ"),
        ("น\u0e4d\u0e49\u0e32", "น้ำ"),  # nikhahit + tone + sara aa
        ("น\u0e49\u0e4d\u0e32", "น้ำ"),  # tone + nikhahit + sara aa
        ("ส านัก", "สำนัก"),  # th08: sara am lost as "space + า"
        ("ประจ ำ", "ประจำ"),  # th08: "space + ำ"
        ("กรกฎำคม", "กรกฎาคม"),  # th08: the sara aa glyph read as ำ
        ("ได้น าความ", "ได้นำความ"),  # th13
        ("ประกาศก าหนด", "ประกาศกำหนด"),  # th13
    ],
)
def test_repair_sara_am(damaged: str, clean: str) -> None:
    assert repair(damaged) == clean


def test_repair_th08_headings_lost_sara_am() -> None:
    assert repair(TH08_HEADING) == TH08_HEADING_REPAIRED


def test_repair_th08_body_sara_aa_read_as_sara_am() -> None:
    assert repair(TH08_BODY) == TH08_BODY_REPAIRED


def test_repair_keeps_sara_am_composed() -> None:
    """NFKC would split ำ into ํ + า; repair must never do that."""
    repaired = repair("น้ำ สำนัก ประจำ")
    assert repaired == "น้ำ สำนัก ประจำ"
    assert "\u0e4d" not in repaired


def test_repair_leaves_ambiguous_sara_am_words_alone() -> None:
    """Without evidence of the damaged font, ทำ/ทา-style pairs are not touched."""
    for word in ("ทำนา", "ที่นำ", "คำ", "กำลัง", "นำ"):
        assert repair(word) == word


# --- repair: spaces before marks, stranded marks, line breaks ------------------------------


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        ("พ \u0e38\u0e48มดอกไม้", "พุ่มดอกไม้"),
        ("ก \u0e48อน", "ก่อน"),
        ("ให \u0e49ไว\u0e49", "ให้ไว้"),
        ("กุมภาพันธ \uf70e", "กุมภาพันธ์"),  # PUA first, then the space before it goes
    ],
)
def test_repair_removes_spaces_before_marks(damaged: str, clean: str) -> None:
    assert repair(damaged) == clean


def test_repair_moves_tone_marks_stranded_at_line_start() -> None:
    assert repair(TH13_SNIPPET) == TH13_SNIPPET_REPAIRED


@pytest.mark.parametrize(
    ("broken", "joined"),
    [
        ("ในราชกิจจา\nนุเบกษา", "ในราชกิจจานุเบกษา"),  # mid-word
        ("ให้มีอ\u0e4d\u0e32\nนาจ", "ให้มีอำนาจ"),  # mid-word, after sara am repair
        ("มี\nอ\u0e4d\u0e32นาจออกกฎกระทรวง", "มีอำนาจออกกฎกระทรวง"),  # th02 page 3
    ],
)
def test_repair_joins_words_broken_by_line_breaks(broken: str, joined: str) -> None:
    assert repair(broken) == joined


@pytest.mark.parametrize(
    "text",
    [
        "ในราชกิจจานุเบกษา\nเป็นต้นไป",  # th02: a break between two whole words stays
        "ดำเนินไปอย่างต่อเนื่อง \nอาศัยอำนาจ",  # th13: a line end with a space
        "พระราชกฤษฎีกา\n\nยุบสภาผู้แทนราษฎร",  # a paragraph break
        "สารบัญ\nบทนำ",  # a heading followed by another line
    ],
)
def test_repair_keeps_real_line_breaks(text: str) -> None:
    assert repair(text) == text


# --- repair: clean text and idempotence ------------------------------------------------------


@pytest.mark.parametrize("text", [CLEAN_THAI, EN05_PAGE2, TH09_PAGE1, "", "  \n ", "๑๒๓ 456"])
def test_repair_leaves_clean_text_unchanged(text: str) -> None:
    assert repair(text) == text


def test_repair_leaves_non_thai_pua_alone() -> None:
    """A Latin text with a symbol-font glyph is not Thai and is not touched."""
    text = "Bullet \uf0b7 item and \uf70b stray glyph"
    assert repair(text) == text


@pytest.mark.parametrize(
    "text", [TH02_PAGE1, TH08_HEADING, TH08_BODY, TH13_SNIPPET, CLEAN_THAI, EN05_PAGE2, TH09_PAGE1]
)
def test_repair_is_idempotent(text: str) -> None:
    once = repair(text)
    assert repair(once) == once


def test_import_is_light() -> None:
    """Importing the module must not load PyThaiNLP or its dictionary."""
    code = "import sys, ingest.thai; assert 'pythainlp' not in sys.modules, 'pythainlp imported'"
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


# --- detect_language -----------------------------------------------------------------------


def test_detect_language() -> None:
    assert detect_language(CLEAN_THAI) is Language.TH
    assert detect_language(EN05_PAGE2) is Language.EN
    assert detect_language("หอสมุดกลาง มหาวิทยาลัย Google Classroom and Microsoft Teams") is Language.MIXED
    assert detect_language("") is Language.TH


# --- thai_word_share and english_word_share -----------------------------------------------------


def test_thai_word_share_rises_after_repair() -> None:
    before = thai_word_share(TH02_PAGE1)
    after = thai_word_share(repair(TH02_PAGE1))
    assert before < 0.8
    assert after >= 0.9
    assert thai_word_share("") == 1.0
    assert thai_word_share("English only") == 1.0


def test_english_word_share_separates_english_from_ocr_gibberish() -> None:
    assert english_word_share(EN05_PAGE2) > 0.3
    assert english_word_share(TH09_PAGE1) < 0.08


# --- health ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " \n \n ", "12", "ก ข", "Page 3"])
def test_health_empty_page_is_unreadable(text: str) -> None:
    h = health(text, Language.TH)
    assert isinstance(h, Health)
    assert not h.readable
    assert h.reason.startswith(REASON_EMPTY)
    assert h.score == 0.0


@pytest.mark.parametrize("expected", [Language.TH, None])
def test_health_latin_gibberish_is_unreadable(expected: Language | None) -> None:
    h = health(TH09_PAGE1, expected)
    assert not h.readable
    assert h.reason.startswith(REASON_LATIN_GIBBERISH)
    assert h.thai_ratio == 0.0
    assert h.score < 0.5


@pytest.mark.parametrize("expected", [Language.EN, None, Language.TH])
def test_health_english_is_readable(expected: Language | None) -> None:
    """Clean English is readable, even on a page of a Thai document."""
    h = health(EN05_PAGE2, expected)
    assert h.readable, h.reason
    assert h.reason == ""
    assert h.score > 0.7


def test_health_repaired_thai_is_readable_and_scores_high() -> None:
    for text in (TH02_PAGE1, TH08_BODY, TH13_SNIPPET, CLEAN_THAI):
        h = health(repair(text), Language.TH)
        assert h.readable, (text, h)
        assert h.pua_ratio == 0.0
        assert h.thai_ratio > 0.9
        assert h.score > 0.85
        assert h.thai_word_share == pytest.approx(thai_word_share(repair(text)), abs=1e-4)


def test_health_unrepaired_legacy_font_scores_lower() -> None:
    raw, fixed = health(TH02_PAGE1, Language.TH), health(repair(TH02_PAGE1), Language.TH)
    assert raw.pua_ratio > 0.0
    assert raw.score < fixed.score


def test_health_thai_non_words_are_unreadable() -> None:
    soup = "ฮฬฆฌฑฒ ฤฦฃฅ ซฌญฎ ฏฐฑฒ ฮฬฆฌฑฒ ฤฦฃฅ ซฌญฎ"
    h = health(soup, Language.TH)
    assert not h.readable
    assert h.reason.startswith(REASON_NOT_THAI_WORDS)


def test_health_counts_orphan_marks() -> None:
    h = health("\u0e48\u0e49 สวัสดีครับ ทุกท่าน \u0e4c ขอบคุณมาก", Language.TH)
    assert h.orphan_mark_ratio > 0.0
    assert 0.0 <= h.score <= 1.0


def test_health_score_is_bounded() -> None:
    for text in (TH02_PAGE1, TH08_BODY, TH09_PAGE1, EN05_PAGE2, CLEAN_THAI, "x" * MIN_LETTERS):
        for expected in (Language.TH, Language.EN, Language.MIXED, None):
            assert 0.0 <= health(text, expected).score <= 1.0


# --- Integration: the real PDFs ------------------------------------------------------------------

TH02 = "th02_education_for_persons_with_disabilities_act_2551.pdf"
TH08 = "th08_rbru_newsletter_2563_no4_word2019.pdf"
TH09 = "th09_rbru_action_conclusion_2558_garbage_textlayer.pdf"
TH10 = "th10_rbru_improvement_report_59_image_only.pdf"
TH13 = "th13_royal_gazette_decree_2566_fixthaipdf.pdf"
EN05 = "en05_mou_secab_rbm_edutech_skills_placement.pdf"
EN06 = "en06_mou_secab_turnia_internship.pdf"
EN08 = "en08_mou_secab_pennstate_image_only.pdf"


@cache
def _pages(path: Path) -> tuple[str, ...]:
    """The text layer of each page, as pypdf extracts it (cached per file)."""
    from pypdf import PdfReader

    return tuple(page.extract_text() or "" for page in PdfReader(path).pages)


def _pdf(pdf_dir: Path, name: str) -> Path:
    path = pdf_dir / name
    if not path.is_file():
        pytest.skip(f"test PDF {name} not found in {pdf_dir}")
    return path


@pytest.mark.shared
def test_th02_whole_document_repairs_to_dictionary_words(pdf_dir: Path) -> None:
    pages = _pages(_pdf(pdf_dir, TH02))
    raw = "\n".join(pages)
    fixed = "\n".join(repair(p) for p in pages)
    assert _PUA_RANGE.search(raw), "th02 should carry legacy PUA glyphs"
    assert not _PUA_RANGE.search(fixed)
    assert "\u0e4d\u0e32" not in fixed
    assert thai_word_share(raw) < 0.8
    assert thai_word_share(fixed) >= 0.95


@pytest.mark.shared
def test_th08_whole_document_repairs_sara_am(pdf_dir: Path) -> None:
    pages = _pages(_pdf(pdf_dir, TH08))
    fixed = "\n".join(repair(p) for p in pages)
    assert thai_word_share("\n".join(pages)) < 0.8
    assert thai_word_share(fixed) >= 0.93
    for good in ("สำนักวิทยบริการ", "กรกฎาคม", "สิงหาคม", "ประจำ", "มหาวิทยาลัยราชภัฏรำไพพรรณี"):
        assert good in fixed, good
    for bad in ("ส านัก", "ส ำนัก", "กรกฎำคม", "บริกำร", "ประจ า"):
        assert bad not in fixed, bad


@pytest.mark.shared
def test_th13_whole_document_repairs(pdf_dir: Path) -> None:
    pages = _pages(_pdf(pdf_dir, TH13))
    fixed = "\n".join(repair(p) for p in pages)
    assert thai_word_share(fixed) > thai_word_share("\n".join(pages))
    assert thai_word_share(fixed) >= 0.93
    for good in ("นำความ", "กำหนด", "อำนาจ", "ประจำปี", "หน้า", "เล่ม"):
        assert good in fixed, good
    assert not re.search("(?m)^[\u0e48-\u0e4c]", fixed), "a tone mark still starts a line"


@pytest.mark.shared
@pytest.mark.parametrize("name", [TH02, TH08, TH13])
def test_thai_pdf_pages_are_readable(pdf_dir: Path, name: str) -> None:
    for number, page in enumerate(_pages(_pdf(pdf_dir, name)), start=1):
        fixed = repair(page)
        assert repair(fixed) == fixed, f"page {number} not idempotent"
        h = health(fixed, Language.TH)
        assert h.readable, f"{name} page {number}: {h}"
        assert h.pua_ratio == 0.0


@pytest.mark.shared
@pytest.mark.parametrize("expected", [Language.TH, None, Language.EN])
def test_th09_latin_ocr_layer_is_unreadable(pdf_dir: Path, expected: Language | None) -> None:
    _assert_all_unreadable(_pages(_pdf(pdf_dir, TH09)), expected, REASON_LATIN_GIBBERISH)


@pytest.mark.shared
@pytest.mark.parametrize(("name", "expected"), [(TH10, Language.TH), (EN08, Language.EN)])
def test_image_only_pages_are_empty(pdf_dir: Path, name: str, expected: Language) -> None:
    _assert_all_unreadable(_pages(_pdf(pdf_dir, name)), expected, REASON_EMPTY)


def _assert_all_unreadable(pages: list[str], expected: Language | None, reason: str) -> None:
    """Every page is judged unreadable, for ``reason``."""
    assert pages
    for number, page in enumerate(pages, start=1):
        h = health(repair(page), expected)
        assert not h.readable, f"page {number}: {h}"
        assert h.reason.startswith(reason), f"page {number}: {h.reason}"


@pytest.mark.shared
@pytest.mark.parametrize("name", [EN05, EN06])
def test_english_mou_pages_are_readable_and_unchanged(pdf_dir: Path, name: str) -> None:
    for number, page in enumerate(_pages(_pdf(pdf_dir, name)), start=1):
        assert repair(page) == page, f"page {number} changed"
        assert detect_language(page) is Language.EN
        h = health(page, Language.EN)
        assert h.readable, f"{name} page {number}: {h}"


@pytest.mark.shared
def test_th02_repair_and_health_are_fast(pdf_dir: Path) -> None:
    pages = _pages(_pdf(pdf_dir, TH02))
    health(repair("สำนัก"), Language.TH)  # load the dictionary and segmenter once
    thai_module._cost.cache_clear()  # time the real work, not earlier tests' cache hits
    start = time.perf_counter()
    for page in pages:
        health(repair(page), Language.TH)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"13 pages took {elapsed:.2f}s"
