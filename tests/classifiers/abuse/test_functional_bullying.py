"""A hand-written functional suite for bullying (data/functional_bullying.jsonl), in the
spirit of HateCheck: one row per case, grouped by *functionality* (insults of the reader, of
a named pupil, across sentences; humiliation, sexual harassment, death wishes, self-harm
incitement, threats, exclusion; spelling variants) and as many negatives that look abusive
to a keyword filter (abuse of objects, untargeted swearing, negation, counter-speech by quote
and by reference, reported speech, banter and compliments, health talk, school messages,
non-protected groups).

The cases were written for this suite, not taken from the corpus templates, so the suite
measures how the scorer generalises. It reports accuracy per functionality (run this file
with `python -m tests.classifiers.abuse.test_functional_bullying` to print the table) and
asserts floors: overall and per functionality, for the category and for the subtype a
teacher sees on the flag.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from classifiers.pipeline import Scorer

DATA = Path(__file__).parent / "data" / "functional_bullying.jsonl"
OVERALL_FLOOR = 0.93  # bullying decided right (flag or no flag), all cases
FUNCTIONALITY_FLOOR = 0.80  # per functionality
SUBTYPE_FLOOR = 0.90  # among flagged positives: the flag's subtype is the expected one


def load_cases() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]


@cache
def run(rules_only: bool = False) -> dict[str, dict[str, float]]:
    """Per functionality: n, correct (category), subtype_ok / subtype_n (flagged positives)."""
    scorer = Scorer(model_path=None) if rules_only else Scorer()
    table: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for case in load_cases():
        flags = {f.category: f for f in scorer.score(case["text"]).flags}
        row = table[case["functionality"]]
        expected = "bullying" in case["labels"]
        row["n"] += 1
        row["correct"] += (("bullying" in flags) == expected)
        if expected and "bullying" in flags:
            row["subtype_n"] += 1
            row["subtype_ok"] += flags["bullying"].subtype == case["subtype"]
    return {k: dict(v) for k, v in table.items()}


def totals(table: dict[str, dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for row in table.values():
        for k, v in row.items():
            out[k] += v
    return dict(out)


def report(table: dict[str, dict[str, float]]) -> str:
    lines = [f"{'functionality':28} {'n':>4} {'accuracy':>9} {'subtype':>8}"]
    for name, row in sorted(table.items()):
        sub = row.get("subtype_ok", 0) / row["subtype_n"] if row.get("subtype_n") else float("nan")
        lines.append(f"{name:28} {int(row['n']):4d} {row['correct'] / row['n']:9.3f} {sub:8.3f}")
    t = totals(table)
    sub = t.get("subtype_ok", 0) / t["subtype_n"] if t.get("subtype_n") else float("nan")
    lines.append(f"{'total':28} {int(t['n']):4d} {t['correct'] / t['n']:9.3f} {sub:8.3f}")
    return "\n".join(lines)


def test_suite_is_large_and_balanced() -> None:
    cases = load_cases()
    positives = sum(1 for c in cases if c["labels"])
    assert len(cases) >= 200
    assert 0.4 <= positives / len(cases) <= 0.7
    assert len({c["id"] for c in cases}) == len(cases)
    assert len({c["text"] for c in cases}) == len(cases)


def test_overall_accuracy() -> None:
    table = run()
    t = totals(table)
    print("\n" + report(table))
    assert t["correct"] / t["n"] >= OVERALL_FLOOR, report(table)


@pytest.mark.parametrize("functionality", sorted({c["functionality"] for c in load_cases()}))
def test_functionality_floor(functionality: str) -> None:
    row = run()[functionality]
    assert row["correct"] / row["n"] >= FUNCTIONALITY_FLOOR, report(run())


def test_subtype_on_the_flag() -> None:
    t = totals(run())
    assert t["subtype_ok"] / t["subtype_n"] >= SUBTYPE_FLOOR, report(run())


if __name__ == "__main__":
    import sys

    print(report(run(rules_only="--rules" in sys.argv)))
