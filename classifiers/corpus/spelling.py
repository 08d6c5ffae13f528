"""Teen spelling: leet, spaced letters, repeated letters, swapped/dropped letters, glued words.

Applied to abusive slot values (a word) and, for pupil-style texts, to the whole message.
"""

from __future__ import annotations

import random

LEET = {"a": "4@", "e": "3", "i": "1!", "o": "0", "s": "5$", "l": "1", "t": "7"}
VOWELS = "aeiou"
# Emoji added to any pupil message (abusive or not), so emoji alone never give away the label.
EMOJI_CHAT = ("😂", "🤣", "💀", "🙄", "😭", "😅", "🙏", "🔥", "❤️", "😤", "👀", "😳")


def leet(word: str, rng: random.Random) -> str:
    out = []
    for ch in word:
        subs = LEET.get(ch.lower())
        out.append(rng.choice(subs) if subs and rng.random() < 0.6 else ch)
    return "".join(out)


def spaced(word: str, rng: random.Random) -> str:
    sep = rng.choice((" ", ".", "-", "_", "*"))
    return sep.join(ch for ch in word if ch != " ")


def repeat(word: str, rng: random.Random) -> str:
    idx = [i for i, ch in enumerate(word) if ch.lower() in VOWELS]
    if not idx:
        return word + word[-1] * 2
    i = rng.choice(idx)
    return word[: i + 1] + word[i] * rng.randint(2, 5) + word[i + 1 :]


def swap_or_drop(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 2)
    move = rng.randrange(3)
    if move == 0:  # swap two neighbours
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if move == 1:  # drop a letter
        return word[:i] + word[i + 1 :]
    return word + word[-1]  # double the last letter ("mongoll")


def star(word: str, rng: random.Random) -> str:
    idx = [i for i, ch in enumerate(word) if ch.lower() in VOWELS]
    if not idx:
        return word
    i = rng.choice(idx)
    return word[:i] + rng.choice("*#@") + word[i + 1 :]


def caps(word: str, rng: random.Random) -> str:
    return word.upper()


WORD_MOVES = (leet, spaced, repeat, swap_or_drop, star, caps)


def vary_word(word: str, rng: random.Random) -> str:
    """One teen-spelling variant of an abusive word or phrase."""
    move = rng.choice(WORD_MOVES)
    if move is spaced and len(word) > 14:
        move = leet
    return move(word, rng)


def teen_message(text: str, rng: random.Random, glue: float, emoji: float) -> str:
    """Make a whole message look typed on a phone by a pupil."""
    if rng.random() < 0.6:
        text = text.lower()
    if rng.random() < 0.5:
        text = text.rstrip(".")
    if rng.random() < glue and len(text) < 40:
        text = text.replace(" ", "")
    if rng.random() < emoji:
        text = f"{text} {rng.choice(EMOJI_CHAT) * rng.randint(1, 3)}"
    return text
