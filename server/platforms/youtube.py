"""YouTube channel connector (Data API v3): comment threads on all the channel's videos.

commentThreads come newest first. Each poll reads from the top until threads are older than
`lookback_days` or `max_pages` is reached (then a `resume` page token continues the backfill
next time). YouTube lists only published comments unless asked: the comments it holds for review
and those it thinks are spam (its own filter for abusive comments) are read too, as hidden.
A thread is read (again) when it is new, its reply count changed or its top-level comment was
edited. Cursor: {"threads": {thread_id: [reply_count, updated_at, replies, video_id]},
"resume": token}.

Deletions: a poll that read the whole window is a `Listing` of each video's top-level comments
since the horizon, and a thread whose replies were all read one of its replies. A missing comment
that `comments.list?id=` still finds was rejected (hidden), otherwise it was deleted.
`delete` only works on the channel's own comments; someone else's is rejected instead. Quota runs
out for the day and comes back at midnight Pacific time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.comments import PlatformComment
from server.platforms.base import (
    AuthExpired,
    Capabilities,
    Connector,
    Listing,
    Missing,
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
PACIFIC = ZoneInfo("America/Los_Angeles")  # the daily quota resets at midnight here
VIDEO_ID_LENGTH = 11
HIDDEN_STATUSES = ("heldForReview", "likelySpam")  # listed on request, not public
MAX_CONFIRM = 200  # missing comments looked up per poll (50 per call)


def until_quota_reset(now: datetime | None = None) -> float:
    """Seconds until the next midnight Pacific time, when YouTube's daily quota starts over."""
    local = (now or datetime.now(UTC)).astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(),
                                tzinfo=PACIFIC)
    return max(60.0, (midnight - local).total_seconds())


def parse_comment(item: Any, video_id: str, parent_id: str | None,
                  listed_as: str = "published") -> PlatformComment:
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
        hidden=listed_as != "published" or status in (*HIDDEN_STATUSES, "rejected"))


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
            wait = until_quota_reset() if "quotaExceeded" in reasons else 60.0
            raise RateLimited(msg, retry_after=retry_after(resp.headers, wait),
                              status=resp.status)
        if resp.status >= 500:
            raise TransientError(msg, status=resp.status)
        raise PlatformError(msg, status=resp.status)

    async def list_new(self, cursor: Mapping[str, Any] | None
                       ) -> tuple[list[PlatformComment], dict[str, Any]]:
        self.skipped_malformed = 0
        self.listed = []
        cursor = cursor or {}
        known: dict[str, list[Any]] = dict(cursor.get("threads") or {})
        horizon = datetime.now(UTC) - timedelta(days=self.settings.lookback_days)
        out: list[PlatformComment] = []
        tops: dict[str, set[str]] = {}  # video -> top-level comments listed this poll
        self._budget = self.settings.max_pages
        resume = cursor.get("resume") if isinstance(cursor.get("resume"), str) else None
        new_resume: str | None = None
        complete = resume is None
        for start in [None] + ([resume] if resume else []):
            token = await self._listing("published", start, start is None and bool(resume),
                                        known, out, tops, horizon)
            if token:
                new_resume, complete = token, False
        for status in HIDDEN_STATUSES:  # fewer, and they get pages of their own
            self._budget = max(2, self.settings.max_pages // 5)
            if await self._listing(status, None, False, known, out, tops, horizon):
                complete = False
        known = {k: v for k, v in known.items() if _fresh(v, horizon)}
        if complete:
            videos = set(tops) | {v[3] for v in known.values() if len(v) > 3}
            self.listed.extend(Listing(video, frozenset(tops.get(video, ())), top_level=True,
                                       since=horizon) for video in sorted(videos))
        return out, {"threads": known, "resume": new_resume}

    async def _listing(self, status: str, start: str | None, first_page_only: bool,
                       known: dict[str, list[Any]], out: list[PlatformComment],
                       tops: dict[str, set[str]], horizon: datetime) -> str | None:
        """Read one moderation status from `start` until the horizon, the end or the page
        budget; returns the page token to continue from when the budget ran out."""
        token, first = start, True
        while first or token:
            if self._budget <= 0:
                return token
            first = False
            self._budget -= 1
            params: dict[str, Any] = {
                "part": "snippet,replies", "allThreadsRelatedToChannelId": self.account_id,
                "order": "time", "maxResults": self.settings.page_size,
                "textFormat": "plainText"}
            if status != "published":
                params["moderationStatus"] = status
            if token:
                params["pageToken"] = token
            try:
                body = (await self.request("GET", f"{self.api}/commentThreads",
                                           params=params)).body
            except PlatformError as exc:
                if start is not None and exc.status == 400 and not isinstance(
                        exc, RateLimited | AuthExpired):
                    return None  # an expired resume token: the backfill starts over
                raise
            oldest = await self._threads(body, known, out, tops, status)
            nxt = body.get("nextPageToken") if isinstance(body, Mapping) else None
            token = nxt if isinstance(nxt, str) and nxt else None
            if (oldest is not None and oldest < horizon) or first_page_only:
                return None
        return None

    async def _threads(self, body: Any, known: dict[str, list[Any]],
                       out: list[PlatformComment], tops: dict[str, set[str]],
                       status: str) -> datetime | None:
        items = body.get("items") if isinstance(body, Mapping) else None
        oldest: datetime | None = None
        for thread in items if isinstance(items, list) else []:
            try:
                snippet = thread["snippet"]
                video_id = req_str(snippet, "videoId")
                top = parse_comment(snippet["topLevelComment"], video_id, None, status)
                total = snippet.get("totalReplyCount", 0)
                if not isinstance(total, int):
                    raise ValueError("totalReplyCount is not a number")
                thread_id = req_str(thread, "id")
            except (ValueError, TypeError, KeyError):
                self.skipped_malformed += 1
                continue
            oldest = top.created_at if oldest is None else min(oldest, top.created_at)
            tops.setdefault(video_id, set()).add(top.external_id)
            replies = thread.get("replies")
            listed = replies.get("comments") if isinstance(replies, Mapping) else None
            listed = listed if isinstance(listed, list) else []
            shown = sorted(str(r.get("id")) for r in listed if isinstance(r, Mapping))
            mark = [total, (top.edited_at or top.created_at).isoformat(), fingerprint(shown),
                    video_id, status]
            if known.get(thread_id) == mark:
                continue
            known[thread_id] = mark
            out.append(top)
            if total > len(listed):
                listed = await self._all_replies(thread_id)
            ids: set[str] = set()
            for reply in listed:
                try:
                    comment = parse_comment(reply, video_id, top.external_id)
                except (ValueError, TypeError, KeyError):
                    self.skipped_malformed += 1
                    continue
                out.append(comment)
                ids.add(comment.external_id)
            self.listed.append(Listing(video_id, frozenset(ids), parent_id=top.external_id))
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

    async def confirm_gone(self, external_ids: Iterable[str]) -> Missing:
        """`comments.list?id=` finds comments that still exist (rejected or held: hidden);
        the others were deleted."""
        ids = list(external_ids)[:MAX_CONFIRM]
        found: set[str] = set()
        for i in range(0, len(ids), 50):
            body = (await self.request("GET", f"{self.api}/comments", params={
                "part": "id", "id": ",".join(ids[i:i + 50]), "maxResults": 50})).body
            items = body.get("items") if isinstance(body, Mapping) else None
            found |= {str(c.get("id")) for c in (items if isinstance(items, list) else [])
                      if isinstance(c, Mapping)}
        return Missing(deleted=frozenset(set(ids) - found),
                       hidden=frozenset(found & set(ids)))

    async def hide(self, external_id: str, hidden: bool) -> None:
        """Held for review (reversible), or published again."""
        await self._moderate(external_id, "heldForReview" if hidden else "published")

    async def _moderate(self, external_id: str, status: str) -> None:
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
        """The channel's own comment is deleted; YouTube refuses that for anyone else's (403),
        which is then rejected: gone from the video for good, recorded as hidden."""
        try:
            await self.request("DELETE", f"{self.api}/comments", params={"id": external_id})
        except PlatformError as exc:
            if type(exc) is not PlatformError or exc.status != 403:
                raise
            await self._moderate(external_id, "rejected")


def _fresh(mark: Any, horizon: datetime) -> bool:
    try:
        return parse_time(mark[1]) >= horizon
    except (ValueError, TypeError, IndexError):
        return False
