"""Discrimination: protected groups (origin, skin colour, religion, sex, orientation,
gender identity, disability) derogated, dehumanised, threatened, excluded or slurred.
The cases follow the functional tests of (Multilingual) HateCheck."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        # derogation: negative emotion and attributes
        ("Ik haat moslims.", "derogation"),
        ("Ik walg van homo's.", "derogation"),
        ("Vrouwen zijn waardeloos.", "derogation"),
        ("Ik vind transgenders walgelijk.", "derogation"),
        ("Volgens mij zijn alle vluchtelingen criminelen.", "derogation"),
        # negated positive statement
        ("Vrouwen zijn niet slim.", "derogation"),
        ("Gehandicapten zijn niet normaal.", "derogation"),
        # questions that carry hate
        ("Zijn alle moslims niet gewoon terroristen?", "derogation"),
        ("Waarom zijn vrouwen zo dom?", "derogation"),
        # dehumanisation
        ("Moslims zijn ongedierte.", "dehumanisation"),
        ("Vluchtelingen zijn beesten.", "dehumanisation"),
        # threats, direct and normative
        ("Ik ga alle homo's vermoorden.", "threat"),
        ("Alle moslims moeten worden afgeslacht.", "threat"),
        ("Dood aan alle joden.", "threat"),
        # exclusion
        ("Vluchtelingen moeten terug naar hun eigen land.", "exclusion"),
        ("Geen Marokkanen in onze klas.", "exclusion"),
        # slurs
        ("Vuile nikker.", "slur"),
        ("Die flikkers moeten weg.", "slur"),
    ],
)
def test_hate_against_a_protected_group(judge, text: str, subtype: str) -> None:
    flag = judge.flag(text, "discrimination")
    assert subtype in flag.subtypes or flag.subtype == subtype
    assert flag.protocol_ref in {"000 A.4", "002 A.8"}


@pytest.mark.parametrize(
    "text",
    [
        "Ik ken veel moslims. Het zijn allemaal dieven.",
        "Ik heb een paar homo's ontmoet. Ze zijn allemaal ziek in hun hoofd.",
    ],
)
def test_pronoun_reference_across_sentences(judge, text: str) -> None:
    assert "discrimination" in judge.categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ik haat m0sl1ms.",  # leet
        "Ik haat moslms.",  # dropped letter
        "Ik haat mos lims.",  # space added
        "Ik haat moslimss.",  # letter added
        "Vrouwen zijn w a a r d e l o o s.",  # spaced letters
        "Ik haat kutmarokkanen",  # curse compound
    ],
)
def test_spelling_variants_are_still_discrimination(judge, text: str) -> None:
    assert "discrimination" in judge.categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # neutral and positive identity mentions
        "Ik hou van moslims.",
        "Homo's zijn geweldig.",
        "Ik ben een trotse moslim.",
        "Er wonen veel moslims in mijn straat.",
        "Vandaag is het Paarse Vrijdag: iedereen is welkom, ook lhbti-leerlingen.",
        "Onze nieuwkomersklas heeft een iftar georganiseerd.",
        "Homo's zijn ook gewoon mensen.",
        # negated hateful statements
        "Moslims zijn geen dieven.",
        "Vluchtelingen zijn geen criminelen.",
        "Niet alle moslims zijn terroristen.",
        "Ik zou nooit zeggen dat vrouwen dom zijn.",
        # counter-speech by quote and by reference
        '"Moslims zijn tuig." Zulke uitspraken zijn racistisch.',
        "Zeggen dat vrouwen dom zijn is seksistisch.",
        "Hij werd uitgescholden voor flikker, dat kan echt niet.",
        # abuse of objects and of non-protected groups
        "Ik haat deze printer.",
        "Politici zijn allemaal leugenaars.",
        "Ajax-fans zijn tuig.",
        "Leraren zijn lui.",
    ],
)
def test_not_discrimination(judge, text: str) -> None:
    assert "discrimination" not in judge.categories(text)


def test_abuse_of_one_person_is_bullying_not_discrimination(judge) -> None:
    categories = judge.categories("Jij bent echt een sukkel")
    assert "bullying" in categories
    assert "discrimination" not in categories


def test_slur_thrown_at_a_pupil_is_both(judge) -> None:
    assert {"bullying", "discrimination"} <= judge.categories("jij bent gewoon een vuile nikker")


def test_spans_cover_group_and_derogation(judge) -> None:
    text = "Moslims zijn ratten."
    assert judge.flagged_words(text, "discrimination") == ["Moslims", "ratten"]
