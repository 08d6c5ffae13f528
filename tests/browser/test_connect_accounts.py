"""Account koppelen in real Chromium, for each platform, against the fake platforms' OAuth: the
admin logs in, opens Accounts → Account koppelen, sees every permission Denkna asks for with
its reason, goes to the platform (the redirect), allows access on its consent page, comes back
(the callback), and the account is connected. The next poll stores its comments, and the
accounts page shows the account as healthy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from schedules.poll_account import Outcome, poll_account
from server.platforms.oauth import PERMISSIONS, PLATFORM_LABELS
from tests.server.platforms.connect_site import PASSWORD, Site, make_site

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async for s in make_site(tmp_path):
        yield s


def seed(site: Site, platform: str) -> tuple[str, str, list[str]]:
    """The school's account on the fake platform with a post and comments:
    (the id to pick on the consent page, the account's own id, the comment ids)."""
    w = site.world
    if platform == "instagram":
        page = w.add_account("facebook", name="OBS De Klimop")
        account = w.add_account("instagram", name="Klimop", username="obsdeklimop",
                                linked_page=page.id)
        pick = page.id
    else:
        account = w.add_account(platform, name="OBS De Klimop", username="klimop")
        pick = account.id
    post = w.add_post(account.id, "Foto's van de schoolreis")
    top = w.add_comment(post.id, "Wat een mooie foto's!", author_id="ouder1")
    reply = w.add_comment(post.id, "Inderdaad, top georganiseerd", author_id="ouder2",
                          parent_id=top.external_id)
    return pick, account.id, [top.external_id, reply.external_id]


async def submit(page: Any, locator: Any) -> None:
    async with page.expect_navigation():
        await locator.click()


@pytest.mark.parametrize("platform", ["facebook", "instagram", "youtube", "mastodon"])
async def test_connect_an_account_through_the_dashboard(site: Site, platform: str) -> None:
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pick, external_id, comments = seed(site, platform)
    label = PLATFORM_LABELS[platform]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium",
                                           args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        errors: list[str] = []  # failed requests (not the favicon Chromium asks every host for)
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if (
            r.status >= 400 and not r.url.endswith("/favicon.ico")) else None)
        try:
            await page.goto(site.base + "/dashboard/login")
            await page.get_by_label("E-mailadres").fill(site.emails["admin"])
            await page.get_by_label("Wachtwoord").fill(PASSWORD)
            await submit(page, page.get_by_role("button", name="Inloggen"))
            await page.goto(site.base + "/dashboard/accounts")
            await submit(page, page.get_by_role("link", name="Account koppelen"))
            card = page.locator(f"#koppel-{platform}")
            text = await card.inner_text()
            for permission in PERMISSIONS[platform]:
                assert permission.name in text and permission.why in text, permission.name
            await page.screenshot(path=str(ARTIFACTS / f"connect-{platform}.png"),
                                  full_page=True)
            if platform == "mastodon":
                instance = site.servers["mastodon"].url
                await card.get_by_label("Adres van de Mastodon-server").fill(instance)
                await submit(page, card.get_by_role("button",
                                                    name="Verder naar de Mastodon-server"))
                await submit(page, page.get_by_role("link", name="Verder naar"))
            else:
                await submit(page, card.get_by_role("link", name=f"Koppelen met {label}"))
            # the platform's consent page (the redirect)
            assert page.url.startswith(site.servers[platform].url), page.url
            await page.locator(f'input[name="account"][value="{pick}"]').check()
            await submit(page, page.get_by_role("button", name="Toestaan"))
            # back at Denkna (the callback)
            assert page.url.startswith(site.base + "/connect/callback"), page.url
            status = await page.get_by_role("status").inner_text()
            assert "gekoppeld" in status, status
            await submit(page, page.get_by_role("link", name="Naar de accounts"))
            [account] = await site.accounts()
            assert (account.platform, account.external_id) == (platform, external_id)
            result = await poll_account(site.app, account.id)
            assert result.outcome == Outcome.OK and result.stored == len(comments)
            await page.reload()
            row = page.locator(f"#account-{account.id}")
            assert "in orde" in await row.inner_text()
            await page.screenshot(path=str(ARTIFACTS / f"connected-{platform}.png"),
                                  full_page=True)
        finally:
            await browser.close()
    assert not errors, errors
    if platform in ("facebook", "instagram"):
        assert site.world.subscriptions.get(pick) == ("feed",)
