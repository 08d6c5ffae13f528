"""Middleware every fake platform shares: token → grant and account, latency, overlap record,
faults. Paths under `public` (OAuth pages and token endpoints) need no token."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from denkna_demo.fakes.world import FakeAccount, FakeGrant, FakeWorld

WORLD = web.AppKey("fake_world", FakeWorld)
ACCOUNT = web.RequestKey("fake_account", FakeAccount)
GRANT = web.RequestKey("fake_grant", FakeGrant)
MALFORMED = web.RequestKey("fake_malformed", bool)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class ErrorShapes:
    """How one platform says 'bad token', 'slow down' and 'broken'."""

    auth: Callable[[], web.Response]
    rate_limit: Callable[[float, int | None], web.Response]
    server_error: Callable[[], web.Response]
    not_found: Callable[[], web.Response]


def bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    for prefix in ("Bearer ", "OAuth "):
        if header.startswith(prefix):
            return header[len(prefix):].strip()
    return request.query.get("access_token")


def json_response(body: object, status: int = 200, headers: dict[str, str] | None = None
                  ) -> web.Response:
    return web.Response(text=json.dumps(body), status=status, headers=headers,
                        content_type="application/json")


def fake_middleware(shapes: ErrorShapes, public: Callable[[str], bool] | None = None
                    ) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        world = request.app[WORLD]
        if public is not None and public(request.path):
            return await handler(request)
        grant = world.grant_for(bearer(request))
        if grant is None:
            return shapes.auth()
        request[GRANT] = grant
        account = world.accounts.get(grant.account_ids[0]) if (
            grant.kind == "account" and grant.account_ids) else None
        if account is not None:
            request[ACCOUNT] = account
        key = account.id if account is not None else f"user:{grant.token[:8]}"
        world.requests[key] += 1
        world.active[key] += 1
        if world.active[key] > 1:
            world.overlaps[key] += 1
        try:
            if world.latency:
                await asyncio.sleep(world.latency)
            fault = world.take_fault(key, request.path)
            if fault is not None:
                if fault.kind == "rate_limit":
                    return shapes.rate_limit(fault.retry_after, fault.code)
                if fault.kind == "server_error":
                    return shapes.server_error()
                if fault.kind == "not_found":
                    return shapes.not_found()
                if fault.kind == "slow":
                    await asyncio.sleep(fault.delay)
                if fault.kind == "malformed":
                    request[MALFORMED] = True
            response = await handler(request)
            if fault is not None and fault.kind == "truncated" and isinstance(
                    response, web.Response) and response.body:
                body = bytes(response.body)
                return web.Response(body=body[: max(1, len(body) // 2)],
                                    status=response.status, content_type="application/json")
            return response
        finally:
            world.active[key] -= 1

    return middleware


def account_of(request: web.Request) -> FakeAccount:
    """The account the request's token works for (a user token has none: 401 in its shape)."""
    account = request.get(ACCOUNT)
    if account is None:
        raise web.HTTPUnauthorized(text=json.dumps({"error": "token of a user, not an account"}),
                                   content_type="application/json")
    return account


def grant_of(request: web.Request) -> FakeGrant:
    return request[GRANT]


MALFORMED_ITEMS: list[object] = [
    {"message": "geen id"},
    {"id": 12.5, "message": ["verkeerd type"]},
    "geen object",
]
