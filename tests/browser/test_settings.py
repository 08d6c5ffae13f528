"""The settings screens in real Chromium, as a principal uses them on a fresh installation
whose mail does not work yet (the default: nothing listens on the configured port).

She sets up the school's mail server (a local aiosmtpd server), tests the connection, sends a
test message, adds a Teams channel (a local https endpoint on the Workflows webhook path),
changes the first step and its deadline, and picks "streng" for bullying. The next check, the
next case and its alerts show each change. With the mail server stopped, the warning appears
on the overview within one outbox retry."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from sqlalchemy import select

from server import admin_ops, keys
from server.app import create_app
from server.dashboard import viewmodels as vm
from server.escalation.alerts import SmtpSettings
from server.escalation.service import EscalationConfig
from server.escalation.setup import ESCALATION_CONFIG
from server.passwords import hash_password
from server.storage.escalation_models import Case
from server.storage.models import Thread, User
from tests.schedules.conftest import make_settings
from tests.server.escalation.factory import MailSink, free_port
from tests.server.escalation.webhooks import HookServer

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PASSWORD = "Veilig-wachtwoord-2026"
RETRY = 0.5  # the outbox's round interval in this test
MILD = "Idioot ding, die beamer"  # bullying only at 'streng' (see the levels page)


class Site:
    def __init__(self, app: web.Application, base: str, sink: MailSink, hooks: HookServer,
                 staff_token: str, threads: list[int]):
        self.app, self.base, self.sink, self.hooks = app, base, sink, hooks
        self.staff_token, self.threads = staff_token, threads

    async def api(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        async with ClientSession() as http, http.request(
                method, self.base + path, json=body,
                headers={"Authorization": f"Bearer {self.staff_token}"}) as r:
            return r.status, await r.json()


@pytest.fixture
async def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Site]:
    async with HookServer(tmp_path) as hooks:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", hooks.ca_file)  # trust the local "Teams"
        sink = MailSink()  # started by the principal's story, not here
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        app = create_app(make_settings(tmp_path))
        # the installation's default mail server: nothing listens there
        app[ESCALATION_CONFIG] = EscalationConfig(
            base_url=base, outbox_interval=RETRY,
            smtp=SmtpSettings(port=free_port(), sender="denkna@localhost", timeout=3))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        async with app[keys.DB].session() as s:
            school = await admin_ops.create_school(s, "OBS De Klimop", "klimop")
            lead = await admin_ops.create_user(s, name="Mirjam de Wit", role="leadership",
                                               school_id=school.id, email="directie@klimop.nl")
            (await s.get(User, lead.id)).password_hash = hash_password(PASSWORD)
            staff = await admin_ops.create_user(s, name="Juf Petra", role="staff",
                                                school_id=school.id, email="petra@klimop.nl")
            _, token = await admin_ops.create_token(s, staff.id)
            account = await admin_ops.create_account(s, school_id=school.id,
                                                     platform="facebook", external_id="klimop",
                                                     name="OBS De Klimop")
            threads = []
            for n in range(3):
                t = Thread(school_id=school.id, account_id=account.id,
                           external_post_id=f"post-{n}", title=f"Bericht {n}")
                s.add(t)
                await s.flush()
                threads.append(t.id)
        try:
            yield Site(app, base, sink, hooks, token, threads)
        finally:
            await runner.cleanup()
            if sink.controller._thread is not None:
                sink.controller.stop()


async def submit(page: Any, locator: Any) -> None:
    async with page.expect_navigation():
        await locator.click()


async def warning_text(page: Any, url: str) -> str:
    await page.goto(url)
    box = page.locator(".delivery-warning")
    return await box.inner_text() if await box.count() else ""


async def test_a_principal_sets_up_alerts_steps_and_sensitivity(site: Site) -> None:
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # before: a mild text gets no bullying warning, and a report's mail fails (warning shown)
    status, before = await site.api("POST", "/api/v1/check", {"text": MILD})
    assert status == 200 and "bullying" not in {f["category"] for f in before["flags"]}
    status, _ = await site.api("POST", "/api/v1/cases/report", {"thread_id": site.threads[0]})
    assert status == 201
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium",
                                           args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        try:
            await page.goto(site.base + "/dashboard/login")
            await page.get_by_label("E-mailadres").fill("directie@klimop.nl")
            await page.get_by_label("Wachtwoord").fill(PASSWORD)
            await submit(page, page.get_by_role("button", name="Inloggen"))
            deadline = time.monotonic() + 10 * RETRY + 5
            while "weigert de verbinding" not in await warning_text(page, site.base +
                                                                    "/dashboard/"):
                assert time.monotonic() < deadline, "no warning for the failing default mail"
                await page.wait_for_timeout(200)
            await page.screenshot(path=str(ARTIFACTS / "settings-warning.png"), full_page=True)

            # 1. the mail server, its connection test and a test message
            site.sink.controller.start()
            await page.goto(site.base + "/dashboard/settings/mail")
            await page.get_by_label("Mailserver", exact=True).fill("127.0.0.1")
            await page.get_by_label("Poort", exact=True).fill(str(site.sink.port))
            await page.get_by_label("Beveiliging").select_option("none")
            await page.get_by_label("Afzender").fill("denkna@klimop.nl")
            await submit(page, page.get_by_role("button", name="Verbinding testen"))
            await page.get_by_text("werkt. Vergeet niet op te slaan").wait_for()
            await page.get_by_label("Testbericht naar").fill("directie@klimop.nl")
            await submit(page, page.get_by_role("button", name="Stuur een testbericht"))
            await page.get_by_text("Testbericht verstuurd naar directie@klimop.nl").wait_for()
            assert [m["Subject"] for m in site.sink.to("directie@klimop.nl")] == [
                "Denkna – Testbericht voor OBS De Klimop"]
            await submit(page, page.get_by_role("button", name="Opslaan"))
            await page.get_by_text("De mailserver is opgeslagen").wait_for()
            await page.screenshot(path=str(ARTIFACTS / "settings-mail.png"), full_page=True)
            # saving sent the report's waiting alert again: it arrives, the warning goes
            deadline = time.monotonic() + 10 * RETRY + 5
            while await warning_text(page, site.base + "/dashboard/"):
                assert time.monotonic() < deadline, "the warning stayed after the fix"
                await page.wait_for_timeout(200)
            assert any("Melding van een medewerker" in m["Subject"]
                       for m in site.sink.to("directie@klimop.nl"))

            # 2. a Teams channel for the directie, and its test message
            await page.goto(site.base + "/dashboard/settings/alerts")
            await page.get_by_label("Voor").select_option("leadership")
            await page.get_by_label("Soort").select_option("teams")
            await page.get_by_label("Adres", exact=True).fill(site.hooks.teams_url())
            await submit(page, page.get_by_role("button", name="Toevoegen"))
            await page.get_by_text("De bestemming is toegevoegd").wait_for()
            assert "geheime-handtekening" not in await page.locator("main").inner_text()
            teams_row = page.locator("tr", has_text="Microsoft Teams")
            await submit(page, teams_row.get_by_role("button", name="Stuur een testbericht"))
            await page.get_by_text("Testbericht verstuurd naar https://127.0.0.1/").wait_for()
            assert "Testbericht" in json.dumps(site.hooks.received[-1].body)
            await page.screenshot(path=str(ARTIFACTS / "settings-alerts.png"), full_page=True)

            # 3. the first step: another title, a deadline of 2 hours
            await page.goto(site.base + "/dashboard/settings/steps")
            first = page.locator("fieldset.step").first
            await first.get_by_label("Titel", exact=True).fill("Iedereen stopt met reageren")
            await first.get_by_label("Termijn van stap 1", exact=True).fill("2")
            await first.get_by_label("Eenheid van de termijn van stap 1").select_option("uur")
            await submit(page, page.get_by_role("button", name="Stappenplan opslaan"))
            await page.get_by_text("Het stappenplan is opgeslagen").wait_for()
            await page.screenshot(path=str(ARTIFACTS / "settings-steps.png"))

            # 4. streng for bullying, with the example texts the scorer judged
            await page.goto(site.base + "/dashboard/settings/levels")
            bullying = page.locator("fieldset", has=page.get_by_text("Pesten", exact=True))
            strict = bullying.locator("label", has_text="streng")
            assert MILD in " ".join(await strict.locator("li.yes").all_inner_texts())
            normal = bullying.locator("label", has_text="normaal")
            assert MILD in " ".join(await normal.locator("li.no").all_inner_texts())
            await strict.locator("input[type=radio]").check()
            await submit(page, page.get_by_role("button", name="Opslaan"))
            await page.get_by_text("De gevoeligheid is opgeslagen").wait_for()
            await page.screenshot(path=str(ARTIFACTS / "settings-levels.png"), full_page=True)

            # the effects: the next check warns about the mild text ...
            status, after = await site.api("POST", "/api/v1/check", {"text": MILD})
            assert status == 200 and "bullying" in {f["category"] for f in after["flags"]}
            # ... the next case starts on the edited step with its deadline, and its alert
            # reaches the mail server and Teams
            teams_before = len(site.hooks.received)
            status, body = await site.api("POST", "/api/v1/cases/report",
                                          {"thread_id": site.threads[1]})
            assert status == 201, body
            case_id = body["case_id"]
            async with site.app[keys.DB].session() as s:
                case = await s.get(Case, case_id)
            assert case.step_due_at - case.step_started_at == timedelta(hours=2)
            await page.goto(f"{site.base}/dashboard/cases/{case_id}")
            step = page.locator("section.step")
            await step.get_by_text("Iedereen stopt met reageren").wait_for()
            assert vm.when(case.step_due_at) in await step.inner_text()
            deadline = time.monotonic() + 10 * RETRY + 5
            while len(site.hooks.received) == teams_before or not any(
                    f"zaak #{case_id}" in m.get_content() or f"/cases/{case_id}" in
                    m.get_content() for m in site.sink.to("directie@klimop.nl")):
                assert time.monotonic() < deadline, "the new case's alerts did not arrive"
                await page.wait_for_timeout(200)
            assert "Melding van een medewerker" in json.dumps(site.hooks.received[-1].body)

            # 5. the mail server stops: the warning is on the overview within one retry
            site.sink.controller.stop()
            status, body = await site.api("POST", "/api/v1/cases/report",
                                          {"thread_id": site.threads[2]})
            assert status == 201
            started = time.monotonic()
            while "weigert de verbinding" not in (text := await warning_text(
                    page, site.base + "/dashboard/")):
                assert time.monotonic() - started < RETRY + 5, "no warning within one retry"
                await page.wait_for_timeout(100)
            assert f"127.0.0.1 (poort {site.sink.port})" in text
            await page.screenshot(path=str(ARTIFACTS / "settings-mail-down.png"),
                                  full_page=True)
            assert not [e for e in errors if "Content Security Policy" in e], errors
        except Exception:
            await page.screenshot(path=str(ARTIFACTS / "settings-failure.png"), full_page=True)
            raise
        finally:
            await browser.close()
    async with site.app[keys.DB].session() as s:
        cases = (await s.scalars(select(Case))).all()
    assert len(cases) == 3
    metrics = site.app[keys.METRICS].render()
    assert re.search(r'denkna_outbox_deliveries_total\{channel="email",result="failed"\} \d+',
                     metrics)
    assert re.search(r'denkna_outbox_messages\{state="retrying"\} [1-9]', metrics)
