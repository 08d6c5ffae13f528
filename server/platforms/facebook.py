"""Facebook Page connector (Graph API): the Page's recent posts and every comment under them.

Meta ranks comments (most relevant first, whatever `order` asks) and a paging cursor dies with
the comment it points to, so nothing relies on order or keeps a cursor. Instead each poll lists
the posts of the last `lookback_days` with their `updated_time` (it moves when someone comments)
and comment count, and reads a post in full (`filter=stream`: replies too) when either changed.
Every SWEEP_EVERY-th poll reads them all: that catches edits and hides, which move neither.
A post read in full is a `Listing`: stored comments missing from it may be deleted.

Cursor: {"posts": {post_id: [updated_time, comment_count]}, "polls": n}.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.comments import PlatformComment
from server.platforms.base import Capabilities, Listing, opt_str, parse_time, req_str
from server.platforms.meta import GraphConnector

SWEEP_EVERY = 10  # polls
COMMENT_FIELDS = "id,message,created_time,from,parent{id},is_hidden,permalink_url"
POST_FIELDS = "id,created_time,updated_time,comments.filter(stream).summary(true).limit(0)"


def parse_comment(item: Any, post_id: str) -> PlatformComment:
    if not isinstance(item, Mapping):
        raise ValueError("comment is not an object")
    message = item.get("message", "")
    if not isinstance(message, str):
        raise ValueError("message is not a string")
    author = item.get("from")
    parent = item.get("parent")
    parent_id = opt_str(parent, "id")
    hidden = item.get("is_hidden", False)
    if not isinstance(hidden, bool):
        raise ValueError("is_hidden is not a boolean")
    return PlatformComment(
        external_id=req_str(item, "id"), post_id=post_id,
        parent_id=parent_id if parent_id != post_id else None,
        author_id=opt_str(author, "id"), author_name=opt_str(author, "name"),
        text=message, created_at=parse_time(item.get("created_time")),
        permalink=opt_str(item, "permalink_url"), hidden=hidden)


def _mark(item: Mapping[str, Any]) -> list[Any]:
    comments = item.get("comments")
    summary = comments.get("summary") if isinstance(comments, Mapping) else None
    count = summary.get("total_count") if isinstance(summary, Mapping) else None
    return [item.get("updated_time"), count]


class FacebookConnector(GraphConnector):
    platform = "facebook"
    capabilities = Capabilities(hide=True, reply=True, delete=True)

    async def list_new(self, cursor: Mapping[str, Any] | None
                       ) -> tuple[list[PlatformComment], dict[str, Any]]:
        self.skipped_malformed = 0
        self.listed = []
        old = (cursor or {}).get("posts")
        old = old if isinstance(old, Mapping) else {}
        polls = int((cursor or {}).get("polls") or 0) + 1
        sweep = polls % SWEEP_EVERY == 0
        marks: dict[str, list[Any]] = {}
        out: list[PlatformComment] = []
        posts = [item async for item in self.recent(f"{self.api}/{self.account_id}/posts",
                                                    POST_FIELDS, "created_time")]
        for item in posts:
            post_id, mark = item["id"], _mark(item)
            if not sweep and old.get(post_id) == mark:
                marks[post_id] = mark
                continue
            comments = await self.read_all(
                f"{self.api}/{post_id}/comments",
                {"filter": "stream", "limit": self.settings.page_size,
                 "fields": COMMENT_FIELDS},
                lambda raw, post_id=post_id: self._parse(raw, post_id))
            if comments is None:
                continue  # not marked: read again next poll
            marks[post_id] = mark
            out.extend(comments)
            self.listed.append(Listing(post_id, frozenset(c.external_id for c in comments)))
        return out, {"posts": marks, "polls": polls}

    def _parse(self, raw: Any, post_id: str) -> list[PlatformComment]:
        try:
            return [parse_comment(raw, post_id)]
        except (ValueError, TypeError, KeyError):
            self.skipped_malformed += 1
            return []

    async def hide(self, external_id: str, hidden: bool) -> None:
        await self._post(external_id, {"is_hidden": "true" if hidden else "false"})

    async def post_reply(self, object_id: str, text: str) -> str:
        body = await self._post(f"{object_id}/comments", {"message": text})
        return str(body.get("id", "")) if isinstance(body, Mapping) else ""
