"""`setup(app)` of the school feature: the per-school cache and the size limit of the consent
list's upload (its API route, POST /api/v1/check/feedback, is in server/api/feedback.py)."""

from __future__ import annotations

from aiohttp import web

from server.school import upload
from server.school.context import CACHE


def setup(app: web.Application) -> None:
    app[CACHE] = {}
    app.middlewares.append(upload.upload_size)  # before the dashboard's: it runs outside it
