"""Acceptance on the real app: the fake Facebook page, the polling job, the real scorer, the
detector, the outbox and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from denkna_demo.fakes import FakePlatformServer, FakeWorld
from denkna_demo.scenario import Scenario, friendly_thread
from schedules.poll_account import poll_account
from server import admin_ops, keys
from server.app import create_app
from server.escalation.alerts import SmtpSettings
from server.escalation.service import EscalationConfig
from server.escalation.setup import ESCALATION_CONFIG
from server.platforms.credentials import store_token
from server.storage.escalation_models import Case, ThreadHeat
from server.storage.models import Comment
from tests.schedules.conftest import FAST_API, fast_monitoring, make_settings
from tests.server.escalation.factory import MailSink


@pytest.fixture
def sink() -> MailSink:
    with MailSink() as s:
        yield s


@pytest.fixture
async def page(aiohttp_client: Any, tmp_path: Path, sink: MailSink
               ) -> AsyncIterator[tuple[Any, FakeWorld, int, str]]:
    app = create_app(make_settings(tmp_path))
    app[keys.MONITOR].settings = fast_monitoring()
    app[ESCALATION_CONFIG] = EscalationConfig(
        base_url="https://denkna.klimop.nl", outbox_interval=0.2,
        smtp=SmtpSettings(port=sink.port, sender="denkna@klimop.nl"))
    await aiohttp_client(app)
    world = FakeWorld()
    fake = world.add_account("facebook", name="OBS De Klimop")
    server = await FakePlatformServer(world, "facebook").start()
    async with app[keys.DB].session() as s:
        school = await admin_ops.create_school(s, "OBS De Klimop", "klimop")
        await admin_ops.create_user(s, name="Directeur Mirjam", role="leadership",
                                    school_id=school.id, email="directie@klimop.nl")
        account = await admin_ops.create_account(
            s, school_id=school.id, platform="facebook", external_id=fake.id, name=fake.name,
            settings={"api": {**FAST_API, "base_url": server.url}})
        await store_token(s, app[keys.SECRET_KEY], account.id, fake.token)
    yield app, world, account.id, fake.id
    await server.stop()


async def n_cases(app: Any) -> int:
    async with app[keys.DB].session() as s:
        return int(await s.scalar(select(func.count(Case.id))) or 0)


async def test_derailing_thread_opens_one_case_in_one_poll_and_mails_once(page, sink) -> None:
    app, world, account_id, fake_id = page
    await Scenario.load().play(world, fake_id)
    await poll_account(app, account_id)  # one polling interval
    assert await n_cases(app) == 1
    for _ in range(50):  # the running outbox worker delivers within its interval
        if sink.messages:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    assert len(sink.messages) == 1
    mail = sink.messages[0]
    assert mail["To"] == "directie@klimop.nl"
    assert "OBS De Klimop" in mail["Subject"]
    body = mail.get_payload()
    assert "pesten" in body and "https://denkna.klimop.nl/dashboard/cases/" in body
    assert "kankerhoer" not in body and "Peter" not in body  # no comment text or names
    # more polls of the same derailed thread do not open a second case
    world.add_comment(next(iter(world.posts)), "Wat een sukkel is die meester", author_id="x9")
    await poll_account(app, account_id)
    assert await n_cases(app) == 1
    async with app[keys.DB].session() as s:
        case = (await s.scalars(select(Case))).one()
        assert case.reasons and any("gemarkeerd" in r for r in case.reasons)


async def test_calm_threads_open_nothing(page, sink) -> None:
    app, world, account_id, fake_id = page
    friendly_thread(world, fake_id, 200)
    friendly_thread(world, fake_id, 51, rude_at=25)
    stored = 0
    for _ in range(40):
        await poll_account(app, account_id)
        async with app[keys.DB].session() as s:
            stored = int(await s.scalar(select(func.count(Comment.id))) or 0)
        if stored >= 251:
            break
    assert stored == 251  # every comment was scored and went through the detector
    assert await n_cases(app) == 0
    async with app[keys.DB].session() as s:
        heats = (await s.scalars(select(ThreadHeat))).all()
    assert len(heats) == 2 and all(not h.hot for h in heats)  # the detector did look
    await asyncio.sleep(0.3)
    assert sink.messages == []
