"""Fake Mastodon REST API: an account's statuses, their reply trees, mentions, replies, mute and
block; and the OAuth of an instance (app registration, authorize, token, verify_credentials).

Behaves like a real instance where the connectors are easy to get wrong:
- the account's statuses include its boosts (`reblog` set) unless `exclude_reblogs=true`;
- `/context` leaves out the statuses of authors the account muted or blocked (they still exist:
  `GET /api/v1/statuses/:id` finds them); a deleted status is a 404 `Record not found`;
- a reply to the account is also a `mention` notification; paging by `min_id` / `max_id`;
- `DELETE /api/v1/statuses/:id` only deletes the account's own statuses;
- tokens do not expire; an app's scopes bound what authorize may ask;
- an app is known only on the instance that registered it; `world.apps_registered` counts the
  registrations per instance (its origin, e.g. `http://127.0.0.1:8123`), and after
  `world.forget_client(client_id)` (an admin deleted the app, or Mastodon cleaned up an app
  without tokens) authorize and the token endpoint answer `invalid_client` (401);
- `grant_type=client_credentials` gives a token of the app itself (no account).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from denkna_demo.fakes import consent
from denkna_demo.fakes.common import (
    MALFORMED,
    MALFORMED_ITEMS,
    WORLD,
    ErrorShapes,
    account_of,
    fake_middleware,
    json_response,
)
from denkna_demo.fakes.world import FakeClient, FakePost, FakeWorld
from server.comments import PlatformComment


def _rate_limit(wait: float, _code: int | None) -> web.Response:
    reset = (datetime.now(UTC) + timedelta(seconds=wait)).isoformat(timespec="milliseconds")
    return json_response({"error": "Too many requests"}, status=429, headers={
        "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": reset.replace("+00:00", "Z")})


def _not_found() -> web.Response:
    return json_response({"error": "Record not found"}, status=404)


SHAPES = ErrorShapes(
    auth=lambda: json_response({"error": "The access token is invalid"}, status=401),
    rate_limit=_rate_limit,
    server_error=lambda: json_response({"error": "Internal server error"}, status=503),
    not_found=_not_found,
)


def _public(path: str) -> bool:
    return path.startswith("/oauth/") or path == "/api/v1/apps"


def _time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def to_html(text: str) -> str:
    paragraphs = text.split("\n\n")
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br />')}</p>" for p in paragraphs)


def render_status(item: PlatformComment | FakePost, world: FakeWorld) -> dict[str, Any]:
    if isinstance(item, FakePost):
        account = world.accounts[item.account_id]
        author = {"id": account.id, "username": account.username, "acct": account.username,
                  "display_name": account.name}
        sid, text, parent, edited = item.id, item.text, None, None
        spoiler = item.spoiler_text
    else:
        author = {"id": item.author_id or "0", "username": item.author_name or "",
                  "acct": item.author_name or "", "display_name": item.author_name or ""}
        sid, text, edited = item.external_id, item.text, item.edited_at
        parent = item.parent_id or item.post_id
        spoiler = world.spoilers.get(item.external_id, "")
    out: dict[str, Any] = {
        "id": sid, "created_at": _time(item.created_at),
        "edited_at": _time(edited) if edited else None, "content": to_html(text),
        "spoiler_text": spoiler, "sensitive": bool(spoiler), "in_reply_to_id": parent,
        "account": author, "visibility": "public", "reblog": None,
        "url": f"https://school.example/@{author['acct']}/{sid}"}
    if isinstance(item, FakePost) and item.reblog_of:
        original = world.posts[item.reblog_of]
        out.update(content="", spoiler_text="", reblog=render_status(original, world))
    return out


async def statuses(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    account = account_of(request)
    if request.match_info["id"] != account.id:
        return _not_found()
    posts = world.posts_of(account.id)
    if request.query.get("exclude_reblogs") == "true":
        posts = [p for p in posts if not p.reblog_of]
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


def _visible(world: FakeWorld, viewer: str, c: PlatformComment) -> bool:
    return not world.is_deleted(c.external_id) and c.author_id not in world.muted.get(viewer, ())


async def context(request: web.Request) -> web.Response:
    """Ancestors (root first) and descendants (depth first) of a post or a reply."""
    world: FakeWorld = request.app[WORLD]
    viewer = account_of(request).id
    status_id = request.match_info["id"]
    post = world.posts.get(status_id)
    comment = world.comments.get(status_id)
    if post is None and (comment is None or not _visible(world, viewer, comment)):
        return _not_found()
    root = (post.reblog_of or status_id) if post is not None else comment.post_id
    replies = [c for c in world.comments_of_post(root) if _visible(world, viewer, c)]
    children: dict[str, list[PlatformComment]] = {}
    for reply in replies:
        children.setdefault(reply.parent_id or root, []).append(reply)
    ancestors: list[Any] = []
    if comment is not None:
        chain, parent = [], comment.parent_id
        while parent and parent in world.comments:
            chain.append(world.comments[parent])
            parent = world.comments[parent].parent_id
        ancestors = [render_status(world.posts[root], world),
                     *(render_status(c, world) for c in reversed(chain))]
    ordered: list[PlatformComment] = []
    stack = list(reversed(children.get(root if post is not None else status_id, [])))
    while stack:  # depth first, as Mastodon orders descendants
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.external_id, [])))
    descendants: list[Any] = [render_status(r, world) for r in ordered]
    if request.get(MALFORMED):
        descendants.extend(MALFORMED_ITEMS)
    return json_response({"ancestors": ancestors, "descendants": descendants})


async def one_status(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    sid = request.match_info["id"]
    if sid in world.posts:
        return json_response(render_status(world.posts[sid], world))
    comment = world.comments.get(sid)
    if comment is None or world.is_deleted(sid):
        return _not_found()
    return json_response(render_status(comment, world))


async def delete_status(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    account = account_of(request)
    comment = world.comments.get(request.match_info["id"])
    if comment is None or world.is_deleted(comment.external_id) or (
            comment.author_id != account.id):
        return _not_found()  # Mastodon answers the same for "not yours"
    world.delete(comment.external_id)
    world.actions.append(("delete", comment.external_id, None))
    return json_response(render_status(comment, world))


def _mentions(world: FakeWorld, account_id: str) -> list[PlatformComment]:
    """Replies to the account's statuses and statuses naming it, oldest first."""
    own = {p.id for p in world.posts.values() if p.account_id == account_id}
    named = world.mentions.get(account_id, set())
    return [c for c in world.comments.values()
            if (c.post_id in own or c.external_id in named) and c.author_id != account_id
            and _visible(world, account_id, c)]


async def notifications(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    account = account_of(request)
    types = request.query.getall("types[]", [])
    if types and "mention" not in types:
        return json_response([])
    try:
        limit = max(1, min(80, int(request.query.get("limit", 40))))
    except ValueError:
        limit = 40
    items = sorted(_mentions(world, account.id), key=lambda c: int(c.external_id))
    q = request.query
    if "max_id" in q:
        items = [c for c in items if int(c.external_id) < int(q["max_id"])]
    if "min_id" in q:  # the page right after min_id
        items = [c for c in items if int(c.external_id) > int(q["min_id"])][:limit]
    else:
        if "since_id" in q:
            items = [c for c in items if int(c.external_id) > int(q["since_id"])]
        items = items[-limit:]
    page = list(reversed(items))  # newest first
    headers = {}
    if page:
        nxt = request.url.update_query(max_id=page[-1].external_id).without_query_params(
            "min_id", "since_id")
        prev = request.url.update_query(min_id=page[0].external_id).without_query_params(
            "max_id", "since_id")
        headers["Link"] = f'<{nxt}>; rel="next", <{prev}>; rel="prev"'
    body = [{"id": c.external_id, "type": "mention", "created_at": _time(c.created_at),
             "account": render_status(c, world)["account"],
             "status": render_status(c, world)} for c in page]
    return json_response(body, headers=headers)


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
        return _not_found()
    created = world.add_comment(post.id, text, author_id=account.id, author_name=account.username,
                                parent_id=parent.external_id if parent else None)
    world.actions.append(("reply", str(parent_id), (text, key, created.external_id)))
    return json_response(render_status(created, world))


async def relationship(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    target, action = request.match_info["id"], request.match_info["action"]
    world.mute(account_of(request).id, target)
    world.actions.append((action, target, None))
    return json_response({"id": target, "muting": action == "mute",
                          "blocking": action == "block"})


async def verify_credentials(request: web.Request) -> web.Response:
    account = account_of(request)
    return json_response({"id": account.id, "username": account.username,
                          "acct": account.username, "display_name": account.name,
                          "url": f"{request.url.origin()}/@{account.username}"})


# --- OAuth -------------------------------------------------------------------------------------


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    form = await request.post()
    return {k: str(v) for k, v in form.items()}


async def register_app(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    p = await _params(request)
    name, uris = p.get("client_name"), p.get("redirect_uris")
    if not isinstance(name, str) or not name.strip():
        return json_response({"error": "Validation failed: Application name can't be blank"},
                             status=422)
    uris = uris.split() if isinstance(uris, str) else uris
    if not isinstance(uris, list) or not uris or not all(
            isinstance(u, str) and (u.startswith(("http://", "https://")) or
                                    u == "urn:ietf:wg:oauth:2.0:oob") for u in uris):
        return json_response({"error": "Validation failed: Redirect URI must be an absolute "
                                       "URI."}, status=422)
    scopes = str(p.get("scopes") or "read").split()
    instance = str(request.url.origin())
    client = world.add_client("mastodon", name=name, redirect_uris=tuple(uris),
                              scopes=tuple(scopes), instance=instance)
    world.apps_registered[instance] += 1
    world.actions.append(("register_app", client.client_id, tuple(scopes)))
    return json_response({"id": str(len(world.clients)), "name": name,
                          "website": p.get("website"), "scopes": scopes,
                          "redirect_uri": "\n".join(uris), "redirect_uris": uris,
                          "client_id": client.client_id, "client_secret": client.secret,
                          "vapid_key": "fake"})


def _app(request: web.Request, client_id: object) -> FakeClient | None:
    """The app with this client id, if this instance knows it."""
    client = request.app[WORLD].client_of(str(client_id or ""), "mastodon")
    if client is None or client.instance not in ("", str(request.url.origin())):
        return None
    return client


async def authorize(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    q = request.query
    client = _app(request, q.get("client_id"))
    if client is None:
        return consent.error_page("Client authentication failed due to unknown client.", 401)
    redirect = q.get("redirect_uri", "")
    if redirect not in client.redirect_uris:
        return consent.error_page("The redirect uri included is not valid.")
    asked = q.get("scope", "read").split()
    if not set(asked) <= set(client.scopes):
        raise consent.back_to(redirect, {"error": "invalid_scope", "error_description":
                                         "The requested scope is invalid, unknown, or "
                                         "malformed.", **({"state": q["state"]}
                                                          if "state" in q else {})})
    users = [a for a in world.accounts.values() if a.platform == "mastodon"]
    return consent.consent_page(
        platform="Mastodon", app_name=client.name, scopes=asked,
        choices=[consent.Choice(a.id, f"@{a.username} ({a.name})") for a in users],
        multiple=False, query=dict(q), action=request.path)


async def authorize_decision(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    query, chosen, allowed = await consent.decision(request)
    client = _app(request, query.get("client_id"))
    redirect = query.get("redirect_uri", "")
    if client is None or redirect not in client.redirect_uris:
        return consent.error_page("Client authentication failed due to unknown client.", 401)
    state = {"state": query["state"]} if "state" in query else {}
    if not allowed:
        raise consent.back_to(redirect, {"error": "access_denied", "error_description":
                                         "The resource owner or authorization server denied "
                                         "the request.", **state})
    code = world.issue_code(client.client_id, redirect, tuple(chosen[:1]),
                            tuple(query.get("scope", "read").split()))
    raise consent.back_to(redirect, {"code": code, **state})


async def token(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    p = await _params(request)
    client = _app(request, p.get("client_id"))
    if client is None or p.get("client_secret") != client.secret:
        return json_response({"error": "invalid_client", "error_description":
                              "Client authentication failed due to unknown client, no client "
                              "authentication included, or unsupported authentication "
                              "method."}, status=401)
    world.token_calls[str(p.get("grant_type"))] += 1
    if p.get("grant_type") == "client_credentials":
        asked = tuple(str(p.get("scope") or "read").split())
        if not set(asked) <= set(client.scopes):
            return json_response({"error": "invalid_scope", "error_description":
                                  "The requested scope is invalid, unknown, or malformed."},
                                 status=400)
        grant = world.issue("app", (), client_id=client.client_id, scopes=asked)
        return json_response({"access_token": grant.token, "token_type": "Bearer",
                              "scope": " ".join(asked), "created_at": int(world.time())})
    if p.get("grant_type") != "authorization_code":
        return json_response({"error": "unsupported_grant_type"}, status=400)
    code = world.take_code(str(p.get("code", "")), client.client_id,
                           str(p.get("redirect_uri", "")))
    if code is None:
        return json_response({"error": "invalid_grant", "error_description":
                              "The provided authorization grant is invalid, expired, revoked, "
                              "does not match the redirection URI used in the authorization "
                              "request, or was issued to another client."}, status=400)
    grant = world.issue("account", code.account_ids, client_id=client.client_id,
                        scopes=code.scopes)
    return json_response({"access_token": grant.token, "token_type": "Bearer",
                          "scope": " ".join(code.scopes),
                          "created_at": int(world.time())})


async def revoke(request: web.Request) -> web.Response:
    world: FakeWorld = request.app[WORLD]
    p = await _params(request)
    grant = world.grants.get(str(p.get("token", "")))
    if grant is not None:
        grant.revoked = True
    return json_response({})


def make_mastodon_app(world: FakeWorld) -> web.Application:
    app = web.Application(middlewares=[fake_middleware(SHAPES, _public)])
    app[WORLD] = world
    r = app.router
    r.add_post("/api/v1/apps", register_app)
    r.add_get("/oauth/authorize", authorize)
    r.add_post("/oauth/authorize", authorize_decision)
    r.add_post("/oauth/token", token)
    r.add_post("/oauth/revoke", revoke)
    r.add_get("/api/v1/accounts/verify_credentials", verify_credentials)
    r.add_get("/api/v1/accounts/{id}/statuses", statuses)
    r.add_get("/api/v1/statuses/{id}/context", context)
    r.add_get("/api/v1/statuses/{id}", one_status)
    r.add_delete("/api/v1/statuses/{id}", delete_status)
    r.add_post("/api/v1/statuses", post_status)
    r.add_get("/api/v1/notifications", notifications)
    r.add_post("/api/v1/accounts/{id}/{action:mute|block}", relationship)
    return app

