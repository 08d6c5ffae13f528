"""The deep mode's judgement per category: one calibrated probability from the rules, their
guards, fastText and the encoder.

A logistic regression per category over a handful of features, fitted on texts the rules were
not written from (the natural dev batches and the functional development suites). Fitted on the
template corpus, where the rules are near perfect, it would only learn to trust them.
The weights are data (JSON in the encoder artefact's metadata), so a fitted stacker can be read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

FEATURES = (
    "rule",           # the highest rule score of the category (0 when no rule fired)
    "rule_pass",      # 1 when that score passes the category's default threshold
    "rule_guard",     # a rule's own guard saw the words but judged them not meant
    "stance_guard",   # stance words (quote, negation, health, object) without a rule of its own
    "fasttext",       # the fastText model's calibrated probability
    "encoder",        # the encoder's logit for the category
    "encoder_x_rule_guard",
    "encoder_x_stance_guard",
    "encoder_other",  # the encoder's logit for the other judged category
    "group_term",     # the lexicon sees a protected group or a slur in the text
    "encoder_x_no_group",  # the encoder's logit when it does not: "geen honden op het plein"
)
LOGIT_CLIP = 8.0


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return max(-LOGIT_CLIP, min(LOGIT_CLIP, math.log(p / (1 - p))))


def features(
    category: str, *, rule: float, rule_threshold: float, guarded: bool, stance: bool,
    fasttext: float, encoder: float, encoder_other: Mapping[str, float], group: bool,
) -> list[float]:
    enc = logit(encoder)
    others = [logit(p) for c, p in encoder_other.items() if c != category]
    return [
        rule,
        1.0 if rule >= rule_threshold else 0.0,
        1.0 if guarded else 0.0,
        1.0 if stance else 0.0,
        fasttext,
        enc,
        enc * guarded,
        enc * stance,
        max(others) if others else 0.0,
        1.0 if group else 0.0,
        0.0 if group else enc,
    ]


@dataclass
class Stacker:
    weights: dict[str, list[float]] = field(default_factory=dict)
    bias: dict[str, float] = field(default_factory=dict)
    operating_points: dict[str, float] = field(default_factory=dict)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.weights)

    def probability(self, category: str, **kwargs) -> float:
        return self.probability_of_row(category, features(category, **kwargs))

    def probability_of_row(self, category: str, x: Sequence[float]) -> float:
        z = self.bias[category] + sum(w * v for w, v in zip(self.weights[category], x, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def operating(self, category: str) -> float:
        return self.operating_points.get(category, 0.5)

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "weights": self.weights, "bias": self.bias,
                "operating_points": self.operating_points}

    @classmethod
    def from_dict(cls, data: Mapping) -> Stacker:
        if not data:  # not fitted yet (between training and fitting)
            return cls()
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError("stacker features differ from this version's FEATURES")
        return cls({k: [float(v) for v in w] for k, w in data["weights"].items()},
                   {k: float(v) for k, v in data["bias"].items()},
                   {k: float(v) for k, v in data.get("operating_points", {}).items()})


def fit(rows: Sequence[Sequence[float]], labels: Sequence[int], l2: float = 1.0,
        negative_weight: float = 1.0) -> tuple[list[float], float]:
    """L2-regularised logistic regression (LBFGS, full batch): weights and bias.
    `negative_weight` > 1 makes a false alarm cost more than a miss."""
    import torch

    x = torch.tensor(rows, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.float64)
    sample = torch.where(y > 0.5, 1.0, negative_weight).to(torch.float64)
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=500, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(x @ w + b, y, weight=sample)
        loss = loss * len(y) / sample.sum() + l2 * (w @ w) / len(y)
        loss.backward()
        return loss

    opt.step(closure)
    return [float(v) for v in w.detach()], float(b.detach()[0])


def best_operating_point(probs: Sequence[float], labels: Sequence[int]) -> float:
    """The probability cut with the best accuracy (ties: the one nearest 0.5)."""
    pairs = sorted(zip(probs, labels, strict=True))
    pos = sum(labels)
    best, best_cut = -1, 0.5
    below_pos = below_neg = 0
    for i, (p, y) in enumerate(pairs):
        # cut just above p: everything <= p is clean
        if y:
            below_pos += 1
        else:
            below_neg += 1
        if i + 1 < len(pairs) and pairs[i + 1][0] == p:
            continue
        correct = below_neg + (pos - below_pos)
        cut = (p + pairs[i + 1][0]) / 2 if i + 1 < len(pairs) else min(0.99, p + 1e-3)
        if correct > best or (correct == best and abs(cut - 0.5) < abs(best_cut - 0.5)):
            best, best_cut = correct, cut
    return min(max(best_cut, 0.05), 0.95)
