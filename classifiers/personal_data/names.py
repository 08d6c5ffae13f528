"""Person names, matched against deduce's first-name and surname lists.

- A capitalised first name from the list is a name ("Emma", "Emma de Vries"). A first name
  that is also a common Dutch word ("Mark", "Roos", "Bas", "Mei") counts only with context:
  a title before it ("juf Roos"), a greeting cue ("Gefeliciteerd Bas"), a surname after it,
  or a class after it ("Mark uit 2B").
- Any capitalised word after a title ("meester Peter", "mevrouw De Vries") is a staff name
  (kind "staff_name"): personal data, but not a pupil's name.
- Teen spelling writes names in lower case; a lower-case first name counts only when a
  surname or a class follows ("dani brouwer", "kiki uit m1b"), a possessive precedes it
  ("onze hamza") or the whole text is in lower case, and never when it is a common word.
"""

from __future__ import annotations

import re

from classifiers.personal_data.hits import Hit
from classifiers.personal_data.lexicon import Lexicon

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_START = re.compile(r"(?:^|[.!?\n])[\s\"'“‘(*-]*$")
_CLASS_LEAD = re.compile(r"\s*,?\s*\(?(?:(?:uit|van|in|zit\sin)\s)?")
_ABBREVIATED_TITLES = {"mw", "mevr", "dhr", "mr", "drs", "dr", "ir"}
_POSSESSIVES = {"onze", "ons", "mijn", "m'n", "m’n"}


def class_follows(low: str, pos: int, lex: Lexicon) -> re.Match[str] | None:
    """The class reference right after position `pos` ("Sanne uit 2B", "Liam (groep 7)").

    `low` is the lower-cased text (lexicon.lower_same_length)."""
    lead = _CLASS_LEAD.match(low, pos)
    return lex.class_re.match(low, lead.end() if lead else pos)


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and (not word.isupper() or len(word) <= 2)


class _Words:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]

    def gap(self, i: int, j: int) -> str:
        return self.text[self.items[i][2] : self.items[j][1]]


def _surname_after(words: _Words, i: int, lex: Lexicon, lower: bool) -> int | None:
    """Index of the surname word that continues the name at word i, if any."""
    items = words.items
    k = i + 1
    while k < len(items) and items[k][0].lower() in lex.interfixes and k - i <= 3:
        if words.gap(k - 1, k) != " ":
            return None
        k += 1
    if k >= len(items) or words.gap(k - 1, k) != " ":
        return None
    word = _POSSESSIVE.sub("", items[k][0])
    candidate = word.title() if lower else word
    if not lower and not _is_cap(word):
        return None
    if lower and word != word.lower():
        return None
    with_interfix = k > i + 1
    if candidate in lex.surnames and (candidate not in lex.first_names or with_interfix):
        return k
    if with_interfix and (
        candidate in lex.interfix_surnames or (not lower and word.lower() not in lex.common_words)
    ):
        return k
    return None


def _namesake_at(words: _Words, i: int, lex: Lexicon) -> int:
    """Number of words from word i that spell a listed namesake (a brand, a famous person),
    the longest first; 0 when none does."""
    items = words.items
    for n in range(min(4, len(items) - i), 0, -1):
        if all(words.gap(k - 1, k) == " " for k in range(i + 1, i + n)):
            phrase = " ".join(w for w, _, _ in items[i : i + n]).lower()
            if _POSSESSIVE.sub("", phrase) in lex.not_names:
                return n
    return 0


def find_names(text: str, lex: Lexicon, low: str) -> list[Hit]:
    words = _Words(text)
    items = words.items
    hits: list[Hit] = []
    all_lower = text == low
    i = 0
    while i < len(items):
        word, start, _ = items[i]
        if start > 0 and text[start - 1] == "@":
            # "@Rafael Hendriks": a platform mention of the person addressed, not a disclosure.
            i += 1
            while i < len(items) and words.gap(i - 1, i) == " " and _is_cap(items[i][0]):
                i += 1
            continue
        prev = items[i - 1][0].lower() if i > 0 else ""
        if (
            prev not in lex.titles
            and word not in lex.first_names
            and word.title() not in lex.first_names
            and not word.endswith(("'s", "’s"))
        ):
            i += 1  # fast path: most words are no name and follow no title
            continue
        skip = _namesake_at(words, i, lex)
        if skip:
            i += skip  # "Anne Frank Huis", "Oorlogswinter van Jan Terlouw": no pupil
            continue
        base = _POSSESSIVE.sub("", word)
        gap = words.gap(i - 1, i) if i > 0 else ""
        titled = prev in lex.titles and (
            gap == " " or (gap == ". " and prev in _ABBREVIATED_TITLES)
        )
        lower = word == word.lower()
        if lower:
            known = base.title() in lex.first_names and len(base) > 2
        else:
            known = _is_cap(word) and base in lex.first_names
        next_cap = i + 1 < len(items) and _is_cap(items[i + 1][0])
        if titled and word in lex.interfixes and next_cap and words.gap(i, i + 1) == " ":
            # "mevrouw de Wit", "meneer van Dam"
            hits.append(Hit("staff_name", start, items[i + 1][2]))
            i += 2
            continue
        if not (known or (titled and _is_cap(word))):
            i += 1
            continue
        sur = _surname_after(words, i, lex, lower) if base == word else None
        end = items[sur][1] + len(_POSSESSIVE.sub("", items[sur][0])) if sur else start + len(base)
        common = base.lower() in lex.common_words
        if i >= 2 and (items[i - 2][0].lower(), prev) in lex.self_introductions:
            i += 1  # "ik ben Laura, de nieuwe juf": the writer introduces themselves
            continue
        if base.lower() in lex.name_cues and i + 1 < len(items) and (
            class_follows(low, end, lex) is not None or items[i + 1][0] in lex.first_names
            or items[i + 1][0].lower() in lex.titles
            or items[i + 1][0].lower() in lex.greeting_addressees
        ):
            i += 1  # "Lieve 2B", "Lieve juf Sanne", "Lieve ouders": the greeting, not a name
            continue
        if not titled and sur is None:
            context = class_follows(low, end, lex) is not None
            if lower:
                # In text written all in lower case capitals carry no signal: a listed,
                # uncommon first name after a short function word still counts.
                cue = prev in _POSSESSIVES or all_lower
                context = (context or cue) and not common
            elif common:
                context = context or prev in lex.name_cues
            else:
                context = True
            if not context:
                i += 1
                continue
        elif lower and common:
            i += 1
            continue
        if titled:
            kind, strength = "staff_name", 1.0
        else:
            kind, strength = "name", 1.0 if sur else 0.8
        hits.append(Hit(kind, start, end, strength))
        i = (sur + 1) if sur else i + 1
    return hits
