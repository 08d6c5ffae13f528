"""Hashed fastText-style features of the normalised text.

Every token contributes its word unigram and its character n-grams (of the token padded
with `<` and `>`); every pair of neighbouring tokens contributes a word bigram. Features are
hashed with CRC-32 (stable across processes, unlike `hash()`) into a fixed number of buckets.

`FeatureHasher.extract` also returns, per token, which features it owns (its own unigram and
n-grams plus the bigrams it takes part in), so that the scorer can explain a model decision
by removing one token at a time (occlusion).
"""

from __future__ import annotations

import itertools
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
    # token t owns ids[token_ranges[t][0]:token_ranges[t][1]] (unigram + char n-grams)
    token_ranges: list[tuple[int, int]]
    # ids[bigram_start + t] is the bigram of tokens t and t+1 (when bigrams are on)
    bigram_start: int | None

    @property
    def owners(self) -> list[list[int]]:
        """owners[t] = indices into `ids` of every feature token t takes part in."""
        out = [list(range(a, b)) for a, b in self.token_ranges]
        if self.bigram_start is not None:
            for t in range(len(out) - 1):
                out[t].append(self.bigram_start + t)
                out[t + 1].append(self.bigram_start + t)
        return out


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
        ranges: list[tuple[int, int]] = []
        for w in words:
            start = len(ids)
            ids.extend(self.word_features(w))
            ranges.append((start, len(ids)))
        bigram_start = None
        if self.settings.word_ngrams >= 2:
            bigram_start = len(ids)
            bucket = self._bucket
            ids.extend(bucket("b:" + a + " " + b) for a, b in itertools.pairwise(words))
        return Features(ids, ranges, bigram_start)

    def doc_words(self, doc: Document) -> list[str]:
        return [t.text for t in doc.tokens]

    def doc_features(self, doc: Document) -> Features:
        return self.extract(self.doc_words(doc), context_tags(doc))


def context_tags(doc: Document) -> list[str]:
    ctx = doc.context
    return [f"account={ctx.account_type or 'unknown'}", f"role={ctx.author_role or 'unknown'}"]
