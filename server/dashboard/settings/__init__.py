"""Instellingen: the settings pages of the dashboard (meldingen, mailserver, stappenplan,
gevoeligheid, waarschuwingen, protocol, toestemming, gebruikers), each in its own module."""

from __future__ import annotations

from aiohttp import web

from server.dashboard.settings import (
    alerts_page,
    consent_page,
    levels_page,
    mail_page,
    protocol_page,
    steps_page,
    users_page,
    warnings_page,
)
from server.school.upload import UPLOAD_PATH


def add_routes(r: web.UrlDispatcher) -> None:
    r.add_get("/dashboard/settings", lambda _r: web.HTTPSeeOther("/dashboard/settings/alerts"))
    r.add_get("/dashboard/settings/alerts", alerts_page.alerts_page)
    r.add_post("/dashboard/settings/alerts/add", alerts_page.add_destination)
    r.add_post("/dashboard/settings/alerts/remove", alerts_page.remove_destination)
    r.add_post("/dashboard/settings/alerts/test", alerts_page.test_destination)
    r.add_post("/dashboard/settings/alerts/retry", alerts_page.retry)
    r.add_get("/dashboard/settings/mail", mail_page.mail_page)
    r.add_post("/dashboard/settings/mail", mail_page.mail_submit)
    r.add_get("/dashboard/settings/steps", steps_page.steps_page)
    r.add_post("/dashboard/settings/steps", steps_page.steps_submit)
    r.add_get("/dashboard/settings/protocol", protocol_page.protocol_page)
    r.add_post("/dashboard/settings/protocol", protocol_page.protocol_submit)
    r.add_get("/dashboard/settings/consent", consent_page.consent_page)
    r.add_post(UPLOAD_PATH, consent_page.consent_import)
    r.add_get("/dashboard/settings/warnings", warnings_page.warnings_page)
    r.add_post("/dashboard/settings/warnings/apply", warnings_page.apply_suggestion)
    r.add_get("/dashboard/settings/levels", levels_page.levels_page)
    r.add_post("/dashboard/settings/levels", levels_page.levels_submit)
    r.add_get("/dashboard/settings/users", users_page.users_page)
    r.add_post("/dashboard/settings/users/create", users_page.create_user)
    r.add_post("/dashboard/settings/users/deactivate", users_page.deactivate)
    r.add_post("/dashboard/settings/users/password", users_page.new_password)
    r.add_post("/dashboard/settings/users/token", users_page.new_token)
    r.add_post("/dashboard/settings/users/revoke-token", users_page.revoke_token)
    r.add_post("/dashboard/settings/users/unlock", users_page.unlock)
