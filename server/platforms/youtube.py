"""YouTube channel connector (Data API v3): comment threads on all the channel's videos.

commentThreads come newest first. Each poll reads from the top until threads are older than
`lookback_days` or `max_pages` is reached (then a `resume` page token continues the backfill
next time). A thread is read (again) when it is new, its reply count changed or its top-level
comment was edited; cursor: {"threads": {thread_id: [reply_count, updated_at]}, "resume": token}.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from server.comments import PlatformComment
from server.platforms.base import (
    AuthExpired,
    Capabilities,
    Connector,
    PlatformError,
    RateLimited,
    Response,
    TransientError,
    opt_str,
    parse_time,
    req_str,
    retry_after,
)
from server.platforms.mastodon import fingerprint

RATE_REASONS = frozenset({"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded"})
QUOTA_WAIT = 3600.0
VIDEO_ID_LENGTH = 11


def parse_comment(item: Any, video_id: str, parent_id: str | None) -> PlatformComment:
    if not isinstance(item, Mapping):
        raise ValueError("comment is not an object")
    snippet = item.get("snippet")
    if not isinstance(snippet, Mapping):
        raise ValueError("snippet missing")
    text = snippet.get("textOriginal", snippet.get("textDisplay", ""))
    if not isinstance(text, str):
        raise ValueError("text is not a string")
    created = parse_time(snippet.get("publishedAt"))
    updated_raw = snippet.get("updatedAt")
    updated = parse_time(updated_raw) if updated_raw else None
    channel = snippet.get("authorChannelId")
    status = snippet.get("moderationStatus")
    return PlatformComment(
        external_id=req_str(item, "id"), post_id=video_id, parent_id=parent_id,
        author_id=opt_str(channel, "value"), author_name=opt_str(snippet, "authorDisplayName"),
        text=text, created_at=created,
        edited_at=updated if updated and updated > created else None,
        permalink=f"https://www.youtube.com/watch?v={video_id}&lc={item['id']}",
        hidden=status in ("heldForReview", "rejected"))


class YouTubeConnector(Connector):
    platform = "youtube"
    capabilities = Capabilities(hide=True, reply=True, delete=True)

    @property
    def api(self) -> str:
        return f"{self.settings.base_url.rstrip('/')}/youtube/{self.settings.version}"

    def classify(self, resp: Response) -> None:
        err = resp.body.get("error") if isinstance(resp.body, Mapping) else None
        err = err if isinstance(err, Mapping) else {}
        errors = err.get("errors") if isinstance(err.get("errors"), list) else []
        reasons = {e.get("reason") for e in errors if isinstance(e, Mapping)}
        msg = err.get("message") if isinstance(err.get("message"), str) else f"HTTP {resp.status}"
        if resp.status == 401:
            raise AuthExpired(msg, status=401)
        if resp.status == 429 or reasons & RATE_REASONS:
            wait = QUOTA_WAIT if "quotaExceeded" in reasons else 60.0
            raise RateLimited(msg, retry_after=retry_after(resp.headers, wait),
                              status=resp.status)
        if resp.status >= 500:
            raise TransientError(msg, status=resp.status)
        raise PlatformError(msg, status=resp.status)

    async def list_new(self, cursor: Mapping[str, Any] | None
                       ) -> tuple[list[PlatformComment], dict[str, Any]]:
        self.skipped_malformed = 0
        self.complete_posts = {}
        cursor = cursor or {}
        known: dict[str, list[Any]] = dict(cursor.get("threads") or {})
        horizon = datetime.now(UTC) - timedelta(days=self.settings.lookback_days)
        out: list[PlatformComment] = []
        budget = self.settings.max_pages
        resume = cursor.get("resume") if isinstance(cursor.get("resume"), str) else None
        new_resume: str | None = None
        starts: list[str | None] = [None] + ([resume] if resume else [])
        for start in starts:
            token, first = start, True
            while budget > 0 and (first or token):
                first = False
                budget -= 1
                params: dict[str, Any] = {
                    "part": "snippet,replies", "allThreadsRelatedToChannelId": self.account_id,
                    "order": "time", "maxResults": self.settings.page_size,
                    "textFormat": "plainText"}
                if token:
                    params["pageToken"] = token
                try:
                    body = (await self.request("GET", f"{self.api}/commentThreads",
                                               params=params)).body
                except PlatformError as exc:
                    if start is not None and exc.status == 400 and not isinstance(
                            exc, RateLimited | AuthExpired):
                        break  # an expired resume token: the backfill starts over next time
                    raise
                oldest = await self._threads(body, known, out)
                nxt = body.get("nextPageToken") if isinstance(body, Mapping) else None
                token = nxt if isinstance(nxt, str) and nxt else None
                if oldest is not None and oldest < horizon:
                    token = None
                if start is None and resume and token:
                    token = None  # the top is read; the backfill continues from `resume`
            if token and budget <= 0:
                new_resume = token
        known = {k: v for k, v in known.items() if _fresh(v, horizon)}
        return out, {"threads": known, "resume": new_resume}

    async def _threads(self, body: Any, known: dict[str, list[Any]],
                       out: list[PlatformComment]) -> datetime | None:
        items = body.get("items") if isinstance(body, Mapping) else None
        oldest: datetime | None = None
        for thread in items if isinstance(items, list) else []:
            try:
                snippet = thread["snippet"]
                video_id = req_str(snippet, "videoId")
                top = parse_comment(snippet["topLevelComment"], video_id, None)
                total = snippet.get("totalReplyCount", 0)
                if not isinstance(total, int):
                    raise ValueError("totalReplyCount is not a number")
                thread_id = req_str(thread, "id")
            except (ValueError, TypeError, KeyError):
                self.skipped_malformed += 1
                continue
            oldest = top.created_at if oldest is None else min(oldest, top.created_at)
            replies = thread.get("replies")
            listed = replies.get("comments") if isinstance(replies, Mapping) else None
            listed = listed if isinstance(listed, list) else []
            shown = sorted(str(r.get("id")) for r in listed if isinstance(r, Mapping))
            mark = [total, (top.edited_at or top.created_at).isoformat(), fingerprint(shown)]
            if known.get(thread_id) == mark:
                continue
            known[thread_id] = mark
            out.append(top)
            if total > len(listed):
                listed = await self._all_replies(thread_id)
            for reply in listed:
                try:
                    comment = parse_comment(reply, video_id, top.external_id)
                except (ValueError, TypeError, KeyError):
                    self.skipped_malformed += 1
                    continue
                out.append(comment)
        return oldest

    async def _all_replies(self, thread_id: str) -> list[Any]:
        out: list[Any] = []
        token: str | None = None
        while True:
            params: dict[str, Any] = {"part": "snippet", "parentId": thread_id,
                                      "maxResults": self.settings.page_size,
                                      "textFormat": "plainText"}
            if token:
                params["pageToken"] = token
            body = (await self.request("GET", f"{self.api}/comments", params=params)).body
            items = body.get("items") if isinstance(body, Mapping) else None
            out.extend(items if isinstance(items, list) else [])
            nxt = body.get("nextPageToken") if isinstance(body, Mapping) else None
            if not isinstance(nxt, str) or not nxt:
                return out
            token = nxt

    async def hide(self, external_id: str, hidden: bool) -> None:
        status = "heldForReview" if hidden else "published"
        await self.request("POST", f"{self.api}/comments/setModerationStatus",
                           params={"id": external_id, "moderationStatus": status})

    async def post_reply(self, object_id: str, text: str) -> str:
        """Reply to a comment thread, or (an 11-character video id) comment under the video."""
        if len(object_id) == VIDEO_ID_LENGTH:
            snippet = {"channelId": self.account_id, "videoId": object_id,
                       "topLevelComment": {"snippet": {"textOriginal": text}}}
            body = (await self.request("POST", f"{self.api}/commentThreads",
                                       params={"part": "snippet"},
                                       json_body={"snippet": snippet})).body
        else:
            body = (await self.request("POST", f"{self.api}/comments",
                                       params={"part": "snippet"},
                                       json_body={"snippet": {"parentId": object_id,
                                                              "textOriginal": text}})).body
        return str(body.get("id", "")) if isinstance(body, Mapping) else ""

    async def delete(self, external_id: str) -> None:
        await self.request("DELETE", f"{self.api}/comments", params={"id": external_id})


def _fresh(mark: Any, horizon: datetime) -> bool:
    try:
        return parse_time(mark[1]) >= horizon
    except (ValueError, TypeError, IndexError):
        return False
