"""What every fake shares: tokens, faults, the record of overlapping requests."""

from __future__ import annotations

import asyncio

from denkna_demo.fakes import FakePlatformServer, FakeWorld
from server.platforms.facebook import FacebookConnector
from tests.denkna_demo.fakes.conftest import Fake


async def test_the_fake_sees_overlapping_polls_of_one_account() -> None:
    """The detector the two-instance test relies on: unguarded concurrent polls are caught."""
    world = FakeWorld(latency=0.05)
    account = world.add_account("facebook")
    post = world.add_post(account.id, "Nieuws")
    world.add_comment(post.id, "hoi")
    async with FakePlatformServer(world, "facebook") as server:
        conns = [FacebookConnector(account_external_id=account.id, token=account.token,
                                   account_settings={"base_url": server.url}) for _ in range(2)]
        await asyncio.gather(*(c.list_new(None) for c in conns))
        for c in conns:
            await c.close()
    assert world.overlaps[account.id] > 0


async def test_a_fault_can_aim_at_one_path(mastodon: Fake) -> None:
    w = mastodon.world
    account = w.add_account("mastodon")
    post = w.add_post(account.id, "Nieuws")
    w.inject(account.id, "not_found", path="/context")
    status, _ = await mastodon.get(f"/api/v1/accounts/{account.id}/statuses", account.token)
    assert status == 200, "another path is not hit"
    status, body = await mastodon.get(f"/api/v1/statuses/{post.id}/context", account.token)
    assert status == 404 and body == {"error": "Record not found"}
    status, _ = await mastodon.get(f"/api/v1/statuses/{post.id}/context", account.token)
    assert status == 200, "one fault, served once"


async def test_unknown_and_revoked_tokens_are_refused(graph: Fake) -> None:
    account = graph.world.add_account("facebook")
    status, body = await graph.get(f"/v24.0/{account.id}/posts", "verzonnen")
    assert status == 400 and body["error"]["code"] == 190
    graph.world.expire_token(account.id)
    status, body = await graph.get(f"/v24.0/{account.id}/posts", account.token)
    assert body["error"]["code"] == 190
    renewed = graph.world.renew_token(account.id)
    status, _ = await graph.get(f"/v24.0/{account.id}/posts", renewed)
    assert status == 200
