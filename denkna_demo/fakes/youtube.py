"""Fake YouTube Data API v3: comment threads of a channel, replies, moderation."""

from __future__ import annotations

import base64
import json
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


def _error(status: int, reason: str, message: str, domain: str = "youtube.api",
           headers: dict[str, str] | None = None) -> web.Response:
    return json_response({"error": {"code": status, "message": message,
                                    "errors": [{"domain": domain, "reason": reason,
                                                "message": message}]}},
                         status=status, headers=headers)


SHAPES = ErrorShapes(
    auth=lambda: _error(401, "authError",
                        "Request had invalid authentication credentials.", "global"),
    rate_limit=lambda wait, _code: _error(429, "rateLimitExceeded", "Rate limit exceeded",
                                          headers={"Retry-After": f"{wait:.3f}"}),
    server_error=lambda: _error(503, "backendError", "Backend Error", "global"),
)


def _time(c: FakeComment) -> str:
    return c.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_comment(c: FakeComment, channel: str) -> dict[str, Any]:
    snippet: dict[str, Any] = {
        "channelId": channel, "textOriginal": c.text, "textDisplay": c.text,
        "authorDisplayName": c.author_name or "", "publishedAt": _time(c),
        "updatedAt": (c.edited_at or c.created_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "likeCount": 0, "canRate": True, "viewerRating": "none"}
    if c.author_id:
        snippet["authorChannelId"] = {"value": c.author_id}
    if c.parent_id:
        snippet["parentId"] = c.parent_id
    if c.hidden:
        snippet["moderationStatus"] = "heldForReview"
    return {"kind": "youtube#comment", "etag": "e", "id": c.id, "snippet": snippet}


def _page(request: web.Request, items: list[Any]) -> tuple[list[Any], str | None]:
    try:
        limit = max(1, min(100, int(request.query.get("maxResults", 20))))
        start = int(base64.urlsafe_b64decode(request.query.get("pageToken", "MA==")).decode())
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text=json.dumps({"error": {
            "code": 400, "message": "Invalid page token",
            "errors": [{"reason": "invalidPageToken"}]}}),
            content_type="application/json") from None
    chunk = items[start:start + limit]
    token = base64.urlsafe_b64encode(str(start + limit).encode()).decode() if (
        start + limit < len(items)) else None
    return chunk, token


async def comment_threads(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    account = account_of(request)
    if request.query.get("allThreadsRelatedToChannelId") != account.id:
        return _error(403, "forbidden", "The comment thread could not be retrieved.")
    videos = {p.id for p in world.posts_of(account.id)}
    tops = [c for c in world.comments.values()
            if c.post_id in videos and not c.parent_id and not c.deleted]
    tops.sort(key=lambda c: c.created_at, reverse=True)
    chunk, token = _page(request, tops)
    items: list[Any] = []
    for top in chunk:
        replies = [r for r in world.comments_of_post(top.post_id) if r.parent_id == top.id]
        items.append({
            "kind": "youtube#commentThread", "etag": "e", "id": top.id,
            "snippet": {"channelId": account.id, "videoId": top.post_id,
                        "topLevelComment": render_comment(top, account.id),
                        "canReply": True, "totalReplyCount": len(replies), "isPublic": True},
            **({"replies": {"comments": [render_comment(r, account.id)
                                         for r in replies[-5:]]}} if replies else {})})
    if request.get(MALFORMED):
        items.extend(MALFORMED_ITEMS)
    body: dict[str, Any] = {"kind": "youtube#commentThreadListResponse", "items": items,
                            "pageInfo": {"totalResults": len(tops),
                                         "resultsPerPage": len(items)}}
    if token:
        body["nextPageToken"] = token
    return json_response(body)


def _own_comment(request: web.Request, comment_id: str) -> FakeComment | None:
    world: FakeWorld = request.app[WORLD]
    comment = world.comments.get(comment_id)
    if comment is None or comment.deleted:
        return None
    post = world.posts.get(comment.post_id)
    return comment if post and post.account_id == account_of(request).id else None


async def list_comments(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    parent = _own_comment(request, request.query.get("parentId", ""))
    if parent is None:
        return _error(404, "commentNotFound", "The comment could not be found.")
    replies = [r for r in world.comments_of_post(parent.post_id) if r.parent_id == parent.id]
    chunk, token = _page(request, replies)
    body: dict[str, Any] = {"kind": "youtube#commentListResponse",
                            "items": [render_comment(r, account_of(request).id) for r in chunk]}
    if token:
        body["nextPageToken"] = token
    return json_response(body)


async def insert_comment(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    account = account_of(request)
    try:
        snippet = (await request.json())["snippet"]
        parent = _own_comment(request, snippet["parentId"])
        text = snippet["textOriginal"]
    except (ValueError, KeyError, TypeError):
        return _error(400, "invalidCommentMetadata", "The request metadata is invalid.")
    if parent is None:
        return _error(404, "parentCommentNotFound", "The parent comment could not be found.")
    created = world.add_comment(parent.post_id, text, author_id=account.id,
                                author_name=account.name, parent_id=parent.id)
    world.actions.append(("reply", parent.id, text))
    return json_response(render_comment(created, account.id))


async def insert_thread(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    account = account_of(request)
    try:
        snippet = (await request.json())["snippet"]
        video = world.posts.get(snippet["videoId"])
        text = snippet["topLevelComment"]["snippet"]["textOriginal"]
    except (ValueError, KeyError, TypeError):
        return _error(400, "invalidCommentMetadata", "The request metadata is invalid.")
    if video is None or video.account_id != account.id:
        return _error(404, "videoNotFound", "The video could not be found.")
    created = world.add_comment(video.id, text, author_id=account.id, author_name=account.name)
    world.actions.append(("reply", video.id, text))
    return json_response({"kind": "youtube#commentThread", "id": created.id,
                          "snippet": {"videoId": video.id,
                                      "topLevelComment": render_comment(created, account.id)}})


async def set_moderation(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    comment = _own_comment(request, request.query.get("id", ""))
    status = request.query.get("moderationStatus")
    if comment is None:
        return _error(404, "commentNotFound", "The comment could not be found.")
    if status not in ("heldForReview", "published", "rejected"):
        return _error(400, "invalidModerationStatus", "The moderation status is invalid.")
    comment.hidden = status != "published"
    world.actions.append(("hide", comment.id, comment.hidden))
    return web.Response(status=204)


async def delete_comment(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    comment = _own_comment(request, request.query.get("id", ""))
    if comment is None:
        return _error(404, "commentNotFound", "The comment could not be found.")
    world.delete(comment.id)
    world.actions.append(("delete", comment.id, None))
    return web.Response(status=204)


def make_youtube_app(world: FakeWorld) -> web.Application:
    app = web.Application(middlewares=[fake_middleware(SHAPES)])
    app[WORLD] = world
    app.router.add_get("/youtube/v3/commentThreads", comment_threads)
    app.router.add_post("/youtube/v3/commentThreads", insert_thread)
    app.router.add_get("/youtube/v3/comments", list_comments)
    app.router.add_post("/youtube/v3/comments", insert_comment)
    app.router.add_delete("/youtube/v3/comments", delete_comment)
    app.router.add_post("/youtube/v3/comments/setModerationStatus", set_moderation)
    return app
