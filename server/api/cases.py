"""`POST /api/v1/cases/report`: a staff member reports a derailing thread (step 1 of the
stappenplan). The case itself is escalation's; this module maps HTTP to it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server import json_limits, keys
from server.api.body import db_id
from server.api.openapi import ERROR_REF
from server.auth import principal_of, requires
from server.errors import ApiError
from server.escalation import cases as case_ops
from server.escalation.service import ESCALATION, Escalation
from server.storage.models import Comment, Thread, User


@requires("staff", "leadership")
async def report_thread(request: web.Request) -> web.Response:
    """A staff member reports a derailing thread or post (flowchart step 1).

    JSON: {"thread_id": int} or {"comment_id": int}, optional "note" (max 1000 chars).
    Staff may report; leadership/admin too. Answers 201 with the case id, or 200 with the
    already open case of that thread."""
    p = principal_of(request)
    try:
        body = await request.json(loads=json_limits.loads)
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
                    "application/json": {"schema": ERROR_REF}}},
                "401": {"description": "niet aangemeld"},
                "403": {"description": "rol heeft geen toegang"},
                "404": {"description": "onbekend bericht"},
            }}},
    },
}


def setup(app: web.Application) -> None:
    app.router.add_post("/api/v1/cases/report", report_thread)
    app[keys.OPENAPI_FRAGMENTS].append(OPENAPI)
