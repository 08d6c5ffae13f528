"""The `needs_reauth` alert hook: called ONCE when an account's token stops working.

Escalation's outbox (or anything else) appends `async def hook(app, alert: ReauthAlert)` to
`app[REAUTH_HOOKS]`. Whether or not a hook is registered, an audit_log row
`account.needs_reauth` and a log line record the event.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from server import admin_ops, keys

log = logging.getLogger("denkna.monitoring")


@dataclass(frozen=True)
class ReauthAlert:
    account_id: int
    school_id: int
    platform: str
    account_name: str
    reason: str  # short, no token material

    def message_nl(self) -> str:
        return (f"Het {self.platform}-account '{self.account_name}' moet opnieuw worden "
                "gekoppeld: het toegangstoken is verlopen of ingetrokken. Denkna leest de "
                "reacties pas weer mee als een beheerder een nieuw token instelt.")


ReauthHook = Callable[[web.Application, ReauthAlert], Awaitable[None]]
REAUTH_HOOKS = web.AppKey("reauth_hooks", list[ReauthHook])


async def alert_needs_reauth(app: web.Application, alert: ReauthAlert) -> None:
    log.warning("account %s (%s) needs a new token: %s", alert.account_id, alert.platform,
                alert.reason)
    async with app[keys.DB].session() as s:
        await admin_ops.audit(s, "account.needs_reauth", school_id=alert.school_id,
                              target=f"account:{alert.account_id}",
                              details={"platform": alert.platform, "reason": alert.reason})
    for hook in app.get(REAUTH_HOOKS, []):
        try:
            await hook(app, alert)
        except Exception:
            log.exception("needs_reauth hook failed")
