"""Instellingen → Mailserver: the school's own mail server for alerts, with a connection test
and a test message. Saving makes messages that did not arrive go out again at once."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp import web
from sqlalchemy import delete

from server.dashboard.settings.common import Scope, back, no_school, page, refused, scope
from server.dashboard.views import esc, user_of
from server.escalation import mail
from server.escalation.alerts import Alert, DeliveryError, deliver
from server.escalation.channels import EMAIL_RE
from server.escalation.explain import explain_mail
from server.escalation.health import retry_now
from server.storage.models import SchoolSetting

PATH = "/dashboard/settings/mail"
FLASH = {"saved": "De mailserver is opgeslagen. Meldingen die niet aankwamen gaan nu opnieuw "
                  "de deur uit.",
         "reset": "De school gebruikt weer de mailserver van de server."}
FIELDS = ("host", "port", "security", "username", "sender", "test_to")


def _form_of(settings: mail.SmtpSettings, test_to: str) -> dict[str, Any]:
    return {"host": settings.host, "port": settings.port, "security": settings.security,
            "username": settings.username or "", "sender": settings.sender, "test_to": test_to}


async def _render(request: web.Request, sc: Scope, form: dict[str, Any] | None = None,
                  status: int = 200, **ctx: Any) -> web.Response:
    service = esc(request)
    async with service.db.session() as s:
        own = await mail.has_own_settings(s, sc.school_id)
        current = await service.smtp_for(s, sc.school_id)
    return page(request, "settings_mail.html", sc, "mail", {
        "own": own, "default_where": service.config.smtp.where,
        "has_password": own and bool(current.password),
        "securities": list(mail.SECURITY_LABELS.items()),
        "form": form or _form_of(current, user_of(request).email or ""),
        "flash": FLASH.get(request.query.get("m", "")), **ctx}, status)


async def mail_page(request: web.Request) -> web.Response:
    sc = await scope(request)
    return no_school(request) if sc is None else await _render(request, sc)


def parse(form: dict[str, str], stored: mail.SmtpSettings,
          password: str) -> tuple[mail.SmtpSettings | None, list[str]]:
    """The posted settings (an empty password keeps the stored one), or the problems."""
    problems = []
    host = form["host"].strip()
    if not host or " " in host:
        problems.append("Vul de naam van de mailserver in, bijvoorbeeld smtp.office365.com.")
    try:
        port = int(form["port"])
        if not 1 <= port <= 65535:
            raise ValueError
    except ValueError:
        port = 0
        problems.append("De poort is een getal, meestal 587 of 465.")
    security = form["security"] if form["security"] in mail.SECURITY else ""
    if not security:
        problems.append("Kies een beveiliging.")
    sender = form["sender"].strip()
    if not EMAIL_RE.fullmatch(sender):
        problems.append("Vul als afzender een e-mailadres in, bijvoorbeeld denkna@school.nl.")
    if problems:
        return None, problems
    username = form["username"].strip() or None
    keep = stored.password if username and username == stored.username else None
    return mail.SmtpSettings(host=host, port=port, sender=sender, username=username,
                             password=password or keep, security=security,
                             timeout=stored.timeout), []


async def mail_submit(request: web.Request) -> web.Response:
    posted = await request.post()
    sc = await scope(request, posted)
    if sc is None:
        return no_school(request)
    if not sc.can_edit:
        return refused(request)
    service = esc(request)
    form = {k: str(posted.get(k, "")) for k in FIELDS}
    action = str(posted.get("action", "save"))
    async with service.db.session() as s:
        if action == "reset":
            await s.execute(delete(SchoolSetting).where(
                SchoolSetting.school_id == sc.school_id, SchoolSetting.key == mail.MAIL_SETTING))
            raise back(PATH, sc, "reset")
        stored = await service.smtp_for(s, sc.school_id)
    settings, problems = parse(form, stored, str(posted.get("password", "")))
    if settings is None:
        return await _render(request, sc, form, 422, errors=problems)
    if action == "check":
        cause = await mail.check_connection(settings)
        if cause is None:
            return await _render(request, sc, form, notice=f"De verbinding met {settings.where} "
                                 "werkt. Vergeet niet op te slaan.")
        return await _render(request, sc, form, error=explain_mail(cause, settings))
    if action == "send":
        return await _send_test(request, sc, form, settings)
    async with service.db.session() as s:
        await mail.save_school_smtp(s, sc.school_id, settings, service.secret)
        await retry_now(s, [sc.school_id], service.clock())
    service.outbox.wake()
    raise back(PATH, sc, "saved")


async def _send_test(request: web.Request, sc: Scope, form: dict[str, Any],
                     settings: mail.SmtpSettings) -> web.Response:
    to = form["test_to"].strip()
    if not EMAIL_RE.fullmatch(to):
        return await _render(request, sc, form, 422,
                             error="Vul bij 'Testbericht naar' een e-mailadres in.")
    service = esc(request)
    alert = Alert(kind="test", case_id=None, school=sc.school_name, account=sc.school_name,
                  link=f"{service.config.base_url.rstrip('/')}{PATH}")
    try:
        await deliver("email", to, alert, smtp=replace(settings),
                      dedupe_key=f"test:{sc.school_id}:{service.clock():%Y%m%d%H%M%S}")
    except DeliveryError as exc:
        return await _render(request, sc, form, error=f"Het testbericht is niet verstuurd. "
                                                      f"{exc.reason}")
    return await _render(request, sc, form, notice=f"Testbericht verstuurd naar {to} via "
                         f"{settings.where}. Vergeet niet op te slaan.")
