"""Threats and wishes. Threats against a protected group have their one home here: their
patterns (data/group_threats.tsv, GroupThreatPhrases) and the composition of a violence
word, a group and intent (GroupThreatRule; its words in data/words.yaml). Also death and
disease wishes (WishRule) and incitement to self-harm (SelfHarmRule)."""

from __future__ import annotations

from pathlib import Path

from classifiers.abuse.analysis import Analysis, Tok
from classifiers.abuse.lexicon import LEXICON_DIR
from classifiers.abuse.phrases import load_phrases
from classifiers.abuse.rules.base import FIRST_PERSON, HITS, THREAT_INTENT, THREAT_PAST, Hit
from classifiers.abuse.rules.group_stance import (
    generalisation_negated,
    opinion_negated,
    past_violence,
)
from classifiers.abuse.rules.phrase_rule import PhraseRule
from classifiers.abuse.rules.stance import (
    Stance,
    clause_negated,
    denied_in_sentence,
    self_statement,
)
from classifiers.abuse.rules.targets import Targets, is_target
from classifiers.abuse.words import W

PASSIVE_AUXILIARIES = W.set("passive_auxiliaries")
THREAT_DEMAND_WORDS = W.set("threat_demand_words")
THREAT_NOT_PAST_WORDS = W.set("threat_not_past_words")
PASSIVE_WORDS = W.set("passive_words")
IMPERATIVE_VIOLENCE = W.set("imperative_violence")
IDIOM_AFTER_VIOLENCE = W.set("idiom_after_violence")


GROUP_THREATS_FILE = "group_threats.tsv"


class GroupThreatPhrases(PhraseRule):
    """The patterns of threats against a group (data/group_threats.tsv): "X moeten dood",
    "dood aan de X", "ik hoop dat X ...". They run before every other pattern (rules.yaml)."""

    def __init__(self, directory: Path = LEXICON_DIR) -> None:
        super().__init__(load_phrases(directory / GROUP_THREATS_FILE))


class GroupThreatRule:
    """Violence wished on, announced against or demanded for a protected group: the group
    (or a word referring to it) + a violence word (lexicon kind "violence") + intent in the
    same sentence ("moeten afgeschoten worden", "iemand zou ze ...", "ik ga ze ...", "ik sla
    elke X ...", an imperative "Sla die X ..."). Past events ("werden vermoord in de oorlog"),
    negation and reported or rejected words are not threats."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        if "violence" not in an.positions:
            return hits  # every hit below is a violence word
        for s, (start, end) in enumerate(an.sentences):
            sentence = an.toks[start:end]
            # "gthing": a group's place or thing ("dat Turkse centrum"): violence against it
            # threatens the group
            groups = [
                t for t in sentence
                if t.tags and t.has("group", "gref", "slur", "gthing") and not t.has("npgroup")
            ]
            if not groups or targets.you[s]:
                continue
            if any(generalisation_negated(an, g) for g in groups):
                continue
            if opinion_negated(sentence, groups) or any(
                stance.reported(g) for g in groups
            ):
                continue
            lemmas = {t.lemma for t in sentence}
            first_person = not FIRST_PERSON.isdisjoint(lemmas)
            intent = not THREAT_INTENT.isdisjoint(lemmas)
            past = not THREAT_PAST.isdisjoint(lemmas) and not (
                lemmas & THREAT_NOT_PAST_WORDS
            )
            passive = not lemmas.isdisjoint(PASSIVE_WORDS) and lemmas.isdisjoint(
                THREAT_DEMAND_WORDS
            )
            for t in sentence:
                if not t.has("violence") or t in groups:
                    continue
                nxt = an.toks[t.index + 1] if t.index + 1 < len(an.toks) else None
                if nxt is not None and nxt.lemma in IDIOM_AFTER_VIOLENCE:
                    continue  # "het slaat nergens op", "slaat kant noch wal"
                if passive and t.lemma.startswith("ge"):
                    continue  # "dat homo's in elkaar worden geslagen": what is done to them
                imperative = t.index == start and t.lemma in IMPERATIVE_VIOLENCE
                if not (intent or first_person or imperative) and not past:
                    hit = self._violent_habit(an, stance, groups, t, lemmas)
                    if hit:
                        hits.append(hit)
                        break
                if not (intent or first_person or imperative) or past:
                    continue
                if stance.negated(t, 5) or stance.reported(t):
                    continue
                near = min(groups, key=lambda g: abs(g.index - t.index))
                hits.append(
                    HITS["group.threat"].hit([near, t])
                )
                break
        return hits

    @staticmethod
    def _violent_habit(
        an: Analysis, stance: Stance, groups: list[Tok], t: Tok, lemmas: set[str]
    ) -> Hit | None:
        """"Turkse mannen slaan hun vrouwen": violence said to be what the group does (the
        group right before a present-tense verb, no passive) is derogation."""
        if t.lemma.startswith("ge") or lemmas & PASSIVE_AUXILIARIES:
            return None
        if past_violence(an, t):
            return None  # "zijn verdronken": what happened to them
        subject = [g for g in groups if 0 < t.index - g.index <= 2 and g.has("group", "gref")]
        if not subject or stance.negated(t, 4) or stance.reported(t):
            return None
        return HITS["group.violent"].hit([subject[0], t])


REFLEXIVE = W.set("reflexive")
REFLEXIVE_VERBS = W.set("reflexive_verbs")
OBJECT_AFTER = W.set("object_after")


class WishRule:
    """A wish of death, disease or an accident for a person: a wish word, then the target,
    then a harm word in the same sentence ("ik hoop dat je onder een bus komt", "hopelijk
    krijgt Sem kanker", "ik wens jou een hartaanval"), or the optative "kreeg je maar
    kanker", "was je maar dood"."""

    REACH = 10

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        toks = an.toks
        for start, end in an.sentences:
            sentence = toks[start:end]
            harms = [t for t in sentence if t.tags and t.has("harm", "disease")]
            if not harms:
                continue
            starts = [t for t in sentence if t.tags and t.has("wish")]
            # optative: "<verb> je maar <harm>"
            for k in range(start + 1, end - 1):
                if toks[k].has("you") and toks[k + 1].lemma == "maar":
                    starts.append(toks[k - 1])
            for w in starts:
                target = next(
                    (toks[k] for k in range(w.index, min(end, w.index + 6))
                     if is_target(toks, k, an.text)),
                    None,
                )
                if target is None:
                    continue
                harm = next(
                    (h for h in harms if target.index < h.index <= target.index + self.REACH),
                    None,
                )
                if harm is None or harm.clause - w.clause > 1:
                    continue
                if clause_negated(toks, w.index, harm.index) or stance.negated(w, 2):
                    continue
                if stance.reported(w) or stance.reported(harm) or denied_in_sentence(an, w):
                    continue
                if harm.has("disease") and stance.health(harm):
                    continue
                hits.append(HITS["wish"].hit([w, target, harm]))
                break
        return hits


READER_PRONOUNS = W.set("reader_pronouns")


class SelfHarmRule:
    """Incitement to self-harm: the reflexive "jezelf" (or "je" with a verb that is only
    reflexive, "ophangen") together with a self-harm verb in one clause ("doe jezelf wat
    aan", "je kan jezelf beter iets aandoen", "ga je ophangen")."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        toks = an.toks
        for v in an.positions.get("selfharm", ()):
            verb = toks[v]
            lo = v
            while lo > 0 and toks[lo - 1].clause == verb.clause and v - lo < 6:
                lo -= 1
            window = toks[lo:v]
            refl = next((t for t in window if t.lemma in REFLEXIVE), None)
            if refl is None and verb.lemma in REFLEXIVE_VERBS:
                nxt = toks[v + 1].lemma if v + 1 < len(toks) else ""
                if nxt in OBJECT_AFTER:
                    continue  # "ga je ophangen die poster": something else is hung
                refl = next((t for t in window[-3:] if t.lemma in READER_PRONOUNS), None)
            if refl is None:
                continue
            if clause_negated(toks, lo, v) or stance.reported(verb) or denied_in_sentence(
                an, refl
            ):
                continue
            if self_statement(an, window[0]) and window[0].lemma not in REFLEXIVE:
                continue
            hits.append(HITS["selfharm"].hit([refl, verb]))
        return hits
