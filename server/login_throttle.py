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
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
from dataclasses import dataclass
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
        self._admit_lock = asyncio.Lock()  # one admission at a time in this process
        self._pending = 0  # password checks admitted and not yet finished

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
        this attempt included."""
        now = now or utcnow()
        keys = (account_key(email), ip_key(ip))
        forget = timedelta(seconds=max(self.policy.forget_after_seconds,
                                       self.policy.lock_seconds))
        async with self._admit_lock, db.session() as s:
            insert = sqlite_insert if db.is_sqlite else pg_insert
            await s.execute(insert(LoginThrottle).values([
                {"key": k, "failures": 0, "last_failure_at": now, "blocked_until": None,
                 "locked": False} for k in keys]).on_conflict_do_nothing())
            rows = (await s.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))
                                    .order_by(LoginThrottle.key).with_for_update())).all()
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
            account = next(r for r in rows if r.key == keys[0])
            if refusals:
                return max(refusals, key=lambda r: (r.kind == "lock", r.retry_after))
            return account.failures

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
