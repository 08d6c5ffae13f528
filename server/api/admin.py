"""Admin API: schools, users, tokens (plaintext once), thresholds, accounts, dashboard
passwords, and a school's alert destinations and own stappenplan.

The logic lives in server.admin_ops (shared with `denkna admin`); this module maps HTTP to it.
Board members may list schools (read-only); everything else is admin only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy import select

from server import admin_ops, json_limits, keys
from server.admin_ops import AdminError
from server.admin_ops import set_password as set_user_password
from server.api.body import MAX_ID, db_id, path_int, query_int, read_json
from server.api.openapi import ERROR_REF, operation, query_param
from server.api.schemas import (
    AccountCreate,
    SchoolCreate,
    ThresholdsUpdate,
    TokenCreate,
    UserCreate,
)
from server.auth import principal_of, requires
from server.errors import ApiError
from server.escalation import cases as case_ops
from server.escalation.channels import CHANNELS, validate_destination
from server.escalation.destinations import AUDIENCES
from server.escalation.service import ESCALATION, STEPS_SETTING, Escalation
from server.escalation.steps import StepsError, parse_plan
from server.storage.escalation_models import Case
from server.storage.models import Account, School, SchoolSetting, User


def _school(s: School) -> dict[str, Any]:
    return {"id": s.id, "name": s.name, "slug": s.slug, "created_at": s.created_at.isoformat()}


def _user(u: User) -> dict[str, Any]:
    return {"id": u.id, "name": u.name, "email": u.email, "role": u.role,
            "school_id": u.school_id, "active": u.active}


def _account(a: Account) -> dict[str, Any]:
    return {"id": a.id, "school_id": a.school_id, "platform": a.platform,
            "external_id": a.external_id, "name": a.name, "official": a.official,
            "status": a.status, "settings": a.settings}


async def _run(request: web.Request, fn: Any) -> Any:
    """Run `fn(session, actor)` in one transaction; AdminError -> JSON 4xx."""
    actor = principal_of(request).user_id
    try:
        async with request.app[keys.DB].session() as s:
            return await fn(s, actor)
    except AdminError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None


@requires("admin")
async def create_school(request: web.Request) -> web.Response:
    body = await read_json(request, SchoolCreate)
    school = await _run(request, lambda s, a: admin_ops.create_school(s, body.name, body.slug,
                                                                      actor=a))
    return web.json_response(_school(school), status=201)


@requires("board")
async def list_schools(request: web.Request) -> web.Response:
    async with request.app[keys.DB].session() as s:
        schools = (await s.execute(select(School).order_by(School.id))).scalars().all()
    return web.json_response({"schools": [_school(x) for x in schools]})


@requires("admin")
async def create_user(request: web.Request) -> web.Response:
    body = await read_json(request, UserCreate)
    user = await _run(request, lambda s, a: admin_ops.create_user(
        s, name=body.name, role=body.role, school_id=body.school_id, email=body.email, actor=a))
    return web.json_response(_user(user), status=201)


@requires("admin")
async def list_users(request: web.Request) -> web.Response:
    return await _list_by_school(request, User, "users", _user)


def _forget_tokens(request: web.Request) -> None:
    request.app[keys.AUTH].forget()


@requires("admin")
async def deactivate_user(request: web.Request) -> web.Response:
    user_id = path_int(request, "user_id")
    user = await _run(request, lambda s, a: admin_ops.deactivate_user(s, user_id, actor=a))
    _forget_tokens(request)
    return web.json_response(_user(user))


@requires("admin")
async def create_token(request: web.Request) -> web.Response:
    body = await read_json(request, TokenCreate)
    token, plaintext = await _run(
        request, lambda s, a: admin_ops.create_token(s, body.user_id, body.label, actor=a))
    return web.json_response(
        {"id": token.id, "user_id": token.user_id, "prefix": token.prefix, "token": plaintext,
         "note": "Dit token wordt maar één keer getoond; bewaar het veilig."},
        status=201,
    )


@requires("admin")
async def revoke_token(request: web.Request) -> web.Response:
    token_id = path_int(request, "token_id")
    token = await _run(request, lambda s, a: admin_ops.revoke_token(s, token_id, actor=a))
    _forget_tokens(request)
    return web.json_response({"id": token.id, "revoked": True})


@requires("admin")
async def get_thresholds(request: web.Request) -> web.Response:
    school_id = path_int(request, "school_id")
    values = await _run(request, lambda s, a: admin_ops.get_thresholds(s, school_id))
    return web.json_response({"school_id": school_id, "thresholds": values})


@requires("admin")
async def put_thresholds(request: web.Request) -> web.Response:
    school_id = path_int(request, "school_id")
    body = await read_json(request, ThresholdsUpdate)
    changes = {k: v for k, v in body.model_dump().items() if v is not None}
    values = await _run(request, lambda s, a: admin_ops.set_thresholds(s, school_id, changes,
                                                                       actor=a))
    request.app[keys.THRESHOLD_CACHE].pop(school_id, None)
    return web.json_response({"school_id": school_id, "thresholds": values})


@requires("admin")
async def create_account(request: web.Request) -> web.Response:
    body = await read_json(request, AccountCreate)
    account = await _run(request, lambda s, a: admin_ops.create_account(
        s, school_id=body.school_id, platform=body.platform, external_id=body.external_id,
        name=body.name, official=body.official, settings=body.settings, actor=a))
    return web.json_response(_account(account), status=201)


@requires("admin")
async def list_accounts(request: web.Request) -> web.Response:
    return await _list_by_school(request, Account, "accounts", _account)


@requires("admin")
async def get_account(request: web.Request) -> web.Response:
    account_id = path_int(request, "account_id")
    async with request.app[keys.DB].session() as s:
        account = await s.get(Account, account_id)
    if account is None:
        raise ApiError(404, "account_not_found", "Dit account bestaat niet.")
    return web.json_response(_account(account))


@requires("admin")
async def set_password(request: web.Request) -> web.Response:
    """Admin sets a dashboard password: {"password": "..."} (12 to 200 characters)."""
    try:
        user_id = db_id(int(request.match_info["user_id"]))
        body = await request.json(loads=json_limits.loads)
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


def validate_destinations(body: Any) -> dict[str, dict[str, list[str]]]:
    """{"leadership"|"staff"|"board"|"admin": {"email"|"teams"|"slack"|"webhook"|"apprise":
    [..]}} or ValueError with a Dutch message naming the field."""
    if not isinstance(body, dict):
        raise ValueError("stuur een JSON-object per doelgroep (leadership, staff, board, admin)")
    out: dict[str, dict[str, list[str]]] = {}
    for audience, channels in body.items():
        if audience not in AUDIENCES:
            raise ValueError(f"onbekende doelgroep '{audience}' ({', '.join(AUDIENCES)})")
        if not isinstance(channels, dict):
            raise ValueError(f"{audience}: geef per kanaal een lijst")
        out[audience] = {}
        for channel, values in channels.items():
            if channel not in CHANNELS:
                raise ValueError(f"{audience}: onbekend kanaal '{channel}' "
                                 f"({', '.join(CHANNELS)})")
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ValueError(f"{audience}.{channel}: geef een lijst met tekst")
            try:
                out[audience][channel] = [validate_destination(channel, v) for v in values]
            except ValueError as exc:
                raise ValueError(f"{audience}.{channel}: {exc}") from None
    return out


@requires("leadership")
async def set_alert_destinations(request: web.Request) -> web.Response:
    """Admin or the school's leadership sets where alerts go (school setting 'alerts')."""
    p = principal_of(request)
    try:
        school_id = db_id(int(request.match_info["school_id"]))
        if school_id is None:
            raise ValueError("onbekende school")
        value = validate_destinations(await request.json(loads=json_limits.loads))
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


@requires("leadership")
async def set_school_steps(request: web.Request) -> web.Response:
    """A school's own stappenplan: the YAML text as the body (text/plain or JSON {"yaml": ...}).
    Invalid: 422 with every problem (line and step). An empty body returns to the default."""
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
            body = json_limits.loads(raw)
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


# written out by hand (not with `operation`): text/plain bodies, 409 and 422 answers
ESCALATION_OPENAPI: dict[str, Any] = {
    "paths": {
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
                              "application/json": {"schema": ERROR_REF}}},
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
                              "application/json": {"schema": ERROR_REF}}}}}},
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


OBJ = {"type": "object"}
SCHOOL_PARAM = [query_param("school_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID})]


def setup(app: web.Application) -> None:
    r = app.router
    frag: dict[str, Any] = {}
    routes: list[tuple[str, str, Any, dict[str, Any]]] = [
        ("POST", "/api/v1/admin/schools", create_school,
         {"summary": "School aanmaken", "body": SchoolCreate, "status": 201}),
        ("GET", "/api/v1/admin/schools", list_schools,
         {"summary": "Scholen", "roles": ("board", "admin")}),
        ("POST", "/api/v1/admin/users", create_user,
         {"summary": "Gebruiker aanmaken", "body": UserCreate, "status": 201}),
        ("GET", "/api/v1/admin/users", list_users, {"summary": "Gebruikers",
                                                    "params": SCHOOL_PARAM}),
        ("POST", "/api/v1/admin/users/{user_id}/deactivate", deactivate_user,
         {"summary": "Gebruiker deactiveren"}),
        ("POST", "/api/v1/admin/tokens", create_token,
         {"summary": "Token aanmaken (eenmalig getoond)", "body": TokenCreate, "status": 201}),
        ("DELETE", "/api/v1/admin/tokens/{token_id}", revoke_token, {"summary": "Token intrekken"}),
        ("GET", "/api/v1/admin/schools/{school_id}/thresholds", get_thresholds,
         {"summary": "Drempels van een school"}),
        ("PUT", "/api/v1/admin/schools/{school_id}/thresholds", put_thresholds,
         {"summary": "Drempels instellen", "body": ThresholdsUpdate}),
        ("POST", "/api/v1/admin/accounts", create_account,
         {"summary": "Officieel account koppelen", "body": AccountCreate, "status": 201}),
        ("GET", "/api/v1/admin/accounts", list_accounts, {"summary": "Accounts",
                                                          "params": SCHOOL_PARAM}),
        ("GET", "/api/v1/admin/accounts/{account_id}", get_account, {"summary": "Account"}),
    ]
    for method, path, handler, spec in routes:
        r.add_route(method, path, handler)
        spec = {"roles": ("admin",), "response": OBJ, "tag": "admin", **spec}
        operation(frag, method, path, **spec)
    app[keys.OPENAPI_FRAGMENTS].append(frag)
    r.add_put("/api/v1/admin/users/{user_id}/password", set_password)
    r.add_put("/api/v1/admin/schools/{school_id}/alerts", set_alert_destinations)
    r.add_put("/api/v1/admin/schools/{school_id}/steps", set_school_steps)
    app[keys.OPENAPI_FRAGMENTS].append(ESCALATION_OPENAPI)


async def _list_by_school(
    request: web.Request, model: Any, key: str, render: Callable[[Any], dict[str, Any]]
) -> web.Response:
    """All rows of `model`, or those of `?school_id=`, in id order."""
    query = select(model).order_by(model.id)
    if "school_id" in request.query:
        query = query.where(model.school_id == query_int(request, "school_id", 0, 1, MAX_ID))
    async with request.app[keys.DB].session() as s:
        rows = (await s.execute(query)).scalars().all()
    return web.json_response({key: [render(r) for r in rows]})

