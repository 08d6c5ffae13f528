"""The abuse engine: lexicon, phrases and rules built once, run once per document."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from classifiers.abuse.analysis import Analysis, Tok, analyse
from classifiers.abuse.lexicon import LEXICON_DIR, Lexicon
from classifiers.abuse.phrases import PhraseIndex, load_phrases
from classifiers.abuse.rules import (
    AttributeRule,
    GroupFrameRule,
    GroupRejectionRule,
    GroupRule,
    GroupThreatRule,
    GroupUpgradeRule,
    Hit,
    IdentityInsultRule,
    InsultRule,
    LaughterRule,
    PhraseRule,
    ProfanityRule,
    SelfHarmRule,
    SexualRule,
    SlurRule,
    Stance,
    Targets,
    WishRule,
    benign_group_mention,
    denied_after,
    drop_aimed_profanity,
    drop_denied_discrimination,
    drop_safety_advice,
    intensifies,
    resolve_bullying_subtypes,
)
from classifiers.categories import Severity
from classifiers.document import Document
from classifiers.judgement import Finding, Span

SEVERITIES = {1: Severity.LOW, 2: Severity.MEDIUM, 3: Severity.HIGH}
# loaded words that a denial after a question takes back ("Jij een loser? Echt niet.")
DENIABLE = frozenset({"insult", "slur", "negadj", "negnoun", "body", "dehum", "sexual"})


@dataclass(frozen=True)
class Message:
    protocol_ref: str
    reason: str
    reason_en: str
    suggestion: str


class AbuseEngine:
    def __init__(self, directory: Path = LEXICON_DIR) -> None:
        self.lexicon = Lexicon(directory)
        phrases = load_phrases(directory / "phrases.tsv")
        self.counter = PhraseIndex([p for p in phrases if p.category == "stance"])
        self.rules = (
            PhraseRule([p for p in phrases if p.category != "stance"]),
            InsultRule(),
            IdentityInsultRule(),
            AttributeRule(),
            GroupRule(),
            GroupThreatRule(),
            GroupRejectionRule(),
            GroupFrameRule(),
            SlurRule(),
            ProfanityRule(),
            WishRule(),
            SelfHarmRule(),
            LaughterRule(),
            SexualRule(),
        )
        self.upgrade = GroupUpgradeRule()
        raw = yaml.safe_load((directory / "messages.yaml").read_text(encoding="utf-8"))
        self.messages = {
            (cat, sub): Message(m["protocol_ref"], m["reason"], m["reason_en"], m["suggestion"])
            for cat, subs in raw.items()
            for sub, m in subs.items()
        }

    def analysis(self, doc: Document) -> Analysis:
        return doc.view("abuse.analysis", lambda d: analyse(d, self.lexicon))

    def hits(self, doc: Document) -> list[Hit]:
        return doc.view("abuse.hits", self._hits)

    def _hits(self, doc: Document) -> list[Hit]:
        an = self.analysis(doc)
        if not an.toks:
            return []
        stance = Stance(an, self.counter)
        targets = Targets(an, doc.text)
        hits: list[Hit] = []
        for rule in self.rules:
            hits.extend(rule.run(an, stance, targets))
        hits = drop_denied_discrimination(an, hits)
        hits.extend(self.upgrade.upgrade(an, stance, hits))
        hits = drop_safety_advice(an, hits)
        return resolve_bullying_subtypes(an, drop_aimed_profanity(hits))

    def findings(self, doc: Document, category: str, source: str) -> list[Finding]:
        out: list[Finding] = []
        hits = self.hits(doc)
        if category == "discrimination" and not any(h.category == category for h in hits):
            out.extend(self._benign_guard(doc, category, source))
        if category in {"bullying", "discrimination"} and not any(
            h.category == category and h.score >= 0.5 for h in hits
        ):
            out.extend(self._denial_guard(doc, category, source))
            out.extend(self._intensifier_guard(doc, category, source))
        for hit in hits:
            if hit.category != category:
                continue
            msg = self.messages[(hit.category, hit.subtype)]
            spans = sorted({Span(t.start, t.end) for t in hit.toks})
            if len(hit.toks) > 1 and hit.rule.split(".")[0] not in {"group"}:
                spans = [Span(hit.toks[0].start, hit.toks[-1].end)]
            words = ", ".join(f"'{doc.text[s.start:s.end]}'" for s in spans)
            out.append(
                Finding(
                    category=hit.category,
                    subtype=hit.subtype,
                    score=hit.score,
                    severity=SEVERITIES[hit.severity],
                    spans=spans,
                    reason=msg.reason.format(words=words),
                    reason_en=msg.reason_en.format(words=words),
                    protocol_ref=msg.protocol_ref,
                    suggestion=msg.suggestion,
                    source=f"{source}:{hit.rule}",
                )
            )
        return out


    def _denial_guard(self, doc: Document, category: str, source: str) -> list[Finding]:
        """"Jij een loser? Nee joh.": loaded words asked as a question and denied in the
        next sentence. The rules drop them; this guard keeps the learned model from
        flagging them anyway (pipeline.py)."""
        an = self.analysis(doc)
        toks = [t for t in an.tagged if t.tags & DENIABLE and denied_after(an, t)]
        return _guard(category, "guard:denied", toks, source)

    def _intensifier_guard(self, doc: Document, category: str, source: str) -> list[Finding]:
        """"Je bent gestoord goed op die gitaar": a negative word that only intensifies the
        praise after it. The rules skip it; this guard keeps the model from flagging it."""
        an = self.analysis(doc)
        toks = [t for t in an.tagged if t.has("negadj") and intensifies(an, t)]
        return _guard(category, "guard:intensifier", toks, source)

    def _benign_guard(self, doc: Document, category: str, source: str) -> list[Finding]:
        """A plain, benign mention of a group: a guard (score 0) that damps the learned
        score, so that the model does not flag "Christenen vieren Pasen" (pipeline.py)."""
        an = self.analysis(doc)
        toks = benign_group_mention(an) if an.toks else []
        return _guard(category, "guard:group_benign", toks, source)


def _guard(category: str, subtype: str, toks: list[Tok], source: str) -> list[Finding]:
    """A stance guard (score 0) over the tokens that show it; none without tokens."""
    if not toks:
        return []
    spans = sorted({Span(t.start, t.end) for t in toks})
    return [Finding(category, subtype, 0.0, Severity.LOW, spans, "", "", source=f"{source}:guard")]


@cache
def default_engine() -> AbuseEngine:
    """The engine over the packaged lexicons, built once per process (read-only after)."""
    return AbuseEngine()
