"""Stance: is the speaker saying the words or only mentioning them? Negation, quotes,
reported speech, counter-speech, health talk, denials ("ik heb nooit gezegd dat ...", "Jij
een loser? Echt niet.") and statements about the speaker ("ik ga dood van het lachen")."""

from __future__ import annotations

import itertools

from classifiers.abuse.analysis import Analysis, Tok
from classifiers.abuse.phrases import PhraseIndex
from classifiers.abuse.rules.base import (
    ECHO_WORDS,
    ENDORSE,
    ENDORSE_BEFORE,
    FIRST_PERSON,
    NEGATORS,
    RESTRICTIVE_AFTER_NEG,
    RHETORICAL_AFTER_NEG,
)
from classifiers.abuse.words import W

MANNER_OF_SPEAKING = W.set("manner_of_speaking")
HEALTH_FILLERS = W.set("health_fillers")
CONDITION_WORDS = W.set("condition_words")
REPORT_FIRST_PERSON_VERBS = W.set("report_first_person_verbs")
REPORT_REPEAT_VERBS = W.set("report_repeat_verbs")
CONDITIONAL_YOU = W.set("conditional_you")
COMPARISON_NEGATORS = W.set("comparison_negators")
COMPARISON_COPULAS = W.set("comparison_copulas")
COMPARISON_ADVERBS = W.set("comparison_adverbs")


class Stance:
    """Questions about the stance of a speaker towards the words they use."""

    def __init__(self, an: Analysis, counter: PhraseIndex) -> None:
        self.an = an
        self.counter_sentences: set[int] = set()
        ts = an.tag_string
        verdicts = {i for i in an.positions.get("counter", ()) if _verdict_on_people(an, i)}
        # "geen respect voor X", "nul tolerantie voor X": a value denied is no counter-speech
        verdicts |= {i for i in an.positions.get("counter", ()) if _value_denied(an, i)}
        for i in an.positions.get("counter", ()):
            if i not in verdicts:
                self.counter_sentences.add(an.toks[i].sentence)
        for phrase in counter.candidates(an.vocabulary):
            for m in phrase.matches(ts, an.tok_offsets, an.positions):
                first, last = an.tok_at(m.start()), an.tok_at(max(m.start(), m.end() - 2))
                if any(k in verdicts for k in range(first, last + 1)):
                    continue  # "ik vind X echt verschrikkelijke mensen" rejects no words
                self.counter_sentences.add(an.toks[first].sentence)
        self.has_counter = bool(self.counter_sentences)
        self.unquoted_words = sum(1 for t in an.toks if not t.quoted)
        # report verbs per sentence that are not the speaker's own voice ("ik zeg ...")
        self.reporters: dict[int, list[int]] = {}
        toks = an.toks
        for i in an.positions.get("report", ()):
            t = toks[i]
            before = toks[i - 1].lemma if i and toks[i - 1].sentence == t.sentence else ""
            after = toks[i + 1].lemma if i + 1 < len(toks) else ""
            own_voice = after in FIRST_PERSON and t.lemma in REPORT_FIRST_PERSON_VERBS
            if before in FIRST_PERSON or own_voice:
                continue
            if before in MANNER_OF_SPEAKING:
                continue  # "eerlijk gezegd" is a manner of speaking, not reported speech
            before2 = toks[i - 2].lemma if i >= 2 and toks[i - 2].sentence == t.sentence else ""
            conditional = before in CONDITION_WORDS or (
                after == "nog" and t.lemma in REPORT_REPEAT_VERBS
            )
            if conditional or (before2 == "wat" and before in CONDITIONAL_YOU):
                continue  # "als je nog wat zegt", "zeg nog 1 keer iets": a condition, no quote
            if self.endorsed(t.sentence):
                continue  # "mijn vader zegt dat ... en hij heeft gelijk" is the speaker's view
            self.reporters.setdefault(t.sentence, []).append(i)

    def endorsed(self, sentence: int) -> bool:
        """The speaker agrees with what they report ("... en hij heeft gelijk")."""
        toks = self.an.sentence_toks(sentence)
        return any(
            t.lemma in ENDORSE and k and toks[k - 1].lemma in ENDORSE_BEFORE
            for k, t in enumerate(toks)
        )

    def negated(self, tok: Tok, window: int = 3) -> bool:
        """A negation shortly before the token in the same sentence ("geen loser")."""
        toks = self.an.toks
        for k in range(tok.index - 1, max(-1, tok.index - window - 1), -1):
            prev = toks[k]
            if prev.clause != tok.clause:
                return False
            if prev.lemma in NEGATORS:
                after = toks[k + 1].lemma if k + 1 < len(toks) else ""
                after2 = toks[k + 2].lemma if k + 2 < len(toks) else ""
                if after in RESTRICTIVE_AFTER_NEG and after2 == "dan" and k + 2 < tok.index:
                    return False  # "X zijn niets meer dan ratten" says they are rats
                if prev.lemma in COMPARISON_NEGATORS and after in COMPARISON_COPULAS \
                        and after2 in COMPARISON_ADVERBS:
                    return False  # "niets is zo walgelijk als X" compares, it does not deny
                if after == "dat" and self._agreement_question(tok.sentence):
                    return False  # "Vind jij ook niet dat X eng zijn?" asks to agree
                # "zijn X niet gewoon dieven?" is a rhetorical question, not a denial
                return not (after in RHETORICAL_AFTER_NEG and k + 1 != tok.index)
        return False

    def _agreement_question(self, sentence: int) -> bool:
        toks = self.an.sentence_toks(sentence)
        return toks[0].lemma in AGREE_VERBS and is_question(self.an, toks)

    def reported(self, tok: Tok) -> bool:
        """The words are quoted, reported or rejected rather than meant."""
        if tok.quoted and self.unquoted_words >= 3:
            return True
        if tok.sentence in self.counter_sentences:
            return True
        if any(
            i != tok.index and not self._contrasted(i, tok) and not self._echo(i, tok)
            for i in self.reporters.get(tok.sentence, ())
        ):
            return True
        # counter-speech in the next sentence ("... Dat kan echt niet.")
        return tok.sentence + 1 in self.counter_sentences

    def _echo(self, reporter: int, tok: Tok) -> bool:
        """"X is een loser, mijn kind zegt het ook", "X is dom, dat zegt iedereen": a report
        verb after the words, in a later clause, that backs them up rather than quotes them."""
        if reporter <= tok.index:
            return False
        toks = self.an.toks
        verb = toks[reporter]
        if verb.clause == tok.clause:
            return False
        near = toks[max(tok.index + 1, reporter - 2) : reporter + 4]
        return any(t.lemma in ECHO_WORDS and t.sentence == verb.sentence for t in near) and not (
            reporter + 1 < len(toks) and toks[reporter + 1].lemma == "dat"
            and toks[reporter + 1].sentence == verb.sentence)

    def _contrasted(self, reporter: int, tok: Tok) -> bool:
        """"Ze zeggen dat X ..., maar het zijn ...": after "maar" the speaker talks again."""
        if reporter > tok.index:
            return False
        return any(t.lemma == "maar" for t in self.an.toks[reporter + 1 : tok.index])

    def health(self, tok: Tok) -> bool:
        """A disease word used as health talk ("mijn oma heeft kanker")."""
        sentence = self.an.sentence_toks(tok.sentence)
        if any(t.has("health") for t in sentence):
            return True
        if tok.sentence and any(t.has("health") for t in self.an.sentence_toks(tok.sentence - 1)):
            return True  # "hoe verspreidt een ziekte zich? Van de pest tot corona."
        k = tok.index - 1
        while k >= 0 and self.an.toks[k].lemma in HEALTH_FILLERS:
            if self.an.toks[k].lemma == "aan":
                return True
            k -= 1
        if k < 0 or self.an.toks[k].sentence != tok.sentence:
            return False
        # "ik heb kanker gehad": too common to be a stance word of the lexicon (which damps
        # the model everywhere), but before a disease it is health talk
        return self.an.toks[k].has("healthverb") or self.an.toks[k].lemma in HAVE_FORMS


HAVE_FORMS = W.set("have_forms")
AGREE_VERBS = W.set("agree_verbs")
# counter words that name a value the speaker can deny ("ik heb geen respect voor X")
VALUES = W.set("values")
VALUE_DENIERS = W.set("value_deniers")


def _value_denied(an: Analysis, i: int) -> bool:
    t = an.toks[i]
    if t.lemma not in VALUES:
        return False
    before = an.toks[max(0, i - 3) : i]
    return any(x.lemma in VALUE_DENIERS and x.clause == t.clause for x in before)


def _verdict_on_people(an: Analysis, i: int) -> bool:
    """"verschrikkelijke mensen": a counter word used as a verdict on people, not on words."""
    nxt = an.toks[i + 1] if i + 1 < len(an.toks) else None
    return nxt is not None and nxt.has("gnoun", "person", "group", "gref")


def is_question(an: Analysis, sentence: list[Tok]) -> bool:
    end = sentence[-1].end
    return "?" in an.text[end : end + 4]


CLAUSE_NEGATORS = W.set("clause_negators")


def subject_negated(an: Analysis, first: Tok) -> bool:
    """"Niemand hier wil jou uit de groep zetten", "ik zal jou nooit meer ...": "niemand"
    or "nooit" earlier in the clause denies what the pattern found after it."""
    for k in range(first.index - 1, -1, -1):
        prev = an.toks[k]
        if prev.clause != first.clause:
            return False
        if prev.lemma in CLAUSE_NEGATORS:
            return True
    return False


def intensifies(an: Analysis, tok: Tok) -> bool:
    """A negative word right before praise in its clause only intensifies it ("gestoord
    goed", "ziek mooi", "gestoord lekker"); praise that is a group or person word ("mensen")
    does not count."""
    nxt = an.toks[tok.index + 1] if tok.index + 1 < len(an.toks) else None
    return (nxt is not None and nxt.clause == tok.clause and nxt.has("posadj", "benign")
            and not nxt.has("gnoun", "group", "person", "npgroup", "you"))


BANTER_TERMS = W.set("banter_terms")
BANTER_MARKERS = W.set("banter_markers")


def banter(an: Analysis, tok: Tok) -> bool:
    """"jij gekkie 😂 tot morgen": a mild name friends call each other, with laughter or a
    heart in its own or a neighbouring sentence, teases and puts no one down (POLICY.md:
    warm banter is not flagged). Harsher words stay insults whatever the emoji."""
    if tok.lemma not in BANTER_TERMS:
        return False
    return any(
        abs(t.sentence - tok.sentence) <= 1 and (t.has("laugh") or t.lemma in BANTER_MARKERS)
        for t in an.toks
    )


# a negation plus a verb of saying or thinking denies what follows ("ik zou nooit zeggen dat
# je dik bent", "het is niet waar dat Noor een slet is", "niemand vindt jou dom")
DENIAL_VERBS = W.set("denial_verbs")
DENIAL_NEGATORS = W.set("denial_negators")
NIET_ZO = W.list("niet_zo")
DO_VERBS = W.set("do_verbs")


def told_to_stop(an: Analysis, tok: Tok) -> bool:
    """"Doe (nou) niet zo mongool": the reader is told to stop being what the word says."""
    before = [t.lemma for t in an.toks[max(0, tok.index - 5) : tok.index]
              if t.sentence == tok.sentence]
    return before[-2:] == NIET_ZO and not DO_VERBS.isdisjoint(before)


def rhetorical_negation(an: Analysis, tok: Tok) -> bool:
    """"vind jij Mila ook niet een domme koe?": "ook niet" in a question asks for agreement,
    it does not deny."""
    sentence = an.sentence_toks(tok.sentence)
    last = sentence[-1]
    if told_to_stop(an, tok):
        return True  # "doe niet zo mongool": an order to stop being it, which names it
    lemmas = [t.lemma for t in sentence if t.index < tok.index]
    if "?" not in an.text[last.end : last.end + 3]:
        return False
    if any(a == "ook" and b == "niet" for a, b in itertools.pairwise(lemmas)):
        return True
    # "wie vindt Hamza geen sukkel?", "is er iemand die Romy geen trut vindt?"
    return "wie" in lemmas[:3] or any(
        a == "iemand" and b == "die" for a, b in itertools.pairwise(lemmas)
    )


DENIAL_DAT_VERBS = W.set("denial_dat_verbs")


def denied_in_sentence(an: Analysis, tok: Tok) -> bool:
    """A denial frame before the token in its sentence: a negation followed (within three
    words) by a verb of saying or thinking, or "niet waar dat" ("ik heb nooit gezegd dat
    Saar een debiel is", "niemand vindt jou dom"). Person-directed counterpart of the
    opinion negation that GroupRule applies to groups."""
    sentence = an.sentence_toks(tok.sentence)
    for k, t in enumerate(sentence):
        if t.index >= tok.index:
            return False
        if t.lemma not in DENIAL_NEGATORS:
            continue
        nxt = sentence[k + 1].lemma if k + 1 < len(sentence) else ""
        if t.lemma == "niemand" and nxt == "die" and any(
            x.lemma in DENIAL_VERBS and x.clause == tok.clause
            for x in sentence[k + 2 :] if x.index > tok.index
        ):
            return True  # "er is niemand die jou een loser vindt"
        before = {x.lemma for x in sentence[max(0, k - 2) : k]}
        if nxt == "dat" and before & (DENIAL_VERBS | DENIAL_DAT_VERBS):
            return True  # "ik vind niet dat je dik bent", "het klopt niet dat ..."
        for j, x in enumerate(sentence[k + 1 : k + 5], k + 1):
            if x.index >= tok.index or x.clause != tok.clause:
                break
            if x.lemma in DENIAL_VERBS:
                return True
            nxt = sentence[j + 1].lemma if j + 1 < len(sentence) else ""
            if x.lemma == "zo" and nxt == "dat":
                return True  # "het is echt niet zo dat Roos een trut is"
    return False


DENIAL_FIRST_WORDS = W.set("denial_first_words")
DENIAL_FIRST_PAIRS = W.lists("denial_first_pairs")
DENIAL_FIRST_IF_NIET = W.set("denial_first_if_niet")


def denied_after(an: Analysis, tok: Tok) -> bool:
    """"Jij een loser? Echt niet.", "Dat je dik bent? Onzin!": the abuse is asked as a
    question and the next sentence denies it."""
    end = an.sentences[tok.sentence][1]
    last = an.toks[end - 1]
    if "?" not in an.text[last.end : last.end + 3]:
        return False
    if tok.sentence + 1 >= len(an.sentences):
        return False
    nstart, nend = an.sentences[tok.sentence + 1]
    first = [t.lemma for t in an.toks[nstart : min(nend, nstart + 3)]]
    if not first:
        return False
    if first[0] in DENIAL_FIRST_WORDS:
        return True
    if first[0] in DENIAL_FIRST_IF_NIET and "niet" in first:
        return True
    return first[:2] in DENIAL_FIRST_PAIRS


IMPERATIVE_HARM = W.set("imperative_harm")
FIRST_PERSON_SUBJECT = W.set("first_person_subject")


def clause_negated(toks: list[Tok], lo: int, hi: int) -> bool:
    """A negation between two tokens of one clause ("ik hoop niet dat je ...")."""
    return any(t.lemma in NEGATORS and t.lemma != "minder" for t in toks[lo:hi])


def self_statement(an: Analysis, first: Tok) -> bool:
    """"ik ga dood van het lachen": an imperative death/self-harm phrase whose subject is the
    speaker is about the speaker, not a wish or an incitement."""
    if first.lemma not in IMPERATIVE_HARM:
        return False
    k = first.index - 1
    return k >= 0 and an.toks[k].sentence == first.sentence and (
        an.toks[k].lemma in FIRST_PERSON_SUBJECT
    )
