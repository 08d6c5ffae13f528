"""Discrimination rules that generalise beyond single words: slurs thrown at a person,
sexist slurs, wider group and attribute lexicons, references to a group across sentences,
and negated hate that must stay unflagged. Sentences are written for these tests, not
taken from the corpus."""

from __future__ import annotations

import pytest

from classifiers.pipeline import Scorer


@pytest.mark.parametrize(
    "text",
    [
        "Hé spast, ga jij eens aan de kant",
        "Wat zit je te kijken, vieze flikker",
        "Bram de flikker van 3C weer",
        "Lotte is echt een nicht",  # a homonym said of a person reads as the slur
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
        "Wat zit je te kijken, vuile mongool",
        "Bram de mongool van 3C weer",
        "Lotte is echt een sletje",
    ],
)
def test_a_plain_insult_thrown_at_a_person_is_bullying_only(judge, text):
    # "mongool" and "sletje" are used in Dutch as general insults; the corpus labels them
    # bullying/insult when thrown at one person (classifiers/data/README.md, labelling rules)
    categories = judge.categories(text)
    assert "bullying" in categories
    assert "discrimination" not in categories


@pytest.mark.parametrize("text", ["die mongolen van de speciale klas", "al die sletjes op insta",
                                  "Gehandicapten zijn mongolen"])
def test_the_same_words_said_of_the_group_are_discrimination(judge, text):
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


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        # an elliptic follow-up sentence is about the group just named
        ("Op ons plein hangen altijd Polen rond. Allemaal profiteurs.", "derogation"),
        ("Ik heb Afghanen in de straat. Allemaal ongedierte.", "dehumanisation"),
        # reported speech the speaker agrees with is the speaker's own view
        ("Mijn oom zegt dat Roma allemaal oplichters zijn en hij heeft gelijk.", "derogation"),
        # a threat because someone belongs to a group
        ("Sanne is lesbienne, dus ze krijgt morgen klappen.", "threat"),
        ("Voor asielzoekers is er maar één oplossing.", "threat"),
        # negative attributes from the wider lexicon
        ("Antillianen zijn gewoon luidruchtig en onbeschaafd.", "derogation"),
        ("Waarom zijn Oekrainers altijd zo opdringerig?", "derogation"),
        ("Die Poolse ouders snappen er niks van.", "derogation"),
        # plural slurs are aimed at the group
        ("Het hele plein staat vol spassers.", "slur"),
    ],
)
def test_general_forms_of_group_hate_are_flagged(judge, text, subtype):
    assert judge.flag(text, "discrimination").subtype == subtype


@pytest.mark.parametrize(
    "text",
    [
        # neutral or positive mentions next to an elliptic sentence
        "Ik ken veel Polen. Allemaal harde werkers.",
        # reported speech the speaker rejects
        "Mijn oom zegt dat Roma allemaal oplichters zijn, maar dat is onzin.",
        # a negated negative claim is no hate
        "Antillianen zijn niet luidruchtig, dat is een vooroordeel.",
        "Het is niet zo dat Surinamers lui zijn.",
        # non-protected groups
        "Politici snappen er niks van.",
        "Die Ajax-fans zijn allemaal luidruchtig.",
    ],
)
def test_negated_reported_and_non_protected_cases_stay_unflagged(judge, text):
    assert "discrimination" not in judge.categories(text)


def test_a_generalised_dehumanising_word_next_to_a_group_sentence_is_flagged(judge):
    text = "Men noemt Eritreeers gewone buren. Ik zie alleen ongedierte."
    assert judge.flag(text, "discrimination").subtype == "dehumanisation"


def test_animals_next_to_a_group_sentence_without_a_verdict_are_not_flagged(judge):
    text = "We gingen met de vluchtelingen naar de dierentuin. De apen waren grappig."
    assert "discrimination" not in judge.categories(text)


def test_a_plural_misogynist_slur_is_discrimination(judge):
    text = "Op dat feest waren alleen maar wijven"
    assert judge.flag(text, "discrimination").subtype == "slur"


@pytest.mark.parametrize(
    "text",
    [
        "Ik neem een knuppel mee voor die moslims, zaterdag gebeurt het.",
        "Als ik een transgender zie op het plein, sla ik hem in elkaar.",
    ],
)
def test_announced_violence_against_a_group_is_a_threat(judge, text):
    assert judge.flag(text, "discrimination").subtype == "threat"


def test_meeting_a_group_member_without_violence_is_not_flagged(judge):
    assert "discrimination" not in judge.categories("Als ik een vrouw zie, zeg ik hallo.")


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        ("Syriërs zijn allemaal dieven", "derogation"),
        ("Eritreeërs horen hier niet", "exclusion"),
        ("Somaliërs zijn ongedierte", "dehumanisation"),
    ],
)
def test_refugee_origins_are_protected_groups(text: str, subtype: str) -> None:
    flags = Scorer(model_path=None).score(text).flags
    assert [(f.category, f.subtype) for f in flags] == [("discrimination", subtype)]


def test_welcoming_syrian_pupils_is_not_flagged() -> None:
    text = "We verwelkomen de Syrische kinderen in groep 6"
    assert Scorer(model_path=None).score(text).flags == []


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Gehandicapten zijn minder waard dan anderen.", True),
        ("Vluchtelingen zijn minder slim.", True),
        ("Gehandicapten zijn niet minder waard dan anderen.", False),
        ("Vluchtelingen zijn niet minder slim dan wij.", False),
    ],
)
def test_denying_that_a_group_is_worth_less_is_not_derogation(text: str, flagged: bool) -> None:
    flags = Scorer(model_path=None).score(text).flags
    assert any(f.category == "discrimination" for f in flags) is flagged


@pytest.mark.parametrize(
    "text",
    [
        "Ik hou van moslims.",
        "Ik hou van homo's en van hun humor.",
        "Wij bewonderen de vluchtelingen in onze wijk.",
        "Ik respecteer transgenders, gewoon omdat het mensen zijn.",
    ],
)
def test_love_and_respect_for_a_group_is_no_discrimination(shipped_scorer, text):
    # the whole pipeline with the shipped model: the model alone must not flag these
    assert all(f.category != "discrimination" for f in shipped_scorer.score(text).flags)


@pytest.fixture(scope="module")
def shipped_scorer() -> Scorer:
    return Scorer()


@pytest.mark.parametrize(
    "text",
    [
        "Vind jij ook niet dat moslims eng zijn?",  # asks to agree: no denial
        "Stel je voor dat je buurman een jood is, gadverdamme.",  # disgust at the people
        "Jakkes, homo's",
        "Homo's zijn niet eens mensen",  # "niet eens" denies that they are human
        "Het zijn geen mensen, die moslims.",
    ],
)
def test_agreement_questions_and_disgust_at_a_group_are_discrimination(judge, text) -> None:
    assert "discrimination" in judge.categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ik vind niet dat moslims eng zijn.",
        "Bah, wat erg dat die moslims gepest worden",
        "Gadver, de Turkse pizza was koud",
        "Die uitspraak over homo's was walgelijk en dom.",  # judges the remark
        "Die opmerking over Marokkanen vond ik echt racistisch",
        "Gehandicapten verdienen dezelfde kansen.",
        '"Alle moslims zijn terroristen" is een leugen.',
        "Ik snap niet dat mensen homo's haten.",  # "mensen" is the subject here
    ],
)
def test_denials_sympathy_things_and_judged_remarks_are_no_discrimination(
    full_scorer: Scorer, text: str
) -> None:
    # with the shipped model: the benign and counter-speech guards must hold for it too
    assert "discrimination" not in {f.category for f in full_scorer.score(text).flags}


@pytest.fixture(scope="module")
def full_scorer() -> Scorer:
    return Scorer()
