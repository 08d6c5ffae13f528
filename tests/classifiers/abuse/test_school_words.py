"""Words of school life that look like swearing: "pestprotocol" is about pesten, not the
curse "pest-"; chickenpox and the plague in a history lesson are health talk."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "Wat staat er in het pestprotocol over plagen en pesten?",
        "Deze week tekenden alle brugklassen het anti-pestcontract.",
        "Weet iemand of de school een anti-pestcoördinator heeft?",
        "Er heersen waterpokken in de onderbouw; zwangere ouders, bel even uw huisarts.",
        "Biologie: hoe verspreidt een ziekte zich? Van de pest in de middeleeuwen tot corona.",
    ],
)
def test_school_words_are_no_swearing(judge, text: str) -> None:
    assert not judge.categories(text)


@pytest.mark.parametrize("text", ["De oplader van school is echt pesttraag", "krijg de pest"])
def test_the_curse_pest_is_still_read(judge, text: str) -> None:
    assert judge.categories(text)


def test_an_ordinary_word_one_letter_from_a_slur_is_not_the_slur(judge) -> None:
    text = "Kom kijken hoe de gemene heks het hele dorp in kikkers verandert!"
    assert "discrimination" not in judge.categories(text)


def test_a_misspelled_slur_is_still_read(judge) -> None:
    assert "discrimination" in judge.categories("jij bent een vieze nikkr")
