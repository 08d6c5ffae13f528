"""Dump the full judgement of every text in classifiers/data/{train,dev,test}.jsonl, for
checking that a speed change leaves every judgement exactly as it was.

Each text is scored twice: with its own context from the file and with the default context.
Scores are rounded to 1e-6; flags keep category, subtype(s), severity, score, spans, reason,
protocol reference and suggestion. Not a benchmark (make bench runs only bench_*.py).

    python bench/dump_judgements.py OUT.jsonl            # Scorer.score, one text at a time
    python bench/dump_judgements.py OUT.jsonl --pool 32  # through the server's worker code
                                                         # (micro-batches of 32, batched model)
    diff before.jsonl after.jsonl                        # must be empty
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers.document import Context  # noqa: E402
from classifiers.judgement import Judgement  # noqa: E402

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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pool", type=int, default=0,
                    help="score through server.scoring_pool.score_mixed in batches of N")
    args = ap.parse_args()
    items: list[tuple[str, str, Context | None]] = []
    for split in SPLITS:
        path = ROOT / "classifiers" / "data" / f"{split}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            ctx = row.get("context") or {}
            own = Context(**{k: v for k, v in ctx.items() if k in _CTX_FIELDS})
            items.append((f"{split}:{row['id']}:own", row["text"], own))
            items.append((f"{split}:{row['id']}:default", row["text"], None))
    started = time.process_time()
    if args.pool:
        from server import scoring_pool

        judgements: list[Judgement] = []
        for i in range(0, len(items), args.pool):
            chunk = items[i : i + args.pool]
            judgements.extend(scoring_pool.score_mixed([(t, c, None) for _, t, c in chunk]))
    else:
        from classifiers.pipeline import Scorer

        scorer = Scorer()
        judgements = [scorer.score(t, c) for _, t, c in items]
    cpu = time.process_time() - started
    with open(args.out, "w", encoding="utf-8") as fh:
        for (key, _, _), j in zip(items, judgements, strict=True):
            fh.write(json.dumps({"key": key, **_flat(j)}, ensure_ascii=False, sort_keys=True)
                     + "\n")
    print(f"{len(items)} judgements, {cpu:.1f} s CPU ({cpu / len(items) * 1000:.3f} ms/text)"
          f" -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
