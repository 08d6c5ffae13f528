"""Staff who write about the school from a private account add a disclaimer (001 C.3)."""

from __future__ import annotations

import pytest

from classifiers.document import Context

from .conftest import OFFICIAL, PRIVATE

OPINION = "Ik vind het nieuwe beleid van onze school echt belachelijk."


def test_opinion_about_the_school_from_a_private_account_is_flagged(analyze):
    finding = analyze(OPINION, PRIVATE)["missing_disclaimer"]
    assert finding.category == "protocol"
    assert finding.protocol_ref.startswith("001 C.3")
    assert finding.suggestion == (
        OPINION + "\n\n(Dit is mijn persoonlijke mening en niet die van de school.)"
    )


def test_never_on_an_official_account(analyze):
    assert "missing_disclaimer" not in analyze(OPINION, OFFICIAL)
    assert "missing_disclaimer" not in analyze(OPINION, Context(account_type="unknown"))


@pytest.mark.parametrize(
    "disclaimer",
    [
        "Dit is mijn persoonlijke mening.",
        "(op persoonlijke titel)",
        "Ik spreek niet namens de school.",
        "Dit is mijn eigen mening.",
    ],
)
def test_not_when_the_disclaimer_is_present(analyze, disclaimer):
    assert "missing_disclaimer" not in analyze(f"{OPINION} {disclaimer}", PRIVATE)


@pytest.mark.parametrize(
    "text",
    [
        "Eindelijk heeft de directie besloten het rooster aan te passen, slecht beleid.",
        "Jammer dat De Toermalijn zo slecht omgaat met de bezuinigingen.",
        "Wat mij betreft had de school het telefoonbeleid nooit moeten invoeren.",
    ],
)
def test_other_school_opinions_are_flagged(analyze, text):
    assert "missing_disclaimer" in analyze(text, PRIVATE)


@pytest.mark.parametrize(
    "text",
    [
        "Ik vind deze film echt belachelijk slecht.",  # an opinion, not about school
        "Morgen is er een studiedag op onze school.",  # about school, no opinion
    ],
)
def test_no_flag_without_both_school_and_opinion(analyze, text):
    assert "missing_disclaimer" not in analyze(text, PRIVATE)


def test_pupils_and_parents_are_not_judged_by_staff_rules(analyze):
    assert analyze(OPINION, Context(account_type="private", author_role="child")) == {}


def test_a_positive_opinion_about_a_school_decision_needs_a_disclaimer_too(analyze):
    text = "Top besluit van ons bestuur over de fusie, hier ben ik blij mee."
    assert "missing_disclaimer" in analyze(text, PRIVATE)


def test_the_account_types_are_data_and_apply_to_every_caller():
    """Checks and ingest score through the same Scorer: the account types in rules.yaml
    decide, and ingest (official accounts) never sees the flag."""
    from classifiers.pipeline import Scorer
    from classifiers.staff_protocol.rules import load_rules

    assert load_rules()["missing_disclaimer"].extra["account_types"] == ["private"]
    scorer = Scorer(model_path=None)
    protocol = {
        kind: [f.subtype for f in scorer.score(OPINION, Context(account_type=kind)).flags
               if f.category == "protocol"]
        for kind in ("private", "official", "unknown")
    }
    assert protocol == {"private": ["missing_disclaimer"], "official": [], "unknown": []}
