"""`setup(app)` of the school feature: the per-school cache, POST /api/v1/check/feedback and
the size limit of the consent list's upload."""

from __future__ import annotations

from aiohttp import web

from server.school import api, upload
from server.school.context import CACHE


def setup(app: web.Application) -> None:
    app[CACHE] = {}
    app.middlewares.append(upload.upload_size)  # before the dashboard's: it runs outside it
    api.setup(app)
