"""Why an alert did not arrive, in plain Dutch for the school, from what apprise (or smtplib)
reported. The technical text goes to the log; the dashboard shows these sentences."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from server.escalation.mail import SmtpSettings

LABELS = {"email": "De mailserver", "teams": "Microsoft Teams", "slack": "Slack",
          "webhook": "De webhook", "apprise": "Het gekozen kanaal"}
HTTP_CODE = re.compile(r"error=(\d{3})")
QUERY = re.compile(r"\?[^\s'\")]*")


def sanitize(text: str) -> str:
    """Technical text for the log without query strings (where webhook signatures live) and
    without passwords in URLs."""
    text = QUERY.sub("?…", text)
    return re.sub(r"//[^/\s:@]+:[^/\s@]+@", "//…@", text)[:1000]


def _host(channel: str, destination: str, smtp: SmtpSettings) -> str:
    if channel == "email":
        return smtp.where
    return urlsplit(destination).hostname or "de server"


def explain_mail(cause: str, smtp: SmtpSettings, to: str = "") -> str:
    """A mail server problem in plain Dutch."""
    c = cause.lower()
    where = smtp.where
    if "refused" in c and ("recipient" in c or "550" in c or "553" in c) and to:
        return f"De mailserver {where} weigert het adres {to}. Klopt het e-mailadres?"
    if "connection refused" in c or "errno 111" in c:
        return (f"De mailserver {where} weigert de verbinding. Staat de mailserver aan, en "
                "kloppen de servernaam en de poort?")
    if any(k in c for k in ("name or service not known", "nodename nor servname", "getaddrinfo",
                            "name resolution", "no address associated")):
        return f"De servernaam {smtp.host} bestaat niet of is vanaf deze server niet te vinden."
    if "timed out" in c or "timeout" in c:
        return (f"De mailserver {where} antwoordt niet op tijd. Staat er een firewall tussen, "
                "of klopt de poort niet?")
    if "starttls extension not supported" in c:
        return (f"De mailserver {where} kent geen STARTTLS. Kies bij beveiliging 'geen' of "
                "'SSL/TLS'.")
    if "wrong version number" in c or "unexpected eof" in c or "record layer" in c:
        return (f"De beveiliging past niet bij de poort van {where}: meestal is het STARTTLS "
                "op poort 587 of SSL/TLS op poort 465.")
    if "certificate" in c:
        return f"Het certificaat van de mailserver {where} wordt niet vertrouwd."
    if "authentication" in c or "535" in c or ("auth" in c and "not supported" in c):
        return "De mailserver weigert de inlog: kloppen de gebruikersnaam en het wachtwoord?"
    if "sender" in c or ("from" in c and "refused" in c):
        return (f"De mailserver {where} weigert het afzenderadres {smtp.sender}. Gebruik een "
                "adres van het eigen domein van de school.")
    if "disconnected" in c or "closed" in c or "reset" in c:
        return f"De mailserver {where} verbrak de verbinding voordat het bericht verstuurd was."
    return f"Versturen via de mailserver {where} is mislukt."


def explain_http(channel: str, cause: str, host: str) -> str:
    c = cause.lower()
    label = LABELS.get(channel, "Het kanaal")
    m = HTTP_CODE.search(c)
    if m:
        code = int(m.group(1))
        if code in (401, 403):
            return (f"{label} ({host}) weigert het bericht: geen toegang (foutcode {code}). "
                    "Klopt het webhook-adres nog?")
        if code in (404, 410):
            return (f"Het webhook-adres bij {host} bestaat niet (meer) (foutcode {code}). Maak "
                    "een nieuwe webhook aan en vul dat adres in.")
        if code >= 500:
            return (f"{label} ({host}) heeft een storing (foutcode {code}); Denkna probeert "
                    "het later opnieuw.")
        return f"{label} ({host}) weigert het bericht (foutcode {code})."
    if any(k in c for k in ("name or service not known", "failed to resolve", "getaddrinfo",
                            "name resolution", "nodename nor servname")):
        return f"De server {host} bestaat niet of is vanaf deze server niet te vinden."
    if "certificate" in c or "ssl" in c:
        return (f"De beveiligde verbinding met {host} lukt niet: het certificaat wordt niet "
                "vertrouwd.")
    if "timed out" in c or "timeout" in c:
        return f"{label} ({host}) antwoordt niet op tijd."
    if "refused" in c or "connection error" in c or "max retries" in c:
        return f"{label} ({host}) is niet bereikbaar: de verbinding wordt geweigerd."
    return f"Versturen via {label.lower() if channel != 'teams' else label} ({host}) is mislukt."


def explain_failure(channel: str, destination: str, smtp: SmtpSettings, logs: list[str]) -> str:
    cause = " ".join(logs)
    if channel == "email":
        return explain_mail(cause, smtp, destination)
    return explain_http(channel, cause, _host(channel, destination, smtp))
