"""The school's consent list as data: which pupils may (not) be named on social media.

The school keeps a list of its pupils with their media consent (the consent module of its
administration system; 000 A.1). The classifiers never read it from anywhere: the caller
builds a `ConsentList` once, picks the pupils that may occur in a text with
`ConsentList.relevant(text)` and passes those in `Context.named_pupils` (a few pairs, not the
whole list). Then, for that text:
- `ConsentRecognizer` flags every listed pupil without consent whose full name occurs
  (personal_data / pupil_name, 0.85, high, with its own reason);
- `consented_spans(doc)` are the names of listed pupils with consent, which the
  personal-data recognizer leaves alone (the name alone is then no reason to warn).

Names are matched on their words in order, case- and accent-insensitive, with any white
space between them ("Sanne  de vries" is Sanne de Vries; "Zoe" is Zoë).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from classifiers.categories import Severity
from classifiers.document import Document
from classifiers.judgement import Finding, Span
from classifiers.recognizer import Recognizer, register

CATEGORY = "personal_data"
SOURCE = "consent_list"
NO_CONSENT_SCORE = 0.85
PROTOCOL_REF = "000 A.1"
REASON_NL = ("Deze leerling staat op de toestemmingslijst van school zonder toestemming om "
             "genoemd of afgebeeld te worden op sociale media (000 A.1). Laat de naam weg.")
REASON_EN = ("This pupil is on the school's consent list without consent to be named or shown "
             "on social media (000 A.1). Leave the name out.")
_WORD = re.compile(r"\w+")


@cache
def _fold_char(c: str) -> str:
    base = unicodedata.normalize("NFKD", c)[0].lower()
    return base if len(base) == 1 else c


def fold(text: str) -> str:
    """Lower case without accents, every character kept at its offset (spans stay valid)."""
    if text.isascii():
        return text.lower()
    return "".join(c.lower() if c.isascii() else _fold_char(c) for c in text)


def name_words(name: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(name)))


class ConsentList:
    """The pupils of one school: (full name, has consent). Built once per import; asking
    which pupils a text may name costs one pass over the text's words."""

    def __init__(self, pupils: Iterable[tuple[str, bool]]) -> None:
        # by the name's last word (the surname's): the most selective word of a name
        self._by_last: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}
        self._size = 0
        for name, consent in pupils:
            words = name_words(name)
            if len(words) < 2:  # a first name alone names nobody in particular
                continue
            self._by_last.setdefault(words[-1], []).append((words, name, bool(consent)))
            self._size += 1

    def __len__(self) -> int:
        return self._size

    def relevant(self, text: str) -> tuple[tuple[str, bool], ...]:
        """The listed pupils whose every name word occurs in `text` (a superset of those the
        text names; the recognizer checks the order)."""
        if not self._size or not text:
            return ()
        words = set(_WORD.findall(fold(text)))
        out: list[tuple[str, bool]] = []
        by_last = self._by_last
        for last in words:
            for need, name, consent in by_last.get(last, ()):
                if all(w in words for w in need):
                    out.append((name, consent))
        return tuple(sorted(out))


def _pattern(name: str) -> re.Pattern[str] | None:
    words = name_words(name)
    if len(words) < 2:
        return None
    return re.compile(r"(?<!\w)" + r"\W{1,3}".join(re.escape(w) for w in words) + r"(?!\w)")


def _matches(doc: Document) -> list[tuple[Span, bool]]:
    pupils = getattr(doc.context, "named_pupils", ()) or ()
    if not pupils:
        return []
    folded = fold(doc.text)
    found: list[tuple[Span, bool]] = []
    for name, consent in pupils:
        pattern = _pattern(str(name))
        if pattern is None:
            continue
        found += [(Span(m.start(), m.end()), bool(consent)) for m in pattern.finditer(folded)]
    return sorted(found, key=lambda f: (f[0].start, -f[0].end))


def matches(doc: Document) -> list[tuple[Span, bool]]:
    """Where the text names a listed pupil, and whether that pupil has consent."""
    return doc.view("consent_list_matches", _matches)


def consented_spans(doc: Document) -> list[Span]:
    """Names of listed pupils with consent. A name that matches a pupil without consent
    too (two pupils with one name) is not among them: no consent wins."""
    found = matches(doc)
    refused = [s for s, consent in found if not consent]
    return [s for s, consent in found
            if consent and not any(s.start < r.end and r.start < s.end for r in refused)]


class ConsentRecognizer(Recognizer):
    """A listed pupil without media consent, named in the text."""

    name = SOURCE

    def analyze(self, doc: Document) -> list[Finding]:
        spans = sorted({s for s, consent in matches(doc) if not consent})
        if not spans:
            return []
        return [Finding(category=CATEGORY, subtype="pupil_name", score=NO_CONSENT_SCORE,
                        severity=Severity.HIGH, spans=spans, reason=REASON_NL,
                        reason_en=REASON_EN, protocol_ref=PROTOCOL_REF, source=SOURCE)]


register(ConsentRecognizer)
