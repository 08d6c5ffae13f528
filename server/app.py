"""The aiohttp application factory: `create_app(settings) -> web.Application`, the one place
that assembles the application.

State lives in `app[keys.X]`; resources (database, scorer pool, counter buffer) are opened
and closed in `app.cleanup_ctx`. Then each feature adds its routes, hooks and contexts with its
own `setup(app)`, in the order of FEATURES. Last come the packages that build on the server
(`schedules`: the scheduler and its jobs), found by their `denkna.app` entry point in
pyproject.toml (server/plugins.py), so the server never imports them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from classifiers.pipeline import Scorer
from server import api, file_modes, http_headers, keys, plugins
from server.auth import Authenticator
from server.config import Settings, ensure_secret_key
from server.counters import CounterBuffer
from server.dashboard import setup as dashboard
from server.errors import Handler, error_middleware, error_response
from server.escalation import setup as escalation
from server.metrics import Metrics
from server.platforms import setup as platforms
from server.school import setup as school
from server.scoring_pool import scoring_from_settings
from server.sso import setup as sso
from server.storage.db import Database

log = logging.getLogger("denkna.server")

CORS_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type"
# The server's features, in order: the API, monitoring of the official accounts (it makes the
# hook lists the others extend), escalation (cases, outbox, alerts), the school's own protocol,
# consent list and "klopt niet" counts, the leadership dashboard, sign-in with the school
# account (it uses the dashboard's sessions and login page).
FEATURES = (api, platforms, escalation, school, dashboard, sso)


def _cors_middleware(allowed: frozenset[str]) -> web.middleware:  # type: ignore[valid-type]
    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            if origin not in allowed:
                return error_response(403, "origin_not_allowed",
                                      "Deze extensie of website heeft geen toegang.")
            return web.Response(status=204, headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": CORS_METHODS,
                "Access-Control-Allow-Headers": CORS_HEADERS,
                "Access-Control-Max-Age": "600",
                "Vary": "Origin",
            })
        response = await handler(request)
        if origin and origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = "Retry-After"
            response.headers["Vary"] = "Origin"
        return response

    return cors


@web.middleware
async def _metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "unmatched"
        request.app[keys.METRICS].observe_request(
            request.method, route, status, time.perf_counter() - started
        )


def create_app(settings: Settings, *,
               deep_scorer: Callable[[], Scorer] | None = None) -> web.Application:
    """`deep_scorer`: what a deep worker builds instead of `Scorer(mode="deep")` (tests; must be
    picklable when `scoring.deep_workers` > 0)."""
    app = web.Application(
        client_max_size=settings.server.body_limit_bytes,
        middlewares=[
            _cors_middleware(frozenset(settings.cors.allowed_origins)),
            _metrics_middleware,
            error_middleware,
        ],
    )
    app[keys.SETTINGS] = settings
    file_modes.var_dir(settings.var_path)  # 0700, its database and key files 0600
    app[keys.SECRET_KEY] = ensure_secret_key(settings)
    db = Database(settings.database_url)
    app[keys.DB] = db
    app[keys.SCORER_POOL] = scoring_from_settings(settings.scoring, deep_scorer)
    app[keys.METRICS] = Metrics()
    app[keys.AUTH] = Authenticator(db, settings.rate_limit.per_second, settings.rate_limit.burst)
    app[keys.COUNTERS] = CounterBuffer(db)
    app[keys.THRESHOLD_CACHE] = {}
    app[keys.COMMENT_LISTENERS] = []
    app[keys.OPENAPI_FRAGMENTS] = []
    app.cleanup_ctx.append(_database_ctx)
    app.cleanup_ctx.append(_scorer_ctx)
    app.cleanup_ctx.append(_counters_ctx)
    http_headers.setup(app)  # Server without versions, no-store on the API

    for feature in FEATURES:
        feature.setup(app)
    for setup in plugins.app_features():
        setup(app)
    return app


async def _database_ctx(app: web.Application) -> AsyncIterator[None]:
    db = app[keys.DB]
    await db.migrate()
    yield
    await db.dispose()


async def _scorer_ctx(app: web.Application) -> AsyncIterator[None]:
    pool = app[keys.SCORER_POOL]
    await pool.start()
    yield
    await pool.close()


async def _counters_ctx(app: web.Application) -> AsyncIterator[None]:
    counters = app[keys.COUNTERS]
    counters.start()
    yield
    await counters.close()
