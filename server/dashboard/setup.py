"""`setup(app)`: the leadership dashboard under /dashboard: templates, the login and CSRF
middleware, the security headers, and its routes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from server import keys, login_throttle
from server.config import LoginSettings
from server.dashboard import connect_page, pdf, settings, views
from server.passwords import dummy_hash

HERE = Path(__file__).parent


# argon2 checks at once; more wait (login_throttle bounds the queue). One, at a lower CPU
# priority: a flood of logins must not take the cores the staff's checks need
# (bench/bench_login_flood.py, 200 wrong logins during 128 typists: checks' p99 249 ms with two
# threads at normal priority; with this, the throttle's group commit and gc.freeze 12-22 ms,
# against 10-12 ms without the flood).
PASSWORD_THREADS = 1
PASSWORD_NICE = 10


def _lower_priority() -> None:
    """Run this password thread at a lower CPU priority (Linux: nice per thread id)."""
    with contextlib.suppress(AttributeError, OSError):  # elsewhere: normal priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), PASSWORD_NICE)


def setup(app: web.Application) -> None:
    if views.LOGIN_GUARD not in app:  # a test may put its own policy in first
        config = app.get(keys.SETTINGS)
        app[views.LOGIN_GUARD] = login_throttle.LoginGuard(
            config.login if config is not None else LoginSettings())
    app[views.PASSWORD_EXECUTOR] = ThreadPoolExecutor(PASSWORD_THREADS,
                                                      thread_name_prefix="denkna-password",
                                                      initializer=_lower_priority)
    app.on_startup.append(_make_dummy_hash)
    app.on_cleanup.append(_close_executor)
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                         app_key=views.JINJA, autoescape=True)
    app.middlewares.append(views.dashboard_middleware)
    app.on_response_prepare.append(views.security_headers)
    r = app.router
    r.add_get("/dashboard", lambda _r: web.HTTPSeeOther("/dashboard/"))
    r.add_get("/dashboard/", views.overview)
    r.add_get("/dashboard/login", views.login_form)
    r.add_post("/dashboard/login", views.login_submit)
    r.add_post("/dashboard/logout", views.logout)
    r.add_get("/dashboard/cases/{case_id}", views.case_page)
    r.add_get("/dashboard/cases/{case_id}/export", views.case_export)
    r.add_get("/dashboard/cases/{case_id}/export.pdf", pdf.case_pdf)
    r.add_post("/dashboard/cases/{case_id}/outcome", views.case_outcome)
    r.add_post("/dashboard/cases/{case_id}/poster", views.case_poster)
    r.add_post("/dashboard/cases/{case_id}/statement", views.case_statement)
    r.add_post("/dashboard/cases/{case_id}/stop-reacting", views.case_stop_reacting)
    r.add_get("/dashboard/accounts", views.accounts_page)
    connect_page.add_routes(r)  # Account koppelen, and /connect/callback
    settings.add_routes(r)
    r.add_static("/dashboard/static/", HERE / "static", append_version=False)


async def _close_executor(app: web.Application) -> None:
    app[views.PASSWORD_EXECUTOR].shutdown(wait=False, cancel_futures=True)


async def _make_dummy_hash(app: web.Application) -> None:
    """The hash unknown e-mails are checked against, made before the first login needs it."""
    await asyncio.get_running_loop().run_in_executor(app[views.PASSWORD_EXECUTOR], dummy_hash)
