"""Precision/recall of the abuse rules alone on a labelled split (train or dev).

    python -m classifiers.abuse.corpus_check classifiers/data/dev.jsonl [--errors CATEGORY]

Prints per category P/R/F1, the share of hard negatives that get a bullying or
discrimination flag, and per-subtype recall. Not for the test split (no tuning on test).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from classifiers.abuse.recognizers import abuse_recognizers
from classifiers.pipeline import Scorer

CATEGORIES = ("bullying", "discrimination", "profanity")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--errors", choices=CATEGORIES, help="print false positives/negatives")
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args(argv)
    if "test" in args.path.name:
        print("refusing to evaluate on the test split", file=sys.stderr)
        return 2
    scorer = Scorer(recognizers=abuse_recognizers(), model_path=None)  # the rules alone
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    sub_total: Counter[str] = Counter()
    sub_found: Counter[str] = Counter()
    hard_total = 0
    hard_flagged: Counter[str] = Counter()
    errors: list[str] = []
    for line in args.path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        judgement = scorer.score(row["text"])
        predicted = {f.category for f in judgement.flags}
        gold = set(row["labels"])
        for cat in CATEGORIES:
            if cat in predicted and cat in gold:
                tp[cat] += 1
            elif cat in predicted:
                fp[cat] += 1
                if cat == args.errors:
                    errors.append(f"FP {row['id']}: {row['text']}  {_flags(judgement)}")
            elif cat in gold:
                fn[cat] += 1
                if cat == args.errors:
                    errors.append(f"FN {row['id']}: {row['text']}  {row['subtypes']}")
        for sub in row["subtypes"]:
            cat = sub.split("/")[0]
            if cat in CATEGORIES:
                sub_total[sub] += 1
                sub_found[sub] += cat in predicted
        if row.get("hard_negative"):
            hard_total += 1
            for cat in ("bullying", "discrimination"):
                if cat in predicted and cat not in gold:
                    hard_flagged[cat] += 1
    for cat in CATEGORIES:
        p = tp[cat] / max(1, tp[cat] + fp[cat])
        r = tp[cat] / max(1, tp[cat] + fn[cat])
        f1 = 2 * p * r / max(1e-9, p + r)
        counts = f"tp={tp[cat]} fp={fp[cat]} fn={fn[cat]}"
        print(f"{cat:15s} P={p:.3f} R={r:.3f} F1={f1:.3f}  ({counts})")
    for cat in ("bullying", "discrimination"):
        share = hard_flagged[cat] / max(1, hard_total)
        print(f"hard negatives flagged {cat}: {hard_flagged[cat]}/{hard_total} = {share:.3%}")
    for sub in sorted(sub_total):
        print(f"  recall {sub:35s} {sub_found[sub]}/{sub_total[sub]}")
    for e in errors[: args.limit]:
        print(e)
    return 0


def _flags(judgement) -> str:
    return str([(f.category, f.subtype) for f in judgement.flags])


if __name__ == "__main__":
    raise SystemExit(main())
