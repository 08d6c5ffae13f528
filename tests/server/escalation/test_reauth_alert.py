"""An official account whose token expires: the admins get ONE e-mail through the outbox
(real aiosmtpd), with no comment text, while polling of the account stops."""

from __future__ import annotations

import asyncio
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from denkna_demo.fakes import FakePlatformServer, FakeWorld
from schedules.poll_account import Outcome, poll_account
from server import admin_ops, keys
from server.app import create_app
from server.escalation.alerts import SmtpSettings
from server.escalation.service import EscalationConfig
from server.escalation.setup import ESCALATION_CONFIG
from server.platforms.credentials import store_token
from tests.schedules.conftest import FAST_API, fast_monitoring, make_settings
from tests.server.escalation.factory import MailSink


async def test_expired_token_mails_the_admins_once(aiohttp_client: Any, tmp_path: Path) -> None:
    with MailSink() as sink:
        app = create_app(make_settings(tmp_path))
        app[keys.MONITOR].settings = fast_monitoring()
        app[ESCALATION_CONFIG] = EscalationConfig(
            base_url="https://denkna.klimop.nl", outbox_interval=0.2,
            smtp=SmtpSettings(port=sink.port, sender="denkna@klimop.nl"))
        await aiohttp_client(app)
        world = FakeWorld()
        fake = world.add_account("facebook", name="OBS De Klimop")
        server = await FakePlatformServer(world, "facebook").start()
        try:
            async with app[keys.DB].session() as s:
                school = await admin_ops.create_school(s, "OBS De Klimop", "klimop")
                await admin_ops.create_user(s, name="ICT Beheer", role="admin", school_id=None,
                                            email="ict@stichting.nl")
                await admin_ops.create_user(s, name="Directeur", role="leadership",
                                            school_id=school.id, email="directie@klimop.nl")
                account = await admin_ops.create_account(
                    s, school_id=school.id, platform="facebook", external_id=fake.id,
                    name=fake.name, settings={"api": {**FAST_API, "base_url": server.url}})
                await store_token(s, app[keys.SECRET_KEY], account.id, fake.token)
            post = world.add_post(fake.id, "Schoolreis")
            world.add_comment(post.id, "Wat een leuke foto's van het schoolreisje")
            assert (await poll_account(app, account.id)).outcome == Outcome.OK
            world.expire_token(fake.id)
            for _ in range(3):
                await poll_account(app, account.id)
            for _ in range(50):
                if sink.messages:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.6)  # a second mail would have arrived by now
        finally:
            await server.stop()
    assert [m["To"] for m in sink.messages] == ["ict@stichting.nl"]
    mail = sink.messages[0]
    subject = " ".join(str(make_header(decode_header(mail["Subject"]))).split())
    assert subject == "Denkna – Account OBS De Klimop (Facebook) moet opnieuw worden gekoppeld"
    body = mail.get_payload()
    # the link goes straight to the page that connects this account again
    assert f"https://denkna.klimop.nl/dashboard/accounts/{account.id}/connect" in body
    assert "schoolreisje" not in body
