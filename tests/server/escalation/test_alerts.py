"""Alert channels: Teams, Slack and JSON webhooks over real HTTP; no pupil data in any alert."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from server.escalation.alerts import (
    Alert,
    DeliveryError,
    SmtpSettings,
    deliver,
    format_email,
    format_slack,
    format_teams,
)

ALERT = Alert(kind="case_opened", case_id=7, school="OBS De Klimop",
              account="OBS De Klimop (Facebook)", link="https://denkna.nl/dashboard/cases/7",
              categories=("bullying", "personal_data"), severity="high", score=0.84)


@pytest.fixture
async def hook(aiohttp_server: Any) -> Any:
    received: list[tuple[str, dict[str, Any], str]] = []

    async def handle(request: web.Request) -> web.Response:
        if request.path == "/down":
            return web.Response(status=503)
        received.append((request.path, await request.json(),
                         request.headers.get("Idempotency-Key", "")))
        return web.Response(text="1")

    app = web.Application()
    app.router.add_post("/{name}", handle)
    server = await aiohttp_server(app)
    return server, received


@pytest.mark.parametrize("channel", ["teams", "slack", "webhook"])
async def test_http_channels_post_their_shape(hook, channel: str) -> None:
    server, received = hook
    async with aiohttp.ClientSession() as session:
        await deliver(channel, str(server.make_url(f"/{channel}")), ALERT, smtp=SmtpSettings(),
                      session=session, dedupe_key="case_opened:7:x")
    path, body, key = received[0]
    assert path == f"/{channel}" and key == "case_opened:7:x"
    text = json.dumps(body, ensure_ascii=False)
    assert "pesten" in text or "bullying" in text
    assert "https://denkna.nl/dashboard/cases/7" in text
    if channel == "teams":
        assert body["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    if channel == "slack":
        assert body["text"].startswith("Denkna – Nieuwe zaak")


async def test_http_error_is_a_delivery_error(hook) -> None:
    server, _ = hook
    async with aiohttp.ClientSession() as session:
        with pytest.raises(DeliveryError, match="503"):
            await deliver("slack", str(server.make_url("/down")), ALERT, smtp=SmtpSettings(),
                          session=session, dedupe_key="k")


def test_alert_texts_are_dutch_and_carry_no_comment_text() -> None:
    mail = format_email(ALERT, "denkna@school.nl", "directie@school.nl").get_content()
    assert "Categorieën: pesten, persoonsgegevens" in mail and "Ernst: hoog" in mail
    stop = Alert(kind="stop_reacting", case_id=7, school="OBS De Klimop",
                 account="OBS De Klimop (Facebook)", link="x")
    assert "niet meer te reageren" in stop.lines()[0]
    assert set(ALERT.to_json()) == {"kind", "case_id", "school", "account", "link",
                                    "categories", "severity", "step", "role", "score", "extra"}
    assert format_slack(ALERT)["blocks"][-1]["elements"][0]["url"] == ALERT.link
    assert format_teams(ALERT)["attachments"][0]["content"]["actions"][0]["url"] == ALERT.link


def test_config_from_env() -> None:
    from server.escalation.service import EscalationConfig

    cfg = EscalationConfig.from_env({"DENKNA_PUBLIC_URL": "https://denkna.school.nl",
                                     "DENKNA_SMTP_HOST": "smtp.school.nl",
                                     "DENKNA_SMTP_PORT": "587", "DENKNA_SMTP_STARTTLS": "true"})
    assert cfg.secure_cookies and cfg.smtp.port == 587 and cfg.smtp.starttls
    assert EscalationConfig.from_env({}, default_url="http://0.0.0.0:9000").base_url \
        == "http://0.0.0.0:9000"
    with pytest.raises(ValueError, match="DENKNA_SMTP_PORT"):
        EscalationConfig.from_env({"DENKNA_SMTP_PORT": "vijfentwintig"})
