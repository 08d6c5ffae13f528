"""Instellingen → Protocol: the name of the school's social-media protocol and, per rule that
Denkna's warnings cite, the article of that protocol. Warnings then cite "Protocol sociale
media OBS De Klimop, art. A.4". Defaults: the sections of the protocols Denkna ships."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import delete

from server.dashboard.settings.common import Scope, back, no_school, page, refused, scope
from server.dashboard.views import esc
from server.school import context as school_context
from server.school import protocol as proto
from server.storage.models import SchoolSetting

PATH = "/dashboard/settings/protocol"
EXAMPLE_REF = "000 A.4"
EXAMPLE = ("Hier wordt iemand uitgescholden. Mensen kwetsen en uitschelden op sociale media is "
           f"pesten (protocol {EXAMPLE_REF}).")
FLASH = {"saved": "Het protocol is opgeslagen. Waarschuwingen noemen vanaf nu deze artikelen.",
         "reset": "De standaardnamen en -artikelen zijn weer ingesteld."}


async def _render(request: web.Request, sc: Scope, current: proto.SchoolProtocol | None = None,
                  status: int = 200, **ctx: Any) -> web.Response:
    async with esc(request).db.session() as s:
        stored = await proto.load(s, sc.school_id, sc.school_name)
        own = await s.get(SchoolSetting, (sc.school_id, proto.SETTING_KEY)) is not None
    shown = current or stored
    defaults = proto.SchoolProtocol.defaults(sc.school_name)
    return page(request, "settings_protocol.html", sc, "protocol", {
        "own": own, "name": shown.name, "default_name": defaults.name,
        "rules": [{"key": r.key, "topic": r.topic, "article": shown.articles.get(r.key, ""),
                   "default": r.article} for r in proto.rules()],
        "example": stored.rewrite(EXAMPLE),
        "flash": FLASH.get(request.query.get("m", "")), **ctx}, status)


async def protocol_page(request: web.Request) -> web.Response:
    sc = await scope(request)
    return no_school(request) if sc is None else await _render(request, sc)


async def protocol_submit(request: web.Request) -> web.Response:
    form = await request.post()
    sc = await scope(request, form)
    if sc is None:
        return no_school(request)
    if not sc.can_edit:
        return refused(request)
    db = esc(request).db
    if form.get("action") == "reset":
        async with db.session() as s:
            await s.execute(delete(SchoolSetting).where(
                SchoolSetting.school_id == sc.school_id,
                SchoolSetting.key == proto.SETTING_KEY))
        school_context.forget(request.app, sc.school_id)
        raise back(PATH, sc, "reset")
    name = " ".join(str(form.get("name", "")).split())
    articles = {r.key: " ".join(str(form.get(f"article_{r.key}", "")).split())
                for r in proto.rules()}
    problems = proto.validate(name, articles)
    submitted = proto.SchoolProtocol(name, articles)
    if problems:
        return await _render(request, sc, submitted, 422, errors=problems)
    async with db.session() as s:
        await proto.save(s, sc.school_id, submitted)
    school_context.forget(request.app, sc.school_id)
    raise back(PATH, sc, "saved")
