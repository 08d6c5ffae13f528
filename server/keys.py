"""Typed keys for what the aiohttp application holds (`app[keys.X]`), and the hooks through
which one part hears from another without importing it. No globals.

Resources, opened and closed by server/app.py: SETTINGS, SECRET_KEY, DB, SCORER_POOL, METRICS,
AUTH, COUNTERS, THRESHOLD_CACHE, OPENAPI_FRAGMENTS (dicts `{"paths": ..., "components": ...}`
merged into `GET /api/v1/openapi.json`; each feature appends its own in `setup(app)`).

MONITOR: the monitoring state of this process (settings, the shared HTTP session, and the
scheduler once `schedules` has started one).

Hooks, filled by the features in their `setup(app)`:
- COMMENT_LISTENERS `async (app, list[StoredComment])`: after ingest committed new comments,
  and after edited ones were re-scored (escalation listens).
- REAUTH_HOOKS `async (app, ReauthAlert)`: once when an account's token stops working
  (escalation mails the admins).
- RETENTION_KEEP_THREADS `async (app) -> set[int]`: threads the retention purge must keep
  (escalation keeps the threads of its cases).
- REPLY_POSTER `async (account, thread, text) -> reply id`: places a statement under a post
  (platforms offer it, the dashboard uses it).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from server.auth import AUTH as AUTH
from server.comments import StoredComment
from server.config import MonitoringSettings, Settings
from server.counters import CounterBuffer
from server.metrics import Metrics
from server.scoring_pool import Scoring
from server.storage.db import Database
from server.storage.models import Account, Thread


@dataclass
class Monitor:
    """What monitoring shares inside one server process."""

    settings: MonitoringSettings
    # this instance's name in poll_state.lease_owner
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:"
                                               f"{secrets.token_hex(3)}")
    http: aiohttp.ClientSession | None = None
    scheduler: AsyncIOScheduler | None = None
    # jobs running right now (drained on shutdown, before the database closes)
    running: set[asyncio.Task[object]] = field(default_factory=set)

    def session(self) -> aiohttp.ClientSession:
        if self.http is None or self.http.closed:
            self.http = aiohttp.ClientSession()
        return self.http

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
            self.http = None


@dataclass(frozen=True)
class ReauthAlert:
    """An official account whose access token stopped working."""

    account_id: int
    school_id: int
    platform: str
    account_name: str
    reason: str  # short, no token material

    @property
    def reconnect_path(self) -> str:
        """The dashboard page that connects this account again."""
        return f"/dashboard/accounts/{self.account_id}/connect"

    def message_nl(self) -> str:
        return (f"Het {self.platform}-account '{self.account_name}' moet opnieuw worden "
                "gekoppeld: de toegang is verlopen of ingetrokken. Denkna leest de reacties "
                f"pas weer mee als het account opnieuw gekoppeld is ({self.reconnect_path}).")


CommentListener = Callable[[web.Application, list[StoredComment]], Awaitable[None]]
ReauthHook = Callable[[web.Application, ReauthAlert], Awaitable[None]]
KeepThreads = Callable[[web.Application], Awaitable[set[int]]]
ReplyPoster = Callable[[Account, Thread, str], Awaitable[str]]

SETTINGS = web.AppKey("settings", Settings)
SECRET_KEY = web.AppKey("secret_key", str)
DB = web.AppKey("db", Database)
# the quick and the deep scorer pools (server/scoring_pool.py: `score(..., mode=)`)
SCORER_POOL = web.AppKey("scorer_pool", Scoring)
METRICS = web.AppKey("metrics", Metrics)
COUNTERS = web.AppKey("counters", CounterBuffer)
THRESHOLD_CACHE = web.AppKey("threshold_cache", dict[int, tuple[float, dict[str, float]]])
OPENAPI_FRAGMENTS = web.AppKey("openapi_fragments", list[dict[str, Any]])
MONITOR = web.AppKey("monitor", Monitor)
COMMENT_LISTENERS = web.AppKey("comment_listeners", list[CommentListener])
REAUTH_HOOKS = web.AppKey("reauth_hooks", list[ReauthHook])
RETENTION_KEEP_THREADS = web.AppKey("retention_keep_threads", list[KeepThreads])
REPLY_POSTER = web.AppKey("reply_poster", ReplyPoster)
# The dashboard's login page and server/sso meet here, so neither imports the other: the
# schools' "Inloggen met je schoolaccount" choices (set per request by server/sso), and whether
# a user may log in with a password (registered by server/sso; absent: always).
SSO_LOGIN_CHOICES = web.RequestKey("denkna_sso_login_choices", list[dict[str, str]])
PasswordLoginPolicy = Callable[[Any, Any], Awaitable[bool]]  # (db session, user) -> allowed
PASSWORD_LOGIN_ALLOWED = web.AppKey("password_login_allowed", PasswordLoginPolicy)
# Settings tabs a feature set up after the dashboard adds in its setup(app), shown after the
# dashboard's own: (key, label, href, the roles that see it). server/sso adds "Inloggen met
# schoolaccount" for the admin.
SettingsTab = tuple[str, str, str, tuple[str, ...]]
SETTINGS_TABS = web.AppKey("settings_tabs", list[SettingsTab])
