"""The Thai ↔ English glossary: where its terms come from and how it translates a query."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.retrieval.glossary import LOANWORD_MIN_THAI, Glossary, Term, _loanwords, load_glossary

ROOT = Path(__file__).resolve().parents[3]

GLOSSARY = """
terms:
  - en: [school]
    th: [โรงเรียน, รร.]
  - en: [small school, small-sized school]
    th: [โรงเรียนขนาดเล็ก]
  - en: [teacher]
    th: [ครู, ครูผู้สอน]
  - en: [policy]
    th: [นโยบาย]
  - en: [personal data protection act, PDPA]
    th: [พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล]
  - en: [mentor]
    th: []
"""

FRAMEWORK = """
components:
  - id: vision
    name:
      th: วิสัยทัศน์ร่วม
      en: Shared vision
    purpose:
      th: ทำให้สมาชิกทุกฝ่ายมองเห็นปลายทางเดียวกันและกำหนดทิศทางการทำงานร่วมกันอย่างชัดเจนและต่อเนื่องตลอดไป
      en: Give every member the same picture of where the network is going.
steps:
  - title: {th: ขั้นวางแผน, en: Planning stage}
"""


def _md(title: str, headings: list[str]) -> str:
    body = "\n\n".join(f"## {h}\n\nข้อความ text." for h in headings)
    return f"---\ntitle: {title}\n---\n# {title}\n\n{body}\n"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "framework").mkdir()
    (tmp_path / "guides").mkdir()
    (tmp_path / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "framework" / "framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "guides" / "comm.th.md").write_text(
        _md("คู่มือการสื่อสาร", ["1. ระบบการสื่อสาร", "2) การประชุมประจำเดือน"]), encoding="utf-8"
    )
    (tmp_path / "guides" / "comm.en.md").write_text(
        _md("Communication handbook", ["1. Communication system", "2) Monthly meeting"]), encoding="utf-8"
    )
    (tmp_path / "guides" / "uneven.th.md").write_text(
        _md("คู่มือการเงิน", ["งบประมาณ", "การเบิกจ่าย"]), encoding="utf-8"
    )
    (tmp_path / "guides" / "uneven.en.md").write_text(_md("Finance handbook", ["Budget"]), encoding="utf-8")
    (tmp_path / "guides" / "alone.th.md").write_text(_md("เอกสารเดี่ยว", ["หัวข้อเดี่ยว"]), encoding="utf-8")
    return tmp_path


def test_terms_come_from_the_glossary_the_framework_and_parallel_files(corpus: Path) -> None:
    g = Glossary.load(corpus)
    assert g.translate("teacher", "th") == "ครู"
    assert g.translate("Shared vision", "th") == "วิสัยทัศน์ร่วม"
    assert g.translate("ขั้นวางแผน", "en") == "Planning stage"
    assert g.translate("ระบบการสื่อสาร", "en") == "Communication system", "numbering is left out"
    assert g.translate("Monthly meeting", "th") == "การประชุมประจำเดือน"
    assert g.translate("คู่มือการสื่อสาร", "en") == "Communication handbook", "titles pair"
    assert g.translate("Finance handbook", "th") == "คู่มือการเงิน"
    # 5 glossary terms with both sides, 2 framework names,
    # comm: the title and 3 headings (the # title too), uneven: the title only; then the loanwords
    assert len(g) == 5 + 2 + 4 + 1 + len(_loanwords())


def test_loanwords_translate_both_ways_and_curated_terms_win(corpus: Path) -> None:
    g = Glossary.load(corpus)
    assert len(_loanwords()) > 3000, "PyThaiNLP's transliteration dictionary is read"
    assert g.translate("แบบทดสอบออนไลน์", "en") == "online"
    assert g.translate("ห้องคอมพิวเตอร์", "en") == "computer"
    assert g.translate("Do they follow the budget?", "th") == "", "no loanword spellings into Thai"
    assert g.translate("teacher", "th") == "ครู", "the curated form, not a loanword spelling"
    assert all(len(t.th[0]) >= LOANWORD_MIN_THAI for t in _loanwords()), "short forms match inside words"


def test_what_is_not_a_pair_is_left_out(corpus: Path) -> None:
    g = Glossary.load(corpus)
    assert g.translate("mentor", "th") == "", "a term without a Thai form"
    assert g.translate("Budget", "th") == "", "headings of files with different heading counts"
    assert g.translate("หัวข้อเดี่ยว", "en") == "", "a Thai file without its English twin"
    assert g.translate("Give every member the same picture of where the network is going.", "th") == ""


def test_a_missing_corpus_gives_an_empty_glossary(tmp_path: Path) -> None:
    g = Glossary.load(tmp_path / "nowhere")
    assert len(g) == len(_loanwords()) and g.translate("school policy 2024", "th") == "2024"


def test_english_to_thai_longest_match_in_order(corpus: Path) -> None:
    g = Glossary.load(corpus)
    assert g.translate("Do teachers in small schools follow the policy?", "th") == "ครู โรงเรียนขนาดเล็ก นโยบาย"
    assert g.translate("a small-sized school", "th") == "โรงเรียนขนาดเล็ก", (
        "other forms map to the preferred one"
    )
    assert g.translate("school and school again", "th") == "โรงเรียน", "a term once"


def test_thai_to_english_longest_match_in_order(corpus: Path) -> None:
    g = Glossary.load(corpus)
    assert g.translate("โรงเรียนขนาดเล็กขาดครูผู้สอน", "en") == "small school teacher"
    assert g.translate("นโยบายของ รร. ในเครือข่าย", "en") == "policy school"


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Schools", "โรงเรียน"), ("Policies", "นโยบาย"), ("teachers", "ครู"), ("small schools", "โรงเรียนขนาดเล็ก")],
)
def test_english_matching_ignores_case_and_plurals(corpus: Path, query: str, expected: str) -> None:
    assert Glossary.load(corpus).translate(query, "th") == expected


def test_numbers_and_acronyms_are_carried_over(corpus: Path) -> None:
    g = Glossary.load(corpus)
    assert g.translate("PDPA rules for schools in 2024", "th") == (
        "พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล โรงเรียน PDPA 2024"
    )
    assert g.translate("นโยบายปี 2567 ของ OBEC ข้อ 4.2", "en") == "policy 2567 OBEC 4.2"
    assert g.translate("ไม่มีศัพท์ในรายการ", "en") == ""


def test_find_returns_terms_in_order(corpus: Path) -> None:
    g = Glossary.load(corpus)
    found = g.find("ครูในโรงเรียนขนาดเล็ก", "th")
    assert found == [
        Term(("teacher",), ("ครู", "ครูผู้สอน")),
        Term(("small school", "small-sized school"), ("โรงเรียนขนาดเล็ก",)),
    ]


def test_load_glossary_is_cached(corpus: Path) -> None:
    assert load_glossary(str(corpus)) is load_glossary(str(corpus))


# ------------------------------------------------------------------------------------------ the real corpus


@pytest.fixture(scope="module")
def real() -> Glossary:
    return Glossary.load(ROOT / "corpus")


def test_the_real_corpus_glossary(real: Glossary) -> None:
    assert len(real) > 600
    assert real.translate("องค์ประกอบของเครือข่ายความร่วมมือ", "en") == "component collaboration network"
    assert real.translate("components of a collaboration network", "th") == "องค์ประกอบ เครือข่ายความร่วมมือ"
    assert "ระบบการสื่อสาร" in real.translate("communication system", "th")  # a framework / heading pair
    assert "Resource allocation" in real.translate("การจัดสรรทรัพยากร", "en")


def test_a_question_word_is_not_translated(real: Glossary) -> None:
    # the module docstring's own example
    assert real.translate("What rights do persons with disabilities have?", "th") == "สิทธิ คนพิการ"
