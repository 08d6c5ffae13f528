"""Fixtures: a fake world with a running fake platform server, and an HTTP client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from yarl import URL

from denkna_demo.fakes import FakePlatformServer, FakeWorld


@dataclass
class Fake:
    world: FakeWorld
    server: FakePlatformServer
    http: aiohttp.ClientSession

    def url(self, path: str) -> str:
        return f"{self.server.url}{path}"

    async def get(self, path: str, token: str | None = None, **params: Any
                  ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.get(self.url(path), params=params, headers=headers) as resp:
            return resp.status, await resp.json(content_type=None)

    async def post(self, path: str, token: str | None = None, data: Any = None,
                   **params: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.post(self.url(path), params=params, data=data,
                                  headers=headers) as resp:
            text = await resp.text()
            return resp.status, (await resp.json(content_type=None)) if text else None

    async def consent(self, path: str, query: dict[str, str], accounts: list[str],
                      allow: bool = True) -> URL:
        """What a person does on the consent page: pick accounts, allow or cancel. Returns
        where the platform sends the browser back to."""
        async with self.http.get(self.url(path), params=query) as page:
            assert page.status == 200, await page.text()
        form = aiohttp.FormData({**query, "decision": "allow" if allow else "deny"})
        for account in accounts:
            form.add_field("account", account)
        async with self.http.post(self.url(path), data=form, allow_redirects=False) as resp:
            assert resp.status == 302, await resp.text()
            return URL(resp.headers["Location"])


async def _fake(platform: str) -> AsyncIterator[Fake]:
    world = FakeWorld()
    async with FakePlatformServer(world, platform) as server, aiohttp.ClientSession() as http:
        yield Fake(world, server, http)


@pytest.fixture
async def graph() -> AsyncIterator[Fake]:
    async for fake in _fake("facebook"):
        yield fake


@pytest.fixture
async def youtube() -> AsyncIterator[Fake]:
    async for fake in _fake("youtube"):
        yield fake


@pytest.fixture
async def mastodon() -> AsyncIterator[Fake]:
    async for fake in _fake("mastodon"):
        yield fake
