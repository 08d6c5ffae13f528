"""Bullying: abuse aimed at a person (jij/u/jullie, a name, @handle, "die gast")."""

from __future__ import annotations

import pytest

from classifiers.pipeline import Scorer


def test_kankerlijer_at_the_reader_is_flagged_on_the_word(judge) -> None:
    text = "jij bent echt een kankerlijer"
    flag = judge.flag(text, "bullying")
    # a disease curse aimed at a person is a death wish (classifiers/data/README.md)
    assert flag.subtype == "death_wish"
    assert flag.score >= 0.5
    assert judge.flagged_words(text, "bullying") == ["kankerlijer"]
    assert flag.protocol_ref == "000 A.4"
    assert "kankerlijer" in flag.reason and "pesten" in flag.reason
    assert flag.suggestion


def test_insult_plus_exclusion_flags_both_with_spans(judge) -> None:
    text = "Jij bent echt zo'n mongool, niemand wil jou in de klas"
    flag = judge.flag(text, "bullying")
    assert {"insult", "exclusion"} <= set(flag.subtypes)
    words = judge.flagged_words(text, "bullying")
    assert "mongool" in words
    assert any(w.startswith("niemand wil jou") for w in words)


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        ("Jij bent zo'n sukkel", "insult"),
        ("@bram je bent een loser", "insult"),
        ("Lisa is echt een vieze trut", "insult"),
        ("die gast is een kneus", "insult"),
        ("hou je bek", "insult"),
        ("Mevrouw de Wit is gewoon een trut.", "insult"),
        ("Dit is het nummer van die loser uit 2C", "insult"),
        ("jij bent zo dom", "insult"),
        ("ik sla je in elkaar na school", "threat"),
        ("Ik maak je af", "threat"),
        ("we weten waar je woont", "threat"),
        ("krijg de tering", "death_wish"),
        ("ik hoop dat je kanker krijgt", "death_wish"),
        ("ga dood", "death_wish"),
        ("ga jezelf ophangen", "self_harm_incitement"),
        ("pleeg gewoon zelfmoord", "self_harm_incitement"),
        ("niemand wil met jou spelen", "exclusion"),
        ("jij hoort er niet bij", "exclusion"),
        ("verwijder haar uit de groepsapp", "exclusion"),
        ("je bent zo dik", "humiliation"),
        ("iedereen lacht om jou", "humiliation"),
        ("stuur eens een naaktfoto", "sexual_harassment"),
        ("laat je tieten eens zien", "sexual_harassment"),
    ],
)
def test_abuse_aimed_at_a_person_is_bullying(judge, text: str, subtype: str) -> None:
    flag = judge.flag(text, "bullying")
    assert subtype in flag.subtypes or flag.subtype == subtype


@pytest.mark.parametrize(
    "text",
    [
        "j1j b3nt 33n l00s3r",  # leet
        "jij bent een k a n k e r l i j e r",  # spaced letters
        "jij bent een loooooser",  # repeated letters
        "jij bent een sukel",  # dropped letter
        "jij bent een skukel",  # swapped letters
        "jij bent een k*nkerlijer",  # masked letter
        "jijbentzodom",  # glued words
        "jij bent een kanker lijer",  # space inside a compound
    ],
)
def test_spelling_variants_are_still_bullying(judge, text: str) -> None:
    assert "bullying" in judge.categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "jij bent geen loser",  # negated
        "ik zou jou nooit in elkaar slaan",  # negated threat
        "Hij werd uitgescholden voor mongool, dat kan echt niet",  # reported + rejected
        "Ze noemde me een loser en dat deed pijn.",  # reported speech
        "die kankerprinter doet het weer niet",  # abuse of an object
        "Die printer is echt een sukkel vandaag",  # abuse of an object
        "mijn oma heeft kanker",  # health talk
        "Politici zijn allemaal sukkels",  # a non-protected group, no person
        "Wat een mooie dag, ik ben zo blij!",
        "Jij bent echt een topper, super gedaan!",
        "Niemand wil jou uit de groep hebben, echt niet",  # vetoed exclusion
        "Ik word gek van die klotemail.",  # idiom + abuse of a thing
        "Jasmijn is weer ziek, ze heeft griep.",  # health, not an insult
        "Je bent niet echt vies, je bent gewoon jezelf",  # negated attribute
    ],
)
def test_not_bullying(judge, text: str) -> None:
    assert "bullying" not in judge.categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Meester Ruud is een loser, mijn kind zegt het ook.",
        "Juf Anne is dom, dat zegt iedereen.",
    ],
)
def test_an_insult_backed_up_by_what_others_say_is_still_the_speakers(judge, text: str) -> None:
    # "zegt het ook" / "dat zegt iedereen" endorses the insult before it; it quotes nothing
    assert judge.flag(text, "bullying").subtype == "insult"
    assert judge.flagged_words(text, "bullying")[0] in {"loser", "dom"}


@pytest.mark.parametrize(
    "text",
    [
        "Je bent een loser, zei hij, en zijn vrienden riepen het ook.",  # still quoted
        "Mijn kind zegt dat meester Ruud een loser is.",  # reported, not endorsed
        "Hij zei dat ik een loser ben en zij zei het ook.",  # both report
    ],
)
def test_reported_insults_stay_reported_next_to_an_echo(judge, text: str) -> None:
    assert "bullying" not in judge.categories(text)


def test_threat_gets_its_own_protocol_and_high_severity(judge) -> None:
    flag = judge.flag("ik steek je neer", "bullying")
    assert flag.subtype == "threat"
    assert str(flag.severity) == "high"
    assert flag.protocol_ref == "002 A.8"


def test_english_reason_is_available(judge) -> None:
    judgement = judge("jij bent echt een kankerlijer")
    assert "bullying" in judgement.to_dict("en")["flags"][0]["reason"]


@pytest.mark.parametrize("text", [
    "jij gekkie 😂 tot morgen",
    "jij malloot 😂",
    "jullie zijn echt gestoord met die dansjes 😂😂",
    "haha jij zot, je stond in de verkeerde rij bij de klassenfoto",
])
def test_warm_banter_with_laughter_is_not_bullying(judge, text) -> None:
    # POLICY.md: warm banter between friends where no one is put down is not flagged, by the
    # rules nor by the learned model (the banter guard damps it)
    assert "bullying" not in judge.categories(text)
    assert "bullying" not in {f.category for f in Scorer(mode="quick").score(text).flags}


@pytest.mark.parametrize("text", [
    "jij malloot, ik sla je op je bek 😂",
    "jij bent echt een vieze hoer 😂",
    "jij malloot",
    "jij bent gestoord, niemand wil jou erbij",
])
def test_laughter_does_not_excuse_harsher_words_or_threats(judge, text) -> None:
    assert "bullying" in judge.categories(text)


@pytest.mark.parametrize("text", [
    "wie gaat er morgen kijken naar voetbal tegen het stedelijk? we gaan ze slopen 😤",
    "sneeuwballengevecht in de pauze, 2B tegen 2C, we maken jullie af ❄️😂",
    "gg hoor, maar volgend debat maken we jullie af",
])
def test_a_team_boasting_about_a_game_is_no_threat(judge, text) -> None:
    assert "bullying" not in judge.categories(text)


@pytest.mark.parametrize("text", [
    "we maken je af na school", "na de wedstrijd maak ik je af", "ik maak je af",
])
def test_threats_stay_threats_without_a_team_and_a_game(judge, text) -> None:
    assert judge.flag(text, "bullying").subtype == "threat"


def test_the_see_no_evil_monkey_is_embarrassment_not_an_insult(judge) -> None:
    assert not judge.categories("Daar gaan we weer 🙈 Kam staat al klaar.")
    assert "bullying" in judge.categories("jij vuile 🐒")


@pytest.mark.parametrize("text", [
    "De rollen zijn verdeeld! Sem wordt de gemene tovenaar, Lotte speelt de heks.",
    "omg de heks was lotte?? ik herkende haar echt niet",
    "daan als heks, dit wordt legendarisch",
    "ik ben zo slecht in frans, mijn toets was echt een slagveld 😭",
    "die wolf was zo eng ik zweer 🐺",
    "Medicijnen graag in een zakje met naam afgeven bij meester Joost.",
    "Met verdriet delen wij dat meester Harm vredig is ingeslapen.",
    "bilal is een legende, ik ga dood van het lachen",
])
def test_roles_self_talk_and_ordinary_words_are_not_bullying(judge, text) -> None:
    assert "bullying" not in judge.categories(text)


@pytest.mark.parametrize("text", [
    "jij bent een heks", "wat een heks ben jij", "jij bent zo slecht in frans",
    "Frans is echt dom", "jij vuile zak", "jij bent morgen dood",
])
def test_the_same_words_aimed_at_someone_stay_bullying(judge, text) -> None:
    assert "bullying" in judge.categories(text)


@pytest.mark.parametrize("text", [
    "ik sloop je vanavond met fifa, maak je borst maar nat 😤",
    "ik kill jullie allemaal in bedwars vanavond, maak je klaar",
    "jullie zijn allemaal gek en ik hou van jullie ❤️",
    "haha jij bent echt een nerd 🤓 maar daarom ben je mn favoriete studiemaatje",
    "die cake die je meenam was gestoord lekker, recept pls",
    "jaa eindelijk, was saai zonder jou",
    "Blijkbaar heeft meester Koen het zo goed uitgelegd.",
    "in de laatste minuut kopte jayden hem erin",
])
def test_everyday_chat_that_looks_rough_is_not_bullying(judge, text) -> None:
    assert not judge.categories(text) & {"bullying", "profanity"}


@pytest.mark.parametrize("text", [
    "na de wedstrijd maak ik je af", "jij bent saai", "jij bent echt een koe",
])
def test_the_rough_reading_stays_where_it_is_meant(judge, text) -> None:
    assert "bullying" in judge.categories(text)
