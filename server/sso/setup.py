"""`setup(app)`: single sign-on routes, the OIDC client with its HTTP session, the buttons on
the dashboard's login page, the admin's settings page (Instellingen → Inloggen met
schoolaccount) and the access-log filter. Comes after the dashboard (it uses the dashboard's
sessions, login page and settings pages)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from server import keys
from server.api.openapi import operation
from server.config import SsoSettings
from server.errors import Handler
from server.sso import log_filter, routes, settings_page, store
from server.sso.oidc import OidcClient
from server.storage.db import Database

DASHBOARD_TEMPLATES = Path(__file__).resolve().parents[1] / "dashboard" / "templates"
# the dashboard's login page shows these (server/dashboard/templates/login.html)
LOGIN_CHOICES = keys.SSO_LOGIN_CHOICES


class SchoolsLookup:
    """The schools with a sign-in button on the login page, (name, slug): one query, shared
    by the requests that arrive while it runs (a flood of 200 logins makes a few, not 200)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._running: asyncio.Task[list[tuple[str, str]]] | None = None

    async def get(self) -> list[tuple[str, str]]:
        if self._running is None:
            self._running = task = asyncio.create_task(self._load())
            task.add_done_callback(self._finished)
        # shielded: a request that goes away leaves the others their answer
        return await asyncio.shield(self._running)

    def _finished(self, task: asyncio.Task[list[tuple[str, str]]]) -> None:
        if self._running is task:
            self._running = None

    async def _load(self) -> list[tuple[str, str]]:
        async with self.db.session() as s:
            return [(school.name, school.slug) for school, _ in await store.enabled_schools(s)]


SCHOOLS_LOOKUP = web.AppKey("sso_schools_lookup", SchoolsLookup)

TOKEN_ANSWER = {"type": "object", "properties": {
    "token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"},
    "refresh_after": {"type": "string", "format": "date-time"}, "scope": {"type": "string"}}}


def setup(app: web.Application) -> None:
    app[keys.PASSWORD_LOGIN_ALLOWED] = store.password_login_allowed
    settings = app[keys.SETTINGS].sso if keys.SETTINGS in app else SsoSettings()
    sso = routes.Sso(
        db=app[keys.DB], secret_key=app[keys.SECRET_KEY], settings=settings,
        client=OidcClient(session=lambda: sso.session()),
        pages=jinja2.Environment(loader=jinja2.FileSystemLoader(
            [str(Path(__file__).parent / "templates"), str(DASHBOARD_TEMPLATES)]),
            autoescape=True),
    )
    app[routes.SSO] = sso
    app[SCHOOLS_LOOKUP] = SchoolsLookup(app[keys.DB])
    app.cleanup_ctx.append(_lifetime)
    app.middlewares.append(login_choices)
    r = app.router
    base = routes.BASE
    r.add_get(base, routes.start_dashboard)
    r.add_get(f"{base}/extension", routes.start_extension)
    r.add_get(f"{base}/callback", routes.callback)
    r.add_get(f"{base}/extension/done", routes.extension_done)
    r.add_post("/api/v1/auth/extension/token", routes.extension_token)
    r.add_post("/api/v1/auth/token/rotate", routes.rotate_token)
    r.add_get("/api/v1/auth/token", routes.token_info)
    cfg_path = "/api/v1/admin/schools/{school_id}/sso"
    r.add_get(cfg_path, routes.get_config)
    r.add_put(cfg_path, routes.put_config)
    r.add_delete(cfg_path, routes.delete_config)
    settings_page.add_routes(app)
    frag: dict[str, Any] = {}
    operation(frag, "POST", "/api/v1/auth/extension/token", roles=None,
              summary="De extensie wisselt haar eenmalige inlogcode (na inloggen met het "
                      "schoolaccount) in voor een token", body=routes.CodeExchange,
              response=TOKEN_ANSWER, tag="auth")
    operation(frag, "POST", "/api/v1/auth/token/rotate", roles=("staff", "leadership", "board"),
              summary="Het token van de extensie vernieuwen vóór het verloopt",
              response=TOKEN_ANSWER, tag="auth")
    operation(frag, "GET", "/api/v1/auth/token", roles=("staff", "leadership", "board"),
              summary="Rol, scope en verloopmoment van het eigen token", tag="auth",
              response={"type": "object"})
    operation(frag, "GET", cfg_path, roles=("admin",), tag="admin",
              summary="Inloggen met het schoolaccount (OIDC) van een school",
              response={"type": "object"})
    operation(frag, "PUT", cfg_path, roles=("admin",), tag="admin",
              summary="Inloggen met het schoolaccount instellen (uitgever, client, domeinen, "
                      "groep voor de directie, wachtwoord aan/uit)",
              body=store.SsoConfigIn, response={"type": "object"})
    operation(frag, "DELETE", cfg_path, roles=("admin",), tag="admin",
              summary="Inloggen met het schoolaccount uitzetten", response={"type": "object"})
    app[keys.OPENAPI_FRAGMENTS].append(frag)


async def _lifetime(app: web.Application) -> AsyncIterator[None]:
    flt = log_filter.install()
    yield
    log_filter.remove(flt)
    sso = app[routes.SSO]
    if sso.http is not None:
        await sso.http.close()


@web.middleware
async def login_choices(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The dashboard's login page gets a button per school that signs in with its account."""
    if request.path == "/dashboard/login":
        schools = await request.app[SCHOOLS_LOOKUP].get()
        nxt = request.query.get("next")
        request[LOGIN_CHOICES] = [
            {"name": name, "href": f"{routes.BASE}?" + "&".join(
                [f"school={slug}"] + ([f"next={_quote(nxt)}"] if nxt else []))}
            for name, slug in schools]
    return await handler(request)


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
