"""Mastodon account connector (REST API): the account's posts and the replies under them.

Cursor: {"statuses": {status_id: [descendant_count, latest_edit]}}; a post whose replies changed
is read again in full (`/statuses/:id/context`). Mastodon has no "hide this reply" for an
ordinary account: `hide` raises NotSupported, and the connector offers mute / block instead.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from server.comments import PlatformComment
from server.platforms.base import (
    AuthExpired,
    Capabilities,
    Connector,
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
    if not isinstance(content, str):
        raise ValueError("content is not a string")
    account = item.get("account")
    parent = opt_str(item, "in_reply_to_id")
    edited = item.get("edited_at")
    return PlatformComment(
        external_id=req_str(item, "id"), post_id=post_id,
        parent_id=None if parent in (None, post_id) else parent,
        author_id=opt_str(account, "id"),
        author_name=opt_str(account, "display_name") or opt_str(account, "acct"),
        text=html_to_text(content), created_at=parse_time(item.get("created_at")),
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
        self.complete_posts = {}
        old = dict((cursor or {}).get("statuses") or {})
        statuses = await self._recent_statuses()
        out: list[PlatformComment] = []
        marks: dict[str, list[Any]] = {}
        for status_id in statuses:
            body = (await self.request("GET", f"{self.api}/statuses/{status_id}/context")).body
            desc = body.get("descendants") if isinstance(body, Mapping) else None
            desc = desc if isinstance(desc, list) else []
            edits = [d.get("edited_at") for d in desc
                     if isinstance(d, Mapping) and isinstance(d.get("edited_at"), str)]
            ids = sorted(str(d.get("id")) for d in desc if isinstance(d, Mapping))
            mark = [len(desc), max(edits, default=None), fingerprint(ids)]
            marks[status_id] = mark
            if old.get(status_id) == mark:
                continue
            ids: set[str] = set()
            for item in desc:
                try:
                    comment = parse_status(item, status_id)
                except (ValueError, TypeError, KeyError):
                    self.skipped_malformed += 1
                    continue
                out.append(comment)
                ids.add(comment.external_id)
            self.complete_posts[status_id] = ids
        return out, {"statuses": marks}

    async def _recent_statuses(self) -> list[str]:
        ids: list[str] = []
        url: str | None = f"{self.api}/accounts/{self.account_id}/statuses"
        params: dict[str, Any] | None = {"exclude_replies": "true",
                                         "limit": min(40, self.settings.recent_posts)}
        while url and len(ids) < self.settings.recent_posts:
            resp = await self.request("GET", url, params=params)
            for item in resp.body if isinstance(resp.body, list) else []:
                if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                    ids.append(item["id"])
                else:
                    self.skipped_malformed += 1
            match = LINK_NEXT.search(resp.headers.get("Link", ""))
            url, params = (match.group(1), None) if match else (None, None)
        return ids[: self.settings.recent_posts]

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


def _reset_wait(headers: Mapping[str, str]) -> float:
    reset = headers.get("X-RateLimit-Reset")
    if reset:
        try:
            from datetime import UTC, datetime
            return max(0.0, (parse_time(reset) - datetime.now(UTC)).total_seconds())
        except ValueError:
            pass
    return retry_after(headers, 60.0)
