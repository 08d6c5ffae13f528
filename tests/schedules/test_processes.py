"""Real processes: a worker SIGKILLed mid-poll and restarted stores every comment exactly once;
two workers on one PostgreSQL never poll the same account at once and store no duplicates."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import pytest

from denkna_demo.fakes import FakePlatformServer, FakeWorld
from server.storage.db import Database
from tests.conftest import PG_AVAILABLE, PG_URL, _pg_admin
from tests.schedules.workers import (
    count,
    kill,
    lease_owners,
    seed_accounts,
    start_worker,
    stored,
    wait_for,
    worker_env,
)

pytestmark = pytest.mark.slow
STARTED = "denkna worker: monitoring gestart"  # printed by schedules/worker.py at start


def _published(world: FakeWorld, fakes: dict[int, str]) -> set[str]:
    return set().union(*(world.published(f) for f in fakes.values()))


async def test_sigkill_mid_poll_and_restart_store_everything_once(tmp_path: Path) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'denkna.sqlite3'}"
    db = Database(db_url)
    await db.migrate()
    secret = secrets.token_urlsafe(32)
    world = FakeWorld(latency=0.03)  # slow platform: the kill lands mid-poll
    platforms = ["facebook", "mastodon", "youtube", "instagram"]
    servers = {p: await FakePlatformServer(world, p).start() for p in platforms}
    worker = None
    try:
        fakes = await seed_accounts(db, secret, world, servers, platforms)
        for fake_id in fakes.values():
            for p in range(3):
                post = world.add_post(fake_id, f"Bericht {p}")
                for i in range(60):
                    world.add_comment(post.id, f"Reactie {p}-{i}", author_id=f"u{i % 7}")
        total = len(_published(world, fakes))
        env = worker_env(db_url, secret, tmp_path / "var")
        worker = start_worker(env, tmp_path / "worker1.log")

        async def some_stored() -> bool:
            return await count(db) > 0

        await wait_for(some_stored, 90, "the first worker to store comments",
                       [(worker, tmp_path / "worker1.log")])
        assert await count(db) < total, "killed mid-poll, not after it was done"
        kill(worker)
        at_kill = await count(db)
        # comments keep coming while no worker runs, with faults waiting for the next one
        for fake_id in fakes.values():
            post = world.posts_of(fake_id)[0]
            for i in range(10):
                world.add_comment(post.id, f"Na de crash {i}")
            world.inject(fake_id, "server_error", count=2)
            world.inject(fake_id, "rate_limit", count=2)
            world.inject(fake_id, "truncated", count=1)
        total = len(_published(world, fakes))
        world.latency = 0.005
        worker = start_worker(env, tmp_path / "worker2.log")

        async def all_stored() -> bool:
            return await count(db) >= total

        await wait_for(all_stored, 120, f"all {total} comments (had {at_kill} at the kill)",
                       [(worker, tmp_path / "worker2.log")])
        await asyncio.sleep(1.0)  # a few more polls: nothing may be stored twice
        ids = await stored(db)
        assert len(ids) == len(set(ids)) == total
        assert set(ids) == _published(world, fakes)
    finally:
        if worker is not None:
            kill(worker)
        for server in servers.values():
            await server.stop()
        await db.dispose()


@pytest.mark.postgres
async def test_two_instances_on_postgres_never_poll_one_account_at_once(tmp_path: Path) -> None:
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    name = f"t_{secrets.token_hex(6)}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    db_url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    db = Database(db_url)
    await db.migrate()
    secret = secrets.token_urlsafe(32)
    world = FakeWorld(latency=0.02)
    server = await FakePlatformServer(world, "facebook").start()
    workers = []
    try:
        fakes = await seed_accounts(db, secret, world, {"facebook": server}, ["facebook"] * 20)
        posts = {f: world.add_post(f, "Nieuws").id for f in fakes.values()}
        for post in posts.values():
            for i in range(5):
                world.add_comment(post, f"Eerste reactie {i}")
        env = worker_env(db_url, secret, tmp_path / "var", poll_interval_seconds=0.5,
                         lease_seconds=5)
        workers = [start_worker(env, tmp_path / f"worker{n}.log") for n in (1, 2)]

        async def started() -> bool:
            return await count(db) > 0

        logs = [tmp_path / f"worker{n}.log" for n in (1, 2)]
        await wait_for(started, 90, "the workers to start polling",
                       list(zip(workers, logs, strict=True)))

        async def both_up() -> bool:  # on a busy machine one may start long after the other
            return all(STARTED in log.read_text(errors="replace") for log in logs)

        await wait_for(both_up, 120, "both instances to start their schedulers")
        owners: set[str] = set()
        rounds, deadline = 0, asyncio.get_running_loop().time() + 60
        while rounds < 8 or len(owners) < 2:  # keep publishing while both instances poll
            if asyncio.get_running_loop().time() > deadline:
                break
            for post in posts.values():
                world.add_comment(post, f"Ronde {rounds}")
            rounds += 1
            for _ in range(10):  # leases are held only while polling: sample often
                owners |= await lease_owners(db)
                await asyncio.sleep(0.05)
        total = len(_published(world, fakes))

        async def all_stored() -> bool:
            return await count(db) >= total

        await wait_for(all_stored, 90, f"all {total} comments")
        await asyncio.sleep(1.0)
        assert all(w.poll() is None for w in workers), "both instances stayed up"
        ids = await stored(db)
        assert len(ids) == len(set(ids)) == total
        assert sum(world.requests.values()) > 40
        assert len(owners) == 2, f"both instances took leases: {owners}"
        assert dict(world.overlaps) == {} or not any(world.overlaps.values()), (
            f"accounts polled by two instances at once: {dict(world.overlaps)}")
    finally:
        for w in workers:
            kill(w)
        await server.stop()
        await db.dispose()
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
