"""Instellingen → Toestemming: the school's consent list (pupils with or without media
consent), imported as a CSV export from the administration system. Only the school's
leadership and the admins see it (not the board, not staff); each import replaces the list in
one transaction, so a refused file keeps the previous list. The list goes into the scoring of
the school's own texts as data; the extension only ever gets the judgement."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from server.dashboard.settings.common import Scope, back, no_school, page, refused, scope
from server.dashboard.viewmodels import when
from server.dashboard.views import error_page, esc, user_of
from server.school import consent_csv, consent_store
from server.school import context as school_context
from server.school.upload import PAGE_PATH
from server.storage.models import User

PATH = PAGE_PATH
SHOWN = 2000  # rows on the page; the rest is counted
FLASH = {"cleared": "De toestemmingslijst is verwijderd.",
         "too_big": "Dat bestand is veel groter dan een toestemmingslijst en is niet ingelezen. "
                    "Kies het CSV-bestand met de lijst. De vorige lijst blijft gewoon in gebruik."}


def _may_see(user: User) -> bool:
    return user.role in ("admin", "leadership")


async def _render(request: web.Request, sc: Scope, status: int = 200,
                  **ctx: Any) -> web.Response:
    async with esc(request).db.session() as s:
        info = await consent_store.summary(s, sc.school_id)
        rows = await consent_store.pupils(s, sc.school_id, SHOWN)
        by = await s.get(User, info["by"]) if info and info.get("by") else None
    summary = None
    if info:
        summary = {"at": when(datetime.fromisoformat(info["at"])), "count": info["count"],
                   "with": info["with_consent"], "without": info["count"] - info["with_consent"],
                   "by": by.name if by else "de beheerder"}
    return page(request, "settings_consent.html", sc, "consent", {
        "summary": summary, "pupils": [{"name": p.name, "class_name": p.class_name,
                                        "consent": p.consent} for p in rows],
        "more": max(0, (summary or {}).get("count", 0) - len(rows)),
        "max_mb": consent_csv.MAX_BYTES // 1024 // 1024,
        "flash": ctx.pop("flash", None) or FLASH.get(request.query.get("m", "")), **ctx},
        status)


async def consent_page(request: web.Request) -> web.Response:
    if not _may_see(user_of(request)):
        return _not_for_you(request)
    sc = await scope(request)
    return no_school(request) if sc is None else await _render(request, sc)


def _not_for_you(request: web.Request) -> web.Response:
    return error_page(request, 403, "Geen toegang",
                      "De toestemmingslijst met namen van leerlingen is alleen te zien voor de "
                      "directie van de school en de beheerder.")


async def _file_of(form: MultiDictProxy[Any]) -> bytes | None:
    field = form.get("file")
    if field is None or isinstance(field, str) or not hasattr(field, "file"):
        return None
    data: bytes = field.file.read(consent_csv.MAX_BYTES + 1)
    return data


async def consent_import(request: web.Request) -> web.Response:
    form = await request.post()
    if not _may_see(user_of(request)):
        return _not_for_you(request)
    sc = await scope(request, form)
    if sc is None:
        return no_school(request)
    if not sc.can_edit:
        return refused(request)
    if form.get("action") == "clear":
        async with esc(request).db.session() as s:
            await consent_store.clear(s, sc.school_id, actor=user_of(request).id)
        school_context.forget(request.app, sc.school_id)
        raise back(PATH, sc, "cleared")
    data = await _file_of(form)
    if data is None:
        return await _render(request, sc, 422, error="Kies eerst een CSV-bestand met de lijst.")
    started = time.perf_counter()
    try:
        pupils = consent_csv.parse(data)
    except consent_csv.ConsentFileError as exc:
        return await _render(request, sc, 422, error=exc.message + " De vorige lijst blijft "
                             "gewoon in gebruik.")
    async with esc(request).db.session() as s:
        info = await consent_store.replace(s, sc.school_id, pupils, actor=user_of(request).id)
    school_context.forget(request.app, sc.school_id)
    seconds = time.perf_counter() - started
    notice = (f"De lijst is ingelezen: {info['count']} leerlingen, waarvan "
              f"{info['with_consent']} leerlingen met toestemming (in {seconds:.1f} seconden). "
              "De vorige lijst is vervangen.")
    return await _render(request, sc, notice=notice)
