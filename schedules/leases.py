"""Per-account leases in `poll_state`: one instance polls an account at a time.

`claim` is ONE atomic UPDATE ... WHERE lease free OR expired OR already mine, so two instances
on one PostgreSQL (or SQLite) can never both hold it. Writes made under a lease (`save_cursor`)
repeat the owner check, so an instance whose lease ran out cannot overwrite a newer cursor.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.storage.db import Database
from server.storage.models import utcnow
from server.storage.monitoring_models import PollState


async def ensure_state(db: Database, account_id: int) -> None:
    async with db.session() as s:
        if await s.get(PollState, account_id) is not None:
            return
    try:
        async with db.session() as s:
            s.add(PollState(account_id=account_id, cursor={}, consecutive_failures=0,
                            skipped_malformed=0, comments_seen=0))
    except IntegrityError:
        pass  # another instance created it first


async def claim(db: Database, account_id: int, owner: str, seconds: float,
                now: datetime | None = None) -> bool:
    now = now or utcnow()
    async with db.session() as s:
        res = await s.execute(
            update(PollState)
            .where(PollState.account_id == account_id,
                   or_(PollState.lease_owner.is_(None), PollState.lease_until.is_(None),
                       PollState.lease_until < now, PollState.lease_owner == owner))
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=seconds)))
        return (res.rowcount or 0) == 1


async def renew(s: AsyncSession, account_id: int, owner: str, seconds: float) -> bool:
    res = await s.execute(
        update(PollState)
        .where(PollState.account_id == account_id, PollState.lease_owner == owner)
        .values(lease_until=utcnow() + timedelta(seconds=seconds)))
    return (res.rowcount or 0) == 1


async def release(db: Database, account_id: int, owner: str) -> None:
    async with db.session() as s:
        await s.execute(
            update(PollState)
            .where(PollState.account_id == account_id, PollState.lease_owner == owner)
            .values(lease_owner=None, lease_until=None))


async def holder(db: Database, account_id: int) -> str | None:
    async with db.session() as s:
        return (await s.execute(select(PollState.lease_owner).where(
            PollState.account_id == account_id))).scalar_one_or_none()
