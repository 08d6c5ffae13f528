"""The abuse rules, one module per family, and the table that builds them in the order of
data/rules.yaml.

- stance.py, targets.py: who the words are aimed at and whether they are meant (negation,
  quotes, reported speech, counter-speech, health talk, denials);
- phrase_rule.py: the patterns of phrases.tsv;
- insults.py: insults, identity words thrown as insults, attributes, laughing at someone;
- group_stance.py, group_derogation.py: derogation, dehumanisation, rejection and slurs of
  a protected group;
- group_frames.py: implicit derogation read from the frame of a sentence;
- threats.py: threats against a group (with data/group_threats.tsv), death wishes, self-harm;
- profanity_sexual.py: swearing and sexual harassment;
- filters.py: what runs over all hits afterwards; guards.py: the stance guards (score 0)
  that keep the learned model from flagging what the rules decided is harmless.

The words are data (data/words.yaml, terms.tsv, phrases.tsv, group_threats.tsv); the order,
the scores and the filters are data too (data/rules.yaml).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from classifiers.abuse.analysis import Analysis
from classifiers.abuse.phrases import Phrase
from classifiers.abuse.rules.base import Hit, RulesConfig, config
from classifiers.abuse.rules.filters import FILTERS, Filter
from classifiers.abuse.rules.group_derogation import GroupRejectionRule, GroupRule, SlurRule
from classifiers.abuse.rules.group_frames import GroupFrameRule
from classifiers.abuse.rules.guards import guards
from classifiers.abuse.rules.insults import (
    AttributeRule,
    IdentityInsultRule,
    InsultRule,
    LaughterRule,
)
from classifiers.abuse.rules.phrase_rule import PhraseRule
from classifiers.abuse.rules.profanity_sexual import ProfanityRule, SexualRule
from classifiers.abuse.rules.stance import Stance
from classifiers.abuse.rules.targets import Targets
from classifiers.abuse.rules.threats import (
    GroupThreatPhrases,
    GroupThreatRule,
    SelfHarmRule,
    WishRule,
)


class Rule(Protocol):
    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]: ...


# How each rule named in rules.yaml is made: from the data directory and the phrases of
# phrases.tsv (stance phrases left out).
RULES: dict[str, Callable[[Path, list[Phrase]], Rule]] = {
    "group_threat_phrases": lambda directory, phrases: GroupThreatPhrases(directory),
    "phrases": lambda directory, phrases: PhraseRule(phrases),
    "insult": lambda directory, phrases: InsultRule(),
    "identity_insult": lambda directory, phrases: IdentityInsultRule(),
    "attribute": lambda directory, phrases: AttributeRule(),
    "group": lambda directory, phrases: GroupRule(),
    "group_threat": lambda directory, phrases: GroupThreatRule(),
    "group_rejection": lambda directory, phrases: GroupRejectionRule(),
    "group_frame": lambda directory, phrases: GroupFrameRule(),
    "slur": lambda directory, phrases: SlurRule(),
    "profanity": lambda directory, phrases: ProfanityRule(),
    "wish": lambda directory, phrases: WishRule(),
    "self_harm": lambda directory, phrases: SelfHarmRule(),
    "laughter": lambda directory, phrases: LaughterRule(),
    "sexual": lambda directory, phrases: SexualRule(),
}


def build(directory: Path, phrases: list[Phrase], cfg: RulesConfig | None = None
          ) -> tuple[tuple[Rule, ...], tuple[Filter, ...]]:
    """The rules and the filters, in the order of rules.yaml; an unknown name is an error."""
    cfg = cfg or config()
    unknown = [n for n in cfg.order if n not in RULES] + [
        n for n in cfg.filters if n not in FILTERS]
    if unknown:
        raise ValueError(f"rules.yaml: unknown rule or filter {', '.join(unknown)}; known: "
                         f"{', '.join([*RULES, *FILTERS])}")
    rules = tuple(RULES[name](directory, phrases) for name in cfg.order)
    return rules, tuple(FILTERS[name] for name in cfg.filters)


__all__ = ["FILTERS", "RULES", "Hit", "Rule", "Stance", "Targets", "build", "guards"]
