"""Instellingen → Gevoeligheid: per category streng / normaal / soepel with example texts,
and when a case opens (vroeg / normaal / laat)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from classifiers.categories import ALL_CATEGORIES
from server import admin_ops, keys
from server.dashboard.settings import levels as lv
from server.dashboard.settings.common import Scope, back, no_school, page, refused, scope
from server.dashboard.views import esc, user_of
from server.escalation.service import THRESHOLD_SETTING
from server.storage.models import SchoolSetting

PATH = "/dashboard/settings/levels"
FLASH = {"saved": "De gevoeligheid is opgeslagen. De extensie gebruikt hem bij de volgende "
                  "controle."}


async def _render(request: web.Request, sc: Scope, status: int = 200,
                  **ctx: Any) -> web.Response:
    service = esc(request)
    base = dict(request.app[keys.SETTINGS].thresholds) if keys.SETTINGS in request.app else {}
    async with service.db.session() as s:
        row = await s.get(SchoolSetting, (sc.school_id, admin_ops.THRESHOLDS_KEY))
        detector = await service.thresholds_for(s, sc.school_id)
    current = lv.current_levels(row.value if row else None, base)
    examples = await lv.verdicts(request.app)
    return page(request, "settings_levels.html", sc, "levels", {
        "categories": [{"id": c, "label": lv.category_label(c), "current": current[c],
                        "examples": examples[c]} for c in ALL_CATEGORIES],
        "levels": [{"id": k, "help": v} for k, v in lv.LEVEL_HELP.items()],
        "case_levels": [{"id": k, "help": v} for k, v in lv.CASE_HELP.items()],
        "case_current": lv.case_level_of(detector),
        "flash": FLASH.get(request.query.get("m", "")), **ctx}, status)


async def levels_page(request: web.Request) -> web.Response:
    sc = await scope(request)
    return no_school(request) if sc is None else await _render(request, sc)


async def levels_submit(request: web.Request) -> web.Response:
    form = await request.post()
    sc = await scope(request, form)
    if sc is None:
        return no_school(request)
    if not sc.can_edit:
        return refused(request)
    chosen = {c: str(form.get(f"level_{c}", "eigen")) for c in ALL_CATEGORIES}
    case_level = str(form.get("case_level", "eigen"))
    if any(v not in (*lv.LEVELS, "eigen") for v in chosen.values()) or \
            case_level not in (*lv.CASE_PRESETS, "eigen"):
        return await _render(request, sc, 422, error="Kies bij elk onderwerp een niveau.")
    values = {c: lv.LEVELS[v] for c, v in chosen.items() if v != "eigen"}
    service = esc(request)
    async with service.db.session() as s:
        if values:
            await admin_ops.set_thresholds(s, sc.school_id, values, actor=user_of(request).id)
        if case_level != "eigen":
            current = await service.thresholds_for(s, sc.school_id)
            value = {"open_above": current.open_above, "calm_below": current.calm_below,
                     "calm_after_minutes": current.calm_after_minutes,
                     "min_flagged": current.min_flagged, **lv.CASE_PRESETS[case_level]}
            row = await s.get(SchoolSetting, (sc.school_id, THRESHOLD_SETTING))
            if row is None:
                s.add(SchoolSetting(school_id=sc.school_id, key=THRESHOLD_SETTING, value=value))
            else:
                row.value = value
    if keys.THRESHOLD_CACHE in request.app:
        request.app[keys.THRESHOLD_CACHE].pop(sc.school_id, None)
    raise back(PATH, sc, "saved")
