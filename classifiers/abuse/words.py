"""The Dutch words that the abuse code reads by name (data/words.yaml).

The lexicon (data/terms.tsv) tags content words with a kind ("insult", "group", ...) and
the phrases (data/phrases.tsv) combine them; the rules also look at function words in
fixed roles: negations, copulas, pronouns, report verbs, inflection endings. Those are
listed here by name, so that no Dutch word list lives in the Python code. Each entry is a
YAML list of words; an entry read as phrases holds several words per item ("over mijn
lijk"). The code says how it reads an entry: as a set, a sequence, or a list of phrases.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).resolve().parent / "data" / "words.yaml"


class Words:
    """The entries of words.yaml; a name that is not there is an error at import time."""

    def __init__(self, path: Path = WORDS_FILE) -> None:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError(f"{path.name}: expected a mapping of names to word lists")
        for name, words in raw.items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise ValueError(f"{path.name}: '{name}' must be a list of words (quote "
                                 "numbers and yes/no)")
        self._raw: dict[str, list[str]] = raw

    def _get(self, name: str) -> list[str]:
        if name not in self._raw:
            raise KeyError(f"{WORDS_FILE.name}: no word list '{name}'")
        return self._raw[name]

    def names(self) -> list[str]:
        return list(self._raw)

    def set(self, name: str) -> frozenset[str]:
        """Words looked up one at a time ("is this lemma a negation?")."""
        return frozenset(self._get(name))

    def seq(self, name: str) -> tuple[str, ...]:
        """Words in the order given (prefixes and endings are tried in that order)."""
        return tuple(self._get(name))

    def list(self, name: str) -> list[str]:
        """One phrase, compared word by word with a run of lemmas ("wat een")."""
        return [w for item in self._get(name) for w in item.split()]

    def phrases(self, name: str) -> tuple[tuple[str, ...], ...]:
        """Several phrases, each a tuple of words ("over mijn lijk")."""
        return tuple(tuple(item.split()) for item in self._get(name))

    def lists(self, name: str) -> tuple[list[str], ...]:
        """Several phrases, each a list of words (compared with a slice of lemmas)."""
        return tuple(item.split() for item in self._get(name))


@cache
def words() -> Words:
    """The packaged word lists, read once per process."""
    return Words()


W = words()
