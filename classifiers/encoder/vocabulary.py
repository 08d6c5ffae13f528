"""Vocabulary pruning: keep the SentencePiece pieces that Dutch and English text use.

The e5 vocabulary has 250k pieces for about 100 languages; its embedding matrix is most of the
model's memory. Kept: every piece that tokenising the training texts or the most frequent
Dutch and English words (wordfreq, shipped with the package) produces. The tokenizer keeps
every single-character piece as well (tokenizer.py), so any text still tokenises; a rare word
falls apart into smaller pieces.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

WORDS_NL = 120_000
WORDS_EN = 40_000


def frequent_words() -> list[str]:
    from wordfreq import top_n_list

    words = top_n_list("nl", WORDS_NL) + top_n_list("en", WORDS_EN)
    # sentence-initial and shouted forms tokenise differently
    return words + [w.capitalize() for w in words[:30_000]] + [w.upper() for w in words[:5_000]]


def used_ids(tokenizer, texts: Iterable[str], chunk: int = 2048) -> set[int]:
    texts = list(texts)
    out: set[int] = set()
    for k in range(0, len(texts), chunk):
        ids, mask = tokenizer.encode_batch(texts[k:k + chunk], max_tokens=512, prefix="query: ")
        out.update(ids[mask.bool()].tolist())
    return out


def keep_ids(tokenizer, texts: Sequence[str]) -> list[int]:
    """Sorted ids of the full vocabulary to keep."""
    return sorted(used_ids(tokenizer, list(texts) + frequent_words()))
