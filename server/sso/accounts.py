"""From validated ID-token claims to a Denkna user: the e-mail domain must be one the school
allows; a known provider account (`iss` + `sub`) or a user with that e-mail address at the school
is signed in; anyone else from an allowed domain is created with the staff role. With a group
claim configured, membership of a leadership group gives the leadership role (and losing it
takes back only a role that came from the group); admin and board are granted by an admin."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.sso.oidc import SsoRefused
from server.storage.models import AuditLog, User, utcnow
from server.storage.sso_models import SchoolSso, SsoIdentity


def email_of(claims: dict[str, Any]) -> str:
    """The verified e-mail address (Google: `email`; Entra ID may send only
    `preferred_username` or `upn`, which are the sign-in address)."""
    if claims.get("email_verified") is False:
        raise SsoRefused("email_unverified", "Inloggen is geweigerd: het e-mailadres van je "
                         "schoolaccount is niet bevestigd bij de identiteitsprovider.")
    for key in ("email", "preferred_username", "upn"):
        value = claims.get(key)
        if isinstance(value, str) and value.count("@") == 1 and len(value) <= 320:
            return value.strip().lower()
    raise SsoRefused("no_email", "Je schoolaccount gaf geen e-mailadres door. Vraag de "
                     "beheerder om de claim 'email' bij de identiteitsprovider aan te zetten.")


def check_domain(email: str, allowed: list[str]) -> None:
    domain = email.rsplit("@", 1)[1]
    if domain not in {d.lower() for d in allowed}:
        raise SsoRefused("domain_not_allowed", f"Accounts van {domain} mogen niet inloggen "
                         "bij Denkna van deze school. Log in met je schoolaccount, of vraag de "
                         "beheerder het domein toe te voegen.", 403)


def _groups(claims: dict[str, Any], claim: str) -> set[str]:
    value = claims.get(claim)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(v) for v in value if isinstance(v, str | int)}
    return set()


async def sign_in(s: AsyncSession, school_id: int, cfg: SchoolSso,
                  claims: dict[str, Any]) -> User:
    email = email_of(claims)
    check_domain(email, list(cfg.allowed_domains or []))
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    identity = await s.scalar(select(SsoIdentity).where(
        SsoIdentity.issuer == issuer, SsoIdentity.subject == subject))
    created = False
    if identity is not None:
        user = await s.get(User, identity.user_id)
        if user is None:
            raise SsoRefused("no_user", "Je account bestaat niet meer in Denkna. Vraag de "
                             "beheerder om hulp.", 403)
    else:
        user = await s.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            name = claims.get("name") if isinstance(claims.get("name"), str) else None
            user = User(school_id=school_id, email=email, name=(name or email)[:200],
                        role="staff", active=True)
            s.add(user)
            await s.flush()
            created = True
        identity = SsoIdentity(user_id=user.id, issuer=issuer, subject=subject,
                               role_from_group=False)
        s.add(identity)
    if user.school_id not in (school_id, None):
        raise SsoRefused("other_school", "Dit account hoort in Denkna bij een andere school. "
                         "Vraag de beheerder om hulp.", 403)
    if not user.active:
        raise SsoRefused("inactive", "Je account in Denkna is uitgeschakeld. Vraag de beheerder "
                         "om hulp.", 403)
    if cfg.group_claim:
        in_group = bool(_groups(claims, cfg.group_claim) & set(cfg.leadership_groups or []))
        if in_group and user.role == "staff":
            user.role, identity.role_from_group = "leadership", True
        elif not in_group and identity.role_from_group and user.role == "leadership":
            user.role, identity.role_from_group = "staff", False
    identity.last_login_at = utcnow()
    s.add(AuditLog(school_id=school_id, actor_user_id=user.id,
                   action="sso.user_created" if created else "sso.login",
                   target=f"user:{user.id}", details={"role": user.role}))
    await s.flush()
    return user
