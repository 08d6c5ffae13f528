"""Idempotent comment ingestion, used by `POST /api/v1/comments`, the pollers and webhooks.

`ingest_comments(app, account_id, comments)`: comments already stored (same platform +
external_id) are counted as duplicates and left alone; new ones are scored (off the event loop,
with the school's thresholds), threads are created per post, everything is committed in ONE
transaction, and only then are the listeners in `app[keys.COMMENT_LISTENERS]` called with the
`StoredComment`s. A listener that fails is logged and does not undo the ingest.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from classifiers.document import Context
from server import admin_ops, keys
from server.comments import PlatformComment, StoredComment
from server.school.context import school_context
from server.storage.models import Account, Comment, SchoolSetting, Thread, utcnow

log = logging.getLogger("denkna.ingest")


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    comments: list[StoredComment] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"received": self.received, "stored": self.stored, "duplicates": self.duplicates}


class UnknownAccount(LookupError):
    pass


def _clean(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL characters; platforms sometimes send them."""
    return value.replace("\x00", "") if value else value


def _author_role(c: PlatformComment, account: Account) -> str:
    if c.author_role:
        return c.author_role
    if c.author_id is not None and c.author_id == account.external_id:
        return "page"
    return "unknown"


async def ingest_comments(
    app: web.Application, account_id: int, comments: Sequence[PlatformComment]
) -> IngestResult:
    db = app[keys.DB]
    result = IngestResult(received=len(comments))
    async with db.session() as s:
        account = await s.get(Account, account_id)
        if account is None:
            raise UnknownAccount(account_id)
        row = await s.get(SchoolSetting, (account.school_id, admin_ops.THRESHOLDS_KEY))
        thresholds = dict(row.value) if row else None
        platform, school_id = account.platform, account.school_id
    # unique within the batch (first copy wins)
    unique: dict[str, PlatformComment] = {}
    for c in comments:
        unique.setdefault(c.external_id, c)
    for attempt in range(3):
        try:
            stored = await _store_new(app, account_id, platform, school_id, unique, thresholds)
            break
        except IntegrityError:
            # another writer stored some of these at the same time: recount and retry
            if attempt == 2:
                raise
    result.comments = stored
    result.stored = len(stored)
    result.duplicates = result.received - result.stored
    metrics = app[keys.METRICS]
    metrics.ingest["received"] += result.received
    metrics.ingest["stored"] += result.stored
    metrics.ingest["duplicates"] += result.duplicates
    if stored:
        for listener in app[keys.COMMENT_LISTENERS]:
            try:
                await listener(app, stored)
            except Exception:
                log.exception("comment listener %r failed", getattr(listener, "__name__", listener))
    return result


async def _store_new(
    app: web.Application, account_id: int, platform: str, school_id: int,
    unique: dict[str, PlatformComment], thresholds: dict[str, float] | None,
) -> list[StoredComment]:
    db = app[keys.DB]
    async with db.session() as s:
        account = await s.get(Account, account_id)
        assert account is not None
        existing = set(
            (
                await s.execute(
                    select(Comment.external_id).where(
                        Comment.platform == platform, Comment.external_id.in_(list(unique))
                    )
                )
            ).scalars()
        ) if unique else set()
        new = [c for eid, c in unique.items() if eid not in existing]
        if not new:
            return []
        roles = [_author_role(c, account) for c in new]
        school = await school_context(app, school_id)  # the consent list goes in as data
        judgements = await app[keys.SCORER_POOL].score_many(
            [
                (
                    _clean(c.text) or "",
                    school.context_for(_clean(c.text) or "", Context(
                        account_type="official", platform=platform, author_role=r)),
                )
                for c, r in zip(new, roles, strict=True)
            ],
            thresholds,
            mode="deep",  # every comment on an official account is scored deep
        )
        for j in judgements:
            app[keys.METRICS].scored("comments", "deep", j.mode)
        post_ids = {c.post_id for c in new}
        threads = {
            t.external_post_id: t
            for t in (
                await s.execute(
                    select(Thread).where(
                        Thread.account_id == account_id, Thread.external_post_id.in_(post_ids)
                    )
                )
            ).scalars()
        }
        now = utcnow()
        rows: list[Comment] = []
        for c, role, j in zip(new, roles, judgements, strict=True):
            thread = threads.get(c.post_id)
            if thread is None:
                thread = Thread(school_id=school_id, account_id=account_id,
                                external_post_id=c.post_id, created_at=now, last_activity_at=now)
                s.add(thread)
                await s.flush()
                threads[c.post_id] = thread
            thread.last_activity_at = max(thread.last_activity_at, now)
            flags = [f.to_dict("nl") for f in j.flags]
            row = Comment(
                school_id=school_id, account_id=account_id, thread_id=thread.id,
                platform=platform, external_id=c.external_id, parent_external_id=c.parent_id,
                author_external_id=c.author_id, author_name=_clean(c.author_name),
                author_role=role, text=_clean(c.text), permalink=c.permalink,
                created_at=c.created_at,
                ingested_at=now, edited_at=c.edited_at,
                hidden=c.hidden, scores=dict(j.scores), flags=flags,
                max_severity=str(j.max_severity) if j.max_severity else None,
                flagged=bool(j.flags),
            )
            s.add(row)
            rows.append(row)
        await s.flush()
        return [
            StoredComment(
                id=r.id, school_id=r.school_id, account_id=r.account_id, thread_id=r.thread_id,
                platform=r.platform, external_id=r.external_id,
                parent_external_id=r.parent_external_id,
                author_external_id=r.author_external_id, author_role=r.author_role,
                created_at=r.created_at, scores=r.scores, flags=r.flags,
                max_severity=r.max_severity, flagged=r.flagged,
            )
            for r in rows
        ]
