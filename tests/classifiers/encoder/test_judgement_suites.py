"""The shipped deep judge on the labelled suites: floors per file, never pooled.

Deep must keep what the issue asks of it on texts the rules were not written from: the
natural test batches (writers the model never saw), the blind batches (written after the
model was fixed, scored once) and the blind held-out bullying batch; and it must leave
everyday school posts alone. The numbers are bench/suite_table.py's; the README's table
"De beoordeling" lists them all, quick beside deep.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from classifiers.encoder.artefact import DEFAULT_ENCODER_PATH
from classifiers.pipeline import Scorer

ROOT = Path(__file__).resolve().parents[3]
NATURAL = ROOT / "classifiers" / "data" / "natural"
FUNCTIONAL = ROOT / "classifiers" / "data" / "functional"
ABUSE = ROOT / "tests" / "classifiers" / "abuse" / "data"
BLIND = Path(__file__).parent / "data"

# (file, category, floor on accuracy); measured on the shipped artefact, see the README
# (measured - about 3 cases, so that int8 kernels of another CPU may flip a borderline case)
ACCURACY_FLOORS = [
    (NATURAL / "w02.jsonl", "bullying", 0.932),  # 0.940 (quick 0.750)
    (NATURAL / "w02.jsonl", "discrimination", 0.942),  # 0.950 (quick 0.855)
    (NATURAL / "w09.jsonl", "bullying", 0.940),  # 0.948 (quick 0.770)
    (NATURAL / "w09.jsonl", "discrimination", 0.967),  # 0.975 (quick 0.887)
    # blind_3 and blind_4: written after the final model was fixed, scored once (see data/)
    (BLIND / "blind_3.jsonl", "bullying", 0.955),  # 0.964 (quick 0.772)
    (BLIND / "blind_3.jsonl", "discrimination", 0.955),  # 0.964 (quick 0.867)
    (BLIND / "blind_4.jsonl", "bullying", 0.947),  # 0.956 (quick 0.775)
    (BLIND / "blind_4.jsonl", "discrimination", 0.966),  # 0.975 (quick 0.864)
    # blind_1 and blind_2 were scored once on the model before the final one (cbca03f, int8
    # with one scale per matrix): 0.947/0.961 and 0.939/0.967; now regression floors
    (BLIND / "blind_1.jsonl", "bullying", 0.958),  # 0.967 (quick 0.767)
    (BLIND / "blind_1.jsonl", "discrimination", 0.955),  # 0.964 (quick 0.867)
    (BLIND / "blind_2.jsonl", "bullying", 0.947),  # 0.956 (quick 0.769)
    (BLIND / "blind_2.jsonl", "discrimination", 0.952),  # 0.961 (quick 0.850)
    (ABUSE / "heldout_bullying.jsonl", "bullying", 0.90),  # 0.911 (quick 0.753); the bar
    (FUNCTIONAL / "bullying_5.jsonl", "bullying", 0.88),  # 0.900 (quick 0.760)
    (FUNCTIONAL / "discrimination_9.jsonl", "discrimination", 0.93),  # 0.967 (quick 1.000)
    (FUNCTIONAL / "discrimination_10.jsonl", "discrimination", 0.93),  # 0.966 (quick 0.948)
]
# (file, most share of its texts with any flag): every text in these is clean; measured + 1.
# heldout_school_life: 8 of 150 (0.053; quick 0.047) misses the 3%
SCHOOL_LIFE_CEILINGS = [
    (ABUSE / "heldout_school_life.jsonl", 0.06),
    (FUNCTIONAL / "school_life.jsonl", 0.025),  # 3 of 160 (0.019; quick 0.037)
]


@cache
def deep() -> Scorer:
    scorer = Scorer(mode="deep")
    assert scorer.mode == "deep", f"the shipped encoder {DEFAULT_ENCODER_PATH} did not load"
    return scorer


@cache
def judged(path: Path) -> tuple[list[dict], list[set[str]]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    judgements = deep().score_many([r["text"] for r in rows])
    return rows, [{f.category for f in j.flags} for j in judgements]


@pytest.mark.parametrize(("path", "category", "floor"), ACCURACY_FLOORS,
                         ids=[f"{p.stem}-{c}" for p, c, _ in ACCURACY_FLOORS])
def test_deep_accuracy_per_file(path: Path, category: str, floor: float) -> None:
    rows, flags = judged(path)
    right = sum((category in f) == (category in r["labels"]) for r, f in zip(rows, flags,
                                                                               strict=True))
    wrong = [r["text"][:80] for r, f in zip(rows, flags, strict=True)
             if (category in f) != (category in r["labels"])]
    assert right / len(rows) >= floor, (right, len(rows), wrong[:10])


@pytest.mark.parametrize(("path", "most"), SCHOOL_LIFE_CEILINGS,
                         ids=[p.stem for p, _ in SCHOOL_LIFE_CEILINGS])
def test_deep_leaves_everyday_school_posts_alone(path: Path, most: float) -> None:
    rows, flags = judged(path)
    assert all(not r["labels"] for r in rows)
    flagged = [r["text"][:80] for r, f in zip(rows, flags, strict=True) if f]
    assert len(flagged) / len(rows) <= most, flagged


def test_deep_flags_what_no_rule_knows_and_marks_the_sentence_that_carries_it() -> None:
    text = ("Leuk verslag van het kamp. "
            "Ik hoop dat je morgen van je fiets valt en niet meer opstaat.")
    assert not Scorer().score(text).flags  # quick: no word of the lexicon
    j = deep().score(text)
    assert j.mode == "deep" and j.to_dict()["mode"] == "deep"
    flag = next(f for f in j.flags if f.category == "bullying")
    assert [text[s.start:s.end] for s in flag.spans] == [
        "Ik hoop dat je morgen van je fiets valt en niet meer opstaat."]
    assert "Ik hoop dat je morgen" in flag.reason and flag.protocol_ref


def test_deep_keeps_a_clear_insult_after_a_friendly_start() -> None:
    # the encoder may overrule a rule only where the rule's guards are unsure
    text = "Gefeliciteerd met je diploma! Jij bent echt het meest waardeloze mens dat ik ken."
    flags = {f.category for f in deep().score(text).flags}
    assert "bullying" in flags
