"""School context decides whether a name is sensitive (002 A.2, 004 teamafspraken)."""

from __future__ import annotations

import pytest

from classifiers.categories import Severity

from .conftest import flagged, spans_text


def test_name_with_class_and_health_is_flagged_high_with_both_spans(analyze):
    text = "Sanne uit 2B heeft ADHD, houd daar rekening mee."
    found = flagged(analyze(text))
    assert found["health"].severity == Severity.HIGH
    assert spans_text(text, found["health"]) == ["Sanne", "heeft ADHD"]


def test_name_with_grade_is_a_school_record(analyze):
    text = "Bas uit 2B kreeg een 3 voor wiskunde"
    found = flagged(analyze(text))
    assert spans_text(text, found["school_record"]) == ["Bas", "een 3 voor wiskunde"]
    assert found["school_record"].severity == Severity.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "Daan is geschorst tot vrijdag.",
        "Yusuf uit v1c moet vandaag nablijven.",
        "Mila is dit jaar al 40 uur ongeoorloofd afwezig.",
        "Wist je dat Stijn blijft zitten?",
    ],
)
def test_punishment_and_absence_of_a_named_pupil_are_flagged(analyze, text):
    assert "school_record" in flagged(analyze(text))


def test_staff_health_is_personal_data(analyze):
    text = "Juf Anja is ziek, de invaller komt morgen."
    found = flagged(analyze(text))
    assert spans_text(text, found["health"]) == ["Anja", "is ziek"]


def test_consented_school_news_with_a_name_is_not_flagged(analyze):
    findings = analyze("Gefeliciteerd Emma met je zwemdiploma!")
    assert flagged(findings) == {}
    assert [f.subtype for f in findings] == ["pupil_name"]  # seen, but low
    assert findings[0].severity == Severity.LOW


def test_names_with_a_photo_break_the_team_agreement(analyze):
    text = "Op de foto: Emma en Liam uit groep 5"
    found = flagged(analyze(text))
    assert spans_text(text, found["pupil_name"]) == ["Emma", "Liam"]
    assert "004" in found["pupil_name"].protocol_ref


def test_staff_names_with_a_photo_are_not_pupil_names(analyze):
    assert flagged(analyze("Juf Nienke presenteert het plan. Meer foto's volgen.")) == {}


def test_health_without_a_person_is_not_personal_data(analyze):
    assert flagged(analyze("De KWF-actie tegen kanker bracht 500 euro op.")) == {}
    assert flagged(analyze("Kinderen met ADHD hebben baat bij structuur.")) == {}


def test_health_of_an_unnamed_relative_stays_below_the_threshold(analyze):
    findings = analyze("Mijn oma heeft kanker, dus ik ben er even niet.")
    assert [f.subtype for f in findings] == ["guard:own_family"]  # the writer's own family
    assert flagged(findings) == {}
    findings = analyze("Haar oma heeft kanker, dus ze is er even niet.")
    assert [f.subtype for f in findings] == ["health"]
    assert flagged(findings) == {}


def test_a_parent_telling_of_their_own_child_is_not_flagged_and_a_pupil_is():
    from classifiers.pipeline import Scorer

    quick = Scorer(mode="quick")
    for text in ["Mijn zoon heeft autisme en de begeleiding van juf Marloes is fantastisch.",
                 "Mijn dochter heeft ADHD en zit sinds dit jaar in groep 5.",
                 "Mijn zoon heeft ADHD en bloeit op sinds hij bij meester Kevin zit."]:
        assert not [f for f in quick.score(text).flags if f.category == "personal_data"], text
    for text in ["Mijn leerling Daan heeft ADHD.", "Daan uit groep 5 heeft ADHD.",
                 "Emma uit groep 5 heeft kanker, en mijn zoon is er verdrietig van."]:
        assert [f for f in quick.score(text).flags if f.category == "personal_data"], text


@pytest.mark.parametrize(
    "text",
    [
        "Mark je agenda voor de sportdag.",
        "Roos is een mooie bloem.",
        "We gaan met de bus naar het museum.",
        "ik vind mark een raar woord",
        "Kijk maar uit bij de Albert Heijn.",
    ],
)
def test_common_words_that_are_also_names_are_no_names(analyze, text):
    assert analyze(text) == []


def test_ambiguous_name_counts_with_a_title_or_class(analyze):
    text = "Roos uit 2B heeft autisme."
    assert spans_text(text, flagged(analyze(text))["health"]) == ["Roos", "heeft autisme"]


def test_lower_case_name_with_a_surname_is_recognised(analyze):
    text = "cijferlijst rekenen: dani brouwer 1,5"
    found = flagged(analyze(text))
    assert spans_text(text, found["school_record"])[0] == "dani brouwer"


def test_platform_mentions_are_not_disclosures(analyze):
    assert flagged(analyze("@Rafael Hendriks, dank voor uw bericht.")) == {}


def test_a_health_term_next_to_a_pupils_name_counts_without_a_verb(analyze):
    text = "Liam en zijn diabetes: houd een snoepje bij de hand."
    assert spans_text(text, flagged(analyze(text))["health"]) == ["Liam", "diabetes"]


def test_a_health_cause_or_curse_is_no_health_data(analyze):
    assert "health" not in flagged(analyze("Emma loopt mee in de sponsorloop tegen diabetes."))
    assert "health" not in flagged(analyze("Kanker Emma, doe normaal"))


def test_stated_consent_keeps_names_with_a_photo_below_the_threshold(analyze):
    text = "Met toestemming van de ouders: Joep en Anouk wonnen de quiz. Meer foto's volgen."
    assert flagged(analyze(text)) == {}
    without = "Joep en Anouk wonnen de quiz. Meer foto's volgen."
    assert "pupil_name" in flagged(analyze(without))


@pytest.mark.parametrize(
    "text",
    [
        "Bezoek aan het Anne Frank Huis met 2 vwo. Indrukwekkend!",
        "Leesclub bovenbouw: deze maand Oorlogswinter van Jan Terlouw.",
    ],
)
def test_a_famous_namesake_next_to_a_class_is_no_pupil(analyze, text):
    assert "pupil_name" not in flagged(analyze(text))


def test_a_pupil_with_a_class_is_still_a_pupil(analyze):
    assert "pupil_name" in flagged(analyze("Anne uit 2B heeft de voorleeswedstrijd gewonnen"))


@pytest.mark.parametrize("text", [
    "Lieve 2B, wat hebben jullie het lokaal mooi versierd voor mijn verjaardag!",
    "Beroepenmarkt 3 havo/vwo: ouders vertellen over hun werk.",
])
def test_a_greeting_or_a_class_is_no_name_and_no_address(analyze, text):
    assert flagged(analyze(text)) == {}


@pytest.mark.parametrize("text", [
    "Even voorstellen: ik ben Laura en vanaf maandag de nieuwe juf van groep 3!",
    "Ons team: juf Esra (groep 1/2a), meester Joost (groep 3) en onderwijsassistent Fatima.",
])
def test_staff_introducing_themselves_or_their_team_name_no_pupil(analyze, text):
    assert flagged(analyze(text)) == {}


@pytest.mark.parametrize("text", [
    "Lieve ouders, morgen is de gymles buiten. Graag sportkleding mee!",
    "ik heb zo'n last van hooikoorts deze week, ik nies de hele les door.",
    "dankjewel allemaal voor de lieve berichtjes toen ik in het ziekenhuis lag.",
    "ik zweer het, mijn moeder heeft 14 foto's van mij gemaakt bij het hek.",
])
def test_greetings_and_the_writer_s_own_health_are_no_pupil_data(analyze, text):
    assert flagged(analyze(text)) == {}
