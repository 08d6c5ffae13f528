"""The suggestion is the whole text with the detected personal data replaced."""

from __future__ import annotations

import pytest

from classifiers.document import Document
from classifiers.personal_data import PersonalDataRecognizer
from classifiers.pipeline import Scorer


@pytest.mark.parametrize(
    ("text", "rewrite"),
    [
        ("Bel Sanne uit 2B op 06-12345678", "Bel [naam] uit 2B op [telefoonnummer]"),
        (
            "Mail sanne.devries@gmail.com, BSN 111222333, IBAN NL91ABNA0417164300.",
            "Mail [e-mailadres], BSN [BSN], IBAN [IBAN].",
        ),
        (
            "Emma de Vries (geboren op 3 maart 2012) woont op de Kerkstraat 12, 1234 AB Amsterdam!",
            "[naam] (geboren op [geboortedatum]) woont op de [adres]!",
        ),
        ("Juf Anja zei dat Emma's moeder in het ziekenhuis ligt", None),
    ],
)
def test_every_finding_carries_the_same_exact_rewrite(
    recognizer: PersonalDataRecognizer, text, rewrite
):
    findings = recognizer.analyze(Document(text))
    assert findings
    suggestions = {f.suggestion for f in findings}
    if rewrite is None:
        assert suggestions == {"Juf [naam] zei dat [naam]'s moeder in het ziekenhuis ligt"}
    else:
        assert suggestions == {rewrite}


def test_text_outside_the_spans_is_untouched(recognizer: PersonalDataRecognizer):
    text = "  Hoi!\n\nBel 06-12345678 😊 (na 17:00)  "
    (finding,) = recognizer.analyze(Document(text))
    assert finding.suggestion == "  Hoi!\n\nBel [telefoonnummer] 😊 (na 17:00)  "


def test_the_scorer_flag_carries_the_rewrite(recognizer: PersonalDataRecognizer):
    judgement = Scorer(recognizers=[recognizer]).score("Bel Sanne uit 2B op 06-12345678")
    (flag,) = [f for f in judgement.flags if f.category == "personal_data"]
    assert flag.to_dict()["suggestion"] == "Bel [naam] uit 2B op [telefoonnummer]"
    assert flag.spans[0].start == 4  # Sanne


def test_the_redacted_rewrite_itself_is_not_flagged_again() -> None:
    """Applying the one-click fix must clear the warning, or staff learn to ignore it."""
    from classifiers.pipeline import Scorer

    scorer = Scorer(model_path=None)
    text = "Sanne de Vries uit 2B is ziek, bel haar moeder op 06-12345678"
    flags = scorer.score(text).flags
    rewrite = next(f.suggestion for f in flags if f.category == "personal_data")
    assert "Sanne" not in rewrite and "06-12345678" not in rewrite
    again = scorer.score(rewrite)
    assert [f for f in again.flags if f.category == "personal_data"] == []
