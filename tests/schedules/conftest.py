"""Fixtures: the real app with monitoring set up (scheduler off unless a test starts it), a
school with accounts on fake platforms, and helpers to compare stored comments with the fake."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from denkna_demo.fakes import FakeAccount, FakePlatformServer, FakeWorld
from server import admin_ops, keys
from server.config import MonitoringSettings, Settings
from server.platforms.credentials import store_token
from server.storage.models import Comment

FAST_API = {"page_size": 10, "retry_base_delay": 0.001, "retry_max_delay": 0.01,
            "retry_timeout": 1.0, "retry_attempts": 4, "retry_max_inline_wait": 1.0}


def fast_monitoring(**overrides: Any) -> MonitoringSettings:
    values: dict[str, Any] = {"enabled": False, "poll_interval_seconds": 0.3,
                              "jitter_seconds": 0.05, "sync_interval_seconds": 0.5,
                              "lease_seconds": 5, "backoff_base_seconds": 0.05,
                              "backoff_max_seconds": 0.2, "meta_app_secret": "app-geheim",
                              "meta_verify_token": "verifieer-mij"}
    values.update(overrides)
    return MonitoringSettings(**values)


@dataclass
class Monitored:
    app: Any
    client: Any
    world: FakeWorld
    servers: dict[str, FakePlatformServer]
    school_id: int
    accounts: dict[int, FakeAccount] = field(default_factory=dict)  # our id -> fake account
    admin_token: str = ""

    async def add_account(self, platform: str, **settings: Any) -> tuple[int, FakeAccount]:
        fake = self.world.add_account(platform)
        if platform not in self.servers:
            self.servers[platform] = await FakePlatformServer(self.world, platform).start()
        api = {**FAST_API, "base_url": self.servers[platform].url}
        async with self.app[keys.DB].session() as s:
            account = await admin_ops.create_account(
                s, school_id=self.school_id, platform=platform, external_id=fake.id,
                name=fake.name, settings={"api": api, **settings})
            await store_token(s, self.app[keys.SECRET_KEY], account.id, fake.token)
        self.accounts[account.id] = fake
        return account.id, fake

    async def stored_ids(self, account_id: int) -> list[str]:
        async with self.app[keys.DB].session() as s:
            return list((await s.execute(select(Comment.external_id).where(
                Comment.account_id == account_id))).scalars())

    async def count(self) -> int:
        async with self.app[keys.DB].session() as s:
            return (await s.execute(select(func.count()).select_from(Comment))).scalar_one()


def make_settings(tmp_path: Path, db_url: str | None = None) -> Settings:
    return Settings.model_validate({
        "database": {"url": db_url or f"sqlite+aiosqlite:///{tmp_path / 'denkna.sqlite3'}"},
        "server": {"secret_key": secrets.token_urlsafe(32), "var_dir": str(tmp_path / "var")},
        # deep off: these tests are about polling, and must not depend on (or wait for) an
        # encoder artefact that happens to be in the checkout
        "scoring": {"workers": 0, "deep": False},
    })


@pytest.fixture
def monitoring_settings() -> MonitoringSettings:
    return fast_monitoring()


@pytest.fixture
async def monitored(aiohttp_client: Callable[..., Any], tmp_path: Path,
                    monitoring_settings: MonitoringSettings) -> AsyncIterator[Monitored]:
    from server.app import create_app
    from server.auth import new_token  # noqa: F401  (token helper lives in admin_ops)

    app = create_app(make_settings(tmp_path))
    app[keys.MONITOR].settings = monitoring_settings
    client = await aiohttp_client(app)
    async with app[keys.DB].session() as s:
        school = await admin_ops.create_school(s, "OBS De Klimop", "klimop")
        admin = await admin_ops.create_user(s, name="Beheer", role="admin", school_id=None)
        admin_token = (await admin_ops.create_token(s, admin.id))[1]
    m = Monitored(app=app, client=client, world=FakeWorld(), servers={}, school_id=school.id,
                  admin_token=admin_token)
    yield m
    for server in m.servers.values():
        await server.stop()
