"""Who wrote a comment: the account itself ("page"), or what the school told Denkna about an
author (author_roles: staff, adult, child, page); everyone else is "unknown"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.comments import PlatformComment
from server.storage.models import Account
from server.storage.monitoring_models import AuthorRole

KNOWN_ROLES = ("staff", "adult", "child", "page")


async def role_map(session: AsyncSession, school_id: int, platform: str) -> dict[str, str]:
    rows = await session.execute(
        select(AuthorRole.author_external_id, AuthorRole.role)
        .where(AuthorRole.school_id == school_id, AuthorRole.platform == platform))
    return {author: role for author, role in rows}


def own_ids(account: Account) -> set[str]:
    """The ids and handles the account itself writes under."""
    ids = {account.external_id}
    for key in ("username", "handle"):
        value = (account.settings or {}).get(key)
        if isinstance(value, str) and value:
            ids.add(value)
    return ids


def author_role(comment: PlatformComment, account: Account, roles: dict[str, str]) -> str:
    if comment.author_id is None:
        return "unknown"
    if comment.author_id in own_ids(account):
        return "page"
    return roles.get(comment.author_id, "unknown")
