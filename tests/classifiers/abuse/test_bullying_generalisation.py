"""Bullying recall on phrasings the rules were not written from: indirect threats, exclusion
from the group, body shaming, laughing at someone, self-harm incitement, sexual remarks.
And the hard negatives that must stay unflagged (health talk, objects, negation, quotes)."""

from __future__ import annotations

import pytest

from classifiers.pipeline import Scorer


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        # threats: announced, indirect, against someone's property
        ("Sven jij gaat huilen na de les", "threat"),
        ("jullie gaan bloeden vrijdag", "threat"),
        ("je weet niet wat je overkomt", "threat"),
        ("bel alvast een ambulance voor jezelf", "threat"),
        ("ik trap je scooter kapot als je nog 1x wat zegt", "threat"),
        ("als de mentor niks doet pak ik die gozer zelf wel aan", "threat"),
        ("ik kom verhaal halen bij die jongen", "threat"),
        ("Noor woont in de Lindenstraat, we komen morgen even langs", "threat"),
        # exclusion
        ("wie Daan in de chat zet vliegt er zelf ook uit", "exclusion"),
        ("Jesse is gewoon uit de groepsapp geschopt lol", "exclusion"),
        ("jij bent niet uitgenodigd voor mijn verjaardag", "exclusion"),
        ("als Pim meekomt naar de film blijven wij thuis", "exclusion"),
        ("bij voetbal kiest niemand jou", "exclusion"),
        ("Emma zit vanaf nu alleen", "exclusion"),
        # humiliation
        ("moet je die vetzak zien", "humiliation"),
        ("hahaha kijk hoe die loopt", "humiliation"),
        ("Bas heeft in zijn broek gepist hahaha", "humiliation"),
        ("zoom eens in op haar kop", "humiliation"),
        ("Lotte is echt een plank", "humiliation"),
        # self-harm incitement
        ("waarom leef je eigenlijk nog", "self_harm_incitement"),
        ("kill jezelf gewoon", "self_harm_incitement"),
        ("jij kan beter niet meer bestaan", "self_harm_incitement"),
        # death wishes
        ("je mag wel doodvallen", "death_wish"),
        ("val toch dood", "death_wish"),
        ("jij had nooit geboren moeten worden", "death_wish"),
        # sexual harassment
        ("laat je bh eens zien", "sexual_harassment"),
        ("ik stuur jouw nudes rond in de klas", "sexual_harassment"),
        ("ik ga je begluren in de douche", "sexual_harassment"),
        ("ik wil je zonder kleren zien", "sexual_harassment"),
        ("jij bent echt een lekker ding", "sexual_harassment"),
        ("Iris doet het echt met elke jongen", "sexual_harassment"),
        ("ranking meiden van 3b, wie is het lekkerst", "sexual_harassment"),
        ("kom mee naar de kleedkamer dan laat ik je iets zien", "sexual_harassment"),
        ("draag jij vandaag een string?", "sexual_harassment"),
        ("die derde van links is echt zo dik", "humiliation"),
        ("meester heeft echt een bierbuik", "humiliation"),
        ("dit is het adres van de grootste loser van de klas", "insult"),
        ("wat een lekker ding ben jij", "sexual_harassment"),
        ("Sara heeft grote tieten", "sexual_harassment"),
        ("zullen we seks hebben na school", "sexual_harassment"),
        ("ik ga je zoenen of je nou wil of niet", "sexual_harassment"),
        ("je ziet er sexy uit in die broek", "sexual_harassment"),
        ("haha kijk naar haar benen", "humiliation"),
        ("wie wil de foto van Tim zien 😂 zo lelijk", "humiliation"),
        ("zet die video van haar op insta", "humiliation"),
        ("haha hij huilde weer in de klas", "humiliation"),
        ("je mag blij zijn als je morgen nog leeft", "threat"),
        ("morgen ben je er geweest", "threat"),
        ("jij gaat het niet overleven", "threat"),
        ("niemand zou het merken als je dood was", "self_harm_incitement"),
        ("je weet toch wat er gebeurt als je het vertelt", "threat"),
        ("als je het aan de juf vertelt ben je dood", "threat"),
        ("ik krijg je nog wel", "threat"),
        ("pas maar op wat je zegt", "threat"),
        ("jij zit niet meer aan onze tafel", "exclusion"),
        ("we doen net alsof hij niet bestaat", "exclusion"),
        ("laat hem er niet bij", "exclusion"),
        ("je bent geen deel van de groep", "exclusion"),
        ("moge je branden in de hel", "death_wish"),
        ("jij verdient het om dood te gaan", "death_wish"),
        ("de wereld is beter zonder jou", "self_harm_incitement"),
        ("wij gaan je vinden", "threat"),
        ("ik zal je krijgen", "threat"),
        ("je bent nog niet van me af", "threat"),
        ("ga je ophangen", "self_harm_incitement"),
        ("niemand houdt van jou", "exclusion"),
        ("iedereen haat je", "exclusion"),
        ("oprotten jij", "exclusion"),
        ("jij hoort niet in onze klas", "exclusion"),
        ("lachen om die gast", "humiliation"),
        ("je bent een lekkere chick", "sexual_harassment"),
        ("wat heb je aan onder je kleding", "sexual_harassment"),
        ("ik wil je lichaam zien", "sexual_harassment"),
        ("send nudes", "sexual_harassment"),
        ("ey sexy, stuur ff een snap", "sexual_harassment"),
        ("ik wil met je naar bed", "sexual_harassment"),
        ("jij hebt zulke grote oren", "humiliation"),
        ("hij ruikt echt naar zweet", "humiliation"),
        ("kijk naar zijn tanden 😂", "humiliation"),
        ("moet je haar neus zien", "humiliation"),
        # round 4: threatened exposure (blackmail), nobody would miss you
        ("Ik ga je foto's naar iedereen sturen als je niet betaalt", "threat"),
        ("als je niet betaalt zet ik je filmpje online", "threat"),
        ("we gaan je filmpje op insta zetten", "threat"),
        ("Niemand mist jou als je weg bent", "exclusion"),
        ("ik haat jou", "insult"),
        ("Ik haat Bram", "insult"),
        ("Denk jij echt dat iemand je leuk vindt?", "humiliation"),
        ("jij bent een 1d10t", "insult"),  # more leet digits than letters
        ("Doe niet zo mongool joh", "insult"),  # told to stop being it
    ],
)
def test_general_bullying_phrasings_are_flagged(judge, text: str, subtype: str) -> None:
    flag = judge.flag(text, "bullying")
    assert subtype in flag.subtypes, flag


def test_insult_after_adjective_in_exclamation_is_aimed(judge) -> None:
    text = "heb je Sanne gezien vandaag? wat een lelijke trol"
    flag = judge.flag(text, "bullying")
    assert flag.score >= 0.5
    assert "trol" in judge.flagged_words(text, "bullying")


def test_a_glued_run_of_ordinary_words_is_read_as_words(judge) -> None:
    # no abusive word inside, but "ik weet waar jij woont" all the same
    assert judge.flag("ikweetwaarjijwoont", "bullying").subtype == "threat"
    assert "bullying" not in judge.categories("ikgavandaaglekkernaarhuistoe")


def test_cannot_even_is_not_counter_speech(judge) -> None:
    # "kan niet eens lesgeven" mocks the teacher; it does not reject the insult
    assert judge.flag("meneer Jansen kan niet eens lesgeven, sukkel", "bullying").score >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "mijn oma heeft kanker en ligt in het ziekenhuis",
        "die kankerprinter doet het weer niet",
        "ik zou nooit zeggen dat jij dom bent",
        "mijn broertje heeft in zijn broek geplast toen hij drie was",
        "ik ben niet uitgenodigd want ik was ziek",
        "wacht maar even, de bus komt zo",
        "bel een ambulance, er is iemand gevallen bij de gymzaal",
        "wij komen morgen langs op school voor het oudergesprek",
        "kijk hoe mooi die danst",
        "Kan echt niet, dat jullie hem uitlachen om zijn lengte",
        "hij zei 'ik weet waar je woont' maar dat is echt niet oké",
        "dat kan niet, zo praten we hier niet tegen elkaar",
        "mijn oom doet het met iedereen gezellig op zijn verjaardag: hij nodigt ze allemaal uit",
        "wie is de grootste voetballer van Nederland?",
        "de derde van links is mijn nicht, zij heeft de prijs gewonnen",
        "neem je gymspullen mee naar de kleedkamer",
        "zullen we het bij biologie over seks en voorlichting hebben?",
        "haha kijk naar mijn nieuwe schoenen",
        "zet de foto van de klassenreis op insta",
        "mijn zusje huilde weer toen ze haar knie stootte",
        "je ziet er goed uit vandaag, succes met je presentatie",
        "laat hem er niet bij staan in de regen, doe de deur open",
        "ik weet wat er gebeurt als je water kookt",
        "de wereld is beter af zonder plastic",
        "hij zei dat Tim een loser is, maar dat is echt niet oké",
        "ga je ophangen die poster in het lokaal",
        "iedereen haat maandag",
        "ik ga je vinden als we verstoppertje spelen",
        "ik ga je vast heel leuk vinden",
        "stuur ff een snap van het huiswerk",
        "kijk naar haar kapsel, zo mooi",
        "mijn handen ruiken naar vis na het koken",
    ],
)
def test_hard_negatives_stay_unflagged(judge, text: str) -> None:
    assert "bullying" not in judge.categories(text), judge(text).to_dict()


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        ("Ik hoop dat je een ongeluk krijgt.", "death_wish"),
        ("Ik hoop dat jij een hartaanval krijgt", "death_wish"),
        ("Jij moet gewoon van de aardbodem verdwijnen.", "death_wish"),
        ("Ga lekker huilen bij je moeder, baby.", "humiliation"),
    ],
)
def test_harm_wishes_and_belittling_are_bullying(text: str, subtype: str) -> None:
    flags = Scorer(model_path=None).score(text).flags
    assert ("bullying", subtype) in [(f.category, f.subtype) for f in flags]


@pytest.mark.parametrize(
    "text",
    [
        "Ik hoop dat je nooit een ongeluk krijgt, rij voorzichtig!",
        "Die diersoort is bijna van de aardbodem verdwenen.",
        "Mijn zusje ging huilen bij mama toen ze viel.",
    ],
)
def test_kind_or_neutral_uses_of_the_same_words_are_not_bullying(text: str) -> None:
    assert Scorer(model_path=None).score(text).flags == []


@pytest.mark.parametrize(
    "text",
    [
        "Ik heb kanker gehad en ben nu beter",  # health talk, first person
        "Wat een sukkel ben ik ook, weer te laat",  # the speaker about themselves
        "ik ben zo'n idioot, telefoon vergeten",
        "Ik stuur je de foto's van het schoolreisje",  # sending photos is no spreading them
        "Ik ga je foto's van de sportdag naar je moeder sturen, zo leuk!",
        "ik haat je niet, je bent mijn beste vriend",
        "Ik haat het als je te laat bent",
        "Denk je dat iemand je kan helpen met wiskunde?",
        "Mijn kat is een dikke sukkel haha",  # a pet, not a person
        "doe nou niet zo moeilijk",
    ],
)
def test_self_talk_health_talk_and_sharing_photos_are_no_bullying(judge, text: str) -> None:
    assert "bullying" not in judge.categories(text)
