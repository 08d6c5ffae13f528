"""Hashed fastText-style features of the normalised text.

Every token contributes its word unigram and its character n-grams (of the token padded
with `<` and `>`); every pair of neighbouring tokens contributes a word bigram. Features are
hashed with CRC-32 (stable across processes, unlike `hash()`) into a fixed number of buckets.

`FeatureHasher.extract` also returns, per token, which features it owns (its own unigram and
n-grams plus the bigrams it takes part in), so that the scorer can explain a model decision
by removing one token at a time (occlusion).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from classifiers.document import Document


@dataclass(frozen=True)
class HashSettings:
    buckets: int = 1 << 18
    word_ngrams: int = 2  # 1 = unigrams only, 2 = unigrams + bigrams
    char_min: int = 3
    char_max: int = 5
    hash: str = "crc32"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> HashSettings:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Features:
    ids: list[int]
    # owners[t] = indices into `ids` of the features that token t takes part in
    owners: list[list[int]]


class FeatureHasher:
    """Turns token strings into bucket ids. Keeps a bounded per-word cache (words repeat)."""

    def __init__(self, settings: HashSettings | None = None, cache_size: int = 50_000) -> None:
        self.settings = settings or HashSettings()
        self._cache: dict[str, tuple[int, ...]] = {}
        self._cache_size = cache_size

    def _bucket(self, feature: str) -> int:
        return zlib.crc32(feature.encode("utf-8")) % self.settings.buckets

    def word_features(self, word: str) -> tuple[int, ...]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        s = self.settings
        ids = [self._bucket("w:" + word)]
        padded = f"<{word}>"
        for n in range(s.char_min, s.char_max + 1):
            for i in range(len(padded) - n + 1):
                ids.append(self._bucket("c:" + padded[i : i + n]))
        result = tuple(ids)
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[word] = result
        return result

    def extract(self, words: Sequence[str], tags: Sequence[str] = ()) -> Features:
        """Features of a token sequence; `tags` (context) add features owned by no token."""
        ids: list[int] = [self._bucket("x:" + tag) for tag in tags]
        owners: list[list[int]] = []
        for w in words:
            own = self.word_features(w)
            start = len(ids)
            ids.extend(own)
            owners.append(list(range(start, len(ids))))
        if self.settings.word_ngrams >= 2:
            for t in range(len(words) - 1):
                idx = len(ids)
                ids.append(self._bucket("b:" + words[t] + " " + words[t + 1]))
                owners[t].append(idx)
                owners[t + 1].append(idx)
        return Features(ids, owners)

    def doc_words(self, doc: Document) -> list[str]:
        return [t.text for t in doc.tokens]

    def doc_features(self, doc: Document) -> Features:
        return self.extract(self.doc_words(doc), context_tags(doc))


def context_tags(doc: Document) -> list[str]:
    ctx = doc.context
    return [f"account={ctx.account_type or 'unknown'}", f"role={ctx.author_role or 'unknown'}"]
