"""Denkna's app on a Mastodon instance is registered once per instance and redirect URI and
reused (server/platforms/mastodon_apps.py), against the fake instance, on SQLite and
PostgreSQL: what the instance sees (how many apps), what the database holds (the secret
encrypted), and an app the instance forgot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import text

from denkna_demo.fakes import FakePlatformServer, FakeWorld
from server.platforms import mastodon_apps
from server.platforms.connect import ConnectError, Flow
from server.platforms.credentials import decrypt_token
from server.platforms.mastodon_apps import MastodonApps
from server.storage.db import Database

CALLBACK = "https://denkna.klimop.nl/connect/callback"
SECRET = "server-sleutel-van-de-klimop-" + "k" * 16


@pytest.fixture
async def world() -> AsyncIterator[FakeWorld]:
    yield FakeWorld()


@pytest.fixture
async def instance(world: FakeWorld) -> AsyncIterator[str]:
    async with FakePlatformServer(world, "mastodon") as server:
        yield server.url


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def apps(database: Database, http: aiohttp.ClientSession, secret: str = SECRET
         ) -> MastodonApps:
    return MastodonApps(database, secret, http, website="https://denkna.klimop.nl")


async def rows(database: Database) -> list[dict[str, object]]:
    async with database.session() as s:
        result = await s.execute(text("SELECT * FROM mastodon_apps ORDER BY id"))
        return [dict(r._mapping) for r in result]


async def test_connects_on_one_instance_share_one_app(
        database: Database, http: aiohttp.ClientSession, world: FakeWorld,
        instance: str) -> None:
    flows = [Flow(platform="mastodon", school_id=n, redirect_uri=CALLBACK, instance=instance)
             for n in (1, 2, 3)]
    for flow in flows:
        await apps(database, http).prepare(flow)
    assert world.apps_registered[instance] == 1
    assert len({(f.client_id, f.client_secret) for f in flows}) == 1
    assert flows[0].client_id in world.clients
    # checking that the instance still knows the app leaves no token behind
    checks = [g for g in world.grants.values() if g.kind == "app"]
    assert len(checks) == 2 and all(g.revoked for g in checks)
    # Mastodon checks the redirect URI against the app's: another address needs its own app
    other = await apps(database, http).client_for(instance, "https://denkna.bestuur.nl/cb")
    assert other.client_id != flows[0].client_id
    assert world.apps_registered[instance] == 2 and len(await rows(database)) == 2


async def test_the_client_secret_is_not_stored_in_plain_text(
        database: Database, http: aiohttp.ClientSession, world: FakeWorld,
        instance: str) -> None:
    client = await apps(database, http).client_for(instance, CALLBACK)
    secret = world.clients[client.client_id].secret
    [row] = await rows(database)
    assert (row["instance"], row["redirect_uri"], row["client_id"]) == (
        instance, CALLBACK, client.client_id)
    assert not any(secret in str(value) for value in row.values())
    assert decrypt_token(SECRET, str(row["client_secret_encrypted"])) == secret


async def test_an_app_the_instance_forgot_is_registered_anew(
        database: Database, http: aiohttp.ClientSession, world: FakeWorld,
        instance: str) -> None:
    first = await apps(database, http).client_for(instance, CALLBACK)
    world.forget_client(first.client_id)  # an admin of the instance deleted it
    second = await apps(database, http).client_for(instance, CALLBACK)
    assert second.client_id != first.client_id and second.client_id in world.clients
    assert world.apps_registered[instance] == 2
    assert [r["client_id"] for r in await rows(database)] == [second.client_id]
    assert await apps(database, http).client_for(instance, CALLBACK) == second
    assert world.apps_registered[instance] == 2


async def test_a_dead_app_is_renewed_once(database: Database, http: aiohttp.ClientSession,
                                          world: FakeWorld, instance: str) -> None:
    dead = await apps(database, http).client_for(instance, CALLBACK)
    world.forget_client(dead.client_id)
    # two callbacks find out at the same time; a third one later
    a, b = await asyncio.gather(apps(database, http).renew(instance, CALLBACK, dead.client_id),
                                apps(database, http).renew(instance, CALLBACK, dead.client_id))
    c = await apps(database, http).renew(instance, CALLBACK, dead.client_id)
    assert a == b == c and a.client_id != dead.client_id
    assert world.apps_registered[instance] == 2


async def test_first_connects_at_the_same_time_register_one_app(
        database: Database, http: aiohttp.ClientSession, world: FakeWorld,
        instance: str) -> None:
    found = await asyncio.gather(*(apps(database, http).client_for(instance, CALLBACK)
                                   for _ in range(3)))
    assert len(set(found)) == 1 and world.apps_registered[instance] == 1


async def test_two_denkna_servers_at_once_end_up_with_one_stored_app(
        database: Database, http: aiohttp.ClientSession, world: FakeWorld, instance: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # two server instances share no lock: both look, find nothing, register; one row is kept
    monkeypatch.setattr(mastodon_apps, "_lock", lambda *_: asyncio.Lock())
    both_looked = asyncio.Barrier(2)
    register = MastodonApps._register

    async def register_together(self: MastodonApps, *args: str) -> mastodon_apps.MastodonClient:
        await both_looked.wait()
        return await register(self, *args)

    monkeypatch.setattr(MastodonApps, "_register", register_together)
    a, b = await asyncio.gather(apps(database, http).client_for(instance, CALLBACK),
                                apps(database, http).client_for(instance, CALLBACK))
    monkeypatch.setattr(MastodonApps, "_register", register)
    assert a == b and world.apps_registered[instance] == 2
    assert [r["client_id"] for r in await rows(database)] == [a.client_id]
    assert await apps(database, http).client_for(instance, CALLBACK) == a


async def test_two_instances_get_two_apps(database: Database, http: aiohttp.ClientSession,
                                          world: FakeWorld, instance: str) -> None:
    async with FakePlatformServer(world, "mastodon") as other:
        here = await apps(database, http).client_for(instance, CALLBACK)
        there = await apps(database, http).client_for(other.url, CALLBACK)
        assert await apps(database, http).client_for(other.url, CALLBACK) == there
    assert here != there
    assert world.apps_registered[instance] == 1 and world.apps_registered[other.url] == 1
    assert {r["instance"] for r in await rows(database)} == {instance, other.url}


async def test_a_new_server_key_registers_anew(database: Database, http: aiohttp.ClientSession,
                                               world: FakeWorld, instance: str) -> None:
    old = await apps(database, http).client_for(instance, CALLBACK)
    new_key = "een-nieuwe-server-sleutel-" + "n" * 16
    new = await apps(database, http, new_key).client_for(instance, CALLBACK)
    assert new != old and world.apps_registered[instance] == 2
    [row] = await rows(database)
    assert decrypt_token(new_key, str(row["client_secret_encrypted"])) == new.client_secret


async def test_an_instance_that_is_down_keeps_the_stored_app(
        database: Database, http: aiohttp.ClientSession, world: FakeWorld) -> None:
    async with FakePlatformServer(world, "mastodon") as server:
        url = server.url
        stored = await apps(database, http).client_for(url, CALLBACK)
    with pytest.raises(ConnectError) as refused:
        await apps(database, http).client_for(url, CALLBACK)
    assert refused.value.status == 502 and "niet bereikbaar" in refused.value.message
    assert [r["client_id"] for r in await rows(database)] == [stored.client_id]
