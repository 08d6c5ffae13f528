"""Instellingen → Inloggen met schoolaccount: the admin sets a school's single sign-on up in
the dashboard, as `PUT/DELETE /api/v1/admin/schools/{id}/sso` does (same model, same store).

Shows the set-up, the redirect URI to register at the provider, and who could not get into the
dashboard. The client secret is write-only (empty: keep the stored one). A change that would
leave an admin without any way in (no password they may use, no allowed e-mail domain) is
refused; one that shuts out leadership or the board is warned about on the page. "Verbinding
testen" (POST TEST_PATH) checks the stored set-up at the provider (check.py) and shows the
result; nothing of it is stored. Only the admin sees the page and its tab
(keys.SETTINGS_TABS); the template is the dashboard's settings_sso.html."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from server import keys
from server.dashboard import viewmodels as vm
from server.dashboard.settings.common import Scope, back, no_school, page, scope
from server.dashboard.views import error_page, user_of
from server.sso import check, routes, store
from server.storage.models import User
from server.storage.sso_models import SchoolSso

PATH = "/dashboard/settings/sso"
TEST_PATH = PATH + "/test"
TAB: keys.SettingsTab = ("sso", "Inloggen met schoolaccount", PATH, ("admin",))
FLASH = {
    "saved": "Inloggen met het schoolaccount is opgeslagen.",
    "removed": "Inloggen met het schoolaccount is uitgezet en de instellingen zijn verwijderd. "
               "Iedereen van deze school logt weer in met e-mailadres en wachtwoord.",
}
TEXT_FIELDS = ("issuer", "client_id", "allowed_domains", "group_claim", "leadership_groups")
# the Dutch message for a field left empty (or too short to be one)
EMPTY = {
    "issuer": "Vul als uitgever (issuer) het https-adres van de identiteitsprovider in, "
              "bijvoorbeeld https://login.microsoftonline.com/<tenant-id>/v2.0 of "
              "https://accounts.google.com.",
    "client_id": "Vul de client-id in die de identiteitsprovider aan Denkna gaf (bij Entra "
                 "ID: de toepassings-id (client)).",
    "allowed_domains": "Vul minstens één e-maildomein in, bijvoorbeeld school.nl.",
}
LABELS = {"issuer": "De uitgever (issuer)", "client_id": "De client-id",
          "client_secret": "Het clientgeheim", "allowed_domains": "De lijst e-maildomeinen",
          "group_claim": "De groepsclaim", "leadership_groups": "De lijst directiegroepen"}
SEPARATORS = re.compile(r"[\s,;]+")


def _refused(request: web.Request) -> web.Response:
    return error_page(request, 403, "Geen toegang",
                      "Alleen de beheerder stelt het inloggen met het schoolaccount in.")


def form_of(row: SchoolSso | None) -> dict[str, Any]:
    if row is None:
        return {"issuer": "", "client_id": "", "allowed_domains": "", "group_claim": "",
                "leadership_groups": "", "enabled": True, "password_login": True}
    return {"issuer": row.issuer, "client_id": row.client_id,
            "allowed_domains": ", ".join(row.allowed_domains or []),
            "group_claim": row.group_claim or "",
            "leadership_groups": "\n".join(row.leadership_groups or []),
            "enabled": row.enabled, "password_login": row.password_login}


def dutch_errors(exc: ValidationError) -> dict[str, str]:
    """One Dutch sentence per field, the first problem of each (the model's own words where
    it has them: a bad issuer address, a bad domain)."""
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        field = str(err["loc"][0]) if err["loc"] else ""
        if field in out:
            continue
        kind, ctx = err["type"], err.get("ctx") or {}
        label = LABELS.get(field, "Een veld")
        if kind == "value_error" and "error" in ctx:
            text = str(ctx["error"])
            if text.startswith("bevat "):  # the model's words that do not name the field
                text = f"{label} {text}"
            out[field] = text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
        elif kind in ("missing", "string_too_short", "too_short") and field in EMPTY:
            out[field] = EMPTY[field]
        elif kind == "string_too_long":
            out[field] = f"{label} is te lang: hoogstens {ctx.get('max_length')} tekens."
        elif kind == "too_long":
            out[field] = f"{label} is te lang: hoogstens {ctx.get('max_length')} regels."
        else:
            out[field] = f"{label} is ongeldig."
    return out


def parse(posted: Any) -> tuple[dict[str, Any], store.SsoConfigIn | None, dict[str, str]]:
    """The form as typed (for showing it again; never the secret), the set-up or the
    problems. An empty secret keeps the stored one; 'clear_secret' removes it."""
    form: dict[str, Any] = {k: str(posted.get(k, "")).strip() for k in TEXT_FIELDS}
    form["enabled"] = "enabled" in posted
    form["password_login"] = "password_login" in posted
    secret = str(posted.get("client_secret", "")).strip()
    data = {
        "issuer": form["issuer"], "client_id": form["client_id"],
        "client_secret": "" if "clear_secret" in posted else (secret or None),
        "allowed_domains": [d for d in SEPARATORS.split(form["allowed_domains"]) if d],
        "group_claim": form["group_claim"] or None,
        "leadership_groups": [g.strip() for g in form["leadership_groups"].splitlines()
                              if g.strip()],
        "enabled": form["enabled"], "password_login": form["password_login"],
    }
    try:
        return form, store.SsoConfigIn.model_validate(data), {}
    except ValidationError as exc:
        return form, None, dutch_errors(exc)


def _people(users: list[User]) -> list[dict[str, str]]:
    return [{"name": u.name, "email": u.email or "", "role": vm.role_label(u.role)}
            for u in users]


async def _render(request: web.Request, sc: Scope, form: dict[str, Any] | None = None,
                  status: int = 200, **ctx: Any) -> web.Response:
    sso = request.app[routes.SSO]
    async with sso.db.session() as s:
        row = await s.get(SchoolSso, sc.school_id)
        ways = await store.ways_in(s, sc.school_id)
    current = ways.current
    # who this school's set-up keeps out now, and who would lose the dashboard if password
    # login went off with today's domains
    shut_out = ways.cut_off(None, current)
    at_risk = ways.cut_off(current, dataclasses.replace(current, password_login=False)) \
        if current is not None and current.enabled and current.password_login else []
    redirect = routes.redirect_uri(request)
    return page(request, "settings_sso.html", sc, "sso", {
        "row": row, "view": store.public_view(row) if row else None,
        "form": form or form_of(row), "secret_set": bool(row and row.client_secret_encrypted),
        "redirect_uri": redirect,
        "redirect_not_https": not redirect.startswith("https://") and not re.match(
            r"^http://(127\.0\.0\.1|localhost)[:/]", redirect),
        "shut_out": _people(shut_out), "at_risk": _people(at_risk),
        "field_errors": ctx.pop("field_errors", {}),
        "flash": FLASH.get(request.query.get("m", "")), **ctx}, status)


async def sso_page(request: web.Request) -> web.Response:
    if user_of(request).role != "admin":
        return _refused(request)
    sc = await scope(request)
    return no_school(request) if sc is None else await _render(request, sc)


async def sso_submit(request: web.Request) -> web.Response:
    if user_of(request).role != "admin":
        return _refused(request)
    posted = await request.post()
    sc = await scope(request, posted)
    if sc is None:
        return no_school(request)
    sso, me = request.app[routes.SSO], user_of(request)
    if str(posted.get("action", "save")) == "remove":
        async with sso.db.session() as s:
            ways = await store.ways_in(s, sc.school_id)
            if problem := store.admin_lock_out(ways.cut_off(ways.current, None), me.id):
                return await _render(request, sc, status=409, error=problem)
            await store.remove(s, sc.school_id, actor=me.id)
        raise back(PATH, sc, "removed")
    form, cfg, problems = parse(posted)
    typed_secret = bool(str(posted.get("client_secret", "")).strip())
    if cfg is None:
        return await _render(request, sc, form, 422, errors=list(problems.values()),
                             field_errors=problems, secret_lost=typed_secret)
    async with sso.db.session() as s:
        ways = await store.ways_in(s, sc.school_id)
        if problem := store.admin_lock_out(ways.cut_off(ways.current, store.Access.of(cfg)),
                                             me.id):
            return await _render(request, sc, form, 409, error=problem,
                                 secret_lost=typed_secret)
        await store.configure(s, sso.secret_key, sc.school_id, cfg, actor=me.id)
    raise back(PATH, sc, "saved")


async def sso_test(request: web.Request) -> web.Response:
    """Verbinding testen: check.py on the stored set-up, shown on the page, not stored."""
    if user_of(request).role != "admin":
        return _refused(request)
    posted = await request.post()
    sc = await scope(request, posted)
    if sc is None:
        return no_school(request)
    sso = request.app[routes.SSO]
    async with sso.db.session() as s:
        row = await s.get(SchoolSso, sc.school_id)
    if row is None:
        return await _render(request, sc, status=409, error=(
            "Er is voor deze school nog niets opgeslagen om te testen. Vul de instellingen "
            "in, sla ze op en test dan de verbinding."))
    results = await check.run(sso.client, row.issuer)
    return await _render(request, sc, test_results=results,
                         test_ok=all(c.ok for c in results))


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH, sso_page)
    app.router.add_post(PATH, sso_submit)
    app.router.add_post(TEST_PATH, sso_test)
    app.setdefault(keys.SETTINGS_TABS, []).append(TAB)
