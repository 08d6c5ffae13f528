"""Dutch word forms for the lexicon matcher (classifiers/abuse/lexicon.py): stems of
inflections and diminutives ("domme" -> "dom", "Turkjes" -> "Turk"), comparatives and
superlatives ("luiste" -> "lui"), squeezed repeats ("looser" -> "loser"), letter swaps, and
whether a word is common Dutch (wordfreq). The endings are data (data/words.yaml)."""

from __future__ import annotations

from functools import lru_cache

from classifiers.abuse.words import W


def squeeze(word: str) -> str:
    out: list[str] = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def is_swap(word: str, term: str) -> bool:
    if len(word) != len(term):
        return False
    diff = [i for i, (a, b) in enumerate(zip(word, term, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == term[diff[1]]


DEGREE_SUFFIXES = W.seq("degree_suffixes")


def degree_stems(word: str) -> list[str]:
    """"luiste" -> "lui", "viezer" -> "vies", "dommere" -> "dom", "smerigst" -> "smerig"."""
    stems: list[str] = []
    for suffix in DEGREE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stems.extend(_spellings(word[: -len(suffix)]))  # dommer, viezer, groter
    return stems


COMMON_ZIPF = 3.0  # about once per million words and more often ("kikkers" 3.5, "nikkers" 1.5)


@lru_cache(maxsize=65536)
def common_dutch(word: str) -> bool:
    """A word that Dutch text uses often (wordfreq's Dutch frequencies, shipped with it)."""
    from wordfreq import zipf_frequency

    # only plain words: wordfreq splits "homo'5" into "homo" + "5" and rates the pieces
    return word.isalpha() and zipf_frequency(word, "nl") >= COMMON_ZIPF


def _spellings(stem: str) -> list[str]:
    """A stem cut off before an ending, and the spellings it may have on its own:
    "domm" -> "dom", "viez" -> "vies", "lev" -> "lef", "grot" -> "groot"."""
    out = [stem]
    if len(stem) >= 2 and stem[-1] == stem[-2]:
        out.append(stem[:-1])
    if stem.endswith("z"):
        out.append(stem[:-1] + "s")
    if stem.endswith("v"):
        out.append(stem[:-1] + "f")
    if len(stem) >= 3 and stem[-2] in "aeiou" and stem[-3] not in "aeiou":
        out.append(stem[:-1] + stem[-2] + stem[-1])
    return out


_DIMINUTIVES = W.seq("diminutives")


INFLECTION_SUFFIXES = W.seq("inflection_suffixes")
DIMINUTIVE_ENDINGS = W.seq("diminutive_endings")


def stems(word: str) -> list[str]:
    stems: list[str] = []
    if word.endswith("'s"):
        stems.append(word[:-2])
    if word.endswith("je") and len(word) > 4:
        stems.append(word[:-2])
    if word.endswith(DIMINUTIVE_ENDINGS):
        # diminutives: "Marokkaantjes", "Turkjes", "sukkeltje", "homootje"
        for suffix in _DIMINUTIVES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                stems.extend(_spellings(word[: -len(suffix)]))
                break
    for suffix in INFLECTION_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: -len(suffix)]
            stems.extend(_spellings(stem))  # domme, vieze, grote
            if stem.endswith("z") and len(stem) >= 3 and stem[-2] in "aeiou" and (
                stem[-3] not in "aeiou"
            ):
                stems.append(stem[:-1] + stem[-2] + "s")  # waardeloze -> waardeloos
    return stems
