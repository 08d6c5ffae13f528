"""Discrimination rules that generalise beyond single words: slurs thrown at a person,
sexist slurs, wider group and attribute lexicons, references to a group across sentences,
and negated hate that must stay unflagged. Sentences are written for these tests, not
taken from the corpus."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "Hé spast, ga jij eens aan de kant",
        "Wat zit je te kijken, vuile mongool",
        "Bram de mongool van 3C weer",
        "Lotte is echt een sletje",
    ],
)
def test_a_slur_thrown_at_a_person_is_discrimination_and_bullying(judge, text):
    categories = judge.categories(text)
    assert "discrimination" in categories
    assert "bullying" in categories
    assert judge.flag(text, "discrimination").subtype == "slur"


@pytest.mark.parametrize(
    "text",
    [
        "Die hoertjes uit de brugklas verpesten het feest",
        "Weer die poepchinezen bij de ingang",
    ],
)
def test_plural_slurs_for_a_group_are_discrimination(judge, text):
    assert judge.flag(text, "discrimination").subtype == "slur"


@pytest.mark.parametrize(
    "text",
    [
        "Je bent geen mongool, je hebt gewoon pech gehad met die som.",
        "Noem niemand een spast, dat is kwetsend voor mensen met een beperking.",
        "Die mongool-grap van Kees vond ik echt niet oké, zeg dat niet meer.",
    ],
)
def test_a_denied_or_rejected_slur_is_not_flagged(judge, text):
    assert "discrimination" not in judge.categories(text)
