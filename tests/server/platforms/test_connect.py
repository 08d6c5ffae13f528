"""Account koppelen over HTTP against the fake platforms' OAuth: what gets stored, who may do
it, and bad input (a wrong instance URL, a denied consent, a state mismatch, an expired code)
that gets a clear Dutch message and changes nothing. The real-Chromium walk through the same
screens is tests/browser/test_connect_accounts.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from denkna_demo.fakes import FakeAccount, FakePlatformServer
from schedules.poll_account import Outcome, poll_account
from server import admin_ops, keys
from server.platforms.connect import Flow
from server.platforms.credentials import load_grant
from server.platforms.oauth import PERMISSIONS
from server.storage.monitoring_models import AccountCredential, MastodonApp
from tests.server.platforms.connect_site import Browser, Site, make_site, query_of


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async for s in make_site(tmp_path):
        yield s


async def nothing_stored(site: Site) -> bool:
    async with site.app[keys.DB].session() as s:
        creds = (await s.execute(select(func.count()).select_from(AccountCredential)))
        return not await site.accounts() and creds.scalar_one() == 0


async def test_facebook_page_connects_subscribes_and_polls(site: Site) -> None:
    page = site.world.add_account("facebook", name="OBS De Klimop")
    site.world.add_account("facebook", name="Oudervereniging")  # not shared with Denkna
    post = site.world.add_post(page.id, "Schoolreis")
    site.world.add_comment(post.id, "Wat leuk!")
    b = await site.browser()
    try:
        status, consent = await b.get(f"/dashboard/accounts/connect/facebook/start"
                                      f"?school={site.school_id}")
        assert status == 200 and "pages_manage_metadata" in consent
        q = query_of(b.last_url)
        assert q["redirect_uri"] == site.callback and q["response_type"] == "code"
        assert set(q["scope"].split(",")) == {p.name for p in PERMISSIONS["facebook"]}
        status, result = await b.consent(consent, accounts=[page.id])
        assert status == 200, result
        assert "Gekoppeld" in result and "OBS De Klimop" in result
    finally:
        await b.close()
    [account] = await site.accounts()
    assert (account.platform, account.external_id, account.status) == ("facebook", page.id,
                                                                       "active")
    assert site.world.subscriptions[page.id] == ("feed",), "subscribed_apps on connect"
    async with site.app[keys.DB].session() as s:
        grant = await load_grant(s, site.app[keys.SECRET_KEY], account.id)
        raw = (await s.get(AccountCredential, account.id)).token_encrypted
    assert grant.expires_at is None, "a Page token from a long-lived user token"
    assert grant.access_token not in raw
    assert site.world.token_calls["fb_exchange_token"] == 1
    assert (await poll_account(site.app, account.id)).outcome == Outcome.OK
    assert len(await site.audits("account.connected")) == 1


async def test_instagram_is_the_pages_business_account(site: Site) -> None:
    page = site.world.add_account("facebook", name="OBS De Klimop")
    ig = site.world.add_account("instagram", name="Klimop", username="obsdeklimop",
                                linked_page=page.id)
    b = await site.browser()
    try:
        _, consent = await b.get(f"/dashboard/accounts/connect/instagram/start"
                                 f"?school={site.school_id}")
        assert "instagram_manage_comments" in consent
        _, result = await b.consent(consent, accounts=[page.id])
        assert "Gekoppeld" in result and "@obsdeklimop" in result
    finally:
        await b.close()
    [account] = await site.accounts()
    assert (account.platform, account.external_id) == ("instagram", ig.id)
    assert account.settings["page_id"] == page.id
    assert page.id in site.world.subscriptions


async def test_several_pages_are_a_choice(site: Site) -> None:
    pages = [site.world.add_account("facebook", name=n) for n in ("Klimop", "Klimop Oost")]
    b = await site.browser()
    try:
        _, consent = await b.get(f"/dashboard/accounts/connect/facebook/start"
                                 f"?school={site.school_id}")
        _, choice = await b.consent(consent, accounts=[p.id for p in pages])
        assert "Kies het account" in choice
        csrf = choice.split('name="csrf" value="')[1].split('"')[0]
        status, forged = await b.post("/connect/choose", {"csrf": "vals",
                                                          "account": pages[1].id})
        assert status == 400 and "niet worden gecontroleerd" in forged
        assert await nothing_stored(site)
        status, result = await b.post("/connect/choose", {"csrf": csrf,
                                                          "account": pages[1].id})
        assert status == 200 and "Klimop Oost" in result, result
    finally:
        await b.close()
    assert [a.external_id for a in await site.accounts()] == [pages[1].id]


async def test_youtube_stores_an_encrypted_refresh_token(site: Site) -> None:
    channel = site.world.add_account("youtube", name="Klimop TV")
    b = await site.browser()
    try:
        _, consent = await b.get(f"/dashboard/accounts/connect/youtube/start"
                                 f"?school={site.school_id}")
        q = query_of(b.last_url)
        assert q["access_type"] == "offline" and q["prompt"] == "consent"
        assert q["code_challenge_method"] == "S256"
        assert q["scope"] == "https://www.googleapis.com/auth/youtube.force-ssl"
        _, result = await b.consent(consent, accounts=[channel.id])
        assert "Gekoppeld" in result and "Klimop TV" in result, result
    finally:
        await b.close()
    [account] = await site.accounts()
    assert account.external_id == channel.id
    async with site.app[keys.DB].session() as s:
        grant = await load_grant(s, site.app[keys.SECRET_KEY], account.id)
        raw = (await s.get(AccountCredential, account.id)).token_encrypted
    assert grant.refresh_token and grant.expires_at
    assert grant.refresh_token not in raw and "refresh" not in raw


async def test_mastodon_registers_on_the_schools_instance(site: Site) -> None:
    me = site.world.add_account("mastodon", name="OBS De Klimop", username="klimop")
    instance = site.servers["mastodon"].url
    b = await site.browser()
    try:
        csrf = await b.csrf()
        status, page = await b.post("/dashboard/accounts/connect/mastodon", {
            "csrf": csrf, "school": str(site.school_id), "instance": instance + "/"})
        assert status == 200 and "Verder naar" in page, page
        [(_, _, asked)] = [a for a in site.world.actions if a[0] == "register_app"]
        assert set(asked) == {p.name for p in PERMISSIONS["mastodon"]}
        url = page.split('class="button primary" href="')[1].split('"')[0].replace("&amp;", "&")
        _, consent = await b.get(url)
        _, result = await b.consent(consent, accounts=[me.id])
        assert "Gekoppeld" in result and "@klimop@127.0.0.1" in result, result
    finally:
        await b.close()
    [account] = await site.accounts()
    assert account.external_id == me.id
    assert account.settings["api"]["base_url"] == instance


async def start_mastodon(b: Browser, site: Site, instance: str, school_id: int | None = None,
                         account_id: int | None = None) -> str:
    """Fill in the instance on the connect screen and follow the link: the consent page."""
    form = {"csrf": await b.csrf(), "school": str(school_id or site.school_id),
            "instance": instance}
    if account_id is not None:
        form["account"] = str(account_id)
    status, page = await b.post("/dashboard/accounts/connect/mastodon", form)
    assert status == 200 and "Verder naar" in page, page
    url = page.split('class="button primary" href="')[1].split('"')[0].replace("&amp;", "&")
    status, consent = await b.get(url)
    assert status == 200, consent
    return consent


async def connect_mastodon(site: Site, who: FakeAccount, instance: str, **start: int
                           ) -> str:
    b = await site.browser()
    try:
        consent = await start_mastodon(b, site, instance, **start)
        status, result = await b.consent(consent, accounts=[who.id])
    finally:
        await b.close()
    assert status == 200 and "<h1>Gekoppeld</h1>" in result, result
    return result


async def stored_apps(site: Site) -> list[MastodonApp]:
    async with site.app[keys.DB].session() as s:
        return list((await s.execute(select(MastodonApp).order_by(MastodonApp.id))).scalars())


async def test_a_board_connects_its_schools_on_one_instance_with_one_app(site: Site) -> None:
    instance = site.servers["mastodon"].url
    klimop = site.world.add_account("mastodon", name="OBS De Klimop", username="klimop")
    regenboog = site.world.add_account("mastodon", name="De Regenboog", username="regenboog")
    async with site.app[keys.DB].session() as s:
        other_school = (await admin_ops.create_school(s, "De Regenboog", "regenboog")).id
    await connect_mastodon(site, klimop, instance)
    await connect_mastodon(site, regenboog, instance, school_id=other_school)
    first, second = await site.accounts()
    result = await connect_mastodon(site, klimop, instance, account_id=first.id)
    assert "opnieuw gekoppeld" in result
    assert site.world.apps_registered[instance] == 1, "one app on the instance"
    [app] = await stored_apps(site)
    assert (app.instance, app.redirect_uri) == (instance, site.callback)
    async with site.app[keys.DB].session() as s:
        for account in (first, second):
            grant = await load_grant(s, site.app[keys.SECRET_KEY], account.id)
            assert grant.extra["client_id"] == app.client_id
    assert site.world.clients[app.client_id].secret not in app.client_secret_encrypted


async def test_an_app_the_instance_deleted_is_registered_anew(site: Site) -> None:
    instance = site.servers["mastodon"].url
    me = site.world.add_account("mastodon", name="OBS De Klimop", username="klimop")
    await connect_mastodon(site, me, instance)
    [old] = await stored_apps(site)
    site.world.forget_client(old.client_id)  # deleted by the instance's admin
    [account] = await site.accounts()
    result = await connect_mastodon(site, me, instance, account_id=account.id)
    assert "opnieuw gekoppeld" in result, "in one go: Denkna noticed before the consent"
    [new] = await stored_apps(site)
    assert new.client_id != old.client_id and site.world.apps_registered[instance] == 2


async def test_an_app_deleted_during_the_consent(site: Site) -> None:
    instance = site.servers["mastodon"].url
    me = site.world.add_account("mastodon", name="OBS De Klimop", username="klimop")
    b = await site.browser()
    try:
        consent = await start_mastodon(b, site, instance)
        _, back = await b.consent(consent, accounts=[me.id], follow=False)
        [old] = await stored_apps(site)
        site.world.forget_client(old.client_id)
        status, result = await b.get(back)
    finally:
        await b.close()
    assert status == 409 and "kende de app van Denkna niet meer" in result, result
    assert "start het koppelen opnieuw" in result and "Traceback" not in result
    assert await nothing_stored(site)
    [new] = await stored_apps(site)
    assert new.client_id != old.client_id and site.world.apps_registered[instance] == 2
    await connect_mastodon(site, me, instance)  # trying again works, with the new app
    assert site.world.apps_registered[instance] == 2
    [account] = await site.accounts()
    assert account.external_id == me.id


async def test_two_instances_get_two_apps(site: Site) -> None:
    here = site.servers["mastodon"].url
    klimop = site.world.add_account("mastodon", name="OBS De Klimop", username="klimop")
    regenboog = site.world.add_account("mastodon", name="De Regenboog", username="regenboog")
    async with FakePlatformServer(site.world, "mastodon") as other:
        await connect_mastodon(site, klimop, here)
        await connect_mastodon(site, regenboog, other.url)
        await connect_mastodon(site, klimop, here)
        assert site.world.apps_registered[here] == site.world.apps_registered[other.url] == 1
        assert [a.instance for a in await stored_apps(site)] == [here, other.url]
    assert [a.settings["api"]["base_url"] for a in await site.accounts()] == [here, other.url]


# --- bad input: a clear Dutch message, nothing changed -----------------------------------------


@pytest.mark.parametrize("instance, message", [
    ("", "Vul het adres"),
    ("@klimop@school.social", "geen adres van een server"),
    ("https://school.social/@klimop", "geen adres van een server"),
    ("http://school.social", "beveiligd adres"),
    ("https://127.0.0.1:9", "draait geen Mastodon-server"),
])
async def test_a_wrong_instance_url(site: Site, instance: str, message: str) -> None:
    b = await site.browser()
    try:
        csrf = await b.csrf()
        status, page = await b.post("/dashboard/accounts/connect/mastodon", {
            "csrf": csrf, "school": str(site.school_id), "instance": instance})
    finally:
        await b.close()
    assert status == 400 and message in page
    assert "Traceback" not in page
    assert await nothing_stored(site)


async def test_a_server_that_is_not_mastodon(site: Site) -> None:
    b = await site.browser()
    try:
        csrf = await b.csrf()
        status, page = await b.post("/dashboard/accounts/connect/mastodon", {
            "csrf": csrf, "school": str(site.school_id),
            "instance": site.servers["youtube"].url})
    finally:
        await b.close()
    assert status == 400 and "draait geen Mastodon-server" in page
    assert await nothing_stored(site)


async def test_a_denied_consent(site: Site) -> None:
    channel = site.world.add_account("youtube")
    b = await site.browser()
    try:
        _, consent = await b.get(f"/dashboard/accounts/connect/youtube/start"
                                 f"?school={site.school_id}")
        status, result = await b.consent(consent, allow=False, accounts=[channel.id])
    finally:
        await b.close()
    assert status == 400 and "geen toestemming gegeven" in result
    assert await nothing_stored(site)


async def test_a_state_mismatch(site: Site) -> None:
    page = site.world.add_account("facebook")
    b = await site.browser()
    try:
        _, consent = await b.get(f"/dashboard/accounts/connect/facebook/start"
                                 f"?school={site.school_id}")
        _, back = await b.consent(consent, accounts=[page.id], follow=False)
        forged = back.replace("state=", "state=x")  # someone else's callback
        status, result = await b.get(forged)
        assert status == 400 and "beveiligingscode klopt niet" in result
        other = await site.browser()  # the right callback in a browser that did not start it
        try:
            status, result = await other.get(back)
        finally:
            await other.close()
        assert status == 400 and "beveiligingscode klopt niet" in result
    finally:
        await b.close()
    assert await nothing_stored(site)
    assert site.world.token_calls["authorization_code"] == 0, "the code was never used"


async def test_an_expired_code(site: Site) -> None:
    channel = site.world.add_account("youtube")
    b = await site.browser()
    try:
        _, consent = await b.get(f"/dashboard/accounts/connect/youtube/start"
                                 f"?school={site.school_id}")
        _, back = await b.consent(consent, accounts=[channel.id], follow=False)
        site.world.advance(601)  # a code works for ten minutes
        status, result = await b.get(back)
    finally:
        await b.close()
    assert status == 400 and "is verlopen of al gebruikt" in result
    assert await nothing_stored(site)


async def test_a_flow_older_than_fifteen_minutes_is_refused(site: Site) -> None:
    flow = Flow(platform="youtube", school_id=site.school_id, redirect_uri=site.callback,
                user_id=site.users["admin"], started=0)
    sealed = flow.seal(site.app[keys.SECRET_KEY])
    assert Flow.unseal(site.app[keys.SECRET_KEY], sealed) is not None
    assert Flow.unseal("een-andere-sleutel-van-de-server", sealed) is None


# --- who may connect ---------------------------------------------------------------------------


async def test_leadership_connects_only_when_the_school_allows_it(site: Site) -> None:
    lead = await site.browser("leadership")
    admin = await site.browser("admin")
    try:
        status, page = await lead.get("/dashboard/accounts/connect")
        assert status == 403 and "beheerder" in page
        status, _ = await lead.get(f"/dashboard/accounts/connect/facebook/start"
                                   f"?school={site.school_id}")
        assert status == 403
        _, accounts = await lead.get("/dashboard/accounts")
        assert "Account koppelen" not in accounts
        csrf = await admin.csrf()
        status, page = await admin.post("/dashboard/accounts/connect/leadership", {
            "csrf": csrf, "school": str(site.school_id), "allowed": "1"})
        assert status == 200 and "directie van deze school kan nu zelf" in page
        status, page = await lead.get("/dashboard/accounts/connect")
        assert status == 200 and "Koppelen met Facebook" in page
        assert "Wie mag koppelen" not in page, "only the admin decides"
        _, accounts = await lead.get("/dashboard/accounts")
        assert "Account koppelen" in accounts
    finally:
        await lead.close()
        await admin.close()


async def test_reconnecting_with_another_channel_changes_nothing(site: Site) -> None:
    first = site.world.add_account("youtube", name="Klimop TV")
    second = site.world.add_account("youtube", name="Privékanaal")
    b = await site.browser()
    try:
        _, consent = await b.get(f"/dashboard/accounts/connect/youtube/start"
                                 f"?school={site.school_id}")
        await b.consent(consent, accounts=[first.id])
        [account] = await site.accounts()
        async with site.app[keys.DB].session() as s:
            before = (await s.get(AccountCredential, account.id)).token_encrypted
        _, consent = await b.get(f"/dashboard/accounts/connect/youtube/start"
                                 f"?school={site.school_id}&account={account.id}")
        status, result = await b.consent(consent, accounts=[second.id])
    finally:
        await b.close()
    assert status == 400 and "ander YouTube-account" in result
    assert [a.external_id for a in await site.accounts()] == [first.id]
    async with site.app[keys.DB].session() as s:
        assert (await s.get(AccountCredential, account.id)).token_encrypted == before


def test_every_permission_is_documented() -> None:
    """docs/platforms.md names each permission the connect screen asks for (that screen is
    checked in tests/browser/test_connect_accounts.py)."""
    doc = (Path(__file__).resolve().parents[3] / "docs" / "platforms.md").read_text()
    for platform, permissions in PERMISSIONS.items():
        for p in permissions:
            assert f"`{p.name}`" in doc, (platform, p.name)
    for must in ("App Review", "bedrijfsverificatie", "subscribed_apps", "Quotum",
                 "OAuth-client-ID", "beperkt", "/connect/callback"):
        assert must in doc, must
