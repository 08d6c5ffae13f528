"""Normalisation with a map back to the original characters.

`normalise(text)` returns a NormalisedText whose `.text` is the folded form recognizers
match against and whose `.to_original(start, end)` turns a span in that form back into a
span of the original text (end exclusive).

This first version folds case and accents only; teen spelling (leet, repeated letters,
spaced-out letters, emoji) is added by the lexicon work on top of the same contract.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class NormalisedText:
    original: str
    text: str
    # origin[i] is the index in `original` of the character that produced text[i];
    # len(origin) == len(text).
    origin: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span [start, end) of the normalised text to the original text."""
        if not self.origin or start >= end:
            return (0, 0)
        start = max(0, min(start, len(self.origin) - 1))
        end = max(start + 1, min(end, len(self.origin)))
        o_start = self.origin[start]
        o_end = self.origin[end - 1] + 1
        # include combining marks / variation selectors that belong to the last char
        while o_end < len(self.original) and unicodedata.combining(self.original[o_end]):
            o_end += 1
        return (o_start, o_end)


def normalise(text: str) -> NormalisedText:
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for folded in _fold(ch):
            out.append(folded)
            origin.append(i)
    return NormalisedText(original=text, text="".join(out), origin=tuple(origin))


def _fold(ch: str) -> str:
    lowered = ch.lower()
    decomposed = unicodedata.normalize("NFKD", lowered)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept
