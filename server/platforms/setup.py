"""`setup(app)`: hooks monitoring into the server (one call from server/app.py): API routes,
Meta webhooks, the scheduler with the polling jobs, and the hook lists other parts extend."""

from __future__ import annotations

from aiohttp import web

from schedules.context import MONITOR, Monitor
from schedules.purge_retention import RETENTION_KEEP_THREADS
from schedules.wiring import setup_scheduler
from server import keys
from server.platforms import api, webhooks
from server.platforms.alerts import REAUTH_HOOKS
from server.platforms.settings import MonitoringSettings, monitoring_settings


def setup(app: web.Application, settings: MonitoringSettings | None = None) -> None:
    """Idempotent: a second call (tests, tools) only replaces the settings."""
    if MONITOR in app:
        if settings is not None:
            app[MONITOR].settings = settings
        return
    app[MONITOR] = Monitor(settings=settings or monitoring_settings(app.get(keys.SETTINGS)))
    app[REAUTH_HOOKS] = []
    app[RETENTION_KEEP_THREADS] = []
    fragment = api.add_routes(app)
    webhooks.add_routes(app)
    if keys.OPENAPI_FRAGMENTS in app:
        app[keys.OPENAPI_FRAGMENTS].append(fragment)
    setup_scheduler(app)
