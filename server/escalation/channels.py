"""Alert destinations and the apprise service that delivers to each.

A destination is a channel and an address, as a school enters it:
- `email`: an e-mail address, sent through the school's mail server (server/escalation/mail.py);
- `teams`: the webhook address of a Teams channel: a Workflows address
  (`https://.../workflows/<id>/triggers/manual/paths/invoke?...&sig=...`) or a classic
  Office 365 connector address;
- `slack`: a Slack incoming-webhook address (`https://hooks.slack.com/services/...`);
- `webhook`: any https address that takes a JSON POST;
- `apprise`: any other apprise address (Signal, Matrix, Google Chat, an SMS gateway, ...),
  so a school can use the channel it already has without new code.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import apprise
from apprise.plugins.base import NotifyBase

from server.escalation.mail import SmtpSettings

CHANNELS = ("email", "teams", "slack", "webhook", "apprise")
CHANNEL_LABELS = {"email": "E-mail", "teams": "Microsoft Teams", "slack": "Slack",
                  "webhook": "Webhook (JSON)", "apprise": "Ander kanaal (apprise)"}
EMAIL_RE = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
WORKFLOW_PATH = re.compile(r"^(?P<prefix>/powerautomate/automations/direct(?:/cu/(?P<route>\d+))?)?"
                           r"/workflows/(?P<workflow>[A-Za-z0-9_-]+)"
                           r"/triggers/manual/paths/invoke/?$")
SMTP_MODE = {"none": "insecure", "starttls": "starttls", "ssl": "ssl"}


def quiet_apprise_logging() -> None:
    """apprise reports a failure's cause at DEBUG level, into each call's own result (how
    `deliver` explains it). Let those records exist, but keep them out of the server log."""
    logger = logging.getLogger("apprise")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False


def validate_destination(channel: str, address: str) -> str:
    """The address cleaned up, or ValueError with a Dutch message."""
    address = address.strip()
    if channel not in CHANNELS:
        raise ValueError(f"onbekend soort bestemming '{channel}'")
    if not address:
        raise ValueError("vul een adres in")
    if len(address) > 1000:
        raise ValueError("dit adres is te lang")
    if channel == "email":
        if not EMAIL_RE.fullmatch(address):
            raise ValueError(f"'{address}' is geen e-mailadres")
        return address
    if channel in ("teams", "slack", "webhook") and not address.startswith("https://"):
        raise ValueError("een webhook-adres begint met https://")
    service = _instantiate(channel, address, SmtpSettings())
    if service is None:
        raise ValueError({
            "teams": "dit is geen webhook-adres van Teams; kopieer het adres uit de workflow "
                     "'Berichten naar een kanaal sturen' of uit de connector",
            "slack": "dit is geen webhook-adres van Slack (https://hooks.slack.com/services/...)",
            "webhook": "dit webhook-adres is onvolledig",
            "apprise": "apprise kent dit adres niet; zie de lijst met diensten van apprise",
        }[channel])
    if channel == "slack" and service.service_name.lower() != "slack":
        raise ValueError("dit is geen webhook-adres van Slack (https://hooks.slack.com/...)")
    return address


def display(channel: str, address: str) -> str:
    """The address as the dashboard shows it: secrets (tokens, signatures) hidden."""
    if channel == "email":
        return address
    parts = urlsplit(address)
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.hostname or ''}/…"
    service = apprise.Apprise.instantiate(address, suppress_exceptions=True)
    return service.url(privacy=True) if service else address[:12] + "…"


def _teams_url(address: str) -> str:
    """A Teams Workflows webhook as apprise's `workflows://host:port/id/signature` (any host:
    Microsoft's clouds differ), else the address itself (a classic connector address)."""
    parts = urlsplit(address)
    m = WORKFLOW_PATH.match(parts.path)
    query = parse_qs(parts.query)
    if not m or "sig" not in query:
        return address
    params: dict[str, str] = {}
    if query.get("api-version"):
        params["ver"] = query["api-version"][0]
    if m.group("prefix"):
        params["pa"] = "yes"
        if m.group("route"):
            params["route"] = m.group("route")
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return (f"workflows://{host}{port}/{m.group('workflow')}/{quote(query['sig'][0], safe='')}"
            f"/?{urlencode(params)}")


def _webhook_url(address: str) -> str:
    parts = urlsplit(address)
    scheme = "jsons" if parts.scheme == "https" else "json"
    return f"{scheme}://{parts.netloc}{parts.path or '/'}" + (
        f"?{parts.query}" if parts.query else "")


def _email_url(address: str, smtp: SmtpSettings) -> str:
    auth = ""
    if smtp.username:
        auth = quote(smtp.username, safe="") + ":" + quote(smtp.password or "", safe="") + "@"
    query = urlencode({"smtp": smtp.host, "mode": SMTP_MODE.get(smtp.security, "insecure"),
                       "from": smtp.sender, "to": address, "format": "text",
                       "cto": str(smtp.timeout)})
    return f"mailto://{auth}{smtp.host}:{smtp.port}?{query}"


def _instantiate(channel: str, address: str, smtp: SmtpSettings) -> NotifyBase | None:
    if channel == "email":
        url = _email_url(address, smtp)
    elif channel == "teams":
        url = _teams_url(address)
    elif channel == "webhook":
        url = _webhook_url(address)
    else:
        url = address
    service = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    return service if isinstance(service, NotifyBase) else None


def apprise_service(channel: str, address: str, *, smtp: SmtpSettings, dedupe_key: str,
                    extras: dict[str, Any] | None = None) -> NotifyBase:
    """The apprise service for one destination, with the message's key for the receiver's
    deduplication (an `X-Denkna-Key` mail header, an `Idempotency-Key` HTTP header)."""
    service = _instantiate(channel, address, smtp)
    if service is None:
        raise ValueError(f"het adres van deze bestemming ({CHANNEL_LABELS.get(channel, channel)})"
                         " klopt niet meer; pas het aan bij Instellingen → Meldingen")
    headers = getattr(service, "headers", None)
    if isinstance(headers, dict):
        headers["X-Denkna-Key" if channel == "email" else "Idempotency-Key"] = dedupe_key
    if channel == "webhook" and extras:
        service.payload_extras.update(extras)  # type: ignore[attr-defined]
    return service
