"""Typed keys for the state held in the aiohttp application (`app[keys.X]`). No globals.

COMMENT_LISTENERS: `async def listener(app, stored: list[server.ingest.StoredComment])`,
called by server.ingest after the comments are committed (escalation registers one).
OPENAPI_FRAGMENTS: dicts `{"paths": {...}, "components": {"schemas": {...}}}` merged into
`GET /api/v1/openapi.json`; a feature module appends its own in its `setup(app)`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from server.config import Settings
from server.metrics import Metrics
from server.scoring_pool import ScorerPool
from server.storage.db import Database

CommentListener = Callable[[web.Application, list[Any]], Awaitable[None]]

SETTINGS = web.AppKey("settings", Settings)
SECRET_KEY = web.AppKey("secret_key", str)
DB = web.AppKey("db", Database)
SCORER_POOL = web.AppKey("scorer_pool", ScorerPool)
COMMENT_LISTENERS = web.AppKey("comment_listeners", list[CommentListener])
METRICS = web.AppKey("metrics", Metrics)
AUTH = web.AppKey("auth", object)  # server.auth.Authenticator (object: avoids an import cycle)
OPENAPI_FRAGMENTS = web.AppKey("openapi_fragments", list[dict[str, Any]])
COUNTERS = web.AppKey("counters", object)  # server.counters.CounterBuffer
THRESHOLD_CACHE = web.AppKey("threshold_cache", dict[int, tuple[float, dict[str, float]]])
