"""Normalisation with a map back to the original characters.

`normalise(text)` returns a NormalisedText whose `.text` is the folded form recognizers
match against and whose `.to_original(start, end)` turns a span in that form back into a
span of the original text (end exclusive).

It undoes the teen spelling that can be undone without a lexicon:
- case and accents ("KÁNKER" -> "kanker"), zero-width characters and emoji modifiers;
- emoji that carry meaning become words ("🐷" -> " varken "), all pointing at the emoji;
- letters spaced out ("k a n k e r", "m.o.n.g.o.o.l", "k-a-n-k-e-r") are joined;
- leet inside words ("k4nk3r", "h0er", "$let", "l@ngzaam", "d!k") -> letters;
- a masked letter inside a word ("k*nker", "k#nker") becomes the wildcard "_";
- letters repeated three times or more are cut to two ("loooser" -> "looser"); the lexicon
  matcher compares squeezed forms, so "looser" still finds "loser".
Dropped or swapped letters and glued words need the lexicon: see classifiers/abuse/lexicon.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WILDCARD = "_"
EMOJI_FILE = Path(__file__).parent / "abuse" / "data" / "emoji.tsv"

_DROP = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\ufe0e\ufe0f"
)
_LEET = {"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"}
_LEET_CHARS = "4@31!0$57"
# short pronouns and function words in leet (too few letters for the general rule, which
# must leave class codes like "3b" alone); same length, so offsets are unchanged
_LEET_SHORT_WORDS = {
    "1k": "ik", "j3": "je", "m3": "me", "z3": "ze", "w3": "we", "d3": "de", "1n": "in",
    "33n": "een", "3en": "een", "e3n": "een", "j1j": "jij", "j0u": "jou", "h3m": "hem",
    "g@": "ga", "g4": "ga", "d1e": "die", "d4t": "dat", "m1j": "mij", "z1j": "zij",
}
# letters written one at a time with the same separator: at least three of them
_SPACED = re.compile(
    r"(?<![\w$@!])[a-z0-9$@!](?P<sep>[ .\-_*·])(?:[a-z0-9$@!](?P=sep)){1,}[a-z0-9$@!](?![\w$@])"
)
# a run of letters and leet characters with at least one leet character (candidates for leet
# undoing). Written to start only where a run starts and never to backtrack over its leading
# letters; it finds exactly the runs `[a-z0-9$@!*#]*[0-9$@!*#][a-z0-9$@!*#]*` finds, without
# retrying that pattern at every letter of every word
_WORDISH = re.compile(r"(?<![a-z0-9$@!*#])[a-z]*+[0-9$@!*#][a-z0-9$@!*#]*")
_PROTECTED = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|https?://\S+|www\.\S+", re.ASCII)
_REPEAT = re.compile(r"([a-z])\1{2,}")


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
        while o_end < len(self.original) and (
            unicodedata.combining(self.original[o_end]) or self.original[o_end] in _DROP
        ):
            o_end += 1
        return (o_start, o_end)


@lru_cache(maxsize=1)
def emoji_words() -> dict[str, str]:
    """Emoji that carry meaning, mapped to a Dutch word (data: abuse/data/emoji.tsv)."""
    table: dict[str, str] = {}
    for line in EMOJI_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        emoji, word = line.split("\t")[:2]
        table[emoji.strip()] = word.strip()
    return table


def normalise(text: str) -> NormalisedText:
    chars, origin = _fold(text)
    s = "".join(chars)
    s, origin = _join_spaced(s, origin)
    s = _undo_leet(s)
    s, origin = _cut_repeats(s, origin)
    return NormalisedText(original=text, text=s, origin=tuple(origin))


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold(text: str) -> tuple[list[str], list[int]]:
    if text.isascii():
        return list(text.lower()), list(range(len(text)))
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter that lower-cases to two characters
        return _fold_slow(text)
    # ASCII runs are copied as they are; only the (few) other characters are looked at
    emoji = emoji_words()
    out: list[str] = []
    origin: list[int] = []
    last = 0
    for m in _NON_ASCII.finditer(text):
        out.extend(lowered[last : m.start()])
        origin.extend(range(last, m.start()))
        for i in range(m.start(), m.end()):
            ch = text[i]
            if ch in _DROP or "\U0001f3fb" <= ch <= "\U0001f3ff":
                continue
            word = emoji.get(ch)
            piece = f" {word} " if word is not None else _fold_char(ch)
            out.extend(piece)
            origin.extend([i] * len(piece))
        last = m.end()
    out.extend(lowered[last:])
    origin.extend(range(last, len(text)))
    return out, origin


def _fold_slow(text: str) -> tuple[list[str], list[int]]:
    emoji = emoji_words()
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch.lower())
            origin.append(i)
            continue
        if ch in _DROP or "\U0001f3fb" <= ch <= "\U0001f3ff":
            continue
        word = emoji.get(ch)
        if word is not None:
            piece = f" {word} "
            out.extend(piece)
            origin.extend([i] * len(piece))
            continue
        folded = _fold_char(ch)
        out.extend(folded)
        origin.extend([i] * len(folded))
    return out, origin


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _join_spaced(s: str, origin: list[int]) -> tuple[str, list[int]]:
    if len(s) < 5 or not _SPACED.search(s):
        return s, origin
    parts: list[str] = []
    new_origin: list[int] = []
    last = 0
    for m in _SPACED.finditer(s):
        letters = m.group()[::2]
        if sum(c.isalpha() for c in letters) < 2:
            continue
        parts.append(s[last : m.start()])
        new_origin.extend(origin[last : m.start()])
        parts.append(letters)
        new_origin.extend(origin[m.start() : m.end() : 2])
        last = m.end()
    if last == 0:
        return s, origin
    parts.append(s[last:])
    new_origin.extend(origin[last:])
    return "".join(parts), new_origin


_DIGIT_RUN = re.compile(r"\d{3,}")


def _leet_heavy(word: str) -> bool:
    """"1d10t": more leet digits than letters, yet a word: every digit stands for a letter
    and no three digits stand together (as in a postcode "1011AB" or a number)."""
    return all(c in _LEET for c in word if c.isdigit()) and not _DIGIT_RUN.search(word)


def _undo_leet(s: str) -> str:
    """Same-length substitution, so the origin map is unchanged."""
    if not any(c in s for c in "0134578$@!*#"):
        return s
    protected = [m.span() for m in _PROTECTED.finditer(s)] if "@" in s or "/" in s else []
    chars = list(s)
    changed = False
    for m in _WORDISH.finditer(s):
        start = m.start()
        if any(ps <= start < pe for ps, pe in protected):
            continue
        word = m.group()
        short = _LEET_SHORT_WORDS.get(word)
        if short:  # "1k sl4 j3": short function words that the letter count below skips
            chars[start : start + len(word)] = short
            changed = True
            continue
        letters = sum(c.isalpha() for c in word)
        digits = sum(c.isdigit() for c in word)
        if letters < 2 or digits > 6 or (digits > letters and not _leet_heavy(word)):
            continue  # a code, postcode or account number rather than a word
        for j, c in enumerate(word):
            inside = 0 < j < len(word) - 1
            if c in "*#":
                if inside:
                    chars[start + j] = WILDCARD
                    changed = True
            elif c == "@":
                if j > 0:  # "@jan" at the start is a handle
                    chars[start + j] = "a"
                    changed = True
            elif c == "!":
                if inside and word[j - 1] != "!" and word[j + 1] != "!":
                    chars[start + j] = "i"
                    changed = True
            elif c in _LEET_CHARS:
                chars[start + j] = _LEET[c]
                changed = True
    return "".join(chars) if changed else s


def _cut_repeats(s: str, origin: list[int]) -> tuple[str, list[int]]:
    if not _REPEAT.search(s):
        return s, origin
    parts: list[str] = []
    new_origin: list[int] = []
    last = 0
    for m in _REPEAT.finditer(s):
        start = m.start()
        parts.append(s[last : start + 2])
        new_origin.extend(origin[last : start + 2])
        last = m.end()
        # keep the origin of the last repeated letter for the second one, so a span
        # ending on it covers the whole run in the original text
        new_origin[-1] = origin[m.end() - 1]
    parts.append(s[last:])
    new_origin.extend(origin[last:])
    return "".join(parts), new_origin
