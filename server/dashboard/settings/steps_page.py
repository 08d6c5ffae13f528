"""Instellingen → Stappenplan: the school's escalation steps in a form (add, remove, move,
who acts, deadline, outcomes), checked in plain Dutch and stored as the school's own plan."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import delete, select

from server.dashboard.settings.common import Scope, back, no_school, page, refused, scope
from server.dashboard.views import esc
from server.escalation import steps_form as sf
from server.escalation.service import STEPS_SETTING
from server.escalation.steps import StepsError
from server.storage.escalation_models import Case
from server.storage.models import SchoolSetting

PATH = "/dashboard/settings/steps"
FLASH = {"saved": "Het stappenplan is opgeslagen. Nieuwe zaken volgen het vanaf nu.",
         "reset": "De school volgt weer het standaard stappenplan."}


async def _render(request: web.Request, sc: Scope, rows: list[sf.StepRow] | None = None,
                  status: int = 200, **ctx: Any) -> web.Response:
    service = esc(request)
    async with service.db.session() as s:
        own = await s.get(SchoolSetting, (sc.school_id, STEPS_SETTING)) is not None
        plan = await service.plan_for(s, sc.school_id)
    return page(request, "settings_steps.html", sc, "steps", {
        "own": own, "steps": sf.view(rows if rows is not None else sf.rows_from_plan(plan)),
        "roles": sf.ROLE_CHOICES, "flash": FLASH.get(request.query.get("m", "")), **ctx},
        status)


async def steps_page(request: web.Request) -> web.Response:
    sc = await scope(request)
    return no_school(request) if sc is None else await _render(request, sc)


async def _stuck_cases(request: web.Request, school_id: int, keep: set[str]) -> list[str]:
    """Open cases whose current step would disappear, as Dutch sentences."""
    service = esc(request)
    async with service.db.session() as s:
        plan = await service.plan_for(s, school_id)
        rows = (await s.execute(select(Case.id, Case.current_step).where(
            Case.school_id == school_id, Case.state == "open"))).all()
    out = []
    for case_id, step in rows:
        if step and step not in keep:
            title = plan.steps[step].title if step in plan.steps else "een oude stap"
            out.append(f"Zaak #{case_id} staat nog op de stap '{title}'. Rond die zaak eerst af, "
                       "of laat die stap staan.")
    return out


async def steps_submit(request: web.Request) -> web.Response:
    form = await request.post()
    sc = await scope(request, form)
    if sc is None:
        return no_school(request)
    if not sc.can_edit:
        return refused(request)
    service = esc(request)
    action = str(form.get("action", ""))
    if action == "reset":
        problems = await _stuck_cases(request, sc.school_id, set(service.default_plan.steps))
        if problems:
            return await _render(request, sc, status=409, errors=problems)
        async with service.db.session() as s:
            await s.execute(delete(SchoolSetting).where(
                SchoolSetting.school_id == sc.school_id, SchoolSetting.key == STEPS_SETTING))
        raise back(PATH, sc, "reset")
    rows = sf.rows_from_form(form)
    if action != "save":
        rows, note = sf.apply_action(rows, action)
        return await _render(request, sc, rows, notice=note or None)
    problems = sf.check(rows) or await _stuck_cases(request, sc.school_id, {r.id for r in rows})
    if problems:
        return await _render(request, sc, rows, 422, errors=problems)
    try:
        text = sf.to_yaml(rows, service.default_plan, f"Stappenplan van {sc.school_name}")
    except StepsError as exc:  # a check the form missed: never store a broken plan
        return await _render(request, sc, rows, 422, errors=exc.problems)
    async with service.db.session() as s:
        row = await s.get(SchoolSetting, (sc.school_id, STEPS_SETTING))
        if row is None:
            s.add(SchoolSetting(school_id=sc.school_id, key=STEPS_SETTING, value=text))
        else:
            row.value = text
    raise back(PATH, sc, "saved")
