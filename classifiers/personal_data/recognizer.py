"""The personal-data recognizer: identifiers, names and the school context that makes a
name sensitive (002 A.2 / AVG art. 4, 000 A.1, 004 teamafspraken).

Scoring (threshold 0.5):
- identifiers on their own: BSN 0.95, IBAN 0.9, date of birth 0.85 (a birthday without year 0.3),
  phone 0.8, address 0.8 (home town only 0.56), e-mail 0.75 (a role mailbox like info@ 0.3);
- health or a school record (grades, punishment, suspension, absence) of a named person 0.85,
  with a class in the sentence 0.92 (high); a bare health term next to a pupil's name 0.7;
  of "een leerling uit 2B" 0.6 (medium); of "mijn oma" / "ze" alone 0.45 (not flagged:
  nobody a reader can identify); without a person nothing. A staff member's discipline is
  left to the protocol rule (confidential);
- pupils' names: a full name with an address or phone number in the text 0.8 (high), a full
  name with a class 0.6, congratulation or not (a congratulation is no consent); with a photo
  0.75 (004 teamafspraken), with a class or group 0.6, with a surname 0.55; a first name alone
  0.2, and a first name when the text states consent or congratulates (consented school news)
  stays low; staff names ("juf Anja") alone 0.2;
- pupils on the school's consent list (Context.named_pupils, consent.py): with consent their
  name is no reason to warn (left out here); without consent ConsentRecognizer flags it.
Every finding carries the same suggestion: the whole text with names and identifiers
replaced by placeholders (redact.py).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left

from classifiers.categories import Severity
from classifiers.document import Document
from classifiers.judgement import Finding, Span
from classifiers.personal_data.consent import consented_spans
from classifiers.personal_data.hits import Hit
from classifiers.personal_data.identifiers import find_identifiers
from classifiers.personal_data.lexicon import Lexicon, load_lexicon, lower_same_length
from classifiers.personal_data.names import class_follows, find_names
from classifiers.personal_data.redact import redact
from classifiers.recognizer import Recognizer, register

CATEGORY = "personal_data"
_IDENTIFIER_SCORE = {
    "bsn": (0.95, Severity.HIGH),
    "iban": (0.9, Severity.HIGH),
    "birth_date": (0.85, Severity.HIGH),
    "phone": (0.8, Severity.MEDIUM),
    "address": (0.8, Severity.MEDIUM),
    "email": (0.75, Severity.MEDIUM),
}
_SENTENCE_REACH = 300
_WORDS = re.compile(r"\w+")
_CONGRATULATION = re.compile(
    r"\b(?:gefeliciteerd|proficiat|hoera|hiep|welkom|bedankt|trots\sop|goed\sgedaan|top\sgedaan)\b"
)
_DATE_GAP = re.compile(r"[ \t]*[:,(]?[ \t]*")
# "Stijn 3,6": a grade right after a pupil's name.
_GRADE_AFTER_NAME = re.compile(r"[:\s]{1,3}(?:10|[1-9])[,.]\d\b")


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The sentence around `pos`, at most _SENTENCE_REACH characters to either side."""
    lo = max(0, pos - _SENTENCE_REACH)
    hi = min(len(text), pos + _SENTENCE_REACH)
    start = max([text.rfind(c, lo, pos) for c in ".!?\n"] + [lo - 1]) + 1
    ends = [e for e in (text.find(c, pos, hi) for c in ".!?\n") if e >= 0]
    end = min(ends) + 1 if ends else hi
    return start, end


def _any_between(positions: list[int], start: int, end: int) -> bool:
    i = bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


def _weaken(score: float, strength: float) -> float:
    return round(score * strength if strength >= 0.7 else min(score, 0.3), 4)


class PersonalDataRecognizer(Recognizer):
    name = "personal_data"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lex = lexicon or load_lexicon()
        ph = self.lex.messages["placeholders"]
        self._name_placeholders = tuple({ph["name"], ph["staff_name"]})

    def analyze(self, doc: Document) -> list[Finding]:
        text = doc.text
        lex = self.lex
        low = lower_same_length(text)
        ids = find_identifiers(text, lex, low)
        names = [n for n in find_names(text, lex, low) if not any(n.overlaps(i) for i in ids)]
        consented = [Hit("name", s.start, s.end) for s in consented_spans(doc)]
        if consented:  # listed pupils with media consent: their name alone is fine
            names = [n for n in names if not any(n.overlaps(c) for c in consented)]
        ids += self._dates_after_names(low, names, ids)
        sensitive = self._sensitive(low)
        classes = [m.start() for m in lex.class_re.finditer(low)]  # class mentions
        for n in names:
            grade = _GRADE_AFTER_NAME.match(text, n.end)
            if n.kind == "name" and grade and not any(h.overlaps(n) for h in sensitive):
                sensitive.append(Hit("school_record", grade.start() + 1, grade.end()))
        if not (ids or names or sensitive):
            return []
        rewrite = redact(text, ids + names, lex.messages["placeholders"])
        suggestion = rewrite if rewrite != text else None

        findings: list[Finding] = []
        for hit in ids:
            score, severity = _IDENTIFIER_SCORE[hit.kind]
            score = _weaken(score, hit.strength)
            if score < 0.5:
                severity = Severity.LOW
            elif hit.strength < 1.0:
                severity = Severity.MEDIUM
            findings.append(self._finding(hit.kind, score, severity, [hit], suggestion))

        used_names: set[Hit] = set()
        for hit in sensitive:
            if self._own_family(low, hit):
                # "mijn zoon heeft autisme": the writer tells of their own family; a guard, so
                # the learned model does not flag it either (pipeline.py)
                findings.append(Finding(CATEGORY, "guard:own_family", 0.0, Severity.LOW,
                                        [Span(hit.start, hit.end)], "", "",
                                        source=f"{self.name}:guard"))
                continue
            anchored = self._anchor(low, hit, names, classes)
            if anchored is None:
                continue
            score, severity, anchor_names = anchored
            used_names.update(anchor_names)
            findings.append(
                self._finding(hit.kind, score, severity, [*anchor_names, hit], suggestion)
            )
            # The name and class alone already identify the pupil (pupil_name, 002 A.2).
            pupils = [n for n in anchor_names if n.kind == "name"]
            if any(self._class_in_sentence(low, n, classes) for n in pupils):
                findings.append(
                    self._finding(
                        "pupil_name", 0.6, Severity.MEDIUM, pupils, suggestion, "pupil_identified"
                    )
                )

        rest = [n for n in names if n not in used_names]
        pupils = [n for n in rest if n.kind == "name"]
        if pupils:
            contact = any(i.kind in ("address", "phone") for i in ids)
            findings.append(self._pupil_names(low, pupils, suggestion, classes, contact))
        staff = [n for n in rest if n.kind == "staff_name"]
        if staff:
            findings.append(
                self._finding("pupil_name", 0.2, Severity.LOW, staff, suggestion, "name")
            )
        return findings

    def _pupil_names(
        self, text: str, pupils: list[Hit], suggestion: str | None, classes: list[int],
        contact: bool = False,
    ) -> Finding:
        """Pupils' names: with a photo (004) or a class they identify a child. A full name
        with an address, a phone number or a class is always marked: a congratulation or a
        line claiming consent is no consent (only the school's list is, see consent.py)."""
        lex = self.lex
        full = [n for n in pupils if n.strength >= 1.0]
        if full and contact:
            return self._finding("pupil_name", 0.8, Severity.HIGH, pupils, suggestion,
                                 "pupil_full")
        if any(self._class_in_sentence(text, n, classes) for n in full):
            return self._finding("pupil_name", 0.6, Severity.MEDIUM, pupils, suggestion,
                                 "pupil_full")
        if lex.consent_re.search(text):
            # Consent stated (000 A.1): seen, but not flagged.
            return self._finding("pupil_name", 0.2, Severity.LOW, pupils, suggestion, "name")
        if lex.photo_re.search(text):
            with_class = bool(classes)
            severity = Severity.HIGH if with_class else Severity.MEDIUM
            return self._finding("pupil_name", 0.75, severity, pupils, suggestion)
        with_class = [n for n in pupils if self._class_in_sentence(text, n, classes)]
        if with_class:
            cue = _CONGRATULATION.search(text) is not None
            if not cue:
                return self._finding(
                    "pupil_name", 0.6, Severity.MEDIUM, pupils, suggestion, "pupil_identified"
                )
            return self._finding("pupil_name", 0.4, Severity.LOW, pupils, suggestion, "name")
        full = [n for n in pupils if n.strength >= 1.0]
        if full and not _CONGRATULATION.search(text):
            # First name and surname: the pupil is identifiable without any class (002 A.2).
            return self._finding(
                "pupil_name", 0.55, Severity.MEDIUM, pupils, suggestion, "pupil_identified"
            )
        return self._finding("pupil_name", 0.2, Severity.LOW, pupils, suggestion, "name")

    def _class_in_sentence(self, text: str, name: Hit, classes: list[int]) -> bool:
        if class_follows(text, name.end, self.lex):
            return True
        s_start, s_end = _sentence_bounds(text, name.start)
        return _any_between(classes, s_start, s_end)

    def _dates_after_names(self, text: str, names: list[Hit], ids: list[Hit]) -> list[Hit]:
        """ "Eva Schouten 10 oktober 2011": a full date right after a name is a birth date."""
        found = []
        for n in names:
            gap = _DATE_GAP.match(text, n.end)
            date = self.lex.date_re.match(text, gap.end()) if gap else None
            if date:
                hit = Hit("birth_date", date.start(), date.end())
                if not any(hit.overlaps(i) for i in ids):
                    found.append(hit)
        return found

    def _sensitive(self, text: str) -> list[Hit]:
        lex = self.lex
        hits = [Hit("health", m.start(), m.end()) for m in lex.health_re.finditer(text)]
        hits += [Hit("health", m.start(), m.end()) for m in lex.health_state_re.finditer(text)]
        hits += [
            Hit("school_record", m.start(), m.end()) for m in lex.school_record_re.finditer(text)
        ]
        for m in lex.health_term_re.finditer(text):
            if not lex.health_cause_re.search(text, max(0, m.start() - 40), m.start()):
                hits.append(Hit("health", m.start(), m.end(), 0.8))  # term without a verb
        hits.sort(key=lambda h: (h.start, -h.end))
        out: list[Hit] = []
        for h in hits:
            if out and h.start < out[-1].end:
                continue
            out.append(h)
        return out

    def _anchor(
        self, text: str, hit: Hit, names: list[Hit], classes: list[int]
    ) -> tuple[float, Severity, list[Hit]] | None:
        """Who the health or school record is about, and how identifiable that makes it."""
        lex = self.lex
        s_start, s_end = _sentence_bounds(text, hit.start)
        in_sentence = [n for n in names if s_start <= n.start < s_end]
        has_class = _any_between(classes, s_start, s_end)
        before = [w.lower() for w in _WORDS.findall(text[s_start : hit.start])]
        if hit.kind == "school_record":
            # A pupil's file; a staff member's discipline is a protocol matter (confidential).
            in_sentence = [n for n in in_sentence if n.kind == "name"]
            if not in_sentence and any(n.kind == "staff_name" for n in names):
                return None
        if hit.strength < 1.0:
            # A bare term counts next to a pupil's name; staff health is a personnel matter.
            in_sentence = [n for n in in_sentence if n.kind == "name"]
        if in_sentence and hit.strength < 1.0:
            return 0.7, Severity.MEDIUM, in_sentence  # a bare term next to a name
        if hit.strength < 1.0:
            return None
        if in_sentence:
            return (0.92 if has_class else 0.85), Severity.HIGH, in_sentence
        if self._redacted_subject(text, s_start, hit.start):
            # "[naam] uit 2B is ziek": the person was already replaced by a placeholder
            # (our own one-click rewrite); what is left identifies nobody.
            return None
        if any(w in lex.self_words for w in before[-3:]) and not has_class:
            return None
        pronoun = any(w in lex.pronouns for w in before[-3:])
        if pronoun and names:
            return 0.8, Severity.HIGH, names
        if has_class:
            return 0.6, Severity.MEDIUM, []
        if pronoun or any(w in lex.relatives for w in before[-4:]):
            # "mijn oma heeft kanker": health data, but nobody a reader can identify.
            return 0.45, Severity.LOW, []
        return None

    def _own_family(self, text: str, hit: Hit) -> bool:
        """ "mijn dochter heeft ADHD", "m'n zoontje is ziek": the writer's own family right
        before the health or school record; a teacher named in the same sentence ("... en
        juf Marloes helpt hem goed") is not whom it is about."""
        lex = self.lex
        s_start, _ = _sentence_bounds(text, hit.start)
        words = [w.lower() for w in _WORDS.findall(text[s_start : hit.start])][-4:]
        return any(a in lex.own_possessives and b in lex.own_family
                   for a, b in itertools.pairwise(words))

    def _redacted_subject(self, text: str, start: int, end: int) -> bool:
        return any(p in text[start:end] for p in self._name_placeholders)

    def _finding(
        self,
        subtype: str,
        score: float,
        severity: Severity,
        hits: list[Hit],
        suggestion: str | None,
        reason_key: str | None = None,
    ) -> Finding:
        msg = self.lex.messages
        key = reason_key or subtype
        return Finding(
            category=CATEGORY,
            subtype=subtype,
            score=score,
            severity=severity,
            spans=sorted({Span(h.start, h.end) for h in hits}),
            reason=msg["reason"][key]["nl"],
            reason_en=msg["reason"][key]["en"],
            protocol_ref=msg["protocol_ref"][subtype],
            suggestion=suggestion,
            source=self.name,
        )


register(PersonalDataRecognizer)
