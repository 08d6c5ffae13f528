"""Monitoring endpoints: account health, a renewed access token, polling settings, author roles,
and hiding / unhiding a comment on the platform."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from aiohttp import web
from pydantic import Field
from sqlalchemy import delete, select, update

from server import admin_ops, keys
from server.api.body import Str, Strict, path_int, read_json
from server.api.openapi import operation
from server.auth import principal_of, requires
from server.errors import ApiError
from server.platforms.access import connector_for
from server.platforms.base import NotSupported, PlatformError
from server.platforms.credentials import CredentialError, store_token
from server.storage.models import Account, Comment, School, utcnow
from server.storage.monitoring_models import AuthorRole, PollState


class TokenIn(Strict):
    token: Str = Field(min_length=8, max_length=4096)


class MonitoringIn(Strict):
    poll_interval_seconds: float | None = Field(None, ge=10, le=86400)
    auto_hide_threshold: float | None = Field(None, gt=0, le=1)


class AuthorRoleIn(Strict):
    platform: Literal["facebook", "instagram", "youtube", "mastodon"]
    author_external_id: Str = Field(min_length=1, max_length=200)
    role: Literal["staff", "adult", "child", "page"]
    label: Str | None = Field(None, max_length=200)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def _account(request: web.Request, s: Any, write: bool = False) -> Account:
    account = await s.get(Account, path_int(request, "id"))
    principal = principal_of(request)
    if account is None or not principal.can_read_school(account.school_id):
        raise ApiError(404, "not_found", "Dit account bestaat niet.")
    if write and principal.role != "admin":
        raise ApiError(403, "forbidden", "Alleen een beheerder kan dit account wijzigen.")
    return account


def health_body(account: Account, state: PollState | None) -> dict[str, Any]:
    return {
        "account_id": account.id, "platform": account.platform, "status": account.status,
        "last_success": _iso(state.last_success) if state else None,
        "last_attempt": _iso(state.last_attempt_at) if state else None,
        "last_error": state.last_error if state else None,
        "failures": state.consecutive_failures if state else 0,
        "skipped_malformed": state.skipped_malformed if state else 0,
        "comments_seen": state.comments_seen if state else 0,
        "next_attempt_at": _iso(state.next_attempt_at) if state else None,
        "polling_by": state.lease_owner if state else None,
    }


@requires("leadership", "board")
async def health(request: web.Request) -> web.Response:
    async with request.app[keys.DB].session() as s:
        account = await _account(request, s)
        state = await s.get(PollState, account.id)
        return web.json_response(health_body(account, state))


@requires()
async def set_token(request: web.Request) -> web.Response:
    body = await read_json(request, TokenIn)
    principal = principal_of(request)
    async with request.app[keys.DB].session() as s:
        account = await _account(request, s, write=True)
        await store_token(s, request.app[keys.SECRET_KEY], account.id, body.token,
                          principal.user_id)
        was = account.status
        if account.status in ("needs_reauth", "error", "active"):
            account.status = "active"
        await s.execute(update(PollState).where(PollState.account_id == account.id).values(
            next_attempt_at=None, consecutive_failures=0, last_error=None,
            reauth_alerted_at=None))
        await admin_ops.audit(s, "account.token_set", actor=principal.user_id,
                              school_id=account.school_id, target=f"account:{account.id}",
                              details={"previous_status": was})
        state = await s.get(PollState, account.id)
        return web.json_response(health_body(account, state))


@requires()
async def set_monitoring(request: web.Request) -> web.Response:
    body = await read_json(request, MonitoringIn)
    async with request.app[keys.DB].session() as s:
        account = await _account(request, s, write=True)
        settings = dict(account.settings or {})
        for key, value in body.model_dump().items():
            if value is None:
                settings.pop(key, None)
            else:
                settings[key] = value
        account.settings = settings
        await admin_ops.audit(s, "account.monitoring_set", actor=principal_of(request).user_id,
                              school_id=account.school_id, target=f"account:{account.id}",
                              details=body.model_dump())
        return web.json_response({"account_id": account.id,
                                  "poll_interval_seconds": settings.get("poll_interval_seconds"),
                                  "auto_hide_threshold": settings.get("auto_hide_threshold")})


def _school_id(request: web.Request) -> int:
    school_id = path_int(request, "id")
    if not principal_of(request).can_read_school(school_id):
        raise ApiError(404, "not_found", "Deze school bestaat niet.")
    return school_id


def _role_body(row: AuthorRole) -> dict[str, Any]:
    return {"id": row.id, "platform": row.platform, "author_external_id": row.author_external_id,
            "role": row.role, "label": row.label}


@requires("leadership")
async def list_roles(request: web.Request) -> web.Response:
    school_id = _school_id(request)
    async with request.app[keys.DB].session() as s:
        rows = (await s.execute(select(AuthorRole).where(AuthorRole.school_id == school_id)
                                .order_by(AuthorRole.id))).scalars()
        return web.json_response({"author_roles": [_role_body(r) for r in rows]})


@requires()
async def put_role(request: web.Request) -> web.Response:
    school_id = _school_id(request)
    body = await read_json(request, AuthorRoleIn)
    async with request.app[keys.DB].session() as s:
        if await s.get(School, school_id) is None:
            raise ApiError(404, "not_found", "Deze school bestaat niet.")
        row = (await s.execute(select(AuthorRole).where(
            AuthorRole.school_id == school_id, AuthorRole.platform == body.platform,
            AuthorRole.author_external_id == body.author_external_id))).scalar_one_or_none()
        if row is None:
            row = AuthorRole(school_id=school_id, platform=body.platform,
                             author_external_id=body.author_external_id, created_at=utcnow(),
                             role=body.role)
            s.add(row)
        row.role, row.label = body.role, body.label
        await s.flush()
        await admin_ops.audit(s, "author_role.set", actor=principal_of(request).user_id,
                              school_id=school_id, target=f"author_role:{row.id}",
                              details={"platform": body.platform, "role": body.role})
        return web.json_response(_role_body(row))


@requires()
async def delete_role(request: web.Request) -> web.Response:
    school_id = _school_id(request)
    role_id = path_int(request, "role_id")
    async with request.app[keys.DB].session() as s:
        res = await s.execute(delete(AuthorRole).where(AuthorRole.id == role_id,
                                                       AuthorRole.school_id == school_id))
        if not res.rowcount:
            raise ApiError(404, "not_found", "Deze auteursrol bestaat niet.")
        await admin_ops.audit(s, "author_role.delete", actor=principal_of(request).user_id,
                              school_id=school_id, target=f"author_role:{role_id}")
    return web.json_response({"deleted": role_id})


async def _moderate(request: web.Request, hidden: bool) -> web.Response:
    app = request.app
    principal = principal_of(request)
    async with app[keys.DB].session() as s:
        comment = await s.get(Comment, path_int(request, "id"))
        if comment is None or not principal.can_read_school(comment.school_id):
            raise ApiError(404, "not_found", "Deze reactie bestaat niet.")
    try:
        connector = await connector_for(app, comment.account_id)
    except CredentialError as exc:
        raise ApiError(409, "no_token", str(exc)) from None
    try:
        await connector.hide(comment.external_id, hidden)
    except NotSupported as exc:
        raise ApiError(409, "not_supported", str(exc)) from None
    except PlatformError as exc:
        raise ApiError(409, "platform_error", "Het platform weigerde de actie: "
                       f"{type(exc).__name__}.") from None
    async with app[keys.DB].session() as s:
        await s.execute(update(Comment).where(Comment.id == comment.id).values(hidden=hidden))
        await admin_ops.audit(s, "comment.unhide" if not hidden else "comment.hide",
                              actor=principal.user_id, school_id=comment.school_id,
                              target=f"comment:{comment.id}")
    return web.json_response({"comment_id": comment.id, "hidden": hidden})


@requires("leadership")
async def hide(request: web.Request) -> web.Response:
    return await _moderate(request, True)


@requires("leadership")
async def unhide(request: web.Request) -> web.Response:
    return await _moderate(request, False)


def add_routes(app: web.Application) -> dict[str, Any]:
    r = app.router
    r.add_get("/api/v1/accounts/{id}/health", health)
    r.add_put("/api/v1/accounts/{id}/token", set_token)
    r.add_put("/api/v1/accounts/{id}/monitoring", set_monitoring)
    r.add_get("/api/v1/schools/{id}/author-roles", list_roles)
    r.add_post("/api/v1/schools/{id}/author-roles", put_role)
    r.add_delete("/api/v1/schools/{id}/author-roles/{role_id}", delete_role)
    r.add_post("/api/v1/comments/{id}/hide", hide)
    r.add_post("/api/v1/comments/{id}/unhide", unhide)
    return openapi_fragment()


def openapi_fragment() -> dict[str, Any]:
    f: dict[str, Any] = {}
    tag = "monitoring"
    obj = {"type": "object"}
    operation(f, "GET", "/api/v1/accounts/{id}/health", summary="Gezondheid van een account "
              "(status, laatste succes, fouten, overgeslagen items)",
              roles=("leadership", "board", "admin"), response=obj, tag=tag)
    operation(f, "PUT", "/api/v1/accounts/{id}/token", summary="Nieuw toegangstoken instellen "
              "(versleuteld opgeslagen; account weer actief)", roles=("admin",), body=TokenIn,
              response=obj, tag=tag)
    operation(f, "PUT", "/api/v1/accounts/{id}/monitoring", summary="Pollinterval en "
              "automatisch verbergen instellen", roles=("admin",), body=MonitoringIn,
              response=obj, tag=tag)
    operation(f, "GET", "/api/v1/schools/{id}/author-roles", summary="Bekende auteurs",
              roles=("leadership", "admin"), response=obj, tag=tag)
    operation(f, "POST", "/api/v1/schools/{id}/author-roles", summary="Auteursrol vastleggen",
              roles=("admin",), body=AuthorRoleIn, response=obj, tag=tag)
    operation(f, "DELETE", "/api/v1/schools/{id}/author-roles/{role_id}",
              summary="Auteursrol verwijderen", roles=("admin",), response=obj, tag=tag)
    operation(f, "POST", "/api/v1/comments/{id}/hide", summary="Reactie verbergen op het "
              "platform", roles=("leadership", "admin"), response=obj, tag=tag)
    operation(f, "POST", "/api/v1/comments/{id}/unhide", summary="Verborgen reactie weer "
              "tonen", roles=("leadership", "admin"), response=obj, tag=tag)
    hook = {"paths": {"/webhooks/meta": {
        "get": {"summary": "Meta webhook-verificatie (hub.challenge)", "security": [],
                "operationId": "get_webhooks_meta", "tags": ["webhooks"],
                "parameters": [
                    {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                    for n in ("hub.mode", "hub.verify_token", "hub.challenge")],
                "responses": {"200": {"description": "challenge",
                                      "content": {"text/plain": {"schema": {"type": "string"}}}},
                              "403": {"description": "verificatie mislukt"}}},
        "post": {"summary": "Meta webhook (Page feed, Instagram comments); "
                            "X-Hub-Signature-256 verplicht", "security": [],
                 "operationId": "post_webhooks_meta", "tags": ["webhooks"],
                 "parameters": [{"name": "X-Hub-Signature-256", "in": "header",
                                 "required": True, "schema": {"type": "string"}}],
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": {"type": "object"}}}},
                 "responses": {"200": {"description": "verwerkt"},
                               "401": {"description": "ongeldige handtekening"},
                               "400": {"description": "ongeldige inhoud"}}}}}}
    f["paths"].update(hook["paths"])
    return f
