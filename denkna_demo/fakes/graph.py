"""Fake Graph API: a Facebook Page and an Instagram professional account in Meta's JSON shapes."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from denkna_demo.fakes.common import (
    MALFORMED,
    MALFORMED_ITEMS,
    WORLD,
    ErrorShapes,
    account_of,
    fake_middleware,
    json_response,
)
from denkna_demo.fakes.world import FakeComment, FakeWorld


def _error(status: int, code: int, message: str, subcode: int | None = None,
           headers: dict[str, str] | None = None) -> web.Response:
    err: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code,
                           "fbtrace_id": secrets.token_hex(8)}
    if subcode is not None:
        err["error_subcode"] = subcode
    return json_response({"error": err}, status=status, headers=headers)


def _rate_limit(retry_after: float, code: int | None) -> web.Response:
    usage = {"pages": [{"type": "pages", "call_count": 100, "total_cputime": 40,
                        "total_time": 60, "estimated_time_to_regain_access": retry_after / 60}]}
    return _error(400, code or 32, "User request limit reached",
                  headers={"X-Business-Use-Case-Usage": json.dumps(usage)})


SHAPES = ErrorShapes(
    auth=lambda: _error(400, 190, "Error validating access token: Session has expired", 463),
    rate_limit=_rate_limit,
    server_error=lambda: _error(500, 1, "An unknown error occurred"),
)


def _enc(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode()


def _dec(value: str) -> str:
    try:
        return base64.urlsafe_b64decode(value.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text=json.dumps({"error": {
            "message": "Invalid cursor", "type": "OAuthException", "code": 100}}),
            content_type="application/json") from None


def _time(c: Any) -> str:
    return c.created_at.strftime("%Y-%m-%dT%H:%M:%S+0000")


def page_of(request: web.Request, items: Sequence[Any], render: Any,
            default_limit: int = 25) -> dict[str, Any]:
    """Cursor paging: `after` is the encoded id of the last item of the previous page.

    Deleted comments keep their place in `items` (so saved cursors stay valid) but are not shown.
    """
    try:
        limit = max(1, min(100, int(request.query.get("limit", default_limit))))
    except ValueError:
        limit = default_limit
    start = 0
    if "after" in request.query:
        after = _dec(request.query["after"])
        ids = [getattr(i, "id", None) for i in items]
        start = ids.index(after) + 1 if after in ids else len(items)
    chunk = list(items[start:start + limit])
    data = [render(i) for i in chunk if not getattr(i, "deleted", False)]
    if request.get(MALFORMED):
        data = [*data, *MALFORMED_ITEMS]
    if not chunk:
        return {"data": data}
    paging: dict[str, Any] = {"cursors": {"before": _enc(chunk[0].id),
                                          "after": _enc(chunk[-1].id)}}
    if start + limit < len(items):
        paging["next"] = str(request.url.update_query(after=_enc(chunk[-1].id)))
    return {"data": data, "paging": paging}


def fb_comment(c: FakeComment) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "message": c.text, "created_time": _time(c),
                           "is_hidden": c.hidden, "comment_count": 0,
                           "permalink_url": f"https://www.facebook.com/{c.post_id}?comment_id={c.id}"}
    if c.author_id is not None:
        out["from"] = {"id": c.author_id, "name": c.author_name}
    if c.parent_id:
        out["parent"] = {"id": c.parent_id}
    return out


def ig_comment(c: FakeComment) -> dict[str, Any]:
    return {"id": c.id, "text": c.text, "timestamp": _time(c), "username": c.author_name,
            "hidden": c.hidden, "like_count": 0}


def _not_found() -> web.Response:
    return _error(400, 100, "Unsupported get request. Object does not exist or missing "
                            "permissions")


def _owned_post(request: web.Request, obj: str) -> Any:
    world = request.app[WORLD]
    post = world.posts.get(obj)
    if post is None or post.account_id != account_of(request).id:
        return None
    return post


async def edge(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    account = account_of(request)
    obj, name = request.match_info["obj"], request.match_info["edge"]
    if name == "posts" and obj == account.id and account.platform == "facebook":
        posts = world.posts_of(account.id)
        return json_response(page_of(request, posts, lambda p: {
            "id": p.id, "message": p.text, "created_time": _time(p),
            "permalink_url": f"https://www.facebook.com/{p.id}"}))
    if name == "media" and obj == account.id and account.platform == "instagram":
        posts = world.posts_of(account.id)
        return json_response(page_of(request, posts, lambda p: {
            "id": p.id, "caption": p.text, "timestamp": _time(p),
            "permalink": f"https://www.instagram.com/p/{p.id}/",
            "comments_count": len(world.comments_of_post(p.id))}))
    if name == "comments" and _owned_post(request, obj):
        comments = world.comments_of_post(obj, include_deleted=True)
        if account.platform == "facebook":
            if request.query.get("filter") == "toplevel":
                comments = [c for c in comments if not c.parent_id]
            return json_response(page_of(request, comments, fb_comment))
        tops = [c for c in comments if not c.parent_id and not c.deleted]

        def render(c: FakeComment) -> dict[str, Any]:
            out = ig_comment(c)
            replies = [r for r in world.comments_of_post(obj) if r.parent_id == c.id]
            if replies:
                out["replies"] = {"data": [ig_comment(r) for r in replies[:50]]}
                if len(replies) > 50:
                    out["replies"]["paging"] = {"next": str(request.url.with_path(
                        f"/{request.match_info['version']}/{c.id}/replies"))}
            return out

        return json_response(page_of(request, tops, render))
    if name == "replies" and account.platform == "instagram":
        parent = world.comments.get(obj)
        if parent is None or parent.deleted or not _owned_post(request, parent.post_id):
            return _not_found()
        replies = [r for r in world.comments_of_post(parent.post_id) if r.parent_id == obj]
        return json_response(page_of(request, replies, ig_comment))
    return _not_found()


async def write_object(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    obj = request.match_info["obj"]
    comment = world.comments.get(obj)
    if comment is None or comment.deleted or not _owned_post(request, comment.post_id):
        return _not_found()
    form = await request.post()
    key = "is_hidden" if account_of(request).platform == "facebook" else "hide"
    if key not in form:
        return _error(400, 100, f"Missing parameter {key}")
    comment.hidden = str(form[key]).lower() == "true"
    world.actions.append(("hide", obj, comment.hidden))
    return json_response({"success": True})


async def create_reply(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    account = account_of(request)
    obj, name = request.match_info["obj"], request.match_info["edge"]
    form = await request.post()
    message = form.get("message")
    if not isinstance(message, str) or not message:
        return _error(400, 100, "Missing parameter message")
    post = _owned_post(request, obj)
    parent = world.comments.get(obj)
    if name == "comments" and post is not None:
        created = world.add_comment(post.id, message, author_id=account.id,
                                    author_name=account.name)
    elif parent is not None and not parent.deleted and _owned_post(request, parent.post_id) and (
            name == "comments" if account.platform == "facebook" else name == "replies"):
        created = world.add_comment(parent.post_id, message, author_id=account.id,
                                    author_name=account.name if account.platform == "facebook"
                                    else account.username, parent_id=parent.id)
    else:
        return _not_found()
    world.actions.append(("reply", obj, message))
    return json_response({"id": created.id})


async def delete_object(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    obj = request.match_info["obj"]
    comment = world.comments.get(obj)
    if comment is None or comment.deleted or not _owned_post(request, comment.post_id):
        return _not_found()
    world.delete(obj)
    world.actions.append(("delete", obj, None))
    return json_response({"success": True})


async def _usage_header(request: web.Request, response: web.StreamResponse) -> None:
    pct = request.app[WORLD].usage_pct
    if pct:
        response.headers["X-App-Usage"] = json.dumps(
            {"call_count": pct, "total_cputime": pct / 2, "total_time": pct / 2})


def make_graph_app(world: FakeWorld) -> web.Application:
    app = web.Application(middlewares=[fake_middleware(SHAPES)])
    app[WORLD] = world
    app.on_response_prepare.append(_usage_header)
    app.router.add_get("/{version}/{obj}/{edge}", edge)
    app.router.add_post("/{version}/{obj}/{edge}", create_reply)
    app.router.add_post("/{version}/{obj}", write_object)
    app.router.add_delete("/{version}/{obj}", delete_object)
    return app
