"""Fake Mastodon REST API: an account's statuses, their reply trees, replies, mute and block."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
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
from denkna_demo.fakes.world import FakeComment, FakePost, FakeWorld


def _rate_limit(wait: float, _code: int | None) -> web.Response:
    reset = (datetime.now(UTC) + timedelta(seconds=wait)).isoformat(timespec="milliseconds")
    return json_response({"error": "Too many requests"}, status=429, headers={
        "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": reset.replace("+00:00", "Z")})


SHAPES = ErrorShapes(
    auth=lambda: json_response({"error": "The access token is invalid"}, status=401),
    rate_limit=_rate_limit,
    server_error=lambda: json_response({"error": "Internal server error"}, status=503),
)


def _time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def to_html(text: str) -> str:
    paragraphs = text.split("\n\n")
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br />')}</p>" for p in paragraphs)


def render_status(item: FakeComment | FakePost, world: FakeWorld) -> dict[str, Any]:
    if isinstance(item, FakePost):
        account = world.accounts[item.account_id]
        author = {"id": account.id, "acct": account.username, "display_name": account.name}
        parent, edited = None, None
    else:
        author = {"id": item.author_id or "0", "acct": item.author_name or "",
                  "display_name": item.author_name or ""}
        parent, edited = item.parent_id or item.post_id, item.edited_at
    return {"id": item.id, "created_at": _time(item.created_at),
            "edited_at": _time(edited) if edited else None, "content": to_html(item.text),
            "in_reply_to_id": parent, "account": author, "visibility": "public",
            "url": f"https://school.example/@{author['acct']}/{item.id}"}


async def statuses(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    account = account_of(request)
    if request.match_info["id"] != account.id:
        return json_response({"error": "Record not found"}, status=404)
    posts = world.posts_of(account.id)
    if "max_id" in request.query:
        posts = [p for p in posts if int(p.id) < int(request.query["max_id"])]
    try:
        limit = max(1, min(40, int(request.query.get("limit", 20))))
    except ValueError:
        limit = 20
    chunk = posts[:limit]
    headers = {}
    if len(posts) > limit:
        nxt = request.url.update_query(max_id=chunk[-1].id)
        headers["Link"] = (f'<{nxt}>; rel="next", '
                           f'<{request.url.update_query(min_id=chunk[0].id)}>; rel="prev"')
    body: list[Any] = [render_status(p, world) for p in chunk]
    if request.get(MALFORMED):
        body.extend(MALFORMED_ITEMS)
    return json_response(body, headers=headers)


async def context(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    status_id = request.match_info["id"]
    post = world.posts.get(status_id)
    if post is None or post.account_id != account_of(request).id:
        return json_response({"error": "Record not found"}, status=404)
    replies = world.comments_of_post(status_id)
    children: dict[str, list[FakeComment]] = {}
    for reply in replies:
        children.setdefault(reply.parent_id or status_id, []).append(reply)
    ordered: list[FakeComment] = []
    stack = list(reversed(children.get(status_id, [])))
    while stack:  # depth first, as Mastodon orders descendants
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.id, [])))
    descendants: list[Any] = [render_status(r, world) for r in ordered]
    if request.get(MALFORMED):
        descendants.extend(MALFORMED_ITEMS)
    return json_response({"ancestors": [], "descendants": descendants})


async def post_status(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    account = account_of(request)
    form = await request.post()
    text, parent_id = form.get("status"), form.get("in_reply_to_id")
    if not isinstance(text, str) or not text:
        return json_response({"error": "Validation failed: Text can't be blank"}, status=422)
    key = request.headers.get("Idempotency-Key")
    for kind, _obj, value in world.actions:
        if kind == "reply" and key and isinstance(value, tuple) and value[1] == key:
            return json_response(render_status(world.comments[value[2]], world))
    post = world.posts.get(str(parent_id))
    parent = world.comments.get(str(parent_id))
    if post is None and parent is not None:
        post = world.posts.get(parent.post_id)
    if post is None or post.account_id != account.id:
        return json_response({"error": "Record not found"}, status=404)
    created = world.add_comment(post.id, text, author_id=account.id, author_name=account.username,
                                parent_id=parent.id if parent else None)
    world.actions.append(("reply", str(parent_id), (text, key, created.id)))
    return json_response(render_status(created, world))


async def relationship(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    target, action = request.match_info["id"], request.match_info["action"]
    world.actions.append((action, target, None))
    return json_response({"id": target, "muting": action == "mute",
                          "blocking": action == "block"})


def make_mastodon_app(world: FakeWorld) -> web.Application:
    app = web.Application(middlewares=[fake_middleware(SHAPES)])
    app[WORLD] = world
    app.router.add_get("/api/v1/accounts/{id}/statuses", statuses)
    app.router.add_get("/api/v1/statuses/{id}/context", context)
    app.router.add_post("/api/v1/statuses", post_status)
    app.router.add_post("/api/v1/accounts/{id}/{action:mute|block}", relationship)
    return app
