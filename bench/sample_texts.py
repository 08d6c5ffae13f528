"""Shared by the part benchmarks: realistic texts of a fixed length, and a linearity check.

Not a benchmark itself (make bench runs only bench_*.py).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path

DEV = Path(__file__).resolve().parent.parent / "classifiers" / "data" / "dev.jsonl"


def sample_texts(n: int, fallback: Sequence[str], *, length: int = 300, seed: int = 7
                 ) -> list[str]:
    """n texts of `length` characters glued from the dev split (or `fallback` without it)."""
    rng = random.Random(seed)
    if DEV.exists():
        pool = [json.loads(line)["text"] + " " for line in DEV.read_text().splitlines()]
    else:
        pool = list(fallback)
    out = []
    for _ in range(n):
        s = ""
        while len(s) < length:
            s += rng.choice(pool)
        out.append(s[:length])
    return out


def print_linearity(run: Callable[[str], object], make: Callable[[int], list[str]],
                    label: str) -> None:
    """CPU time per character at 10k and 100k characters; a ratio near 1 means linear."""
    per_char = {}
    for n in (10_000, 100_000):
        big = "".join(make(n // 300 + 1))[:n]
        start = time.process_time()
        run(big)
        elapsed = time.process_time() - start
        per_char[n] = elapsed / n
        print(f"{n:>7} chars: {elapsed * 1000:.0f} ms{label}")
    print(f"  linearity (time per char 100k / 10k): {per_char[100_000] / per_char[10_000]:.2f}")
