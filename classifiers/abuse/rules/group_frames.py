"""Implicit derogation and exclusion of a group, read from the frame of a sentence: a group
put somewhere and then a bad outcome, a role, a habit, an inability, disgust, a likening to
animals, a rhetorical question about their presence."""

from __future__ import annotations

from classifiers.abuse.analysis import Analysis, Tok
from classifiers.abuse.rules.base import HITS, NEGATORS, Hit
from classifiers.abuse.rules.group_stance import (
    generalisation_negated,
    opinion_negated,
    thing_described,
    treated_as,
)
from classifiers.abuse.rules.stance import Stance, is_question
from classifiers.abuse.rules.targets import Targets, self_identified
from classifiers.abuse.words import W

# "met X in de klas ...", "zodra er X komen ...", "sinds die X er zijn ...": a clause that
# puts a group somewhere, before what then happens
PRESENCE_CONJ = W.set("presence_conj")
PRESENCE_REACH = 3  # tokens from the conjunction to the group
NEVER_AGAIN = W.set("never_again")  # "... leer je niks meer"
# "fokken als konijnen", "lijken op apen": a comparison with an animal, dirt or disease
COMPARE_WORDS = W.set("compare_words")
LIKENED = ("animal", "dehum", "disease")
# a rhetorical question about a group's presence or rights ("Waarom mogen X hier eigenlijk
# wonen?"): a question word, a rhetorical particle and a word of permission or place
QUESTION_WORDS = W.set("question_words")
RHETORICAL = W.set("rhetorical")
PRESENCE_WORDS = W.set("presence_words")
VICTIM_REFS = W.set("victim_refs")
# "Zo'n X in je groep en ...", "Een X als buurman? Dan ...", "Eén X erbij en ...": one member
# of a group put in a role, before what then happens
ROLE_DETERMINERS = W.set("role_determiners")
ROLE_PREPS = W.set("role_preps")
SINGULAR_PRONOUNS = W.set("singular_pronouns")
ROLE_VICTIM_REFS = VICTIM_REFS | SINGULAR_PRONOUNS
# idioms of a bad end that need no lexicon word: "dan weet je het wel", "is het gedaan met
# de rust", "kun je fluiten naar je cijfer"
BAD_END_IDIOMS = W.phrases("bad_end_idioms")
# "X willen altijd de baas spelen", "X zijn altijd te laat": a habit said of a whole group
ALWAYS = W.set("always")
HABIT_REACH = 7  # tokens from "altijd" to the behaviour
# "X kunnen gewoon niet inparkeren", "X snappen nou eenmaal geen techniek": an inability
# said of a whole group, as a fact of nature (a marker of that is required: "doven kunnen
# de omroep niet horen" is a fact, "veel nieuwkomers snappen de regels nog niet" a phase)
ABILITY_VERBS = W.set("ability_verbs")
INABILITY = W.set("inability")
BY_NATURE = W.set("by_nature")
QUANTIFIERS = W.set("quantifiers")
# each frame of GroupFrameRule starts from one of these words or tags
_FRAME_WORDS = (PRESENCE_CONJ | COMPARE_WORDS | QUESTION_WORDS | ROLE_DETERMINERS | ALWAYS
                | ABILITY_VERBS | {"disgust"})


PRESENCE_LEAD_CONJUNCTIONS = W.set("presence_lead_conjunctions")
ROLE_LEAD_WORDS = W.set("role_lead_words")


class GroupFrameRule:
    """Implicit derogation and exclusion of a group in words the lexicon need not know,
    read from the frame of the sentence: a group put somewhere and then a bad outcome
    ("Met X in de klas kun je het wel vergeten", "Sinds die X er zijn gaat alles
    achteruit": derogation), the group likened to animals, dirt or disease ("X fokken als
    konijnen": dehumanisation), and a rhetorical question about their presence or rights
    ("Waarom mogen X hier eigenlijk wonen?": exclusion). Negation, reported speech and
    counter-speech are handled like the other group rules."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        pos = an.positions
        if "group" not in pos and "gref" not in pos:
            return hits
        if _FRAME_WORDS.isdisjoint(an.vocabulary):
            return hits  # each frame below starts from one of these words
        for s, (start, end) in enumerate(an.sentences):
            if not targets.group[s]:
                continue
            sentence = an.toks[start:end]
            groups = [
                t for t in sentence if t.tags and t.has("group", "gref") and not t.has("npgroup")
            ]
            if not groups:
                continue
            if any(generalisation_negated(an, g) for g in groups):
                continue
            if opinion_negated(sentence, groups) or any(
                stance.reported(g) or self_identified(sentence, g) for g in groups
            ):
                continue
            # a generic "je" ("met X in de klas kun je het wel vergeten") is no reader
            hit = (
                self._presence(an, stance, sentence, groups)
                or self._role(an, stance, sentence, groups)
                or self._habit(an, stance, sentence, groups)
                or self._inability(an, sentence, groups)
                or self._disgust(an, stance, sentence, groups)
            ) or (
                not targets.you[s] and (
                    self._likened(an, stance, sentence, groups)
                    or self._question(an, stance, sentence, groups)
                )
            )
            if hit:
                hits.append(hit)
        return hits

    @staticmethod
    def _presence(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
                  ) -> Hit | None:
        k = 1 if sentence[0].lemma in PRESENCE_LEAD_CONJUNCTIONS else 0
        if len(sentence) <= k or sentence[k].lemma not in PRESENCE_CONJ:
            return None
        conj = sentence[k]
        group = next((g for g in groups if 0 < g.index - conj.index <= PRESENCE_REACH), None)
        if group is None:
            return None
        # "als X naar de wc gaan voelen ze zich onveilig", "als X gepest worden gaat het
        # mis": their side of it
        end = _bad_end(an, stance, an.toks[group.index + 1 : sentence[-1].index + 1],
                       VICTIM_REFS)
        if end is None:
            return None
        return HITS["group.presence"].hit([group, *end])

    @staticmethod
    def _role(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
              ) -> Hit | None:
        """"Zo'n X in je groep en je haalt nooit een voldoende", "Een X als buurman? Dan weet
        je het wel": a verbless set-up (determiner, group, role) and then a bad end, in the
        same sentence or in the next one when that starts with "dan"."""
        k = 1 if sentence[0].lemma in ROLE_LEAD_WORDS else 0
        if len(sentence) <= k + 1 or sentence[k].lemma not in ROLE_DETERMINERS:
            return None
        group = next((g for g in groups if 0 < g.index - sentence[k].index <= 2), None)
        if group is None:
            return None
        after = group.index + 1
        if after < len(an.toks) and an.toks[after].sentence == group.sentence and (
            an.toks[after].has("person", "gnoun")
        ):
            after += 1  # "een Poolse buurman als ..."
        last = sentence[-1].index
        if after <= last and an.toks[after].lemma not in ROLE_PREPS:
            return None  # "een Poolse buurman helpt ons": a statement, not a set-up
        end = _bad_end(an, stance, an.toks[after + 1 : last + 1])
        if end is None and group.sentence + 1 < len(an.sentences) and is_question(an, sentence):
            nxt = an.sentence_toks(group.sentence + 1)
            if nxt[0].lemma == "dan":  # "Een X als buurman? Dan weet je het wel."
                end = _bad_end(an, stance, nxt)
        if end is None:
            return None
        return HITS["group.role"].hit([group, *end])

    @staticmethod
    def _habit(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
               ) -> Hit | None:
        """"X willen altijd de baas spelen", "X zijn altijd te laat", "X moeten altijd
        overal aandacht voor vragen": the group as subject, "altijd" and a bad habit."""
        group = groups[0]
        if group.index - sentence[0].index > 2 or group.has("gadj"):
            return None  # the group must open the sentence as its subject
        for t in an.toks[group.index + 1 : min(group.index + 4, sentence[-1].index + 1)]:
            if t.lemma not in ALWAYS or stance.negated(t, 3):
                continue
            stop = min(t.index + HABIT_REACH, sentence[-1].index) + 1
            for x in an.toks[t.index + 1 : stop]:
                if x.clause != t.clause:
                    break
                late = x.lemma == "laat" and an.toks[x.index - 1].lemma == "te"
                if x.has("habit") or late:
                    return HITS["group.habit"].hit([group, t, x])
        return None

    @staticmethod
    def _inability(an: Analysis, sentence: list[Tok], groups: list[Tok]) -> Hit | None:
        """"Vrouwen kunnen gewoon niet inparkeren", "Meisjes snappen nou eenmaal geen
        techniek": the group as subject, a verb of ability, a negation and a sign that it
        is meant as their nature."""
        group = groups[0]
        i = group.index - sentence[0].index
        if i > 1 or (i == 1 and sentence[0].lemma in QUANTIFIERS) or group.has("gadj"):
            return None
        last = sentence[-1].index
        verb = group.index + 1
        if verb > last or an.toks[verb].lemma not in ABILITY_VERBS:
            return None
        window = an.toks[verb + 1 : min(verb + 4, last + 1)]
        neg = next((t for t in window if t.lemma in INABILITY), None)
        if neg is None or (neg.index + 1 <= last and an.toks[neg.index + 1].lemma == "meer"):
            return None
        lemmas = {t.lemma for t in an.toks[verb + 1 : last + 1]}
        if "nog" in lemmas or BY_NATURE.isdisjoint(lemmas | {neg.lemma}):
            return None  # "snappen de regels nog niet": not yet, which is no verdict
        return HITS["group.inability"].hit([group, an.toks[verb], neg])

    @staticmethod
    def _disgust(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
                 ) -> Hit | None:
        """"Stel je voor dat je buurman een jood is, gadverdamme", "Jakkes, homo's": disgust
        in the sentence that names the people of a group (not a thing with a group
        adjective, not their suffering: "bah, wat erg dat die moslims gepest worden")."""
        disgust = next((t for t in sentence if t.has("disgust")), None)
        if disgust is None or stance.negated(disgust, 2):
            return None
        if any(t.has("victim", "benign", "posadj") for t in sentence if not t.has("gnoun")):
            return None
        people = [g for g in groups if thing_described(an, g) is None]
        if not people:
            return None
        return HITS["group.disgust"].hit([people[0], disgust])

    @staticmethod
    def _likened(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
                 ) -> Hit | None:
        if treated_as(sentence):
            return None  # "werden behandeld als beesten": what was done to them
        for t in sentence:
            if t.lemma not in COMPARE_WORDS:
                continue
            subject = [g for g in groups if 0 < t.index - g.index <= 4]
            if not subject:
                continue
            for x in an.toks[t.index + 1 : min(t.index + 4, sentence[-1].index + 1)]:
                if x.has(*LIKENED) and not x.has("npgroup") and not stance.negated(t, 4):
                    return HITS["group.likened"].hit([subject[0], t, x])
        return None

    @staticmethod
    def _question(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
                  ) -> Hit | None:
        if sentence[0].lemma not in QUESTION_WORDS or not is_question(an, sentence):
            return None
        lemmas = [t.lemma for t in sentence]
        if not NEGATORS.isdisjoint(lemmas) or any(t.has("practice", "victim") for t in sentence):
            # "waarom mogen moslims eigenlijk geen varkensvlees eten?", "wie heeft die X hier
            # eigenlijk opgevangen?" ask
            return None
        particle = [t for t in sentence if t.lemma in RHETORICAL]
        place = [t for t in sentence if t.lemma in PRESENCE_WORDS]
        if not particle or not place:
            return None
        return HITS["group.question"].hit([groups[0], particle[0], place[0]])


NEVER_AGAIN_AFTER = W.set("never_again_after")


def _bad_end(an: Analysis, stance: Stance, toks: list[Tok],
             victim_refs: frozenset[str] = ROLE_VICTIM_REFS) -> list[Tok] | None:
    """The tokens of a bad outcome in `toks` (a ruin word, "nooit/niks meer", an idiom of a
    bad end), or None; an outcome for a pronoun that refers to the group ("en hij wordt
    gepest", "voelen ze zich onveilig") is theirs to suffer, not their fault, and a negated
    one is none ("met X in de klas gaat het niet mis")."""
    lemmas = [t.lemma for t in toks]
    for n, t in enumerate(toks):
        if t.lemma in victim_refs or t.has("victim"):
            return None
        if t.lemma == "mis" and t.index and an.toks[t.index - 1].lemma == "de":
            continue  # "naar de mis": the mass
        if t.has("ruin"):
            return None if stance.negated(t, 3) else [t]
        if t.lemma in NEVER_AGAIN and n + 1 < len(toks) and lemmas[n + 1] in NEVER_AGAIN_AFTER:
            return [t, toks[n + 1]]
        for idiom in BAD_END_IDIOMS:
            if tuple(lemmas[n : n + len(idiom)]) == idiom:
                return toks[n : n + len(idiom)]
    return None
