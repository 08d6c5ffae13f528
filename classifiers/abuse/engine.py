"""The abuse engine: lexicon, phrases and rules built once, run once per document."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from classifiers.abuse.analysis import Analysis, analyse
from classifiers.abuse.lexicon import LEXICON_DIR, Lexicon
from classifiers.abuse.phrases import PhraseIndex, load_phrases
from classifiers.abuse.rules import Hit, Stance, Targets, build, guards
from classifiers.abuse.rules.guards import stance_guards
from classifiers.categories import Severity
from classifiers.document import Document
from classifiers.judgement import Finding, Span

SEVERITIES = {1: Severity.LOW, 2: Severity.MEDIUM, 3: Severity.HIGH}


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
        # the rules and the filters after them, in the order of rules.yaml
        self.rules, self.filters = build(
            directory, [p for p in phrases if p.category != "stance"])
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
        for step in self.filters:
            hits = step(an, stance, hits)
        return hits

    def findings(self, doc: Document, category: str, source: str) -> list[Finding]:
        hits = self.hits(doc)
        out = guards(self.analysis(doc), hits, category, source)
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

    def stance_guards(self, doc: Document, flagged: set[str]) -> list[Finding]:
        """The stance guard for the categories no rule flagged (rules/guards.py)."""
        return stance_guards(self.analysis(doc), flagged)


@cache
def default_engine() -> AbuseEngine:
    """The engine over the packaged lexicons, built once per process (read-only after)."""
    return AbuseEngine()
