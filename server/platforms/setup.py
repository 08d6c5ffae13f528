"""`setup(app)`: monitoring of the official accounts, as a feature of the server: the monitor
state (settings, shared HTTP session), the account and author-role API, Meta webhooks, the
reply poster, and the hook lists other parts extend. The scheduler that polls is not wired
here: `schedules` plugs it in from server/app.py."""

from __future__ import annotations

from aiohttp import web

from server import keys
from server.config import monitoring_settings
from server.platforms import api, webhooks
from server.platforms.access import reply_poster


def setup(app: web.Application) -> None:
    app[keys.MONITOR] = keys.Monitor(settings=monitoring_settings(app[keys.SETTINGS]))
    app[keys.REAUTH_HOOKS] = []
    app[keys.RETENTION_KEEP_THREADS] = []
    app[keys.REPLY_POSTER] = reply_poster(app)
    app[keys.OPENAPI_FRAGMENTS].append(api.add_routes(app))
    webhooks.add_routes(app)
    app.on_cleanup.append(_close_http)


async def _close_http(app: web.Application) -> None:
    await app[keys.MONITOR].close()
