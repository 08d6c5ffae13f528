"""Admin API: schools, users, tokens (plaintext once), thresholds, accounts.

The logic lives in server.admin_ops (shared with `denkna admin`); this module maps HTTP to it.
Board members may list schools (read-only); everything else is admin only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy import select

from server import admin_ops, keys
from server.admin_ops import AdminError
from server.api.body import MAX_ID, path_int, query_int, read_json
from server.api.openapi import operation, query_param
from server.api.schemas import (
    AccountCreate,
    SchoolCreate,
    ThresholdsUpdate,
    TokenCreate,
    UserCreate,
)
from server.auth import Authenticator, principal_of, requires
from server.errors import ApiError
from server.storage.models import Account, School, User


def _school(s: School) -> dict[str, Any]:
    return {"id": s.id, "name": s.name, "slug": s.slug, "created_at": s.created_at.isoformat()}


def _user(u: User) -> dict[str, Any]:
    return {"id": u.id, "name": u.name, "email": u.email, "role": u.role,
            "school_id": u.school_id, "active": u.active}


def _account(a: Account) -> dict[str, Any]:
    return {"id": a.id, "school_id": a.school_id, "platform": a.platform,
            "external_id": a.external_id, "name": a.name, "official": a.official,
            "status": a.status, "settings": a.settings}


async def _run(request: web.Request, fn: Any) -> Any:
    """Run `fn(session, actor)` in one transaction; AdminError -> JSON 4xx."""
    actor = principal_of(request).user_id
    try:
        async with request.app[keys.DB].session() as s:
            return await fn(s, actor)
    except AdminError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None


@requires("admin")
async def create_school(request: web.Request) -> web.Response:
    body = await read_json(request, SchoolCreate)
    school = await _run(request, lambda s, a: admin_ops.create_school(s, body.name, body.slug,
                                                                      actor=a))
    return web.json_response(_school(school), status=201)


@requires("board")
async def list_schools(request: web.Request) -> web.Response:
    async with request.app[keys.DB].session() as s:
        schools = (await s.execute(select(School).order_by(School.id))).scalars().all()
    return web.json_response({"schools": [_school(x) for x in schools]})


@requires("admin")
async def create_user(request: web.Request) -> web.Response:
    body = await read_json(request, UserCreate)
    user = await _run(request, lambda s, a: admin_ops.create_user(
        s, name=body.name, role=body.role, school_id=body.school_id, email=body.email, actor=a))
    return web.json_response(_user(user), status=201)


@requires("admin")
async def list_users(request: web.Request) -> web.Response:
    return await _list_by_school(request, User, "users", _user)


def _forget_tokens(request: web.Request) -> None:
    auth = request.app[keys.AUTH]
    assert isinstance(auth, Authenticator)
    auth.forget()


@requires("admin")
async def deactivate_user(request: web.Request) -> web.Response:
    user_id = path_int(request, "user_id")
    user = await _run(request, lambda s, a: admin_ops.deactivate_user(s, user_id, actor=a))
    _forget_tokens(request)
    return web.json_response(_user(user))


@requires("admin")
async def create_token(request: web.Request) -> web.Response:
    body = await read_json(request, TokenCreate)
    token, plaintext = await _run(
        request, lambda s, a: admin_ops.create_token(s, body.user_id, body.label, actor=a))
    return web.json_response(
        {"id": token.id, "user_id": token.user_id, "prefix": token.prefix, "token": plaintext,
         "note": "Dit token wordt maar één keer getoond; bewaar het veilig."},
        status=201,
    )


@requires("admin")
async def revoke_token(request: web.Request) -> web.Response:
    token_id = path_int(request, "token_id")
    token = await _run(request, lambda s, a: admin_ops.revoke_token(s, token_id, actor=a))
    _forget_tokens(request)
    return web.json_response({"id": token.id, "revoked": True})


@requires("admin")
async def get_thresholds(request: web.Request) -> web.Response:
    school_id = path_int(request, "school_id")
    values = await _run(request, lambda s, a: admin_ops.get_thresholds(s, school_id))
    return web.json_response({"school_id": school_id, "thresholds": values})


@requires("admin")
async def put_thresholds(request: web.Request) -> web.Response:
    school_id = path_int(request, "school_id")
    body = await read_json(request, ThresholdsUpdate)
    changes = {k: v for k, v in body.model_dump().items() if v is not None}
    values = await _run(request, lambda s, a: admin_ops.set_thresholds(s, school_id, changes,
                                                                       actor=a))
    request.app[keys.THRESHOLD_CACHE].pop(school_id, None)
    return web.json_response({"school_id": school_id, "thresholds": values})


@requires("admin")
async def create_account(request: web.Request) -> web.Response:
    body = await read_json(request, AccountCreate)
    account = await _run(request, lambda s, a: admin_ops.create_account(
        s, school_id=body.school_id, platform=body.platform, external_id=body.external_id,
        name=body.name, official=body.official, settings=body.settings, actor=a))
    return web.json_response(_account(account), status=201)


@requires("admin")
async def list_accounts(request: web.Request) -> web.Response:
    return await _list_by_school(request, Account, "accounts", _account)


@requires("admin")
async def get_account(request: web.Request) -> web.Response:
    account_id = path_int(request, "account_id")
    async with request.app[keys.DB].session() as s:
        account = await s.get(Account, account_id)
    if account is None:
        raise ApiError(404, "account_not_found", "Dit account bestaat niet.")
    return web.json_response(_account(account))


OBJ = {"type": "object"}
SCHOOL_PARAM = [query_param("school_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID})]


def setup(app: web.Application) -> None:
    r = app.router
    frag: dict[str, Any] = {}
    routes: list[tuple[str, str, Any, dict[str, Any]]] = [
        ("POST", "/api/v1/admin/schools", create_school,
         {"summary": "School aanmaken", "body": SchoolCreate, "status": 201}),
        ("GET", "/api/v1/admin/schools", list_schools,
         {"summary": "Scholen", "roles": ("board", "admin")}),
        ("POST", "/api/v1/admin/users", create_user,
         {"summary": "Gebruiker aanmaken", "body": UserCreate, "status": 201}),
        ("GET", "/api/v1/admin/users", list_users, {"summary": "Gebruikers",
                                                    "params": SCHOOL_PARAM}),
        ("POST", "/api/v1/admin/users/{user_id}/deactivate", deactivate_user,
         {"summary": "Gebruiker deactiveren"}),
        ("POST", "/api/v1/admin/tokens", create_token,
         {"summary": "Token aanmaken (eenmalig getoond)", "body": TokenCreate, "status": 201}),
        ("DELETE", "/api/v1/admin/tokens/{token_id}", revoke_token, {"summary": "Token intrekken"}),
        ("GET", "/api/v1/admin/schools/{school_id}/thresholds", get_thresholds,
         {"summary": "Drempels van een school"}),
        ("PUT", "/api/v1/admin/schools/{school_id}/thresholds", put_thresholds,
         {"summary": "Drempels instellen", "body": ThresholdsUpdate}),
        ("POST", "/api/v1/admin/accounts", create_account,
         {"summary": "Officieel account koppelen", "body": AccountCreate, "status": 201}),
        ("GET", "/api/v1/admin/accounts", list_accounts, {"summary": "Accounts",
                                                          "params": SCHOOL_PARAM}),
        ("GET", "/api/v1/admin/accounts/{account_id}", get_account, {"summary": "Account"}),
    ]
    for method, path, handler, spec in routes:
        r.add_route(method, path, handler)
        spec = {"roles": ("admin",), "response": OBJ, "tag": "admin", **spec}
        operation(frag, method, path, **spec)
    app[keys.OPENAPI_FRAGMENTS].append(frag)


async def _list_by_school(
    request: web.Request, model: Any, key: str, render: Callable[[Any], dict[str, Any]]
) -> web.Response:
    """All rows of `model`, or those of `?school_id=`, in id order."""
    query = select(model).order_by(model.id)
    if "school_id" in request.query:
        query = query.where(model.school_id == query_int(request, "school_id", 0, 1, MAX_ID))
    async with request.app[keys.DB].session() as s:
        rows = (await s.execute(query)).scalars().all()
    return web.json_response({key: [render(r) for r in rows]})

