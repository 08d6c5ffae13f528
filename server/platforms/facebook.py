"""Facebook Page connector (Graph API): page posts and their comment streams.

Cursor: {"posts": {post_id: after-cursor}}; a post's comments are read with
`filter=stream&order=chronological`, so new comments and replies come after the saved cursor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.comments import PlatformComment
from server.platforms.base import Capabilities, opt_str, parse_time, req_str
from server.platforms.meta import GraphConnector, after_cursor, data_items

COMMENT_FIELDS = "id,message,created_time,from,parent{id},is_hidden,comment_count,permalink_url"


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


class FacebookConnector(GraphConnector):
    platform = "facebook"
    capabilities = Capabilities(hide=True, reply=True, delete=True)
    polls_edits = False

    async def recent_posts(self) -> list[str]:
        params = {"fields": "id,message,created_time,permalink_url",
                  "limit": self.settings.recent_posts}
        ids: list[str] = []
        async for body in self.pages(f"{self.api}/{self.account_id}/posts", params, max_pages=1):
            for item in data_items(body):
                if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                    ids.append(item["id"])
                else:
                    self.skipped_malformed += 1
        return ids

    async def list_new(self, cursor: Mapping[str, Any] | None
                       ) -> tuple[list[PlatformComment], dict[str, Any]]:
        self.skipped_malformed = 0
        self.complete_posts = {}
        old = dict((cursor or {}).get("posts") or {})
        posts = await self.recent_posts()
        new_posts: dict[str, str | None] = {}
        out: list[PlatformComment] = []
        for post_id in posts:
            after = old.get(post_id)
            params: dict[str, Any] = {"filter": "stream", "order": "chronological",
                                      "limit": self.settings.page_size, "fields": COMMENT_FIELDS}
            if after:
                params["after"] = after
            async for body in self.pages(f"{self.api}/{post_id}/comments", params):
                for item in data_items(body):
                    try:
                        out.append(parse_comment(item, post_id))
                    except (ValueError, TypeError, KeyError):
                        self.skipped_malformed += 1
                after = after_cursor(body) or after
            new_posts[post_id] = after
        return out, {"posts": new_posts}

    async def hide(self, external_id: str, hidden: bool) -> None:
        await self._post(external_id, {"is_hidden": "true" if hidden else "false"})

    async def post_reply(self, object_id: str, text: str) -> str:
        body = await self._post(f"{object_id}/comments", {"message": text})
        return str(body.get("id", "")) if isinstance(body, Mapping) else ""
