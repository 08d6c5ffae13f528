"""Retention purge: comment text (and author name) older than the retention setting is erased,
unless the comment belongs to a thread that is part of a case.

Exclusions: every `async def (app) -> set[int]` in `app[keys.RETENTION_KEEP_THREADS]` returns
thread ids to keep (escalation registers the threads of its cases).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from aiohttp import web
from sqlalchemy import update

from server import keys
from server.storage.models import Comment, utcnow

log = logging.getLogger("denkna.monitoring")


async def purge_retention(app: web.Application, days: int | None = None) -> int:
    """Erase old comment text; returns how many comments were purged."""
    if days is None:
        days = app[keys.SETTINGS].retention.days
    cutoff = utcnow() - timedelta(days=days)
    keep: set[int] = set()
    for hook in app.get(keys.RETENTION_KEEP_THREADS, []):
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
