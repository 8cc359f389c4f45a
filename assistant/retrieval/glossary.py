"""A Thai ↔ English glossary of the domain, used to search in both languages without a translation model.

Usage:
    >>> from assistant.retrieval.glossary import Glossary
    >>> glossary = Glossary.load(Path("corpus"))
    >>> glossary.translate("What rights do persons with disabilities have?", "th")
    'สิทธิ คนพิการ'

The terms come from four places, the first three data in ``corpus/``:

* ``glossary.yaml`` – the team's curated list of the domain's vocabulary;
* ``framework/framework.yaml`` – every bilingual ``{th, en}`` name of the framework
  (components, steps, factors, …);
* the parallel corpus files (``x.th.md`` beside ``x.en.md``): their titles and their
  headings, paired in order when both files have the same number of headings;
* PyThaiNLP's Thai–English transliteration dictionary (about 3,600 loanwords such as
  คอมพิวเตอร์ → computer, ออนไลน์ → online), which ships with the package: from Thai to
  English only, and curated terms win where both have a form.

A translation is the preferred form of every term found in the text, in the order they
occur (longest match first, no overlaps), followed by the numbers and Latin acronyms of
the text, which read the same in both languages. It is a bag of search words, not a
sentence: good for keyword search across scripts, a hint for the dense search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from assistant.datafiles import load_mapping, load_yaml

_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[ivx]+[.)])\s+", re.I)
_EN_WORD = re.compile(r"[a-z][a-z'\-]*")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,9}\b|\b\d[\d.,/:\-]*\b")


@dataclass(frozen=True)
class Term:
    """One concept: its English forms and its Thai forms, the preferred one first.

    A ``loanword`` translates Thai to English only: Thai spells few English words the way the
    dictionary does (a document says งบประมาณ, not บัดจิต, for "budget").
    """

    en: tuple[str, ...]
    th: tuple[str, ...]
    loanword: bool = False


def _stem(word: str) -> str:
    """An English word without its endings ("schools" → "school", "policies" → "polici")."""
    from assistant.grounding import stem

    return stem(word)


def _meaningful(form: str) -> bool:
    """False for an English form made only of common words ("Do", "and"): it would match any question."""
    from ingest.lexical import tokenize

    return bool(tokenize(form))


def _en_key(text: str) -> tuple[str, ...]:
    return tuple(_stem(w) for w in _EN_WORD.findall(text.lower()))


class Glossary:
    """Thai and English terms, looked up in either direction."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = [t for t in terms if t.en and t.th]
        self._th = sorted(
            ((form, t) for t in self.terms for form in t.th if len(form) >= 2), key=lambda p: -len(p[0])
        )
        en = [(_en_key(form), t) for t in self.terms if not t.loanword for form in t.en if _meaningful(form)]
        self._en = sorted((p for p in en if p[0]), key=lambda p: -len(p[0]))
        self._en_by_first: dict[str, list[tuple[int, tuple[str, ...], Term]]] = {}
        for rank, (key, term) in enumerate(self._en):
            self._en_by_first.setdefault(key[0], []).append((rank, key, term))

    def __len__(self) -> int:
        return len(self.terms)

    @classmethod
    def load(cls, corpus_dir: Path) -> Glossary:
        """The curated glossary plus the pairs found in the framework and the parallel corpus files."""
        corpus_dir = Path(corpus_dir)
        terms: list[Term] = []
        curated = corpus_dir / "glossary.yaml"
        if curated.is_file():
            data = load_mapping(curated)
            for entry in data.get("terms") or []:
                terms.append(Term(_forms(entry.get("en")), _forms(entry.get("th"))))
        framework = corpus_dir / "framework" / "framework.yaml"
        if framework.is_file():
            terms.extend(_framework_pairs(load_yaml(framework)))
        terms.extend(_parallel_headings(corpus_dir))
        terms.extend(_loanwords())
        return cls(terms)

    def find(self, text: str, language: str) -> list[Term]:
        """The terms whose ``language`` form occurs in ``text``, in order, longest match first."""
        found: list[tuple[int, Term]] = []
        if language == "th":
            taken = [False] * len(text)
            for form, term in self._th:
                if form not in text:  # a cheap test first: most forms are not in a given text
                    continue
                for match in re.finditer(re.escape(form), text):
                    a, b = match.span()
                    if not any(taken[a:b]):
                        taken[a:b] = [True] * (b - a)
                        found.append((a, term))
        else:
            words = [_stem(w) for w in _EN_WORD.findall(text.lower())]
            taken = [False] * len(words)
            # every place a form starts, then taken in the glossary's order (longest form first)
            matches = sorted(
                (rank, i, key, term)
                for i, word in enumerate(words)
                for rank, key, term in self._en_by_first.get(word, ())
                if tuple(words[i : i + len(key)]) == key
            )
            for _, i, key, term in matches:
                n = len(key)
                if not any(taken[i : i + n]):
                    taken[i : i + n] = [True] * n
                    found.append((i, term))
        seen: set[int] = set()
        out = []
        for _, term in sorted(found, key=lambda p: p[0]):
            if id(term) not in seen:
                seen.add(id(term))
                out.append(term)
        return out

    def translate(self, text: str, target: str, carry: bool = True) -> str:
        """The text's terms in the ``target`` language ("th" or "en"), with (``carry``) its numbers."""
        source = "en" if target == "th" else "th"
        words = [(t.th if target == "th" else t.en)[0] for t in self.find(text, source)]
        extras = [m.group(0) for m in _ACRONYM.finditer(text)] if carry else []
        return " ".join(dict.fromkeys([*words, *extras])).strip()


def _forms(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else list(value)
    return tuple(" ".join(str(v).split()) for v in values if str(v).strip())


def _framework_pairs(data: Any) -> list[Term]:
    """Every ``{th: …, en: …}`` pair of short strings in the framework file (names, titles)."""
    out: list[Term] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            th, en = node.get("th"), node.get("en")
            if isinstance(th, str) and isinstance(en, str) and len(th) <= 60 and len(en) <= 80:
                out.append(Term((en.strip(),), (th.strip(),)))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return out


def _headings(path: Path) -> tuple[str, list[str]]:
    """A Markdown file's front-matter title and its headings (numbering removed), in order."""
    text = path.read_text(encoding="utf-8")
    title = ""
    front = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if front:
        meta = yaml.safe_load(front.group(1)) or {}
        title = str(meta.get("title") or "") if isinstance(meta, dict) else ""
        text = text[front.end() :]
    heads = [_NUMBERING.sub("", m.group(1)).strip() for m in re.finditer(r"^#{1,6}\s+(.+?)\s*$", text, re.M)]
    return title, heads


def _parallel_headings(corpus_dir: Path) -> list[Term]:
    """Titles and headings of ``x.th.md`` and ``x.en.md`` paired in order (when the counts agree)."""
    out: list[Term] = []
    for th_file in sorted(corpus_dir.rglob("*.th.md")):
        en_file = th_file.with_name(th_file.name[: -len(".th.md")] + ".en.md")
        if not en_file.is_file():
            continue
        th_title, th_heads = _headings(th_file)
        en_title, en_heads = _headings(en_file)
        if th_title and en_title:
            out.append(Term((en_title,), (th_title,)))
        if len(th_heads) == len(en_heads):
            out.extend(Term((e,), (t,)) for t, e in zip(th_heads, en_heads, strict=True) if t and e)
    return out


LOANWORD_MIN_THAI = 4
"""Shorter Thai loanwords ("เชน") occur inside unrelated words, and Thai forms match anywhere."""


def _loanwords() -> list[Term]:
    """English loanwords and their Thai spellings from PyThaiNLP's transliteration dictionary.

    Thai writes many of the domain's words as English loanwords (เกรด, ออนไลน์, เทคโนโลยี);
    their pairs let a question in one language find them in the other. Empty when PyThaiNLP
    does not have the dictionary.
    """
    try:
        from pythainlp.corpus.th_en_translit import get_transliteration_dict

        pairs = get_transliteration_dict()
    except (ImportError, OSError, ValueError):
        return []
    out: list[Term] = []
    for thai, forms in pairs.items():
        english = tuple(
            str(e).strip() for e in forms.get("en", []) if e and len(str(e)) >= 3 and len(str(e).split()) <= 3
        )
        if english and len(thai) >= LOANWORD_MIN_THAI:
            out.append(Term(english, (thai,), loanword=True))
    return out


@cache
def load_glossary(corpus_dir: str) -> Glossary:
    """The glossary of a corpus folder, loaded once per process."""
    return Glossary.load(Path(corpus_dir))
