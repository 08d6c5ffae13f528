"""Targets: who a sentence is aimed at (the reader, a named person, a group, a thing), and
the small questions about persons that the rule families share."""

from __future__ import annotations

import bisect
import itertools
import re

from classifiers.abuse.analysis import Analysis, Tok
from classifiers.abuse.rules.base import (
    ARTICLES,
    COPULA_SINGULAR,
    DETERMINERS,
    DETERMINERS_DE,
    EXCLAIM,
    FIRST_PERSON,
    SUBJECT_PRONOUNS,
    SUPERLATIVES,
    THING_REACH,
    TITLES,
)
from classifiers.abuse.words import W

WAT_EEN = W.list("wat_een")
PLURAL_GROUP_VERBS = W.set("plural_group_verbs")


class Targets:
    """Who a sentence is aimed at: the reader (jij/je/jullie), a named person, a group."""

    def __init__(self, an: Analysis, text: str) -> None:
        self.an = an
        n = len(an.sentences)
        self.you = [False] * n
        self.person = [False] * n
        self.group = [False] * n
        self.npgroup = [False] * n
        pos = an.positions
        for i in pos.get("you", ()):
            self.you[an.toks[i].sentence] = True
        for i in (*pos.get("group", ()), *pos.get("gref", ())):
            self.group[an.toks[i].sentence] = True
        for i in pos.get("npgroup", ()):
            self.npgroup[an.toks[i].sentence] = True
        for s, (start, end) in enumerate(an.sentences):
            toks = an.toks[start:end]
            for i in range(len(toks)):
                if _names_person(toks, i, text):
                    self.person[s] = True
                    break
            else:
                # "die nieuwe uit 1A", "die van groep 7": a pupil named by their class
                if not self.group[s] and _class_reference(toks):
                    self.person[s] = True
        self.short = len(an.toks) <= 7
        # "die printer", "de chromebook": a thing (or something unknown) named as subject
        self.things: list[int] = []  # token indices of things ("die printer", "de app")
        for i, t in enumerate(an.toks):
            after_det = i > 0 and an.toks[i - 1].lemma in ARTICLES
            thing = t.has("object", "thing") if t.tags else after_det and not t.capitalised
            if thing:
                self.things.append(i)

    def aimed(self, tok: Tok) -> str | None:
        s = tok.sentence
        if self.you[s]:
            return "you"
        if self.group[s] or self.npgroup[s]:
            return None
        if self.person[s]:
            return "person"
        toks = self.an.toks
        if tok.index and toks[tok.index - 1].lemma in SUPERLATIVES and not tok.has("slur"):
            return "exclaim"  # "de grootste eikel van school"
        if tok.index and toks[tok.index - 1].lemma in DETERMINERS_DE and not tok.has("slur"):
            before = toks[tok.index - 2].lemma if tok.index >= 2 else ""
            nxt = toks[tok.index + 1] if tok.index + 1 < len(toks) else None
            plural_verb = nxt is not None and nxt.lemma in PLURAL_GROUP_VERBS
            if before != "al" and not plural_verb and not (nxt is not None and nxt.has("object")):
                return "exclaim"  # "die achterlijke gek", "de loser is er weer"
        wat_een = [t.lemma for t in toks[max(0, tok.index - 2) : tok.index]] == WAT_EEN
        nxt_thing = tok.index + 1 < len(toks) and toks[tok.index + 1].has("object")
        if wat_een and not tok.curse_prefix and not nxt_thing:
            return "exclaim"  # "wat een sukkel met die schoenen": a person, not the shoes
        k = bisect.bisect_left(self.things, tok.index - THING_REACH)
        if k < len(self.things) and self.things[k] <= tok.index + THING_REACH:
            return None  # the abuse is about a thing near it ("die printer is een sukkel")
        if tok.has("slur"):
            return None  # a slur without a person in sight is aimed at the group
        if tok.index and toks[tok.index - 1].lemma in EXCLAIM:
            return "exclaim"
        if tok.index >= 2 and [t.lemma for t in toks[tok.index - 2 : tok.index]] == WAT_EEN:
            return "exclaim"
        # "wat een lelijke trol", "de grootste eikel van school": an adjective in between
        before2 = [t.lemma for t in toks[max(0, tok.index - 3) : tok.index - 1]]
        if before2 == WAT_EEN and toks[tok.index - 1].has("negadj", "body", "intens"):
            return "exclaim"
        if self.short:
            return "short"
        return None


PRON_HE = W.set("pron_he")


def _names_person(toks: list[Tok], i: int, text: str) -> bool:
    """Does toks[i] point at one person: a name, @handle, "die gast", "hij", "X is ..."?"""
    t = toks[i]
    tags = t.tags
    if "name" in tags or (t.start and text[t.start - 1] == "@"):
        return True
    if "person" in tags and ((i and toks[i - 1].lemma in DETERMINERS) or t.lemma in TITLES):
        return True
    if t.lemma in COPULA_SINGULAR and i and _person_subject(toks, i - 1):
        return True
    return "pron3s" in tags and t.lemma in PRON_HE


_CLASS_CODE = re.compile(r"^(?:[a-z]{0,2}\d[a-z]{0,2}|\d{1,2})$")
CLASS_PREPS = W.set("class_preps")
CLASS_WORDS = W.set("class_words")


def _class_reference(toks: list[Tok]) -> bool:
    """"die uit 3B", "die nieuwe van 2c", "die jongen uit groep 7": one pupil, named by class."""
    for i in range(1, len(toks)):
        if toks[i - 1].lemma not in CLASS_PREPS:
            continue
        code = toks[i].lemma
        if code in CLASS_WORDS and i + 1 < len(toks):
            code = toks[i + 1].lemma
        if not _CLASS_CODE.match(code) or not any(c.isdigit() for c in code):
            continue
        if any(t.lemma in DETERMINERS for t in toks[max(0, i - 4) : i - 1]):
            return True
    return False


SUBJECT_ARTICLES = W.set("subject_articles")


def _person_subject(toks: list[Tok], i: int) -> bool:
    """Is toks[i] (just before "is") a person: a name, "die gast", "hij"?"""
    t = toks[i]
    if t.has("name", "person", "pron3s", "you"):
        return True
    if t.tags or (i and toks[i - 1].lemma in DETERMINERS | SUBJECT_ARTICLES):
        return False
    first_in_sentence = i == 0 or toks[i - 1].sentence != t.sentence
    return t.capitalised and not first_in_sentence


def names_someone(sentence: list[Tok], text: str) -> bool:
    """Does the sentence point at one person? A first name right after a subject pronoun is
    read as a verb ("ik ken veel X", "wij mark ...") rather than as a person."""
    for i, t in enumerate(sentence):
        if t.has("name") and i and sentence[i - 1].lemma in SUBJECT_PRONOUNS:
            continue
        if _names_person(sentence, i, text):
            return True
    return False


TARGET_PERSON = frozenset({"you", "name", "pron3s", "person"})
POSSESSIVE_3S = W.set("possessive_3s")
TARGET_PRONOUNS = W.set("target_pronouns")


def is_target(toks: list[Tok], k: int, text: str) -> bool:
    t = toks[k]
    tags = t.tags
    if "you" in tags or "name" in tags or (t.start and text[t.start - 1] == "@"):
        return True
    if "pron3s" in tags and t.lemma in TARGET_PRONOUNS:
        return True
    return "person" in tags and k > 0 and toks[k - 1].lemma in DETERMINERS


SELF_FILLERS = W.set("self_fillers")
SAID_OF_SELF_AFTER = W.lists("said_of_self_after")
SELF_IK_BEN = W.list("self_ik_ben")


def said_of_self(an: Analysis, tok: Tok) -> bool:
    """"Wat een sukkel ben ik", "ik ben zo'n idioot": the insult names the speaker."""
    after = [t.lemma for t in an.toks[tok.index + 1 : tok.index + 3]
             if t.sentence == tok.sentence]
    before = [t.lemma for t in an.toks[max(0, tok.index - 4) : tok.index]
              if t.sentence == tok.sentence]
    if after[:2] in SAID_OF_SELF_AFTER:
        return True
    if before[-1:] and before[-1] in SELF_FILLERS:
        before = before[:-1]  # "ik ben (zo'n) idioot"
    return before[-2:] == SELF_IK_BEN


SPEAKER_WORDS = W.set("speaker_words")


def speaker_only(an: Analysis, tok: Tok) -> bool:
    """The sentence speaks of the speaker (ik, mijn, we) and of no one else."""
    sentence = an.sentence_toks(tok.sentence)
    return any(t.lemma in SPEAKER_WORDS for t in sentence)


SELF_IDENTIFYING = W.lists("self_identifying")
FIRST_PERSON_PLURAL = W.set("first_person_plural")


def self_identified(sentence: list[Tok], group: Tok) -> bool:
    """"Als moslim vind ik ...", "Wij zijn een groep Marokkaanse meiden", "Ik ben Pools":
    the speaker says who they are, which is no statement about the group."""
    i = group.index - sentence[0].index
    lemmas = [t.lemma for t in sentence]
    before = lemmas[max(0, i - 4) : i]
    if before[-1:] == ["als"] and not FIRST_PERSON.isdisjoint(lemmas[i + 1 : i + 8]):
        return True  # "als (dove) leerling heb ik ...", "als homo voel ik me ..."
    if i >= 2 and before[-2:] in SELF_IDENTIFYING:
        return True
    return "groep" in before and bool(FIRST_PERSON_PLURAL & set(before))


_COPULAS = W.set("copulas")
PERSON_REF_TAGS = ("you", "name", "pron3s")


def copula_with_target(sentence: list[Tok], g: Tok) -> bool:
    """"ben jij", "jij bent", "Daan is", "hij is": the person the group word is said of."""
    for a, b in itertools.pairwise(sentence):
        if b.index >= g.index + 3:
            break
        if (a.lemma in _COPULAS and b.has(*PERSON_REF_TAGS)) or (
            a.has(*PERSON_REF_TAGS) and b.lemma in _COPULAS
        ):
            return True
    return False


_PREDICATE_FILLERS = W.set("predicate_fillers")


def predicate_of_person(an: Analysis, article: Tok) -> bool:
    """"<name|jij> is (echt) een ...": the noun after the article is said of a person."""
    k = article.index - 1
    while k >= 0 and an.toks[k].lemma in _PREDICATE_FILLERS:
        k -= 1
    if k < 1 or an.toks[k].lemma not in _COPULAS or an.toks[k].sentence != article.sentence:
        return False
    subject = an.toks[k - 1]
    after = an.toks[k + 1] if k + 1 < len(an.toks) else None
    return subject.has("you", "name", "pron3s") or (
        after is not None and after.has("you", "name", "pron3s")  # "ben jij een ..."
    )
