"""Pick the model's operating point per category on dev.

The combined decision is "a rule finding passes the category threshold, or the (guarded)
model probability passes the operating point". F1 of that decision is maximised per
category; for bullying and discrimination only operating points that keep the
hard-negative flag rate under HARD_NEGATIVE_BUDGET are allowed (when one exists).
"""

from __future__ import annotations

from dataclasses import dataclass

from classifiers.categories import ALL_CATEGORIES
from classifiers.document import Document
from classifiers.model.data import Example
from classifiers.pipeline import GUARD_FACTOR, is_guard

GRID = [round(0.2 + 0.025 * i, 3) for i in range(31)]  # 0.2 .. 0.95
HARD_NEGATIVE_BUDGET = 0.03
GUARDED_CATEGORIES = ("bullying", "discrimination")


@dataclass
class Parts:
    rule: dict[str, float]
    learned: dict[str, float]  # already damped by stance guards


def components(scorer, examples: list[Example]) -> list[Parts]:
    out = []
    thresholds = scorer.thresholds
    for ex in examples:
        findings, learned, _ = scorer.components(Document(ex.text, ex.context_obj()))
        rule = {c: 0.0 for c in ALL_CATEGORIES}
        guarded = set()
        for f in findings:
            if is_guard(f):
                guarded.add(f.category)
            else:
                rule[f.category] = max(rule[f.category], f.score)
        damped = {
            c: (p * GUARD_FACTOR if c in guarded and rule[c] < thresholds[c] else p)
            for c, p in learned.items()
        }
        out.append(Parts(rule, damped))
    return out


def pick_thresholds(
    examples: list[Example], parts: list[Parts], thresholds: dict[str, float]
) -> dict[str, float]:
    out: dict[str, float] = {}
    for cat in ALL_CATEGORIES:
        gold = [cat in ex.labels for ex in examples]
        if not any(gold):
            continue
        hard = [ex.hard_negative is not None and cat not in ex.labels for ex in examples]
        n_hard = sum(hard)
        rule_on = [p.rule[cat] >= thresholds[cat] for p in parts]
        best: tuple[float, float] | None = None
        chosen = 0.5
        for t in GRID:
            pred = [r or p.learned.get(cat, 0.0) >= t for r, p in zip(rule_on, parts, strict=True)]
            tp = sum(p and g for p, g in zip(pred, gold, strict=True))
            fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
            fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if cat in GUARDED_CATEGORIES and n_hard:
                rate = sum(p and h for p, h in zip(pred, hard, strict=True)) / n_hard
                if rate > HARD_NEGATIVE_BUDGET:
                    f1 -= 1.0  # allowed only when nothing meets the budget
            key = (round(f1, 4), -abs(t - 0.5))
            if best is None or key > best:
                best, chosen = key, t
        out[cat] = chosen
    return out
