"""Every protected route, from the app's own route table: 401 without/with a wrong or revoked
token, 403 for a role that may not use it, and through for a role that may."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp import web

from server.config import Settings

ROLES = ("staff", "leadership", "connector", "board", "admin")


def protected_routes() -> list[tuple[str, str, frozenset[str]]]:
    from server.app import create_app

    app = create_app(Settings.model_validate(
        {"server": {"secret_key": "x" * 32, "var_dir": "/tmp/denkna-route-table"}}
    ))
    out = []
    for route in app.router.routes():
        roles = getattr(route.handler, "denkna_roles", None)
        if roles is None or route.method == "HEAD" or route.resource is None:
            continue
        out.append((route.method, route.resource.canonical, roles))
    return out


ROUTES = protected_routes()


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def token_for(seed: Any, role: str) -> str:
    if role == "board":
        return seed.board_token
    if role == "admin":
        return seed.admin_token
    return seed.schools[0].tokens[role]


def test_route_table_is_not_empty() -> None:
    paths = {p for _, p, _ in ROUTES}
    assert {"/api/v1/check", "/api/v1/comments", "/metrics", "/api/v1/threads"} <= paths


@pytest.mark.parametrize(
    ("method", "path", "roles"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
async def test_route_enforces_tokens_and_roles(
    seeded: tuple[Any, Any], method: str, path: str, roles: frozenset[str]
) -> None:
    cli, seed = seeded
    url = concrete(path)
    kwargs: dict[str, Any] = {"json": {}} if method in ("POST", "PUT") else {}
    for headers in ({}, {"Authorization": "Bearer dk_wrong"}, {"Authorization": "Basic abc"}):
        resp = await cli.request(method, url, headers=headers, **kwargs)
        assert resp.status == 401, (method, url, headers)
        assert (await resp.json())["error"]["code"] in ("unauthorized", "invalid_token")
    for role in ROLES:
        resp = await cli.request(method, url, headers=seed.headers(token_for(seed, role)),
                                 **kwargs)
        if role in roles:
            assert resp.status not in (401, 403), (role, method, url, await resp.text())
        else:
            assert resp.status == 403, (role, method, url)
            assert (await resp.json())["error"]["code"] == "forbidden"


async def test_revoked_token_and_deactivated_user_are_refused(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    admin = seed.headers(seed.admin_token)
    staff_id = seed.schools[0].user_ids["staff"]
    resp = await cli.post("/api/v1/admin/tokens", json={"user_id": staff_id}, headers=admin)
    assert resp.status == 201
    created = await resp.json()
    staff = seed.headers(created["token"])
    assert (await cli.post("/api/v1/check", json={"text": "hoi"}, headers=staff)).status == 200
    resp = await cli.delete(f"/api/v1/admin/tokens/{created['id']}", headers=admin)
    assert resp.status == 200
    resp = await cli.post("/api/v1/check", json={"text": "hoi"}, headers=staff)
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "invalid_token"
    # deactivating the user locks out its other tokens too
    other = seed.headers(seed.schools[0].tokens["staff"])
    assert (await cli.post("/api/v1/check", json={"text": "hoi"}, headers=other)).status == 200
    uid = seed.schools[0].user_ids["staff"]
    assert (await cli.post(f"/api/v1/admin/users/{uid}/deactivate", headers=admin)).status == 200
    assert (await cli.post("/api/v1/check", json={"text": "hoi"}, headers=other)).status == 401


async def test_tokens_are_stored_as_hashes_only(seeded: tuple[Any, Any]) -> None:
    from sqlalchemy import select

    from server import keys
    from server.auth import hash_token
    from server.storage.models import ApiToken

    cli, seed = seeded
    async with cli.app[keys.DB].session() as s:
        rows = (await s.execute(select(ApiToken))).scalars().all()
    stored = {r.token_hash for r in rows}
    plain = seed.schools[0].tokens["staff"]
    assert hash_token(plain) in stored
    assert all(plain not in (r.token_hash, r.prefix, r.label or "") for r in rows)


async def test_rate_limit_gives_429_with_retry_after(
    aiohttp_client: Any, app_factory: Any
) -> None:
    from server import keys
    from tests.conftest import seed_database

    app = app_factory(rate_limit={"per_second": 0.5, "burst": 3})
    cli = await aiohttp_client(app)
    seed = await seed_database(app[keys.DB])
    staff = seed.headers(seed.schools[0].tokens["staff"])
    statuses = [
        (await cli.post("/api/v1/check", json={"text": "hoi"}, headers=staff)).status
        for _ in range(5)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    resp = await cli.post("/api/v1/check", json={"text": "hoi"}, headers=staff)
    assert resp.status == 429
    assert int(resp.headers["Retry-After"]) >= 1
    assert (await resp.json())["error"]["code"] == "rate_limited"
    # another token has its own bucket
    other = seed.headers(seed.schools[1].tokens["staff"])
    assert (await cli.post("/api/v1/check", json={"text": "hoi"}, headers=other)).status == 200


async def test_cors_only_for_configured_extension_origins(
    aiohttp_client: Any, app_factory: Any
) -> None:
    ext = "chrome-extension://abcdefghijklmnop"
    cli = await aiohttp_client(app_factory(cors={"allowed_origins": [ext]}))
    pre = {"Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization, content-type"}
    resp = await cli.options("/api/v1/check", headers={"Origin": ext, **pre})
    assert resp.status == 204
    assert resp.headers["Access-Control-Allow-Origin"] == ext
    assert "Authorization" in resp.headers["Access-Control-Allow-Headers"]
    resp = await cli.options("/api/v1/check", headers={"Origin": "https://evil.example", **pre})
    assert resp.status == 403
    assert "Access-Control-Allow-Origin" not in resp.headers
    resp = await cli.get("/api/v1/health", headers={"Origin": ext})
    assert resp.headers["Access-Control-Allow-Origin"] == ext
    resp = await cli.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_app_keys_not_plain_strings() -> None:
    from server import keys

    assert isinstance(keys.DB, web.AppKey)
