"""Benchmark: the embedded Denkna pipeline (rules + fastText-style model) against an
XLM-RoBERTa-base forward pass on the same 300-character texts, in the same run.

XLM-R is built from XLMRobertaConfig() (base sizes) with random weights: no download. Its
input is random token ids of a realistic length (96 tokens for 300 characters). Prints
texts/second for both, p50/p95 latency at batch 1, the throughput ratio and the peak RSS.
Targets: ratio >= 50x, pipeline p95 <= 5 ms, peak RSS <= 1.5 GB. Runs in well under 2 min.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATA = Path(__file__).resolve().parent.parent / "classifiers" / "data"
FILLER = [
    "Morgen is de sportdag en iedereen neemt zijn gymspullen mee naar school.",
    "Jij bent echt een sukkel en niemand wil met jou in het groepje zitten.",
    "Bel de moeder van Sanne even op 06-12345678 over de ouderavond van donderdag.",
    "Wat een mooie voorstelling van groep acht, dank aan alle ouders die hielpen!",
    "Die kankerprinter doet het alweer niet, ik word er gek van vandaag.",
]


def texts_300(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    pool: list[str] = []
    for name in ("test.jsonl", "dev.jsonl"):
        path = DATA / name
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                pool.extend(json.loads(line)["text"] for line in fh if line.strip())
    pool = pool or FILLER
    out = []
    for _ in range(n):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < 300:
            parts.append(rng.choice(pool))
        out.append(" ".join(parts)[:300])
    return out


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def bench_pipeline(
    texts: list[str], seconds: float
) -> tuple[list[float], list[float], int]:
    from classifiers.pipeline import Scorer

    scorer = Scorer()
    for t in texts[:20]:
        scorer.score(t)  # warm-up: lexicons, model load
    lat: list[float] = []
    cpu: list[float] = []
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline or i < 200:
        t0, c0 = time.perf_counter(), time.thread_time()
        scorer.score(texts[i % len(texts)])
        cpu.append(time.thread_time() - c0)
        lat.append(time.perf_counter() - t0)
        i += 1
    print(f"pipeline model: {scorer.model_name}")
    return lat, cpu, i


def bench_xlmr(n_tokens: int, seconds: float, max_runs: int) -> list[float]:
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForSequenceClassification

    torch.manual_seed(0)
    config = XLMRobertaConfig(num_labels=5)  # base sizes: 12 layers, hidden 768, 250k vocab
    model = XLMRobertaForSequenceClassification(config).eval()
    gen = torch.Generator().manual_seed(0)
    lat: list[float] = []
    with torch.inference_mode():
        ids = torch.randint(5, config.vocab_size, (1, n_tokens), generator=gen)
        model(input_ids=ids)  # warm-up
        deadline = time.perf_counter() + seconds
        while (time.perf_counter() < deadline or len(lat) < 5) and len(lat) < max_runs:
            ids = torch.randint(5, config.vocab_size, (1, n_tokens), generator=gen)
            t0 = time.perf_counter()
            model(input_ids=ids, attention_mask=torch.ones_like(ids))
            lat.append(time.perf_counter() - t0)
    return lat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="time per contender")
    parser.add_argument("--tokens", type=int, default=96, help="XLM-R tokens per text")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (both)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    texts = texts_300(500)
    started = time.perf_counter()
    pipe_lat, pipe_cpu, pipe_n = bench_pipeline(texts, args.seconds)
    rss_pipeline = peak_rss_mb()
    torch.set_num_threads(args.threads)
    xlmr_lat = bench_xlmr(args.tokens, args.seconds, max_runs=200)
    rss_total = peak_rss_mb()

    pipe_tps = len(pipe_lat) / sum(pipe_lat)
    xlmr_tps = len(xlmr_lat) / sum(xlmr_lat)
    ratio = pipe_tps / xlmr_tps
    p50, p95 = pct(pipe_lat, 50) * 1000, pct(pipe_lat, 95) * 1000
    print(f"texts: 300 chars, threads: {args.threads}, XLM-R tokens per text: {args.tokens}")
    print(f"pipeline : {pipe_tps:10.1f} texts/s  p50 {p50:7.3f} ms  p95 {p95:7.3f} ms  "
          f"(n={pipe_n})")
    print(f"xlm-r    : {xlmr_tps:10.1f} texts/s  p50 {pct(xlmr_lat, 50) * 1000:7.1f} ms  "
          f"p95 {pct(xlmr_lat, 95) * 1000:7.1f} ms  (n={len(xlmr_lat)})")
    print(f"pipeline CPU time per text (not counting waits for a shared CPU): "
          f"p50 {pct(pipe_cpu, 50) * 1000:.3f} ms  p95 {pct(pipe_cpu, 95) * 1000:.3f} ms")
    print(f"throughput ratio pipeline / xlm-r: {ratio:.1f}x (target >= 50x)")
    mean = statistics.fmean(pipe_lat) * 1000
    print(f"pipeline p95: {p95:.3f} ms (target <= 5 ms), mean {mean:.3f} ms")
    print(f"peak RSS after pipeline: {rss_pipeline:.0f} MB (target <= 1536 MB); "
          f"after XLM-R too: {rss_total:.0f} MB")
    print(f"bench wall time: {time.perf_counter() - started:.1f} s")
    ok = ratio >= 50 and p95 <= 5.0 and rss_pipeline <= 1536
    print("RESULT:", "targets met" if ok else "targets NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
