"""Draft checks: POST /api/v1/check, /check/batch, /check/outcome and GET /stats/nudges.

A draft is scored in memory and answered; it is never stored or logged. Only anonymous
per-day counters per school are kept (checked, flagged per category, nudge outcomes).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import select

from classifiers.categories import ALL_CATEGORIES
from classifiers.document import Context
from classifiers.judgement import Judgement
from server import admin_ops, keys
from server.api.advice import advice
from server.api.body import MAX_ID, query_int, read_json
from server.api.openapi import operation, query_param
from server.api.schemas import BatchRequest, CheckContext, CheckRequest, OutcomeRequest
from server.auth import principal_of, requires
from server.errors import ApiError
from server.school import feedback
from server.school.context import SchoolContext, school_context
from server.storage.models import Counter, SchoolSetting, utcnow

CHECK_ROLES = ("staff", "leadership", "board")
THRESHOLD_TTL = 10.0

JUDGEMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["scores", "flags", "language", "model", "mode", "advice"],
    "properties": {
        "scores": {"type": "object", "additionalProperties": {"type": "number"}},
        "flags": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["category", "subtype", "severity", "score", "spans", "reason"],
                "properties": {
                    "category": {"enum": list(ALL_CATEGORIES)},
                    "subtype": {"type": "string"},
                    "severity": {"enum": ["low", "medium", "high"]},
                    "score": {"type": "number"},
                    "spans": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["start", "end"],
                            "properties": {"start": {"type": "integer"},
                                           "end": {"type": "integer"}},
                        },
                    },
                    "reason": {"type": "string"},
                    "protocol_ref": {"type": "string",
                                     "description": "Het artikel van het eigen protocol van "
                                                    "de school."},
                    "suggestion": {"type": "string"},
                    "raised_by": {"enum": list(feedback.RAISED_BY),
                                  "description": "Wat de waarschuwing gaf (een regel of een "
                                                 "model); terug te sturen met 'klopt niet'."},
                },
            },
        },
        "language": {"type": "string"},
        "model": {"type": "string"},
        "mode": {"enum": ["quick", "deep"],
                 "description": "De controle die dit antwoord gaf: quick, of deep met de encoder "
                                "(deep gevraagd maar nog niet beschikbaar: quick)."},
        "truncated": {"type": "boolean"},
        "advice": {
            "type": "object",
            "required": ["level", "summary", "notes"],
            "properties": {
                "level": {"enum": ["ok", "caution", "stop"]},
                "summary": {"type": "string"},
                "notes": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}


async def school_thresholds(app: web.Application, school_id: int | None) -> dict[str, float]:
    """The school's thresholds (configured defaults + the school's own), cached briefly."""
    base = dict(app[keys.SETTINGS].thresholds)  # explicit overrides only; the model has its own
    if school_id is None:
        return base
    cache = app[keys.THRESHOLD_CACHE]
    hit = cache.get(school_id)
    now = time.monotonic()
    if hit and now - hit[0] < THRESHOLD_TTL:
        return hit[1]
    async with app[keys.DB].session() as s:
        row = await s.get(SchoolSetting, (school_id, admin_ops.THRESHOLDS_KEY))
    value = {**base, **(row.value if row else {})}
    cache[school_id] = (now, value)
    return value


def _context(ctx: CheckContext | None) -> Context:
    # a draft checked here is written by the signed-in staff member
    if ctx is None:
        return Context(author_role="staff")
    return Context(account_type=ctx.account_type, platform=ctx.platform, reply_to=ctx.reply_to,
                   author_role="staff")


def _render(j: Judgement, ctx: CheckContext | None, locale: str,
            school: SchoolContext) -> dict[str, Any]:
    out = j.to_dict(locale)
    for f in out["flags"]:
        f["raised_by"] = feedback.raised_by(f)
    ctx_dict = ctx.model_dump() if ctx else None
    out["advice"] = advice(out, ctx_dict, locale)
    return school.protocol.apply(out, locale)  # the school's own articles, no file numbers


def _count(app: web.Application, school_id: int | None, out: dict[str, Any]) -> None:
    counters = app[keys.COUNTERS]
    metrics = app[keys.METRICS]
    counters.add(school_id, "all", "checked")  # type: ignore[attr-defined]
    metrics.checks["all"] += 1
    for f in out["flags"]:
        counters.add(school_id, f["category"], "flagged")  # type: ignore[attr-defined]
        metrics.checks[f["category"]] += 1


@requires(*CHECK_ROLES)
async def check(request: web.Request) -> web.Response:
    body = await read_json(request, CheckRequest)
    principal = principal_of(request)
    thresholds = await school_thresholds(request.app, principal.school_id)
    school = await school_context(request.app, principal.school_id)
    j = await request.app[keys.SCORER_POOL].score(
        body.text, school.context_for(body.text, _context(body.context)), thresholds,
        mode=body.mode)
    request.app[keys.METRICS].scored("check", body.mode, j.mode)
    out = _render(j, body.context, body.locale, school)
    _count(request.app, principal.school_id, out)
    return web.json_response(out)


@requires(*CHECK_ROLES)
async def check_batch(request: web.Request) -> web.Response:
    body = await read_json(request, BatchRequest)
    principal = principal_of(request)
    thresholds = await school_thresholds(request.app, principal.school_id)
    school = await school_context(request.app, principal.school_id)
    judgements = await request.app[keys.SCORER_POOL].score_many(
        [(item.text, school.context_for(item.text, _context(item.context)))
         for item in body.items], thresholds, mode=body.mode
    )
    results = []
    for item, j in zip(body.items, judgements, strict=True):
        request.app[keys.METRICS].scored("check", body.mode, j.mode)
        out = _render(j, item.context, body.locale, school)
        _count(request.app, principal.school_id, out)
        results.append({"id": item.id, **out})
    return web.json_response({"results": results})


@requires("staff", "leadership")
async def outcome(request: web.Request) -> web.Response:
    body = await read_json(request, OutcomeRequest)
    principal = principal_of(request)
    counters = request.app[keys.COUNTERS]
    for cat in sorted(set(body.categories)) or ["all"]:
        counters.add(principal.school_id, cat, body.outcome)  # type: ignore[attr-defined]
    return web.json_response({"recorded": principal.school_id is not None})


@requires("leadership", "board")
async def nudge_stats(request: web.Request) -> web.Response:
    principal = principal_of(request)
    days = query_int(request, "days", 30, 1, 366)
    school_id: int | None = None
    if "school_id" in request.query:
        school_id = query_int(request, "school_id", 0, 1, MAX_ID)
    if principal.role == "leadership":
        if school_id is not None and school_id != principal.school_id:
            raise ApiError(404, "school_not_found", "Deze school bestaat niet.")
        school_id = principal.school_id
    await request.app[keys.COUNTERS].flush()  # type: ignore[attr-defined]
    since = utcnow().date() - timedelta(days=days - 1)
    query = select(Counter).where(Counter.day >= since)
    if school_id is not None:
        query = query.where(Counter.school_id == school_id)
    async with request.app[keys.DB].session() as s:
        rows = (await s.execute(query.order_by(Counter.day, Counter.category))).scalars().all()
    return web.json_response(
        {
            "since": since.isoformat(),
            "days": days,
            "rows": [
                {"school_id": r.school_id, "day": r.day.isoformat(), "category": r.category,
                 "event": r.event, "count": r.count}
                for r in rows
            ],
        }
    )


def setup(app: web.Application) -> None:
    app.router.add_post("/api/v1/check", check)
    app.router.add_post("/api/v1/check/batch", check_batch)
    app.router.add_post("/api/v1/check/outcome", outcome)
    app.router.add_get("/api/v1/stats/nudges", nudge_stats)
    frag: dict[str, Any] = {}
    operation(frag, "POST", "/api/v1/check", summary="Een concepttekst controleren",
              roles=CHECK_ROLES, body=CheckRequest, response=JUDGEMENT_SCHEMA, tag="check",
              scores=True)
    operation(frag, "POST", "/api/v1/check/batch", summary="Tot 100 teksten controleren",
              roles=CHECK_ROLES, body=BatchRequest, tag="check", scores=True,
              response={"type": "object", "required": ["results"],
                        "properties": {"results": {"type": "array", "items": {
                            "allOf": [JUDGEMENT_SCHEMA, {"type": "object", "required": ["id"],
                                      "properties": {"id": {"type": "string"}}}]}}}})
    operation(frag, "POST", "/api/v1/check/outcome", summary="Wat er na een waarschuwing gebeurde",
              roles=("staff", "leadership"), body=OutcomeRequest, tag="check",
              response={"type": "object", "properties": {"recorded": {"type": "boolean"}}})
    operation(frag, "GET", "/api/v1/stats/nudges", summary="Anonieme tellingen per dag",
              roles=("leadership", "board", "admin"), tag="stats",
              params=[query_param("days", {"type": "integer", "minimum": 1, "maximum": 366}),
                      query_param("school_id", {"type": "integer", "minimum": 1,
                                                "maximum": MAX_ID})],
              response={"type": "object", "required": ["rows"],
                        "properties": {"rows": {"type": "array"}, "since": {"type": "string"},
                                       "days": {"type": "integer"}}})
    app[keys.OPENAPI_FRAGMENTS].append(frag)
