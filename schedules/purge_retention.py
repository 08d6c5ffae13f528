"""Retention purge: comment text (and author name) older than the retention setting is erased,
unless the comment belongs to a thread that is part of a case.

Exclusions: every `async def (app) -> set[int]` in `app[RETENTION_KEEP_THREADS]` returns thread
ids to keep; when a `cases` table exists, threads with a case are kept as well.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp import web
from sqlalchemy import inspect, text, update

from server import keys
from server.storage.models import Comment, utcnow

log = logging.getLogger("denkna.monitoring")

KeepThreads = Callable[[web.Application], Awaitable[set[int]]]
RETENTION_KEEP_THREADS = web.AppKey("retention_keep_threads", list[KeepThreads])


async def _case_threads(app: web.Application) -> set[int]:
    db = app[keys.DB]
    async with db.engine.connect() as conn:
        has_cases = await conn.run_sync(lambda c: inspect(c).has_table("cases"))
        if not has_cases:
            return set()
        rows = await conn.execute(text("SELECT DISTINCT thread_id FROM cases "
                                       "WHERE thread_id IS NOT NULL"))
        return {r[0] for r in rows}


async def purge_retention(app: web.Application, days: int | None = None) -> int:
    """Erase old comment text; returns how many comments were purged."""
    if days is None:
        days = app[keys.SETTINGS].retention.days
    cutoff = utcnow() - timedelta(days=days)
    keep = await _case_threads(app)
    for hook in app.get(RETENTION_KEEP_THREADS, []):
        keep |= await hook(app)
    async with app[keys.DB].session() as s:
        stmt = (update(Comment)
                .where(Comment.created_at < cutoff, Comment.text.is_not(None))
                .values(text=None, author_name=None))
        if keep:
            stmt = stmt.where(Comment.thread_id.not_in(sorted(keep)))
        count = (await s.execute(stmt)).rowcount or 0
    if count:
        log.info("retention purge erased the text of %d comments older than %d days", count,
                 days)
    return count
