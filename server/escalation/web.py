"""Hooking escalation into the app: the service, the comment listener, the outbox worker,
the dashboard routes, the statement connector and `POST /api/v1/cases/report`.

`setup_escalation(app)` is the one call server/app.py makes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from server import keys
from server.dashboard.views import REPLY_POSTER, setup_routes
from server.escalation import cases as case_ops
from server.escalation.service import ESCALATION, Escalation, EscalationConfig
from server.storage import escalation_models  # noqa: F401  (maps the tables)
from server.storage.models import Account, Comment, Thread

ESCALATION_CONFIG = web.AppKey("escalation_config", EscalationConfig)


def setup_escalation(app: web.Application, config: EscalationConfig | None = None,
                     *, start_worker: bool = True) -> None:
    if config is not None:
        app[ESCALATION_CONFIG] = config

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        cfg = app.get(ESCALATION_CONFIG)
        if cfg is None:
            server = getattr(app.get(keys.SETTINGS), "server", None)
            default_url = (f"http://{server.host}:{server.port}" if server is not None
                           else "http://127.0.0.1:8080")
            cfg = EscalationConfig.from_env(default_url=default_url)
        service = Escalation(app[keys.DB], cfg)
        app[ESCALATION] = service
        listeners = app.get(keys.COMMENT_LISTENERS)
        if listeners is not None:
            listeners.append(service.on_comments)
        from schedules.purge_retention import RETENTION_KEEP_THREADS

        if RETENTION_KEEP_THREADS in app:
            app[RETENTION_KEEP_THREADS].append(_case_threads)
        from server.platforms.alerts import REAUTH_HOOKS

        if REAUTH_HOOKS in app:
            from server.escalation.reauth import alert_admins

            async def reauth_hook(app: web.Application, alert: Any) -> None:
                await alert_admins(app, alert, service)

            app[REAUTH_HOOKS].append(reauth_hook)
        if REPLY_POSTER not in app:
            app[REPLY_POSTER] = _connector_poster(app)
        if start_worker:
            service.outbox.start(cfg.outbox_interval)
        yield
        await service.outbox.stop()

    app.cleanup_ctx.append(ctx)
    setup_routes(app)
    app.router.add_post("/api/v1/cases/report", report_thread)
    app.router.add_put("/api/v1/admin/users/{user_id}/password", set_password)
    app.router.add_put("/api/v1/admin/schools/{school_id}/alerts", set_alert_destinations)
    app.router.add_put("/api/v1/admin/schools/{school_id}/steps", set_school_steps)
    if keys.OPENAPI_FRAGMENTS in app:
        app[keys.OPENAPI_FRAGMENTS].append(OPENAPI)


async def _case_threads(app: web.Application) -> set[int]:
    """Threads that are part of a case are kept past the retention period (the dossier)."""
    from sqlalchemy import select

    from server.storage.escalation_models import Case

    async with app[keys.DB].session() as s:
        return {t for t in (await s.scalars(select(Case.thread_id))).all() if t is not None}


def _connector_poster(app: web.Application) -> Any:
    """Post a reply through the account's connector (G's platforms), token from the DB."""

    async def post(account: Account, thread: Thread, text: str) -> str:
        from server.platforms.base import load_settings
        from server.platforms.credentials import load_token
        from server.platforms.registry import connector_class

        async with app[keys.DB].session() as s:
            token = await load_token(s, app[keys.SECRET_KEY], account.id)
        overrides = dict((account.settings or {}).get("api", {}))
        try:
            from schedules.context import MONITOR

            if MONITOR in app:
                overrides = {**app[MONITOR].settings.platforms.get(account.platform, {}),
                             **overrides}
        except ImportError:  # monitoring not installed in this build
            pass
        connector = connector_class(account.platform)(
            account_external_id=account.external_id, token=token,
            settings=load_settings(account.platform, overrides),
            account_settings=account.settings or {})
        try:
            return await connector.post_reply(thread.external_post_id, text)
        finally:
            await connector.close()

    return post


def db_id(value: Any) -> int | None:
    """A usable row id: a positive int that fits the database column (no bools)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= 2**31 - 1 else None


async def report_thread(request: web.Request) -> web.Response:
    """A staff member reports a derailing thread or post (flowchart step 1).

    JSON: {"thread_id": int} or {"comment_id": int}, optional "note" (max 1000 chars).
    Staff may report; leadership/admin too. Answers 201 with the case id, or 200 with the
    already open case of that thread."""
    from server.auth import principal_of, requires
    from server.errors import ApiError

    @requires("staff", "leadership")
    async def handle(request: web.Request) -> web.Response:
        p = principal_of(request)
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "invalid_json", "Stuur geldige JSON.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_body", "Stuur een JSON-object.")
        note = body.get("note", "")
        if not isinstance(note, str) or len(note) > 1000:
            raise ApiError(400, "invalid_note", "'note' moet tekst zijn van hoogstens 1000 "
                           "tekens.")
        service: Escalation = request.app[ESCALATION]
        async with service.db.session() as s:
            thread = None
            thread_id, comment_id = db_id(body.get("thread_id")), db_id(body.get("comment_id"))
            if thread_id is not None:
                thread = await s.get(Thread, thread_id)
            elif comment_id is not None:
                c = await s.get(Comment, comment_id)
                thread = await s.get(Thread, c.thread_id) if c else None
            else:
                raise ApiError(400, "missing_target", "Geef 'thread_id' of 'comment_id' op "
                               "(een positief geheel getal).")
            if thread is None or (p.role != "admin" and p.school_id != thread.school_id):
                raise ApiError(404, "not_found", "Dit bericht bestaat niet of hoort niet bij "
                               "uw school.")
            existing = await case_ops.open_case_for_thread(s, thread.id)
            if existing is not None:
                return web.json_response({"case_id": existing, "created": False})
            from server.storage.models import User

            user = await s.get(User, p.user_id)
            plan = await service.plan_for(s, thread.school_id)
            trig = [comment_id] if comment_id is not None else []
            case = await case_ops.open_case(
                s, plan=plan, school_id=thread.school_id, thread_id=thread.id,
                account_id=thread.account_id, source="report", now=service.clock(),
                base_url=service.config.base_url, user=user, note=note.strip(),
                trigger_ids=trig)
            if case is None:
                existing = await case_ops.open_case_for_thread(s, thread.id)
                return web.json_response({"case_id": existing, "created": False})
            case_id = case.id
        service.outbox.wake()
        return web.json_response({"case_id": case_id, "created": True}, status=201)

    return await handle(request)


async def set_password(request: web.Request) -> web.Response:
    """Admin sets a dashboard password: {"password": "..."} (12 to 200 characters)."""
    from server.admin_ops import AdminError
    from server.admin_ops import set_password as set_user_password
    from server.auth import principal_of, requires
    from server.errors import ApiError

    @requires("admin")
    async def handle(request: web.Request) -> web.Response:
        try:
            user_id = db_id(int(request.match_info["user_id"]))
            body = await request.json()
            if user_id is None:
                raise ValueError("id")
        except ValueError:
            raise ApiError(400, "invalid_request", "Stuur JSON met 'password'.") from None
        password = body.get("password") if isinstance(body, dict) else None
        if not isinstance(password, str):
            raise ApiError(400, "weak_password", "Een wachtwoord heeft 12 tot 200 tekens.")
        async with request.app[keys.DB].session() as s:
            try:
                await set_user_password(s, user_id, password,
                                        actor=principal_of(request).user_id)
            except AdminError as exc:
                raise ApiError(exc.status, exc.code, exc.message) from None
        return web.json_response({"user_id": user_id, "password_set": True})

    return await handle(request)


def validate_destinations(body: Any) -> dict[str, dict[str, list[str]]]:
    """{"leadership"|"staff"|"board": {"email"|"teams"|"slack"|"webhook": [..]}} or ValueError
    with a Dutch message naming the field."""
    import re

    from server.escalation.alerts import CHANNELS

    if not isinstance(body, dict):
        raise ValueError("stuur een JSON-object per doelgroep (leadership, staff, board)")
    out: dict[str, dict[str, list[str]]] = {}
    for audience, channels in body.items():
        if audience not in ("leadership", "staff", "board"):
            raise ValueError(f"onbekende doelgroep '{audience}' (leadership, staff of board)")
        if not isinstance(channels, dict):
            raise ValueError(f"{audience}: geef per kanaal een lijst")
        out[audience] = {}
        for channel, values in channels.items():
            if channel not in CHANNELS:
                raise ValueError(f"{audience}: onbekend kanaal '{channel}' "
                                 f"({', '.join(CHANNELS)})")
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ValueError(f"{audience}.{channel}: geef een lijst met tekst")
            for v in values:
                if channel == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v):
                    raise ValueError(f"{audience}.email: '{v}' is geen e-mailadres")
                if channel != "email" and not v.startswith("https://"):
                    raise ValueError(f"{audience}.{channel}: een webhook-adres begint met "
                                     "https://")
            out[audience][channel] = list(values)
    return out


async def set_alert_destinations(request: web.Request) -> web.Response:
    """Admin or the school's leadership sets where alerts go (school setting 'alerts')."""
    from server.auth import principal_of, requires
    from server.errors import ApiError
    from server.storage.models import School, SchoolSetting

    @requires("leadership")
    async def handle(request: web.Request) -> web.Response:
        p = principal_of(request)
        try:
            school_id = db_id(int(request.match_info["school_id"]))
            if school_id is None:
                raise ValueError("onbekende school")
            value = validate_destinations(await request.json())
        except ValueError as exc:
            msg = str(exc) if "Expecting" not in str(exc) else "Stuur geldige JSON."
            raise ApiError(400, "invalid_alerts", msg) from None
        if p.role != "admin" and p.school_id != school_id:
            raise ApiError(404, "not_found", "Deze school bestaat niet.")
        async with request.app[keys.DB].session() as s:
            if await s.get(School, school_id) is None:
                raise ApiError(404, "not_found", "Deze school bestaat niet.")
            row = await s.get(SchoolSetting, (school_id, case_ops.ALERT_SETTING))
            if row is None:
                s.add(SchoolSetting(school_id=school_id, key=case_ops.ALERT_SETTING,
                                    value=value))
            else:
                row.value = value
        return web.json_response({"school_id": school_id, "alerts": value})

    return await handle(request)


async def set_school_steps(request: web.Request) -> web.Response:
    """A school's own stappenplan: the YAML text as the body (text/plain or JSON {"yaml": ...}).
    Invalid: 422 with every problem (line and step). An empty body returns to the default."""
    from sqlalchemy import select

    from server.auth import principal_of, requires
    from server.errors import ApiError
    from server.escalation.service import STEPS_SETTING
    from server.escalation.steps import StepsError, parse_plan
    from server.storage.escalation_models import Case
    from server.storage.models import School, SchoolSetting

    @requires("leadership")
    async def handle(request: web.Request) -> web.Response:
        p = principal_of(request)
        try:
            school_id = db_id(int(request.match_info["school_id"]))
        except ValueError:
            school_id = None
        if school_id is None or (p.role != "admin" and p.school_id != school_id):
            raise ApiError(404, "not_found", "Deze school bestaat niet.")
        raw = await request.text()
        if request.content_type == "application/json":
            try:
                import json

                body = json.loads(raw)
            except ValueError:
                raise ApiError(400, "invalid_json", "Stuur geldige JSON.") from None
            raw = body.get("yaml", "") if isinstance(body, dict) else None
            if not isinstance(raw, str):
                raise ApiError(400, "invalid_body", "Stuur {\"yaml\": \"...\"}.")
        plan = None
        if raw.strip():
            try:
                plan = parse_plan(raw, origin="stappenplan")
            except StepsError as exc:
                raise ApiError(422, "invalid_steps", "Het stappenplan klopt niet.",
                               details={"problems": exc.problems}) from None
        service: Escalation = request.app[ESCALATION]
        async with service.db.session() as s:
            if await s.get(School, school_id) is None:
                raise ApiError(404, "not_found", "Deze school bestaat niet.")
            steps = set(plan.steps) if plan else set(service.default_plan.steps)
            stuck = [cid for cid, step in (await s.execute(
                select(Case.id, Case.current_step).where(
                    Case.school_id == school_id, Case.state == "open"))).all()
                     if step and step not in steps]
            if stuck:
                raise ApiError(409, "open_cases_on_old_steps",
                               "Open zaken staan op een stap die in het nieuwe stappenplan "
                               "ontbreekt; rond ze eerst af of behoud die stappen.",
                               details={"case_ids": stuck})
            row = await s.get(SchoolSetting, (school_id, STEPS_SETTING))
            if row is None:
                s.add(SchoolSetting(school_id=school_id, key=STEPS_SETTING, value=raw))
            else:
                row.value = raw
        name = plan.name if plan else service.default_plan.name
        return web.json_response({"school_id": school_id, "plan": name,
                                  "steps": len(steps)})

    return await handle(request)


_ERR = {"$ref": "#/components/schemas/Error"}
OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/cases/report": {"post": {
            "summary": "Een medewerker meldt een ontsporende discussie (stap 1 stappenplan)",
            "security": [{"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False,
                "properties": {"thread_id": {"type": "integer"},
                               "comment_id": {"type": "integer"},
                               "note": {"type": "string", "maxLength": 1000}}}}}},
            "responses": {
                "201": {"description": "zaak geopend", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "case_id": {"type": "integer"}, "created": {"type": "boolean"}}}}}},
                "200": {"description": "er was al een open zaak voor deze discussie"},
                "400": {"description": "ongeldig verzoek", "content": {
                    "application/json": {"schema": _ERR}}},
                "401": {"description": "niet aangemeld"},
                "403": {"description": "rol heeft geen toegang"},
                "404": {"description": "onbekend bericht"},
            }}},
        "/api/v1/admin/schools/{school_id}/alerts": {"put": {
            "summary": "Waar meldingen heen gaan, per doelgroep en kanaal",
            "security": [{"bearer": []}],
            "parameters": [{"name": "school_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": {
                    "type": "object", "additionalProperties": {
                        "type": "array", "items": {"type": "string"}}}}}}},
            "responses": {"200": {"description": "opgeslagen"},
                          "400": {"description": "ongeldig", "content": {
                              "application/json": {"schema": _ERR}}},
                          "401": {"description": "niet aangemeld"},
                          "403": {"description": "geen toegang"},
                          "404": {"description": "onbekende school"}}}},
        "/api/v1/admin/schools/{school_id}/steps": {"put": {
            "summary": "Eigen stappenplan van een school (YAML; leeg = standaard)",
            "security": [{"bearer": []}],
            "parameters": [{"name": "school_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object", "properties": {
                    "yaml": {"type": "string"}}}}}},
            "responses": {"200": {"description": "opgeslagen"},
                          "400": {"description": "ongeldig verzoek"},
                          "401": {"description": "niet aangemeld"},
                          "403": {"description": "geen toegang"},
                          "404": {"description": "onbekende school"},
                          "409": {"description": "open zaken op ontbrekende stappen"},
                          "422": {"description": "stappenplan klopt niet", "content": {
                              "application/json": {"schema": _ERR}}}}}},
        "/api/v1/admin/users/{user_id}/password": {"put": {
            "summary": "Wachtwoord voor het dashboard instellen (alleen beheer)",
            "security": [{"bearer": []}],
            "parameters": [{"name": "user_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["password"],
                "properties": {"password": {"type": "string", "minLength": 12,
                                            "maxLength": 200}}}}}},
            "responses": {"200": {"description": "ingesteld"},
                          "400": {"description": "ongeldig wachtwoord"},
                          "401": {"description": "niet aangemeld"},
                          "403": {"description": "alleen beheer"},
                          "404": {"description": "onbekende gebruiker"}}}},
    },
}


__all__ = ["ESCALATION_CONFIG", "setup_escalation"]
