"""HTTP API v1. `setup(app)` registers every route and the OpenAPI fragment of each module."""

from __future__ import annotations

from aiohttp import web

from server.api import admin, cases, check, feedback, monitoring, system


def setup(app: web.Application) -> None:
    for module in (system, check, feedback, monitoring, cases, admin):
        module.setup(app)
