"""Lookup data for personal-data detection, loaded once per process.

What we use from deduce (3.x): only its bundled source lookup lists, read as package
resources -- first names (`names/lst_first_name`), surnames (`names/lst_surname`,
`names/lst_interfix_surname`), place
names (`locations/lst_placename/lst_residence` and `lst_municipality`) and its common/stop
word whitelists, each minus its `exceptions.txt`. We do not construct `deduce.Deduce()`:
its first construction builds a 77 MB pickle cache (over two minutes on the CI machine) and
every later construction takes about 10 s, and `deidentify()` costs about 2 ms for 300
characters, our whole budget. Matching is our own (names.py) against these sets.

School-specific words live in data/lexicon.yaml, warning texts in data/messages.yaml.

Patterns marked "lower" run on `lower_same_length(text)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from classifiers.regex_prefilter import with_first_char_filter

_DEDUCE_SRC = "data/lookup/src"


@dataclass(frozen=True)
class Lexicon:
    first_names: frozenset[str]
    surnames: frozenset[str]
    interfix_surnames: frozenset[str]  # surnames after "van der" etc. ("Meer")
    places: frozenset[str]
    common_words: frozenset[str]  # lower case; names that are also Dutch words
    not_names: frozenset[str]  # lower case; brands and namesakes ("albert heijn")
    titles: frozenset[str]
    name_cues: frozenset[str]
    interfixes: frozenset[str]
    relatives: frozenset[str]
    pronouns: frozenset[str]
    self_words: frozenset[str]
    own_possessives: frozenset[str]
    own_family: frozenset[str]
    self_introductions: frozenset[tuple[str, str]]
    greeting_addressees: frozenset[str]
    generic_mailboxes: frozenset[str]
    class_re: re.Pattern[str]
    health_re: re.Pattern[str]
    health_state_re: re.Pattern[str]
    health_term_re: re.Pattern[str]  # a bare health term
    health_cause_re: re.Pattern[str]  # "actie tegen" before a term: no person's health
    school_record_re: re.Pattern[str]
    photo_re: re.Pattern[str]
    consent_re: re.Pattern[str]
    birth_re: re.Pattern[str]
    date_re: re.Pattern[str]  # a full date with a year
    street_suffixes: tuple[str, ...]  # "Kerkstraat 12": a word ending so, then a number
    messages: dict[str, Any]


def lower_same_length(text: str) -> str:
    """`text` in lower case with every character kept at its offset (spans stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _deduce_list(relative: str) -> set[str]:
    base = resources.files("deduce").joinpath(_DEDUCE_SRC, relative)
    items = {line.strip() for line in base.joinpath("items.txt").read_text("utf-8").splitlines()}
    exceptions = base.joinpath("exceptions.txt")
    if exceptions.is_file():
        items -= {line.strip() for line in exceptions.read_text("utf-8").splitlines()}
    items.discard("")
    return items


def _yaml(name: str) -> dict[str, Any]:
    text = resources.files("classifiers.personal_data").joinpath("data", name).read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"{name}: expected a mapping at the top level")
    return data


def _word_pattern(word: str) -> str:
    return re.escape(word).replace(r"\ ", r"\s")


def _alternation(words: list[str]) -> str:
    """The words as one alternation, longest first, grouped by their first letter.

    `a(?:dhd|utisme)|d(?:yslexie)` matches exactly what `adhd|autisme|dyslexie` matches (at
    one position only the words that start with the letter there can match, and they keep
    their order), but the regex engine tests one letter per group instead of one per word:
    several times cheaper, as these lists are tried at every word boundary of a text."""
    ordered = sorted(words, key=len, reverse=True)
    if any(w[:1].isspace() or not w for w in ordered):
        return "|".join(_word_pattern(w) for w in ordered)  # no safe first letter to group by
    groups: dict[str, list[str]] = {}
    for w in ordered:
        groups.setdefault(w[0], []).append(w[1:])
    return "|".join(
        _word_pattern(first) + "(?:" + "|".join(_word_pattern(rest) for rest in rests) + ")"
        for first, rests in groups.items()
    )


def build_patterns(lex: dict[str, Any]) -> dict[str, re.Pattern[str]]:
    """The Lexicon's patterns, by field name, as written (load_lexicon adds the filter)."""
    # These patterns run on lower_same_length(text): cheaper than re.IGNORECASE.
    flags = re.UNICODE
    health_terms = _alternation(lex["health_terms"])
    verb_only = set(lex["health_terms_verb_only"])
    bare_terms = _alternation([t for t in lex["health_terms"] if t not in verb_only])
    health_verbs = "|".join(lex["health_verbs_patterns"])
    health_re = re.compile(
        rf"\b(?:{health_verbs})\s(?:{health_terms})\b"
        rf"|\b(?:(?:een|de)\s)?(?:{health_terms})\s(?:heeft|had|hebben|hadden|heb)\b",
        flags,
    )
    months = _alternation(lex["months"])
    date = (
        rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})\b"
        rf"|\d{{1,2}}\s(?:{months})\.?(?:\s(?:19|20)\d{{2}})?\b)"
    )
    triggers = "|".join(lex["birth_triggers_patterns"])
    birth_re = re.compile(
        rf"(?:{triggers})(?P<date>{date})"
        rf"|(?:\bop\s)?(?P<date_before>{date})\s(?:\w+\s)?(?:jarig|geboren)\b",
        flags,
    )
    return {
        "class_re": re.compile("|".join(lex["class_patterns"]), flags),
        "health_re": health_re,
        "health_term_re": re.compile(rf"\b(?:{bare_terms})\b", flags),
        "health_cause_re": re.compile("|".join(lex["health_cause_patterns"]), flags),
        "health_state_re": re.compile("|".join(lex["health_state_patterns"]), flags),
        "school_record_re": re.compile("|".join(lex["school_record_patterns"]), flags),
        "consent_re": re.compile("|".join(lex["consent_patterns"]), flags),
        "photo_re": re.compile("|".join(lex["photo_patterns"]), flags),
        "birth_re": birth_re,
        "date_re": re.compile(
            rf"\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:19|20)\d{{2}}\b|\d{{1,2}}\s(?:{months})\.?\s(?:19|20)\d{{2}}\b",
            flags,
        ),
    }


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    lex = _yaml("lexicon.yaml")
    messages = _yaml("messages.yaml")

    first_names = {n for n in _deduce_list("names/lst_first_name") if len(n) > 1}
    surnames = {n for n in _deduce_list("names/lst_surname") if len(n) > 1}
    interfix_surnames = {n for n in _deduce_list("names/lst_interfix_surname") if len(n) > 1}
    places = _deduce_list("locations/lst_placename/lst_residence") | _deduce_list(
        "locations/lst_placename/lst_municipality"
    )
    common = {w.lower() for w in _deduce_list("whitelist/lst_common_word")}
    common |= {w.lower() for w in _deduce_list("whitelist/lst_stop_word")}
    common |= {w.lower() for w in lex["name_words"]}
    street_suffixes = tuple(sorted(lex["street_suffixes"], key=len, reverse=True))
    # The pattern lists are long alternations tried at every position: each compiled
    # pattern gets a filter on its first characters (same matches, regex_prefilter.py).
    patterns = {name: with_first_char_filter(p) for name, p in build_patterns(lex).items()}

    return Lexicon(
        first_names=frozenset(first_names),
        surnames=frozenset(surnames),
        interfix_surnames=frozenset(interfix_surnames),
        places=frozenset(places),
        common_words=frozenset(common),
        not_names=frozenset(n.lower() for n in lex["not_names"]),
        titles=frozenset(lex["titles"]),
        name_cues=frozenset(lex["name_cues"]),
        interfixes=frozenset(lex["interfixes"]),
        relatives=frozenset(lex["relatives"]),
        pronouns=frozenset(lex["pronouns"]),
        self_words=frozenset(lex["self_words"]),
        own_possessives=frozenset(lex["own_possessives"]),
        own_family=frozenset(lex["own_family"]),
        self_introductions=frozenset(tuple(p.split()) for p in lex["self_introductions"]),
        greeting_addressees=frozenset(lex["greeting_addressees"]),
        generic_mailboxes=frozenset(lex["generic_mailboxes"]),
        street_suffixes=street_suffixes,
        messages=messages,
        **patterns,
    )
