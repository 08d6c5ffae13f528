"""What the abuse rules share: the Hit each rule reports, the scores and order of
data/rules.yaml, and the function words that several rule families read (data/words.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from classifiers.abuse.analysis import Tok
from classifiers.abuse.words import W

LESSENERS = W.set("lesseners")
NEGATORS = W.set("negators")
OPINION_VERBS = W.set("opinion_verbs")
RHETORICAL_AFTER_NEG = W.set("rhetorical_after_neg")
# "niets meer dan", "niet beter dan", "niks anders dan": a restriction, not a denial
RESTRICTIVE_AFTER_NEG = W.set("restrictive_after_neg")
# "geen reden om X te haten": a negated reason or norm before a purpose clause
REASON_WORDS = W.set("reason_words")
# adverbs between a hated group and the "niet" that denies the hate ("haat X helemaal niet")
NEG_ADVERBS = W.set("neg_adverbs")
DETERMINERS = W.set("determiners")
DETERMINERS_DE = DETERMINERS | {"de"}
DEFINITE_ARTICLES = W.set("definite_articles")
ARTICLES = DETERMINERS | DEFINITE_ARTICLES  # before a thing: "die printer", "het ding"
THING_REACH = 4
TITLES = W.set("titles")
COPULA_SINGULAR = W.set("copula_singular")
EXCLAIM = W.set("exclaim")
REPORT_CONJ = W.set("report_conj")
FIRST_PERSON = W.set("first_person")
SUPERLATIVES = W.set("superlatives")
# words that make a dehumanising word a verdict on everyone ("alleen vee", "vol beesten")
GENERALISING = W.set("generalising")
ENDORSE = W.set("endorse")  # "hij heeft gelijk", "groot gelijk"
ENDORSE_BEFORE = W.set("endorse_before")
# a later "zegt het ook" / "dat zegt iedereen" backs up what the speaker just said
ECHO_WORDS = W.set("echo_words")
# discrimination: verbs that, negated before a "dat" clause, deny the claim in it
# ("ik zou nooit willen dat ...", "ik heb nooit gezegd dat ...", "het is niet zo dat ...")
CLAIM_VERBS = W.set("claim_verbs")
ASSERT_VERBS = W.set("assert_verbs")
# "haat tegen moslims", "de haat", "haat zaaien": hate as a noun, not the speaker hating
HATE_NOUN_BEFORE = W.set("hate_noun_before")
HATE_NOUN_AFTER = W.set("hate_noun_after")
SUBJECT_PRONOUNS = W.set("subject_pronouns")
# a threat against a group: violence + one of these (intent, wish, norm) in the sentence
THREAT_INTENT = W.set("threat_intent")
THREAT_PAST = W.set("threat_past")
VOCATIVE = W.set("vocative")
POSSESSIVES = W.set("possessives")


@dataclass
class Hit:
    category: str
    subtype: str
    severity: int  # 1 low, 2 medium, 3 high
    score: float
    toks: list[Tok]
    rule: str
    words: list[str] = field(default_factory=list)


RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "rules.yaml"
_SPEC_KEYS = frozenset({"rule", "category", "subtype", "severity", "score"})


@dataclass(frozen=True)
class HitSpec:
    """What one kind of hit scores (data/rules.yaml, section hits). A rule that decides the
    subtype, severity or score itself passes it to `hit`; `extra` holds named numbers of
    its own (`strong_score`, `scores_by_severity`)."""

    rule: str
    category: str
    subtype: str = ""
    severity: int = 0
    score: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def hit(self, toks: list[Tok], rule: str | None = None, *, subtype: str | None = None,
            severity: int | None = None, score: float | None = None) -> Hit:
        return Hit(self.category, subtype or self.subtype,
                   self.severity if severity is None else severity,
                   self.score if score is None else score, toks, rule or self.rule)


@dataclass(frozen=True)
class RulesConfig:
    """data/rules.yaml: the rule order, the filters after it, the hit scores, and the
    settings of the filters and guards (the remaining sections, by name)."""

    order: tuple[str, ...]
    filters: tuple[str, ...]
    hits: dict[str, HitSpec]
    sections: dict[str, Any]

    def section(self, name: str) -> dict[str, Any]:
        if name not in self.sections:
            raise KeyError(f"{RULES_FILE.name}: no section '{name}'")
        return self.sections[name]


def load_config(path: Path = RULES_FILE) -> RulesConfig:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not {"order", "filters", "hits"} <= set(raw):
        raise ValueError(f"{path.name}: expected the sections order, filters and hits")
    hits: dict[str, HitSpec] = {}
    for key, spec in raw["hits"].items():
        if not isinstance(spec, dict) or "category" not in spec:
            raise ValueError(f"{path.name}: hit '{key}' needs at least a category")
        extra = {k: v for k, v in spec.items() if k not in _SPEC_KEYS}
        hits[key] = HitSpec(spec.get("rule", key), spec["category"], spec.get("subtype", ""),
                            int(spec.get("severity", 0)), float(spec.get("score", 0.0)), extra)
    sections = {k: v for k, v in raw.items() if k not in {"order", "filters", "hits"}}
    return RulesConfig(tuple(raw["order"]), tuple(raw["filters"]), hits, sections)


@cache
def config() -> RulesConfig:
    """The packaged rules.yaml, read once per process."""
    return load_config()


HITS = config().hits
