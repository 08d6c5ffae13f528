"""Dump the full judgement of every text in classifiers/data/{train,dev,test}.jsonl, for
checking that a speed change or a refactor leaves every judgement exactly as it was.

Each text is scored twice: with its own context from the file and with the default context.
Scores are rounded to 1e-6; flags keep category, subtype(s), severity, score, spans, reason,
protocol reference and suggestion. Not a benchmark (make bench runs only bench_*.py).

With --suites, every suite file is dumped too (the functional development suites
classifiers/data/functional/*.jsonl and the blind batches tests/classifiers/**/data/*.jsonl),
in the contexts the suites score it with: the full scorer (rules and model) and the rules alone
(`Scorer(model_path=None)`), each with the row's own context (the default when it has none).
With --findings, every line also lists the recognizers' findings before combination (stance
guards included, with the rule id in `source`), which shows a change that no flag shows yet.

    python bench/dump_judgements.py OUT.jsonl            # Scorer.score, one text at a time
    python bench/dump_judgements.py OUT.jsonl --pool 32  # through the server's worker code
                                                         # (micro-batches of 32, batched model)
    python bench/dump_judgements.py OUT.jsonl --suites --findings   # the refactoring guard
    cmp before.jsonl after.jsonl                         # must say nothing
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers.document import Context, Document  # noqa: E402
from classifiers.judgement import Judgement  # noqa: E402
from classifiers.pipeline import MAX_TEXT_CHARS, Scorer  # noqa: E402

SPLITS = ("train", "dev", "test")
_CTX_FIELDS = set(Context.__dataclass_fields__)


def _flat(j: Judgement) -> dict[str, object]:
    return {
        "scores": {c: round(v, 6) for c, v in sorted(j.scores.items())},
        "flags": [
            {"category": f.category, "subtype": f.subtype, "subtypes": list(f.subtypes),
             "severity": str(f.severity), "score": round(f.score, 6),
             "spans": [[s.start, s.end] for s in f.spans], "reason": f.reason,
             "reason_en": f.reason_en, "protocol_ref": f.protocol_ref,
             "suggestion": f.suggestion}
            for f in j.flags
        ],
        "language": j.language, "model": j.model, "truncated": j.truncated,
    }


def _findings(scorer: Scorer, text: str, ctx: Context | None) -> list[dict[str, object]]:
    """The findings before combination, in a canonical order (which rule runs first may
    change; what the order decides in the judgement is in the judgement)."""
    findings, _, _ = scorer.components(Document(text[:MAX_TEXT_CHARS], ctx))
    flat = [
        {"category": f.category, "subtype": f.subtype, "score": round(f.score, 6),
         "severity": str(f.severity), "spans": [[s.start, s.end] for s in f.spans],
         "reason": f.reason, "reason_en": f.reason_en, "protocol_ref": f.protocol_ref,
         "suggestion": f.suggestion, "source": f.source}
        for f in findings
    ]
    return sorted(flat, key=lambda f: json.dumps(f, ensure_ascii=False, sort_keys=True))


def _context(row: dict) -> Context:
    ctx = row.get("context") or {}
    return Context(**{k: v for k, v in ctx.items() if k in _CTX_FIELDS})


def _suite_files() -> list[Path]:
    """The functional development suites and the blind batches kept under tests/."""
    return sorted([*(ROOT / "classifiers" / "data" / "functional").glob("*.jsonl"),
                   *(ROOT / "tests" / "classifiers").glob("**/data/*.jsonl")])


def _suite_items() -> list[tuple[str, str, Context | None]]:
    items: list[tuple[str, str, Context | None]] = []
    for path in _suite_files():
        name = path.relative_to(ROOT).as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                row = json.loads(line)
                items.append((f"{name}:{n}:{row.get('id', '')}", row["text"], _context(row)))
    return items


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pool", type=int, default=0,
                    help="score through a scorer worker's score_mixed "
                    "(server.scoring_pool.WorkerState) in batches of N")
    ap.add_argument("--suites", action="store_true",
                    help="also every suite file (classifiers/data/functional/*.jsonl, "
                    "tests/classifiers/**/data/*.jsonl), full and rules only")
    ap.add_argument("--findings", action="store_true",
                    help="also the recognizers' findings (guards included) of every text")
    args = ap.parse_args()
    items: list[tuple[str, str, Context | None]] = []
    for split in SPLITS:
        path = ROOT / "classifiers" / "data" / f"{split}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            items.append((f"{split}:{row['id']}:own", row["text"], _context(row)))
            items.append((f"{split}:{row['id']}:default", row["text"], None))
    started = time.process_time()
    if args.pool:
        from server.scoring_pool import ScorerSpec, WorkerState

        state = WorkerState(ScorerSpec())
        judgements: list[Judgement] = []
        for i in range(0, len(items), args.pool):
            chunk = items[i : i + args.pool]
            judgements.extend(state.score_mixed([(t, c, None) for _, t, c in chunk]))
    else:
        scorer = Scorer()
        judgements = [scorer.score(t, c) for _, t, c in items]
    cpu = time.process_time() - started
    full = Scorer()
    rules = Scorer(model_path=None)
    lines = [(key, _flat(j), (full, t, c)) for (key, t, c), j in zip(items, judgements,
                                                                       strict=True)]
    if args.suites:
        for key, t, c in _suite_items():
            lines.append((f"{key}:full", _flat(full.score(t, c)), (full, t, c)))
            lines.append((f"{key}:rules", _flat(rules.score(t, c)), (rules, t, c)))
    with open(args.out, "w", encoding="utf-8") as fh:
        for key, flat, (scorer, t, c) in lines:
            if args.findings:
                flat["findings"] = _findings(scorer, t, c)
            fh.write(json.dumps({"key": key, **flat}, ensure_ascii=False, sort_keys=True)
                     + "\n")
    print(f"{len(lines)} judgements ({len(items)} of train/dev/test: {cpu:.1f} s CPU, "
          f"{cpu / len(items) * 1000:.3f} ms/text) -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
