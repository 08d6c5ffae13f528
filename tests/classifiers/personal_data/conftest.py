from __future__ import annotations

import pytest

from classifiers.document import Context, Document
from classifiers.judgement import Finding
from classifiers.personal_data import PersonalDataRecognizer


@pytest.fixture(scope="session")
def recognizer() -> PersonalDataRecognizer:
    return PersonalDataRecognizer()


@pytest.fixture(scope="session")
def analyze(recognizer: PersonalDataRecognizer):
    def run(text: str, context: Context | None = None) -> list[Finding]:
        return recognizer.analyze(Document(text, context))

    return run


def flagged(findings: list[Finding], threshold: float = 0.5) -> dict[str, Finding]:
    """Findings that pass the default personal_data threshold, by subtype."""
    return {f.subtype: f for f in findings if f.score >= threshold}


def spans_text(text: str, finding: Finding) -> list[str]:
    return [text[s.start : s.end] for s in finding.spans]
