"""Person names, matched against deduce's first-name and surname lists.

A name must be capitalised. A first name that is also a common Dutch word ("Mark", "Roos",
"Bas", "Mei") or that opens a sentence and is such a word counts only with context: a title
before it ("juf Roos"), a greeting cue ("Gefeliciteerd Bas"), a surname after it, or a
class after it ("Mark uit 2B"). Any capitalised word after a title ("meester Peter",
"mevrouw De Vries") is a name.
"""

from __future__ import annotations

import re

from classifiers.personal_data.hits import Hit
from classifiers.personal_data.lexicon import Lexicon

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_END = re.compile(r"(?:^|[.!?\n]\s*|^\W*)$")


_CLASS_LEAD = re.compile(r"\s*,?\s*\(?(?:(?:uit|van|in|zit\sin)\s)?", re.IGNORECASE)


def class_follows(text: str, pos: int, lex: Lexicon) -> re.Match[str] | None:
    """The class reference right after position `pos` ("Sanne uit 2B", "Liam (groep 7)")."""
    lead = _CLASS_LEAD.match(text, pos)
    return lex.class_re.match(text, lead.end() if lead else pos)


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or not word.isupper() or len(word) <= 2)


def find_names(text: str, lex: Lexicon) -> list[Hit]:
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    hits: list[Hit] = []
    i = 0
    n = len(words)
    while i < n:
        word, start, _ = words[i]
        if not _is_cap(word):
            i += 1
            continue
        base = _POSSESSIVE.sub("", word)
        base_end = start + len(base)
        prev = words[i - 1][0].lower().rstrip(".") if i > 0 else ""
        titled = prev in lex.titles and text[words[i - 1][2] : start].strip() in ("", ".")
        known = base in lex.first_names
        if not (known or titled):
            i += 1
            continue
        # Extend with interfixes and a surname: "Emma de Vries", "Liam van der Berg".
        j = i + 1
        name_end = base_end
        has_surname = False
        if base == word:
            k = j
            while k < n and words[k][0].lower() in lex.interfixes and k - j < 3:
                k += 1
            if k < n and _is_cap(words[k][0]):
                sur = _POSSESSIVE.sub("", words[k][0])
                gap_ok = re.fullmatch(r"[ \t]+", text[words[k - 1][2] : words[k][1]]) is not None
                is_surname = sur in lex.surnames or (k > j and sur not in lex.common_words)
                if gap_ok and is_surname and (sur not in lex.first_names or k > j):
                    has_surname = True
                    name_end = words[k][1] + len(sur)
                    j = k + 1
        ambiguous = base.lower() in lex.common_words
        sentence_start = _SENTENCE_END.search(text[max(0, start - 3) : start]) is not None
        if ambiguous and not (titled or has_surname):
            cue = prev in lex.name_cues
            class_after = class_follows(text, name_end, lex)
            if not (cue or class_after):
                i += 1
                continue
        elif sentence_start and not (titled or has_surname) and base.lower() in lex.common_words:
            i += 1
            continue
        hits.append(Hit("name", start, name_end, 1.0 if (titled or has_surname) else 0.8))
        i = j if j > i else i + 1
    return hits
