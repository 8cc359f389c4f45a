"""The question's terms weighted by rarity (:class:`Terms`), and whether a text is about them."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from assistant import grounding as g
from assistant.extractive.questions import Question
from assistant.extractive.skeleton import Piece
from assistant.extractive.synonyms import alternatives
from assistant.retrieval.abbreviations import load_abbreviations
from ingest.lexical import digit_twin


def _found(terms: dict[str, float], text: str) -> frozenset[str]:
    """The terms that ``text`` holds: as words, or for Thai terms anywhere in it.

    Thai is written without spaces and its compounds are cut differently from one text to the
    next ("มีประโยชน์" in a question, "ประโยชน์" in a passage), so a Thai term counts when its
    letters occur in the text, or when it ends with a word the text holds.
    """
    words = g.content_terms(text)
    extra = {t for t in terms if _is_thai_term(t) and t not in words and (t in text or _thai_tail(t, words))}
    table = load_abbreviations()
    # an abbreviation of the question is found where the text spells it out (มรภ. = มหาวิทยาลัยราชภัฏ)
    spelled = {t for t in terms if t in table and t not in words and table[t] in text}
    return words | frozenset(extra) | frozenset(spelled)


_DEFINES = re.compile(
    r"(?P<long>(?:[A-Z][A-Za-z'’&\-]*\s+(?:(?:of|and|for|the|in|on|to|&)\s+)*){1,9})"
    r"\(\s*(?P<short>[A-Z][A-Za-z]{1,9})\s*\)"
)
"""A name followed by its abbreviation in brackets: "Education Outcomes Fund (EOF)"."""


def defined_abbreviations(texts: Sequence[str]) -> dict[str, frozenset[str]]:
    """The abbreviations ``texts`` define ("… Innovation Challenge (SLEIC)"), each with its full
    form's content terms: the initials of the name's capitalised words must spell it.

    A report names a thing in full once and by its letters after; a sentence that says "SLEIC
    has contracted …" is about the "Sierra Leone Education Innovation Challenge" a question names.
    """
    out: dict[str, frozenset[str]] = {}
    for text in texts:
        for match in _DEFINES.finditer(" ".join(text.split())):
            short = match.group("short")
            letters = "".join(ch for ch in short if ch.isupper())
            words = match.group("long").split()
            capitals = [i for i, w in enumerate(words) if w[:1].isupper()]
            if len(letters) < 2 or len(capitals) < len(letters):
                continue
            first = capitals[-len(letters)]
            if "".join(words[i][0] for i in capitals[-len(letters) :]).upper() != letters.upper():
                continue
            full = g.content_terms(" ".join(words[first:]))
            if len(full) >= 2:
                out.setdefault(short.lower(), full)
    return out


def _holds(form: frozenset[str], words: frozenset[str], text: str) -> bool:
    """Whether a text holds every word of a glossary form (a Thai one anywhere in its letters)."""
    return all(w in words or (_is_thai_term(w) and w in text) for w in form)


def _thai_tail(term: str, words: frozenset[str]) -> bool:
    return any(len(w) >= 4 and _is_thai_term(w) and term.endswith(w) for w in words)


def _is_thai_term(term: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in term)


@dataclass(frozen=True)
class Terms:
    """The question's terms with a weight each: a term found in few chunks of the index weighs more.

    ``weights`` covers the question's words and its translation's (so a Thai sentence can
    answer an English question); ``absent`` holds the question's words that no chunk of the
    index contains at all, which a passage therefore cannot be about.
    """

    weights: dict[str, float]
    absent: frozenset[str] = frozenset()
    own: frozenset[str] = frozenset()  # the question's own terms (the rest came by translation)
    defined: dict[str, frozenset[str]] = field(default_factory=dict)  # see defined_abbreviations
    synonyms: dict[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    """A term's other forms in the glossary (:mod:`~assistant.extractive.synonyms`): a text that
    holds one holds the term."""

    @classmethod
    def of(
        cls,
        question: Question,
        translated: str,
        pieces: Sequence[Piece],
        counts: dict[str, int] | None = None,
        total: int = 0,
    ) -> Terms:
        """Weights from index-wide chunk counts (``counts`` per term, ``total`` chunks), else the pieces'."""
        asked = set(question.terms) | set(g.content_terms(translated))
        weights: dict[str, float] = {}
        absent: set[str] = set()
        # an abbreviation is found where its full form is (see _found), so it is as rare as that
        spelled = {t: g.content_terms(full) for t, full in load_abbreviations().items() if t in asked}
        if counts:
            n = max(1, total)
            for term in asked:
                df = counts.get(term, counts.get(digit_twin(term)))
                if df is None:
                    df = max((v for k, v in counts.items() if g.stem(k) == term), default=None)
                if spelled.get(term):  # the full form is in at most as many chunks as its rarest word
                    df = max(df or 0, min(counts.get(w) or 0 for w in spelled[term]))
                if df == 0 and term in question.terms:
                    absent.add(term)
                elif df == 0:
                    continue  # a word of the translation no chunk holds tells nothing apart
                weights[term] = math.log(1 + n / (1 + (df if df is not None else 1))) + 0.2
        else:
            docs = [g.content_terms(p.text + " " + " ".join(p.trail)) for p in pieces]
            n = max(1, len(docs))
            for term in asked:
                df = sum(term in d or bool(spelled.get(term, set()) & d) for d in docs)
                weights[term] = math.log(1 + n / (1 + df)) + 0.2
        defined = defined_abbreviations([p.text for p in pieces])
        # the question's own words only: a translation's words are the glossary's preferred forms already
        synonyms = {t: found for t in weights if t in question.terms and (found := alternatives(t))}
        return cls(weights, frozenset(absent), frozenset(question.terms), defined, synonyms)

    def with_topic(self, topic: Terms, weight: float = 0.15) -> Terms:
        """These terms plus ``topic``'s others at ``weight`` of their own: a part of a compound question
        ("… how many trainees, and what budget?") is about the subject its first part names."""
        extra = {
            t: w * weight for t, w in topic.weights.items() if t not in self.weights and t not in topic.absent
        }
        return replace(self, weights={**self.weights, **extra}, synonyms={**topic.synonyms, **self.synonyms})

    def share(self, text: str, skip: frozenset[str] = frozenset()) -> float:
        """The weighted share of the question's terms (those not in ``skip``) found in ``text`` (0..1)."""
        found = self.found(text)
        best = 0.0
        for script in self._script_pools(text):
            weights = {t: w for t, w in script.items() if t not in skip}
            if not weights:
                weights = script  # the question is about the document itself: judge by all its words
            total = sum(weights.values())
            if total:
                best = max(best, sum(w for t, w in weights.items() if t in found) / total)
        return best

    def found(self, text: str) -> frozenset[str]:
        """The question's terms ``text`` holds (see :func:`_found`); an abbreviation the context
        defines stands for its full form's words, and its full form for it."""
        found = _found(self.weights, text)
        if not self.defined and not self.synonyms:
            return found
        words = g.content_terms(text)
        extra: set[str] = set()
        for term, forms in self.synonyms.items():
            if term not in found and any(_holds(form, words, text) for form in forms):
                extra.add(term)  # "จัดตั้ง" where the question says "ก่อตั้ง", "examination" for "exam"
        for short, full in self.defined.items():
            if short in words:
                extra |= full & self.weights.keys()
            if short in self.weights and full <= words:
                extra.add(short)
        return found | extra

    def _script_pools(self, text: str) -> list[dict[str, float]]:
        """The term pools ``text`` is judged by: its script's terms, or for mixed text each script's.

        A Thai paragraph that cites "Inthachue (2020)" is mixed by its letters, yet it answers
        the question in Thai; it is judged by the better of the Thai and the English terms.
        """
        from assistant.grounding import thai_share

        share = thai_share(text)
        if share is None or not 0.2 < share < 0.8:
            return [self._script_terms(text)]
        pools = [
            {t: w for t, w in self.weights.items() if _is_thai_term(t) == thai or t.isdigit()}
            for thai in (True, False)
        ]
        return [p for p in pools if p] or [self.weights]

    def _script_terms(self, text: str) -> dict[str, float]:
        """The weights of the terms that can occur in ``text``: those of its script (all for mixed text).

        A Thai question's English translation cannot match a Thai sentence, and counting it
        would only lower every Thai sentence's share alike.
        """
        from assistant.grounding import thai_share

        share = thai_share(text)
        if share is None or 0.2 < share < 0.8:
            return self.weights
        thai = share >= 0.8
        pool = {t: w for t, w in self.weights.items() if _is_thai_term(t) == thai or t.isdigit()}
        return pool or self.weights

    def localised(self, texts: Sequence[str]) -> Terms:
        """These weights scaled by how rare each term is among ``texts`` (the context's sentences).

        Words that name the document (its parties, its title) recur in many of its sentences
        and tell them apart poorly; the word the question asks about ("สิ้นสุด", "guarantee")
        is in few. A term in every sentence keeps 0.4 of its weight, one in a single sentence
        about 1.3 of it.
        """
        found = [g.content_terms(t) for t in texts]
        n = max(1, len(found))
        scale = {}
        for term in self.weights:
            sf = sum(term in f for f in found)
            scale[term] = 0.4 + 0.9 * math.log(1 + n / (1 + sf)) / math.log(1 + n / 1)
        return replace(self, weights={t: w * scale[t] for t, w in self.weights.items()})

    def focus(self, text: str = "") -> set[str]:
        """The question's heaviest terms in the script of ``text``: the ones an answer must be about.

        For a passage in the question's own script these are the question's words; for one in
        the other script, the translation's.
        """
        from assistant.grounding import same_script

        pool = {t: w for t, w in self.weights.items() if not text or same_script(t, text)}
        pool = pool or dict(self.weights)
        ranked = sorted(pool.values(), reverse=True)
        cut = ranked[min(len(ranked) - 1, max(0, len(ranked) // 3))]
        return {t for t, w in pool.items() if w >= cut}


def names_match(question: Question, terms: Terms, window: str) -> bool:
    """False when the question names something exact the window does not hold: a number of the
    question (years may be in the other era), or a code or Latin name no chunk of the index holds.

    Only the sentence that asks counts: the sentences before it set the scene.
    """
    latin_window = (g.thai_share(window) or 0.0) < 0.5
    asking = question.terms & g.content_terms(_asking_sentence(question.text))
    if any(_identifier(t, latin_window) for t in terms.absent & asking):
        return False
    asked = g.numbers_of(_asking_sentence(question.text))
    return asked <= g.numbers_of(window) | _years_both_ways(asked)


def _asking_sentence(text: str) -> str:
    """The sentence of a question that asks: the last one. Sentences before it set the scene
    ("Our Grade 11 students will do a placement at a hotel."), and their numbers describe the
    asker's case, not something the documents must name."""
    return re.split(r"(?<=[a-z0-9][.!?])\s+(?=[A-Z])", text.strip())[-1]


def about(terms: Terms, window: str, share: float) -> bool:
    """Whether ``window`` holds at least ``share`` of the weight of the question's heaviest terms."""
    focus = terms.focus(window)
    if not focus:
        return True
    found = terms.found(window)
    return sum(terms.weights[t] for t in focus if t in found) / sum(terms.weights[t] for t in focus) >= share


def _identifier(term: str, latin_window: bool = True) -> bool:
    """A term that names something exactly: it has a digit, or (over English text) it is a Latin name.

    Over a Thai passage a Latin name of the question ("Rambhai Barni") is only its spelling in
    the other script, so there only numbers and codes count.
    """
    latin_name = bool(re.fullmatch(r"[a-z][a-z0-9\-]{2,}", term))
    return any(ch.isdigit() for ch in term) or (latin_window and latin_name)


def _years_both_ways(numbers: set[str]) -> set[str]:
    """Question numbers that are years in the other era (2017 ↔ 2560): not required verbatim."""
    return {n for n in numbers if n.isdigit() and (1900 <= int(n) <= 2100 or 2443 <= int(n) <= 2643)}
