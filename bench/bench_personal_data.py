"""Speed of the personal-data and staff-protocol recognizers on 300-character texts and on
long texts. Prints ratios against references measured in the same run:

- per text: p50/p95 (best of 3 runs per text, CPU time) of each part, and their ratio to
  deduce's own `Deduce().deidentify()` on the same texts -- the reason we use deduce's
  lookup lists with our own matching instead of its pipeline (skip with --no-deduce:
  constructing Deduce takes ~10 s, and minutes on a fresh install while it builds its cache);
- the ratio of the combined p95 to the 2 ms budget of the brief (printed, not asserted);
- linearity: time per character at 10k and 100k characters (ratio ~1 means linear).

    .venv/bin/python bench/bench_personal_data.py [--no-deduce]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from sample_texts import print_linearity, sample_texts

from classifiers.document import Context, Document
from classifiers.personal_data import PersonalDataRecognizer
from classifiers.staff_protocol import StaffProtocolRecognizer

FALLBACK = (
    "Bel Sanne uit 2B op 06-12345678, ze heeft ADHD. ",
    "Op de foto: Emma en Liam uit groep 5. ",
    "Ik vind het nieuwe beleid van onze school belachelijk. ",
    "Maak het over op NL91ABNA0417164300 o.v.v. schoolreis. ",
    "Morgen is er een studiedag, de school is dicht. ",
)
CONTEXT = Context(account_type="private", author_role="staff", reply_to="Wat een ZOOTJE!!")


def texts(n: int, length: int = 300) -> list[str]:
    return sample_texts(n, FALLBACK, length=length, seed=11)


def best_cpu_ms(fn: Callable[[str], object], arg: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        fn(arg)
        best = min(best, time.process_time() - start)
    return best * 1000


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95)]


def main() -> None:
    personal = PersonalDataRecognizer()
    protocol = StaffProtocolRecognizer()
    sample = texts(300)
    parts: dict[str, Callable[[str], object]] = {
        "personal_data": lambda t: personal.analyze(Document(t, CONTEXT)),
        "staff_protocol": lambda t: protocol.analyze(Document(t, CONTEXT)),
    }
    for fn in parts.values():
        for t in sample[:30]:
            fn(t)
    results = {
        name: percentiles([best_cpu_ms(fn, t) for t in sample]) for name, fn in parts.items()
    }
    for name, (p50, p95) in results.items():
        print(f"{name}, 300 chars: p50 {p50:.3f} ms  p95 {p95:.3f} ms (CPU time, best of 3)")
    combined = sum(p95 for _, p95 in results.values())
    print(f"  ratio of the combined p95 to the 2 ms budget: {combined / 2.0:.2f}")

    if "--no-deduce" not in sys.argv:
        from deduce import Deduce

        start = time.perf_counter()
        deduce = Deduce()
        print(f"deduce: Deduce() construction {time.perf_counter() - start:.1f} s")
        d50, d95 = percentiles([best_cpu_ms(deduce.deidentify, t, runs=1) for t in sample[:100]])
        p50, p95 = results["personal_data"]
        print(f"deduce.deidentify, 300 chars: p50 {d50:.3f} ms  p95 {d95:.3f} ms")
        print(
            f"  ratio personal_data / deduce.deidentify: p50 {p50 / d50:.2f}  p95 {p95 / d95:.2f}"
        )

    def both_parts(text: str) -> None:
        for fn in parts.values():
            fn(text)

    print_linearity(both_parts, texts, " for both parts")

if __name__ == "__main__":
    main()
