"""Instagram professional account connector (Instagram Graph API).

Cursor: {"media": {media_id: comments_count}, "polls": n}; a media item whose comment count
changed is read again in full (comments with their replies) and the ingest stores what it has not
seen yet; every SWEEP_EVERY-th poll reads every recent media item in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.comments import PlatformComment
from server.platforms.base import (
    AuthExpired,
    Capabilities,
    PlatformError,
    RateLimited,
    opt_str,
    parse_time,
    req_str,
)
from server.platforms.meta import GraphConnector, data_items

SWEEP_EVERY = 10  # polls
REPLY_FIELDS = "id,text,timestamp,username,hidden"
COMMENT_FIELDS = f"id,text,timestamp,username,hidden,like_count,replies{{{REPLY_FIELDS}}}"


def parse_comment(item: Any, media_id: str, parent_id: str | None) -> PlatformComment:
    if not isinstance(item, Mapping):
        raise ValueError("comment is not an object")
    text = item.get("text", "")
    if not isinstance(text, str):
        raise ValueError("text is not a string")
    hidden = item.get("hidden", False)
    if not isinstance(hidden, bool):
        raise ValueError("hidden is not a boolean")
    username = opt_str(item, "username")
    return PlatformComment(
        external_id=req_str(item, "id"), post_id=media_id, parent_id=parent_id,
        author_id=username, author_name=username, text=text,
        created_at=parse_time(item.get("timestamp")), hidden=hidden)


class InstagramConnector(GraphConnector):
    platform = "instagram"
    capabilities = Capabilities(hide=True, reply=True, delete=True)
    polls_edits = False

    async def list_new(self, cursor: Mapping[str, Any] | None
                       ) -> tuple[list[PlatformComment], dict[str, Any]]:
        self.skipped_malformed = 0
        self.complete_posts = {}
        old = dict((cursor or {}).get("media") or {})
        polls = int((cursor or {}).get("polls") or 0) + 1
        if polls % SWEEP_EVERY == 0:
            old = {}  # a periodic full sweep: a deletion plus a new comment keeps the count
        params = {"fields": "id,caption,timestamp,permalink,comments_count",
                  "limit": self.settings.recent_posts}
        media: list[tuple[str, int]] = []
        async for body in self.pages(f"{self.api}/{self.account_id}/media", params, max_pages=1):
            for item in data_items(body):
                count = item.get("comments_count") if isinstance(item, Mapping) else None
                if isinstance(item, Mapping) and isinstance(item.get("id"), str) and isinstance(
                        count, int):
                    media.append((item["id"], count))
                else:
                    self.skipped_malformed += 1
        out: list[PlatformComment] = []
        seen: dict[str, int] = {}
        for media_id, count in media:
            seen[media_id] = count
            if old.get(media_id) == count:
                continue
            ids: set[str] = set()
            params = {"fields": COMMENT_FIELDS, "limit": self.settings.page_size}
            async for body in self.pages(f"{self.api}/{media_id}/comments", params):
                for item in data_items(body):
                    try:
                        top = parse_comment(item, media_id, None)
                    except (ValueError, TypeError, KeyError):
                        self.skipped_malformed += 1
                        continue
                    out.append(top)
                    ids.add(top.external_id)
                    for reply in await self._replies(item, media_id, top.external_id):
                        out.append(reply)
                        ids.add(reply.external_id)
            self.complete_posts[media_id] = ids
        return out, {"media": seen, "polls": polls}

    async def _replies(self, item: Mapping[str, Any], media_id: str,
                       parent: str) -> list[PlatformComment]:
        replies = item.get("replies")
        if not isinstance(replies, Mapping):
            return []
        bodies: list[Mapping[str, Any]] = [replies]
        paging = replies.get("paging")
        if isinstance(paging, Mapping) and isinstance(paging.get("next"), str):
            params = {"fields": REPLY_FIELDS, "limit": self.settings.page_size}
            bodies = [b async for b in self.pages(f"{self.api}/{parent}/replies", params)]
        out: list[PlatformComment] = []
        for body in bodies:
            for reply in data_items(body):
                try:
                    out.append(parse_comment(reply, media_id, parent))
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
