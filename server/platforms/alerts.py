"""The `needs_reauth` alert: called ONCE when an account's token stops working.

Whether or not a hook is registered in `app[keys.REAUTH_HOOKS]` (escalation mails the admins),
an audit_log row `account.needs_reauth` and a log line record the event.
"""

from __future__ import annotations

import logging

from aiohttp import web

from server import admin_ops, keys
from server.keys import ReauthAlert

log = logging.getLogger("denkna.monitoring")


async def alert_needs_reauth(app: web.Application, alert: ReauthAlert) -> None:
    log.warning("account %s (%s) needs a new token: %s", alert.account_id, alert.platform,
                alert.reason)
    async with app[keys.DB].session() as s:
        await admin_ops.audit(s, "account.needs_reauth", school_id=alert.school_id,
                              target=f"account:{alert.account_id}",
                              details={"platform": alert.platform, "reason": alert.reason})
    for hook in app.get(keys.REAUTH_HOOKS, []):
        try:
            await hook(app, alert)
        except Exception:
            log.exception("needs_reauth hook failed")
