"""Administration logic shared by the admin API and `denkna admin`: schools, users, tokens,
thresholds, accounts. Each function works inside the caller's session (one transaction) and
writes an audit_log row; plaintext tokens are returned once and only their hash is stored."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from classifiers.categories import ALL_CATEGORIES, default_thresholds
from server.passwords import hash_password
from server.storage.models import (
    Account,
    ApiToken,
    AuditLog,
    School,
    SchoolSetting,
    User,
    utcnow,
)

SCHOOL_ROLES = ("staff", "leadership", "connector")
GLOBAL_ROLES = ("board", "admin")
THRESHOLDS_KEY = "thresholds"


class AdminError(Exception):
    """A refused admin action: `code` (snake_case) + Dutch `message`; HTTP maps it to 4xx."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:100] or "school"


async def audit(
    s: AsyncSession, action: str, *, actor: int | None = None, school_id: int | None = None,
    target: str | None = None, details: dict[str, Any] | None = None,
) -> None:
    s.add(AuditLog(action=action, actor_user_id=actor, school_id=school_id, target=target,
                   details=details or {}))


async def create_school(
    s: AsyncSession, name: str, slug: str | None = None, *, actor: int | None = None
) -> School:
    slug = slug or slugify(name)
    if (await s.execute(select(School.id).where(School.slug == slug))).first():
        raise AdminError(409, "school_exists", f"Er bestaat al een school met de code '{slug}'.")
    school = School(name=name, slug=slug)
    s.add(school)
    await s.flush()
    await audit(s, "school.create", actor=actor, school_id=school.id, target=f"school:{school.id}")
    return school


async def get_school(s: AsyncSession, school_id: int) -> School:
    school = await s.get(School, school_id)
    if school is None:
        raise AdminError(404, "school_not_found", "Deze school bestaat niet.")
    return school


async def create_user(
    s: AsyncSession, *, name: str, role: str, school_id: int | None,
    email: str | None = None, actor: int | None = None,
) -> User:
    if role in SCHOOL_ROLES and school_id is None:
        raise AdminError(422, "school_required", f"Een gebruiker met rol '{role}' hoort bij een "
                         "school; geef een school op.")
    if role in GLOBAL_ROLES and school_id is not None:
        raise AdminError(422, "no_school_for_role", f"De rol '{role}' geldt voor alle scholen; "
                         "geef geen school op.")
    if school_id is not None:
        await get_school(s, school_id)
    if email and (await s.execute(select(User.id).where(User.email == email))).first():
        raise AdminError(409, "email_exists", "Er bestaat al een gebruiker met dit e-mailadres.")
    user = User(name=name, role=role, school_id=school_id, email=email, active=True)
    s.add(user)
    await s.flush()
    await audit(s, "user.create", actor=actor, school_id=school_id, target=f"user:{user.id}",
                details={"role": role})
    return user


async def get_user(s: AsyncSession, user_id: int) -> User:
    user = await s.get(User, user_id)
    if user is None:
        raise AdminError(404, "user_not_found", "Deze gebruiker bestaat niet.")
    return user


async def deactivate_user(s: AsyncSession, user_id: int, *, actor: int | None = None) -> User:
    user = await get_user(s, user_id)
    user.active = False
    await audit(s, "user.deactivate", actor=actor, school_id=user.school_id,
                target=f"user:{user.id}")
    return user


async def create_token(
    s: AsyncSession, user_id: int, label: str | None = None, *, actor: int | None = None
) -> tuple[ApiToken, str]:
    user = await get_user(s, user_id)
    if not user.active:
        raise AdminError(409, "user_inactive", "Deze gebruiker is gedeactiveerd.")
    from server.auth import new_token  # not at import: `denkna admin` needs no aiohttp

    plaintext, digest, prefix = new_token()
    token = ApiToken(user_id=user.id, token_hash=digest, prefix=prefix, label=label)
    s.add(token)
    await s.flush()
    await audit(s, "token.create", actor=actor, school_id=user.school_id,
                target=f"token:{token.id}", details={"user_id": user.id})
    return token, plaintext


MIN_PASSWORD, MAX_PASSWORD = 12, 200


async def set_password(
    s: AsyncSession, user_id: int, password: str, *, actor: int | None = None
) -> User:
    """Set a user's dashboard password (argon2 hash; the password itself is never kept)."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AdminError(400, "weak_password", "Een wachtwoord heeft 12 tot 200 tekens.")
    user = await s.get(User, user_id)
    if user is None:
        raise AdminError(404, "not_found", "Deze gebruiker bestaat niet.")
    user.password_hash = hash_password(password)
    await audit(s, "user.password", actor=actor, school_id=user.school_id,
                target=f"user:{user.id}", details={})
    return user


async def revoke_token(s: AsyncSession, token_id: int, *, actor: int | None = None) -> ApiToken:
    token = await s.get(ApiToken, token_id)
    if token is None:
        raise AdminError(404, "token_not_found", "Dit token bestaat niet.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    user = await s.get(User, token.user_id)
    await audit(s, "token.revoke", actor=actor, school_id=user.school_id if user else None,
                target=f"token:{token.id}")
    return token


async def get_thresholds(s: AsyncSession, school_id: int) -> dict[str, float]:
    await get_school(s, school_id)
    row = await s.get(SchoolSetting, (school_id, THRESHOLDS_KEY))
    return {**default_thresholds(), **(row.value if row else {})}


async def set_thresholds(
    s: AsyncSession, school_id: int, values: dict[str, float], *, actor: int | None = None
) -> dict[str, float]:
    for cat, value in values.items():
        if cat not in ALL_CATEGORIES:
            raise AdminError(422, "unknown_category", f"Onbekende categorie '{cat}'.")
        if not 0.0 <= value <= 1.0:
            raise AdminError(422, "invalid_threshold", "Een drempel ligt tussen 0 en 1.")
    current = await get_thresholds(s, school_id)
    current.update(values)
    row = await s.get(SchoolSetting, (school_id, THRESHOLDS_KEY))
    if row is None:
        s.add(SchoolSetting(school_id=school_id, key=THRESHOLDS_KEY, value=current))
    else:
        row.value = dict(current)
    await audit(s, "thresholds.set", actor=actor, school_id=school_id,
                target=f"school:{school_id}", details={"thresholds": values})
    return current


async def create_account(
    s: AsyncSession, *, school_id: int, platform: str, external_id: str, name: str,
    official: bool = True, settings: dict[str, Any] | None = None, actor: int | None = None,
) -> Account:
    await get_school(s, school_id)
    exists = await s.execute(
        select(Account.id).where(Account.platform == platform, Account.external_id == external_id)
    )
    if exists.first():
        raise AdminError(409, "account_exists", "Dit account is al gekoppeld.")
    account = Account(school_id=school_id, platform=platform, external_id=external_id, name=name,
                      official=official, status="active", settings=settings or {})
    s.add(account)
    await s.flush()
    await audit(s, "account.create", actor=actor, school_id=school_id,
                target=f"account:{account.id}")
    return account
