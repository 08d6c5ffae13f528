"""A hand-written functional test suite for discrimination in the style of (Multilingual)
HateCheck: every protected group, derogation, dehumanisation, threats, exclusion, slurs,
profanity, negation, questions and opinions, references across clauses and sentences,
neutral, positive and victim mentions of groups, counter-speech by quote and by reference,
abuse of objects, of individuals and of groups that are not protected, and spelling
variations (swapped and dropped letters, leet, added and removed spaces, teen register).

The cases (classifiers/data/functional/discrimination_*.jsonl) were written for this suite,
not taken from the corpus. Functionalities ending in `_h` are hateful (label
`discrimination`), the others are not. The rules alone are measured (no learned model); the
report lists accuracy per functionality and every miss.

All ten files are development data, not held-out data: rules were written from the misses of
each of them, including the batches that were written blind (see
classifiers/data/functional/README.md). So their scores state what the rules fit, not what
they generalise to. Each file has floors of its own, at its score when the files were moved
(cases right, hateful and non-hateful): with the ten `r4.d*` rules deleted, batches 8 and 9
lost 4 and 5 cases and every floor pooled across files still passed. Lowering a floor needs a
written reason.

discrimination_10.jsonl (formerly heldout_discrimination.jsonl) was written after the rules
and scored once before two small fixes; rules were later written from its misses and a
"fresh" batch reworded them (15 -> 21 of its 25 hateful cases), so it is no longer held out.

discrimination_5.jsonl (round 2) was written before its fixes: negated claims
about groups, neutral mentions, implicit derogation ("X beheersen de media", "X bestaan niet",
"niets is zo walgelijk als X", "X zijn niets meer dan ...", "nul respect voor X") and exclusion
with "minder" ("er moeten minder X komen").

discrimination_6.jsonl (round 3) was written blind, before its fixes: 126
hateful cases of implicit derogation and exclusion without slurs (stereotypes with "allemaal",
"X kunnen (gewoon) niet ...", "typisch X", "X horen niet ...", "terug naar hun land",
"geen X in onze klas", denied rights, "met X in de klas kun je het wel vergeten", comparisons
to animals, dirt and disease, refusing contact, rhetorical questions, opinions) and 125
contrast cases (neutral facts, positive mentions, self-identification, counter-speech,
reported speech that is rejected, negated generalisations, harsh opinions about groups that
are not protected, respectful policy talk, inclusion, school logistics). Before the fixes:
rules only, hateful recall 84/126 (.667) and contrast accuracy 121/125 (.968); rules with the
shipped model, hateful recall 91/126 (.722) and contrast accuracy 115/125 (.920). After the
fixes (rules.GroupFrameRule, r3.* phrases, lexicon kinds "ruin", "animal", "victim"): rules
only 124/126 (.984) and 125/125; with the model 124/126 (.984) and 123/125 (.984). The
texts and labels were not changed; five `subtype` fields of teen-register cases that are
exclusion, not derogation, were corrected (the test does not read `subtype`).

discrimination_7.jsonl (round 3, second batch) was written blind after those
fixes, in new wordings (30 hateful, 30 contrast) and scored once: rules only, hateful recall
24/30 (.80) and contrast accuracy 28/30 (.933); with the model 25/30 (.833) and 27/30 (.90).
Still missed: a member of a group put in a role with an idiomatic bad end ("Zo'n X in je groep
en je haalt nooit een voldoende", "..., dan weet je het wel", "is het gedaan met de sfeer"),
"X snappen geen techniek", "X willen altijd de baas spelen", "liever alleen dan naast een X".
One clear bug was fixed after scoring ("Autisten verpesten helemaal niks": a derogatory verb
with "niks" as its object is denied); a pre-existing false positive remains ("Veel
vluchtelingen moeten terug naar hun land als hun aanvraag wordt afgewezen"); both were fixed
in round 4.

discrimination_8.jsonl (round 4) was written blind before its fixes, around
those misses and new wordings (40 hateful, 40 contrast): a member of a group put in a role
with a bad end ("Zo'n X in je projectgroep en je kunt je cijfer wel vergeten", "Een X als
buurman? Dan weet je het wel"), inability as nature ("X kunnen gewoon niet inparkeren"),
habits with "altijd" ("X willen altijd de baas spelen", "X zijn altijd te laat"), preferring
to avoid ("liever alleen dan naast een X"), denied feeling, resentment about "ons
belastinggeld", "typisch X", "waarom X wel en wij niet", "X moeten de school uit"; contrast:
neutral facts ("doven kunnen de omroep niet horen", "het jodendom en het christendom"), law
described, counter-speech, negation, self-identification, groups that are not protected.
Before the fixes: rules only, hateful 25/40 (.625) and contrast 37/40 (.925); with the model
29/40 (.725) and 35/40 (.875). After (GroupFrameRule._role/_habit/_inability, r4.* phrases,
lexicon kinds "habit" and "procedure", "christendom"): rules only 39/40 and 40/40; with the
model 39/40 and 39/40. Batch 7 after round 4: rules 30/30 and 30/30.

discrimination_9.jsonl (round 4, second batch: 30 hateful, 30 contrast) was
written blind after round 4 and scored once: rules only, hateful recall 25/30 (.833) and
contrast accuracy 29/30 (.967); with the model 25/30 (.833) and 27/30 (.90), the honest
measure of how far round 4 generalises. Missed then: "Nog zo'n X in de klas en de juf kan
wel ophouden", "waarom mogen X wel ... en wij geen ...", "X horen in een kliniek", "geen
enkele X komt bij ons", "kakkerlakken uit Marokko"; false positives: "Dat vrouwen vee zouden
zijn is een walgelijke uitspraak" (rules) and, by the model, "Vluchtelingen krijgen een
taalmaatje" and "Die Marokkaanse tajine is altijd te heet". All were fixed after scoring, so
the batch is fitted now: 30/30 and 30/30 with and without the model."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

import classifiers
from classifiers.categories import ALL_CATEGORIES

DATA = Path(classifiers.__file__).parent / "data" / "functional"
FILES = sorted(DATA.glob("discrimination_*.jsonl"), key=lambda p: int(p.stem.split("_")[1]))
# Per file: the fewest cases that must be right, (hateful, non-hateful), at the scores of
# the rules alone when the files were moved to classifiers/data/functional (of: in comments).
FLOORS: dict[str, tuple[int, int]] = {
    "discrimination_1": (270, 166),  # of 273, 166
    "discrimination_2": (83, 62),  # of 85, 62
    "discrimination_3": (42, 36),  # of 42, 36
    "discrimination_4": (50, 97),  # of 50, 100
    "discrimination_5": (120, 113),  # of 120, 113
    "discrimination_6": (125, 125),  # of 126, 125
    "discrimination_7": (30, 30),  # of 30, 30
    "discrimination_8": (39, 40),  # of 40, 40
    "discrimination_9": (30, 30),  # of 30, 30
    "discrimination_10": (21, 33),  # of 25, 33; formerly heldout_discrimination.jsonl
}
FUNCTIONALITY_FLOOR = 0.75


def _cases(files: list[Path]) -> list[dict]:
    cases = []
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                case = json.loads(line)
                case["where"] = f"{path.name}:{n}"
                cases.append(case)
    return cases


CASES = _cases(FILES)


def test_the_suite_is_well_formed() -> None:
    assert [p.stem for p in FILES] == list(FLOORS), "every file needs floors of its own"
    assert len(CASES) >= 200
    ids = [(c["where"].split(":")[0], c["id"]) for c in CASES]
    assert len(ids) == len(set(ids))
    for c in CASES:
        assert set(c) >= {"id", "text", "labels", "functionality"}, c["where"]
        assert set(c["labels"]) <= set(ALL_CATEGORIES), c["where"]
        hateful = c["functionality"].endswith("_h")
        assert hateful == ("discrimination" in c["labels"]), c["where"]


def _score(judge, cases: list[dict]) -> dict[str, list[tuple[dict, bool]]]:
    by: dict[str, list[tuple[dict, bool]]] = defaultdict(list)
    for c in cases:
        flagged = "discrimination" in judge.categories(c["text"])
        by[c["functionality"]].append((c, flagged == ("discrimination" in c["labels"])))
    return by


@pytest.fixture(scope="module")
def results(judge) -> dict[str, list[tuple[dict, bool]]]:
    return _score(judge, CASES)


def _report(results: dict[str, list[tuple[dict, bool]]]) -> str:
    lines = []
    for functionality, rows in sorted(results.items()):
        right = sum(ok for _, ok in rows)
        lines.append(f"{functionality:28s} {right:3d}/{len(rows):3d}  {right / len(rows):6.1%}")
    for rows in results.values():
        lines.extend(f"  miss {c['where']}: {c['text']}" for c, ok in rows if not ok)
    return "\n".join(lines)


def _accuracy(rows: list[tuple[dict, bool]]) -> float:
    return sum(ok for _, ok in rows) / len(rows)


@pytest.mark.parametrize("name", list(FLOORS))
def test_development_suite_floor(judge, name: str) -> None:
    results = _score(judge, _cases([DATA / f"{name}.jsonl"]))
    report = _report(results)
    print("\n" + report)
    hateful = [ok for k, rows in results.items() if k.endswith("_h") for _, ok in rows]
    benign = [ok for k, rows in results.items() if not k.endswith("_h") for _, ok in rows]
    least_hateful, least_benign = FLOORS[name]
    assert sum(hateful) >= least_hateful, f"hateful {sum(hateful)}/{len(hateful)}\n{report}"
    assert sum(benign) >= least_benign, f"non-hateful {sum(benign)}/{len(benign)}\n{report}"


def test_every_functionality_passes_its_floor(results) -> None:
    weak = {k: _accuracy(rows) for k, rows in results.items()}
    weak = {k: v for k, v in weak.items() if v < FUNCTIONALITY_FLOOR}
    assert not weak, f"{weak}\n{_report(results)}"
