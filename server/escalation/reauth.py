"""Admins hear once, through the outbox, when an official account's token stops working.

Monitoring calls `alert_admins` once when an account turns `needs_reauth` (see
server/platforms/alerts.py); the message goes to the admins (e-mail of active admin users, or
the school's `alerts.admin` destinations) with the same delivery guarantees as case alerts.
"""

from __future__ import annotations

from aiohttp import web

from server import keys
from server.escalation.alerts import Alert
from server.escalation.cases import alert_destinations
from server.escalation.outbox import enqueue
from server.escalation.service import Escalation
from server.keys import ReauthAlert
from server.storage.models import School


async def alert_admins(app: web.Application, alert: ReauthAlert, service: Escalation) -> int:
    """Queue one message per admin destination; returns how many were new."""
    now = service.clock()
    async with app[keys.DB].session() as s:
        school = await s.get(School, alert.school_id)
        message = Alert(
            kind="account_needs_reauth",
            case_id=None,
            school=school.name if school else "",
            account=f"{alert.account_name} ({alert.platform.capitalize()})",
            link=f"{service.config.base_url.rstrip('/')}{alert.reconnect_path}",
        )
        # One transition, one alert: a repeated call in the same hour is the same event.
        stamp = now.strftime("%Y%m%d%H")
        queued = 0
        for d in await alert_destinations(s, alert.school_id, audience="admin"):
            key = f"needs_reauth:{alert.account_id}:{stamp}:{d.channel}:{d.address}"
            if await enqueue(s, alert=message, channel=d.channel, destination=d.address,
                             dedupe_key=key, school_id=alert.school_id, now=now):
                queued += 1
    return queued
