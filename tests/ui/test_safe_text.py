"""Markdown and HTML that a browser would load or follow, shown as plain text."""

from __future__ import annotations

import pytest

from assistant.ui.safe_text import plain_media
from assistant.ui.workshop_view import answer_markdown, citations_markdown, groups_markdown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a ![](http://e.example/p.png) b", "a [image: `http://e.example/p.png`] b"),
        ('![logo](http://e.example/l.png "Logo")', "[logo image: `http://e.example/l.png`]"),
        ("![](<http://e.example/a b.png>)", "[image: `http://e.example/a b.png`]"),
        ("[form](http://e.example/f?a=(1))", "form (`http://e.example/f?a=(1)`)"),
        ("![x][pix]\n[pix]: http://e.example/p.png", "x [image]\n\\[pix\\]: http://e.example/p.png"),
        ('<img src="http://e.example/p.png">', '&lt;img src="http://e.example/p.png">'),
        ("<IFRAME src=x></iframe><svg>", "&lt;IFRAME src=x>&lt;/iframe>&lt;svg>"),
        ("see [1] and [1, 2] and [x] (y) and 3 < 4", "see [1] and [1, 2] and [x] (y) and 3 < 4"),
        ("a `![](x)` b![](http://e/`x`.png)", "a `[image: `x`]` b[image: `http://e/x.png`]"),
        ("", ""),
    ],
)
def test_images_links_and_loading_tags_become_text(text: str, shown: str) -> None:
    assert plain_media(text) == shown


def test_workshop_answers_sources_and_questions_load_nothing() -> None:
    from assistant.records import Citation
    from assistant.sessions import LoggedQuestion, QuestionGroup

    answer = answer_markdown('Rule one ![](http://e.example/p.png) [1] <img src="http://e.example/q.png">')
    assert "![" not in answer and "<img" not in answer and "[1]" in answer
    pixel = "![](http://e.example/p.png)"
    cite = Citation(n=1, source="rules.md", page=1, text=f"Book ahead {pixel}", chunk_id="c")
    assert "![" not in citations_markdown("en", [cite])
    question = LoggedQuestion(
        id=1, question=f"look {pixel}", answer="", citations=[], grounded=True, language="en", backend="none",
        asked_at=0.0,
    )
    assert "![" not in groups_markdown("en", [QuestionGroup(label="look", questions=[question])])
