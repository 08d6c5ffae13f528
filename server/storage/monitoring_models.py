"""Monitoring tables (migration 0002_monitoring): encrypted account credentials, poll state with
leases, and the author roles a school told Denkna about; and (migration 0007_mastodon_apps) the
apps Denkna registered on Mastodon instances."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base, utcnow


class AccountCredential(Base):
    """An account's platform access token, Fernet-encrypted (server/platforms/credentials.py)."""

    __tablename__ = "account_credentials"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    token_encrypted: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PollState(Base):
    """Per account: the saved cursor, the lease of the instance polling it, and its health."""

    __tablename__ = "poll_state"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    cursor: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column()
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    last_attempt_at: Mapped[datetime | None] = mapped_column()
    last_success: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    skipped_malformed: Mapped[int] = mapped_column(Integer, default=0)
    comments_seen: Mapped[int] = mapped_column(Integer, default=0)
    reauth_alerted_at: Mapped[datetime | None] = mapped_column()


class AuthorRole(Base):
    """Who an author on a platform is, as the school told us: staff, adult (parent), child,
    page. Authors not listed are `unknown`."""

    __tablename__ = "author_roles"
    __table_args__ = (UniqueConstraint("school_id", "platform", "author_external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    platform: Mapped[str] = mapped_column(String(40))
    author_external_id: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MastodonApp(Base):
    """The app Denkna registered on a Mastodon instance (`POST /api/v1/apps`): one per instance
    and redirect URI, reused by every connect there (server/platforms/mastodon_apps.py). The
    client secret is Fernet-encrypted like the account tokens."""

    __tablename__ = "mastodon_apps"
    __table_args__ = (UniqueConstraint("instance", "redirect_uri"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance: Mapped[str] = mapped_column(String(300))  # https://school.social
    redirect_uri: Mapped[str] = mapped_column(String(1000))
    client_id: Mapped[str] = mapped_column(String(300))
    client_secret_encrypted: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(500))  # what the app was registered with
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = ["AccountCredential", "AuthorRole", "MastodonApp", "PollState"]
