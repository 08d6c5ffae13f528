"""Denkna's text classifiers: text in, judgement out. Pure: no network, no database."""

from classifiers.categories import ALL_CATEGORIES, Category, Severity
from classifiers.document import Context, Document
from classifiers.judgement import Finding, Flag, Judgement, Span
from classifiers.recognizer import Recognizer, register

__all__ = [
    "ALL_CATEGORIES",
    "Category",
    "Context",
    "Document",
    "Finding",
    "Flag",
    "Judgement",
    "Recognizer",
    "Severity",
    "Span",
    "register",
]
