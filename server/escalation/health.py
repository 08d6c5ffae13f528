"""Is alert delivery failing right now? The dashboard shows a warning on every page while it
is, with the latest reason in plain Dutch, and offers to try again at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.storage.escalation_models import OutboxMessage

RECENT = timedelta(days=7)  # older failures no longer raise the warning


@dataclass(frozen=True)
class DeliveryProblem:
    waiting: int  # messages that did not arrive (yet)
    gave_up: int  # of which Denkna stopped trying
    reason: str  # the latest reason, in Dutch


def _failing(school_ids: list[int] | None, now: datetime):  # type: ignore[no-untyped-def]
    q = (OutboxMessage.status.in_(("pending", "failed")),
         OutboxMessage.last_error.is_not(None), OutboxMessage.created_at >= now - RECENT)
    return q if school_ids is None else (*q, OutboxMessage.school_id.in_(school_ids))


async def delivery_problem(session: AsyncSession, school_ids: list[int] | None,
                           now: datetime) -> DeliveryProblem | None:
    """`school_ids` None: every school (admin, board)."""
    where = _failing(school_ids, now)
    waiting, gave_up = (await session.execute(
        select(func.count(OutboxMessage.id),
               func.count(OutboxMessage.id).filter(OutboxMessage.status == "failed"))
        .where(*where))).one()
    if not waiting:
        return None
    reason = await session.scalar(select(OutboxMessage.last_error).where(*where)
                                  .order_by(OutboxMessage.next_attempt_at.desc(),
                                            OutboxMessage.id.desc()).limit(1))
    return DeliveryProblem(int(waiting), int(gave_up or 0), reason or "")


async def retry_now(session: AsyncSession, school_ids: list[int] | None, now: datetime) -> int:
    """Every failing message is due again at once (given-up ones get a fresh set of tries)."""
    res = await session.execute(update(OutboxMessage).where(*_failing(school_ids, now)).values(
        status="pending", attempts=0, next_attempt_at=now))
    return int(res.rowcount or 0)
