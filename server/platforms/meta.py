"""What the Facebook and Instagram connectors share: Graph API errors, paging, auth, reading the
recent posts, and asking whether a comment that is no longer listed still exists.

Meta says not to keep paging cursors: a cursor dies with the item it points to. So nothing here
stores one; a post is read from the top, and when a comment disappears while we page through a
post (error 100) the post is read again once, then left for the next poll.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from server.platforms.base import (
    AuthExpired,
    Connector,
    Missing,
    PlatformError,
    RateLimited,
    Response,
    TransientError,
    parse_time,
    regain_seconds,
    retry_after,
)

log = logging.getLogger("denkna.monitoring")

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006})
AUTH_CODES = frozenset({190, 102})
TRANSIENT_CODES = frozenset({1, 2})
GONE_CODE = 100  # "does not exist", and a cursor whose item was deleted
DEFAULT_RATE_WAIT = 60.0
MAX_CONFIRM = 50  # missing comments looked up one by one per poll, at most


def graph_error(body: Any) -> tuple[int | None, int | None, str]:
    err = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(err, Mapping):
        return None, None, ""
    code = err.get("code") if isinstance(err.get("code"), int) else None
    sub = err.get("error_subcode") if isinstance(err.get("error_subcode"), int) else None
    msg = err.get("message") if isinstance(err.get("message"), str) else ""
    return code, sub, msg


class GraphConnector(Connector):
    """Graph API plumbing; `self.account_id` is the page id or the Instagram user id."""

    @property
    def api(self) -> str:
        return f"{self.settings.base_url.rstrip('/')}/{self.settings.version}"

    def classify(self, resp: Response) -> None:
        code, _sub, msg = graph_error(resp.body)
        if code in AUTH_CODES or resp.status == 401:
            raise AuthExpired(msg or "access token expired", status=resp.status, code=code)
        if code in RATE_LIMIT_CODES or resp.status == 429:
            regain = regain_seconds(resp.headers)
            wait = retry_after(resp.headers, DEFAULT_RATE_WAIT if regain is None else regain)
            raise RateLimited(msg or "rate limited", retry_after=wait, status=resp.status,
                              code=code)
        if resp.status >= 500 or code in TRANSIENT_CODES:
            raise TransientError(msg or f"HTTP {resp.status}", status=resp.status, code=code)
        raise PlatformError(msg or f"HTTP {resp.status}", status=resp.status, code=code)

    async def pages(self, url: str, params: Mapping[str, Any] | None = None,
                    max_pages: int | None = None) -> AsyncIterator[Mapping[str, Any]]:
        """Every page of a Graph list (follows `paging.next`); yields page bodies."""
        count = 0
        next_url: str | None = url
        next_params = params
        while next_url:
            resp = await self.request("GET", next_url, params=next_params)
            body = resp.body if isinstance(resp.body, Mapping) else {}
            yield body
            count += 1
            if max_pages is not None and count >= max_pages:
                return
            paging = body.get("paging")
            nxt = paging.get("next") if isinstance(paging, Mapping) else None
            next_url = nxt if isinstance(nxt, str) and nxt else None
            next_params = None

    async def recent(self, url: str, fields: str, time_field: str
                     ) -> AsyncIterator[Mapping[str, Any]]:
        """The account's posts (newest first) younger than `lookback_days`, at most
        `max_posts`; items without an id or a readable time are counted as malformed."""
        horizon = datetime.now(UTC) - timedelta(days=self.settings.lookback_days)
        params = {"fields": fields, "limit": min(100, self.settings.page_size)}
        count = 0
        async for body in self.pages(url, params, max_pages=self.settings.max_pages):
            for item in data_items(body):
                try:
                    if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                        raise ValueError("post without id")
                    created = parse_time(item.get(time_field))
                except (ValueError, TypeError):
                    self.skipped_malformed += 1
                    continue
                if created < horizon or count >= self.settings.max_posts:
                    return
                count += 1
                yield item

    async def read_all(self, url: str, params: Mapping[str, Any],
                       parse: Callable[[Any], list[Any]]) -> list[Any] | None:
        """Every item of a Graph list, each through `parse`. None when the list cannot be read
        now (the object is gone, or a comment vanished twice while paging)."""
        for attempt in (1, 2):
            out: list[Any] = []
            try:
                async for body in self.pages(url, params):
                    for item in data_items(body):
                        out.extend(parse(item))
                return out
            except PlatformError as exc:
                if type(exc) is not PlatformError or exc.code != GONE_CODE:
                    raise
                log.info("%s: %s changed while it was read (attempt %d)", self.platform, url,
                         attempt)
        return None

    async def confirm_gone(self, external_ids: Iterable[str]) -> Missing:
        """A comment that still answers `GET /{id}` exists; Graph error 100 means deleted."""
        deleted: set[str] = set()
        for external_id in list(external_ids)[:MAX_CONFIRM]:
            try:
                await self.request("GET", f"{self.api}/{external_id}", params={"fields": "id"})
            except PlatformError as exc:
                if type(exc) is not PlatformError or exc.code != GONE_CODE:
                    raise
                deleted.add(external_id)
        return Missing(deleted=frozenset(deleted))

    async def _post(self, path: str, data: Mapping[str, Any]) -> Any:
        return (await self.request("POST", f"{self.api}/{path}", data=dict(data))).body

    async def delete(self, external_id: str) -> None:
        await self.request("DELETE", f"{self.api}/{external_id}")


def after_cursor(body: Mapping[str, Any]) -> str | None:
    paging = body.get("paging")
    if not isinstance(paging, Mapping):
        return None
    cursors = paging.get("cursors")
    value = cursors.get("after") if isinstance(cursors, Mapping) else None
    return value if isinstance(value, str) and value else None


def data_items(body: Mapping[str, Any]) -> list[Any]:
    data = body.get("data")
    return data if isinstance(data, list) else []
