"""Alerts through apprise over real transports: e-mail to a local SMTP server, Teams and a
JSON webhook to a local https endpoint; failures explained in plain Dutch; no pupil data in
any alert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from server.escalation.alerts import Alert, DeliveryError, SmtpSettings, deliver
from server.escalation.channels import display, validate_destination
from tests.server.escalation.factory import MailSink, free_port
from tests.server.escalation.webhooks import HookServer

ALERT = Alert(kind="case_opened", case_id=7, school="OBS De Klimop",
              account="OBS De Klimop (Facebook)", link="https://denkna.nl/dashboard/cases/7",
              categories=("bullying", "personal_data"), severity="high", score=0.84)


@pytest.fixture
async def hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    async with HookServer(tmp_path) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_file)
        yield server


async def test_email_goes_through_the_mail_server_with_its_key() -> None:
    with MailSink() as sink:
        await deliver("email", "directie@klimop.nl", ALERT,
                      smtp=SmtpSettings(port=sink.port, sender="denkna@klimop.nl"),
                      dedupe_key="case_opened:7:email:directie@klimop.nl")
    (mail,) = sink.messages
    assert mail["To"] == "directie@klimop.nl" and mail["From"] == "denkna@klimop.nl"
    assert mail["Subject"].startswith("Denkna – Nieuwe zaak")
    assert mail["X-Denkna-Key"] == "case_opened:7:email:directie@klimop.nl"
    body = mail.get_content()
    assert "Categorieën: pesten, persoonsgegevens" in body and "Ernst: hoog" in body
    assert "https://denkna.nl/dashboard/cases/7" in body


async def test_teams_workflow_webhook_gets_an_adaptive_card(hooks: HookServer) -> None:
    await deliver("teams", hooks.teams_url(), ALERT, smtp=SmtpSettings(), dedupe_key="k1")
    (got,) = hooks.received
    assert got.path == "/workflows/a1b2c3/triggers/manual/paths/invoke"
    assert got.query["sig"] == "geheime-handtekening"
    card = got.body["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    texts = " ".join(b.get("text", "") for b in card["content"]["body"])
    assert "Nieuwe zaak" in texts and "pesten" in texts
    assert "https://denkna.nl/dashboard/cases/7" in texts


async def test_json_webhook_carries_the_event_and_the_idempotency_key(hooks: HookServer) -> None:
    await deliver("webhook", hooks.url("/hook/denkna"), ALERT, smtp=SmtpSettings(),
                  dedupe_key="case_opened:7:webhook:x")
    (got,) = hooks.received
    assert got.headers["Idempotency-Key"] == "case_opened:7:webhook:x"
    assert got.body["event"] == "case_opened" and got.body["case_id"] == "7"
    assert got.body["title"].startswith("Denkna – Nieuwe zaak")
    assert got.body["categories"] == "bullying,personal_data"


async def test_a_broken_service_is_explained_in_dutch(hooks: HookServer) -> None:
    with pytest.raises(DeliveryError) as err:
        await deliver("webhook", hooks.url("/down"), ALERT, smtp=SmtpSettings(), dedupe_key="k")
    assert "storing (foutcode 503)" in err.value.reason
    hooks.down = True
    with pytest.raises(DeliveryError) as err:
        await deliver("teams", hooks.teams_url(), ALERT, smtp=SmtpSettings(), dedupe_key="k")
    assert err.value.reason.startswith("Microsoft Teams (127.0.0.1) heeft een storing")
    assert "geheime-handtekening" not in err.value.detail  # the webhook's secret stays out


async def test_a_stopped_mail_server_is_explained_in_dutch() -> None:
    port = free_port()  # nothing listens here
    with pytest.raises(DeliveryError) as err:
        await deliver("email", "directie@klimop.nl", ALERT,
                      smtp=SmtpSettings(port=port, timeout=3), dedupe_key="k")
    assert err.value.reason == (f"De mailserver 127.0.0.1 (poort {port}) weigert de verbinding. "
                                "Staat de mailserver aan, en kloppen de servernaam en de poort?")
    assert "Connection refused" in err.value.detail


def test_destinations_are_checked_before_they_are_saved() -> None:
    assert validate_destination("email", " directie@klimop.nl ") == "directie@klimop.nl"
    slack = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX"
    assert validate_destination("slack", slack) == slack
    assert validate_destination("apprise", "ntfy://ntfy.sh/klimop-directie")
    for channel, address, message in [
        ("email", "directie-at-klimop", "geen e-mailadres"),
        ("teams", "http://example.org/x", "begint met https://"),
        ("slack", "https://example.org/hook", "geen webhook-adres van Slack"),
        ("apprise", "onzin://", "apprise kent dit adres niet"),
    ]:
        with pytest.raises(ValueError, match=message):
            validate_destination(channel, address)
    shown = display("teams", "https://prod.logic.azure.com/workflows/a/triggers/manual/paths/"
                             "invoke?sig=geheim")
    assert "geheim" not in shown and shown.startswith("https://prod.logic.azure.com/")


def test_alert_texts_are_dutch_and_carry_no_comment_text() -> None:
    stop = Alert(kind="stop_reacting", case_id=7, school="OBS De Klimop",
                 account="OBS De Klimop (Facebook)", link="x")
    assert "niet meer te reageren" in stop.lines()[0]
    assert set(ALERT.to_json()) == {"kind", "case_id", "school", "account", "link",
                                    "categories", "severity", "step", "role", "score", "extra"}
    assert ALERT.markdown_body().endswith("[Open de zaak](https://denkna.nl/dashboard/cases/7)")
    for line in ALERT.lines() + stop.lines():
        assert "0.84" not in line and "003" not in line  # no raw score, no file number


def test_config_from_env() -> None:
    from server.escalation.service import EscalationConfig

    cfg = EscalationConfig.from_env({"DENKNA_PUBLIC_URL": "https://denkna.school.nl",
                                     "DENKNA_SMTP_HOST": "smtp.school.nl",
                                     "DENKNA_SMTP_PORT": "587", "DENKNA_SMTP_STARTTLS": "true"})
    assert cfg.secure_cookies and cfg.smtp.port == 587 and cfg.smtp.starttls
    assert EscalationConfig.from_env({"DENKNA_SMTP_SECURITY": "ssl"}).smtp.security == "ssl"
    assert EscalationConfig.from_env({}, default_url="http://0.0.0.0:9000").base_url \
        == "http://0.0.0.0:9000"
    with pytest.raises(ValueError, match="DENKNA_SMTP_PORT"):
        EscalationConfig.from_env({"DENKNA_SMTP_PORT": "vijfentwintig"})
    with pytest.raises(ValueError, match="DENKNA_SMTP_SECURITY"):
        EscalationConfig.from_env({"DENKNA_SMTP_SECURITY": "tls13"})
