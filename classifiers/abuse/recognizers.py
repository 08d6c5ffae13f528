"""The three abuse recognizers. They share one engine and one analysis per document."""

from __future__ import annotations

from classifiers.abuse.engine import AbuseEngine, default_engine
from classifiers.document import Document
from classifiers.judgement import Finding
from classifiers.recognizer import Recognizer, register


class _AbuseRecognizer(Recognizer):
    category = ""

    def __init__(self, engine: AbuseEngine | None = None) -> None:
        self.engine = engine or default_engine()

    def analyze(self, doc: Document) -> list[Finding]:
        return self.engine.findings(doc, self.category, self.name)


@register
class BullyingRecognizer(_AbuseRecognizer):
    """Insults, threats, exclusion, humiliation, sexual harassment, death wishes and
    incitement to self-harm aimed at a person (000 A.4, 001 A.7, 002 A.8, 004)."""

    name = "abuse.bullying"
    category = "bullying"


@register
class DiscriminationRecognizer(_AbuseRecognizer):
    """Slurs, derogation, dehumanisation, threats and exclusion of protected groups."""

    name = "abuse.discrimination"
    category = "discrimination"


@register
class ProfanityRecognizer(_AbuseRecognizer):
    """Swearing and disease curses not aimed at anyone (003 A.1)."""

    name = "abuse.profanity"
    category = "profanity"


def abuse_recognizers(engine: AbuseEngine | None = None) -> list[Recognizer]:
    engine = engine or default_engine()
    return [
        BullyingRecognizer(engine),
        DiscriminationRecognizer(engine),
        ProfanityRecognizer(engine),
    ]
