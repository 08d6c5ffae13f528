from __future__ import annotations

import pytest

from classifiers.document import Context, Document
from classifiers.judgement import Finding
from classifiers.staff_protocol import StaffProtocolRecognizer

PRIVATE = Context(account_type="private", author_role="staff")
OFFICIAL = Context(account_type="official", author_role="staff")


@pytest.fixture(scope="session")
def analyze():
    recognizer = StaffProtocolRecognizer()

    def run(text: str, context: Context | None = None) -> dict[str, Finding]:
        """Findings that pass the protocol threshold (0.5), by subtype."""
        findings = recognizer.analyze(Document(text, context or PRIVATE))
        return {f.subtype: f for f in findings if f.score >= 0.5}

    return run
