"""Instellingen → Meldingen: where alerts go, per audience, with a test message per
destination and a retry for messages that did not arrive."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from server.dashboard.settings.common import Scope, back, no_school, page, refused, scope
from server.dashboard.views import esc
from server.escalation import destinations as dest
from server.escalation.alerts import Alert, DeliveryError, deliver
from server.escalation.channels import CHANNEL_LABELS, CHANNELS, display
from server.escalation.health import delivery_problem, retry_now

PATH = "/dashboard/settings/alerts"
FLASH = {"added": "De bestemming is toegevoegd.", "removed": "De bestemming is verwijderd.",
         "retry": "Denkna probeert de meldingen nu opnieuw te versturen."}
ROLE_WORD = {"leadership": "de directie", "staff": "de medewerkers", "board": "het bestuur",
             "admin": "de beheerders"}


async def _audiences(s: AsyncSession, school_id: int) -> list[dict[str, Any]]:
    conf = await dest.configured(s, school_id)
    out = []
    for audience in dest.AUDIENCES:
        own = conf.get(audience, {})
        rows = [{"channel": c, "address": a, "label": CHANNEL_LABELS[c], "shown": display(c, a),
                 "fallback": False} for c in CHANNELS for a in own.get(c, [])]
        fallback_note = ""
        if not own.get("email"):
            emails = await dest.role_emails(s, school_id, audience)
            rows += [{"channel": "email", "address": e, "label": "E-mail", "shown": e,
                      "fallback": True} for e in emails]
            if emails:
                fallback_note = ("Er is geen e-mailadres ingesteld; de e-mail gaat daarom naar "
                                 f"iedereen van {ROLE_WORD[audience]} met een e-mailadres in "
                                 "Denkna (hierboven).")
        out.append({"id": audience, "label": dest.AUDIENCE_LABELS[audience],
                    "help": dest.AUDIENCE_HELP[audience], "destinations": rows,
                    "fallback_note": fallback_note,
                    "empty_note": "Nog geen bestemming, en in Denkna heeft niemand van "
                                  f"{ROLE_WORD[audience]} een e-mailadres: deze meldingen "
                                  "komen nergens aan."})
    return out


async def _render(request: web.Request, sc: Scope, status: int = 200,
                  **ctx: Any) -> web.Response:
    service = esc(request)
    async with service.db.session() as s:
        audiences = await _audiences(s, sc.school_id)
        problem = await delivery_problem(s, [sc.school_id], service.clock())
    return page(request, "settings_alerts.html", sc, "alerts", {
        "audiences": audiences, "problem": problem,
        "channels": list(CHANNEL_LABELS.items()),
        "form": ctx.pop("form", {"audience": "leadership", "channel": "email", "address": ""}),
        "flash": FLASH.get(request.query.get("m", "")), **ctx}, status)


async def alerts_page(request: web.Request) -> web.Response:
    sc = await scope(request)
    return no_school(request) if sc is None else await _render(request, sc)


async def _editable(request: web.Request) -> tuple[Scope | None, Any, web.Response | None]:
    form = await request.post()
    sc = await scope(request, form)
    if sc is None:
        return None, form, no_school(request)
    if not sc.can_edit:
        return sc, form, refused(request)
    return sc, form, None


async def add_destination(request: web.Request) -> web.Response:
    sc, form, stop = await _editable(request)
    if stop is not None or sc is None:
        return stop  # type: ignore[return-value]
    values = {k: str(form.get(k, "")) for k in ("audience", "channel", "address")}
    try:
        async with esc(request).db.session() as s:
            await dest.add(s, sc.school_id, values["audience"], values["channel"],
                           values["address"])
    except ValueError as exc:
        msg = str(exc)
        return await _render(request, sc, 422, form=values,
                             error=f"Niet toegevoegd: {msg[0].lower()}{msg[1:]}.")
    raise back(PATH, sc, "added")


async def remove_destination(request: web.Request) -> web.Response:
    sc, form, stop = await _editable(request)
    if stop is not None or sc is None:
        return stop  # type: ignore[return-value]
    async with esc(request).db.session() as s:
        await dest.remove(s, sc.school_id, str(form.get("audience", "")),
                          str(form.get("channel", "")), str(form.get("address", "")))
    raise back(PATH, sc, "removed")


async def test_destination(request: web.Request) -> web.Response:
    """Send a test message now (not through the outbox: the answer is on this page)."""
    sc, form, stop = await _editable(request)
    if stop is not None or sc is None:
        return stop  # type: ignore[return-value]
    service = esc(request)
    audience, channel = str(form.get("audience", "")), str(form.get("channel", ""))
    address = str(form.get("address", ""))
    async with service.db.session() as s:
        known = await dest.alert_destinations(s, sc.school_id, audience=audience)
        smtp = await service.smtp_for(s, sc.school_id)
    if (channel, address) not in {(d.channel, d.address) for d in known}:
        return await _render(request, sc, 404, error="Deze bestemming staat niet (meer) in de "
                                                     "lijst; ververs de pagina.")
    alert = Alert(kind="test", case_id=None, school=sc.school_name, account=sc.school_name,
                  link=f"{service.config.base_url.rstrip('/')}{PATH}")
    shown = display(channel, address)
    try:
        await deliver(channel, address, alert, smtp=smtp,
                      dedupe_key=f"test:{sc.school_id}:{service.clock():%Y%m%d%H%M%S}")
    except DeliveryError as exc:
        return await _render(request, sc, error=f"Het testbericht naar {shown} is niet "
                                                f"aangekomen. {exc.reason}")
    return await _render(request, sc, notice=f"Testbericht verstuurd naar {shown}. Kijk of het "
                                             "is aangekomen.")


async def retry(request: web.Request) -> web.Response:
    sc, _form, stop = await _editable(request)
    if stop is not None or sc is None:
        return stop  # type: ignore[return-value]
    service = esc(request)
    async with service.db.session() as s:
        await retry_now(s, [sc.school_id], service.clock())
    service.outbox.wake()
    raise back(PATH, sc, "retry")
