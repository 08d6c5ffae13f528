"""Meta webhooks (`/webhooks/meta`): Page `feed` and Instagram `comments`.

GET answers the subscription handshake. POST checks `X-Hub-Signature-256` (HMAC-SHA256 of the
RAW body under the app secret, constant-time compare) BEFORE parsing anything; a bad or missing
signature gets 401 and nothing is stored. Valid deliveries are stored through the same path as
polling (idempotent: Meta retries, replays store once).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from sqlalchemy import select

from server import json_limits, keys
from server.comments import PlatformComment
from server.errors import error_response
from server.platforms.base import opt_str, parse_time, req_str
from server.platforms.store import mark_deleted_ids, set_hidden, store_batch
from server.storage.models import Account

log = logging.getLogger("denkna.webhooks")
SIGNATURE_HEADER = "X-Hub-Signature-256"


def sign(secret: str, body: bytes) -> str:
    """The header value Meta sends: `sha256=<hex hmac>`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(secret, body).encode("ascii"),
                               header.strip().encode("ascii", "replace"))


async def verify(request: web.Request) -> web.Response:
    cfg = request.app[keys.MONITOR].settings
    q = request.query
    if (cfg.meta_verify_token and q.get("hub.mode") == "subscribe" and hmac.compare_digest(
            q.get("hub.verify_token", "").encode(), cfg.meta_verify_token.encode())):
        return web.Response(text=q.get("hub.challenge", ""), content_type="text/plain")
    return error_response(403, "verification_failed",
                          "Verificatie mislukt: onbekend verify_token of verkeerde hub.mode.")


async def receive(request: web.Request) -> web.Response:
    cfg = request.app[keys.MONITOR].settings
    raw = await request.read()
    if not cfg.meta_app_secret or not signature_ok(cfg.meta_app_secret, raw,
                                                   request.headers.get(SIGNATURE_HEADER)):
        return error_response(401, "invalid_signature",
                              "De handtekening (X-Hub-Signature-256) klopt niet.")
    try:
        payload = json_limits.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return error_response(400, "invalid_json", "De inhoud is geen geldige JSON.")
    if not isinstance(payload, Mapping) or not isinstance(payload.get("entry"), list):
        return error_response(400, "invalid_payload",
                              "Onbekende webhook-inhoud: 'entry' ontbreekt.")
    counts = await process(request.app, payload)
    return web.json_response({"ok": True, **counts})


async def process(app: web.Application, payload: Mapping[str, Any]) -> dict[str, int]:
    obj = payload.get("object")
    platform = {"page": "facebook", "instagram": "instagram"}.get(str(obj))
    counts = {"stored": 0, "edited": 0, "deleted": 0, "hidden": 0, "ignored": 0, "skipped": 0}
    if platform is None:
        counts["ignored"] += 1
        return counts
    for entry in payload["entry"]:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("changes"), list):
            counts["skipped"] += 1
            continue
        account_id = await _account(app, platform, str(entry.get("id", "")))
        if account_id is None:
            counts["ignored"] += len(entry["changes"])
            continue
        for change in entry["changes"]:
            try:
                await _change(app, platform, account_id, entry, change, counts)
            except (ValueError, TypeError, KeyError):
                counts["skipped"] += 1
    return counts


async def _account(app: web.Application, platform: str, external_id: str) -> int | None:
    async with app[keys.DB].session() as s:
        return (await s.execute(select(Account.id).where(
            Account.platform == platform, Account.external_id == external_id))).scalar()


async def _change(app: web.Application, platform: str, account_id: int,
                  entry: Mapping[str, Any], change: Any, counts: dict[str, int]) -> None:
    if not isinstance(change, Mapping) or not isinstance(change.get("value"), Mapping):
        raise ValueError("change without value")
    value = change["value"]
    if platform == "facebook":
        if change.get("field") != "feed" or value.get("item") not in ("comment", "reply"):
            counts["ignored"] += 1
            return
        verb, comment_id = value.get("verb"), req_str(value, "comment_id")
        if verb == "remove":
            counts["deleted"] += await mark_deleted_ids(app, platform, [comment_id])
            return
        if verb in ("hide", "unhide"):
            counts["hidden"] += await set_hidden(app, platform, comment_id, verb == "hide")
            return
        if verb not in ("add", "edited"):
            counts["ignored"] += 1
            return
        post_id = req_str(value, "post_id")
        parent = opt_str(value, "parent_id")
        message = value.get("message", "")
        if not isinstance(message, str):
            raise ValueError("message is not a string")
        comment = PlatformComment(
            external_id=comment_id, post_id=post_id,
            parent_id=parent if parent != post_id else None,
            author_id=opt_str(value.get("from"), "id"),
            author_name=opt_str(value.get("from"), "name"), text=message,
            created_at=parse_time(value.get("created_time", entry.get("time"))),
            edited_at=parse_time(entry["time"]) if verb == "edited" and entry.get("time")
            else None)
    else:
        if change.get("field") != "comments":
            counts["ignored"] += 1
            return
        text = value.get("text", "")
        if not isinstance(text, str):
            raise ValueError("text is not a string")
        media = value.get("media")
        username = opt_str(value.get("from"), "username")
        comment = PlatformComment(  # keyed by the user id: a username can change
            external_id=req_str(value, "id"), post_id=req_str(media, "id")
            if isinstance(media, Mapping) else "", parent_id=opt_str(value, "parent_id"),
            author_id=opt_str(value.get("from"), "id") or username, author_name=username,
            text=text,
            created_at=parse_time(entry.get("time")))
        if not comment.post_id:
            raise ValueError("media id missing")
    result = await store_batch(app, account_id, [comment])
    counts["stored"] += result.stored
    counts["edited"] += result.edited


def add_routes(app: web.Application) -> None:
    app.router.add_get("/webhooks/meta", verify)
    app.router.add_post("/webhooks/meta", receive)
