"""The dashboard over HTTP: login, roles, school separation, CSRF, headers, the case flow."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from server import keys
from server.dashboard import setup as dashboard
from server.escalation import setup as escalation
from server.escalation.alerts import SmtpSettings
from server.escalation.service import ESCALATION, EscalationConfig
from server.storage.db import Database
from server.storage.escalation_models import CaseEvent, OutboxMessage
from tests.server.escalation.factory import (
    PASSWORD,
    World,
    add_comments,
    derailing_items,
    free_port,
    make_thread,
    make_world,
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    d = Database(f"sqlite+aiosqlite:///{tmp_path / 'd.sqlite3'}")
    await d.migrate()
    yield d
    await d.dispose()


class Replies:
    def __init__(self) -> None:
        self.posted: list[tuple[str, str]] = []

    async def __call__(self, account: Any, thread: Any, text: str) -> str:
        self.posted.append((thread.external_post_id, text))
        return f"reply-{len(self.posted)}"


@pytest.fixture
async def env(aiohttp_client: Any, db: Database) -> tuple[Any, World, list[int], Replies]:
    app = web.Application()
    app[keys.DB] = db
    app[keys.COMMENT_LISTENERS] = []
    replies = Replies()
    app[keys.REPLY_POSTER] = replies
    escalation.setup(app, EscalationConfig(smtp=SmtpSettings(port=free_port())),
                     start_worker=False)
    dashboard.setup(app)
    client = await aiohttp_client(app)
    w = await make_world(db)
    case_ids = []
    for school in (0, 1):
        tid = await make_thread(db, w, school, f"post-{school}")
        await add_comments(db, w, tid, derailing_items(f"s{school}"), school)
        case_ids += await app[ESCALATION].evaluate_threads([tid])
    return client, w, case_ids, replies


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token in the form"
    return m.group(1)


async def login(client: Any, email: str, password: str = PASSWORD) -> Any:
    page = await client.get("/dashboard/login")
    token = csrf_of(await page.text())
    return await client.post("/dashboard/login", data={"csrf": token, "email": email,
                                                       "password": password},
                             allow_redirects=False)


async def test_staff_cannot_open_the_dashboard(env) -> None:
    client, w, _, _ = env
    resp = await login(client, w.emails["staff1"])
    assert resp.status == 403
    assert "alleen voor de directie" in await resp.text()
    assert (await client.get("/dashboard/", allow_redirects=False)).status == 303


async def test_wrong_password_is_refused_with_a_dutch_message(env) -> None:
    client, w, _, _ = env
    resp = await login(client, w.emails["leadership1"], "fout")
    assert resp.status == 401 and "klopt niet" in await resp.text()


async def test_leadership_sees_own_school_only(env) -> None:
    client, w, (case_a, case_b), _ = env
    resp = await login(client, w.emails["leadership1"])
    assert resp.status == 303
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    overview = await client.get("/dashboard/")
    html = await overview.text()
    assert f"/dashboard/cases/{case_a}" in html and f"/dashboard/cases/{case_b}" not in html
    assert "Meldingen per categorie per week" in html
    other = await client.get(f"/dashboard/cases/{case_b}")
    assert other.status == 404
    csp = overview.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp


async def test_board_reads_all_schools_but_cannot_act(env) -> None:
    client, w, (_, case_b), _ = env
    await login(client, w.emails["board"])
    page = await client.get(f"/dashboard/cases/{case_b}")
    html = await page.text()
    assert page.status == 200 and "OBS Het Anker" in html
    assert "/outcome" not in html
    resp = await client.post(f"/dashboard/cases/{case_b}/stop-reacting",
                             data={"csrf": csrf_of(html)})
    assert resp.status == 403


async def test_post_without_csrf_is_refused(env) -> None:
    client, w, (case_a, _), _ = env
    await login(client, w.emails["leadership1"])
    resp = await client.post(f"/dashboard/cases/{case_a}/stop-reacting", data={})
    assert resp.status == 403 and "Verzoek geweigerd" in await resp.text()


async def test_case_walk_statement_and_dossier(env, db) -> None:
    client, w, (case_a, _), replies = env
    await login(client, w.emails["leadership1"])
    page = await client.get(f"/dashboard/cases/{case_a}")
    html = await page.text()
    assert "<mark" in html  # flagged fragments marked via the spans
    token = csrf_of(html)
    r = await client.post(f"/dashboard/cases/{case_a}/stop-reacting", data={"csrf": token})
    assert r.status == 200 and "verstuurd naar alle medewerkers" in await r.text()
    for step, outcome in [("stop_reageren", "personeel_gestopt"),
                          ("gesprek", "plaatser_volwassene"),
                          ("reactie_volwassene", "inadequaat")]:
        r = await client.post(f"/dashboard/cases/{case_a}/outcome",
                              data={"csrf": token, "step": step, "outcome": outcome})
        assert r.status == 200, await r.text()
    # a stale form for a step that is done gets a clear 409, not a second entry
    stale = await client.post(f"/dashboard/cases/{case_a}/outcome",
                              data={"csrf": token, "step": "gesprek",
                                    "outcome": "plaatser_kind"})
    assert stale.status == 409
    r = await client.post(f"/dashboard/cases/{case_a}/statement",
                          data={"csrf": token, "action": "post",
                                "statement": "Wij hebben met de persoon gesproken."})
    assert "geplaatst onder het bericht" in await r.text()
    assert replies.posted == [("post-0", "Wij hebben met de persoon gesproken.")]
    for step, outcome in [("statement_volwassene", "geplaatst"), ("dossier", "afgesloten")]:
        await client.post(f"/dashboard/cases/{case_a}/outcome",
                          data={"csrf": token, "step": step, "outcome": outcome})
    export = await (await client.get(f"/dashboard/cases/{case_a}/export")).text()
    for text in ("Personeel gevraagd te stoppen met reageren", "Gesproken met plaatser "
                 "(volwassene)", "Reageert inadequaat", "Statement geplaatst onder het bericht",
                 "Zaak gesloten", "Directeur Mirjam 1 (directie)"):
        assert text in export
    async with db.session() as s:
        actions = [e.action for e in (await s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_a))).all()]
        staff_msgs = (await s.scalars(select(OutboxMessage).where(
            OutboxMessage.payload["kind"].as_string() == "stop_reacting"))).all()
    assert actions.count("viewed") >= 5 and "exported" in actions
    assert [m.destination for m in staff_msgs] == [w.emails["staff1"]]


async def test_accounts_page_shows_own_school_only(env) -> None:
    client, w, _, _ = env
    await login(client, w.emails["leadership1"])
    accounts = await (await client.get("/dashboard/accounts")).text()
    assert "Basisschool De Linde 1 (Facebook)" in accounts and "OBS Het Anker" not in accounts
    assert "nog niet opgehaald" in accounts


async def test_failed_post_is_recorded_and_can_be_retried(env, db) -> None:
    client, w, (case_a, _), replies = env

    async def broken(account: Any, thread: Any, text: str) -> str:
        raise ConnectionError("platform down")

    client.server.app[keys.REPLY_POSTER] = broken
    await login(client, w.emails["leadership1"])
    token = csrf_of(await (await client.get(f"/dashboard/cases/{case_a}")).text())
    r = await client.post(f"/dashboard/cases/{case_a}/statement",
                          data={"csrf": token, "action": "post", "statement": "Tekst."})
    assert r.status == 200 and "Plaatsen is niet gelukt" in await r.text()
    client.server.app[keys.REPLY_POSTER] = replies
    r = await client.post(f"/dashboard/cases/{case_a}/statement",
                          data={"csrf": token, "action": "post", "statement": "Tekst."})
    assert "geplaatst onder het bericht" in await r.text()
    twice = await client.post(f"/dashboard/cases/{case_a}/statement",
                              data={"csrf": token, "action": "post", "statement": "Tekst."})
    assert twice.status == 409 and len(replies.posted) == 1
    async with db.session() as s:
        actions = [e.action for e in (await s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_a))).all()]
    assert "statement_failed" in actions and actions.count("statement_posted") == 1
