"""Fake Graph API: a Facebook Page and an Instagram professional account in Meta's JSON shapes,
and Facebook Login (the OAuth dialog, code and token exchange, /me/accounts, subscribed_apps).

Behaves like the real API where the connectors are easy to get wrong:
- comments come back ranked (most liked first), whatever `order` asks (`world.ranked`);
- a deleted comment is gone from every list, and a cursor pointing at it no longer works;
- `filter=toplevel` is the default: replies only with `filter=stream`;
- `from` on Instagram comments only when asked for (`from{id,username}`);
- short-lived user tokens last an hour; exchanged ones 60 days; Page tokens from a long-lived
  user token do not expire; a code works once, for ten minutes.
"""

from __future__ import annotations

import base64
import json
import secrets
import zlib
from collections.abc import Callable, Sequence
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
from denkna_demo.fakes.world import (
    ACCESS_TOKEN_SECONDS,
    LONG_LIVED_SECONDS,
    FakeAccount,
    FakePost,
    FakeWorld,
)
from server.comments import PlatformComment


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


def _not_found() -> web.Response:
    return _error(400, 100, "Unsupported get request. Object does not exist or missing "
                            "permissions")


SHAPES = ErrorShapes(
    auth=lambda: _error(400, 190, "Error validating access token: Session has expired", 463),
    rate_limit=_rate_limit,
    server_error=lambda: _error(500, 1, "An unknown error occurred"),
    not_found=_not_found,
)


def _public(path: str) -> bool:
    parts = path.strip("/").split("/")
    return len(parts) >= 3 and parts[1:3] in (["dialog", "oauth"], ["oauth", "access_token"])


def _enc(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode()


def _dec(value: str) -> str:
    try:
        return base64.urlsafe_b64decode(value.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise _bad_cursor() from None


def _bad_cursor() -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": {
        "message": "(#100) The 'after' cursor is not valid: the item it points to is gone",
        "type": "OAuthException", "code": 100, "fbtrace_id": secrets.token_hex(8)}}),
        content_type="application/json")


def _time(value: Any) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _key(item: Any) -> str:
    return item.external_id if isinstance(item, PlatformComment) else item.id


def page_of(request: web.Request, items: Sequence[Any], render: Callable[[Any], Any],
            default_limit: int = 25) -> dict[str, Any]:
    """Cursor paging: `after` is the encoded id of the last item of the previous page. Deleted
    items are not in `items`, so a cursor that points at one fails, as Meta's do."""
    try:
        limit = max(1, min(100, int(request.query.get("limit", default_limit))))
    except ValueError:
        limit = default_limit
    start = 0
    if "after" in request.query:
        after = _dec(request.query["after"])
        ids = [_key(i) for i in items]
        if after not in ids:
            raise _bad_cursor()
        start = ids.index(after) + 1
    chunk = list(items[start:start + limit])
    data = [render(i) for i in chunk]
    if request.get(MALFORMED):
        data = [*data, *MALFORMED_ITEMS]
    if not chunk:
        return {"data": data}
    paging: dict[str, Any] = {"cursors": {"before": _enc(_key(chunk[0])),
                                          "after": _enc(_key(chunk[-1]))}}
    if start + limit < len(items):
        paging["next"] = str(request.url.update_query(after=_enc(_key(chunk[-1]))))
    return {"data": data, "paging": paging}


def fb_comment(c: PlatformComment) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.external_id, "message": c.text,
                           "created_time": _time(c.created_at), "is_hidden": c.hidden,
                           "comment_count": 0,
                           "permalink_url": f"https://www.facebook.com/{c.post_id}?comment_id="
                                            f"{c.external_id}"}
    if c.author_id is not None:
        out["from"] = {"id": c.author_id, "name": c.author_name}
    if c.parent_id:
        out["parent"] = {"id": c.parent_id}
    return out


def ig_comment(c: PlatformComment, with_from: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.external_id, "text": c.text, "timestamp": _time(c.created_at),
                           "username": c.author_name, "hidden": c.hidden, "like_count": 0}
    if with_from and c.author_id is not None:
        out["from"] = {"id": c.author_id, "username": c.author_name}
    return out


# --- who may see what ------------------------------------------------------------------------


def _covers(request: web.Request, account_id: str) -> bool:
    """Does the request's token work for this account (a Page token also for its Instagram)?"""
    world: FakeWorld = request.app[WORLD]
    ids = grant_of(request).account_ids
    account = world.accounts.get(account_id)
    return account_id in ids or bool(account and account.linked_page in ids)


def _owned_post(request: web.Request, obj: str) -> FakePost | None:
    post = request.app[WORLD].posts.get(obj)
    return post if post is not None and _covers(request, post.account_id) else None


def _live_comment(request: web.Request, obj: str) -> PlatformComment | None:
    world: FakeWorld = request.app[WORLD]
    comment = world.comments.get(obj)
    if comment is None or world.is_deleted(obj) or not _owned_post(request, comment.post_id):
        return None
    return comment


def _platform_of(request: web.Request, post: FakePost) -> str:
    return request.app[WORLD].accounts[post.account_id].platform


# --- reading ---------------------------------------------------------------------------------


def _post_body(world: FakeWorld, p: FakePost, fields: str) -> dict[str, Any]:
    everything = world.comments_of_post(p.id, include_deleted=True)
    live = world.comments_of_post(p.id)
    updated = max([p.created_at, *(c.created_at for c in everything)])
    out: dict[str, Any] = {"id": p.id, "message": p.text, "created_time": _time(p.created_at),
                           "updated_time": _time(updated),
                           "permalink_url": f"https://www.facebook.com/{p.id}"}
    if "comments" in fields and "summary" in fields:
        counted = live if "filter(stream)" in fields else [c for c in live if not c.parent_id]
        out["comments"] = {"data": [], "summary": {"total_count": len(counted),
                                                   "order": "ranked"}}
    return out


async def edge(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    obj, name = request.match_info["obj"], request.match_info["edge"]
    fields = request.query.get("fields", "")
    account = world.accounts.get(obj)
    if name == "posts" and account and account.platform == "facebook" and _covers(request, obj):
        return json_response(page_of(request, world.posts_of(obj),
                                     lambda p: _post_body(world, p, fields)))
    if name == "media" and account and account.platform == "instagram" and _covers(request, obj):
        return json_response(page_of(request, world.posts_of(obj), lambda p: {
            "id": p.id, "caption": p.text, "timestamp": _time(p.created_at),
            "permalink": f"https://www.instagram.com/p/{p.id}/",
            "comments_count": len(world.comments_of_post(p.id))}))
    if name == "subscribed_apps" and account and _covers(request, obj):
        return json_response({"data": [{"name": "Denkna", "subscribed_fields":
                                        list(world.subscriptions.get(obj, ()))}]
                              if obj in world.subscriptions else []})
    post = _owned_post(request, obj)
    if name == "comments" and post is not None:
        live = world.comments_of_post(obj)
        if _platform_of(request, post) == "facebook":
            if request.query.get("filter", "toplevel") != "stream":
                live = [c for c in live if not c.parent_id]
            if world.ranked:
                live = _rank(world, live)
            elif request.query.get("order") == "reverse_chronological":
                live = list(reversed(live))
            return json_response(page_of(request, live, fb_comment))
        with_from = "from" in fields
        tops = [c for c in live if not c.parent_id]

        def render(c: PlatformComment) -> dict[str, Any]:
            out = ig_comment(c, with_from)
            if "replies" not in fields:
                return out
            replies = [r for r in live if r.parent_id == c.external_id]
            if replies:
                out["replies"] = {"data": [ig_comment(r, with_from) for r in replies[:50]]}
                if len(replies) > 50:
                    out["replies"]["paging"] = {"next": str(request.url.with_path(
                        f"/{request.match_info['version']}/{c.external_id}/replies"))}
            return out

        return json_response(page_of(request, tops, render))
    parent = _live_comment(request, obj)
    if name == "replies" and parent is not None:
        replies = [r for r in world.comments_of_post(parent.post_id)
                   if r.parent_id == parent.external_id]
        return json_response(page_of(request, replies,
                                     lambda r: ig_comment(r, "from" in fields)))
    return _not_found()


def _rank(world: FakeWorld, comments: list[PlatformComment]) -> list[PlatformComment]:
    """Meta's ranked order: most liked first, then a stable shuffle (not by time)."""
    return sorted(comments, key=lambda c: (-world.likes[c.external_id],
                                           zlib.crc32(c.external_id.encode())))


async def read_object(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    obj = request.match_info["obj"]
    fields = request.query.get("fields", "")
    grant = grant_of(request)
    if obj == "me":
        return json_response({"id": f"user-{grant.token[:6]}", "name": "Beheerder van de school"})
    comment = _live_comment(request, obj)
    if comment is not None:
        post = world.posts[comment.post_id]
        if _platform_of(request, post) == "facebook":
            return json_response(fb_comment(comment))
        return json_response(ig_comment(comment, "from" in fields))
    account = world.accounts.get(obj)
    if account is None or not _covers(request, obj):
        return _not_found()
    out: dict[str, Any] = {"id": account.id, "name": account.name}
    if account.platform == "instagram":
        out["username"] = account.username
    if "instagram_business_account" in fields and account.platform == "facebook":
        ig = world.instagram_of(account.id)
        if ig is not None:
            out["instagram_business_account"] = {"id": ig.id, "username": ig.username}
    if "access_token" in fields and grant.kind == "user":
        out["access_token"] = _page_token(world, grant, account).token
    return json_response(out)


# --- Facebook Login ----------------------------------------------------------------------------


def _page_token(world: FakeWorld, user: Any, page: FakeAccount) -> Any:
    """A Page token from a user token: it lasts as long as a short-lived user token, and does
    not expire when the user token is long-lived."""
    ig = world.instagram_of(page.id)
    ids = (page.id, ig.id) if ig is not None else (page.id,)
    long_lived = user.expires_at is None or user.expires_at - world.time() > ACCESS_TOKEN_SECONDS
    return world.issue("account", ids, client_id=user.client_id, scopes=user.scopes,
                       seconds=None if long_lived else user.expires_at - world.time())


async def me_edge(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    grant = grant_of(request)
    if grant.kind != "user":
        return _error(400, 100, "(#100) Tried accessing nonexisting field (accounts) on node "
                                "type (Page)")
    if request.match_info["edge"] == "permissions":
        return json_response({"data": [{"permission": p, "status": "granted"}
                                       for p in grant.scopes]})
    pages = [world.accounts[p] for p in grant.account_ids if p in world.accounts]
    return json_response(page_of(request, pages, lambda p: {
        "id": p.id, "name": p.name, "category": "School",
        "access_token": _page_token(world, grant, p).token,
        "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]}))



async def dialog(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    q = request.query
    client = world.client_of(q.get("client_id", ""), "facebook", "instagram")
    if client is None:
        return consent.error_page("Invalid App ID: de app bestaat niet.")
    redirect = q.get("redirect_uri", "")
    if not redirect or (client.redirect_uris and redirect not in client.redirect_uris):
        return consent.error_page("URL blocked: this redirect failed because the redirect URI "
                                  "is not whitelisted in the app's Client OAuth Settings.")
    if "config_id" in q:
        scopes = client.configs.get(q["config_id"])
        if scopes is None:
            return consent.error_page("Invalid configuration ID.")
    else:
        scopes = tuple(s for s in q.get("scope", "").split(",") if s)
    pages = [a for a in world.accounts.values() if a.platform == "facebook"]
    return consent.consent_page(
        platform="Facebook", app_name=client.name or "Denkna", scopes=scopes,
        choices=[consent.Choice(p.id, p.name) for p in pages], multiple=True,
        query={**dict(q), "granted_scopes": ",".join(scopes)}, action=request.path)


async def dialog_decision(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    query, chosen, allowed = await consent.decision(request)
    client = world.client_of(query.get("client_id", ""), "facebook", "instagram")
    redirect = query.get("redirect_uri", "")
    if client is None or not redirect:
        return consent.error_page("Invalid App ID: de app bestaat niet.")
    state = {"state": query["state"]} if "state" in query else {}
    if not allowed:
        raise consent.back_to(redirect, {"error": "access_denied", "error_code": "200",
                                         "error_description": "Permissions error",
                                         "error_reason": "user_denied", **state}, "_=_")
    scopes = tuple(s for s in query.get("granted_scopes", "").split(",") if s)
    code = world.issue_code(client.client_id, redirect, tuple(chosen), scopes)
    raise consent.back_to(redirect, {"code": code, **state}, "_=_")


async def access_token(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    q = request.query
    client = world.client_of(q.get("client_id", ""), "facebook", "instagram")
    if client is None or q.get("client_secret") != client.secret:
        return _error(400, 1, "Error validating client secret.")
    if q.get("grant_type") == "fb_exchange_token":
        world.token_calls["fb_exchange_token"] += 1
        user = world.grant_for(q.get("fb_exchange_token"))
        if user is None or user.kind != "user":
            return _error(400, 190, "Error validating access token: Session has expired", 463)
        grant = world.issue("user", user.account_ids, client_id=client.client_id,
                            scopes=user.scopes, seconds=LONG_LIVED_SECONDS)
        return json_response({"access_token": grant.token, "token_type": "bearer",
                              "expires_in": LONG_LIVED_SECONDS - 56})
    world.token_calls["authorization_code"] += 1
    code = world.take_code(q.get("code", ""), client.client_id, q.get("redirect_uri", ""))
    if code is None:
        return _error(400, 100, "This authorization code has expired.", 36007)
    grant = world.issue("user", code.account_ids, client_id=client.client_id,
                        scopes=code.scopes, seconds=ACCESS_TOKEN_SECONDS)
    return json_response({"access_token": grant.token, "token_type": "bearer",
                          "expires_in": ACCESS_TOKEN_SECONDS})


# --- writing -----------------------------------------------------------------------------------


async def write_object(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    obj = request.match_info["obj"]
    comment = _live_comment(request, obj)
    if comment is None:
        return _not_found()
    form = await request.post()
    facebook = _platform_of(request, world.posts[comment.post_id]) == "facebook"
    key = "is_hidden" if facebook else "hide"
    if key not in form:
        return _error(400, 100, f"Missing parameter {key}")
    hidden = str(form[key]).lower() == "true"
    world.set_hidden(obj, hidden)
    world.actions.append(("hide", obj, hidden))
    return json_response({"success": True})


async def create_edge(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    obj, name = request.match_info["obj"], request.match_info["edge"]
    form = await request.post()
    if name == "subscribed_apps":
        return _subscribe(request, obj, {**dict(request.query), **{k: str(v)
                                                                   for k, v in form.items()}})
    message = form.get("message")
    if not isinstance(message, str) or not message:
        return _error(400, 100, "Missing parameter message")
    post = _owned_post(request, obj)
    parent = _live_comment(request, obj)
    if name == "comments" and post is not None:
        account = world.accounts[post.account_id]
        created = world.add_comment(post.id, message, author_id=account.id,
                                    author_name=account.name)
    elif parent is not None:
        post = world.posts[parent.post_id]
        account = world.accounts[post.account_id]
        facebook = account.platform == "facebook"
        if name != ("comments" if facebook else "replies"):
            return _not_found()
        created = world.add_comment(post.id, message, author_id=account.id,
                                    author_name=account.name if facebook else account.username,
                                    parent_id=parent.external_id)
    else:
        return _not_found()
    world.actions.append(("reply", obj, message))
    return json_response({"id": created.external_id})


def _subscribe(request: web.Request, obj: str, params: dict[str, str]) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    account = world.accounts.get(obj)
    grant = grant_of(request)
    if account is None or account.platform != "facebook" or grant.kind != "account" or (
            obj not in grant.account_ids):
        return _error(400, 210, "(#210) A page access token is required to request this "
                                "resource.")
    if grant.scopes and "pages_manage_metadata" not in grant.scopes:
        return _error(403, 200, "(#200) Requires pages_manage_metadata permission to manage "
                                "the object")
    fields = tuple(f for f in params.get("subscribed_fields", "").split(",") if f)
    if not fields:
        return _error(400, 100, "(#100) The parameter subscribed_fields is required.")
    world.subscriptions[obj] = fields
    world.actions.append(("subscribe", obj, fields))
    return json_response({"success": True})


async def delete_object(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    obj = request.match_info["obj"]
    if _live_comment(request, obj) is None:
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
    app = web.Application(middlewares=[fake_middleware(SHAPES, _public)])
    app[WORLD] = world
    app.on_response_prepare.append(_usage_header)
    r = app.router
    r.add_get("/{version}/dialog/oauth", dialog)
    r.add_post("/{version}/dialog/oauth", dialog_decision)
    r.add_get("/{version}/oauth/access_token", access_token)
    r.add_get("/{version}/me/{edge:accounts|permissions}", me_edge)
    r.add_get("/{version}/{obj}/{edge}", edge)
    r.add_post("/{version}/{obj}/{edge}", create_edge)
    r.add_get("/{version}/{obj}", read_object)
    r.add_post("/{version}/{obj}", write_object)
    r.add_delete("/{version}/{obj}", delete_object)
    return app
