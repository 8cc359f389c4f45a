"""Checking an answer's citations: each sentence against the passage it cites (:func:`verify_citations`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant.grounding.markers import MARKER, parse_markers, rewrite_markers, strip_markers
from assistant.grounding.text import (
    MIN_CHECKED_TERMS,
    clean_line,
    content_terms,
    numbers_across,
    same_script,
    sentence_spans,
    support,
    supports,
)

Across = Callable[[str, str], bool]
"""(sentence, passage in the other script) → whether the passage holds what the sentence says."""


@dataclass
class Verification:
    """What :func:`verify_citations` found.

    ``text`` is the answer with markers to unknown passages and markers whose passage does
    not support their sentence removed (``removed``); ``cited`` the passage numbers left in
    it, in order of first use; ``dropped`` the numbers that named no passage of the
    context; ``added`` passages cited for uncited sentences; ``recited`` (old, new) pairs
    for sentences whose citation was moved to the passage that supports them.
    """

    text: str
    cited: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)
    recited: list[tuple[int, int]] = field(default_factory=list)
    supported: int = 0
    unverified: int = 0
    checked: int = 0

    @property
    def grounded(self) -> bool:
        """True when at least one sentence is backed by a passage."""
        return self.supported + self.unverified > 0


def verify_citations(
    text: str,
    passages: Mapping[int, str],
    *,
    cite_uncited: bool = False,
    question: str = "",
    drop_unsupported: bool = False,
    across: Across | None = None,
) -> Verification:
    """Check an answer's citations against the numbered passages it was given.

    1. Numbers that name no passage are dropped from the markers (``dropped``).
    2. Each sentence with content (at least :data:`MIN_CHECKED_TERMS` words, not all of
       them words of ``question``: restating the question claims nothing) is checked:
       a cited sentence keeps only markers whose passage :func:`supports` it. When none
       of its passages does but another passage of the context does, the citation is
       moved to that passage (``recited``: small models often get the number wrong).
       An uncited sentence is supported when any passage supports it. With
       ``cite_uncited`` the best passage is then cited (``added``), unless a later
       sentence of the same line cites it or carries a marker already, so a run of
       sentences from one passage gets one marker at its end.
       A sentence with no support is listed in ``unsupported`` and loses its markers: a
       wrong citation misleads more than none.
    3. A passage in the other script than the sentence (an English answer from a Thai
       passage) cannot be checked by word overlap. Every number the sentence states must be
       in it (a year in either era: :func:`numbers_across`), else it does not support the
       sentence. With ``across`` (``across(sentence, passage)`` → whether the passage holds
       what the sentence says, e.g. by the e5 model's closeness) that decides the rest; a
       sentence it cannot support is unsupported. Without it a sentence whose numbers hold
       counts as ``unverified`` rather than unsupported.
    4. With ``drop_unsupported`` the unsupported sentences are removed from the text (a line
       left empty goes with them); they stay listed in ``unsupported``.
    """
    dropped = sorted({n for n in parse_markers(text) if n not in passages})
    text = rewrite_markers(text, lambda n: n in passages)
    result = Verification(text=text, dropped=dropped)
    asked = content_terms(question) if question else frozenset()
    spans = sentence_spans(text)
    checks = [_check_sentence(text[a:b], passages, result, asked, across) for a, b in spans]
    edits: list[tuple[int, int, str]] = []
    for i, ((start, end), check) in enumerate(zip(spans, checks, strict=True)):
        sentence = text[start:end]
        if check.remove:
            result.removed.extend(check.remove)
            sentence = rewrite_markers(sentence, lambda n, bad=check.remove: n not in bad)
        if check.add is not None and (check.remove or (cite_uncited and not _cited_later(text, end))):
            follower = (
                checks[i + 1] if i + 1 < len(checks) and _same_line(text, end, spans[i + 1][0]) else None
            )
            if check.remove or follower is None or follower.add != check.add:
                if not check.remove:
                    result.added.append(check.add)
                sentence = add_marker(sentence, check.add)
        if drop_unsupported and check.unsupported:
            sentence = ""
        if sentence != text[start:end]:
            edits.append((start, end, sentence))
    for start, end, fixed in reversed(edits):
        text = text[:start] + fixed + text[end:]
    if drop_unsupported and any(c.unsupported for c in checks):
        kept = [ln for ln in text.splitlines() if g_has_words(ln)]
        text = "\n".join(kept)
    result.text = text
    result.cited = list(dict.fromkeys(parse_markers(text)))
    return result


def g_has_words(line: str) -> bool:
    """True when a line has words left (not only a bullet, a number or markers)."""
    return bool(re.search(r"[A-Za-z\u0e01-\u0e4e]", strip_markers(clean_line(line))))


def _same_line(text: str, end: int, next_start: int) -> bool:
    """True when no line break separates a sentence ending at ``end`` from the next one."""
    return "\n" not in text[end:next_start]


@dataclass
class _SentenceCheck:
    """The edits one sentence needs: markers to remove, a passage to cite."""

    remove: list[int] = field(default_factory=list)
    add: int | None = None
    claim: bool = True  # False for a sentence that states nothing to check (a heading, the question)
    unsupported: bool = False


def _check_sentence(
    sentence: str,
    passages: Mapping[int, str],
    result: Verification,
    asked: frozenset[str] = frozenset(),
    across: Across | None = None,
) -> _SentenceCheck:
    """Verify one sentence, count the outcome in ``result`` and say how to fix its markers."""
    plain = clean_line(sentence)
    terms = content_terms(plain)
    if asked and terms and terms <= asked:
        # the question said again ("… กำหนดให้แจ้งบอกเลิกล่วงหน้ากี่วัน [4]") claims nothing: no citation
        return _SentenceCheck(remove=[n for n in parse_markers(plain) if n in passages], claim=False)
    if len(terms) < MIN_CHECKED_TERMS:
        return _SentenceCheck(claim=False)
    result.checked += 1
    cited = list(dict.fromkeys(parse_markers(plain)))
    candidates = cited or list(passages)
    good = [n for n in candidates if supports(plain, passages[n], asked)]
    foreign = [n for n in candidates if n not in good and not same_script(plain, passages[n])]
    if not cited and len(foreign) < len(candidates):  # same-script passages exist and none supports
        foreign = []
    # a passage in the other script is a candidate only when the sentence's numbers are in it
    held = [n for n in foreign if numbers_across(plain, passages[n])]
    # one that cannot be checked further (no ``across``) is excused, not removed
    remove = [n for n in cited if n not in good and (n not in held or across is not None)]
    if good:
        result.supported += 1
        best = _best(plain, good, passages) if not cited else None
        return _SentenceCheck(remove, best)
    if held and across is not None:
        bridged = [n for n in held if across(plain, passages[n])]
        if bridged:
            result.supported += 1
            return _SentenceCheck([n for n in remove if n not in bridged], bridged[0] if not cited else None)
    if held and across is None:
        result.unverified += 1
        return _SentenceCheck(remove)
    others = [n for n in passages if n not in cited and supports(plain, passages[n], asked)]
    if cited and others:
        best = _best(plain, others, passages)
        result.supported += 1
        result.recited.append((cited[0], best))
        return _SentenceCheck(remove, best)
    result.unsupported.append(strip_markers(plain).strip())
    return _SentenceCheck(remove, unsupported=True)


def _best(sentence: str, numbers: Sequence[int], passages: Mapping[int, str]) -> int:
    """The passage among ``numbers`` that shares most of the sentence's words."""
    return max(numbers, key=lambda n: support(sentence, passages[n]))


def _cited_later(text: str, end: int) -> bool:
    """True when the rest of the line after ``end`` holds a citation marker."""
    line_end = text.find("\n", end)
    return bool(MARKER.search(text[end : len(text) if line_end < 0 else line_end]))


def add_marker(sentence: str, n: int) -> str:
    """``sentence`` with ``[n]`` added at its end, before a final full stop or similar."""
    body = sentence.rstrip()
    tail = sentence[len(body) :]
    if body and body[-1] in ".!?":
        return f"{body[:-1]} [{n}]{body[-1]}{tail}"
    return f"{body} [{n}]{tail}"


_RE_LEADING_MARKERS = re.compile(
    rf"^(?P<lead>[ \t]*(?:[-*•]\s+)?)(?P<marks>(?:{MARKER.pattern}\s*)+)(?P<body>\S.*?)[ \t]*$", re.MULTILINE
)


def move_leading_markers(text: str) -> str:
    """Move markers that open a line ("[1] The plan …") to the end of that line ("The plan … [1]").

    Small models copy the "[n] passage" layout of the prompt; moving the markers keeps the
    usual "sentence [n]" form, which the sentence splitter attaches to the right sentence.
    """

    def move(match: re.Match[str]) -> str:
        marks = "".join(f"[{n}]" for n in dict.fromkeys(parse_markers(match.group("marks"))))
        body = match.group("body")
        if MARKER.search(body):  # the line already cites further on: leave it
            return match.group(0)
        return f"{match.group('lead')}{add_marker(body, 0).replace('[0]', marks)}"

    return _RE_LEADING_MARKERS.sub(move, text)
