"""Single sign-on tables (migration 0006_sso): a school's OpenID Connect set-up, the sign-ins
on their way (state, nonce, PKCE; deleted when used or after ten minutes) and the link between
a provider's account (`iss` + `sub`) and a Denkna user. No token or code is kept in plain text:
the state and the extension's one-time code are stored as sha256, the client secret encrypted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base, utcnow


class SchoolSso(Base):
    __tablename__ = "school_sso"
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(300))
    client_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    allowed_domains: Mapped[list[Any]] = mapped_column(JSON, default=list)
    group_claim: Mapped[str | None] = mapped_column(String(100))
    leadership_groups: Mapped[list[Any]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # the school's staff may still log in to the dashboard with a password (the local admin,
    # who belongs to no school, always may)
    password_login: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SsoFlow(Base):
    __tablename__ = "sso_flows"
    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    purpose: Mapped[str] = mapped_column(String(20))  # "dashboard" | "extension"
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(200))  # PKCE towards the provider
    next_path: Mapped[str | None] = mapped_column(String(2000))
    # the extension's own PKCE challenge and state: its one-time code is redeemed with them
    ext_challenge: Mapped[str | None] = mapped_column(String(200))
    ext_state: Mapped[str | None] = mapped_column(String(200))
    handoff_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class SsoIdentity(Base):
    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(300))
    # the user's leadership role came from the school's group claim (and goes with it)
    role_from_group: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()


__all__ = ["SchoolSso", "SsoFlow", "SsoIdentity"]
