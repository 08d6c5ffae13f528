"""Stance towards a protected group: denied generalisations and opinions ("niet alle X",
"niemand vindt dat X ..."), how a group was treated rather than what it is said to be,
past violence, legal procedures, group adjectives that describe a thing."""

from __future__ import annotations

import itertools

from classifiers.abuse.analysis import Analysis, Tok
from classifiers.abuse.rules.base import (
    ASSERT_VERBS,
    CLAIM_VERBS,
    HATE_NOUN_AFTER,
    HATE_NOUN_BEFORE,
    NEG_ADVERBS,
    NEGATORS,
    OPINION_VERBS,
    REASON_WORDS,
    THREAT_INTENT,
    THREAT_PAST,
    config,
)
from classifiers.abuse.words import W

QUANTIFIERS_ALL = W.set("quantifiers_all")
TREATED = W.set("treated")
DEMANDS = W.set("demands")


def treated_as(sentence: list[Tok]) -> bool:
    """"Joden werden behandeld als beesten": how a group was treated, not what it is said to
    be ("X moeten behandeld worden als beesten" demands it)."""
    lemmas = {t.lemma for t in sentence}
    return not TREATED.isdisjoint(lemmas) and DEMANDS.isdisjoint(lemmas)


NOTHING_WORDS = W.set("nothing_words")


def nothing_after(an: Analysis, t: Tok) -> bool:
    """"X verpesten (helemaal) niks": the verb's object is nothing, which denies it."""
    k = t.index + 1
    if k < len(an.toks) and an.toks[k].lemma in NEG_ADVERBS:
        k += 1  # "helemaal niks" ("vechten om niks" is no denial)
    return k < len(an.toks) and an.toks[k].lemma in NOTHING_WORDS


# kinds that make a text more than a plain mention of a group
LOADED = frozenset(config().section("guards")["loaded"])


PARTICIPLE_PREFIXES = W.seq("participle_prefixes")
PERFECT_AUXILIARIES = W.set("perfect_auxiliaries")


def past_violence(an: Analysis, t: Tok) -> bool:
    if not t.has("violence") or t.tags & (LOADED - {"violence", "threatverb"}):
        return False
    sentence = an.sentence_toks(t.sentence)
    lemmas = {x.lemma for x in sentence}
    if not THREAT_INTENT.isdisjoint(lemmas):
        return False
    # "werden vergast", "zijn verdronken": a participle after a past or perfect auxiliary
    perfect = t.lemma.startswith(PARTICIPLE_PREFIXES) and any(
        x.lemma in PERFECT_AUXILIARIES
        for x in sentence if x.index < t.index
    )
    return perfect or not THREAT_PAST.isdisjoint(lemmas)


CONDITIONALS = W.set("conditionals")


def procedure_described(sentence: list[Tok]) -> bool:
    """"Vluchtelingen moeten terug naar hun land als hun aanvraag wordt afgewezen": a
    condition of a legal procedure (lexicon kind "procedure") after a conjunction states
    what the law does; "als het aan mij ligt moeten X terug" states a wish and has none."""
    for i, t in enumerate(sentence):
        if t.lemma in CONDITIONALS and any(x.has("procedure") for x in sentence[i + 1 : i + 6]):
            return True
    return False


_NOT_A_NOUN = W.set("not_a_noun")


def modifies_thing(an: Analysis, t: Tok) -> bool:
    """"Veel Polen werken onder slechte omstandigheden": an attributive adjective (-e) before
    a noun that is not people describes that noun, not the group ("vieze mensen" does)."""
    if not t.has("negadj") or t.has("dehum", "negnoun", "slur", "insult", "hateverb"):
        return False
    if not an.text[t.start : t.end].lower().endswith("e"):
        return False
    nxt = an.toks[t.index + 1] if t.index + 1 < len(an.toks) else None
    if nxt is None or nxt.clause != t.clause:
        return False
    if nxt.has("object", "thing"):
        return True
    return (
        not nxt.tags and nxt.lemma.isalpha() and len(nxt.lemma) >= 3
        and nxt.lemma not in _NOT_A_NOUN
    )


_PEOPLE = ("person", "gnoun", "group", "npgroup", "you", "name", "pron3p", "pron3s")
GROUP_ADJECTIVE_ENDINGS = W.seq("group_adjective_endings")


def thing_described(an: Analysis, g: Tok) -> Tok | None:
    """The noun a group adjective describes when it is a thing, not people ("de Turkse
    bakkerij", "die Marokkaanse tajine"; not "Turkse jongens" or "Marokkaanse leerlingen")."""
    if not g.has("gadj") and not an.text[g.start : g.end].lower().endswith(GROUP_ADJECTIVE_ENDINGS):
        return None
    nxt = an.toks[g.index + 1] if g.index + 1 < len(an.toks) else None
    if nxt is None or nxt.clause != g.clause or nxt.has(*_PEOPLE):
        return None
    if nxt.has("object", "thing", "gthing"):
        return nxt
    if nxt.tags or not nxt.lemma.isalpha() or len(nxt.lemma) < 3 or nxt.lemma in _NOT_A_NOUN:
        return None
    return nxt


_DENIAL_AFTER = W.set("denial_after")
CLAIM_COPULAS = W.set("claim_copulas")


def _claim_then_denied(sentence: list[Tok], last_group: int) -> bool:
    """"Dat X niet te vertrouwen zijn, is gewoon niet waar.": a dat-clause as the subject,
    denied after it ("is niet waar", "klopt niet", "is onzin")."""
    if not sentence or sentence[0].lemma != "dat":
        return False
    after = [t for t in sentence if t.index > last_group]
    clauses = {t.clause for t in after}
    if len(clauses) < 2:
        # no comma: "Dat X een bedreiging zijn is gewoon niet waar." — the claim's verb, then
        # a second finite verb that carries the denial at the end of the sentence
        lemmas = [t.lemma for t in after]
        verbs = [k for k, x in enumerate(lemmas) if x in CLAIM_COPULAS]
        if len(verbs) < 2:
            return False
        tail = lemmas[verbs[1] :][:5]
        return any(x in NEGATORS for x in tail) and any(x in _DENIAL_AFTER for x in tail)
    tail = [t for t in after if t.clause == max(clauses)]
    lemmas = [t.lemma for t in tail]
    negated = any(x in NEGATORS for x in lemmas) and any(x in _DENIAL_AFTER for x in lemmas)
    return negated or any(t.has("counter") for t in tail)


# the kinds of word that say something bad of a group
DEROGATORY = ("insult", "slur", "negnoun", "negadj", "dehum", "hateverb", "body", "negverb")


def opinion_negated(sentence: list[Tok], groups: list[Tok]) -> bool:
    """"Niemand vindt dat X ...", "Het is niet waar dat X ...", "Ik haat X niet"."""
    group_idx = {g.index for g in groups}
    first_group = min(group_idx)
    if _claim_then_denied(sentence, max(group_idx)):
        return True
    for i, t in enumerate(sentence):
        j = i + 1
        while j < len(sentence) and sentence[j].lemma in NEG_ADVERBS:
            j += 1
        nxt = sentence[j] if j < len(sentence) else None
        hated_not = nxt is not None and nxt.lemma == "niet" and i > 0
        if t.index in group_idx and hated_not and sentence[i - 1].has("hateverb"):
            return True
        denies = t.index < first_group and t.lemma in NEGATORS and t.lemma != "minder"
        if not denies:
            continue  # every test below needs a denying word
        # "er is geen reden om X te haten", "het is niet normaal om X uit te schelden"
        near = [x.lemma for x in sentence[i + 1 : i + 4] if x.index < first_group]
        if denies and any(
            a in REASON_WORDS and b == "om" for a, b in itertools.pairwise(near)
        ):
            return True
        if denies and any(x.lemma in OPINION_VERBS for x in sentence[i + 1 : i + 4]):
            return True
        # "ik zou nooit willen dat X ...", "ik heb nooit gezegd dat X ..."
        ahead = [x for x in sentence[i + 1 : i + 7] if x.index < first_group]
        if denies and any(x.lemma == "dat" for x in ahead) and any(
            x.lemma in CLAIM_VERBS for x in ahead
        ):
            return True
        # "ik vind niet dat X ..." (but "Vind je ook niet dat X ...?" asks for agreement,
        # and "ik wil niet dat X ..." is a wish of the speaker, no denial)
        before = sentence[max(0, i - 3) : i]
        if (
            denies
            and ahead[:2]
            and any(x.lemma == "dat" for x in ahead[:2])
            and any(x.lemma in ASSERT_VERBS for x in before)
            and sentence[0].lemma not in CLAIM_VERBS
        ):
            return True
    return False


def generalisation_negated(an: Analysis, group: Tok) -> bool:
    """"niet alle moslims ...", "geen enkele ..." deny the generalisation."""
    k = group.index - 1
    if k >= 0 and an.toks[k].lemma in QUANTIFIERS_ALL:
        k -= 1
    if k < 0 or an.toks[k].sentence != group.sentence:
        return False
    # "niet alle moslims ...", "geen enkele vrouw is minder waard"
    return an.toks[k].lemma == "niet" or (
        an.toks[k].lemma == "geen" and k + 1 < group.index
    )


def negation_on_other(an: Analysis, t: Tok) -> bool:
    """"geen gestoorde mensen": the negation denies the derogatory word in between, not the
    positive one after it."""
    for k in range(t.index - 1, max(-1, t.index - 5), -1):
        prev = an.toks[k]
        if prev.lemma in NEGATORS or prev.sentence != t.sentence:
            return False
        if prev.has(*DEROGATORY):
            return True
    return False


def hate_noun(an: Analysis, t: Tok) -> bool:
    """"haat tegen moslims", "de haat", "haat zaaien": hate as a topic, not a feeling."""
    prev = an.toks[t.index - 1] if t.index else None
    nxt = an.toks[t.index + 1] if t.index + 1 < len(an.toks) else None
    if prev is not None and prev.sentence == t.sentence and prev.lemma in HATE_NOUN_BEFORE:
        return True
    return nxt is not None and nxt.sentence == t.sentence and nxt.lemma in HATE_NOUN_AFTER
