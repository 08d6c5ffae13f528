"""Storing what a connector or webhook delivered, on top of `server.ingest`.

`server.ingest.ingest_comments` stores NEW comments (idempotent, scored, listeners called).
This module adds what monitoring needs around it: author roles from the school's list, edits
(text changed → re-scored), hidden state, deletions (`deleted_at`), and the optional per-account
auto-hide above a threshold (recorded in audit_log, reversible through the unhide endpoint).

Deletions: a stored comment missing from a connector's full `Listing` is a candidate; the
connector asks the platform (`confirm_gone`) whether it is deleted, hidden (YouTube: rejected) or
still there (Mastodon: a muted author), and only then is it marked.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import select, update

from classifiers.document import Context
from server import admin_ops, keys
from server.comments import PlatformComment, StoredComment
from server.ingest import ingest_comments
from server.platforms.base import (
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_PERMALINK_LENGTH,
    Connector,
    Listing,
    NotSupported,
    PlatformError,
)
from server.platforms.roles import author_role, role_map
from server.school.context import school_context
from server.storage.models import Account, Comment, SchoolSetting, Thread, utcnow

log = logging.getLogger("denkna.monitoring")


@dataclass
class BatchResult:
    received: int = 0
    stored: int = 0
    edited: int = 0
    deleted: int = 0
    hidden: int = 0  # no longer listed, but still there and not public (YouTube: rejected)
    auto_hidden: int = 0
    stored_comments: list[StoredComment] = field(default_factory=list)


async def store_batch(app: web.Application, account_id: int,
                      comments: Sequence[PlatformComment],
                      listed: Sequence[Listing] = (),
                      connector: Connector | None = None,
                      since: datetime | None = None) -> BatchResult:
    """Store a batch from one account. `listed`: the scopes the connector read in full (stored
    comments of such a scope missing there, ingested before `since`, are checked with the
    connector and marked deleted or hidden)."""
    db = app[keys.DB]
    async with db.session() as s:
        account = await s.get(Account, account_id)
        if account is None:
            raise LookupError(f"account {account_id} bestaat niet")
        roles = await role_map(s, account.school_id, account.platform)
    roled = [fit(replace(c, author_role=author_role(c, account, roles))) for c in comments
             if _storable(c)]
    result = BatchResult(received=len(roled))
    ingested = await ingest_comments(app, account_id, roled)
    result.stored = ingested.stored
    result.stored_comments = list(ingested.comments)
    new_ids = {c.external_id for c in ingested.comments}
    changed = [c for c in roled if c.external_id not in new_ids]
    if changed:
        edited = await apply_changes(app, account, changed)
        result.edited = len(edited)
        await _notify(app, edited)
    if listed:
        result.deleted, result.hidden = await mark_missing(app, account, listed,
                                                           since or utcnow(), connector)
    if connector is not None and result.stored_comments:
        result.auto_hidden = await auto_hide(app, account, connector, result.stored_comments)
    return result


def _storable(c: PlatformComment) -> bool:
    ids = (c.external_id, c.post_id, c.parent_id or "", c.author_id or "")
    return all(len(i) <= MAX_ID_LENGTH for i in ids) and bool(c.external_id and c.post_id)


def fit(c: PlatformComment) -> PlatformComment:
    """Names and links cut to what the columns hold (a platform may send anything)."""
    name = c.author_name[:MAX_NAME_LENGTH] if c.author_name else c.author_name
    link = c.permalink if c.permalink and len(c.permalink) <= MAX_PERMALINK_LENGTH else None
    return replace(c, author_name=name, permalink=link) if (
        name != c.author_name or link != c.permalink) else c


async def apply_changes(app: web.Application, account: Account,
                        comments: Sequence[PlatformComment]) -> list[StoredComment]:
    """Already stored comments: new text is stored and re-scored; hidden state follows the
    platform. Returns the re-scored ones."""
    by_id = {c.external_id: c for c in comments}
    async with app[keys.DB].session() as s:
        rows = list((await s.execute(select(Comment).where(
            Comment.platform == account.platform,
            Comment.external_id.in_(list(by_id))))).scalars())
        edits = [r for r in rows if r.text is not None and r.deleted_at is None
                 and by_id[r.external_id].text != r.text]
        for row in rows:
            row.hidden = by_id[row.external_id].hidden
        if not edits:
            return []
        setting = await s.get(SchoolSetting, (account.school_id, admin_ops.THRESHOLDS_KEY))
        thresholds = dict(setting.value) if setting else None
        school = await school_context(app, account.school_id)
        judgements = await app[keys.SCORER_POOL].score_many(
            [(by_id[r.external_id].text,
              school.context_for(by_id[r.external_id].text, Context(
                  account_type="official", platform=account.platform,
                  author_role=r.author_role))) for r in edits], thresholds,
            mode="deep")  # like new comments (server/ingest.py)
        for j in judgements:
            app[keys.METRICS].scored("comments", "deep", j.mode)
        now = utcnow()
        for row, j in zip(edits, judgements, strict=True):
            incoming = by_id[row.external_id]
            row.text = incoming.text
            row.edited_at = incoming.edited_at or now
            row.scores = dict(j.scores)
            row.flags = [f.to_dict("nl") for f in j.flags]
            row.max_severity = str(j.max_severity) if j.max_severity else None
            row.flagged = bool(j.flags)
        await s.flush()
        return [_stored(r) for r in edits]


MAX_MISSING = 200  # candidates checked with the platform per poll; the rest wait


async def missing(app: web.Application, account: Account, listed: Sequence[Listing],
                  since: datetime) -> list[str]:
    """Stored, not deleted comments of the listed scopes that the listings did not have
    (only those ingested before `since`: the batch itself is never missing)."""
    out: list[str] = []
    async with app[keys.DB].session() as s:
        for scope in listed:
            q = (select(Comment.external_id, Comment.created_at)
                 .join(Thread, Thread.id == Comment.thread_id)
                 .where(Thread.account_id == account.id,
                        Thread.external_post_id == scope.post_id,
                        Comment.deleted_at.is_(None), Comment.ingested_at < since))
            if scope.parent_id is not None:
                q = q.where(Comment.parent_external_id == scope.parent_id)
            if scope.top_level:
                q = q.where(Comment.parent_external_id.is_(None))
            for external_id, created in (await s.execute(q)).all():
                if external_id in scope.ids or (scope.since and created < scope.since):
                    continue
                out.append(external_id)
    return list(dict.fromkeys(out))[:MAX_MISSING]


async def mark_missing(app: web.Application, account: Account, listed: Sequence[Listing],
                       since: datetime, connector: Connector | None) -> tuple[int, int]:
    """(deleted, hidden): missing comments as the platform explains them."""
    gone = await missing(app, account, listed, since)
    if not gone:
        return 0, 0
    if connector is None:
        deleted, hidden = frozenset(gone), frozenset()
    else:
        answer = await connector.confirm_gone(gone)
        deleted, hidden = answer.deleted, answer.hidden
    async with app[keys.DB].session() as s:
        n_deleted = n_hidden = 0
        if deleted:
            n_deleted = (await s.execute(update(Comment).where(
                Comment.platform == account.platform, Comment.account_id == account.id,
                Comment.external_id.in_(list(deleted)), Comment.deleted_at.is_(None))
                .values(deleted_at=utcnow()))).rowcount or 0
        if hidden:
            n_hidden = (await s.execute(update(Comment).where(
                Comment.platform == account.platform, Comment.account_id == account.id,
                Comment.external_id.in_(list(hidden)), Comment.hidden.is_(False))
                .values(hidden=True))).rowcount or 0
    return n_deleted, n_hidden


async def mark_deleted_ids(app: web.Application, platform: str, external_ids: Sequence[str]
                           ) -> int:
    async with app[keys.DB].session() as s:
        res = await s.execute(update(Comment).where(
            Comment.platform == platform, Comment.external_id.in_(list(external_ids)),
            Comment.deleted_at.is_(None)).values(deleted_at=utcnow()))
        return res.rowcount or 0


async def set_hidden(app: web.Application, platform: str, external_id: str, hidden: bool) -> int:
    async with app[keys.DB].session() as s:
        res = await s.execute(update(Comment).where(
            Comment.platform == platform, Comment.external_id == external_id).values(
            hidden=hidden))
        return res.rowcount or 0


def auto_hide_threshold(account: Account) -> float | None:
    value = (account.settings or {}).get("auto_hide_threshold")
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1:
        return float(value)
    return None


async def auto_hide(app: web.Application, account: Account, connector: Connector,
                    stored: Sequence[StoredComment]) -> int:
    """Hide new comments whose highest score reaches the account's `auto_hide_threshold`
    (off unless set). Every hide is an audit_log row `comment.auto_hide`."""
    threshold = auto_hide_threshold(account)
    if threshold is None or not connector.capabilities.hide:
        return 0
    count = 0
    for comment in stored:
        top = max(comment.scores.values(), default=0.0)
        if top < threshold or comment.author_role in ("page", "staff"):
            continue
        try:
            await connector.hide(comment.external_id, True)
        except (NotSupported, PlatformError) as exc:
            log.warning("auto-hide of comment %s failed: %s", comment.id, type(exc).__name__)
            continue
        async with app[keys.DB].session() as s:
            await s.execute(update(Comment).where(Comment.id == comment.id).values(hidden=True))
            await admin_ops.audit(s, "comment.auto_hide", school_id=account.school_id,
                                  target=f"comment:{comment.id}",
                                  details={"score": round(top, 3), "threshold": threshold})
        count += 1
    return count


def _stored(r: Comment) -> StoredComment:
    return StoredComment(
        id=r.id, school_id=r.school_id, account_id=r.account_id, thread_id=r.thread_id,
        platform=r.platform, external_id=r.external_id, parent_external_id=r.parent_external_id,
        author_external_id=r.author_external_id, author_role=r.author_role,
        created_at=r.created_at, scores=r.scores, flags=r.flags, max_severity=r.max_severity,
        flagged=r.flagged)


async def _notify(app: web.Application, stored: list[StoredComment]) -> None:
    """Re-scored edits go to the same listeners as new comments (a thread can derail by an
    edit)."""
    if not stored:
        return
    for listener in app[keys.COMMENT_LISTENERS]:
        try:
            await listener(app, stored)
        except Exception:
            log.exception("comment listener failed on edited comments")


def summary(result: BatchResult) -> dict[str, Any]:
    return {"received": result.received, "stored": result.stored, "edited": result.edited,
            "deleted": result.deleted, "hidden": result.hidden,
            "auto_hidden": result.auto_hidden}
