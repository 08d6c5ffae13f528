"""The polling job: read one account's new comments and store them.

Under the account's lease: read from the saved cursor, store (ingest commits), and only then
save the new cursor. Rate limits and failures set `next_attempt_at` (backoff with jitter) and
the account's health fields; an expired token turns the account `needs_reauth` and alerts the
admins once. Nothing here stops the polling of other accounts.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from aiohttp import web
from sqlalchemy import update

from schedules import leases
from server import keys
from server.keys import ReauthAlert
from server.platforms.access import build_connector
from server.platforms.alerts import alert_needs_reauth
from server.platforms.base import AuthExpired, PlatformError, RateLimited
from server.platforms.credentials import CredentialError, load_grant
from server.platforms.store import store_batch
from server.storage.models import Account, utcnow
from server.storage.monitoring_models import PollState

log = logging.getLogger("denkna.monitoring")


class Outcome(StrEnum):
    OK = "ok"
    BUSY = "busy"  # another instance holds the lease
    WAITING = "waiting"  # backing off until next_attempt_at
    INACTIVE = "inactive"  # paused, needs_reauth, error, or gone
    RATE_LIMITED = "rate_limited"
    FAILED = "failed"
    NEEDS_REAUTH = "needs_reauth"


@dataclass
class PollResult:
    outcome: Outcome
    stored: int = 0
    rounds: int = 0


def backoff_seconds(failures: int, base: float, cap: float) -> float:
    raw = min(cap, base * (2 ** max(0, failures - 1)))
    return random.uniform(raw / 2, raw)


async def poll_account(app: web.Application, account_id: int) -> PollResult:
    monitor = app[keys.MONITOR]
    cfg = monitor.settings
    db = app[keys.DB]
    await leases.ensure_state(db, account_id)
    async with db.session() as s:
        account = await s.get(Account, account_id)
        state = await s.get(PollState, account_id)
        if account is None or state is None or account.status != "active":
            return PollResult(Outcome.INACTIVE)
        if state.next_attempt_at and state.next_attempt_at > utcnow():
            return PollResult(Outcome.WAITING)
    if not await leases.claim(db, account_id, monitor.owner, cfg.lease_seconds):
        return PollResult(Outcome.BUSY)
    result = PollResult(Outcome.OK)
    try:
        async with db.session() as s:
            account = await s.get(Account, account_id)
            state = await s.get(PollState, account_id)
            assert account is not None and state is not None
            grant = await load_grant(s, app[keys.SECRET_KEY], account_id)
            cursor = dict(state.cursor or {})
            await s.execute(update(PollState).where(PollState.account_id == account_id)
                            .values(last_attempt_at=utcnow()))
        # an expiring access token (YouTube) is renewed here, and on a 401 mid-poll
        connector = await build_connector(app, account, grant)
        for _ in range(cfg.max_rounds_per_poll):
            started = utcnow()
            items, new_cursor = await connector.list_new(cursor)
            batch = await store_batch(app, account_id, items, connector.listed,
                                      connector=connector, since=started)
            result.stored += batch.stored
            result.rounds += 1
            async with db.session() as s:  # only now, with the comments committed
                if not await leases.renew(s, account_id, monitor.owner, cfg.lease_seconds):
                    log.warning("lease on account %s lost mid-poll; stopping", account_id)
                    return result
                await s.execute(update(PollState).where(
                    PollState.account_id == account_id, PollState.lease_owner == monitor.owner)
                    .values(cursor=new_cursor,
                            skipped_malformed=PollState.skipped_malformed
                            + connector.skipped_malformed,
                            comments_seen=PollState.comments_seen + batch.stored))
            if new_cursor == cursor or not items:
                break
            cursor = new_cursor
        await _succeeded(app, account_id, connector.usage_pct)
        return result
    except AuthExpired as exc:
        await _needs_reauth(app, account_id, exc)
        return PollResult(Outcome.NEEDS_REAUTH, result.stored, result.rounds)
    except RateLimited as exc:
        wait = max(exc.retry_after, 1.0) * random.uniform(1.0, 1.25)
        await _failed(app, account_id, f"rate_limited: {exc}", wait, count=False)
        return PollResult(Outcome.RATE_LIMITED, result.stored, result.rounds)
    except CredentialError as exc:
        await _failed(app, account_id, str(exc), cfg.backoff_max_seconds)
        return PollResult(Outcome.FAILED, result.stored, result.rounds)
    except PlatformError as exc:
        await _failed(app, account_id, f"{type(exc).__name__}: {exc}", None)
        return PollResult(Outcome.FAILED, result.stored, result.rounds)
    except Exception as exc:  # a bug or a database hiccup: back off, keep the other accounts
        log.exception("poll of account %s failed unexpectedly", account_id)
        await _failed(app, account_id, f"internal: {type(exc).__name__}", None)
        return PollResult(Outcome.FAILED, result.stored, result.rounds)
    finally:
        await leases.release(db, account_id, monitor.owner)


USAGE_SLOW_DOWN = 80.0  # percent of a Meta usage budget (X-App-Usage, ...-Usage headers)


async def _succeeded(app: web.Application, account_id: int, usage_pct: float = 0.0) -> None:
    """Healthy again. Near a platform's usage budget the next poll waits longer (the more
    of the budget is used, the longer), before the platform starts refusing."""
    cfg = app[keys.MONITOR].settings
    pause = None
    if usage_pct >= USAGE_SLOW_DOWN:
        factor = 2 ** ((usage_pct - USAGE_SLOW_DOWN) / 5)  # 80% → 1x, 100% → 16x
        pause = utcnow() + timedelta(seconds=min(cfg.backoff_max_seconds,
                                                 cfg.backoff_base_seconds * factor)
                                     * random.uniform(1.0, 1.25))
    async with app[keys.DB].session() as s:
        await s.execute(update(PollState).where(PollState.account_id == account_id).values(
            last_success=utcnow(), last_error=None, consecutive_failures=0,
            next_attempt_at=pause))


async def _failed(app: web.Application, account_id: int, error: str, wait: float | None,
                  count: bool = True) -> None:
    cfg = app[keys.MONITOR].settings
    async with app[keys.DB].session() as s:
        state = await s.get(PollState, account_id)
        if state is None:
            return
        if count:
            state.consecutive_failures += 1
        if wait is None:
            wait = backoff_seconds(state.consecutive_failures, cfg.backoff_base_seconds,
                                   cfg.backoff_max_seconds)
        state.last_error = error[:500]
        state.next_attempt_at = utcnow() + timedelta(seconds=wait)
    log.info("poll of account %s failed (%s); next attempt in %.1fs", account_id, error, wait)


async def _needs_reauth(app: web.Application, account_id: int, exc: AuthExpired) -> None:
    """Mark the account needs_reauth; alert only on the transition (once per expiry)."""
    async with app[keys.DB].session() as s:
        res = await s.execute(update(Account).where(
            Account.id == account_id, Account.status == "active").values(status="needs_reauth"))
        first = (res.rowcount or 0) == 1
        account = await s.get(Account, account_id)
        state = await s.get(PollState, account_id)
        if state is not None:
            state.last_error = f"AuthExpired: {exc}"[:500]
            state.consecutive_failures += 1
            if first:
                state.reauth_alerted_at = utcnow()
    if first and account is not None:
        await alert_needs_reauth(app, ReauthAlert(
            account_id=account_id, school_id=account.school_id, platform=account.platform,
            account_name=account.name, reason=str(exc)[:200]))
