"""Checks on the team's framework documents in corpus/framework/*.md."""

from __future__ import annotations

import re
from pathlib import Path

import frontmatter
import pytest

from assistant.drafting.knowledge import load_framework

FRAMEWORK_DIR = Path(__file__).resolve().parents[2] / "corpus" / "framework"
REQUIRED_KEYS = ("title", "type", "language", "sources", "id")
MD_FILES = sorted(FRAMEWORK_DIR.glob("*.md"))
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _lang_of(path: Path) -> str:
    """The language suffix of a file name such as ``components.th.md``."""
    return path.name.removesuffix(".md").rsplit(".", 1)[-1]


def _stem_of(path: Path) -> str:
    """The topic part of a file name such as ``components.th.md`` (``components``)."""
    return path.name.removesuffix(".md").rsplit(".", 1)[0]


def _id_stem(doc_id: str) -> str:
    """A document id without its ``-th`` / ``-en`` language suffix."""
    return re.sub(r"-(th|en)$", "", doc_id)


def _headings(text: str, level: int = 2) -> list[str]:
    """The texts of Markdown headings of exactly ``level``."""
    marks = "#" * level
    return [line[level + 1 :].strip() for line in text.splitlines() if re.match(rf"^{marks} \S", line)]


def test_there_are_framework_documents() -> None:
    assert len(MD_FILES) >= 2
    assert {_lang_of(p) for p in MD_FILES} == {"th", "en"}


@pytest.mark.parametrize("path", MD_FILES, ids=lambda p: p.name)
def test_front_matter(path: Path) -> None:
    post = frontmatter.load(path)
    for key in REQUIRED_KEYS:
        assert key in post.metadata, f"{path.name}: front matter lacks {key!r}"
    meta = post.metadata
    assert meta["type"] == "framework"
    assert meta["language"] == _lang_of(path), f"{path.name}: language does not match the file name"
    assert isinstance(meta["title"], str) and meta["title"].strip()
    assert isinstance(meta["id"], str) and SLUG.match(meta["id"]), f"{path.name}: id is not a slug"
    assert meta["id"].endswith(f"-{meta['language']}")
    sources = meta["sources"]
    assert isinstance(sources, list) and sources, f"{path.name}: sources must be a non-empty list"
    assert all(isinstance(s, str) and s.strip() for s in sources)


@pytest.mark.parametrize("path", MD_FILES, ids=lambda p: p.name)
def test_body_has_sections_and_substance(path: Path) -> None:
    body = frontmatter.load(path).content
    assert len(_headings(body)) >= 3, f"{path.name}: use ## headings per topic"
    assert 1200 <= len(body) <= 5000, f"{path.name}: {len(body)} characters"


@pytest.mark.parametrize("path", [p for p in MD_FILES if _lang_of(p) == "th"], ids=lambda p: p.name)
def test_thai_text_is_clean(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"[\uf700-\uf71a]", text), "PDF private-use glyphs in Thai text"
    assert "\u0e4d\u0e32" not in text, "sara am written as nikhahit + sara aa"
    assert not re.search(r" [\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", text), "space before a Thai combining mark"


def test_ids_are_unique() -> None:
    ids = [frontmatter.load(p).metadata["id"] for p in MD_FILES]
    assert len(ids) == len(set(ids))


def test_every_thai_file_has_an_english_counterpart() -> None:
    by_stem: dict[str, dict[str, Path]] = {}
    for path in MD_FILES:
        by_stem.setdefault(_stem_of(path), {})[_lang_of(path)] = path
    for stem, langs in by_stem.items():
        assert set(langs) == {"th", "en"}, f"{stem}: needs both .th.md and .en.md, found {sorted(langs)}"
        th_id = frontmatter.load(langs["th"]).metadata["id"]
        en_id = frontmatter.load(langs["en"]).metadata["id"]
        assert _id_stem(th_id) == _id_stem(en_id), f"{stem}: ids {th_id!r} and {en_id!r} differ in stem"


def test_components_files_cover_the_seven_components() -> None:
    fw = load_framework()
    th = (FRAMEWORK_DIR / "components.th.md").read_text(encoding="utf-8")
    en = (FRAMEWORK_DIR / "components.en.md").read_text(encoding="utf-8")
    assert "องค์ประกอบของเครือข่ายความร่วมมือ" in th
    assert "components of a collaboration network" in en.lower()
    th_headings = " ".join(_headings(th))
    en_headings = " ".join(_headings(en)).lower()
    for comp in fw.components:
        assert comp.name.th in th_headings, f"no Thai heading for {comp.id}"
        assert comp.name.en.lower() in en_headings, f"no English heading for {comp.id}"
