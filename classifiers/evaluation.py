"""`denkna eval`: precision/recall/F1 per category and subtype, a category confusion table,
the hard-negative flag rate per kind, and latency, for a labelled JSON-lines file.

Each example is scored with its own context (account type, author role), as in production.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from classifiers.categories import ALL_CATEGORIES, SUBTYPES
from classifiers.model.data import Example

NONE = "(geen)"
HARD_NEGATIVE_CATEGORIES = ("bullying", "discrimination")


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        d = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / d if d else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.support,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class EvalReport:
    n: int
    model: str
    categories: dict[str, PRF]
    subtypes: dict[str, PRF]
    confusion: dict[str, Counter]  # gold category (or NONE) -> predicted category (or NONE)
    hard_negatives: dict[str, dict[str, int]]  # kind -> {"n", "flagged", per category...}
    latency_ms: list[float] = field(default_factory=list)

    def latency(self) -> dict[str, float]:
        lat = sorted(self.latency_ms)
        if not lat:
            return {"p50_ms": 0.0, "p95_ms": 0.0, "mean_ms": 0.0, "texts_per_second": 0.0}
        return {
            "p50_ms": round(_pct(lat, 50), 3),
            "p95_ms": round(_pct(lat, 95), 3),
            "mean_ms": round(statistics.fmean(lat), 3),
            "texts_per_second": round(1000.0 * len(lat) / sum(lat), 1) if sum(lat) else 0.0,
        }

    def hard_negative_rate(self) -> float:
        total = sum(v["n"] for v in self.hard_negatives.values())
        flagged = sum(v["flagged"] for v in self.hard_negatives.values())
        return flagged / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "model": self.model,
            "categories": {c: p.to_dict() for c, p in self.categories.items()},
            "subtypes": {s: p.to_dict() for s, p in self.subtypes.items() if p.tp + p.fp + p.fn},
            "confusion": {g: dict(row) for g, row in self.confusion.items()},
            "hard_negatives": {
                "rate_bullying_or_discrimination": round(self.hard_negative_rate(), 4),
                "per_kind": self.hard_negatives,
            },
            "latency": self.latency(),
        }

    def format(self) -> str:
        lines = [f"Evaluatie van {self.n} teksten met {self.model}", ""]
        lines.append(f"{'categorie':<34}{'precisie':>9}{'recall':>9}{'F1':>9}{'aantal':>8}")
        for c, p in self.categories.items():
            lines.append(_row(c, p))
        lines += ["", f"{'subtype':<34}{'precisie':>9}{'recall':>9}{'F1':>9}{'aantal':>8}"]
        for s, p in self.subtypes.items():
            if p.tp + p.fp + p.fn:
                lines.append(_row(s, p))
        cols = [*ALL_CATEGORIES, NONE]
        lines += ["", "Verwarringstabel (rij = juiste categorie, kolom = gevlagd)"]
        lines.append(f"{'':<16}" + "".join(f"{c[:13]:>14}" for c in cols))
        for g in cols:
            row = self.confusion.get(g, Counter())
            lines.append(f"{g[:15]:<16}" + "".join(f"{row.get(c, 0):>14}" for c in cols))
        lines += ["", "Harde negatieven met een vlag voor pesten of discriminatie"]
        for kind, v in sorted(self.hard_negatives.items()):
            rate = v["flagged"] / v["n"] if v["n"] else 0.0
            lines.append(f"  {kind:<24}{v['flagged']:>5} / {v['n']:<5} ({rate:6.1%})")
        lines.append(f"  {'totaal':<24}{self.hard_negative_rate():>21.1%}")
        lat = self.latency()
        lines += [
            "",
            f"Snelheid: p50 {lat['p50_ms']:.3f} ms, p95 {lat['p95_ms']:.3f} ms per tekst, "
            f"{lat['texts_per_second']:.0f} teksten per seconde",
        ]
        return "\n".join(lines)


def _row(name: str, p: PRF) -> str:
    return f"{name:<34}{p.precision:>9.3f}{p.recall:>9.3f}{p.f1:>9.3f}{p.support:>8}"


def _pct(sorted_values: list[float], q: float) -> float:
    k = (len(sorted_values) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def evaluate(scorer, examples: list[Example]) -> EvalReport:
    categories = {c: PRF() for c in ALL_CATEGORIES}
    subtypes = {f"{c}/{s}": PRF() for c in ALL_CATEGORIES for s in SUBTYPES[c]}
    confusion: dict[str, Counter] = defaultdict(Counter)
    hard: dict[str, dict[str, int]] = {}
    latency: list[float] = []
    model = ""
    for ex in examples:
        ctx = ex.context_obj()
        t0 = time.perf_counter()
        j = scorer.score(ex.text, ctx)
        latency.append((time.perf_counter() - t0) * 1000.0)
        model = j.model
        flagged = {f.category for f in j.flags}
        pred_sub = {f"{f.category}/{s}" for f in j.flags for s in ({f.subtype} | set(f.subtypes))}
        gold = set(ex.labels)
        gold_sub = set(ex.subtypes)
        for c in ALL_CATEGORIES:
            _count(categories[c], c in flagged, c in gold)
        for s, prf in subtypes.items():
            _count(prf, s in pred_sub, s in gold_sub)
        for g in gold or {NONE}:
            for p in flagged or {NONE}:
                confusion[g][p] += 1
        if ex.hard_negative:
            entry = hard.setdefault(ex.hard_negative, {"n": 0, "flagged": 0})
            entry["n"] += 1
            bad = [c for c in HARD_NEGATIVE_CATEGORIES if c in flagged and c not in gold]
            if bad:
                entry["flagged"] += 1
            for c in bad:
                entry[c] = entry.get(c, 0) + 1
    return EvalReport(len(examples), model, categories, subtypes, confusion, hard, latency)


def _count(prf: PRF, predicted: bool, gold: bool) -> None:
    if predicted and gold:
        prf.tp += 1
    elif predicted:
        prf.fp += 1
    elif gold:
        prf.fn += 1
