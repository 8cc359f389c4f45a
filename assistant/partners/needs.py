"""A school's needs text: split into separate needs, and each need's search terms and query."""

from __future__ import annotations

import re

from assistant.partners.wording import domain_text, say


class EmptyNeedsError(ValueError):
    """The needs text holds no need; the message says what to type (in Thai, then English)."""


_SEPARATORS = re.compile(r"[\n\r;•·●▪|]+|(?:^|\s)(?:\d{1,2}[.)]|[-*])\s+|[,،、]\s*")


def split_needs(text: str) -> list[str]:
    """Separate needs in free Thai or English text: lines, ``;``, bullets, commas, then conjunctions.

    A conjunction (``และ``, ``and``, … from ``prompts/partners.yaml``) splits only when both sides
    keep at least ``min_terms`` search terms, so "math and science teachers" stays one need.
    Thai clauses separated by a space are split when both sides are Thai and long enough.
    Raises :class:`EmptyNeedsError` when nothing is left.
    """
    pieces = [p.strip(" .\t") for p in _SEPARATORS.split(text or "")]
    needs: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        for clause in _split_thai_spaces(piece):
            needs.extend(_split_conjunctions(clause))
    needs = [n for n in dict.fromkeys(n.strip(" .") for n in needs) if n and _has_word(n)]
    if not needs:
        raise EmptyNeedsError(f"{say('empty_needs', 'th')} / {say('empty_needs', 'en')}")
    return needs


def _has_word(text: str) -> bool:
    return bool(re.search(r"[\w\u0E00-\u0E7F]", text))


def _split_thai_spaces(text: str) -> list[str]:
    """Thai writes clause breaks as spaces: split there when both sides are Thai clauses of 4+ letters."""
    parts = re.split(r"\s+", text)
    if len(parts) < 2:
        return [text]
    out = [parts[0]]
    for part in parts[1:]:
        prev = out[-1]
        if _ends_thai(prev) and _starts_thai(part) and len(prev) >= 4 and len(part) >= 4:
            out.append(part)
        else:
            out[-1] = f"{prev} {part}"
    return out


def _ends_thai(text: str) -> bool:
    return bool(text) and "\u0e00" <= text[-1] <= "\u0e7f"


def _starts_thai(text: str) -> bool:
    return bool(text) and "\u0e00" <= text[0] <= "\u0e7f"


def _split_conjunctions(text: str) -> list[str]:
    from ingest.lexical import tokenize

    data = domain_text()
    minimum = data.get("min_terms", {"th": 2, "en": 3})
    words = sorted((str(w) for w in data.get("conjunctions", [])), key=len, reverse=True)
    thai = [re.escape(w) for w in words if _starts_thai(w)]
    latin = [re.escape(w) for w in words if not _starts_thai(w)]
    alternatives = [*thai, *(rf"\b{w}\b" for w in latin)]
    if not alternatives:
        return [text]
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    lead = re.compile(rf"^(?:{'|'.join(alternatives)})\s*", re.IGNORECASE)
    text = lead.sub("", text).strip()

    def enough(side: str) -> bool:
        need = int(minimum["th" if any("\u0e00" <= ch <= "\u0e7f" for ch in side) else "en"])
        return len(tokenize(side)) >= need

    for match in pattern.finditer(text):
        left, right = text[: match.start()].strip(), text[match.end() :].strip()
        if left and right and enough(left) and enough(right):
            return [*_split_conjunctions(left), *_split_conjunctions(right)]
    return [text]


def search_terms(text: str) -> list[str]:
    """A need's or a text's BM25 terms: :func:`ingest.lexical.tokenize`, English plurals folded."""
    from ingest.lexical import tokenize

    return [stem(t) for t in tokenize(text)]


def stem(term: str) -> str:
    """Fold simple English plurals (``internships`` → ``internship``, ``libraries`` → ``library``)."""
    if not term.isascii() or not term.isalpha() or len(term) <= 3:
        return term
    if term.endswith("ies") and len(term) > 4:
        return term[:-3] + "y"
    if term.endswith(("sses", "shes", "ches", "xes")):
        return term[:-2]
    if term.endswith("s") and not term.endswith(("ss", "us", "is")):
        return term[:-1]
    return term


def query_text(need: str) -> str:
    """The need as searched: the words that only say "we need" (``prompts/partners.yaml``) removed."""
    fillers = sorted((str(w) for w in domain_text().get("filler_words", [])), key=len, reverse=True)
    if not fillers:
        return need
    thai = [re.escape(w) for w in fillers if _starts_thai(w)]
    latin = [rf"\b{re.escape(w)}\b" for w in fillers if not _starts_thai(w)]
    cleaned = re.sub("|".join([*thai, *latin]), " ", need, flags=re.IGNORECASE)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned if _has_word(cleaned) else need
