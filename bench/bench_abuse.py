"""Speed of the abuse recognizers (normalisation + lexicon + rules) on 300-character texts
and on long texts. Prints ratios against references measured in the same run:

- per text: p50/p95 of the abuse part against a plain `lower().split()` + set look-up over
  the same texts (the cheapest keyword filter one could write), and against the 1.5 ms
  budget of the brief (printed, not asserted);
- linearity: time per character at 10k and 100k characters (ratio ~1 means linear).

    .venv/bin/python bench/bench_abuse.py
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from classifiers.abuse import abuse_recognizers
from classifiers.document import Document

DATA = Path(__file__).resolve().parent.parent / "classifiers" / "data" / "dev.jsonl"
FALLBACK = (
    "jij bent echt een k4nk3rl1jer 🤡 niemand wil jou in de klas. ",
    "Mijn oma heeft kanker, we lopen mee met KWF. ",
    "Moslims zijn geen dieven. Ik ken veel moslims. ",
    "die kankerprinter doet het weer niet, kut. ",
    "Morgen is er een studiedag, de school is dicht. ",
)


def texts(n: int, length: int = 300) -> list[str]:
    rng = random.Random(7)
    pool = [json.loads(line)["text"] + " " for line in DATA.read_text().splitlines()] \
        if DATA.exists() else list(FALLBACK)
    out = []
    for _ in range(n):
        s = ""
        while len(s) < length:
            s += rng.choice(pool)
        out.append(s[:length])
    return out


def cpu_ms(fn: Callable[[str], None], arg: str) -> float:
    start = time.process_time()
    fn(arg)
    return (time.process_time() - start) * 1000


def main() -> None:
    recognizers = abuse_recognizers()
    lexicon_words = set(recognizers[0].engine.lexicon.entries)

    def abuse(text: str) -> None:
        doc = Document(text)
        for r in recognizers:
            r.analyze(doc)

    def keyword(text: str) -> None:
        _ = [w for w in text.lower().split() if w in lexicon_words]

    sample = texts(400)
    for t in sample[:50]:  # warm the look-up memo like a running server
        abuse(t)
    ours = sorted(cpu_ms(abuse, t) for t in sample for _ in range(3))
    base = sorted(cpu_ms(keyword, t) for t in sample for _ in range(3))
    p50, p95 = statistics.median(ours), ours[int(len(ours) * 0.95)]
    b50 = max(statistics.median(base), 1e-3)
    print(f"abuse part, 300 chars: p50 {p50:.3f} ms  p95 {p95:.3f} ms (CPU time)")
    print(f"  ratio to keyword filter p50: {p50 / b50:.1f}x")
    print(f"  ratio of p95 to the 1.5 ms budget: {p95 / 1.5:.2f}")
    per_char = {}
    for n in (10_000, 100_000):
        big = "".join(texts(n // 300 + 1))[:n]
        start = time.process_time()
        abuse(big)
        per_char[n] = (time.process_time() - start) / n
        print(f"{n:>7} chars: {per_char[n] * n * 1000:.0f} ms")
    print(f"  linearity (time per char 100k / 10k): {per_char[100_000] / per_char[10_000]:.2f}")


if __name__ == "__main__":
    main()
