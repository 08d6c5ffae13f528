"""Failed dashboard logins, per account (the e-mail address as typed, lower-cased) and per IP
address (migration 0005_login_throttle). A row lives while it matters: it is deleted on a
successful login of that account and forgotten when the failures are old."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base


class LoginThrottle(Base):
    __tablename__ = "login_throttle"
    # "account:<e-mail>" or "ip:<address>"; an unknown e-mail gets a row like a known one, so
    # a lock says nothing about whether an account exists
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column()
    blocked_until: Mapped[datetime | None] = mapped_column(index=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)  # a lock, not a short delay


__all__ = ["LoginThrottle"]
