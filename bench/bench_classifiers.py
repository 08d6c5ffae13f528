"""Benchmark: Denkna's quick check (rules + fastText-style model) and deep check (plus the
fine-tuned e5 encoder) against an XLM-RoBERTa-base forward pass on the same 300-character
texts, in the same run, one thread, batch 1.

XLM-R is built from XLMRobertaConfig() (base sizes) with random weights: no download. Its
input is random token ids of a realistic length (96 tokens for 300 characters). The three run
round robin (40 quick, 4 deep, 1 XLM-R per round), so load on the shared machine hits all
alike. Prints texts/second, p50/p95 latency, the ratios and the peak RSS.
Targets: quick >= 80x and p95 <= 5 ms; deep >= 4x and p95 <= 100 ms; peak RSS <= 1.5 GB with
quick and deep loaded. One thread per check: on more cores, more scorer processes run side
by side (throughput scales with cores; the latency of one check does not).
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


def timed(fn, arg) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), time.thread_time()
    fn(arg)
    return time.perf_counter() - t0, time.thread_time() - c0


def xlmr_model():
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForSequenceClassification

    torch.manual_seed(0)
    config = XLMRobertaConfig(num_labels=5)  # base sizes: 12 layers, hidden 768, 250k vocab
    return XLMRobertaForSequenceClassification(config).eval(), config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="total time of the rounds")
    parser.add_argument("--tokens", type=int, default=96, help="XLM-R tokens per text")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (all)")
    parser.add_argument("--encoder", type=Path, help="another encoder artefact for deep")
    args = parser.parse_args()

    import torch

    from classifiers.pipeline import Scorer

    torch.set_num_threads(args.threads)
    texts = texts_300(500)
    started = time.perf_counter()
    quick = Scorer(mode="quick")
    deep = Scorer(mode="deep", **({"encoder_path": args.encoder} if args.encoder else {}))
    for t in texts[:20]:  # warm-up: lexicons, models
        quick.score(t)
        deep.score(t)
    if deep.mode != "deep":
        print("deep mode unavailable (see the log): no encoder artefact")
        return 1
    rss_denkna = peak_rss_mb()
    model, config = xlmr_model()
    gen = torch.Generator().manual_seed(0)

    def xlmr(_: object) -> None:
        ids = torch.randint(5, config.vocab_size, (1, args.tokens), generator=gen)
        with torch.inference_mode():
            model(input_ids=ids, attention_mask=torch.ones_like(ids))

    xlmr(None)
    rss_total = peak_rss_mb()
    # round robin: a slice of each contender per round, so that a busy moment of the shared
    # machine hits all three alike
    lat: dict[str, list[float]] = {"quick": [], "deep": [], "xlmr": []}
    cpu: dict[str, list[float]] = {"quick": [], "deep": [], "xlmr": []}
    i = 0
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline or len(lat["xlmr"]) < 10:
        for _ in range(40):
            w, c = timed(quick.score, texts[i % len(texts)])
            lat["quick"].append(w)
            cpu["quick"].append(c)
            i += 1
        for _ in range(4):
            w, c = timed(deep.score, texts[i % len(texts)])
            lat["deep"].append(w)
            cpu["deep"].append(c)
            i += 1
        w, c = timed(xlmr, None)
        lat["xlmr"].append(w)
        cpu["xlmr"].append(c)
    tps = {k: len(v) / sum(v) for k, v in lat.items()}
    print(f"quick: {quick.model_name}")
    print(f"deep : {deep.model_name}")
    print(f"texts: 300 chars, threads: {args.threads}, XLM-R tokens per text: {args.tokens}")
    for k in ("quick", "deep", "xlmr"):
        print(f"{k:6}: {tps[k]:9.1f} texts/s  p50 {pct(lat[k], 50) * 1000:8.2f} ms  "
              f"p95 {pct(lat[k], 95) * 1000:8.2f} ms  CPU p50 {pct(cpu[k], 50) * 1000:8.2f} ms"
              f"  (n={len(lat[k])})")
    q_ratio, d_ratio = tps["quick"] / tps["xlmr"], tps["deep"] / tps["xlmr"]
    q95, d95 = pct(lat["quick"], 95) * 1000, pct(lat["deep"], 95) * 1000
    print(f"quick / xlm-r: {q_ratio:.1f}x (target >= 80x); quick p95 {q95:.2f} ms (<= 5 ms)")
    print(f"deep  / xlm-r: {d_ratio:.1f}x (target >= 4x); deep p95 {d95:.1f} ms (<= 100 ms)")
    print(f"peak RSS with quick and deep loaded: {rss_denkna:.0f} MB (target <= 1536 MB); "
          f"with XLM-R too: {rss_total:.0f} MB")
    print(f"bench wall time: {time.perf_counter() - started:.1f} s; "
          f"mean quick {statistics.fmean(lat['quick']) * 1000:.2f} ms")
    ok = q_ratio >= 80 and q95 <= 5.0 and d_ratio >= 4 and d95 <= 100 and rss_denkna <= 1536
    print("RESULT:", "targets met" if ok else "targets NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
