"""Monitoring: POST /api/v1/comments (connector ingest) and the leadership thread views."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import case, func, select

from server import keys
from server.api.body import MAX_ID, path_int, query_int, read_json
from server.api.openapi import operation, query_param
from server.api.schemas import IngestRequest
from server.auth import Principal, principal_of, requires
from server.comments import PlatformComment
from server.errors import ApiError
from server.ingest import ingest_comments
from server.school import protocol as school_protocol
from server.storage.models import Account, Comment, Thread

_NOT_FOUND = ("not_found", "Dit object bestaat niet of je hebt er geen toegang toe.")


@requires("connector")
async def post_comments(request: web.Request) -> web.Response:
    body = await read_json(request, IngestRequest)
    principal = principal_of(request)
    async with request.app[keys.DB].session() as s:
        account = await s.get(Account, body.account_id)
    if account is None or not principal.can_read_school(account.school_id) or (
        principal.role == "board"
    ):
        raise ApiError(404, "account_not_found", "Dit account bestaat niet of hoort niet bij "
                       "jouw school.")
    comments = [
        PlatformComment(
            external_id=c.external_id, post_id=c.post_id, text=c.text, created_at=c.created_at,
            parent_id=c.parent_id, author_id=c.author_id, author_name=c.author_name,
            permalink=c.permalink,
        )
        for c in body.comments
    ]
    result = await ingest_comments(request.app, account.id, comments)
    return web.json_response(result.counts())


def _scope(query: Any, principal: Principal, school_id: int | None) -> Any:
    if principal.role == "leadership":
        return query.where(Thread.school_id == principal.school_id)
    if school_id is not None:
        return query.where(Thread.school_id == school_id)
    return query


def _thread_dict(t: Thread, n_comments: int | None = None, n_flagged: int | None = None) -> dict:
    out: dict[str, Any] = {
        "id": t.id, "school_id": t.school_id, "account_id": t.account_id,
        "external_post_id": t.external_post_id, "permalink": t.permalink, "title": t.title,
        "created_at": t.created_at.isoformat(), "last_activity_at": t.last_activity_at.isoformat(),
    }
    if n_comments is not None:
        out["comments"] = n_comments
        out["flagged"] = n_flagged or 0
    return out


@requires("leadership", "board")
async def list_threads(request: web.Request) -> web.Response:
    principal = principal_of(request)
    limit = query_int(request, "limit", 50, 1, 500)
    offset = query_int(request, "offset", 0, 0, 10**9)
    school_id = query_int(request, "school_id", 0, 1, MAX_ID) if "school_id" in request.query \
        else None
    counts = (
        select(Comment.thread_id, func.count().label("n"),
               func.sum(case((Comment.flagged, 1), else_=0)).label("f"))
        .group_by(Comment.thread_id).subquery()
    )
    query = _scope(
        select(Thread, counts.c.n, counts.c.f).outerjoin(counts, counts.c.thread_id == Thread.id),
        principal, school_id,
    ).order_by(Thread.last_activity_at.desc(), Thread.id.desc()).limit(limit).offset(offset)
    async with request.app[keys.DB].session() as s:
        rows = (await s.execute(query)).all()
    return web.json_response(
        {"threads": [_thread_dict(t, int(n or 0), int(f or 0)) for t, n, f in rows]}
    )


@requires("leadership", "board")
async def get_thread(request: web.Request) -> web.Response:
    principal = principal_of(request)
    thread_id = path_int(request, "thread_id")
    async with request.app[keys.DB].session() as s:
        thread = await s.get(Thread, thread_id)
        if thread is None or not principal.can_read_school(thread.school_id):
            raise ApiError(404, *_NOT_FOUND)
        comments = (
            await s.execute(
                select(Comment).where(Comment.thread_id == thread.id)
                .order_by(Comment.created_at, Comment.id)
            )
        ).scalars().all()
        own_protocol = await school_protocol.load(s, thread.school_id)  # its articles
    out = _thread_dict(thread)
    out["comments"] = [
        {
            "id": c.id, "external_id": c.external_id, "parent_external_id": c.parent_external_id,
            "author_name": c.author_name, "author_role": c.author_role, "text": c.text,
            "permalink": c.permalink, "created_at": c.created_at.isoformat(),
            "hidden": c.hidden, "deleted": c.deleted_at is not None, "scores": c.scores,
            "flags": own_protocol.flags(c.flags), "max_severity": c.max_severity,
            "flagged": c.flagged,
        }
        for c in comments
    ]
    return web.json_response(out)


THREAD_SCHEMA = {"type": "object", "required": ["id", "school_id", "account_id"],
                 "properties": {"id": {"type": "integer"}, "school_id": {"type": "integer"},
                                "account_id": {"type": "integer"}}}


def setup(app: web.Application) -> None:
    app.router.add_post("/api/v1/comments", post_comments)
    app.router.add_get("/api/v1/threads", list_threads)
    app.router.add_get("/api/v1/threads/{thread_id}", get_thread)
    frag: dict[str, Any] = {}
    operation(frag, "POST", "/api/v1/comments", summary="Reacties van een officieel account "
              "aanleveren (idempotent)", roles=("connector", "admin"), body=IngestRequest,
              tag="monitoring", scores=True,
              response={"type": "object", "required": ["received", "stored", "duplicates"],
                        "properties": {k: {"type": "integer"}
                                       for k in ("received", "stored", "duplicates")}})
    operation(frag, "GET", "/api/v1/threads", summary="Discussies (eigen school)",
              roles=("leadership", "board", "admin"), tag="monitoring",
              params=[query_param("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
                      query_param("offset", {"type": "integer", "minimum": 0,
                                             "maximum": 10**9}),
                      query_param("school_id", {"type": "integer", "minimum": 1,
                                                "maximum": MAX_ID})],
              response={"type": "object", "required": ["threads"],
                        "properties": {"threads": {"type": "array", "items": THREAD_SCHEMA}}})
    operation(frag, "GET", "/api/v1/threads/{thread_id}", summary="Een discussie met reacties",
              roles=("leadership", "board", "admin"), tag="monitoring",
              response={**THREAD_SCHEMA, "properties": {**THREAD_SCHEMA["properties"],
                                                        "comments": {"type": "array"}}})
    app[keys.OPENAPI_FRAGMENTS].append(frag)
