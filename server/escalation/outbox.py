"""The alert outbox: messages are written in the same transaction as the case, and a
delivery worker sends them at least once, with backoff, claiming each row with a lease so
that several server instances never send one message twice at the same time.

The dedupe key is unique per (message, channel, destination): enqueuing twice is a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.escalation.alerts import Alert, DeliveryError, deliver
from server.escalation.mail import SmtpSettings
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


# How the worker finds a school's mail server: (session, school_id, default) -> settings.
SmtpLookup = Callable[[AsyncSession, int | None, SmtpSettings], Awaitable[SmtpSettings]]


async def _default_smtp(session: AsyncSession, school_id: int | None,
                        default: SmtpSettings) -> SmtpSettings:
    return default


@dataclass
class OutboxStats:
    """For /metrics: deliveries by channel and result in this process, and the messages
    waiting in the outbox by state after the last round (`retrying`: pending after a failure,
    `failed`: given up after MAX_ATTEMPTS)."""

    deliveries: Counter[tuple[str, str]] = field(default_factory=Counter)
    waiting: dict[str, int] = field(default_factory=dict)

    def metric_lines(self) -> list[str]:
        lines = ["# HELP denkna_outbox_deliveries_total Alert deliveries by channel and result.",
                 "# TYPE denkna_outbox_deliveries_total counter"]
        for (channel, result), n in sorted(self.deliveries.items()):
            lines.append(f'denkna_outbox_deliveries_total{{channel="{channel}",'
                         f'result="{result}"}} {n}')
        lines += ["# HELP denkna_outbox_messages Messages in the outbox by state "
                  "(retrying: failed at least once and waiting for a new try).",
                  "# TYPE denkna_outbox_messages gauge"]
        for state in ("pending", "retrying", "failed"):
            lines.append(f'denkna_outbox_messages{{state="{state}"}} '
                         f"{self.waiting.get(state, 0)}")
        return lines


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        *,
        smtp: SmtpSettings,
        clock: Callable[[], datetime] = utcnow,
        smtp_lookup: SmtpLookup = _default_smtp,
    ) -> None:
        self.db = db
        self.smtp = smtp  # the installation's default mail server
        self.clock = clock
        self.smtp_lookup = smtp_lookup
        self.stats = OutboxStats()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    async def _smtp_for(self, school_id: int | None) -> SmtpSettings:
        async with self.db.session() as s:
            return await self.smtp_lookup(s, school_id, self.smtp)

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
        for msg in await self._claim(now, limit):
            try:
                smtp = await self._smtp_for(msg.school_id) if msg.channel == "email" else self.smtp
                await deliver(msg.channel, msg.destination, Alert.from_json(msg.payload),
                              smtp=smtp, dedupe_key=msg.dedupe_key)
            except DeliveryError as exc:
                report.failed += 1
                self.stats.deliveries[(msg.channel, "failed")] += 1
                attempts = msg.attempts + 1
                log.warning("outbox %s: delivery over %s failed (attempt %d): %s [%s]", msg.id,
                            msg.channel, attempts, exc.reason, exc.detail)
                async with self.db.session() as s:
                    await s.execute(update(OutboxMessage).where(OutboxMessage.id == msg.id).values(
                        attempts=attempts, claimed_until=None, last_error=exc.reason[:1000],
                        next_attempt_at=self.clock() + backoff(attempts),
                        status="failed" if attempts >= MAX_ATTEMPTS else "pending",
                    ))
                continue
            report.sent += 1
            self.stats.deliveries[(msg.channel, "sent")] += 1
            async with self.db.session() as s:
                await s.execute(update(OutboxMessage).where(OutboxMessage.id == msg.id).values(
                    status="sent", sent_at=self.clock(), attempts=msg.attempts + 1,
                    claimed_until=None, last_error=None,
                ))
        await self._count_waiting()
        return report

    async def _count_waiting(self) -> None:
        async with self.db.session() as s:
            rows = (await s.execute(
                select(OutboxMessage.status, OutboxMessage.last_error.is_not(None),
                       func.count(OutboxMessage.id))
                .where(OutboxMessage.status.in_(("pending", "failed")))
                .group_by(OutboxMessage.status, OutboxMessage.last_error.is_not(None)))).all()
        waiting = {"pending": 0, "retrying": 0, "failed": 0}
        for status, had_error, n in rows:
            key = "failed" if status == "failed" else ("retrying" if had_error else "pending")
            waiting[key] += int(n)
        self.stats.waiting = waiting

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
