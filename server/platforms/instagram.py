"""Instagram professional account connector (Instagram Graph API, with the linked Page's token).

Each poll lists the media of the last `lookback_days` with their comment count; a media item
whose count changed is read again in full (comments with their replies) and is a `Listing`
(stored comments missing from it may be deleted). Every SWEEP_EVERY-th poll reads every recent
media item in full: a deletion plus a new comment keeps the count, and edits and hides move
nothing. Authors are keyed by their Instagram user id (`from{id}`): a username can change.

Cursor: {"media": {media_id: comments_count}, "polls": n}.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.comments import PlatformComment
from server.platforms.base import (
    AuthExpired,
    Capabilities,
    Listing,
    PlatformError,
    RateLimited,
    opt_str,
    parse_time,
    req_str,
)
from server.platforms.meta import GraphConnector, data_items

SWEEP_EVERY = 10  # polls
REPLY_FIELDS = "id,text,timestamp,username,from{id,username},hidden"
COMMENT_FIELDS = (f"id,text,timestamp,username,from{{id,username}},hidden,like_count,"
                  f"replies{{{REPLY_FIELDS}}}")


def parse_comment(item: Any, media_id: str, parent_id: str | None) -> PlatformComment:
    if not isinstance(item, Mapping):
        raise ValueError("comment is not an object")
    text = item.get("text", "")
    if not isinstance(text, str):
        raise ValueError("text is not a string")
    hidden = item.get("hidden", False)
    if not isinstance(hidden, bool):
        raise ValueError("hidden is not a boolean")
    author = item.get("from")
    username = opt_str(author, "username") or opt_str(item, "username")
    return PlatformComment(
        external_id=req_str(item, "id"), post_id=media_id, parent_id=parent_id,
        author_id=opt_str(author, "id") or username, author_name=username, text=text,
        created_at=parse_time(item.get("timestamp")), hidden=hidden)


class InstagramConnector(GraphConnector):
    platform = "instagram"
    capabilities = Capabilities(hide=True, reply=True, delete=True)

    async def list_new(self, cursor: Mapping[str, Any] | None
                       ) -> tuple[list[PlatformComment], dict[str, Any]]:
        self.skipped_malformed = 0
        self.listed = []
        old = (cursor or {}).get("media")
        old = old if isinstance(old, Mapping) else {}
        polls = int((cursor or {}).get("polls") or 0) + 1
        sweep = polls % SWEEP_EVERY == 0
        media: list[tuple[str, int]] = []
        async for item in self.recent(f"{self.api}/{self.account_id}/media",
                                      "id,timestamp,comments_count", "timestamp"):
            count = item.get("comments_count")
            if isinstance(count, int):
                media.append((item["id"], count))
            else:
                self.skipped_malformed += 1
        out: list[PlatformComment] = []
        seen: dict[str, int] = {}
        for media_id, count in media:
            if not sweep and old.get(media_id) == count:
                seen[media_id] = count
                continue
            raw_items = await self.read_all(
                f"{self.api}/{media_id}/comments",
                {"fields": COMMENT_FIELDS, "limit": self.settings.page_size}, lambda raw: [raw])
            if raw_items is None:
                continue
            parsed: list[PlatformComment] = []
            for raw in raw_items:
                parsed.extend(await self._with_replies(raw, media_id))
            seen[media_id] = count
            out.extend(parsed)
            self.listed.append(Listing(media_id, frozenset(c.external_id for c in parsed)))
        return out, {"media": seen, "polls": polls}

    async def _with_replies(self, item: Any, media_id: str) -> list[PlatformComment]:
        try:
            top = parse_comment(item, media_id, None)
        except (ValueError, TypeError, KeyError):
            self.skipped_malformed += 1
            return []
        out = [top]
        replies = item.get("replies")
        if not isinstance(replies, Mapping):
            return out
        bodies: list[Mapping[str, Any]] = [replies]
        paging = replies.get("paging")
        if isinstance(paging, Mapping) and isinstance(paging.get("next"), str):
            params = {"fields": REPLY_FIELDS, "limit": self.settings.page_size}
            bodies = [b async for b in self.pages(f"{self.api}/{top.external_id}/replies",
                                                  params)]
        for body in bodies:
            for reply in data_items(body):
                try:
                    out.append(parse_comment(reply, media_id, top.external_id))
                except (ValueError, TypeError, KeyError):
                    self.skipped_malformed += 1
        return out

    async def hide(self, external_id: str, hidden: bool) -> None:
        await self._post(external_id, {"hide": "true" if hidden else "false"})

    async def post_reply(self, object_id: str, text: str) -> str:
        """Reply to a comment (`/replies`) or, for a media id, comment under the post."""
        try:
            body = await self._post(f"{object_id}/replies", {"message": text})
        except PlatformError as exc:
            if exc.status not in (400, 404) or isinstance(exc, RateLimited | AuthExpired):
                raise
            body = await self._post(f"{object_id}/comments", {"message": text})
        return str(body.get("id", "")) if isinstance(body, Mapping) else ""
