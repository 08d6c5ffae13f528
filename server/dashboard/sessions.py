"""Dashboard login: e-mail + password (argon2), a server-side session behind an HttpOnly,
SameSite=Strict cookie (Secure on https), CSRF tokens for every POST form."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web
from sqlalchemy import delete, func, select

from server.login_throttle import LoginGuard, Refusal
from server.passwords import verify_password_off_loop
from server.storage.db import Database
from server.storage.escalation_models import DashboardSession
from server.storage.models import User, utcnow

COOKIE = "denkna_session"
LOGIN_CSRF_COOKIE = "denkna_login_csrf"
SESSION_HOURS = 10
DASHBOARD_ROLES = ("leadership", "board", "admin")
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Login:
    user: User
    csrf: str


class LoginRefused(Exception):
    def __init__(self, message: str, status: int = 401, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


async def authenticate(db: Database, email: str, password: str, *, guard: LoginGuard,
                       ip: str, executor: Executor | None) -> User:
    """The user, or LoginRefused. Throttled per account and IP (server/login_throttle.py);
    argon2 runs in `executor`, for an unknown e-mail too (against a dummy hash), so a wrong
    e-mail and a wrong password take the same time and the event loop never waits."""
    admitted = await guard.admit(db, email, ip)
    if isinstance(admitted, Refusal):
        raise LoginRefused(admitted.message, 429, retry_after=admitted.retry_after)
    if not guard.try_begin_check():
        raise LoginRefused("Er wordt nu erg vaak geprobeerd in te loggen. Probeer het over "
                           "een minuut opnieuw.", 429, retry_after=60)
    try:
        async with db.session() as s:
            user = await s.scalar(select(User).where(
                func.lower(User.email) == email.strip().lower()))
        usable = user is not None and user.active
        ok = await verify_password_off_loop(
            executor, user.password_hash if usable and user else None, password)
    finally:
        guard.end_check()
    if not ok or user is None:
        warning = guard.warning(email, admitted)
        raise LoginRefused("E-mailadres of wachtwoord klopt niet." + (
            f" {warning}" if warning else ""))
    await guard.succeeded(db, email, ip)
    if user.role not in DASHBOARD_ROLES:
        raise LoginRefused("Het dashboard is alleen voor de directie en het bestuur. Zie je "
                           "een ontsporende discussie? Meld die bij de directie.", 403)
    return user


async def start_session(db: Database, user: User, now: datetime | None = None
                        ) -> tuple[str, str]:
    """Returns (cookie token, csrf token)."""
    now = now or utcnow()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    async with db.session() as s:
        await s.execute(delete(DashboardSession).where(DashboardSession.expires_at < now))
        s.add(DashboardSession(token_hash=_digest(token), user_id=user.id, csrf=csrf,
                               created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS)))
    return token, csrf


async def current(db: Database, request: web.Request) -> Login | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    now = utcnow()
    async with db.session() as s:
        sess = await s.get(DashboardSession, _digest(token))
        if sess is None or sess.expires_at < now:
            return None
        user = await s.get(User, sess.user_id)
        if user is None or not user.active or user.role not in DASHBOARD_ROLES:
            return None
        return Login(user, sess.csrf)


async def end_session(db: Database, request: web.Request) -> None:
    token = request.cookies.get(COOKIE)
    if token:
        async with db.session() as s:
            await s.execute(delete(DashboardSession).where(
                DashboardSession.token_hash == _digest(token)))


def csrf_ok(expected: str, given: object) -> bool:
    return isinstance(given, str) and bool(given) and hmac.compare_digest(expected, given)


def set_cookie(response: web.StreamResponse, name: str, value: str, *, secure: bool,
               max_age: int | None = None) -> None:
    response.set_cookie(name, value, httponly=True, samesite="Strict", secure=secure,
                        path="/dashboard", max_age=max_age)
