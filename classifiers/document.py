"""A text being scored, with the views recognizers share (computed once, lazily)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from classifiers.normalise import NormalisedText, normalise

_WORD = re.compile(r"\w+(?:['’-]\w+)*", re.UNICODE)


class Token(NamedTuple):
    """One word of the text. Immutable and compared by value (a named tuple: three times
    cheaper to make than a frozen dataclass, and every text makes one per word)."""

    text: str  # normalised form
    start: int  # offsets into the ORIGINAL text
    end: int
    norm_start: int  # offsets into the normalised text
    norm_end: int


@dataclass
class Context:
    """Where the text will appear. Recognizers may use it (e.g. the disclaimer rule)."""

    account_type: str = "unknown"  # "official" | "private" | "unknown"
    platform: str | None = None
    reply_to: str | None = None
    author_role: str | None = None  # "staff" | "adult" | "child" | "unknown"
    # Pupils of the school's consent list the text may name, as (full name, has media consent);
    # the caller picks them with classifiers.personal_data.consent.ConsentList.relevant(text).
    named_pupils: tuple[tuple[str, bool], ...] = ()


class Document:
    def __init__(self, text: str, context: Context | None = None) -> None:
        self.text = text
        self.context = context or Context()
        self._views: dict[str, Any] = {}

    def view(self, key: str, factory: Callable[[Document], Any]) -> Any:
        """A view of this text computed once and shared by recognizers (e.g. the abuse
        analysis used by the bullying, discrimination and profanity recognizers)."""
        if key not in self._views:
            self._views[key] = factory(self)
        return self._views[key]

    @cached_property
    def normalised(self) -> NormalisedText:
        return normalise(self.text)

    @property
    def norm(self) -> str:
        return self.normalised.text

    @cached_property
    def tokens(self) -> list[Token]:
        nt = self.normalised
        origin = nt.origin
        tokens: list[Token] = []
        n_text = len(self.text)
        for m in _WORD.finditer(nt.text):
            s, e = m.span()
            start, end = origin[s], origin[e - 1] + 1
            if end < n_text and not self.text[end].isascii():
                start, end = nt.to_original(s, e)  # trailing combining marks, if any
            tokens.append(Token(m.group(), start, end, s, e))
        return tokens

    def to_original(self, norm_start: int, norm_end: int) -> tuple[int, int]:
        return self.normalised.to_original(norm_start, norm_end)
