"""The corpus files: front matter, MOU structure and the partner registry."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import frontmatter
import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
MOU_DIR = CORPUS / "mou"
PARTNERS = CORPUS / "partners.csv"

REQUIRED_FIELDS = ("id", "title", "type", "language", "sources")
DOC_TYPES = {"policy", "mou", "guide", "framework"}
LANGUAGES = {"th", "en"}

# The exact header of partners.csv, in order.
PARTNER_HEADER_LINE = (
    "id,name_th,name_en,type,province,district,lat,lon,capabilities,resources,needs,contact_role,status,mous"
)
PARTNER_TYPES = {
    "school",
    "university",
    "vocational_college",
    "lao",
    "business",
    "ngo",
    "hospital",
    "community",
    "government_office",
}
PARTNER_STATUSES = {"active", "prospective", "inactive"}
# Thailand's bounding box, generously rounded.
LAT_RANGE = (5.5, 20.5)
LON_RANGE = (97.3, 105.7)

# Each required MOU section and the words (Thai or English) its `##` heading may use.
MOU_SECTIONS: dict[str, tuple[str, ...]] = {
    "parties": ("คู่ภาคี", "parties"),
    "objectives": ("วัตถุประสงค์", "objectives"),
    "scope": ("ขอบเขต", "scope"),
    "duties": ("หน้าที่", "duties", "responsibilities"),
    "resources": ("ทรัพยากร", "resources"),
    "duration": ("ระยะเวลา", "duration"),
    "termination": ("สิ้นสุด", "ยกเลิก", "termination"),
    "communication": ("ประสานงาน", "ติดต่อ", "communication", "coordinator"),
    "evaluation": ("ประเมินผล", "evaluation"),
    "signatures": ("ลงนาม", "signature"),
}
MOU_ID = re.compile(r"^MOU-\d{4}-\d{3}$")
PARTNER_ID = re.compile(r"^P\d{3}$")


def _corpus_markdown() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.md") if p != CORPUS / "README.md")


def _rel(path: Path) -> str:
    return str(path.relative_to(CORPUS))


def _load(path: Path) -> frontmatter.Post:
    return frontmatter.load(path)


def _mou_posts() -> dict[str, frontmatter.Post]:
    return {str(post["id"]): post for post in (_load(p) for p in sorted(MOU_DIR.glob("*.md")))}


def _partner_rows() -> list[dict[str, str]]:
    with PARTNERS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


# --- every Markdown document ------------------------------------------------------------


def test_corpus_has_documents():
    assert (CORPUS / "README.md").is_file()
    assert len(list((CORPUS / "policy").glob("*.md"))) >= 8
    assert len(list((CORPUS / "guides").glob("*.md"))) >= 4
    assert len(list(MOU_DIR.glob("*.md"))) >= 5


@pytest.mark.parametrize("path", _corpus_markdown(), ids=_rel)
def test_front_matter_is_complete(path: Path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{_rel(path)} has no YAML front matter"
    post = _load(path)
    for field in REQUIRED_FIELDS:
        assert field in post.metadata, f"{_rel(path)} lacks front-matter field {field!r}"
    assert isinstance(post["id"], str) and post["id"].strip()
    assert isinstance(post["title"], str) and post["title"].strip()
    assert post["type"] in DOC_TYPES, f"{_rel(path)}: type {post['type']!r} not in {sorted(DOC_TYPES)}"
    assert post["language"] in LANGUAGES, f"{_rel(path)}: language {post['language']!r}"
    assert isinstance(post["sources"], list), f"{_rel(path)}: sources must be a list"
    assert all(isinstance(s, str) and s.strip() for s in post["sources"])
    assert post.content.strip(), f"{_rel(path)} has no body"


@pytest.mark.parametrize("path", _corpus_markdown(), ids=_rel)
def test_type_matches_folder(path: Path):
    folder_type = {"policy": "policy", "mou": "mou", "guides": "guide", "framework": "framework"}
    expected = folder_type.get(path.relative_to(CORPUS).parts[0])
    if expected is not None:
        assert _load(path)["type"] == expected


@pytest.mark.parametrize("path", sorted((CORPUS / "policy").glob("*.md")), ids=_rel)
def test_policy_summaries_are_short(path: Path):
    length = len(_load(path).content.strip())
    assert 1000 <= length <= 3000, f"{_rel(path)}: body is {length} characters, want 1,000-3,000"


def test_ids_are_unique_across_the_corpus():
    seen: dict[str, str] = {}
    for path in _corpus_markdown():
        doc_id = str(_load(path)["id"])
        assert doc_id not in seen, f"id {doc_id!r} used by {seen[doc_id]} and {_rel(path)}"
        seen[doc_id] = _rel(path)


def test_non_fictional_documents_cite_sources():
    for path in _corpus_markdown():
        post = _load(path)
        if not post.get("fictional"):
            assert post["sources"], f"{_rel(path)} is not fictional but cites no sources"


def test_translations_point_back():
    posts = {str(p["id"]): p for p in (_load(path) for path in _corpus_markdown())}
    for doc_id, post in posts.items():
        other = post.get("translation")
        if other is None:
            continue
        assert other in posts, f"{doc_id}: translation {other!r} does not exist"
        assert posts[other].get("translation") == doc_id, f"{other} does not point back to {doc_id}"
        assert posts[other]["language"] != post["language"]


# --- MOUs -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(MOU_DIR.glob("*.md")), ids=_rel)
def test_mou_is_marked_fictional(path: Path):
    post = _load(path)
    assert post["type"] == "mou"
    assert post.get("fictional") is True, f"{_rel(path)} must say fictional: true"
    assert post["sources"] == []
    assert "FICTIONAL EXAMPLE" in post["title"]
    first_line = next(line for line in post.content.splitlines() if line.strip())
    assert "FICTIONAL EXAMPLE" in first_line, f"{_rel(path)}: first line must say FICTIONAL EXAMPLE"
    assert MOU_ID.match(str(post["id"])), f"{_rel(path)}: id {post['id']!r} is not MOU-YYYY-NNN"


@pytest.mark.parametrize("path", sorted(MOU_DIR.glob("*.md")), ids=_rel)
def test_mou_has_required_sections(path: Path):
    post = _load(path)
    headings = [
        line.lstrip("#").strip().lower() for line in post.content.splitlines() if re.match(r"^#{2,3}\s", line)
    ]
    for section, words in MOU_SECTIONS.items():
        assert any(w.lower() in h for h in headings for w in words), (
            f"{_rel(path)} has no heading for {section!r} (one of {words})"
        )


@pytest.mark.parametrize("path", sorted(MOU_DIR.glob("*.md")), ids=_rel)
def test_mou_terms_are_concrete(path: Path):
    post = _load(path)
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", str(post["start_date"]))
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", str(post["end_date"]))
    assert str(post["start_date"]) < str(post["end_date"])
    assert isinstance(post["duration_years"], int) and post["duration_years"] >= 1
    notice = post["notice_days"]
    assert isinstance(notice, int) and notice > 0
    body = post.content
    assert re.search(rf"{notice}\s*(วัน|days)", body), f"{_rel(path)}: notice period not stated in text"
    parties = post["parties"]
    assert isinstance(parties, list) and len(parties) >= 2
    assert all(PARTNER_ID.match(str(p)) for p in parties)
    assert len(set(parties)) == len(parties)


@pytest.mark.parametrize("path", sorted(MOU_DIR.glob("*.th.md")), ids=_rel)
def test_thai_mou_follows_thai_structure(path: Path):
    post = _load(path)
    assert post["language"] == "th"
    assert "บันทึกข้อตกลงความร่วมมือ" in post["title"] and "ระหว่าง" in post["title"]
    numbered = re.findall(r"^## ข้อ (\d+)", post.content, flags=re.MULTILINE)
    assert numbered[:3] == ["1", "2", "3"], f"{_rel(path)}: sections must be numbered ข้อ 1, ข้อ 2, ..."


def test_mou_languages_are_mixed():
    langs = [post["language"] for post in _mou_posts().values()]
    assert "th" in langs and "en" in langs


# --- partners.csv -----------------------------------------------------------------------


def test_partners_header_is_exact():
    with PARTNERS.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert ",".join(header) == PARTNER_HEADER_LINE


def test_partners_rows_are_valid():
    rows = _partner_rows()
    assert 40 <= len(rows) <= 60
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids), "partner ids must be unique"
    for r in rows:
        assert None not in r, f"{r.get('id')}: too many columns"
        assert all(v is not None for v in r.values()), f"{r['id']}: too few columns"
        assert PARTNER_ID.match(r["id"]), r["id"]
        assert r["type"] in PARTNER_TYPES, f"{r['id']}: type {r['type']!r}"
        assert r["status"] in PARTNER_STATUSES, f"{r['id']}: status {r['status']!r}"
        for field in ("name_th", "name_en", "province", "district", "contact_role"):
            assert r[field].strip(), f"{r['id']}: empty {field}"
        assert r["capabilities"].strip() or r["needs"].strip(), f"{r['id']}: no capabilities or needs"


def test_partners_coordinates_are_in_thailand():
    for r in _partner_rows():
        lat, lon = r["lat"].strip(), r["lon"].strip()
        assert bool(lat) == bool(lon), f"{r['id']}: lat and lon must both be set or both empty"
        if not lat:
            continue
        la, lo = float(lat), float(lon)
        assert -90 <= la <= 90 and -180 <= lo <= 180
        assert LAT_RANGE[0] <= la <= LAT_RANGE[1], f"{r['id']}: lat {la} outside Thailand"
        assert LON_RANGE[0] <= lo <= LON_RANGE[1], f"{r['id']}: lon {lo} outside Thailand"


def test_partners_mix_of_types():
    counts: dict[str, int] = {}
    for r in _partner_rows():
        counts[r["type"]] = counts.get(r["type"], 0) + 1
    assert counts.get("school", 0) >= 10
    assert counts.get("business", 0) >= 8
    assert counts.get("lao", 0) >= 3
    assert set(counts) == PARTNER_TYPES


def test_partner_mou_references_resolve():
    mous = _mou_posts()
    for r in _partner_rows():
        for mou_id in _split(r["mous"]):
            assert mou_id in mous, f"{r['id']}: MOU {mou_id!r} has no file in corpus/mou/"
            assert r["id"] in mous[mou_id]["parties"], f"{mou_id} does not list {r['id']} as a party"


def test_mou_parties_exist_and_list_the_mou():
    rows = {r["id"]: r for r in _partner_rows()}
    for mou_id, post in _mou_posts().items():
        for party in post["parties"]:
            assert party in rows, f"{mou_id}: party {party!r} is not in partners.csv"
            assert mou_id in _split(rows[party]["mous"]), f"{party} does not list {mou_id} in mous"
