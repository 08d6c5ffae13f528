"""Instellingen → Waarschuwingen: per category, over the last 30 days, what staff did after a
warning of the extension (the nudge outcomes) and how often they marked it "klopt niet", with
the rule or model that raised those warnings. Where many shown warnings are marked wrong, a
softer level is suggested; an admin applies it with one click. Counts only: no text, no names."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server import admin_ops, keys
from server.dashboard.settings import levels as lv
from server.dashboard.settings.common import Scope, back, no_school, page, scope
from server.dashboard.views import error_page, esc, user_of
from server.school import feedback
from server.storage.models import utcnow

PATH = "/dashboard/settings/warnings"
FLASH = {"applied": "Het voorgestelde niveau is ingesteld. De extensie gebruikt het bij de "
                    "volgende controle."}


def _times(n: int) -> str:
    return f"{n} keer"


async def _render(request: web.Request, sc: Scope, status: int = 200,
                  **ctx: Any) -> web.Response:
    base = dict(request.app[keys.SETTINGS].thresholds) if keys.SETTINGS in request.app else {}
    async with esc(request).db.session() as s:
        rows = await feedback.stats(s, sc.school_id, base, utcnow().date())
    cats = []
    for st in rows:
        rate = st.rate
        cats.append({
            "id": st.category, "label": lv.category_label(st.category),
            "shown": _times(st.shown),
            "changed": _times(st.outcomes.get("changed", 0)),
            "cancelled": _times(st.outcomes.get("cancelled", 0)),
            "posted_anyway": _times(st.outcomes.get("posted_anyway", 0)),
            "wrong": _times(st.wrong), "rate": f"{round(rate * 100)}%" if rate is not None
            else "nog niets getoond", "high": rate is not None and rate >= feedback.HIGH_RATE,
            "sources": [f"{feedback.RAISED_BY.get(k, k)}: {_times(n)}"
                        for k, n in sorted(st.by_source.items(), key=lambda kv: -kv[1])],
            "reasons": [f"{feedback.REASONS.get(k, k)}: {_times(n)}"
                        for k, n in sorted(st.reasons.items(), key=lambda kv: -kv[1])],
            "level": st.level, "suggestion": st.suggestion,
        })
    return page(request, "settings_warnings.html", sc, "warnings", {
        "categories": cats, "days": feedback.DAYS, "min_wrong": feedback.MIN_WRONG,
        "high_rate": f"{round(feedback.HIGH_RATE * 100)}%",
        "is_admin": user_of(request).role == "admin",
        "flash": FLASH.get(request.query.get("m", "")), **ctx}, status)


async def warnings_page(request: web.Request) -> web.Response:
    sc = await scope(request)
    return no_school(request) if sc is None else await _render(request, sc)


async def apply_suggestion(request: web.Request) -> web.Response:
    """One click: the suggested level for one category (admins only)."""
    form = await request.post()
    sc = await scope(request, form)
    if sc is None:
        return no_school(request)
    user = user_of(request)
    if user.role != "admin":
        return error_page(request, 403, "Geen toegang",
                          "Alleen de beheerder past een voorgesteld niveau toe. De directie kan "
                          "het niveau zelf kiezen onder Gevoeligheid.")
    category = str(form.get("category", ""))
    base = dict(request.app[keys.SETTINGS].thresholds) if keys.SETTINGS in request.app else {}
    async with esc(request).db.session() as s:
        rows = {st.category: st for st in await feedback.stats(s, sc.school_id, base,
                                                                utcnow().date())}
        st = rows.get(category)
        if st is None or st.suggestion is None:
            return await _render(request, sc, 409, error="Voor dit onderwerp is er (nu) geen "
                                 "voorstel meer; ververs de pagina.")
        await admin_ops.set_thresholds(s, sc.school_id, {category: lv.LEVELS[st.suggestion]},
                                       actor=user.id)
    if keys.THRESHOLD_CACHE in request.app:
        request.app[keys.THRESHOLD_CACHE].pop(sc.school_id, None)
    raise back(PATH, sc, "applied")
