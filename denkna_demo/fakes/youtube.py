"""Fake YouTube Data API v3 and Google OAuth: comment threads of a channel, replies, moderation,
the consent screen, the token endpoint (code and refresh token) and revocation.

Behaves like the real API where the connectors are easy to get wrong:
- `commentThreads.list` shows published comments unless `moderationStatus` asks for
  `heldForReview` or `likelySpam`; rejected comments are in no list, but `comments.list?id=`
  still finds them for the channel owner;
- `comments.delete` only deletes the channel's own comments (403 `forbidden` otherwise); others'
  comments are removed with `setModerationStatus` `rejected`, which cannot be undone;
- access tokens last an hour (the world's clock), refresh tokens until revoked; a refresh token
  is only issued for `access_type=offline`; a code works once, for ten minutes.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from aiohttp import web

from denkna_demo.fakes import consent
from denkna_demo.fakes.common import (
    MALFORMED,
    MALFORMED_ITEMS,
    WORLD,
    ErrorShapes,
    fake_middleware,
    grant_of,
    json_response,
)
from denkna_demo.fakes.world import ACCESS_TOKEN_SECONDS, FakeWorld
from server.comments import PlatformComment

FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"


def _error(status: int, reason: str, message: str, domain: str = "youtube.api",
           headers: dict[str, str] | None = None) -> web.Response:
    return json_response({"error": {"code": status, "message": message,
                                    "errors": [{"domain": domain, "reason": reason,
                                                "message": message}]}},
                         status=status, headers=headers)


def _rate_limit(wait: float, code: int | None) -> web.Response:
    """code=403: the daily quota is used up (no Retry-After: it comes back at midnight PT)."""
    if code == 403:
        return _error(403, "quotaExceeded", "The request cannot be completed because you have "
                                            "exceeded your quota.", "youtube.quota")
    return _error(429, "rateLimitExceeded", "Rate limit exceeded",
                  headers={"Retry-After": f"{wait:.3f}"})


SHAPES = ErrorShapes(
    auth=lambda: _error(401, "authError",
                        "Request had invalid authentication credentials.", "global"),
    rate_limit=_rate_limit,
    server_error=lambda: _error(503, "backendError", "Backend Error", "global"),
    not_found=lambda: _error(404, "commentNotFound", "The comment could not be found."),
)


def _public(path: str) -> bool:
    return path.startswith("/o/oauth2/") or path in ("/token", "/revoke")


def _oauth_error(error: str, description: str, status: int = 400) -> web.Response:
    return json_response({"error": error, "error_description": description}, status=status)


def _time(c: PlatformComment) -> str:
    return c.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_comment(c: PlatformComment, channel: str, world: FakeWorld) -> dict[str, Any]:
    snippet: dict[str, Any] = {
        "channelId": channel, "videoId": c.post_id, "textOriginal": c.text,
        "textDisplay": c.text, "authorDisplayName": c.author_name or "",
        "publishedAt": _time(c),
        "updatedAt": (c.edited_at or c.created_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "likeCount": 0, "canRate": True, "viewerRating": "none"}
    if c.author_id:
        snippet["authorChannelId"] = {"value": c.author_id}
    if c.parent_id:
        snippet["parentId"] = c.parent_id
    status = world.status(c.external_id)
    if status != "published":
        snippet["moderationStatus"] = status
    return {"kind": "youtube#comment", "etag": "e", "id": c.external_id, "snippet": snippet}


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


def _channel(request: web.Request) -> str | None:
    """The channel the request's token works for."""
    ids = grant_of(request).account_ids
    return ids[0] if ids else None


def _replies(world: FakeWorld, top: PlatformComment) -> list[PlatformComment]:
    return [r for r in world.comments_of_post(top.post_id)
            if r.parent_id == top.external_id and world.status(r.external_id) == "published"]


async def comment_threads(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    channel = request.query.get("allThreadsRelatedToChannelId")
    if channel is None or channel not in grant_of(request).account_ids:
        return _error(403, "forbidden", "The comment thread could not be retrieved.")
    wanted = request.query.get("moderationStatus", "published")
    if wanted not in ("published", "heldForReview", "likelySpam"):
        return _error(400, "invalidModerationStatus", "The moderation status is invalid.")
    videos = {p.id for p in world.posts_of(channel)}
    tops = [c for c in world.comments.values()
            if c.post_id in videos and not c.parent_id and not world.is_deleted(c.external_id)
            and world.status(c.external_id) == wanted]
    tops.sort(key=lambda c: c.created_at, reverse=True)
    chunk, token = _page(request, tops)
    items: list[Any] = []
    for top in chunk:
        replies = _replies(world, top)
        items.append({
            "kind": "youtube#commentThread", "etag": "e", "id": top.external_id,
            "snippet": {"channelId": channel, "videoId": top.post_id,
                        "topLevelComment": render_comment(top, channel, world),
                        "canReply": True, "totalReplyCount": len(replies), "isPublic": True},
            **({"replies": {"comments": [render_comment(r, channel, world)
                                         for r in replies[-5:]]}} if replies else {})})
    if request.get(MALFORMED):
        items.extend(MALFORMED_ITEMS)
    body: dict[str, Any] = {"kind": "youtube#commentThreadListResponse", "items": items,
                            "pageInfo": {"totalResults": len(tops),
                                         "resultsPerPage": len(items)}}
    if token:
        body["nextPageToken"] = token
    return json_response(body)


def _own_comment(request: web.Request, comment_id: str) -> PlatformComment | None:
    """A comment under one of the token's channel's videos (not deleted; any moderation)."""
    world: FakeWorld = request.app[WORLD]
    comment = world.comments.get(comment_id)
    if comment is None or world.is_deleted(comment_id):
        return None
    post = world.posts.get(comment.post_id)
    return comment if post and post.account_id in grant_of(request).account_ids else None


async def list_comments(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    channel = _channel(request) or ""
    if "id" in request.query:
        ids = [i for i in request.query["id"].split(",") if i][:50]
        found = [c for c in (_own_comment(request, i) for i in ids) if c is not None]
        return json_response({"kind": "youtube#commentListResponse",
                              "items": [render_comment(c, channel, world) for c in found]})
    parent = _own_comment(request, request.query.get("parentId", ""))
    if parent is None:
        return _error(404, "commentNotFound", "The comment could not be found.")
    chunk, token = _page(request, _replies(world, parent))
    body: dict[str, Any] = {"kind": "youtube#commentListResponse",
                            "items": [render_comment(r, channel, world) for r in chunk]}
    if token:
        body["nextPageToken"] = token
    return json_response(body)


async def insert_comment(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    channel = world.accounts.get(_channel(request) or "")
    try:
        snippet = (await request.json())["snippet"]
        parent = _own_comment(request, snippet["parentId"])
        text = snippet["textOriginal"]
    except (ValueError, KeyError, TypeError):
        return _error(400, "invalidCommentMetadata", "The request metadata is invalid.")
    if parent is None or channel is None:
        return _error(404, "parentCommentNotFound", "The parent comment could not be found.")
    created = world.add_comment(parent.post_id, text, author_id=channel.id,
                                author_name=channel.name, parent_id=parent.external_id)
    world.actions.append(("reply", parent.external_id, text))
    return json_response(render_comment(created, channel.id, world))


async def insert_thread(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    channel = world.accounts.get(_channel(request) or "")
    try:
        snippet = (await request.json())["snippet"]
        video = world.posts.get(snippet["videoId"])
        text = snippet["topLevelComment"]["snippet"]["textOriginal"]
    except (ValueError, KeyError, TypeError):
        return _error(400, "invalidCommentMetadata", "The request metadata is invalid.")
    if video is None or channel is None or video.account_id != channel.id:
        return _error(404, "videoNotFound", "The video could not be found.")
    created = world.add_comment(video.id, text, author_id=channel.id, author_name=channel.name)
    world.actions.append(("reply", video.id, text))
    return json_response({"kind": "youtube#commentThread", "id": created.external_id,
                          "snippet": {"videoId": video.id, "topLevelComment":
                                      render_comment(created, channel.id, world)}})


async def set_moderation(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    comment = _own_comment(request, request.query.get("id", ""))
    status = request.query.get("moderationStatus")
    if comment is None:
        return _error(404, "commentNotFound", "The comment could not be found.")
    if status not in ("heldForReview", "published", "rejected"):
        return _error(400, "invalidModerationStatus", "The moderation status is invalid.")
    if world.status(comment.external_id) == "rejected" and status != "rejected":
        return _error(400, "processingFailure", "A rejected comment cannot be published again.")
    world.set_moderation(comment.external_id, status)
    world.actions.append(("moderate", comment.external_id, status))
    world.actions.append(("hide", comment.external_id, status != "published"))
    return web.Response(status=204)


async def delete_comment(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    comment = _own_comment(request, request.query.get("id", ""))
    if comment is None:
        return _error(404, "commentNotFound", "The comment could not be found.")
    if comment.author_id != _channel(request):
        return _error(403, "forbidden", "The comment could not be deleted: only its author "
                                        "can delete it.")
    world.delete(comment.external_id)
    world.actions.append(("delete", comment.external_id, None))
    return web.Response(status=204)


async def channels(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    if request.query.get("mine") != "true":
        return _error(400, "missingRequiredParameter", "No filter selected.")
    items = [{"kind": "youtube#channel", "id": a.id,
              "snippet": {"title": a.name, "customUrl": f"@{a.username}"}}
             for a in (world.accounts.get(i) for i in grant_of(request).account_ids) if a]
    return json_response({"kind": "youtube#channelListResponse", "items": items,
                          "pageInfo": {"totalResults": len(items), "resultsPerPage": 5}})


# --- Google OAuth ------------------------------------------------------------------------------



async def authorize(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    q = request.query
    client = request.app[WORLD].client_of(q.get("client_id", ""), "youtube")
    if client is None:
        return consent.error_page("Fout 401: invalid_client. The OAuth client was not found.",
                                  401)
    redirect = q.get("redirect_uri", "")
    if not redirect or (client.redirect_uris and redirect not in client.redirect_uris):
        return consent.error_page("Fout 400: redirect_uri_mismatch.")
    if q.get("response_type") != "code" or not q.get("scope"):
        return consent.error_page("Fout 400: invalid_request.")
    channels_ = [a for a in world.accounts.values() if a.platform == "youtube"]
    return consent.consent_page(
        platform="Google", app_name=client.name or "Denkna", scopes=q["scope"].split(),
        choices=[consent.Choice(a.id, a.name) for a in channels_], multiple=False,
        query=dict(q), action=request.path)


async def authorize_decision(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    query, chosen, allowed = await consent.decision(request)
    client = request.app[WORLD].client_of(query.get("client_id", ""), "youtube")
    redirect = query.get("redirect_uri", "")
    if client is None or not redirect:
        return consent.error_page("Fout 401: invalid_client.", 401)
    state = {"state": query["state"]} if "state" in query else {}
    if not allowed:
        raise consent.back_to(redirect, {"error": "access_denied", **state})
    challenge = query.get("code_challenge") if query.get(
        "code_challenge_method") == "S256" else None
    code = world.issue_code(client.client_id, redirect, tuple(chosen[:1]),
                            tuple(query.get("scope", "").split()),
                            offline=query.get("access_type") == "offline",
                            code_challenge=challenge)
    raise consent.back_to(redirect, {"code": code, "scope": query.get("scope", ""), **state})


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


async def token(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    form = await request.post()
    f = {k: str(v) for k, v in form.items()}
    client = request.app[WORLD].client_of(f.get("client_id", ""), "youtube")
    if client is None or f.get("client_secret") != client.secret:
        return _oauth_error("invalid_client", "Unauthorized", 401)
    kind = f.get("grant_type", "")
    world.token_calls[kind] += 1
    if kind == "refresh_token":
        refresh = world.grants.get(f.get("refresh_token", ""))
        if refresh is None or refresh.kind != "refresh" or refresh.revoked or (
                refresh.client_id != client.client_id):
            return _oauth_error("invalid_grant", "Token has been expired or revoked.")
        access = world.issue("account", refresh.account_ids, client_id=client.client_id,
                             scopes=refresh.scopes, seconds=ACCESS_TOKEN_SECONDS)
        return json_response({"access_token": access.token, "expires_in": ACCESS_TOKEN_SECONDS,
                              "scope": " ".join(refresh.scopes), "token_type": "Bearer"})
    if kind != "authorization_code":
        return _oauth_error("unsupported_grant_type", "Invalid grant_type: " + kind)
    code = world.take_code(f.get("code", ""), client.client_id, f.get("redirect_uri", ""))
    if code is None:
        return _oauth_error("invalid_grant", "Bad Request")
    if code.code_challenge is not None:
        verifier = f.get("code_verifier")
        if not verifier:
            return _oauth_error("invalid_grant", "Missing code verifier.")
        if _s256(verifier) != code.code_challenge:
            return _oauth_error("invalid_grant", "Invalid code verifier.")
    access = world.issue("account", code.account_ids, client_id=client.client_id,
                         scopes=code.scopes, seconds=ACCESS_TOKEN_SECONDS)
    body = {"access_token": access.token, "expires_in": ACCESS_TOKEN_SECONDS,
            "scope": " ".join(code.scopes), "token_type": "Bearer"}
    if code.offline:
        body["refresh_token"] = world.issue("refresh", code.account_ids,
                                            client_id=client.client_id,
                                            scopes=code.scopes).token
    return json_response(body)


async def revoke(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    form = await request.post()
    grant = world.grants.get(str(form.get("token") or request.query.get("token", "")))
    if grant is None:
        return _oauth_error("invalid_token", "Token expired or revoked")
    for account_id in grant.account_ids:
        world.revoke_refresh_tokens(account_id)
    return json_response({})


def make_youtube_app(world: FakeWorld) -> web.Application:
    app = web.Application(middlewares=[fake_middleware(SHAPES, _public)])
    app[WORLD] = world
    r = app.router
    r.add_get("/o/oauth2/v2/auth", authorize)
    r.add_post("/o/oauth2/v2/auth", authorize_decision)
    r.add_post("/token", token)
    r.add_post("/revoke", revoke)
    r.add_get("/youtube/v3/channels", channels)
    r.add_get("/youtube/v3/commentThreads", comment_threads)
    r.add_post("/youtube/v3/commentThreads", insert_thread)
    r.add_get("/youtube/v3/comments", list_comments)
    r.add_post("/youtube/v3/comments", insert_comment)
    r.add_delete("/youtube/v3/comments", delete_comment)
    r.add_post("/youtube/v3/comments/setModerationStatus", set_moderation)
    return app
