"""A YouTube channel connected through Google's OAuth keeps being read when its access tokens
expire (every hour, on the fake's simulated clock): the refresh token gets new ones, before
expiry and on a 401. A revoked refresh token turns the account needs_reauth with exactly one
alert, which links to the page that connects it again."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from schedules.poll_account import Outcome, poll_account
from server import keys
from server.platforms.credentials import load_grant, store_grant
from server.storage.models import Account, AuditLog, Comment
from server.storage.monitoring_models import PollState
from tests.server.platforms.connect_site import Site, make_site


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async for s in make_site(tmp_path):
        yield s


async def connect_channel(site: Site) -> tuple[int, str]:
    channel = site.world.add_account("youtube", name="Klimop TV")
    b = await site.browser()
    try:
        _, consent = await b.get(f"/dashboard/accounts/connect/youtube/start"
                                 f"?school={site.school_id}")
        _, result = await b.consent(consent, accounts=[channel.id])
        assert "Gekoppeld" in result, result
    finally:
        await b.close()
    [account] = await site.accounts()
    return account.id, channel.id


async def stored(site: Site) -> set[str]:
    async with site.app[keys.DB].session() as s:
        return set((await s.execute(select(Comment.external_id))).scalars())


async def poll(site: Site, account_id: int) -> Outcome:
    """One poll, without waiting out a backoff."""
    async with site.app[keys.DB].session() as s:
        state = await s.get(PollState, account_id)
        if state is not None:
            state.next_attempt_at = None
    return (await poll_account(site.app, account_id)).outcome


async def test_three_access_token_expiries_do_not_need_reauth(site: Site) -> None:
    account_id, channel = await connect_channel(site)
    video = site.world.add_post(channel, "Kerstmusical")
    expected = set()
    for hour in range(4):
        expected.add(site.world.add_comment(video.id, f"Reactie uur {hour}").external_id)
        assert await poll(site, account_id) == Outcome.OK, f"hour {hour}"
        assert expected <= await stored(site)
        site.world.advance(3601)  # the access token Google gave has expired
    assert site.world.token_calls["refresh_token"] == 3
    async with site.app[keys.DB].session() as s:
        assert (await s.get(Account, account_id)).status == "active"
        assert not (await s.execute(select(AuditLog).where(
            AuditLog.action == "account.needs_reauth"))).scalars().all()


async def test_a_token_about_to_expire_is_renewed_before_it_is_used(site: Site) -> None:
    account_id, channel = await connect_channel(site)
    site.world.add_comment(site.world.add_post(channel, "Sportdag").id, "Top!")
    async with site.app[keys.DB].session() as s:
        grant = await load_grant(s, site.app[keys.SECRET_KEY], account_id)
        await store_grant(s, site.app[keys.SECRET_KEY], account_id,
                          replace(grant, expires_at=time.time() + 60))
    requests = site.world.requests[channel]
    assert await poll(site, account_id) == Outcome.OK
    assert site.world.token_calls["refresh_token"] == 1
    async with site.app[keys.DB].session() as s:
        renewed = await load_grant(s, site.app[keys.SECRET_KEY], account_id)
    assert renewed.access_token != grant.access_token
    assert renewed.refresh_token == grant.refresh_token
    assert renewed.expires_at and renewed.expires_at > time.time() + 3000
    assert site.world.requests[channel] > requests


async def test_a_revoked_refresh_token_gives_exactly_one_alert(site: Site) -> None:
    alerts = []

    async def hook(app, alert) -> None:
        alerts.append(alert)

    site.app[keys.REAUTH_HOOKS].append(hook)
    account_id, channel = await connect_channel(site)
    site.world.add_comment(site.world.add_post(channel, "Open dag").id, "Leuk")
    assert await poll(site, account_id) == Outcome.OK
    site.world.revoke_refresh_tokens(channel)  # the school withdrew Denkna's access at Google
    site.world.advance(3601)
    outcomes = [await poll(site, account_id) for _ in range(4)]
    assert outcomes[0] == Outcome.NEEDS_REAUTH
    assert set(outcomes[1:]) == {Outcome.INACTIVE}, "no more calls once it needs reauth"
    assert len(alerts) == 1 and alerts[0].account_id == account_id
    assert alerts[0].reconnect_path == f"/dashboard/accounts/{account_id}/connect"
    assert alerts[0].reconnect_path in alerts[0].message_nl()
    async with site.app[keys.DB].session() as s:
        assert (await s.get(Account, account_id)).status == "needs_reauth"
        assert len((await s.execute(select(AuditLog).where(
            AuditLog.action == "account.needs_reauth"))).scalars().all()) == 1
    b = await site.browser()
    try:
        _, page = await b.get("/dashboard/accounts")
        assert "opnieuw koppelen nodig" in page
        assert f'href="/dashboard/accounts/{account_id}/connect"' in page
        # connecting again through that link makes it healthy again
        status, screen = await b.get(f"/dashboard/accounts/{account_id}/connect")
        assert status == 200 and "Opnieuw koppelen: Klimop TV" in screen
        _, consent = await b.get(f"/dashboard/accounts/connect/youtube/start"
                                 f"?school={site.school_id}&account={account_id}")
        _, result = await b.consent(consent, accounts=[channel])
        assert "opnieuw gekoppeld" in result, result
    finally:
        await b.close()
    assert await poll(site, account_id) == Outcome.OK
    assert len(alerts) == 1
