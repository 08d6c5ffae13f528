"""Nothing raw for a principal: real Chromium walks every dashboard page a leadership user can
reach (every link from the overview, followed until no new page turns up, plus the login page,
a page that does not exist and the dossier PDF) and reads what she sees. No page shows YAML, a
file number of the seeds ("000" to "004", "seeds") or a number that nothing explains.

A number counts as explained when words around it say what it is: a date and time, a case
number, a week, a count with its noun, a percentage, a port, a step number, an error code.
What people wrote (the comments of the discussion, the example sentences on the sensitivity
page) is quoted, not Denkna's own text, and is left out of the number check."""

from __future__ import annotations

import re
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

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
from tests.server.escalation.factory import free_port

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PASSWORD = "Veilig-wachtwoord-2026"
MONTHS = "jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec"
NOUNS = ("reacties?|meldingen|melding|berichten|bericht|verschillende personen|personen|"
         "gemarkeerde reacties|uur|dagen|dag|minuten|stappen|keer|leerlingen|leerling|"
         "waarschuwingen|waarschuwing")
EXPLAINED = [re.compile(p) for p in (
    rf"\d{{1,2}} (?:{MONTHS}) \d{{4}}(?: \d{{2}}:\d{{2}}(?::\d{{2}})?)?",  # date and time
    r"[Zz]aak #\d+",  # the case number
    r"\bwk \d+",  # a week in the chart
    rf"\b\d+ (?:van de laatste \d+ )?(?:{NOUNS})\b",  # a count with its noun
    r"\b\d+×",  # "5× zo snel als normaal"
    r"\b\d+%",  # a percentage
    r"\bpoort \d+",  # the mail server's port
    r"\b[Ss]tap \d+",  # a step's number in the form
    r"\bOpen zaken \d+",  # the count next to its heading
    r"\bfoutcode \d+",  # an error code with its name
    r"\bPagina \d+ van \d+",  # the PDF's page numbers
    r"\bMicrosoft 365\b",  # a product's name
    r"\bbegint met dk_\S+",  # the start of a token, so that one can tell tokens apart
    r"\bart\. [A-Z]?\.?\d+(?:\.\d+)*",  # an article of the school's protocol
)]
ADDRESSES = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b\d{1,3}(?:\.\d{1,3}){3}\b")
FILE_NUMBER = re.compile(r"(?<![\d.,:/-])00[0-4](?![\d.,:])|\bseeds?\b", re.I)
HIDE_QUOTED = """() => {
  for (const el of document.querySelectorAll('ol.thread .text, .level-choice li, code'))
    el.style.display = 'none';
}"""
READ = """() => ({
  text: document.body.innerText,
  values: [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
    .map(e => e.value),
  titles: [...document.querySelectorAll('[title]')].map(e => e.getAttribute('title')),
  links: [...document.querySelectorAll('a[href^="/dashboard"]')].map(a => a.getAttribute('href')),
})"""


def unexplained(text: str) -> list[str]:
    text = ADDRESSES.sub(" ", " ".join(text.split()))
    for pattern in EXPLAINED:
        text = pattern.sub(" ", text)
    return [m.group(0) for m in re.finditer(r"\S*\d\S*", text)]


def raw_problems(where: str, text: str) -> list[str]:
    out = []
    if "yaml" in text.lower():
        out.append(f"{where}: mentions YAML")
    out += [f"{where}: file number {m.group(0)!r}" for m in FILE_NUMBER.finditer(text)]
    return out


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(make_settings(tmp_path))
    app[keys.MONITOR].settings = fast_monitoring()
    app[ESCALATION_CONFIG] = EscalationConfig(base_url=base, outbox_interval=0.3,
                                              smtp=SmtpSettings(port=free_port(), timeout=2))
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
        (await s.get(User, lead.id)).password_hash = hash_password(PASSWORD)
        staff = await admin_ops.create_user(s, name="Juf Petra", role="staff",
                                            school_id=school.id, email="petra@klimop.nl")
        await admin_ops.create_token(s, staff.id, "extensie")
        account = await admin_ops.create_account(
            s, school_id=school.id, platform="facebook", external_id=fake.id,
            name="OBS De Klimop", settings={"api": {**FAST_API, "base_url": fb.url}})
        await store_token(s, app[keys.SECRET_KEY], account.id, fake.token)
    await Scenario.load().play(world, fake.id)
    await poll_account(app, account.id)  # a real case, its comments scored by the scorer
    try:
        yield base
    finally:
        await fb.stop()
        await runner.cleanup()


async def walk(base: str) -> dict[str, dict[str, Any]]:
    """Every page reachable by links, as the principal sees it."""
    from playwright.async_api import async_playwright

    seen: dict[str, dict[str, Any]] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium",
                                           args=CHROMIUM_ARGS)
        page = await browser.new_page(locale="nl-NL")
        try:
            await page.goto(base + "/dashboard/login")
            seen["/dashboard/login"] = await page.evaluate(READ)
            await page.get_by_label("E-mailadres").fill("directie@klimop.nl")
            await page.get_by_label("Wachtwoord").fill(PASSWORD)
            async with page.expect_navigation():
                await page.get_by_role("button", name="Inloggen").click()
            todo = ["/dashboard/", "/dashboard/cases/999999"]
            while todo:
                path = todo.pop(0)
                if path in seen:
                    continue
                if path.endswith(".pdf"):
                    response = await page.request.get(base + path)
                    assert response.ok, path
                    text = subprocess.run(["pdftotext", "-", "-"], input=await response.body(),
                                          capture_output=True, check=True).stdout.decode()
                    seen[path] = {"text": text, "values": [], "titles": [], "links": []}
                    continue
                await page.goto(base + path)
                full = await page.evaluate(READ)
                await page.evaluate(HIDE_QUOTED)
                seen[path] = {**full, "plain": (await page.evaluate(READ))["text"]}
                todo += [href.split("#")[0] for href in full["links"]
                         if "/static/" not in href]
        finally:
            await browser.close()
    return seen


async def test_no_yaml_file_number_or_unexplained_number_on_any_page(site: str) -> None:
    pages = await walk(site)
    expected = {"/dashboard/", "/dashboard/accounts", "/dashboard/settings/alerts",
                "/dashboard/settings/mail", "/dashboard/settings/steps",
                "/dashboard/settings/levels", "/dashboard/settings/users",
                "/dashboard/settings/protocol", "/dashboard/settings/consent",
                "/dashboard/settings/warnings"}
    assert expected <= set(pages), sorted(pages)
    case_pages = [p for p in pages if re.fullmatch(r"/dashboard/cases/\d+", p)]
    assert len(case_pages) >= 2  # the real case, and one that does not exist
    assert any(p.endswith("/export") for p in pages)
    assert any(p.endswith("/export.pdf") for p in pages)
    problems = []
    for path, seen in pages.items():
        for where, text in [("text", seen["text"]), *[("field", v) for v in seen["values"]]]:
            problems += raw_problems(f"{path} {where}", text)
        numbers = unexplained(seen.get("plain", seen["text"]))
        if numbers:
            problems.append(f"{path}: unexplained numbers {numbers} in:\n"
                            + seen.get("plain", seen["text"]))
    assert not problems, "\n".join(problems)
    print(f"walked {len(pages)} pages: " + ", ".join(sorted(pages)))


async def test_no_file_number_in_tooltips(site: str) -> None:
    """The reasons of marked words (tooltips on the case page) cite the school's own protocol
    (issue 16 part 2), not the seed files."""
    pages = await walk(site)
    titles = [t for seen in pages.values() for t in seen["titles"]]
    assert any("Protocol sociale media OBS De Klimop" in t for t in titles), titles
    problems = [p for path, seen in pages.items() for t in seen["titles"]
                for p in raw_problems(f"{path} tooltip", t)]
    assert not problems, "\n".join(problems[:10])


def test_the_number_check_itself() -> None:
    assert unexplained("geopend 7 dec 2026 09:30 · Zaak #12 · 18 van de laatste 20 reacties "
                       "(gewogen aandeel 90%) · wk 10 · 3 meldingen · poort 587") == []
    assert unexplained("Openingsdrempel 0.6") == ["0.6"]
    assert unexplained("min_flagged: 3") == ["3"]
    assert raw_problems("p", "protocol 000 A.4") and raw_problems("p", "zie de seeds")
    assert raw_problems("p", "Plak hier het YAML-bestand")
    assert not raw_problems("p", "06-12345678 · 2004 · 10:03")
