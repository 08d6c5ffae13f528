"""Pick a threshold per category on dev, for the combined (rules + model) score.

F1 is maximised per category; for bullying and discrimination only thresholds that keep
the hard-negative flag rate under HARD_NEGATIVE_BUDGET are allowed (when one exists).
"""

from __future__ import annotations

from classifiers.categories import ALL_CATEGORIES
from classifiers.model.data import Example

GRID = [round(0.2 + 0.025 * i, 3) for i in range(29)]  # 0.2 .. 0.9
HARD_NEGATIVE_BUDGET = 0.03
GUARDED_CATEGORIES = ("bullying", "discrimination")


def combined_scores(scorer, examples: list[Example]) -> list[dict[str, float]]:
    return [scorer.score(ex.text, ex.context_obj()).scores for ex in examples]


def pick_thresholds(
    examples: list[Example], scores: list[dict[str, float]]
) -> dict[str, float]:
    out: dict[str, float] = {}
    for cat in ALL_CATEGORIES:
        gold = [cat in ex.labels for ex in examples]
        if not any(gold):
            continue
        hard = [ex.hard_negative is not None and cat not in ex.labels for ex in examples]
        n_hard = sum(hard)
        best: tuple[float, float] | None = None  # (f1, -distance from 0.5)
        chosen = 0.5
        for t in GRID:
            pred = [s[cat] >= t for s in scores]
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
