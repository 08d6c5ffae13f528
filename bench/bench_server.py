"""Throughput and latency of POST /api/v1/check against a bare aiohttp endpoint, same machine.

Starts the real server (`denkna serve`, temp SQLite, seeded staff token) and a bare aiohttp
app returning a fixed JSON body, each in its own process; the load generator runs in this
process (aiohttp client on loopback, bounded by count and time). Prints checks/s and p50/p99
at 1, 16 and 128 concurrent clients for both, the ratio, and errors.

Targets: /check >= 40% of the bare throughput at 16 clients; p99 <= 50 ms at 128; no errors.
On a 2-core machine the load generator competes with the server: numbers are honest, not ideal.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DRAFTS = [
    "Morgen is de ouderavond om 19:30 in de aula.",
    "Wat een mooie sportdag, dank aan alle ouders die hielpen!",
    "Jij bent echt een kankerlijer, ik maak je af",
    "Bel Sanne even op 0612345678 over de excursie.",
]
CONCURRENCY = (1, 16, 128)
REQUESTS_PER_LEVEL = {1: 150, 16: 600, 128: 1200}
MAX_SECONDS_PER_LEVEL = 12.0

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


async def load(url: str, token: str, clients: int, total: int) -> dict[str, float]:
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
                text = DRAFTS[(sent + i) % len(DRAFTS)]
                t0 = time.perf_counter()
                try:
                    async with session.post(url, json={"text": text}, headers=headers) as resp:
                        await resp.read()
                        if resp.status != 200:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append(time.perf_counter() - t0)

        # warm-up (not measured)
        async with session.post(url, json={"text": "hoi"}, headers=headers) as resp:
            await resp.read()
        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "n": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "errors": errors,
    }


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
    bare = subprocess.Popen([sys.executable, "-c", BARE, str(bare_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await wait_up(f"http://127.0.0.1:{bare_port}", bare, "/api/v1/check", "POST")
        await wait_up(f"http://127.0.0.1:{port}", server, "/api/v1/health", "GET")
        print(f"cores: {os.cpu_count()}  scorer workers: {env['DENKNA_SCORING_WORKERS']}")
        print(f"{'clients':>7} {'endpoint':>8} {'n':>6} {'req/s':>8} {'p50 ms':>8} "
              f"{'p99 ms':>8} {'errors':>6}")
        results: dict[tuple[int, str], dict[str, float]] = {}
        for clients in CONCURRENCY:
            total = REQUESTS_PER_LEVEL[clients]
            for name, url in (("bare", f"http://127.0.0.1:{bare_port}/api/v1/check"),
                              ("check", f"http://127.0.0.1:{port}/api/v1/check")):
                r = await load(url, token, clients, total)
                results[(clients, name)] = r
                print(f"{clients:>7} {name:>8} {r['n']:>6.0f} {r['rps']:>8.1f} {r['p50']:>8.2f} "
                      f"{r['p99']:>8.2f} {r['errors']:>6.0f}")
            ratio = results[(clients, "check")]["rps"] / results[(clients, "bare")]["rps"]
            print(f"{clients:>7} ratio check/bare throughput: {ratio:.2f}")
        ratio16 = results[(16, "check")]["rps"] / results[(16, "bare")]["rps"]
        p99_128 = results[(128, "check")]["p99"]
        errors = sum(r["errors"] for r in results.values())
        print(f"target throughput ratio >= 0.40 at 16 clients: {ratio16:.2f} "
              f"{'OK' if ratio16 >= 0.40 else 'MISSED'}")
        print(f"target p99 <= 50 ms at 128 clients: {p99_128:.1f} ms "
              f"{'OK' if p99_128 <= 50 else 'MISSED'}")
        print(f"errors: {errors:.0f} {'OK' if errors == 0 else 'MISSED'}")
        return 0
    finally:
        for proc in (server, bare):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
