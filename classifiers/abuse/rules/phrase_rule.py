"""The multi-word patterns of data/phrases.tsv as a rule (threats, exclusion, death wishes,
...), with the shared checks for negation, reported speech, denials and health talk."""

from __future__ import annotations

from classifiers.abuse.analysis import Analysis
from classifiers.abuse.phrases import Phrase, PhraseIndex
from classifiers.abuse.rules.base import NEGATORS, Hit
from classifiers.abuse.rules.stance import (
    Stance,
    denied_after,
    denied_in_sentence,
    self_statement,
    subject_negated,
)
from classifiers.abuse.rules.targets import Targets


class PhraseRule:
    """Multi-word patterns from phrases.tsv (threats, exclusion, death wishes, ...)."""

    def __init__(self, phrases: list[Phrase]) -> None:
        self.phrases = phrases
        self.index = PhraseIndex(phrases)

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        for p in self.index.candidates(an.vocabulary):
            for m in p.matches(an.tag_string, an.tok_offsets, an.positions):
                first = an.tok_at(m.start())
                last = an.tok_at(max(m.start(), m.end() - 2))
                toks = an.toks[first : last + 1]
                if not toks:
                    continue
                if not p.allows_negation and (
                    any(t.lemma in NEGATORS - p.own_words for t in toks)
                    or stance.negated(toks[0], 2)
                    or subject_negated(an, toks[0])
                ):
                    continue
                if any(stance.reported(t) for t in toks[:1]) or stance.reported(toks[-1]):
                    continue
                if p.category == "bullying" and (
                    denied_in_sentence(an, toks[0]) or denied_after(an, toks[0])
                ):
                    continue  # "ik heb nooit gezegd dat jij er niet bij hoort"
                if p.subtype in {"death_wish", "self_harm_incitement"} and self_statement(
                    an, toks[0]
                ):
                    continue  # "ik ga dood van het lachen"
                disease = [t for t in toks if t.tags and t.has("disease")]
                if disease and any(stance.health(t) for t in disease):
                    continue
                hits.append(Hit(p.category, p.subtype, p.severity, p.score, toks, p.id))
        return hits
