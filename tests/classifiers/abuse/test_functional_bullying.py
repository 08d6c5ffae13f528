"""A hand-written functional suite for bullying (classifiers/data/functional/bullying_1.jsonl),
in the spirit of HateCheck: one row per case, grouped by *functionality* (insults of the
reader, of a named pupil, across sentences; humiliation, sexual harassment, death wishes,
self-harm incitement, threats, exclusion; spelling variants) and as many negatives that look
abusive to a keyword filter (abuse of objects, untargeted swearing, negation, counter-speech
by quote and by reference, reported speech, banter and compliments, health talk, school
messages, non-protected groups).

The cases were written for this suite, not taken from the corpus templates. Rules have since
been written from its misses, so it is development data: it measures what the scorer fits,
not how it generalises (classifiers/data/functional/README.md). It reports accuracy per
functionality (run this file with `python -m tests.classifiers.abuse.test_functional_bullying`
to print the table) and asserts floors: overall and per functionality, for the category and
for the subtype a teacher sees on the flag.

Later batches, each written by a helper who read only the labelling policy and this suite
(never the rules' code, the corpus or the other new batches), each with a floor of its own.
bullying_3, bullying_5 and school_life (in classifiers/data/functional/) are development data
too: rules were written from their misses. Only the two heldout_* files here are still blind.
- bullying_3.jsonl (172 cases): everyday phrasings across all functionalities.
  Scored 0.750 before the round-5 rules (phrases.tsv "r5.*", a few lexicon words, three
  misreadings fixed), 0.930 after.
- bullying_5.jsonl (150 cases): the weak areas of batch 3 (exclusion, self-harm incitement,
  sexual harassment, veiled threats, humiliation, insult + backing) with hard negatives that
  share their words. 0.587 before its rules, 0.760 after; most of what is still missed is
  implicit ("naast school staat een flat van 12 hoog, just saying").
- data/heldout_bullying.jsonl (158 cases): written blind at the same time as batch 3 and
  never used to write a rule; only its totals were read, plus the rule ids behind its flagged
  negatives and the flagged words of one of them (a new lexicon word, "onnozelaar").
  0.715 before round 5, 0.747 after batch 3's rules, 0.753 after batch 5's: the phrase rules
  carry over to fresh wording only a little.
- school_life.jsonl (160 texts, none to be flagged): what a school, its staff, parents and
  pupils write on the official accounts with words a keyword filter trips on
  (online-safety advice, anti-bullying week, safety warnings, rules, match reports, lessons,
  parents' questions, warm banter, condolences, trip logistics). 19 had a flag of some
  category before round 5 (12 bullying or discrimination; also "pestprotocol" as swearing,
  "Anne Frank Huis met 2 vwo" as a pupil's name, "kikkers" as a slur), 6 after it, all
  bullying: banter with a real insult word (3), a rule with "je mag niet meer meedoen
  als ...", a dog that "lijkt agressief", a safety question that names no helpline.
- data/heldout_school_life.jsonl (150 texts, none to be flagged): the same kind of texts,
  written blind after those fixes and never used to write a rule; only its totals were read.
  Any flag: 12 before this round, 7 after.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

import classifiers
from classifiers.pipeline import Scorer

# Development suites (rules were written from them): classifiers/data/functional/
FUNCTIONAL = Path(classifiers.__file__).parent / "data" / "functional"
DATA = FUNCTIONAL / "bullying_1.jsonl"
# Later batches, each written by someone who did not see the rules' code (see the docstring)
BULLYING_3 = FUNCTIONAL / "bullying_3.jsonl"
BULLYING_5 = FUNCTIONAL / "bullying_5.jsonl"
SCHOOL_LIFE = FUNCTIONAL / "school_life.jsonl"
SCHOOL_LIFE_MAX_FLAGGED = 0.05  # any flag: 19/160 before round 5, 6/160 after
# Still blind: never used to write a rule
HELDOUT = Path(__file__).parent / "data" / "heldout_bullying.jsonl"
HELDOUT_SCHOOL_LIFE = HELDOUT.parent / "heldout_school_life.jsonl"
HELDOUT_SCHOOL_LIFE_MAX_FLAGGED = 0.06  # any flag: 12/150 before round 5, 7/150 after
BULLYING_3_FLOOR = 0.92  # 0.750 before the round-5 rules, 0.930 after
BULLYING_5_FLOOR = 0.75  # 0.587 before, 0.760 after
HELDOUT_FLOOR = 0.74  # written blind: 0.715 before round 5, 0.753 after
OVERALL_FLOOR = 0.93  # bullying decided right (flag or no flag), all cases
FUNCTIONALITY_FLOOR = 0.80  # per functionality
SUBTYPE_FLOOR = 0.90  # among flagged positives: the flag's subtype is the expected one


def load_cases(path: Path = DATA) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@cache
def _scorer(rules_only: bool) -> Scorer:
    return Scorer(model_path=None) if rules_only else Scorer()


@cache
def run(rules_only: bool = False, path: Path = DATA) -> dict[str, dict[str, float]]:
    """Per functionality: n, correct (category), subtype_ok / subtype_n (flagged positives)."""
    scorer = _scorer(rules_only)
    table: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for case in load_cases(path):
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


@pytest.mark.parametrize(
    ("path", "floor"),
    [(BULLYING_3, BULLYING_3_FLOOR), (BULLYING_5, BULLYING_5_FLOOR), (HELDOUT, HELDOUT_FLOOR)],
    ids=["development_bullying_3", "development_bullying_5", "heldout_bullying"],
)
def test_later_batches(path: Path, floor: float) -> None:
    cases = load_cases(path)
    assert len(cases) >= 150
    assert len({c["id"] for c in cases}) == len(cases)
    assert all(("bullying" in c["labels"]) == (c["subtype"] is not None) for c in cases)
    table = run(path=path)
    t = totals(table)
    print("\n" + report(table))
    assert t["correct"] / t["n"] >= floor, report(table)


@pytest.mark.parametrize(
    ("path", "most"),
    [(SCHOOL_LIFE, SCHOOL_LIFE_MAX_FLAGGED),
     (HELDOUT_SCHOOL_LIFE, HELDOUT_SCHOOL_LIFE_MAX_FLAGGED)],
    ids=["development_school_life", "heldout_school_life"],
)
def test_school_life_texts_are_rarely_flagged(path: Path, most: float) -> None:
    cases = load_cases(path)
    assert len(cases) >= 150 and all(not c["labels"] for c in cases)
    scorer = _scorer(False)
    flagged = [c["id"] for c in cases if scorer.score(c["text"]).flags]
    assert len(flagged) / len(cases) <= most, flagged


if __name__ == "__main__":
    import sys

    for path in (DATA, BULLYING_3, BULLYING_5, HELDOUT):
        print(path.name)
        print(report(run(rules_only="--rules" in sys.argv, path=path)))
