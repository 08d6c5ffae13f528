"""Monitoring throughput: ingest-and-score of a 10,000-comment backlog from a fake Facebook page,
and the CPU cost of an idle poll. Ratios are against references measured in the same run:
  - ingest vs. bare scoring (the same texts through the Scorer, no HTTP, no database);
  - an idle poll vs. one bare HTTP round trip to the same fake.
Run: .venv/bin/python bench/bench_monitoring.py [--comments 10000]  (< 2 minutes)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers.document import Context
from classifiers.pipeline import Scorer
from denkna_demo.fakes import FakePlatformServer, FakeWorld
from schedules.poll_account import Outcome, poll_account
from server import admin_ops, keys
from server.app import create_app
from server.config import MonitoringSettings, Settings
from server.platforms.credentials import store_token

TEXTS = [
    "Wat een leuke foto's van de sportdag, dank aan alle juffen en meesters!",
    "Waarom krijgen we de rapporten pas zo laat? Dat is niet handig.",
    "Die directeur snapt er echt helemaal niks van, belachelijk beleid.",
    "Mijn zoon Daan uit groep 7 wordt al weken gepest, niemand doet iets.",
    "Kankerschool, ik haal mijn kind eraf.",
    "Bel me even op 06-12345678 als je vragen hebt over de ouderavond.",
    "Top georganiseerd, complimenten aan de ouderraad.",
    "Jullie zijn allemaal kut, echt waar.",
]


async def main(n_comments: int, idle_polls: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="denkna-bench-"))
    settings = Settings.model_validate({
        "database": {"url": f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}"},
        "server": {"secret_key": secrets.token_urlsafe(32), "var_dir": str(tmp)},
        "scoring": {"workers": 0}})
    app = create_app(settings)
    app[keys.MONITOR].settings = MonitoringSettings(enabled=False, max_rounds_per_poll=1000)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    logging.getLogger().setLevel(logging.WARNING)  # migrations may have turned on DEBUG
    world = FakeWorld()
    fake = world.add_account("facebook")
    posts = [world.add_post(fake.id, f"Bericht {i}") for i in range(20)]
    for i in range(n_comments):
        world.add_comment(posts[i % len(posts)].id, TEXTS[i % len(TEXTS)] + f" ({i})",
                          author_id=f"u{i % 300}")
    server = await FakePlatformServer(world, "facebook").start()
    try:
        async with app[keys.DB].session() as s:
            school = await admin_ops.create_school(s, "Bench", "bench")
            account = await admin_ops.create_account(
                s, school_id=school.id, platform="facebook", external_id=fake.id, name="Bench",
                settings={"api": {"base_url": server.url, "page_size": 100}})
            await store_token(s, app[keys.SECRET_KEY], account.id, fake.token)

        # reference 1: bare scoring of the same texts
        scorer = Scorer()
        sample = [TEXTS[i % len(TEXTS)] + f" ({i})" for i in range(min(n_comments, 2000))]
        ctx = Context(account_type="official", platform="facebook", author_role="unknown")
        t0 = time.perf_counter()
        for text in sample:
            scorer.score(text, ctx)
        score_rate = len(sample) / (time.perf_counter() - t0)

        # the backlog: poll until everything is stored
        t0 = time.perf_counter()
        result = await poll_account(app, account.id)
        elapsed = time.perf_counter() - t0
        assert result.outcome == Outcome.OK, result
        assert result.stored == n_comments, (result.stored, n_comments)
        ingest_rate = n_comments / elapsed

        # reference 2: one bare HTTP round trip to the fake (CPU, client and fake together)
        async with aiohttp.ClientSession() as http:
            url = f"{server.url}/v24.0/{fake.id}/posts"
            headers = {"Authorization": f"Bearer {fake.token}"}
            c0 = time.process_time()
            for _ in range(idle_polls):
                async with http.get(url, headers=headers) as resp:
                    await resp.read()
            rtt_cpu = (time.process_time() - c0) / idle_polls

        # idle polls: nothing new (the posts list; every 10th poll reads each post again)
        c0, w0 = time.process_time(), time.perf_counter()
        requests_before = world.requests[fake.id]
        for _ in range(idle_polls):
            r = await poll_account(app, account.id)
            assert r.outcome == Outcome.OK and r.stored == 0
        idle_cpu = (time.process_time() - c0) / idle_polls
        idle_wall = (time.perf_counter() - w0) / idle_polls
        requests_per_idle = (world.requests[fake.id] - requests_before) / idle_polls

        print(f"backlog: {n_comments} comments stored in {elapsed:.1f} s "
              f"= {ingest_rate:.0f} comments/s (fetch + score + store)")
        print(f"reference: bare scoring {score_rate:.0f} comments/s; "
              f"ingest/score ratio {ingest_rate / score_rate:.2f}")
        print(f"idle poll: {idle_cpu * 1000:.1f} ms CPU, {idle_wall * 1000:.1f} ms wall, "
              f"{requests_per_idle:.1f} requests (CPU includes the in-process fake server)")
        print(f"reference: one bare HTTP round trip {rtt_cpu * 1000:.2f} ms CPU; "
              f"idle poll = {idle_cpu / rtt_cpu:.1f} round trips "
              f"({idle_cpu / rtt_cpu / requests_per_idle:.2f} per request made)")
    finally:
        await server.stop()
        await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--idle-polls", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.comments, args.idle_polls))
