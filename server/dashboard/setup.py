"""`setup(app)`: the leadership dashboard under /dashboard: templates, the login and CSRF
middleware, the security headers, and its routes."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from server.dashboard import pdf, settings, views

HERE = Path(__file__).parent


def setup(app: web.Application) -> None:
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
    settings.add_routes(r)
    r.add_static("/dashboard/static/", HERE / "static", append_version=False)
