"""Alert messages, and their delivery through apprise.

An alert carries NO pupil data and no comment text: only the category, severity, the
account, the school and a link to the case. Formatting is pure; `deliver` does the I/O:
it turns a destination into an apprise service (server/escalation/channels.py) and sends the
message with it. When apprise cannot deliver, `DeliveryError.reason` says why in plain Dutch
(server/escalation/explain.py) and the outbox retries.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

import apprise

from classifiers.categories import CATEGORIES, Category
from server.escalation.channels import CHANNELS, apprise_service, quiet_apprise_logging
from server.escalation.explain import explain_failure, sanitize
from server.escalation.mail import SmtpSettings

__all__ = ["CHANNELS", "Alert", "DeliveryError", "SmtpSettings", "deliver"]

SEVERITY_NL = {"low": "laag", "medium": "middel", "high": "hoog"}
KIND_SUBJECT = {
    "case_opened": "Nieuwe zaak: een discussie op {account} ontspoort",
    "case_reported": "Melding van een medewerker over {account}",
    "stop_reacting": "Verzoek van de directie: reageer niet meer op een bericht van {account}",
    "reminder": "Herinnering: stap '{step}' van zaak #{case_id} is over de termijn",
    "escalated": "Escalatie: zaak #{case_id} ligt nu bij {role}",
    "account_needs_reauth": "Account {account} moet opnieuw worden gekoppeld",
    "test": "Testbericht voor {account}",
}
SEND_TIMEOUT = 30.0  # seconds for one delivery, whatever the channel
log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A channel could not deliver; the outbox retries with backoff.

    `reason` is plain Dutch for the dashboard; `detail` is the technical cause for the log
    (query strings, where webhook secrets live, are cut out)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Alert:
    kind: str  # case_opened | case_reported | stop_reacting | reminder | escalated | test
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
                "Meld nieuwe reacties bij de directie; zij handelt dit af volgens het "
                "stappenplan van het protocol sociale media.",
                f"Zaak: #{self.case_id}",
            ]
        if self.kind == "account_needs_reauth":
            return [
                f"Het toegangstoken van {self.account} ({self.school}) is verlopen of "
                "ingetrokken. Denkna leest de reacties op dit account niet meer mee.",
                "Koppel het account opnieuw via de link hieronder; Denkna gaat dan verder "
                "waar het gebleven was, zonder reacties te missen.",
                f"Opnieuw koppelen: {self.link}",
            ]
        if self.kind == "test":
            return [
                f"Dit is een testbericht van Denkna voor {self.school}.",
                "Komt dit bericht aan, dan komen meldingen over ontsporende discussies hier "
                "ook aan.",
                f"Instellingen: {self.link}",
            ]
        out = [f"School: {self.school}", f"Account: {self.account}"]
        if self.categories:
            out.append("Categorieën: " + ", ".join(self.category_labels))
        if self.severity:
            out.append("Ernst: " + SEVERITY_NL.get(self.severity, self.severity))
        if self.step:
            out.append(f"Stap: {self.step}")
        if self.role:
            out.append(f"Ligt nu bij: {self.role}")
        out.append(f"Open de zaak: {self.link}")
        return out

    def text_body(self) -> str:
        return "\n".join(self.lines()) + "\n\n— Denkna\n"

    def markdown_body(self) -> str:
        """For chat channels: the facts, then the link as a link."""
        lines = self.lines()
        *facts, last = lines
        label, _, url = last.partition(": ")
        return "\n\n".join([*facts, f"[{label}]({url})" if url else last])

    def payload_extras(self) -> dict[str, str]:
        """Machine-readable fields added to the JSON webhook's body."""
        return {"event": self.kind, "case_id": "" if self.case_id is None else str(self.case_id),
                "school": self.school, "account": self.account, "link": self.link,
                "categories": ",".join(self.categories), "severity": self.severity or ""}


def body_for(channel: str, alert: Alert) -> tuple[str, apprise.NotifyFormat]:
    if channel in ("email", "webhook"):
        return alert.text_body(), apprise.NotifyFormat.TEXT
    return alert.markdown_body(), apprise.NotifyFormat.MARKDOWN


async def deliver(
    channel: str,
    destination: str,
    alert: Alert,
    *,
    smtp: SmtpSettings,
    dedupe_key: str,
    timeout: float = SEND_TIMEOUT,
) -> None:
    """Send one alert over one channel through apprise. Raises DeliveryError on failure."""
    quiet_apprise_logging()
    try:
        service = apprise_service(channel, destination, smtp=smtp, dedupe_key=dedupe_key,
                                  extras=alert.payload_extras())
    except ValueError as exc:
        raise DeliveryError(str(exc)) from None
    sender = apprise.Apprise()
    sender.add(service)
    body, fmt = body_for(channel, alert)
    result = await sender.async_notify(body=body, title=alert.subject, body_format=fmt,
                                       log_level=logging.DEBUG, timeout=timeout)
    if result:
        return
    logs = [str(e.message) for e in result.logs()]
    if not logs:
        logs = [f"status {getattr(result.status, 'name', result.status)}"]
    causes = [m for m in logs if "exception" in m.lower() or "error" in m.lower()
              or "fail" in m.lower() or "refused" in m.lower()] or logs[-2:]
    raise DeliveryError(explain_failure(channel, destination, smtp, logs),
                        sanitize(" | ".join(causes[-4:])))
