"""Dashboard login throttle: growing delays, then a temporary lock, per account and per IP.

Every login attempt is counted before its password is checked (so a flood of parallel attempts
cannot all slip through before the first failure is written) and the count is undone when the
password was right. The account key is the e-mail address as typed: an unknown address is
throttled exactly like a known one, so neither the timing nor the lock tells an attacker whether
an account exists.

Per key: the first `free_attempts` failures cost nothing; each further one makes the next
attempt wait `delay_seconds`, doubling up to `max_delay_seconds`; at `lock_after` failures the
key is locked for `lock_seconds`. Attempts during a wait or a lock are refused without
checking the password and count as failures too (a flood locks the account quickly). The state
is in the database (table login_throttle), so every instance on one PostgreSQL sees the same
counts, the admin sees the locks (dashboard: Instellingen → Gebruikers; `denkna admin
list-locks`) and can lift one (`denkna admin unlock`).

Attempts that arrive while another one is being counted are counted together, in one
transaction, one after the other in the order they came (group commit): the decisions are the
same as one transaction each, every count is in the database before its attempt is answered,
and a flood of 200 wrong passwords costs a few transactions instead of 200, so the event loop
stays free for the staff's checks (bench/bench_login_flood.py).
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import LoginSettings
from server.storage.db import Database
from server.storage.login_models import LoginThrottle
from server.storage.models import utcnow

if TYPE_CHECKING:  # `denkna admin` imports this module and must not load aiohttp
    from aiohttp import web

ACCOUNT, IP = "account:", "ip:"
MAX_BATCH = 500  # attempts counted in one transaction at most


@dataclass(frozen=True)
class Refusal:
    """An attempt refused without checking the password: `message` is Dutch, for the user."""

    kind: str  # "delay" | "lock"
    scope: str  # "account" | "ip"
    retry_after: int  # seconds
    message: str


@dataclass(frozen=True)
class Block:
    """A key that is locked or waiting now, as the admin sees it."""

    key: str
    scope: str  # "account" | "ip"
    subject: str  # the e-mail address or the IP address
    failures: int
    until: datetime
    locked: bool


@dataclass
class _Attempt:
    """One login attempt waiting to be counted: (account key, IP key), its time, its answer."""

    keys: tuple[str, str]
    now: datetime
    answer: asyncio.Future[Refusal | int] = field(repr=False)


def account_key(email: str) -> str:
    return ACCOUNT + email.strip().lower()[:320]


def ip_key(address: str) -> str:
    return IP + address


def client_ip(request: web.Request, trusted_proxies: frozenset[str]) -> str:
    """The client's address: the TCP peer, or behind a trusted reverse proxy (Caddy, nginx) the
    last address in X-Forwarded-For that is not one of those proxies. IPv6 counts per /64 (one
    household or school network has a whole /64)."""
    address = request.remote or "onbekend"
    if address in trusted_proxies:
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        for hop in reversed([h for h in hops if h]):
            if hop not in trusted_proxies:
                address = hop
                break
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:60]
    if ip.version == 6 and not ip.ipv4_mapped:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


def _minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minuut" if minutes == 1 else f"{minutes} minuten"


def _seconds(seconds: float) -> str:
    n = max(1, math.ceil(seconds))
    return "1 seconde" if n == 1 else f"{n} seconden"


class LoginGuard:
    def __init__(self, policy: LoginSettings) -> None:
        self.policy = policy
        self.trusted_proxies = frozenset(policy.trusted_proxies)
        self._admit_lock = asyncio.Lock()  # one counting transaction at a time in this process
        self._pending = 0  # password checks admitted and not yet finished
        # attempts waiting for the next counting transaction, per database; the task that runs
        # those transactions while there are any
        self._waiting: dict[Database, list[_Attempt]] = {}
        self._counters: dict[Database, asyncio.Task[None]] = {}

    # --- the rules ---------------------------------------------------------------------------

    def _limits(self, key: str) -> tuple[int, int]:
        p = self.policy
        return ((p.free_attempts, p.lock_after) if key.startswith(ACCOUNT)
                else (p.ip_free_attempts, p.ip_lock_after))

    def _penalty(self, key: str, failures: int) -> tuple[float, bool] | None:
        """(seconds to wait, is it a lock) after `failures` failures, or None."""
        free, lock_after = self._limits(key)
        if failures >= lock_after:
            return self.policy.lock_seconds, True
        if failures > free:
            p = self.policy
            return min(p.max_delay_seconds, p.delay_seconds * 2 ** (failures - free - 1)), False
        return None

    def _refusal(self, row: LoginThrottle, now: datetime) -> Refusal:
        assert row.blocked_until is not None
        wait = (row.blocked_until - now).total_seconds()
        scope = "account" if row.key.startswith(ACCOUNT) else "ip"
        if row.locked and scope == "account":
            message = (f"Inloggen met dit e-mailadres is tijdelijk geblokkeerd na "
                       f"{row.failures} mislukte pogingen. Probeer het over {_minutes(wait)} "
                       "opnieuw, of vraag de beheerder de blokkade op te heffen.")
        elif row.locked:
            message = ("Vanaf dit netwerk zijn te veel mislukte inlogpogingen gedaan; inloggen "
                       f"is hier tijdelijk geblokkeerd. Probeer het over {_minutes(wait)} "
                       "opnieuw, of vraag de beheerder de blokkade op te heffen.")
        else:
            message = ("Te veel mislukte pogingen achter elkaar. Wacht "
                       f"{_seconds(wait)} en probeer het dan opnieuw.")
        return Refusal("lock" if row.locked else "delay", scope, max(1, math.ceil(wait)),
                       message)

    def warning(self, email: str, failures: int) -> str | None:
        """After a wrong password: how many tries are left before the lock (Dutch), once the
        free attempts are used up."""
        free, lock_after = self._limits(account_key(email))
        left = lock_after - failures
        if failures < free or left <= 0:
            return None
        return (f"Nog {left} {'poging' if left == 1 else 'pogingen'}; daarna wordt inloggen "
                f"met dit e-mailadres {_minutes(self.policy.lock_seconds)} geblokkeerd.")

    # --- attempts ----------------------------------------------------------------------------

    async def admit(self, db: Database, email: str, ip: str,
                    now: datetime | None = None) -> Refusal | int:
        """Count this attempt for the account and the IP. A Refusal when either is waiting or
        locked (the password must not be checked), else the account's failure count so far,
        this attempt included. Returns once the count is in the database."""
        attempt = _Attempt((account_key(email), ip_key(ip)), now or utcnow(),
                           asyncio.get_running_loop().create_future())
        self._waiting.setdefault(db, []).append(attempt)
        counter = self._counters.get(db)
        if counter is None or counter.done():
            self._counters[db] = asyncio.create_task(self._count_waiting(db))
        return await attempt.answer

    async def _count_waiting(self, db: Database) -> None:
        """Count the waiting attempts, all that came in meanwhile in each transaction, until
        none is left."""
        batch: list[_Attempt] = []
        try:
            while waiting := self._waiting.get(db):
                batch = waiting[:MAX_BATCH]  # SQLite bounds the parameters of one statement
                del waiting[:MAX_BATCH]
                try:
                    async with self._admit_lock:
                        answers = await self._count(db, batch)
                except Exception as exc:  # the database failed: these attempts fail with it
                    for attempt in batch:
                        if not attempt.answer.done():
                            attempt.answer.set_exception(exc)
                    continue
                for attempt, answer in zip(batch, answers, strict=True):
                    if not attempt.answer.done():  # its request may have gone away
                        attempt.answer.set_result(answer)
        except BaseException:  # cancelled (the server stops): no attempt waits forever
            for attempt in batch + self._waiting.pop(db, []):
                attempt.answer.cancel()
            raise
        finally:
            if self._counters.get(db) is asyncio.current_task():
                del self._counters[db]

    async def _count(self, db: Database, batch: list[_Attempt]) -> list[Refusal | int]:
        """One transaction: each attempt of `batch` in turn, as if each had its own."""
        keys = sorted({k for attempt in batch for k in attempt.keys})
        first = min(attempt.now for attempt in batch)
        async with db.session() as s:
            insert = sqlite_insert if db.is_sqlite else pg_insert
            await s.execute(insert(LoginThrottle).values([
                {"key": k, "failures": 0, "last_failure_at": first, "blocked_until": None,
                 "locked": False} for k in keys]).on_conflict_do_nothing())
            rows = {row.key: row for row in (await s.scalars(
                select(LoginThrottle).where(LoginThrottle.key.in_(keys))
                .order_by(LoginThrottle.key).with_for_update())).all()}
            return [self._count_one([rows[k] for k in attempt.keys], attempt.now)
                    for attempt in batch]

    def _count_one(self, rows: list[LoginThrottle], now: datetime) -> Refusal | int:
        """One attempt on its (account, IP) rows: the first row is the account's."""
        forget = timedelta(seconds=max(self.policy.forget_after_seconds,
                                       self.policy.lock_seconds))
        refusals: list[Refusal] = []
        for row in rows:
            blocked = row.blocked_until is not None and row.blocked_until > now
            if blocked:
                refusals.append(self._refusal(row, now))
            elif now - row.last_failure_at > forget:
                row.failures, row.locked, row.blocked_until = 0, False, None
            row.failures += 1
            row.last_failure_at = now
            if blocked and row.locked:
                continue  # a lock runs its course; further attempts only count
            penalty = self._penalty(row.key, row.failures)
            if penalty is not None:
                until = now + timedelta(seconds=penalty[0])
                if row.blocked_until is None or until > row.blocked_until or penalty[1]:
                    row.blocked_until, row.locked = until, penalty[1]
        if refusals:
            return max(refusals, key=lambda r: (r.kind == "lock", r.retry_after))
        return rows[0].failures

    async def succeeded(self, db: Database, email: str, ip: str) -> None:
        """The password was right: forget the account's failures, take this attempt off the
        IP's count."""
        async with self._admit_lock, db.session() as s:
            await s.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key(email)))
            row = await s.get(LoginThrottle, ip_key(ip), with_for_update=True)
            if row is not None:
                row.failures = max(0, row.failures - 1)
                if not row.locked and self._penalty(row.key, row.failures) is None:
                    row.blocked_until = None

    def try_begin_check(self) -> bool:
        """Room for one more password check? (argon2 costs CPU: beyond `max_pending_checks`
        waiting at once the login is refused as busy instead of queued.)"""
        if self._pending >= self.policy.max_pending_checks:
            return False
        self._pending += 1
        return True

    def end_check(self) -> None:
        self._pending -= 1

    # --- for the admin -----------------------------------------------------------------------

    @staticmethod
    async def blocks(db: Database) -> list[Block]:
        async with db.session() as s:
            return await LoginGuard.blocks_in(s)

    @staticmethod
    async def blocks_in(s: AsyncSession, now: datetime | None = None) -> list[Block]:
        """Keys that are locked or waiting now, the longest first."""
        now = now or utcnow()
        rows = (await s.scalars(select(LoginThrottle)
                                .where(LoginThrottle.blocked_until > now)
                                .order_by(LoginThrottle.blocked_until.desc()))).all()
        out = []
        for r in rows:
            scope = "account" if r.key.startswith(ACCOUNT) else "ip"
            subject = r.key[len(ACCOUNT if scope == "account" else IP):]
            assert r.blocked_until is not None
            out.append(Block(r.key, scope, subject, r.failures, r.blocked_until, r.locked))
        return out

    @staticmethod
    async def unlock(db: Database, subject: str) -> bool:
        async with db.session() as s:
            return await LoginGuard.unlock_in(s, subject)

    @staticmethod
    async def unlock_in(s: AsyncSession, subject: str) -> bool:
        """Lift the block of an e-mail address or an IP address (or a full key)."""
        candidates = [subject] if subject.startswith((ACCOUNT, IP)) else [
            account_key(subject), ip_key(subject.strip())]
        result = await s.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(candidates)))
        return bool(getattr(result, "rowcount", 0))
