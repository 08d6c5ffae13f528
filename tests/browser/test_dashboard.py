"""End to end in real Chromium: leadership logs in, works a case from the fake Facebook page
through the Scala steps, posts the statement (the fake page receives it), closes the case and
exports the dossier. Screenshots go to tests/artifacts/ (copied to docs/screenshots/)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from denkna_demo.fakes import FakePlatformServer, FakeWorld
from denkna_demo.scenario import Scenario
from schedules.poll_account import poll_account
from server import admin_ops, keys
from server.app import create_app
from server.escalation.alerts import SmtpSettings
from server.escalation.service import EscalationConfig
from server.escalation.setup import ESCALATION_CONFIG
from server.passwords import hash_password
from server.platforms.credentials import store_token
from server.storage.models import User
from tests.schedules.conftest import FAST_API, fast_monitoring, make_settings
from tests.server.escalation.factory import MailSink, free_port

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PASSWORD = "Veilig-wachtwoord-2026"


class Site:
    def __init__(self, app: web.Application, world: FakeWorld, base: str, sink: MailSink):
        self.app, self.world, self.base, self.sink = app, world, base, sink


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    with MailSink() as sink:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        app = create_app(make_settings(tmp_path))
        app[keys.MONITOR].settings = fast_monitoring()
        app[ESCALATION_CONFIG] = EscalationConfig(base_url=base, outbox_interval=0.3,
                                                  smtp=SmtpSettings(port=sink.port))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        world = FakeWorld()
        fake = world.add_account("facebook", name="OBS De Klimop")
        fb = await FakePlatformServer(world, "facebook").start()
        async with app[keys.DB].session() as s:
            school = await admin_ops.create_school(s, "OBS De Klimop", "klimop")
            lead = await admin_ops.create_user(s, name="Mirjam de Wit", role="leadership",
                                               school_id=school.id, email="directie@klimop.nl")
            lead_row = await s.get(User, lead.id)
            lead_row.password_hash = hash_password(PASSWORD)
            await admin_ops.create_user(s, name="Juf Petra", role="staff", school_id=school.id,
                                        email="petra@klimop.nl")
            account = await admin_ops.create_account(
                s, school_id=school.id, platform="facebook", external_id=fake.id,
                name="OBS De Klimop", settings={"api": {**FAST_API, "base_url": fb.url}})
            await store_token(s, app[keys.SECRET_KEY], account.id, fake.token)
        await Scenario.load().play(world, fake.id)
        await poll_account(app, account.id)
        try:
            yield Site(app, world, base, sink)
        finally:
            await fb.stop()
            await runner.cleanup()


async def submit(page: Any, locator: Any) -> None:
    """Click something that loads a new page, and wait for that page."""
    async with page.expect_navigation():
        await locator.click()


async def test_leadership_works_a_case_end_to_end(site: Site) -> None:
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium",
                                           args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        try:
            await page.goto(site.base + "/dashboard/")
            assert page.url.endswith("/dashboard/login")
            await page.get_by_label("E-mailadres").fill("directie@klimop.nl")
            await page.get_by_label("Wachtwoord").fill(PASSWORD)
            await submit(page, page.get_by_role("button", name="Inloggen"))
            await page.wait_for_url(re.compile(r"/dashboard/$"))
            await page.get_by_role("heading", name="Open zaken").wait_for()
            await page.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"), full_page=True)

            await page.locator("table.list a").first.click()
            await page.get_by_role("heading", name=re.compile(r"Zaak #\d+")).wait_for()
            assert await page.locator("ol.thread mark").count() >= 5  # flagged fragments
            await page.screenshot(path=str(ARTIFACTS / "dashboard-case.png"), full_page=True)

            await submit(page, page.get_by_role("button", name=re.compile("Vraag alle mede")))
            await page.get_by_text("verstuurd naar alle medewerkers").wait_for()
            for label in ("Personeel gevraagd te stoppen met reageren",
                          "Gesproken met plaatser (volwassene)", "Reageert inadequaat"):
                await submit(page, page.get_by_role("button", name=label))
                await page.get_by_text("De uitkomst is vastgelegd").wait_for()
            statement = page.get_by_label("Kort en krachtig statement")
            assert "klachtenregeling" in await statement.input_value()
            await statement.fill("Wij hebben met de betrokkene gesproken. Wie een klacht heeft, "
                                 "kan de klachtenregeling gebruiken. Aangifte kan volgen.")
            await submit(page, page.get_by_role("button", name="Plaatsen onder het bericht"))
            await page.get_by_text("geplaatst onder het bericht").first.wait_for()
            replies = [a for a in site.world.actions if a[0] == "reply"]
            assert len(replies) == 1 and "klachtenregeling" in replies[0][2]
            for label in ("Statement geplaatst", "Afhandeling vastgelegd, zaak gesloten"):
                await submit(page, page.get_by_role("button", name=label, exact=True))
            await page.get_by_text("De zaak is gesloten").wait_for()
            dossier = await page.locator("table.dossier").inner_text()
            for text in ("Personeel gevraagd te stoppen met reageren",
                         "Gesproken met plaatser (volwassene)", "Reageert inadequaat",
                         "Statement geplaatst onder het bericht", "Zaak gesloten"):
                row = page.locator("table.dossier tr", has_text=text).first
                cells = await row.locator("td").all_inner_texts()
                assert re.search(r"\d{1,2} \w{3} 20\d\d \d\d:\d\d", cells[0]), cells
                assert "Mirjam de Wit" in cells[1], cells
            assert dossier.count("Zaak bekeken") >= 5  # every view is recorded
            await page.screenshot(path=str(ARTIFACTS / "dashboard-case-closed.png"),
                                  full_page=True)

            await submit(page, page.get_by_role("link", name="Dossier afdrukken of bewaren"))
            await page.get_by_role("heading", name=re.compile("Dossier zaak")).wait_for()
            export = await page.locator("main").inner_text()
            for text in ("Reageert inadequaat", "Statement geplaatst onder het bericht",
                         "Mirjam de Wit (directie)", "gesloten"):
                assert text in export
            await page.screenshot(path=str(ARTIFACTS / "dashboard-export.png"), full_page=True)
            assert not [e for e in errors if "Content Security Policy" in e], errors

            await page.goto(site.base + "/dashboard/settings")
            await page.get_by_role("heading", name="Bestemming toevoegen").wait_for()
            await page.screenshot(path=str(ARTIFACTS / "dashboard-settings.png"), full_page=True)

            # log out; a staff member cannot open the dashboard
            await page.goto(site.base + "/dashboard/")
            await submit(page, page.get_by_role("button", name="Uitloggen"))
            assert page.url.endswith("/dashboard/login")
            async with site.app[keys.DB].session() as s:
                staff = (await s.scalars(select(User).where(User.role == "staff"))).one()
                staff.password_hash = hash_password(PASSWORD)
            await page.get_by_label("E-mailadres").fill("petra@klimop.nl")
            await page.get_by_label("Wachtwoord").fill(PASSWORD)
            await submit(page, page.get_by_role("button", name="Inloggen"))
            await page.get_by_text("alleen voor de directie").wait_for()
            await page.screenshot(path=str(ARTIFACTS / "dashboard-login-refused.png"))
            await page.goto(site.base + "/dashboard/")
            assert page.url.endswith("/dashboard/login")
        except Exception:
            await page.screenshot(path=str(ARTIFACTS / "dashboard-failure.png"), full_page=True)
            raise
        finally:
            await browser.close()
    # the alert e-mail went out once, the stop-reacting message reached the staff
    assert [m["To"] for m in site.sink.messages if "Nieuwe zaak" in m["Subject"]] == [
        "directie@klimop.nl"]
