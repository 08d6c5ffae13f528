"""The scheduler polls every active account on its own (one job each, own interval, jitter,
max_instances=1, coalesce) and follows accounts being paused or added."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import update

from schedules import wiring
from server import keys
from server.storage.models import Account
from tests.schedules.conftest import Monitored, fast_monitoring


async def _until(predicate, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.1)):
        if await predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def test_scheduler_polls_each_account_and_follows_changes(monitored: Monitored) -> None:
    m = monitored
    a, fa = await m.add_account("facebook", poll_interval_seconds=0.4)
    b, fb = await m.add_account("youtube")
    for fake in (fa, fb):
        post = m.world.add_post(fake.id, "Nieuws")
        for i in range(3):
            m.world.add_comment(post.id, f"reactie {i}")
    m.app[keys.MONITOR].settings = fast_monitoring(enabled=True)
    await wiring.start(m.app)
    scheduler = m.app[keys.MONITOR].scheduler
    assert scheduler is not None

    async def both_stored() -> bool:
        return len(await m.stored_ids(a)) == 3 and len(await m.stored_ids(b)) == 3

    await _until(both_stored)
    job = scheduler.get_job(f"poll:{a}")
    assert job.max_instances == 1 and job.coalesce
    assert job.trigger.interval == timedelta(seconds=0.4) and job.trigger.jitter
    assert scheduler.get_job(f"poll:{b}").trigger.interval == timedelta(seconds=0.3)
    # a new comment is picked up without anyone calling the job
    late = m.world.add_comment(m.world.posts_of(fa.id)[0].id, "nog eentje")

    async def late_stored() -> bool:
        return late.external_id in await m.stored_ids(a)

    await _until(late_stored)
    async with m.app[keys.DB].session() as s:
        await s.execute(update(Account).where(Account.id == b).values(status="paused"))

    async def removed() -> bool:
        return scheduler.get_job(f"poll:{b}") is None

    await _until(removed)
    assert scheduler.get_job(f"poll:{a}") is not None
    requests_before = m.world.requests[fb.id]
    await asyncio.sleep(1.0)
    assert m.world.requests[fb.id] == requests_before, "a paused account is not polled"
    await wiring.stop(m.app)


async def test_shutdown_waits_for_running_jobs(monitored: Monitored) -> None:
    """A job still running at shutdown finishes (or is cancelled) before the database closes."""
    m = monitored
    m.app[keys.MONITOR].settings = fast_monitoring(enabled=True)
    await wiring.start(m.app)
    started, finished = asyncio.Event(), asyncio.Event()

    async def slow_job(app) -> None:
        started.set()
        await asyncio.sleep(0.3)
        finished.set()

    m.app[keys.MONITOR].scheduler.add_job(wiring.tracked, args=[m.app, slow_job], id="slow")
    await asyncio.wait_for(started.wait(), 10)
    assert m.app[keys.MONITOR].running, "the job is tracked while it runs"
    await wiring.stop(m.app)
    assert finished.is_set() and not m.app[keys.MONITOR].running
