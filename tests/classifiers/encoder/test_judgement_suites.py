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
    (NATURAL / "w02.jsonl", "bullying", 0.935),  # 0.943 (quick 0.745)
    (NATURAL / "w02.jsonl", "discrimination", 0.932),  # 0.940 (quick 0.855)
    (NATURAL / "w09.jsonl", "bullying", 0.937),  # 0.945 (quick 0.777)
    (NATURAL / "w09.jsonl", "discrimination", 0.975),  # 0.983 (quick 0.887)
    # blind_5 and blind_6: written before the final model was trained, sealed, scored once
    (BLIND / "blind_5.jsonl", "bullying", 0.908),  # 0.917 (quick 0.703)
    (BLIND / "blind_5.jsonl", "discrimination", 0.947),  # 0.956 (quick 0.856)
    (BLIND / "blind_6.jsonl", "bullying", 0.927),  # 0.936 (quick 0.781)
    (BLIND / "blind_6.jsonl", "discrimination", 0.955),  # 0.964 (quick 0.847)
    # blind_1 to blind_4 were scored once on earlier models (data/README.md); now floors
    (BLIND / "blind_1.jsonl", "bullying", 0.955),  # 0.964 (quick 0.764)
    (BLIND / "blind_1.jsonl", "discrimination", 0.950),  # 0.958 (quick 0.867)
    (BLIND / "blind_2.jsonl", "bullying", 0.938),  # 0.947 (quick 0.769)
    (BLIND / "blind_2.jsonl", "discrimination", 0.958),  # 0.967 (quick 0.850)
    (BLIND / "blind_3.jsonl", "bullying", 0.947),  # 0.956 (quick 0.778)
    (BLIND / "blind_3.jsonl", "discrimination", 0.955),  # 0.964 (quick 0.864)
    (BLIND / "blind_4.jsonl", "bullying", 0.938),  # 0.947 (quick 0.772)
    (BLIND / "blind_4.jsonl", "discrimination", 0.969),  # 0.978 (quick 0.864)
    (ABUSE / "heldout_bullying.jsonl", "bullying", 0.924),  # 0.943 (quick 0.747); bar 0.90
    (FUNCTIONAL / "bullying_5.jsonl", "bullying", 0.847),  # 0.867 (quick 0.760)
    (FUNCTIONAL / "discrimination_9.jsonl", "discrimination", 0.95),  # 0.983 (quick 1.000)
    (FUNCTIONAL / "discrimination_10.jsonl", "discrimination", 0.913),  # 0.948 (quick 0.948)
]
# (file, most share of its texts with any flag): every text in these is clean; measured + 1.
SCHOOL_LIFE_CEILINGS = [
    (ABUSE / "heldout_school_life.jsonl", 0.014),  # 1 of 150 (0.007; quick 0.013); bar 0.03
    (FUNCTIONAL / "school_life.jsonl", 0.025),  # 3 of 160 (0.019; quick 0.025)
]
# (natural test batch, most share with a bullying or discrimination flag): everyday school
# life (sNN) and chat (cNN), every text clean; measured + 1 text
CLEAN_BATCH_CEILINGS = [
    (NATURAL / "s04.jsonl", 0.029),  # 8 of 320 (0.025)
    (NATURAL / "s05.jsonl", 0.029),  # 8 of 320 (0.025)
    (NATURAL / "c05.jsonl", 0.054),  # 16 of 320 (0.050)
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


@pytest.mark.parametrize(("path", "most"), CLEAN_BATCH_CEILINGS,
                         ids=[p.stem for p, _ in CLEAN_BATCH_CEILINGS])
def test_deep_leaves_everyday_chat_and_school_life_alone(path: Path, most: float) -> None:
    rows, flags = judged(path)
    assert all(not r["labels"] for r in rows)
    flagged = [r["text"][:80] for r, f in zip(rows, flags, strict=True)
               if f & {"bullying", "discrimination"}]
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
