"""Confidential information, quoting colleagues, private contact, heated discussions."""

from __future__ import annotations

import pytest

from classifiers.document import Context

from .conftest import OFFICIAL


@pytest.mark.parametrize(
    "text",
    [
        "Onder ons gezegd: in de teamvergadering is besloten dat er ontslagen vallen.",
        "Vertrouwelijk, maar meneer Visser krijgt een officiële berisping.",
        "Het MT-besluit over de reorganisatie mag nog niet naar buiten.",
        "Zeg het niet verder: in het team besproken dat de klas van juf Petra slecht scoort.",
    ],
)
def test_confidential_school_information_is_flagged(analyze, text):
    finding = analyze(text, OFFICIAL)["confidential"]
    assert finding.suggestion and "vertrouwelijke" in finding.suggestion


@pytest.mark.parametrize(
    "text",
    [
        "Morgen is er een teamvergadering, de kinderen zijn vrij.",
        "Sanne heeft een nieuwe fiets, zeg het niet verder!",
        "Kunt u de ouderbijdrage niet betalen? Neem dan vertrouwelijk contact op met de "
        "administratie.",
        "Uw melding bij de vertrouwenspersoon wordt vertrouwelijk behandeld.",
        "Ik vraag me af uit welk budget die tenues komen, gewoon een vraag over de begroting.",
    ],
)
def test_announcing_a_meeting_or_a_small_secret_is_not_confidential(analyze, text):
    assert "confidential" not in analyze(text, OFFICIAL)


@pytest.mark.parametrize(
    "text",
    [
        "Zoals juf Anja zei: 'die ouders zijn onmogelijk'.",
        "Mijn collega zei in de personeelskamer dat de rector stopt.",
        "Mevrouw de Wit vertelde me vandaag dat ze 'de directie niet meer vertrouwt'.",
        "Ik citeer meester Rob: 'het rooster is door een aap gemaakt'.",
    ],
)
def test_quoting_a_colleague_is_flagged(analyze, text):
    finding = analyze(text)["quoting_colleague"]
    assert finding.protocol_ref.startswith("004")


def test_quote_span_covers_the_attribution(analyze):
    text = "Zoals juf Anja zei: 'die ouders zijn onmogelijk'."
    (span,) = analyze(text)["quoting_colleague"].spans
    assert text[span.start : span.end] == "Zoals juf Anja zei"


@pytest.mark.parametrize(
    "text",
    [
        "Stuur me een DM op mijn privé-account, jongens!",
        "Voeg me toe op Snapchat, dan kunnen we chatten.",
        "Ik stuur jullie allemaal een vriendschapsverzoek op Facebook.",
        "Geef je insta maar, dan stuur ik je de antwoorden.",
    ],
)
def test_private_contact_with_pupils_is_flagged(analyze, text):
    assert "private_contact" in analyze(text)


def test_stating_the_rule_is_not_breaking_it(analyze):
    text = "Ik accepteer geen vriendschapsverzoeken van leerlingen op mijn privéaccount."
    assert "private_contact" not in analyze(text, OFFICIAL)


ANGRY = "Wat een BELACHELIJKE school!! Jullie zijn totaal incompetent."


def test_arguing_back_at_an_angry_parent_is_flagged(analyze):
    context = Context(account_type="official", author_role="staff", reply_to=ANGRY)
    finding = analyze("Dat klopt gewoon niet, lees eerst de brief 🙄", context)
    assert finding["heated_discussion"].score >= 0.75


def test_a_calm_reply_to_an_angry_parent_is_fine(analyze):
    context = Context(account_type="official", author_role="staff", reply_to=ANGRY)
    reply = "Dank voor uw bericht. Neem gerust contact op met de directie, dan bellen we."
    assert analyze(reply, context) == {}


def test_tone_markers_alone_need_an_angry_message_to_count(analyze):
    calm_parent = Context(account_type="official", reply_to="Hoe laat begint de ouderavond?")
    assert "heated_discussion" not in analyze("Om zeven uur 😂", calm_parent)


def test_mentioning_what_a_teacher_says_is_no_quote(analyze):
    assert "quoting_colleague" not in analyze("Jij mag er niet bij, ook niet als de juf het zegt.")


def test_staff_rules_judge_staff_drafts_and_not_unknown_commenters(analyze):
    text = "Zoals juf Anja gisteren zei: die ouders snappen er niks van."
    assert "quoting_colleague" in analyze(text, OFFICIAL)
    assert analyze(text, Context()) == {}  # nobody says who wrote it: no staff rule
    # a member of the public under the school's post is no colleague of anyone
    assert analyze(text, Context(account_type="official", author_role="unknown")) == {}


def test_a_sentence_ending_in_klaar_is_no_full_stop_to_a_discussion(analyze):
    angry = Context(account_type="official", author_role="staff",
                    reply_to="Dit is SCHANDALIG!! Belachelijk die prijzen")
    calm = "De prijzen bepaalt de cateraar. Er staat altijd gratis water klaar."
    assert "heated_discussion" not in analyze(calm, angry)
    assert "heated_discussion" in analyze("U krijgt geen geld terug, punt.", angry)
