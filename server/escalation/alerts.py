"""Alert messages and the channels that deliver them (e-mail, Teams, Slack, JSON webhook).

An alert carries NO pupil data and no comment text: only the category, severity, the
account, the school and a link to the case. Formatting is pure; `deliver` does the I/O.
"""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import aiohttp

from classifiers.categories import CATEGORIES, Category

CHANNELS = ("email", "teams", "slack", "webhook")
SEVERITY_NL = {"low": "laag", "medium": "middel", "high": "hoog"}
KIND_SUBJECT = {
    "case_opened": "Nieuwe zaak: een discussie op {account} ontspoort",
    "case_reported": "Melding van een medewerker over {account}",
    "stop_reacting": "Verzoek van de directie: reageer niet meer op een bericht van {account}",
    "reminder": "Herinnering: stap '{step}' van zaak #{case_id} is over de termijn",
    "escalated": "Escalatie: zaak #{case_id} ligt nu bij {role}",
    "account_needs_reauth": "Account {account} moet opnieuw worden gekoppeld",
}


class DeliveryError(Exception):
    """A channel could not deliver; the outbox retries with backoff."""


@dataclass(frozen=True)
class Alert:
    kind: str  # case_opened | case_reported | stop_reacting | reminder | escalated
    case_id: int | None  # None for alerts about an account, not a case
    school: str
    account: str
    link: str
    categories: tuple[str, ...] = ()
    severity: str | None = None
    step: str | None = None
    role: str | None = None
    score: float | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["categories"] = list(self.categories)
        return d

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Alert:
        data = dict(data)
        data["categories"] = tuple(data.get("categories") or ())
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def category_labels(self) -> list[str]:
        out = []
        for c in self.categories:
            try:
                out.append(CATEGORIES[Category(c)].label_nl)
            except ValueError:
                out.append(c)
        return out

    @property
    def subject(self) -> str:
        template = KIND_SUBJECT.get(self.kind, "Denkna: zaak #{case_id}")
        return "Denkna – " + template.format(
            account=self.account, step=self.step or "", case_id=self.case_id,
            role=self.role or "")

    def lines(self) -> list[str]:
        """The body in Dutch, one fact per line. No comment text, no names."""
        if self.kind == "stop_reacting":
            return [
                f"De directie van {self.school} vraagt alle medewerkers om niet meer te reageren "
                f"op een bericht op {self.account}, ook niet om iets recht te zetten.",
                "Meld nieuwe reacties bij de directie; zij handelt dit af volgens het protocol "
                "sociale media (stappenplan, 003).",
                f"Zaak: #{self.case_id}",
            ]
        if self.kind == "account_needs_reauth":
            return [
                f"Het toegangstoken van {self.account} ({self.school}) is verlopen of "
                "ingetrokken. Denkna leest de reacties op dit account niet meer mee.",
                "Stel een nieuw token in; Denkna gaat dan verder waar het gebleven was, "
                "zonder reacties te missen.",
                f"Accounts: {self.link}",
            ]
        out = [f"School: {self.school}", f"Account: {self.account}"]
        if self.categories:
            out.append("Categorieën: " + ", ".join(self.category_labels))
        if self.severity:
            out.append("Ernst: " + SEVERITY_NL.get(self.severity, self.severity))
        if self.score is not None:
            out.append(f"Ontsporingsscore: {self.score:.2f}")
        if self.step:
            out.append(f"Stap: {self.step}")
        if self.role:
            out.append(f"Ligt nu bij: {self.role}")
        out.append(f"Open de zaak: {self.link}")
        return out


def format_email(alert: Alert, sender: str, to: str, message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = alert.subject
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="denkna.local")
    msg.set_content("\n".join(alert.lines()) + "\n\n— Denkna\n")
    return msg


def format_slack(alert: Alert) -> dict[str, Any]:
    lines = alert.lines()
    return {
        "text": alert.subject,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": alert.subject[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines[:-1])}},
            {"type": "actions", "elements": [{"type": "button", "url": alert.link,
                                              "text": {"type": "plain_text",
                                                       "text": "Open de zaak"}}]},
        ],
    }


def format_teams(alert: Alert) -> dict[str, Any]:
    """An Adaptive Card for a Teams incoming webhook / workflow."""
    facts = []
    for line in alert.lines():
        if ": " in line and not line.startswith("Open de zaak"):
            k, v = line.split(": ", 1)
            facts.append({"title": k, "value": v})
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "size": "Medium", "weight": "Bolder", "text": alert.subject,
         "wrap": True},
    ]
    if alert.kind == "stop_reacting":
        body.append({"type": "TextBlock", "text": alert.lines()[0], "wrap": True})
    body.append({"type": "FactSet", "facts": facts})
    return {
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard", "version": "1.4", "body": body,
                "actions": [{"type": "Action.OpenUrl", "title": "Open de zaak",
                             "url": alert.link}],
            },
        }],
    }


def format_webhook(alert: Alert) -> dict[str, Any]:
    return {"event": alert.kind, "subject": alert.subject, **alert.to_json()}


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "denkna@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


def _send_smtp(settings: SmtpSettings, msg: EmailMessage) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(msg)


async def deliver(
    channel: str,
    destination: str,
    alert: Alert,
    *,
    smtp: SmtpSettings,
    session: aiohttp.ClientSession,
    dedupe_key: str,
) -> None:
    """Send one alert over one channel. Raises DeliveryError on failure."""
    try:
        if channel == "email":
            msgid = f"<{dedupe_key.replace(':', '.')}@denkna.local>"
            msg = format_email(alert, smtp.sender, destination, message_id=msgid)
            await asyncio.to_thread(_send_smtp, smtp, msg)
            return
        if channel == "slack":
            body = format_slack(alert)
        elif channel == "teams":
            body = format_teams(alert)
        elif channel == "webhook":
            body = format_webhook(alert)
        else:
            raise DeliveryError(f"onbekend kanaal {channel!r}")
        headers = {"Idempotency-Key": dedupe_key}
        timeout = aiohttp.ClientTimeout(total=15)
        async with session.post(destination, json=body, headers=headers, timeout=timeout) as r:
            if r.status >= 300:
                raise DeliveryError(f"{channel}: HTTP {r.status}")
    except DeliveryError:
        raise
    except (OSError, smtplib.SMTPException, aiohttp.ClientError, TimeoutError) as exc:
        raise DeliveryError(f"{channel}: {exc.__class__.__name__}: {exc}") from exc
