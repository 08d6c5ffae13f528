"""Mastodon account connector (REST API): the account's posts and the replies under them, and
the mentions of the account elsewhere.

Each poll lists the account's own posts of the last `lookback_days` (boosts left out) and reads
a post in full (`/statuses/:id/context`) when its replies changed; that is a `Listing`. Mention
notifications (`min_id` paging, newest last seen kept) point at replies under older posts
(read in full too) and at mentions in threads of others (stored as threads of their own).
A post that is gone (404) is skipped, not a failed poll. A content warning (`spoiler_text`) is
scored with the text it covers.

`/context` leaves out authors the account muted or blocked, so a missing reply is looked up
(`GET /statuses/:id`): only a 404 means deleted.

Mastodon has no "hide this reply" for an ordinary account: `hide` raises NotSupported, and the
connector offers mute / block instead.

Cursor: {"statuses": {status_id: [descendant_count, latest_edit, ids]}, "mentions": last_id}.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

from server.comments import PlatformComment
from server.platforms.base import (
    AuthExpired,
    Capabilities,
    Connector,
    Listing,
    Missing,
    NotSupported,
    PlatformError,
    RateLimited,
    Response,
    TransientError,
    opt_str,
    parse_time,
    req_str,
    retry_after,
)


def fingerprint(ids: list[str]) -> str:
    """A short digest of a set of ids: a deletion plus a new reply changes it, a count not."""
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]


LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
LINK_PREV = re.compile(r'<([^>]+)>\s*;\s*rel="prev"')
MENTION_PAGES = 10  # pages of 80 mentions per poll, at most
MAX_CONFIRM = 40  # missing replies looked up one by one per poll, at most


class _TextExtractor(HTMLParser):
    BREAKS = frozenset({"br", "p"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(content: str) -> str:
    """Mastodon status HTML → plain text (paragraphs as blank lines, entities decoded)."""
    parser = _TextExtractor()
    parser.feed(content)
    parser.close()
    return "".join(parser.parts).strip()


def parse_status(item: Any, post_id: str) -> PlatformComment:
    if not isinstance(item, Mapping):
        raise ValueError("status is not an object")
    content = item.get("content", "")
    spoiler = item.get("spoiler_text") or ""
    if not isinstance(content, str) or not isinstance(spoiler, str):
        raise ValueError("content is not a string")
    text = html_to_text(content)
    if spoiler.strip():  # a content warning says things too
        text = f"{spoiler.strip()}\n\n{text}" if text else spoiler.strip()
    account = item.get("account")
    parent = opt_str(item, "in_reply_to_id")
    edited = item.get("edited_at")
    return PlatformComment(
        external_id=req_str(item, "id"), post_id=post_id,
        parent_id=None if parent in (None, post_id) else parent,
        author_id=opt_str(account, "id"),
        author_name=opt_str(account, "display_name") or opt_str(account, "acct"),
        text=text, created_at=parse_time(item.get("created_at")),
        edited_at=parse_time(edited) if edited else None, permalink=opt_str(item, "url"))


class MastodonConnector(Connector):
    platform = "mastodon"
    capabilities = Capabilities(hide=False, reply=True, delete=False, mute_author=True,
                                block_author=True)

    @property
    def api(self) -> str:
        return f"{self.settings.base_url.rstrip('/')}/api/{self.settings.version}"

    def classify(self, resp: Response) -> None:
        msg = resp.body.get("error") if isinstance(resp.body, Mapping) else None
        msg = msg if isinstance(msg, str) else f"HTTP {resp.status}"
        if resp.status == 401:
            raise AuthExpired(msg, status=401)
        if resp.status == 429:
            raise RateLimited(msg, retry_after=_reset_wait(resp.headers), status=429)
        if resp.status >= 500:
            raise TransientError(msg, status=resp.status)
        raise PlatformError(msg, status=resp.status)

    async def list_new(self, cursor: Mapping[str, Any] | None
                       ) -> tuple[list[PlatformComment], dict[str, Any]]:
        self.skipped_malformed = 0
        self.listed = []
        cursor = cursor or {}
        old = cursor.get("statuses")
        old = dict(old) if isinstance(old, Mapping) else {}
        statuses = await self._recent_statuses()
        mentions, last_mention = await self._mentions(cursor.get("mentions"))
        out: list[PlatformComment] = []
        marks: dict[str, list[Any]] = {}
        elsewhere: dict[str, dict[str, Any]] = {}  # mention id -> status, in others' threads
        extra: list[str] = []  # older posts of ours with a new reply
        for status in mentions:
            root, ours = await self._root(status)
            if root is None:
                continue
            if not ours:  # someone else's thread (or a post of its own): store the mention
                elsewhere[str(status["id"])] = {**status, "_root": root}
            elif root not in statuses and root not in extra:
                extra.append(root)  # a reply under an older post: read that post in full
        for status_id in [*statuses, *extra]:
            body = await self._context(status_id)
            if body is None:
                continue  # deleted or no longer visible: nothing to read
            desc = body.get("descendants") if isinstance(body, Mapping) else None
            desc = desc if isinstance(desc, list) else []
            edits = [d.get("edited_at") for d in desc
                     if isinstance(d, Mapping) and isinstance(d.get("edited_at"), str)]
            ids = sorted(str(d.get("id")) for d in desc if isinstance(d, Mapping))
            mark = [len(desc), max(edits, default=None), fingerprint(ids)]
            if status_id in statuses:
                marks[status_id] = mark
            if old.get(status_id) == mark:
                continue
            listed: set[str] = set()
            for item in desc:
                try:
                    comment = parse_status(item, status_id)
                except (ValueError, TypeError, KeyError):
                    self.skipped_malformed += 1
                    continue
                out.append(comment)
                listed.add(comment.external_id)
            self.listed.append(Listing(status_id, frozenset(listed)))
        for status in elsewhere.values():
            try:
                comment = parse_status(status, status["_root"])
            except (ValueError, TypeError, KeyError):
                self.skipped_malformed += 1
                continue
            out.append(comment)
        return out, {"statuses": marks, "mentions": last_mention}

    async def _context(self, status_id: str) -> Mapping[str, Any] | None:
        try:
            body = (await self.request("GET", f"{self.api}/statuses/{status_id}/context")).body
        except PlatformError as exc:
            if type(exc) is PlatformError and exc.status == 404:
                return None
            raise
        return body if isinstance(body, Mapping) else {}

    async def _root(self, status: Mapping[str, Any]) -> tuple[str | None, bool]:
        """(the first status of the thread a mention is in, is it the account's own?); a
        mention that starts a thread is its own root. (None, False) when it is gone."""
        sid = status.get("id")
        if not isinstance(sid, str):
            self.skipped_malformed += 1
            return None, False
        if not status.get("in_reply_to_id"):
            return sid, False
        body = await self._context(sid)
        if body is None:
            return None, False
        ancestors = body.get("ancestors")
        first = ancestors[0] if isinstance(ancestors, list) and ancestors else None
        if not isinstance(first, Mapping) or not isinstance(first.get("id"), str):
            return sid, False
        account = first.get("account")
        return first["id"], isinstance(account, Mapping) and account.get("id") == self.account_id

    async def _recent_statuses(self) -> list[str]:
        """The account's own posts younger than `lookback_days` (no replies, no boosts)."""
        horizon = datetime.now(UTC) - timedelta(days=self.settings.lookback_days)
        ids: list[str] = []
        url: str | None = f"{self.api}/accounts/{self.account_id}/statuses"
        params: dict[str, Any] | None = {"exclude_replies": "true", "exclude_reblogs": "true",
                                         "limit": min(40, self.settings.page_size)}
        pages = 0
        while url and pages < self.settings.max_pages:
            pages += 1
            resp = await self.request("GET", url, params=params)
            for item in resp.body if isinstance(resp.body, list) else []:
                try:
                    if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                        raise ValueError("status without id")
                    created = parse_time(item.get("created_at"))
                except (ValueError, TypeError):
                    self.skipped_malformed += 1
                    continue
                if item.get("reblog"):
                    continue  # a boost of someone else's post
                if created < horizon or len(ids) >= self.settings.max_posts:
                    return ids
                ids.append(item["id"])
            match = LINK_NEXT.search(resp.headers.get("Link", ""))
            url, params = (match.group(1), None) if match else (None, None)
        return ids

    async def _mentions(self, last: Any) -> tuple[list[Mapping[str, Any]], str | None]:
        """Mention notifications after `last` (oldest page first, `min_id`), and the newest id.
        The first poll only notes where the mentions are now: older ones are history."""
        params: dict[str, Any] | None = {"types[]": "mention", "limit": 80,
                                         "include_filtered": "true"}
        url: str | None = f"{self.api}/notifications"
        first_poll = not isinstance(last, str) or not last
        if not first_poll:
            params["min_id"] = last
        found: list[Mapping[str, Any]] = []
        newest = last if isinstance(last, str) else None
        for _ in range(MENTION_PAGES):
            if url is None:
                break
            resp = await self.request("GET", url, params=params)
            page = [n for n in (resp.body if isinstance(resp.body, list) else [])
                    if isinstance(n, Mapping)]
            if not page:
                break
            for note in page:
                nid, status = note.get("id"), note.get("status")
                if isinstance(nid, str) and (newest is None or _newer(nid, newest)):
                    newest = nid
                if note.get("type") == "mention" and isinstance(status, Mapping):
                    found.append(status)
            if first_poll:
                break
            match = LINK_PREV.search(resp.headers.get("Link", ""))
            url, params = (match.group(1), None) if match else (None, None)
        return found, newest

    async def confirm_gone(self, external_ids: Iterable[str]) -> Missing:
        """A reply that `GET /statuses/:id` still finds exists (its author is muted or blocked
        by the account); a 404 means deleted."""
        deleted: set[str] = set()
        for external_id in list(external_ids)[:MAX_CONFIRM]:
            try:
                await self.request("GET", f"{self.api}/statuses/{external_id}")
            except PlatformError as exc:
                if type(exc) is not PlatformError or exc.status != 404:
                    raise
                deleted.add(external_id)
        return Missing(deleted=frozenset(deleted))

    async def hide(self, external_id: str, hidden: bool) -> None:
        raise NotSupported("Mastodon kan een reactie niet verbergen; demp of blokkeer de auteur")

    async def delete(self, external_id: str) -> None:
        raise NotSupported("Mastodon kan alleen eigen berichten verwijderen")

    async def post_reply(self, object_id: str, text: str) -> str:
        key = hashlib.sha256(f"{object_id}\0{text}".encode()).hexdigest()
        body = (await self.request("POST", f"{self.api}/statuses",
                                   data={"status": text, "in_reply_to_id": object_id},
                                   headers={"Idempotency-Key": key})).body
        return str(body.get("id", "")) if isinstance(body, Mapping) else ""

    async def mute_author(self, author_id: str) -> None:
        await self.request("POST", f"{self.api}/accounts/{author_id}/mute")

    async def block_author(self, author_id: str) -> None:
        await self.request("POST", f"{self.api}/accounts/{author_id}/block")


def _newer(a: str, b: str) -> bool:
    """Mastodon ids are numbers in strings (snowflakes): compare them as numbers."""
    try:
        return int(a) > int(b)
    except ValueError:
        return a > b


def _reset_wait(headers: Mapping[str, str]) -> float:
    reset = headers.get("X-RateLimit-Reset")
    if reset:
        try:
            return max(0.0, (parse_time(reset) - datetime.now(UTC)).total_seconds())
        except ValueError:
            pass
    return retry_after(headers, 60.0)
