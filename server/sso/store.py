"""A school's single sign-on set-up: read, written (admin API and the dashboard's settings
page) and checked. The client secret is stored encrypted (Fernet, key derived from the server
secret) and never shown again; `password_login` says whether the school's staff may still use a
password. `cut_off` tells who would lose every way into the dashboard by a change."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.dashboard.sessions import DASHBOARD_ROLES
from server.sso.oidc import ProviderSettings
from server.storage.models import AuditLog, School, User, utcnow
from server.storage.sso_models import SchoolSso

KDF_INFO = b"denkna/sso-client-secret/v1"
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _plain(value: str) -> str:
    """No control characters (a NUL would not even fit a PostgreSQL text column)."""
    if CONTROL.search(value):
        raise ValueError("bevat een onzichtbaar stuurteken (bijvoorbeeld een tab of "
                         "regeleinde); typ of plak de waarde opnieuw")
    return value


class SsoConfigIn(BaseModel):
    """The body of PUT /api/v1/admin/schools/{id}/sso (and the CLI's options)."""

    model_config = ConfigDict(extra="forbid")
    issuer: str = Field(min_length=8, max_length=500)
    client_id: str = Field(min_length=1, max_length=300)
    # None: keep the stored one; "": none (a public client)
    client_secret: str | None = Field(None, max_length=2000)
    allowed_domains: list[str] = Field(min_length=1, max_length=50)
    group_claim: str | None = Field(None, max_length=100)
    leadership_groups: list[str] = Field(default_factory=list, max_length=100)
    enabled: bool = True
    password_login: bool = True

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        value = _plain(value.strip())
        if not (value.startswith("https://") or value.startswith("http://127.0.0.1")
                or value.startswith("http://localhost")):
            raise ValueError("de uitgever (issuer) moet een https-adres zijn, bijvoorbeeld "
                             "https://login.microsoftonline.com/<tenant-id>/v2.0")
        return value

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        out = []
        for raw in value:
            domain = raw.strip().lower().lstrip("@")
            if not DOMAIN.match(domain):
                raise ValueError(f"'{raw}' is geen geldig e-maildomein (bijvoorbeeld "
                                 "school.nl)")
            out.append(domain)
        return sorted(set(out))

    @field_validator("group_claim")
    @classmethod
    def _claim(cls, value: str | None) -> str | None:
        value = _plain((value or "").strip())
        return value or None

    @field_validator("client_id", "client_secret")
    @classmethod
    def _no_controls(cls, value: str | None) -> str | None:
        return value if value is None else _plain(value)

    @field_validator("leadership_groups")
    @classmethod
    def _groups(cls, value: list[str]) -> list[str]:
        return [_plain(group) for group in value]


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KDF_INFO).derive(
        secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def decrypt_secret(secret_key: str, stored: str | None) -> str | None:
    if not stored:
        return None
    try:
        return _fernet(secret_key).decrypt(stored.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None  # the server secret changed: the admin sets the client secret again


async def save(s: AsyncSession, secret_key: str, school_id: int, cfg: SsoConfigIn) -> SchoolSso:
    row = await s.get(SchoolSso, school_id)
    if row is None:
        row = SchoolSso(school_id=school_id)
        s.add(row)
    row.issuer, row.client_id = cfg.issuer, cfg.client_id
    if cfg.client_secret is not None:
        row.client_secret_encrypted = (_fernet(secret_key).encrypt(
            cfg.client_secret.encode("utf-8")).decode("ascii") if cfg.client_secret else None)
    row.allowed_domains = list(cfg.allowed_domains)
    row.group_claim = cfg.group_claim
    row.leadership_groups = [g.strip() for g in cfg.leadership_groups if g.strip()]
    row.enabled, row.password_login = cfg.enabled, cfg.password_login
    row.updated_at = utcnow()
    await s.flush()
    return row


async def configure(s: AsyncSession, secret_key: str, school_id: int, cfg: SsoConfigIn,
                    actor: int | None) -> SchoolSso:
    """Save and note it in the audit log (never the secret)."""
    row = await save(s, secret_key, school_id, cfg)
    s.add(AuditLog(school_id=school_id, actor_user_id=actor, action="sso.configured",
                   target=f"school:{school_id}", details={
                       "issuer": cfg.issuer, "enabled": cfg.enabled,
                       "password_login": cfg.password_login}))
    return row


async def remove(s: AsyncSession, school_id: int, actor: int | None) -> None:
    await s.execute(delete(SchoolSso).where(SchoolSso.school_id == school_id))
    s.add(AuditLog(school_id=school_id, actor_user_id=actor, action="sso.removed",
                   target=f"school:{school_id}", details={}))


def public_view(row: SchoolSso) -> dict[str, Any]:
    """For the admin: everything but the secret (only whether one is set)."""
    return {"school_id": row.school_id, "issuer": row.issuer, "client_id": row.client_id,
            "client_secret_set": bool(row.client_secret_encrypted),
            "allowed_domains": row.allowed_domains, "group_claim": row.group_claim,
            "leadership_groups": row.leadership_groups, "enabled": row.enabled,
            "password_login": row.password_login}


def provider_of(row: SchoolSso, secret_key: str) -> ProviderSettings:
    return ProviderSettings(row.issuer, row.client_id,
                            decrypt_secret(secret_key, row.client_secret_encrypted))


async def enabled_schools(s: AsyncSession) -> list[tuple[School, SchoolSso]]:
    rows = (await s.execute(select(School, SchoolSso).join(
        SchoolSso, SchoolSso.school_id == School.id).where(SchoolSso.enabled.is_(True))
        .order_by(School.name))).all()
    return [(school, sso) for school, sso in rows]


async def password_login_allowed(s: AsyncSession, user: User) -> bool:
    """False when the user's school has switched password login off (it uses SSO only). A user
    without a school (the local admin, the board) always may."""
    if user.school_id is None:
        return True
    row = await s.get(SchoolSso, user.school_id)
    return row is None or not row.enabled or row.password_login


# --- who can still get in ----------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """What a school's set-up means for logging in to the dashboard."""

    enabled: bool
    password_login: bool
    domains: frozenset[str]

    @classmethod
    def of(cls, cfg: SsoConfigIn | SchoolSso) -> Access:
        return cls(bool(cfg.enabled), bool(cfg.password_login),
                   frozenset(d.lower() for d in cfg.allowed_domains or []))


def has_way_in(user: User, access: dict[int, Access]) -> bool:
    """A password the user's school lets them use (a user of no school always may), or an
    e-mail domain that a school with SSO on accepts from them (accounts.sign_in: their own
    school, or any school for a user of no school)."""
    own = access.get(user.school_id) if user.school_id is not None else None
    if user.password_hash and (own is None or not own.enabled or own.password_login):
        return True
    email = (user.email or "").lower()
    if email.count("@") != 1:
        return False
    domain = email.rsplit("@", 1)[1]
    return any(a.enabled and domain in a.domains and user.school_id in (school_id, None)
               for school_id, a in access.items())


@dataclass(frozen=True)
class WaysIn:
    """The active dashboard users one school's set-up concerns (its own and those of no
    school) and every school's set-up as stored."""

    school_id: int
    users: list[User]
    stored: dict[int, Access]

    @property
    def current(self) -> Access | None:
        return self.stored.get(self.school_id)

    def _with(self, this: Access | None) -> dict[int, Access]:
        access = {k: v for k, v in self.stored.items() if k != self.school_id}
        if this is not None:
            access[self.school_id] = this
        return access

    def cut_off(self, before: Access | None, after: Access | None) -> list[User]:
        """Who could log in to the dashboard with `before` as this school's set-up and could
        not with `after` (None: no set-up)."""
        was, will = self._with(before), self._with(after)
        return [u for u in self.users if has_way_in(u, was) and not has_way_in(u, will)]


def names(users: list[User]) -> str:
    return ", ".join(f"{u.name} ({u.email})" if u.email else u.name for u in users)


def admin_lock_out(cut_off: list[User], actor_id: int | None) -> str | None:
    """The Dutch refusal when a change would leave an admin no way into the dashboard (the
    settings page and the admin API both refuse such a change), or None."""
    admins = [u for u in cut_off if u.role == "admin"]
    if not admins:
        return None
    if [u.id for u in admins] == [actor_id]:
        who, they, their = "uzelf", "U kunt", "uw"
    else:
        who, they, their = f"de beheerder {names(admins)}", "Die kan", "het"
    return (f"Dit is niet opgeslagen: zo sluit u {who} buiten. {they} dan niet meer inloggen "
            "op het dashboard, niet met een wachtwoord en niet met het schoolaccount. Zorg "
            "eerst voor een andere weg naar binnen: een wachtwoord (Instellingen → Gebruikers "
            f"→ Nieuw wachtwoord), of {their} e-maildomein in de lijst toegestane domeinen.")


async def ways_in(s: AsyncSession, school_id: int) -> WaysIn:
    users = (await s.scalars(select(User).where(
        User.active.is_(True), User.role.in_(DASHBOARD_ROLES),
        or_(User.school_id == school_id, User.school_id.is_(None))).order_by(User.name))).all()
    rows: Iterable[SchoolSso] = (await s.scalars(select(SchoolSso))).all()
    return WaysIn(school_id, list(users), {row.school_id: Access.of(row) for row in rows})
