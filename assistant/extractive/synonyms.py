"""Other words for a question's word, in the same language, from the domain glossary's forms.

Usage:
    >>> alternatives("ก่อตั้ง")                 # the glossary lists ก่อตั้ง and จัดตั้ง as one term
    (frozenset({'จัดตั้ง'}),)
    >>> alternatives("exam")
    (frozenset({'examin'}),)

A question asks "when was it ก่อตั้ง" and the report says "ประกาศจัดตั้ง … เมื่อวันที่ 15
มิถุนายน 2515"; a question says "exam" and the framework "examination". The glossary
(``corpus/glossary.yaml`` and the other sources :mod:`assistant.retrieval.glossary` reads) keeps
the forms of one concept together, the preferred one first; a sentence that holds another form
of a question's word holds the word (:meth:`assistant.extractive.terms.Terms.found`).

Only a word that is a whole form on its own has alternatives (a form of several words is
matched as a phrase by its own words), and an alternative that holds the word anyway adds
nothing, so it is left out.
"""

from __future__ import annotations

from functools import cache

from assistant import grounding as g


def alternatives(term: str, corpus_dir: str | None = None) -> tuple[frozenset[str], ...]:
    """The other forms of ``term`` (a content term), each as its content terms; () when it has none."""
    return synonym_index(corpus_dir or _default_corpus()).get(term, ())


@cache
def synonym_index(corpus_dir: str) -> dict[str, tuple[frozenset[str], ...]]:
    """Each one-word form of a glossary term → the term's other forms in the same language.

    An English form is its stemmed content words (all must be in a text); a Thai form is itself
    without spaces (found in a text's letters, as Thai terms are: words are not cut alike).
    """
    from assistant.retrieval.glossary import load_glossary

    index: dict[str, set[frozenset[str]]] = {}
    for entry in load_glossary(corpus_dir).terms:
        english = [g.content_terms(f) for f in entry.en] if len(entry.en) > 1 else []
        thai = [frozenset({"".join(f.split())}) for f in entry.th] if len(entry.th) > 1 else []
        for sets, letters in ((english, False), (thai, True)):
            sets = list(dict.fromkeys(s for s in sets if s))
            for words in sets:
                if len(words) != 1:
                    continue
                (word,) = words
                # a Thai form that holds the word's letters is found with it already
                others = {o for o in sets if not (o >= words or (letters and any(word in x for x in o)))}
                if others:
                    index.setdefault(word, set()).update(others)
    return {word: tuple(sorted(others, key=sorted)) for word, others in index.items()}


def _default_corpus() -> str:
    from assistant.settings import get_settings

    return str(get_settings().corpus_dir)
