"""The extension's tokens after single sign-on: scope "extension" (checks, outcomes, "klopt
niet", its own rotation), an expiry, and rotation from half-way through their life. A rotated
token keeps working for GRACE_SECONDS, so an answer lost on the way costs nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import EXTENSION_SCOPE, new_token
from server.storage.models import ApiToken, utcnow

GRACE_SECONDS = 120
LABEL = "extensie (schoolaccount)"


async def issue(s: AsyncSession, user_id: int, lifetime: timedelta,
                now: datetime | None = None) -> tuple[ApiToken, str]:
    now = now or utcnow()
    plaintext, digest, prefix = new_token()
    token = ApiToken(user_id=user_id, token_hash=digest, prefix=prefix, label=LABEL,
                     created_at=now, expires_at=now + lifetime, scope=EXTENSION_SCOPE)
    s.add(token)
    await s.flush()
    return token, plaintext


async def rotate(s: AsyncSession, token_id: int, lifetime: timedelta,
                 now: datetime | None = None) -> tuple[ApiToken, str]:
    now = now or utcnow()
    old = await s.get(ApiToken, token_id)
    assert old is not None
    grace = now + timedelta(seconds=GRACE_SECONDS)
    if old.expires_at is None or old.expires_at > grace:
        old.expires_at = grace
    return await issue(s, old.user_id, lifetime, now)


def answer(token: ApiToken, plaintext: str) -> dict[str, Any]:
    """What the extension stores: the token, when it expires, when to rotate it."""
    assert token.expires_at is not None
    half = token.created_at + (token.expires_at - token.created_at) / 2
    return {"token": plaintext, "expires_at": token.expires_at.isoformat(),
            "refresh_after": half.isoformat(), "scope": token.scope}
