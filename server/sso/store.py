"""A school's single sign-on set-up: read, written (admin API and `denkna admin sso`) and
checked. The client secret is stored encrypted (Fernet, key derived from the server secret) and
never shown again; `password_login` says whether the school's staff may still use a password."""

from __future__ import annotations

import base64
import re
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.sso.oidc import ProviderSettings
from server.storage.models import School, User, utcnow
from server.storage.sso_models import SchoolSso

KDF_INFO = b"denkna/sso-client-secret/v1"
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


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
        value = value.strip()
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
        value = (value or "").strip()
        return value or None


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
