"""The connector interface every platform module implements, and what they share.

A connector reads new comments of one official account (`list_new(cursor)`), and moderates
(`hide`, `post_reply`, `delete`). Errors are classified into a few exceptions the polling job
understands: rate limits (back off), transient failures (retry), expired tokens (needs_reauth).

Deletions: `list_new` leaves in `listed` the scopes it read in full (a post, the replies of one
comment, the top-level comments of a post since a time). A stored comment of such a scope that
is missing may be deleted, hidden from the account (rejected on YouTube) or written by an author
the account muted (Mastodon): `confirm_gone(ids)` asks the platform which it is.

Tokens: a connector given `refresh` (Google) gets a new access token once when the platform says
the current one expired, and retries the call.
"""

from __future__ import annotations

import abc
import asyncio
import json
import random
import tomllib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from server.comments import PlatformComment

CONFIG_FILE = Path(__file__).with_name("platforms.toml")
PLATFORMS = ("facebook", "instagram", "youtube", "mastodon")
MAX_ID_LENGTH = 200  # the id columns in storage
MAX_NAME_LENGTH = 200
MAX_PERMALINK_LENGTH = 1000


# --- what a platform allows ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform lets an ordinary account do with comments under its posts."""

    hide: bool = True
    reply: bool = True
    delete: bool = True
    mute_author: bool = False
    block_author: bool = False


# --- errors ------------------------------------------------------------------------------------


class PlatformError(Exception):
    """A platform answered with an error we cannot fix by waiting (bad request, not found)."""

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


class TransientError(PlatformError):
    """5xx, timeout, connection reset, truncated body: try again later."""


class RateLimited(PlatformError):
    """The platform asks us to slow down; `retry_after` in seconds."""

    def __init__(self, message: str, *, retry_after: float, status: int | None = None,
                 code: int | None = None):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class AuthExpired(PlatformError):
    """The access token is expired or revoked: the account needs a new token."""


class NotSupported(PlatformError):
    """The platform does not offer this action (e.g. hiding a reply on Mastodon)."""


# --- configuration -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_inline_wait: float = 5.0
    timeout: float = 20.0

    def delay(self, attempt: int) -> float:
        """Exponential backoff with full jitter for attempt 1, 2, ..."""
        cap = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return random.uniform(cap / 2, cap)


@dataclass(frozen=True, slots=True)
class PlatformSettings:
    base_url: str
    version: str
    page_size: int = 100
    lookback_days: int = 14  # posts (and YouTube threads) younger than this are read
    max_posts: int = 500  # at most this many of them
    max_pages: int = 10
    # OAuth: where the consent screen and the token endpoint are (platforms.toml)
    auth_url: str = ""
    token_url: str = ""
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True, slots=True)
class Listing:
    """Every comment of one scope that the platform lists right now: all comments of a post,
    only the replies of one comment (`parent_id`), only top-level ones (`top_level`), or only
    those created at or after `since`."""

    post_id: str
    ids: frozenset[str]
    parent_id: str | None = None
    top_level: bool = False
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Missing:
    """What the platform says about comments that were not listed: `deleted` are gone,
    `hidden` still exist but the public cannot see them; the rest exist (e.g. a muted author)."""

    deleted: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()


def load_settings(platform: str, overrides: Mapping[str, Any] | None = None,
                  config_file: Path = CONFIG_FILE) -> PlatformSettings:
    """Settings for one platform from the data file, with per-account overrides on top."""
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}")
    data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    section = dict(data.get(platform, {}))
    retry = dict(data.get("retry", {}))
    for key, value in (overrides or {}).items():
        if key.startswith("retry_") and key[6:] in RetryPolicy.__dataclass_fields__:
            retry[key[6:]] = value
        elif key in PlatformSettings.__dataclass_fields__ and key != "retry":
            section[key] = value
    known = {k: v for k, v in section.items() if k in PlatformSettings.__dataclass_fields__}
    return PlatformSettings(**known, retry=RetryPolicy(**retry))


# --- parsing helpers ---------------------------------------------------------------------------


def parse_time(value: Any) -> datetime:
    """ISO 8601 (with Z or +0000) or a unix timestamp → aware datetime. ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("boolean is not a time")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str) or not value:
        raise ValueError(f"not a time: {value!r}")
    text = value.replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":  # +0000 → +00:00
        text = f"{text[:-2]}:{text[-2:]}"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def req_str(obj: Mapping[str, Any], key: str) -> str:
    """A required, non-empty string field (platform ids); ValueError when missing or wrong."""
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise ValueError(f"field {key!r} missing or not a string")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"field {key!r} is too long for an id")
    return value


def opt_str(obj: Mapping[str, Any] | None, key: str) -> str | None:
    if not isinstance(obj, Mapping):
        return None
    value = obj.get(key)
    return value if isinstance(value, str) and value else None


# --- HTTP --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: Any  # parsed JSON


class Connector(abc.ABC):
    """One official account on one platform."""

    platform: str = ""
    capabilities: Capabilities = Capabilities()

    def __init__(self, *, account_external_id: str, token: str,
                 settings: PlatformSettings | None = None,
                 session: aiohttp.ClientSession | None = None,
                 account_settings: Mapping[str, Any] | None = None,
                 refresh: Callable[[], Awaitable[str]] | None = None):
        self.account_id = account_external_id
        self.token = token
        self.settings = settings or load_settings(self.platform, account_settings)
        self.account_settings = dict(account_settings or {})
        self.refresh = refresh  # a new access token when the platform says this one expired
        self._session = session
        self._own_session = session is None
        self.skipped_malformed = 0  # items skipped in the last list_new call
        self.usage_pct = 0.0  # highest platform usage percentage seen in the last call
        # the scopes the last list_new read in full (see the module docstring)
        self.listed: list[Listing] = []

    # -- the interface --

    @abc.abstractmethod
    async def list_new(self, cursor: Mapping[str, Any] | None
                       ) -> tuple[list[PlatformComment], dict[str, Any]]:
        """Comments new (or changed) since `cursor`, and the cursor to save once they are stored.

        Sets `skipped_malformed` to the number of items that could not be read.
        """

    @abc.abstractmethod
    async def hide(self, external_id: str, hidden: bool) -> None: ...

    @abc.abstractmethod
    async def post_reply(self, object_id: str, text: str) -> str:
        """Reply under a post or comment as the account; returns the new comment's id."""

    @abc.abstractmethod
    async def delete(self, external_id: str) -> None: ...

    async def confirm_gone(self, external_ids: Iterable[str]) -> Missing:
        """Stored comments a full listing no longer had. Default: they were deleted."""
        return Missing(deleted=frozenset(external_ids))

    async def mute_author(self, author_id: str) -> None:
        raise NotSupported(f"{self.platform}: muting an author is not supported")

    async def block_author(self, author_id: str) -> None:
        raise NotSupported(f"{self.platform}: blocking an author is not supported")

    # -- plumbing --

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Connector:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    def auth(self) -> tuple[dict[str, str], dict[str, str]]:
        """(headers, params) that authenticate a request. Default: bearer header."""
        return {"Authorization": f"Bearer {self.token}"}, {}

    def classify(self, resp: Response) -> None:
        """Raise the right error for a non-2xx response (platform-specific codes)."""
        raise NotImplementedError

    async def request(self, method: str, url: str, *, params: Mapping[str, Any] | None = None,
                      data: Mapping[str, Any] | None = None, json_body: Any = None,
                      headers: Mapping[str, str] | None = None) -> Response:
        """One API call with retries for transient failures and short rate-limit waits; an
        expired access token is refreshed once (when the connector can)."""
        policy = self.settings.retry
        attempt, refreshed = 0, False
        while True:
            attempt += 1
            auth_headers, auth_params = self.auth()
            all_params = ({**auth_params, **(params or {})} if "access_token=" not in url
                          else params)
            try:
                resp = await self._once(method, url, params=all_params, data=data,
                                        json_body=json_body,
                                        headers={**auth_headers, **(headers or {})})
                if resp.status >= 400:
                    self.classify(resp)
                    raise PlatformError(f"HTTP {resp.status}", status=resp.status)
                return resp
            except AuthExpired:
                if self.refresh is None or refreshed:
                    raise
                refreshed = True
                self.token = await self.refresh()
                attempt -= 1
            except RateLimited as exc:
                if attempt >= policy.attempts or exc.retry_after > policy.max_inline_wait:
                    raise
                await asyncio.sleep(max(exc.retry_after * random.uniform(1.0, 1.2),
                                        policy.delay(attempt)))
            except TransientError:
                if attempt >= policy.attempts:
                    raise
                await asyncio.sleep(policy.delay(attempt))

    async def _once(self, method: str, url: str, *, params: Mapping[str, Any] | None,
                    data: Mapping[str, Any] | None, json_body: Any,
                    headers: Mapping[str, str]) -> Response:
        timeout = aiohttp.ClientTimeout(total=self.settings.retry.timeout)
        try:
            async with self.session.request(method, url, params=_flat(params), data=data,
                                            json=json_body, headers=headers,
                                            timeout=timeout) as resp:
                raw = await resp.read()
                status, hdrs = resp.status, dict(resp.headers)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        self._note_usage(hdrs)
        try:
            body = json.loads(raw) if raw.strip() else {}
        except (ValueError, UnicodeDecodeError) as exc:
            if status >= 500 or status == 429:
                body = {}
            elif status < 400:
                raise TransientError(f"unreadable JSON body ({len(raw)} bytes)",
                                     status=status) from exc
            else:
                body = {}
        return Response(status=status, headers=hdrs, body=body)

    def _note_usage(self, headers: Mapping[str, str]) -> None:
        for name in ("X-App-Usage", "X-Business-Use-Case-Usage", "X-Page-Usage"):
            raw = headers.get(name)
            if raw:
                self.usage_pct = max(self.usage_pct, usage_percent(raw))


def _flat(params: Mapping[str, Any] | None) -> list[tuple[str, str]] | None:
    if params is None:
        return None
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        if isinstance(value, list | tuple):
            out.extend((key, str(v)) for v in value)
        elif isinstance(value, bool):
            out.append((key, "true" if value else "false"))
        elif value is not None:
            out.append((key, str(value)))
    return out


def usage_percent(raw: str) -> float:
    """Highest percentage in an X-App-Usage / X-Business-Use-Case-Usage header (0 if unreadable)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return 0.0
    best = 0.0
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("call_count", "total_time", "total_cputime") and isinstance(
                        value, int | float):
                    best = max(best, float(value))
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return best


def regain_seconds(headers: Mapping[str, str]) -> float | None:
    """`estimated_time_to_regain_access` (minutes) from Meta usage headers, in seconds."""
    raw = headers.get("X-Business-Use-Case-Usage") or headers.get("X-App-Usage")
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    stack, best = [data], None
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("estimated_time_to_regain_access")
            if isinstance(value, int | float):
                best = max(best or 0.0, float(value) * 60)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return best


def retry_after(headers: Mapping[str, str], default: float) -> float:
    """Seconds from a Retry-After header (seconds or HTTP date), else `default`."""
    raw = headers.get("Retry-After")
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            try:
                from email.utils import parsedate_to_datetime
                return max(0.0, (parsedate_to_datetime(raw) - datetime.now(UTC)).total_seconds())
            except (TypeError, ValueError):
                pass
    return default
