"""Bearer tokens (`dk_<random>`, stored as sha256 hashes), roles, the `Principal` of a request,
per-token rate limiting (token bucket) and the `@requires(...)` handler decorator.

A verified token is cached for a few seconds; revoking or deactivating through the API clears
the cache at once (through `denkna admin` it takes effect within CACHE_SECONDS).

A token may expire (`expires_at`) and have a scope: the extension's signed-in tokens
(server/sso/) have scope "extension" and reach only the paths in SCOPE_PATHS.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy import select, update

from server.errors import ApiError
from server.storage.db import Database
from server.storage.models import ApiToken, User, utcnow

TOKEN_PREFIX = "dk_"
CACHE_SECONDS = 5.0
LAST_USED_EVERY = 60.0
ROLES = ("staff", "leadership", "board", "admin", "connector")
EXTENSION_SCOPE = "extension"
# what a scoped token may reach: the extension checks drafts, reports outcomes and "klopt
# niet", and rotates its own token; nothing else, whatever the user's role
SCOPE_PATHS = {
    EXTENSION_SCOPE: frozenset({
        "/api/v1/check", "/api/v1/check/batch", "/api/v1/check/outcome",
        "/api/v1/check/feedback", "/api/v1/auth/token", "/api/v1/auth/token/rotate",
    }),
}


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str, str]:
    """(plaintext, sha256 hex, display prefix)."""
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return plaintext, hash_token(plaintext), plaintext[:10]


@dataclass(frozen=True)
class Principal:
    user_id: int
    token_id: int
    role: str
    school_id: int | None
    scope: str | None = None
    expires_at: datetime | None = None

    def can_read_school(self, school_id: int) -> bool:
        return self.role in ("admin", "board") or self.school_id == school_id


PRINCIPAL = web.RequestKey("principal", Principal)


@dataclass
class _Bucket:
    tokens: float
    at: float


class Authenticator:
    def __init__(self, db: Database, per_second: float, burst: int) -> None:
        self.db = db
        self.per_second, self.burst = per_second, burst
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._buckets: dict[int, _Bucket] = {}
        self._last_used_written: dict[int, float] = {}

    def forget(self) -> None:
        self._cache.clear()

    async def authenticate(self, header: str | None) -> Principal:
        if not header or not header.startswith("Bearer "):
            raise ApiError(401, "unauthorized", "Log in met een geldig token (Authorization: "
                           "Bearer dk_...).", headers={"WWW-Authenticate": "Bearer"})
        digest = hash_token(header[len("Bearer ") :].strip())
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached and now - cached[0] < CACHE_SECONDS:
            principal = cached[1]
        else:
            async with self.db.session() as s:
                row = (
                    await s.execute(
                        select(ApiToken.id, ApiToken.revoked_at, User.id, User.role,
                               User.school_id, User.active, ApiToken.scope,
                               ApiToken.expires_at)
                        .join(User, User.id == ApiToken.user_id)
                        .where(ApiToken.token_hash == digest)
                    )
                ).first()
            if row is None or row[1] is not None or not row[5]:
                self._cache.pop(digest, None)
                raise ApiError(401, "invalid_token", "Dit token is ongeldig of ingetrokken.",
                               headers={"WWW-Authenticate": "Bearer"})
            principal = Principal(user_id=row[2], token_id=row[0], role=row[3], school_id=row[4],
                                  scope=row[6], expires_at=row[7])
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (now, principal)
        if principal.expires_at is not None and principal.expires_at <= utcnow():
            self._cache.pop(digest, None)
            raise ApiError(401, "token_expired", "Dit token is verlopen; log opnieuw in.",
                           headers={"WWW-Authenticate": "Bearer"})
        await self._touch(principal.token_id, now)
        return principal

    async def _touch(self, token_id: int, now: float) -> None:
        last = self._last_used_written.get(token_id)
        if last is not None and now - last < LAST_USED_EVERY:
            return
        self._last_used_written[token_id] = now
        async with self.db.session() as s:
            await s.execute(
                update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow())
            )

    def check_rate(self, token_id: int) -> None:
        now = time.monotonic()
        bucket = self._buckets.get(token_id)
        if bucket is None:
            bucket = self._buckets[token_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens < 1.0:
            wait = max(1, int((1.0 - bucket.tokens) / self.per_second + 0.999))
            raise ApiError(429, "rate_limited", "Te veel verzoeken met dit token; probeer het "
                           f"over {wait} seconden opnieuw.", headers={"Retry-After": str(wait)})
        bucket.tokens -= 1.0


AUTH = web.AppKey("auth", Authenticator)  # served as server.keys.AUTH
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def requires(*roles: str) -> Callable[[Handler], Handler]:
    """Only principals with one of `roles` may call the handler (`admin` always may)."""
    allowed = frozenset((*roles, "admin"))

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            auth = request.app[AUTH]
            principal = await auth.authenticate(request.headers.get("Authorization"))
            auth.check_rate(principal.token_id)
            if principal.role not in allowed:
                raise ApiError(403, "forbidden", "Je rol heeft geen toegang tot deze functie.")
            if principal.scope is not None and request.path not in SCOPE_PATHS.get(
                    principal.scope, frozenset()):
                raise ApiError(403, "token_scope", "Dit token van de extensie mag alleen "
                               "concepten laten controleren.")
            request[PRINCIPAL] = principal
            return await handler(request)

        wrapper.denkna_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorate


def principal_of(request: web.Request) -> Principal:
    return request[PRINCIPAL]
