"""Job: deadlines of open cases. A missed step deadline sends a reminder to the assignee;
a second miss escalates the case to the next role (e.g. the board). See
server.escalation.service.Escalation.process_deadlines; the clock is injectable there."""

from __future__ import annotations

import logging

from aiohttp import web

from server.escalation.service import ESCALATION

log = logging.getLogger("denkna.escalation")
INTERVAL_MINUTES = 5


async def case_reminders(app: web.Application) -> dict[str, int]:
    service = app.get(ESCALATION)
    if service is None:
        return {"reminded": 0, "escalated": 0}
    counts = await service.process_deadlines()
    if counts["reminded"] or counts["escalated"]:
        log.info("case deadlines: %(reminded)d reminded, %(escalated)d escalated", counts)
    return counts
