"""Fixtures: a fake platform server with one account, and a connector pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from denkna_demo.fakes import FakeAccount, FakePlatformServer, FakeWorld
from server.platforms.base import Connector
from server.platforms.registry import connector_class

PLATFORMS = ["facebook", "instagram", "youtube", "mastodon"]
FAST = {"page_size": 5, "retry_base_delay": 0.001, "retry_max_delay": 0.01,
        "retry_timeout": 1.0, "retry_attempts": 6}


@dataclass
class Env:
    world: FakeWorld
    server: FakePlatformServer
    account: FakeAccount
    connector: Connector

    def connect(self, **overrides: object) -> Connector:
        cls = connector_class(self.account.platform)
        return cls(account_external_id=self.account.id, token=self.account.token,
                   account_settings={**FAST, "base_url": self.server.url, **overrides})


@pytest.fixture(params=PLATFORMS)
async def env(request: pytest.FixtureRequest) -> AsyncIterator[Env]:
    world = FakeWorld()
    account = world.add_account(request.param)
    async with FakePlatformServer(world, request.param) as server:
        cls = connector_class(request.param)
        connector = cls(account_external_id=account.id, token=account.token,
                        account_settings={**FAST, "base_url": server.url})
        yield Env(world, server, account, connector)
        await connector.close()

# the app-with-monitoring fixtures are shared with tests/schedules
from tests.schedules.conftest import monitored, monitoring_settings  # noqa: E402, F401
