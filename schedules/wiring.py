"""APScheduler wiring, in one place: one polling job per active account (its own interval, with
jitter, max_instances=1, coalesce), a job that keeps that set in step with the accounts table,
the retention purge and the case reminders. Leases in the database make several instances safe.

`setup(app)` is this package's entry in the `denkna.app` group (pyproject.toml): server/app.py
calls it after the server's own features, so the server never imports `schedules`."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from schedules.case_reminders import INTERVAL_MINUTES, case_reminders
from schedules.poll_account import poll_account
from schedules.purge_retention import purge_retention
from server import keys
from server.storage.models import Account
from server.storage.monitoring_models import AccountCredential

log = logging.getLogger("denkna.monitoring")
PURGE_HOURS = 6
DRAIN_SECONDS = 5.0  # on shutdown, running jobs get this long before they are cancelled
FIRST_SYNC_DELAY = 1.0


async def tracked(app: web.Application, job: Callable[..., Awaitable[object]],
                  *args: object) -> None:
    """Run a job as a task the monitor knows about, so shutdown can wait for it."""
    task = asyncio.current_task()
    running = app[keys.MONITOR].running
    if task is not None:
        running.add(task)
    try:
        await job(app, *args)
    finally:
        if task is not None:
            running.discard(task)


def account_interval(settings: dict | None, default: float) -> float:
    value = (settings or {}).get("poll_interval_seconds")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return default


async def sync_jobs(app: web.Application) -> None:
    monitor = app[keys.MONITOR]
    scheduler = monitor.scheduler
    if scheduler is None:
        return
    cfg = monitor.settings
    async with app[keys.DB].session() as s:
        # accounts without a stored token are not polled (nothing to poll with)
        rows = (await s.execute(
            select(Account.id, Account.status, Account.settings)
            .join(AccountCredential, AccountCredential.account_id == Account.id))).all()
    wanted = {f"poll:{aid}": (aid, account_interval(st, cfg.poll_interval_seconds))
              for aid, status, st in rows if status == "active"}
    for job in scheduler.get_jobs():
        if job.id.startswith("poll:") and job.id not in wanted:
            job.remove()
    now = datetime.now(UTC)
    for job_id, (aid, interval) in wanted.items():
        job = scheduler.get_job(job_id)
        if job is not None and job.trigger.interval == timedelta(seconds=interval):
            continue
        jitter = min(cfg.jitter_seconds, interval / 2)
        scheduler.add_job(
            tracked, IntervalTrigger(seconds=interval, jitter=jitter or None),
            args=[app, poll_account, aid], id=job_id, replace_existing=True, max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(interval)),
            next_run_time=now + timedelta(seconds=random.uniform(0, jitter or 0.01)))


async def start(app: web.Application) -> None:
    monitor = app[keys.MONITOR]
    if not monitor.settings.enabled or monitor.scheduler is not None:
        return
    cfg = monitor.settings
    scheduler = AsyncIOScheduler(timezone=UTC)
    monitor.scheduler = scheduler
    now = datetime.now(UTC)
    scheduler.add_job(tracked, IntervalTrigger(seconds=cfg.sync_interval_seconds),
                      args=[app, sync_jobs], id="sync_accounts", max_instances=1,
                      coalesce=True, next_run_time=now + timedelta(
                          seconds=min(FIRST_SYNC_DELAY, cfg.sync_interval_seconds)))
    scheduler.add_job(tracked, IntervalTrigger(hours=PURGE_HOURS, jitter=600),
                      args=[app, purge_retention], id="purge_retention", max_instances=1,
                      coalesce=True,
                      next_run_time=now + timedelta(seconds=60))
    scheduler.add_job(tracked, IntervalTrigger(minutes=INTERVAL_MINUTES),
                      args=[app, case_reminders], id="case_reminders", max_instances=1,
                      coalesce=True)
    scheduler.start()
    log.info("monitoring scheduler started as %s", monitor.owner)


async def stop(app: web.Application) -> None:
    monitor = app[keys.MONITOR]
    scheduler, monitor.scheduler = monitor.scheduler, None
    if scheduler is not None:
        scheduler.pause()  # no new runs; the running ones may finish (a cancelled database
        running = [t for t in monitor.running if not t.done()]  # call can hang the teardown)
        late: set[asyncio.Task[object]] = set()
        if running:
            _, late = await asyncio.wait(running, timeout=DRAIN_SECONDS)
        scheduler.shutdown(wait=False)  # cancels what is still running
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)


async def _scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
    await start(app)
    yield
    await stop(app)


def setup(app: web.Application) -> None:
    """Start after (and stop before) the database, scorer and escalation contexts registered
    earlier; the monitor state comes from the server's monitoring feature."""
    app.cleanup_ctx.append(_scheduler_ctx)
