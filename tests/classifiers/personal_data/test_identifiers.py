"""Contact details and identifiers are flagged on their own, and only when they are valid."""

from __future__ import annotations

import pytest

from classifiers.categories import Severity

from .conftest import flagged, spans_text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Bel me op 06-12345678 als je vragen hebt.", "06-12345678"),
        ("Mijn nummer is +31 6 1234 5678.", "+31 6 1234 5678"),
        ("Het secretariaat: 020-1234567", "020-1234567"),
        ("app naar 0612345678 ff", "0612345678"),
        ("Bel (010) 123 45 67 tijdens kantooruren", "(010) 123 45 67"),
    ],
)
def test_dutch_phone_numbers_are_found_with_exact_span(analyze, text, number):
    found = flagged(analyze(text))
    assert "phone" in found
    assert spans_text(text, found["phone"]) == [number]
    assert found["phone"].severity in (Severity.MEDIUM, Severity.HIGH)


@pytest.mark.parametrize(
    "text",
    ["Het kost 12345 euro.", "Groep 7 won met 3-2.", "Lokaal 0.12 is dicht", "Order 1234567"],
)
def test_numbers_that_are_no_phone_number_are_not_flagged(analyze, text):
    assert "phone" not in flagged(analyze(text))


def test_bsn_passing_the_eleven_proof_is_flagged_high(analyze):
    text = "Haar BSN is 111222333, graag doorgeven."
    found = flagged(analyze(text))
    assert spans_text(text, found["bsn"]) == ["111222333"]
    assert found["bsn"].severity == Severity.HIGH


def test_nine_digits_failing_the_eleven_proof_are_no_bsn(analyze):
    assert "bsn" not in flagged(analyze("Zijn BSN is 123456789, toch?"))


def test_valid_iban_is_flagged_and_a_wrong_checksum_is_not(analyze):
    good = "Maak het over op NL91ABNA0417164300 o.v.v. schoolreis"
    assert spans_text(good, flagged(analyze(good))["iban"]) == ["NL91ABNA0417164300"]
    spaced = "Rekening NL91 ABNA 0417 1643 00 graag"
    assert spans_text(spaced, flagged(analyze(spaced))["iban"]) == ["NL91 ABNA 0417 1643 00"]
    assert "iban" not in flagged(analyze("Maak het over op NL91ABNA0417164301"))


def test_personal_email_is_flagged_but_a_role_mailbox_is_not(analyze):
    text = "Mail je werk naar sanne.devries@gmail.com"
    assert spans_text(text, flagged(analyze(text))["email"]) == ["sanne.devries@gmail.com"]
    assert "email" not in flagged(analyze("Vragen? Mail naar info@toermalijn.nl"))


def test_address_with_postcode_and_place_is_one_span(analyze):
    text = "Ze woont op de Kerkstraat 12, 1234 AB Amsterdam."
    found = flagged(analyze(text))
    assert spans_text(text, found["address"]) == ["Kerkstraat 12, 1234 AB Amsterdam"]


def test_lower_case_address_in_teen_text_is_found(analyze):
    text = "die gast woont op berkenlaan 104b, ga maar langs"
    assert spans_text(text, flagged(analyze(text))["address"]) == ["berkenlaan 104b"]


def test_a_word_ending_like_a_street_is_no_address(analyze):
    assert "address" not in flagged(analyze("rating meisjes 3 vmbo is een slecht idee"))


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Emma is geboren op 3 maart 2012.", "3 maart 2012"),
        ("Liam, geb. 03-03-2012, zit in groep 7", "03-03-2012"),
        ("Geboortedatum van Sem is 06-07-2011", "06-07-2011"),
    ],
)
def test_birth_dates_are_flagged(analyze, text, date):
    found = flagged(analyze(text))
    assert spans_text(text, found["birth_date"]) == [date]


def test_an_ordinary_date_is_no_birth_date(analyze):
    assert "birth_date" not in flagged(analyze("De ouderavond is op 3 maart 2025."))
