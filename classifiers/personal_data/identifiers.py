"""Contact details and identifiers: phone, e-mail, BSN, IBAN, address, date of birth.

Each candidate found by a cheap regular expression is validated by the library that knows
the format: phonenumbers (valid Dutch number), stdnum.nl.bsn (11-proof), schwifty (IBAN
checksum). A candidate that fails validation is not reported.
"""

from __future__ import annotations

import re

import phonenumbers
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.nl import bsn

from classifiers.personal_data.hits import Hit
from classifiers.personal_data.lexicon import Lexicon
from classifiers.regex_prefilter import with_first_char_filter

# Patterns searched over the whole text carry a filter on their first characters (same
# matches, see classifiers/regex_prefilter.py): the engine skips positions such as the
# letters of words, where no number or postcode can start.

_EMAIL = re.compile(r"(?<![\w.+-])(?P<local>[\w.+-]+)@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}\b")
# +31 6 1234 5678, 0031 6.., 06-12345678, 020-1234567, (020) 123 45 67
_PHONE = with_first_char_filter(re.compile(
    r"(?<![\d+])(?:(?:\+|00)31[\s.-]?(?:\(0\)[\s.-]?)?\d|\(?0\d{1,3}\)?)(?:[\s.-]?\d){6,9}(?!\d)"
))
# A Dutch mobile number shape (06 + 8 digits) counts even in a range not yet assigned:
# it is someone's contact detail all the same.
_MOBILE_SHAPE = re.compile(r"6\d{8}")
_BSN = with_first_char_filter(
    re.compile(r"(?<![\d.-])(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}\.\d{3}\.\d{3})(?![\d]|[.-]\d)")
)
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}[\s]?(?:[A-Za-z0-9]{4}[\s]?){2,7}[A-Za-z0-9]{1,4}\b")
_POSTCODE = with_first_char_filter(
    re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS|sa|sd|ss)[A-Za-z]{2}\b")
)
_PLACE = re.compile(r"[ \t]*,?[ \t]*([^\W\d_][\w'’-]+(?:[ -][A-Z][\w'’-]+)?)")
_ADDRESS_CUE = re.compile(r"(?:woon\w*|adres|op|naar|afzender|:)\s*$|^(?:\s*[:,]?\s*)$")
_CAP_WORD = re.compile(r"\s*,?\s*([A-Z][\w'’-]+(?:[\s-][A-Z][\w'’-]+)?)")
_JOINER = re.compile(r"[ \t]*,?[ \t]*")
_DIGIT_OR_AT = re.compile(r"[\d@]")
_CAP_BEFORE = re.compile(r"\b[A-Z][\w'’.-]*\s$")
_WORD_NUMBER = re.compile(r"\b([^\W\d_]{3,})\s\d{1,4}(?:\s?[a-z]\b|-\d{1,4}\b)?")
_LIVES = with_first_char_filter(re.compile(
    r"\b(?:woont|wonen|woonde|woonachtig|verhuisd|verhuist)\s(?:\w+\s)?"
    r"(?:in|op|aan|naar)\s(?:de\s|het\s)?"
))


def find_emails(text: str, lex: Lexicon) -> list[Hit]:
    if "@" not in text:  # every address has one; saves the search over the whole text
        return []
    hits = []
    for m in _EMAIL.finditer(text):
        local = m.group("local").lower()
        strength = 0.4 if local in lex.generic_mailboxes else 1.0
        hits.append(Hit("email", m.start(), m.end(), strength))
    return hits


def find_phones(text: str) -> list[Hit]:
    hits = []
    for m in _PHONE.finditer(text):
        candidate = m.group()
        try:
            number = phonenumbers.parse(candidate, "NL")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) or (
            number.country_code == 31
            and _MOBILE_SHAPE.fullmatch(str(number.national_number)) is not None
        ):
            hits.append(Hit("phone", m.start(), m.end()))
    return hits


def find_bsns(text: str, taken: list[Hit]) -> list[Hit]:
    hits = []
    for m in _BSN.finditer(text):
        if any(h.start < m.end() and m.start() < h.end for h in taken):
            continue
        if bsn.is_valid(m.group()):
            hits.append(Hit("bsn", m.start(), m.end()))
    return hits


def find_ibans(text: str) -> list[Hit]:
    hits = []
    for m in _IBAN.finditer(text):
        try:
            IBAN(m.group().upper())
        except SchwiftyException:
            continue
        except ValueError:
            continue
        hits.append(Hit("iban", m.start(), m.end()))
    return hits


def _is_place(word: str, lex: Lexicon) -> bool:
    return word in lex.places or word.title() in lex.places


def _capitalised_words_before(text: str, start: int, most: int = 2) -> int:
    """Extend a street name back over capitalised words ("Prins Hendrikkade 5")."""
    for _ in range(most):
        m = _CAP_BEFORE.search(text, max(0, start - 40), start)
        if not m:
            break
        start = m.start()
    return start


def find_addresses(text: str, lex: Lexicon, low: str) -> list[Hit]:
    """Street + number, postcode (+ place), or "woont in <place>"; adjacent parts merge."""
    parts: list[tuple[int, int, float]] = []
    all_lower = text == low
    for m in _WORD_NUMBER.finditer(low):
        word = m.group(1)
        if not any(word.endswith(x) and len(word) > len(x) + 1 for x in lex.street_suffixes):
            continue
        if lex.class_re.match(low, m.end(1) + 1):
            continue  # "Beroepenmarkt 3 havo": a class, no house number
        start = m.start()
        if text[start].isupper():
            start = _capitalised_words_before(text, start)
        elif not (all_lower or _ADDRESS_CUE.search(low, max(0, start - 12), start)):
            continue
        parts.append((start, m.end(), 1.0))
    streets_end = {e for _, e, _ in parts}
    for m in _POSTCODE.finditer(text):
        letters_ok = m.group()[-2:].isupper()
        after_street = any(
            _JOINER.fullmatch(text[e : m.start()]) for e in streets_end if e <= m.start()
        )
        end = m.end()
        place = _PLACE.match(text, end)
        if place and _is_place(place.group(1), lex):
            end = place.end()
        elif not letters_ok and not after_street:
            continue
        if letters_ok or after_street or end > m.end():
            parts.append((m.start(), end, 1.0))
    for e in streets_end:
        place = _PLACE.match(text, e)
        if place and _is_place(place.group(1), lex) and "," in text[e : place.start(1)]:
            parts.append((e, place.end(), 1.0))
    for m in _LIVES.finditer(low):
        place = re.match(r"[A-Z][\w'’-]+(?:[\s-][A-Z][\w'’-]+)?", text[m.end() :])
        if place and (place.group() in lex.places or place.group().split()[0] in lex.places):
            name = place.group() if place.group() in lex.places else place.group().split()[0]
            parts.append((m.end(), m.end() + len(name), 0.7))
    parts.sort()
    merged: list[Hit] = []
    for start, end, strength in parts:
        last = merged[-1] if merged else None
        if last and (start <= last.end or _JOINER.fullmatch(text[last.end : start])):
            merged[-1] = Hit(
                "address", last.start, max(last.end, end), max(last.strength, strength)
            )
        else:
            merged.append(Hit("address", start, end, strength))
    return merged


def find_birth_dates(low: str, lex: Lexicon) -> list[Hit]:
    hits = []
    for m in lex.birth_re.finditer(low):
        group = "date" if m.group("date") else "date_before"
        date = m.group(group)
        has_year = bool(re.search(r"\d{4}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2}", date))
        hits.append(Hit("birth_date", m.start(group), m.end(group), 1.0 if has_year else 0.6))
    return hits


def find_identifiers(text: str, lex: Lexicon, low: str) -> list[Hit]:
    """All contact details and identifiers in `text`, without overlaps (first kind wins).

    `low` is `lower_same_length(text)`."""
    if not _DIGIT_OR_AT.search(text):
        return find_addresses(text, lex, low)
    found: list[Hit] = []
    found += find_ibans(text)
    found += find_emails(text, lex)
    found += [h for h in find_birth_dates(low, lex) if not any(h.overlaps(o) for o in found)]
    found += [h for h in find_phones(text) if not any(h.overlaps(o) for o in found)]
    found += find_bsns(text, found)
    found += [h for h in find_addresses(text, lex, low) if not any(h.overlaps(o) for o in found)]
    return sorted(found, key=lambda h: h.start)
