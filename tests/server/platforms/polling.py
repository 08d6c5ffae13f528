"""Helpers for the per-platform tests: poll an account until it is quiet, read stored rows."""

from __future__ import annotations

from sqlalchemy import select

from schedules.poll_account import Outcome, poll_account
from server import keys
from server.storage.models import Comment
from server.storage.monitoring_models import PollState
from tests.schedules.conftest import Monitored


async def poll(m: Monitored, account_id: int, times: int = 1) -> list[Outcome]:
    """Poll `times` times (skipping any backoff wait); the outcomes."""
    outcomes = []
    for _ in range(times):
        async with m.app[keys.DB].session() as s:
            state = await s.get(PollState, account_id)
            if state is not None:
                state.next_attempt_at = None
        outcomes.append((await poll_account(m.app, account_id)).outcome)
    return outcomes


async def rows(m: Monitored, account_id: int) -> dict[str, Comment]:
    async with m.app[keys.DB].session() as s:
        found = (await s.execute(select(Comment).where(Comment.account_id == account_id)))
        return {c.external_id: c for c in found.scalars()}


async def state(m: Monitored, account_id: int) -> PollState:
    async with m.app[keys.DB].session() as s:
        found = await s.get(PollState, account_id)
        assert found is not None
        return found


__all__ = ["Outcome", "poll", "rows", "state"]
