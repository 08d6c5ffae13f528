"""Profanity: swearing and disease curses not aimed at anyone; health talk is not."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "subtype", "word"),
    [
        ("Kut, bus gemist.", "swearing", "Kut"),
        ("kankerleuk feest was het", "disease_curse", "kankerleuk"),
        ("die kankerprinter doet het weer niet", "disease_curse", "kankerprinter"),
        ("tering wat een hitte", "disease_curse", "tering"),
        ("godverdomme, weer regen", "swearing", "godverdomme"),
        ("wat een kutweer", "swearing", "kutweer"),
    ],
)
def test_untargeted_swearing_is_profanity_not_bullying(
    judge, text: str, subtype: str, word: str
) -> None:
    flag = judge.flag(text, "profanity")
    assert flag.subtype == subtype
    assert flag.protocol_ref == "003 A.1"
    assert judge.flagged_words(text, "profanity") == [word]
    assert "bullying" not in judge.categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mijn oma heeft kanker.",
        "We lopen mee voor KWF Kankerbestrijding.",
        "Mijn tante heeft borstkanker, ze krijgt chemo.",
        "Kanker is een ziekte die iedereen kan krijgen.",
        "Vroeger noemden ze tuberculose 'de tering'.",
    ],
)
def test_health_talk_is_not_profanity(judge, text: str) -> None:
    categories = judge.categories(text)
    assert "profanity" not in categories
    assert "bullying" not in categories


def test_death_wish_is_bullying_and_not_counted_as_swearing(judge) -> None:
    categories = judge.categories("krijg de tering")
    assert categories == {"bullying"}
