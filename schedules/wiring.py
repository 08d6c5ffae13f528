"""APScheduler wiring, in one place: one polling job per active account (its own interval, with
jitter, max_instances=1, coalesce), a job that keeps that set in step with the accounts table,
and the retention purge. Leases in the database make several instances safe."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from schedules.case_reminders import INTERVAL_MINUTES, case_reminders
from schedules.context import MONITOR
from schedules.poll_account import poll_account
from schedules.purge_retention import purge_retention
from server import keys
from server.storage.models import Account
from server.storage.monitoring_models import AccountCredential

log = logging.getLogger("denkna.monitoring")
PURGE_HOURS = 6


def account_interval(settings: dict | None, default: float) -> float:
    value = (settings or {}).get("poll_interval_seconds")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return default


async def sync_jobs(app: web.Application) -> None:
    monitor = app[MONITOR]
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
            poll_account, IntervalTrigger(seconds=interval, jitter=jitter or None),
            args=[app, aid], id=job_id, replace_existing=True, max_instances=1, coalesce=True,
            misfire_grace_time=max(1, int(interval)),
            next_run_time=now + timedelta(seconds=random.uniform(0, jitter or 0.01)))


async def start(app: web.Application) -> None:
    monitor = app[MONITOR]
    if not monitor.settings.enabled or monitor.scheduler is not None:
        return
    cfg = monitor.settings
    scheduler = AsyncIOScheduler(timezone=UTC)
    monitor.scheduler = scheduler
    now = datetime.now(UTC)
    scheduler.add_job(sync_jobs, IntervalTrigger(seconds=cfg.sync_interval_seconds),
                      args=[app], id="sync_accounts", max_instances=1, coalesce=True,
                      next_run_time=now)
    scheduler.add_job(purge_retention, IntervalTrigger(hours=PURGE_HOURS, jitter=600),
                      args=[app], id="purge_retention", max_instances=1, coalesce=True,
                      next_run_time=now + timedelta(seconds=60))
    scheduler.add_job(case_reminders, IntervalTrigger(minutes=INTERVAL_MINUTES), args=[app],
                      id="case_reminders", max_instances=1, coalesce=True)
    scheduler.start()
    log.info("monitoring scheduler started as %s", monitor.owner)


async def stop(app: web.Application) -> None:
    monitor = app[MONITOR]
    if monitor.scheduler is not None:
        monitor.scheduler.shutdown(wait=False)
        monitor.scheduler = None
    await monitor.close()


async def _scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
    await start(app)
    yield
    await stop(app)


def setup_scheduler(app: web.Application) -> None:
    """Start after (and stop before) the database and scorer contexts registered earlier."""
    app.cleanup_ctx.append(_scheduler_ctx)
