"""Throughput and latency of POST /api/v1/check against a bare aiohttp endpoint, same machine.

Starts the real server (`denkna serve`, temp SQLite, seeded staff token) and a bare aiohttp
app returning a fixed JSON body, each in its own process; the load generator runs in this
process (aiohttp client on loopback, bounded by count and time).

Drafts: every request carries a different text — the dev split (classifiers/data/dev.jsonl,
~1,450 texts) in a fixed shuffled order — with a context and locale like the extension sends,
so that no cache keyed by text could flatter the numbers.

1. Closed loop (saturation): 1, 16 and 128 concurrent clients, each sending its next request
   as soon as its last answer arrives. Prints checks/s and p50/p99 for both endpoints, the
   ratio and errors. In a closed loop the mean latency is clients / throughput (Little's law),
   so at 128 clients the p99 measures queueing at saturation, for the bare endpoint too.
2. Paced (open loop), 128 extension users: each of 128 clients sends one check every
   PACE_SECONDS = 0.4 s, at fixed times from a random phase, whether or not its last answer
   has arrived. 0.4 s is the extension's debounce (extension/content/content.js,
   DEBOUNCE_MS = 400: a draft is checked after a 400 ms pause in typing), so one user can
   never ask more often than this: it is the worst case of 128 people typing at once, not a
   value chosen to make the number. The same offered load (128 / 0.4 = 320 req/s) goes to
   both endpoints in the same run; latency counts from the scheduled send time (no
   coordinated omission) and a request slower than the extension's 3 s timeout
   (background.js, CHECK_TIMEOUT_MS) counts as an error.

3. Where the CPU goes, at 16 clients: CPU milliseconds per request of the load generator
   (this process), the server's main process and each scorer process (psutil), for both
   endpoints, measured during the closed-loop run above. Their sum is what one request costs
   the machine; the ratio of the two sums is the throughput ratio the machine could reach if
   every core were busy all the time (the "ceiling"): if it is under the target, no
   scheduling, worker count or event-loop tuning can meet the target, only a cheaper check.
4. The same server with scoring that costs nothing (a Scorer with no recognizers and no
   model, in a thread: `denkna serve` code otherwise unchanged), at 16 clients: what the
   HTTP, auth, validation, rendering and counting around a check cost on their own, i.e. the
   best ratio any scorer could reach here.

5. Mixed (issue 14): the 128 paced typists on quick and, at the same time, 10 deep checks per
   second (the post button, the panel, official comments), for 20 s. A deep request answered
   quick counts as an error. The server runs its default pools: quick scorer processes and
   one deep scorer process (scoring.deep_workers), so deep never queues behind the typists.

Targets: /check >= 40% of the bare throughput at 16 clients (closed loop); p99 <= 50 ms at
128 clients (reported for both the closed loop and the paced run); no errors.
On a 2-core machine the load generator competes with the server: numbers are honest, not ideal.
The load average is printed before and after (other work on the machine skews wall clock).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FALLBACK_DRAFTS = [
    "Morgen is de ouderavond om 19:30 in de aula.",
    "Wat een mooie sportdag, dank aan alle ouders die hielpen!",
    "Jij bent echt een kankerlijer, ik maak je af",
    "Bel Sanne even op 0612345678 over de excursie.",
]
DEV = ROOT / "classifiers" / "data" / "dev.jsonl"
CONCURRENCY = (1, 16, 128)
REQUESTS_PER_LEVEL = {1: 300, 16: 4000, 128: 4000}
MAX_SECONDS_PER_LEVEL = 12.0
PACED_CLIENTS = 128
PACE_SECONDS = 0.4  # the extension's debounce: see the docstring
PACED_SECONDS = 8.0  # per endpoint: 128 * 8 / 0.4 = 2,560 requests
CHECK_TIMEOUT_SECONDS = 3.0  # the extension's timeout
DEEP_PER_SECOND = 10  # deep checks (post button, panel, official comments) beside the typists
MIXED_SECONDS = 20.0


def load_drafts() -> list[dict[str, object]]:
    """Request bodies like the extension's: distinct dev texts, their account type, a host."""
    rows = ([json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
            if DEV.exists() else [{"text": t} for t in FALLBACK_DRAFTS])
    random.Random(11).shuffle(rows)
    bodies: list[dict[str, object]] = []
    for row in rows:
        account = (row.get("context") or {}).get("account_type", "unknown")
        # typists: the extension asks quick while typing (deep is for the post button)
        bodies.append({"text": row["text"], "locale": "nl", "mode": "quick",
                       "context": {"platform": "instagram", "host": "www.instagram.com",
                                   "account_type": account}})
    return bodies


DRAFTS = load_drafts()

NO_SCORING = """
import sys
import server.scoring_pool as pool
from classifiers.pipeline import Scorer
# scoring that costs nothing (the scorer threads of workers = 0 build it)
pool.ScorerSpec.__call__ = lambda self: Scorer(recognizers=[], model_path=None)
from server.cli import main
sys.exit(main(["serve"]))
"""

BARE = """
import sys
from aiohttp import web
BODY = {"scores": {"bullying": 0.0, "discrimination": 0.0, "personal_data": 0.0,
        "profanity": 0.0, "protocol": 0.0}, "flags": [], "language": "nl", "model": "bare"}
async def check(request):
    await request.read()
    return web.json_response(BODY)
app = web.Application()
app.router.add_post("/api/v1/check", check)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class CpuMeter:
    """CPU seconds used by this process and by a server's process tree, between two reads."""

    def __init__(self, server_pid: int) -> None:
        root = psutil.Process(server_pid)
        self.procs = [root, *root.children(recursive=True)]
        self.names = ["server main"] + [
            "scorer" if "multiprocessing.spawn" in " ".join(p.cmdline()) else "helper"
            for p in self.procs[1:]]
        self.me = psutil.Process()

    def read(self) -> list[float]:
        out = []
        for p in (self.me, *self.procs):
            t = p.cpu_times()
            out.append(t.user + t.system)
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def seed(url: str) -> str:
    from server import admin_ops
    from server.storage.db import Database

    db = Database(url)
    await db.migrate()
    async with db.session() as s:
        school = await admin_ops.create_school(s, "Bench", "bench")
        user = await admin_ops.create_user(s, name="Bench", role="staff", school_id=school.id)
        _, token = await admin_ops.create_token(s, user.id)
    await db.dispose()
    return token


async def wait_up(base: str, proc: subprocess.Popen[bytes], path: str, method: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            if proc.poll() is not None:
                raise SystemExit(f"server on {base} exited during start-up")
            try:
                async with session.request(method, base + path,
                                           json={"text": "hoi"}) as resp:
                    if resp.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"server on {base} did not start")


_draft_counter = 0


def _next_draft() -> int:
    """Index of the next draft: one sequence over the whole run, so texts rarely repeat."""
    global _draft_counter
    _draft_counter += 1
    return _draft_counter % len(DRAFTS)


def _summary(latencies: list[float], elapsed: float, errors: int) -> dict[str, Any]:
    latencies.sort()
    if not latencies:
        return {"n": 0, "rps": 0.0, "p50": 0.0, "p99": 0.0, "errors": errors}
    return {
        "n": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "errors": errors,
    }


async def paced(url: str, token: str, clients: int, pace: float, seconds: float,
                mode: str = "quick") -> dict[str, Any]:
    """Open loop: each client sends at phase + k * pace, without waiting for its answers.
    An answer in another mode than asked (deep answered quick) counts as an error."""
    latencies: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=CHECK_TIMEOUT_SECONDS)
    rng = random.Random(5)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one(scheduled: float) -> None:
            nonlocal errors
            try:
                body = {**DRAFTS[_next_draft()], "mode": mode}
                async with session.post(url, json=body, headers=headers) as resp:
                    raw = await resp.read()
                    if resp.status != 200:
                        errors += 1
                        return
                    if mode == "deep" and json.loads(raw).get("mode") != "deep":
                        errors += 1
                        return
            except (TimeoutError, aiohttp.ClientError):
                errors += 1
                return
            latencies.append(time.perf_counter() - scheduled)

        async def client(phase: float, start: float) -> None:
            tasks = []
            k = 0
            while True:
                at = start + phase + k * pace
                if at - start >= seconds:
                    break
                delay = at - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(at)))
                k += 1
            await asyncio.gather(*tasks)

        async with session.post(url, json={"text": "hoi"}, headers=headers) as resp:
            await resp.read()
        start = time.perf_counter() + 0.05
        await asyncio.gather(*(client(rng.uniform(0, pace), start) for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return _summary(latencies, elapsed, errors)


async def deep_ready(url: str, token: str, seconds: float = 240.0) -> None:
    """Wait until the server's deep pool answers deep (it loads in the background)."""
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession() as session:
        while time.perf_counter() < deadline:
            async with session.post(url, json={"text": "hoi", "mode": "deep"},
                                    headers=headers) as resp:
                if resp.status == 200 and (await resp.json()).get("mode") == "deep":
                    return
            await asyncio.sleep(1.0)
    raise SystemExit("the deep pool did not get ready: is the encoder artefact there?")


async def load(url: str, token: str, clients: int, total: int,
               meter: CpuMeter | None = None) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.perf_counter() + MAX_SECONDS_PER_LEVEL
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(i: int) -> None:
            nonlocal errors, sent
            while sent < total and time.perf_counter() < deadline:
                sent += 1
                body = DRAFTS[_next_draft()]
                t0 = time.perf_counter()
                try:
                    async with session.post(url, json=body, headers=headers) as resp:
                        await resp.read()
                        if resp.status != 200:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append(time.perf_counter() - t0)

        # warm-up (not measured)
        async with session.post(url, json={"text": "hoi"}, headers=headers) as resp:
            await resp.read()
        cpu0 = meter.read() if meter else []
        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.perf_counter() - started
        cpu1 = meter.read() if meter else []
    summary = _summary(latencies, elapsed, errors)
    if meter and latencies:
        n = len(latencies)
        summary["cpu_ms"] = [(b - a) * 1000 / n for a, b in zip(cpu0, cpu1, strict=True)]
    return summary


async def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="denkna-bench-"))
    db_url = f"sqlite+aiosqlite:///{tmp / 'denkna.sqlite3'}"
    token = await seed(db_url)
    port, bare_port = free_port(), free_port()
    env = {**os.environ, "DENKNA_DATABASE_URL": db_url, "DENKNA_SERVER_PORT": str(port),
           "DENKNA_SERVER_VAR_DIR": str(tmp / "var"), "DENKNA_SERVER_LOG_LEVEL": "WARNING",
           "DENKNA_RATE_LIMIT_PER_SECOND": "1000000", "DENKNA_RATE_LIMIT_BURST": "1000000",
           "DENKNA_SCORING_WORKERS": os.environ.get("BENCH_WORKERS", "1")}
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    free_url = f"sqlite+aiosqlite:///{tmp / 'free.sqlite3'}"
    free_token = await seed(free_url)
    free_port_ = free_port()
    free_env = {**env, "DENKNA_DATABASE_URL": free_url, "DENKNA_SERVER_PORT": str(free_port_),
                "DENKNA_SERVER_VAR_DIR": str(tmp / "var-free"), "DENKNA_SCORING_WORKERS": "0",
                "DENKNA_SCORING_DEEP": "false"}
    no_scoring = subprocess.Popen([sys.executable, "-c", NO_SCORING], env=free_env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bare = subprocess.Popen([sys.executable, "-c", BARE, str(bare_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await wait_up(f"http://127.0.0.1:{bare_port}", bare, "/api/v1/check", "POST")
        await wait_up(f"http://127.0.0.1:{port}", server, "/api/v1/health", "GET")
        await wait_up(f"http://127.0.0.1:{free_port_}", no_scoring, "/api/v1/health", "GET")
        meters = {"bare": CpuMeter(bare.pid), "check": CpuMeter(server.pid)}
        print(f"cores: {os.cpu_count()}  scorer workers: {env['DENKNA_SCORING_WORKERS']}  "
              f"distinct drafts: {len(DRAFTS)}  load average: {_load()}")
        print("closed loop (each client sends its next request when its answer arrives):")
        print(f"{'clients':>7} {'endpoint':>8} {'n':>6} {'req/s':>8} {'p50 ms':>8} "
              f"{'p99 ms':>8} {'errors':>6}")
        results: dict[tuple[int, str], dict[str, Any]] = {}
        for clients in CONCURRENCY:
            total = REQUESTS_PER_LEVEL[clients]
            for name, url in (("bare", f"http://127.0.0.1:{bare_port}/api/v1/check"),
                              ("check", f"http://127.0.0.1:{port}/api/v1/check")):
                r = await load(url, token, clients, total,
                               meters[name] if clients == 16 else None)
                results[(clients, name)] = r
                print(f"{clients:>7} {name:>8} {r['n']:>6.0f} {r['rps']:>8.1f} {r['p50']:>8.2f} "
                      f"{r['p99']:>8.2f} {r['errors']:>6.0f}")
            ratio = results[(clients, "check")]["rps"] / results[(clients, "bare")]["rps"]
            print(f"{clients:>7} ratio check/bare throughput: {ratio:.2f}")
        print(f"paced (open loop): {PACED_CLIENTS} clients, one request each every "
              f"{PACE_SECONDS * 1000:.0f} ms (extension debounce), {PACED_SECONDS:.0f} s, "
              f"offered {PACED_CLIENTS / PACE_SECONDS:.0f} req/s:")
        print(f"{'clients':>7} {'endpoint':>8} {'n':>6} {'req/s':>8} {'p50 ms':>8} "
              f"{'p99 ms':>8} {'errors':>6}")
        paced_results: dict[str, dict[str, Any]] = {}
        for name, url in (("bare", f"http://127.0.0.1:{bare_port}/api/v1/check"),
                          ("check", f"http://127.0.0.1:{port}/api/v1/check")):
            r = await paced(url, token, PACED_CLIENTS, PACE_SECONDS, PACED_SECONDS)
            paced_results[name] = r
            print(f"{PACED_CLIENTS:>7} {name:>8} {r['n']:>6.0f} {r['rps']:>8.1f} {r['p50']:>8.2f} "
                  f"{r['p99']:>8.2f} {r['errors']:>6.0f}")
        check_url = f"http://127.0.0.1:{port}/api/v1/check"
        await deep_ready(check_url, token)
        print(f"mixed (open loop, {MIXED_SECONDS:.0f} s): {PACED_CLIENTS} typists on quick, "
              f"one each every {PACE_SECONDS * 1000:.0f} ms, and {DEEP_PER_SECOND} deep checks "
              f"per second at the same time:")
        quick_mixed, deep_mixed = await asyncio.gather(
            paced(check_url, token, PACED_CLIENTS, PACE_SECONDS, MIXED_SECONDS, "quick"),
            paced(check_url, token, DEEP_PER_SECOND, 1.0, MIXED_SECONDS, "deep"))
        for name, r in (("quick", quick_mixed), ("deep", deep_mixed)):
            print(f"{name:>7} {r['n']:>6.0f} {r['rps']:>8.1f} req/s  p50 {r['p50']:>8.2f} ms  "
                  f"p99 {r['p99']:>8.2f} ms  errors {r['errors']:>4.0f}")
        print(f"target mixed: quick p99 <= 50 ms: {quick_mixed['p99']:.1f} ms "
              f"{'OK' if quick_mixed['p99'] <= 50 else 'MISSED'}; deep p99 <= 300 ms: "
              f"{deep_mixed['p99']:.1f} ms {'OK' if deep_mixed['p99'] <= 300 else 'MISSED'}; "
              f"errors {quick_mixed['errors'] + deep_mixed['errors']:.0f}")
        print("CPU per request at 16 clients, ms (load generator + server processes):")
        totals: dict[str, float] = {}
        for name in ("bare", "check"):
            cpu = results[(16, name)].get("cpu_ms", [])
            parts = ["load generator", *meters[name].names]
            totals[name] = sum(cpu)
            detail = ", ".join(f"{n} {v:.3f}" for n, v in zip(parts, cpu, strict=True)
                               if n != "helper")
            print(f"{name:>15}: {detail}; total {totals[name]:.3f}")
        if totals.get("check"):
            print(f"ceiling ratio with every core busy (bare total / check total): "
                  f"{totals['bare'] / totals['check']:.2f}; the 0.40 target needs a check to "
                  f"cost at most {totals['bare'] / 0.40:.3f} ms in all")
        free = await load(f"http://127.0.0.1:{free_port_}/api/v1/check", free_token, 16,
                          REQUESTS_PER_LEVEL[16], CpuMeter(no_scoring.pid))
        free_cpu = sum(free.get("cpu_ms", []))
        print(f"check with scoring that costs nothing, 16 clients: {free['rps']:.1f} req/s, "
              f"p99 {free['p99']:.2f} ms, ratio to bare "
              f"{free['rps'] / results[(16, 'bare')]['rps']:.2f}, CPU per request {free_cpu:.3f} "
              f"ms in all, errors {free['errors']:.0f}")
        ratio16 = results[(16, "check")]["rps"] / results[(16, "bare")]["rps"]
        p99_128 = results[(128, "check")]["p99"]
        p99_paced = paced_results["check"]["p99"]
        errors = sum(r["errors"] for r in (*results.values(), *paced_results.values()))
        print(f"target throughput ratio >= 0.40 at 16 clients: {ratio16:.2f} "
              f"{'OK' if ratio16 >= 0.40 else 'MISSED'}")
        print(f"target p99 <= 50 ms at 128 clients, closed loop (saturation): {p99_128:.1f} ms "
              f"{'OK' if p99_128 <= 50 else 'MISSED'} (bare: "
              f"{results[(128, 'bare')]['p99']:.1f} ms); Little's law puts the mean at 128 / "
              f"{results[(128, 'check')]['rps']:.0f} req/s = "
              f"{128_000 / max(results[(128, 'check')]['rps'], 1e-9):.1f} ms")
        print(f"target p99 <= 50 ms at 128 clients, paced like the extension: {p99_paced:.1f} ms "
              f"{'OK' if p99_paced <= 50 else 'MISSED'} (bare: "
              f"{paced_results['bare']['p99']:.1f} ms)")
        print(f"errors: {errors:.0f} {'OK' if errors == 0 else 'MISSED'}")
        print(f"load average at the end: {_load()}")
        return 0
    finally:
        for proc in (server, bare, no_scoring):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
