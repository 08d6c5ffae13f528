"""Swearing and disease curses aimed at no one (profanity), and sexual harassment composed
from its parts (a sexual act aimed at a person, a rated body part of a person)."""

from __future__ import annotations

from classifiers.abuse.analysis import Analysis
from classifiers.abuse.rules.base import HITS, TITLES, Hit
from classifiers.abuse.rules.insults import DISEASE_PREFIXES
from classifiers.abuse.rules.stance import Stance, clause_negated, denied_in_sentence
from classifiers.abuse.rules.targets import POSSESSIVE_3S, Targets, is_target
from classifiers.abuse.words import W


class ProfanityRule:
    """Swearing and disease curses not aimed at anyone ("kankerleuk", "die kutprinter")."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        for t in an.tagged:
            if not t.curse_prefix and not t.has("disease", "profanity"):
                continue  # no swearing word (tested first: cheaper than the stance)
            if t.tags and stance.reported(t):
                continue  # a quoted or reported word is not the speaker swearing
            if t.curse_prefix:
                if t.has("insult", "slur", "person"):
                    continue  # a compound insult: bullying or discrimination, not swearing
                subtype = "disease_curse" if t.curse_prefix in DISEASE_PREFIXES else "swearing"
                hits.append(HITS["profanity.compound"].hit([t], subtype=subtype))
            elif t.has("disease"):
                if stance.health(t):
                    continue
                hits.append(HITS["profanity.disease"].hit([t]))
            elif t.has("profanity"):
                hits.append(HITS["profanity.swearing"].hit([t]))
        return hits


SEXUAL_RATING = W.set("sexual_rating")
POSSESSIVE_YOU = W.set("possessive_you")
SEXUAL_BODY = W.set("sexual_body")
SEXUAL_EVAL = W.set("sexual_eval")


class SexualRule:
    """Sexual harassment composed from its parts: a sexual act aimed at a person ("ik wil
    de juf neuken", "Sem pijpt iedereen"), or a sexual body part of a person with an
    evaluation ("haar tieten zijn zo lekker", "lekker kontje heb jij")."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        toks = an.toks
        for start, end in an.sentences:
            sentence = toks[start:end]
            acts = [t for t in sentence if t.tags and t.has("sexact")]
            # (only an act needs a target in the sentence: looked up only then)
            aimed = [
                t for k, t in enumerate(sentence, start)
                if is_target(toks, k, an.text) or t.lemma in TITLES
            ] if acts else []
            for act in acts:
                if not aimed or stance.negated(act, 4) or stance.reported(act):
                    continue
                if denied_in_sentence(an, act) or clause_negated(toks, start, act.index):
                    continue
                hits.append(HITS["sexual.act"].hit([aimed[0], act]))
                break
            for k in range(start, end):
                body = toks[k]
                if body.lemma not in SEXUAL_BODY:
                    continue
                owner = toks[k - 1] if k > start else None
                owned = owner is not None and (
                    owner.lemma in POSSESSIVE_YOU | POSSESSIVE_3S or owner.has("name")
                )
                after = toks[k + 1 : min(end, k + 4)]
                later = next((x for x in after if x.has("you", "name")), None)
                if not owned and later is not None:
                    owned, owner = True, later  # "strakke billen heb jij", "kont van Gijs"
                window = toks[max(start, k - 3) : min(end, k + 5)]
                rated = any(x.lemma in SEXUAL_EVAL | SEXUAL_RATING for x in window)
                if not (owned and rated) or stance.negated(body, 4) or stance.reported(body):
                    continue
                if denied_in_sentence(an, body):
                    continue
                hits.append(HITS["sexual.body"].hit([owner, body]))
                break
        return hits
