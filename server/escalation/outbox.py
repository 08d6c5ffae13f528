"""The alert outbox: messages are written in the same transaction as the case, and a
delivery worker sends them at least once, with backoff, claiming each row with a lease so
that several server instances never send one message twice at the same time.

The dedupe key is unique per (message, channel, destination): enqueuing twice is a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.escalation.alerts import Alert, DeliveryError, SmtpSettings, deliver
from server.storage.db import Database
from server.storage.escalation_models import OutboxMessage
from server.storage.models import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
LEASE = timedelta(seconds=120)


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s ... capped at one hour."""
    return timedelta(seconds=min(3600, 10 * 2 ** max(0, attempts - 1)))


async def enqueue(
    session: AsyncSession,
    *,
    alert: Alert,
    channel: str,
    destination: str,
    dedupe_key: str,
    school_id: int | None,
    now: datetime,
) -> bool:
    """Add one message (inside the caller's transaction). False when the key already exists."""
    existing = await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    )
    if existing is not None:
        return False
    session.add(OutboxMessage(
        dedupe_key=dedupe_key, school_id=school_id, case_id=alert.case_id, channel=channel,
        destination=destination, payload=alert.to_json(), status="pending", attempts=0,
        next_attempt_at=now, created_at=now,
    ))
    return True


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        *,
        smtp: SmtpSettings,
        clock: Callable[[], datetime] = utcnow,
        http: aiohttp.ClientSession | None = None,
    ) -> None:
        self.db = db
        self.smtp = smtp
        self.clock = clock
        self._http = http
        self._own_http = http is None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    async def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
            self._own_http = True
        return self._http

    async def _claim(self, now: datetime, limit: int) -> list[OutboxMessage]:
        async with self.db.session() as s:
            rows = (await s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                       or_(OutboxMessage.claimed_until.is_(None),
                           OutboxMessage.claimed_until < now))
                .order_by(OutboxMessage.id).limit(limit)
            )).all()
            claimed = []
            for row in rows:
                res = await s.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == row.id, OutboxMessage.status == "pending",
                           or_(OutboxMessage.claimed_until.is_(None),
                               OutboxMessage.claimed_until < now))
                    .values(claimed_until=now + LEASE)
                )
                if res.rowcount == 1:
                    claimed.append(row)
            return claimed

    async def deliver_due(self, limit: int = 50) -> DeliveryReport:
        """Send every message that is due now. Safe to run on several instances."""
        report = DeliveryReport()
        now = self.clock()
        http = await self._session()
        for msg in await self._claim(now, limit):
            try:
                await deliver(msg.channel, msg.destination, Alert.from_json(msg.payload),
                              smtp=self.smtp, session=http, dedupe_key=msg.dedupe_key)
            except DeliveryError as exc:
                report.failed += 1
                attempts = msg.attempts + 1
                log.warning("outbox %s: delivery failed (attempt %d): %s", msg.id, attempts, exc)
                async with self.db.session() as s:
                    await s.execute(update(OutboxMessage).where(OutboxMessage.id == msg.id).values(
                        attempts=attempts, claimed_until=None, last_error=str(exc)[:1000],
                        next_attempt_at=self.clock() + backoff(attempts),
                        status="failed" if attempts >= MAX_ATTEMPTS else "pending",
                    ))
                continue
            report.sent += 1
            async with self.db.session() as s:
                await s.execute(update(OutboxMessage).where(OutboxMessage.id == msg.id).values(
                    status="sent", sent_at=self.clock(), attempts=msg.attempts + 1,
                    claimed_until=None, last_error=None,
                ))
        return report

    def wake(self) -> None:
        self._wake.set()

    async def run(self, interval: float = 5.0) -> None:
        while True:
            try:
                await self.deliver_due()
            except Exception:  # keep the worker alive; the row stays pending
                log.exception("outbox delivery round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval)
            self._wake.clear()

    def start(self, interval: float = 5.0) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(interval), name="denkna-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._own_http and self._http is not None:
            await self._http.close()
