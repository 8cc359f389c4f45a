"""The question's terms: rarity weights, and abbreviations a document defines for itself."""

from __future__ import annotations

from assistant.extractive import Piece, compose
from assistant.extractive.questions import analyse
from assistant.extractive.terms import Terms, defined_abbreviations

BRIEF = (
    "In 2024 the province opened the Rural Reading Recovery Programme (RRRP) with ten partner "
    "schools and a library van.\n\n"
    "Budget news was mixed this year, and the van needed repairs twice.\n\n"
    "RRRP has contracted three providers – Book Bridge, Hill Tutors and the Lantern Trust – to run "
    "weekly reading clubs for children aged 7 to 10.\n"
)


def test_an_abbreviation_is_defined_only_when_its_letters_spell_the_name_before_it() -> None:
    defined = defined_abbreviations([BRIEF, "a club for readers (CFR) and Hill Tutors (XY)"])
    assert defined["rrrp"] == {"rural", "read", "recoveri", "programm"}  # stemmed content words
    assert "xy" not in defined and "cfr" not in defined  # initials that do not spell it


def test_a_sentence_that_uses_the_abbreviation_holds_the_names_words() -> None:
    question = analyse("Which providers were contracted for the Rural Reading Recovery Programme?")
    terms = Terms.of(question, "", [Piece(1, BRIEF, 0)])
    assert terms.share("RRRP has contracted three providers") > terms.share("three providers were named")
    rendered = compose(question, [Piece(1, BRIEF, 0)]).render()
    assert "Lantern Trust" in rendered
