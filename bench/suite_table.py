"""Quick against deep on every labelled suite, one table (the README's "De beoordeling").

    .venv/bin/python bench/suite_table.py [--markdown] [--suite PATH ...]

Per suite: the number of texts and, per mode, bullying accuracy, discrimination accuracy
(flag or no flag decided right, on the texts that label the category) and the share of clean
texts (labels []) that got a bullying or discrimination flag. For the school-life suites every
text is clean and the share counts any flag.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "classifiers" / "data"
TESTS = ROOT / "tests" / "classifiers"


def default_suites() -> list[Path]:
    import yaml

    natural = yaml.safe_load((DATA / "natural" / "splits.yaml").read_text(encoding="utf-8"))
    out = [DATA / "natural" / f"{b}.jsonl" for b in natural.get("test", [])]
    out += sorted((TESTS / "encoder" / "data").glob("blind_*.jsonl"))
    out += [TESTS / "abuse" / "data" / "heldout_bullying.jsonl",
            TESTS / "abuse" / "data" / "heldout_school_life.jsonl"]
    out += sorted((DATA / "functional").glob("*.jsonl"))
    return [p for p in out if p.exists()]


def suite_labels(path: Path, row: dict) -> set[str] | None:
    """The categories a suite labels: natural and blind batches label both; a functional
    suite labels its own category only."""
    stem = path.stem
    if stem.startswith("bullying") or stem == "heldout_bullying":
        return {"bullying"}
    if stem.startswith("discrimination"):
        return {"discrimination"}
    return {"bullying", "discrimination"}


def measure(path: Path, scorer) -> dict[str, float]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    judgements = scorer.score_many([r["text"] for r in rows])
    school_life = "school_life" in path.stem
    out: dict[str, float] = {"n": len(rows)}
    for cat in ("bullying", "discrimination"):
        pairs = [((cat in {f.category for f in j.flags}), cat in r["labels"])
                 for r, j in zip(rows, judgements, strict=True) if cat in suite_labels(path, r)]
        if pairs and not school_life:
            out[cat] = sum(a == b for a, b in pairs) / len(pairs)
    clean = [j for r, j in zip(rows, judgements, strict=True) if not r["labels"]]
    if clean:
        if school_life:
            out["clean_flagged"] = sum(bool(j.flags) for j in clean) / len(clean)
        else:
            out["clean_flagged"] = sum(
                bool({"bullying", "discrimination"} & {f.category for f in j.flags})
                for j in clean) / len(clean)
    return out


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def main() -> int:
    from classifiers.pipeline import Scorer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, action="append", help="a suite file (repeatable)")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--encoder", type=Path, help="another encoder artefact")
    args = parser.parse_args()
    extra = {"encoder_path": args.encoder} if args.encoder else {}
    quick, deep = Scorer(mode="quick"), Scorer(mode="deep", **extra)
    if deep.mode != "deep":
        print("deep mode unavailable: see the warning above", file=sys.stderr)
        return 1
    suites = [p.resolve() for p in args.suite] if args.suite else default_suites()
    head = ["suite", "n", "pesten snel", "pesten diep", "discr. snel", "discr. diep",
            "schoon gemarkeerd snel", "schoon gemarkeerd diep"]
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
    else:
        print("  ".join(head))
    for path in suites:
        q, d = measure(path, quick), measure(path, deep)
        cells = [path.relative_to(ROOT).as_posix(), str(int(q["n"]))]
        for key in ("bullying", "discrimination", "clean_flagged"):
            cells += [fmt(q.get(key)), fmt(d.get(key))]
        print(("| " + " | ".join(cells) + " |") if args.markdown else "  ".join(cells),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
