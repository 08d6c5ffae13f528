"""Safety advice and intensifiers: words of harassment used to warn, or to praise."""

from __future__ import annotations

from functools import cache

import pytest

from classifiers.pipeline import Scorer


@cache
def full_scorer() -> Scorer:
    """Rules and the learned model: the guards exist to damp the model."""
    return Scorer()


def full_categories(text: str) -> set[str]:
    return {f.category for f in full_scorer().score(text).flags}


@pytest.mark.parametrize(
    "text",
    [
        "Vraagt iemand online om een foto van jou zonder kleren? Dat heet grooming. "
        "Praat erover met iemand die je vertrouwt of bel de Kindertelefoon.",
        "Er gaat een naaktfoto rond van een leerling. Doorsturen is strafbaar.",
    ],
)
def test_a_safety_message_is_not_harassment(judge, text: str) -> None:
    assert "bullying" not in judge.categories(text)
    assert "bullying" not in full_categories(text)


def test_an_insult_next_to_a_helpline_is_still_an_insult(judge) -> None:
    text = "Ga maar huilen bij de Kindertelefoon, jij zielige loser"
    assert judge.flag(text, "bullying").subtype == "insult"


def test_the_same_request_without_the_advice_is_harassment(judge) -> None:
    assert judge.flag("stuur eens een foto in je ondergoed", "bullying").subtype == \
        "sexual_harassment"


@pytest.mark.parametrize("text", ["je bent gestoord goed op die gitaar",
                                  "bro je bent echt gestoord goed in fifa"])
def test_a_negative_word_before_praise_only_intensifies(judge, text: str) -> None:
    assert not judge.categories(text) & {"bullying", "discrimination"}
    # the learned model alone reads "gestoord" as derogation; the guard damps it
    assert not full_categories(text) & {"bullying", "discrimination"}


def test_a_negative_word_said_of_a_situation_is_no_insult(judge) -> None:
    text = "sterkte allemaal, het is zo oneerlijk dat hij er niet meer is"
    assert "bullying" not in judge.categories(text)
