"""Bullying, discrimination and profanity: lexicons plus targeting and stance rules.

Importing this package registers the three recognizers (classifiers/abuse/recognizers.py).
"""

from classifiers.abuse.recognizers import (
    BullyingRecognizer,
    DiscriminationRecognizer,
    ProfanityRecognizer,
    abuse_recognizers,
)

__all__ = [
    "BullyingRecognizer",
    "DiscriminationRecognizer",
    "ProfanityRecognizer",
    "abuse_recognizers",
]
