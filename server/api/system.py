"""GET /api/v1/health (no auth), GET /metrics (admin), GET /api/v1/openapi.json (no auth)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from aiohttp import web

from server import keys
from server.api.openapi import build_spec, operation
from server.auth import requires
from server.errors import ApiError

DEEP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status"],
    "description": "De diepe controle (met de encoder): loaded, loading (wordt op de achtergrond "
                   "geladen; tot dan wordt snel gecontroleerd) of unavailable (met de reden).",
    "properties": {"status": {"enum": ["loaded", "loading", "unavailable"]},
                   "reason": {"type": "string"}, "name": {"type": "string"},
                   "workers": {"type": "integer"}, "kind": {"type": "string"}},
}


def denkna_version() -> str:
    try:
        return version("denkna")
    except PackageNotFoundError:
        return "0.0.0"


async def _is_admin(request: web.Request) -> bool:
    header = request.headers.get("Authorization")
    if not header:
        return False
    try:
        principal = await request.app[keys.AUTH].authenticate(header)
    except ApiError:
        return False
    return principal.role == "admin" and principal.scope is None  # not the extension's


async def health(request: web.Request) -> web.Response:
    """Anyone (a load balancer, the extension's connection test) gets the status; the
    database, model and version details only with an admin token: they tell an attacker
    which version to aim at."""
    db_ok = await request.app[keys.DB].ping()
    scoring = request.app[keys.SCORER_POOL]
    pool = scoring.info
    ok = db_ok and pool.ready  # the quick pool: without it nothing is checked
    body: dict[str, Any] = {"status": "ok" if ok else "degraded"}
    if await _is_admin(request):
        body.update({"database": db_ok,
                     "model": {"loaded": pool.ready, "name": pool.model, "workers": pool.workers,
                               "kind": pool.kind, "deep": scoring.deep_status()},
                     "version": denkna_version()})
    return web.json_response(body, status=200 if ok else 503)


@requires("admin")
async def metrics(request: web.Request) -> web.Response:
    return web.Response(text=request.app[keys.METRICS].render(),
                        content_type="text/plain", charset="utf-8")


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(build_spec(request.app))


def setup(app: web.Application) -> None:
    app.router.add_get("/api/v1/health", health)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/api/v1/openapi.json", openapi)
    frag: dict[str, Any] = {}
    operation(frag, "GET", "/api/v1/health", summary="Gezondheid van de server", roles=None,
              tag="system",
              response={"type": "object", "required": ["status"],
                        "description": "Zonder token alleen `status`; met een admin-token ook "
                                       "database, model en versie.",
                        "properties": {"status": {"enum": ["ok", "degraded"]},
                                       "database": {"type": "boolean"},
                                       "model": {"type": "object", "properties": {
                                           "deep": DEEP_SCHEMA}},
                                       "version": {"type": "string"}}})
    operation(frag, "GET", "/metrics", summary="Prometheus-metrieken", roles=("admin",),
              tag="system", content_type="text/plain", response={"type": "string"})
    operation(frag, "GET", "/api/v1/openapi.json", summary="Deze API-beschrijving", roles=None,
              tag="system", response={"type": "object"})
    app[keys.OPENAPI_FRAGMENTS].append(frag)
