"""One interface for every detector, and the registry that holds them.

Adding a detector is adding a class with `@register`; the scorer runs whatever is
registered (in registration order) and never switches on names.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from classifiers.document import Document
from classifiers.judgement import Finding


class Recognizer(ABC):
    """Text in, findings out. Pure: no network, no database, no global state."""

    name: str = "recognizer"

    @abstractmethod
    def analyze(self, doc: Document) -> list[Finding]: ...


_REGISTRY: dict[str, Callable[[], Recognizer]] = {}


def register(cls: type[Recognizer]) -> type[Recognizer]:
    _REGISTRY[cls.name] = cls
    return cls


def registered() -> dict[str, Callable[[], Recognizer]]:
    return dict(_REGISTRY)
