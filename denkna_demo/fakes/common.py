"""Middleware every fake platform shares: token → account, latency, overlap record, faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from denkna_demo.fakes.world import FakeAccount, FakeWorld

WORLD = web.AppKey("fake_world", FakeWorld)
ACCOUNT = web.RequestKey("fake_account", FakeAccount)
MALFORMED = web.RequestKey("fake_malformed", bool)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class ErrorShapes:
    """How one platform says 'bad token', 'slow down' and 'broken'."""

    auth: Callable[[], web.Response]
    rate_limit: Callable[[float, int | None], web.Response]
    server_error: Callable[[], web.Response]


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


def fake_middleware(shapes: ErrorShapes) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        world = request.app[WORLD]
        account = world.account_for_token(bearer(request))
        if account is None or not account.token_valid:
            return shapes.auth()
        request[ACCOUNT] = account
        world.requests[account.id] += 1
        world.active[account.id] += 1
        if world.active[account.id] > 1:
            world.overlaps[account.id] += 1
        try:
            if world.latency:
                await asyncio.sleep(world.latency)
            fault = world.take_fault(account.id)
            if fault is not None:
                if fault.kind == "rate_limit":
                    return shapes.rate_limit(fault.retry_after, fault.code)
                if fault.kind == "server_error":
                    return shapes.server_error()
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
            world.active[account.id] -= 1

    return middleware


def account_of(request: web.Request) -> FakeAccount:
    return request[ACCOUNT]


MALFORMED_ITEMS: list[object] = [
    {"message": "geen id"},
    {"id": 12.5, "message": ["verkeerd type"]},
    "geen object",
]
