"""The scorer: runs the registered recognizers (and the model, when present) and folds
their findings into one Judgement per text, per the scoring contract."""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from classifiers.categories import ALL_CATEGORIES, CATEGORIES, SEVERITY_RANK, Category
from classifiers.document import Context, Document
from classifiers.judgement import Finding, Flag, Judgement, Span
from classifiers.recognizer import Recognizer, registered

MAX_TEXT_CHARS = 100_000
PIPELINE_VERSION = "denkna-rules-0.1"

# Packages whose import registers recognizers. Adding a detector package = one line here.
RECOGNIZER_PACKAGES: tuple[str, ...] = (
    "classifiers.abuse",
    "classifiers.personal_data",
    "classifiers.staff_protocol",
)


def default_recognizers() -> list[Recognizer]:
    for pkg in RECOGNIZER_PACKAGES:
        importlib.import_module(pkg)
    return [factory() for factory in registered().values()]


class Scorer:
    def __init__(
        self,
        recognizers: Sequence[Recognizer] | None = None,
        thresholds: dict[str, float] | None = None,
    ) -> None:
        self.recognizers = list(recognizers) if recognizers is not None else default_recognizers()
        self.thresholds = {c: CATEGORIES[Category(c)].default_threshold for c in ALL_CATEGORIES}
        if thresholds:
            self.thresholds.update(thresholds)
        self.model_name = PIPELINE_VERSION

    def score(self, text: str, context: Context | None = None) -> Judgement:
        truncated = len(text) > MAX_TEXT_CHARS
        if truncated:
            text = text[:MAX_TEXT_CHARS]
        doc = Document(text, context)
        findings: list[Finding] = []
        for rec in self.recognizers:
            findings.extend(rec.analyze(doc))
        judgement = self.combine(findings)
        judgement.truncated = truncated
        return judgement

    def score_many(self, texts: Iterable[str]) -> list[Judgement]:
        return [self.score(t) for t in texts]

    def combine(self, findings: list[Finding]) -> Judgement:
        by_cat: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            by_cat[f.category].append(f)
        scores = {c: 0.0 for c in ALL_CATEGORIES}
        flags: list[Flag] = []
        for cat in ALL_CATEGORIES:
            group = by_cat.get(cat)
            if not group:
                continue
            top = max(group, key=lambda f: (f.score, SEVERITY_RANK[f.severity]))
            scores[cat] = max(f.score for f in group)
            if scores[cat] < self.thresholds[cat]:
                continue
            passing = [f for f in group if f.score >= self.thresholds[cat]]
            flags.append(
                Flag(
                    category=cat,
                    subtype=top.subtype,
                    severity=max((f.severity for f in passing), key=lambda s: SEVERITY_RANK[s]),
                    score=scores[cat],
                    spans=_merge_spans(s for f in passing for s in f.spans),
                    reason=top.reason,
                    protocol_ref=top.protocol_ref,
                    suggestion=next((f.suggestion for f in passing if f.suggestion), None),
                    reason_en=top.reason_en,
                    subtypes=sorted({f.subtype for f in passing}),
                )
            )
        return Judgement(scores=scores, flags=flags, model=self.model_name)


def _merge_spans(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for s in sorted(set(spans)):
        if merged and s.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, s.end))
        else:
            merged.append(s)
    return merged
