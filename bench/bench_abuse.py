"""Speed of the abuse recognizers (normalisation + lexicon + rules) on 300-character texts
and on long texts. Prints ratios against references measured in the same run:

- per text: p50/p95 of the abuse part against a plain `lower().split()` + set look-up over
  the same texts (the cheapest keyword filter one could write), and against the 1.5 ms
  budget of the brief (printed, not asserted);
- linearity: time per character at 10k and 100k characters (ratio ~1 means linear).

    .venv/bin/python bench/bench_abuse.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from sample_texts import print_linearity, sample_texts

from classifiers.abuse import abuse_recognizers
from classifiers.document import Document

FALLBACK = (
    "jij bent echt een k4nk3rl1jer 🤡 niemand wil jou in de klas. ",
    "Mijn oma heeft kanker, we lopen mee met KWF. ",
    "Moslims zijn geen dieven. Ik ken veel moslims. ",
    "die kankerprinter doet het weer niet, kut. ",
    "Morgen is er een studiedag, de school is dicht. ",
)


def texts(n: int, length: int = 300) -> list[str]:
    return sample_texts(n, FALLBACK, length=length, seed=7)


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
    print_linearity(abuse, texts, "")

if __name__ == "__main__":
    main()
