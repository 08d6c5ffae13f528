"""Account koppelen: the dashboard screens that connect an official account through the
platform's own consent screen (server/platforms/connect.py does the OAuth).

- `GET /dashboard/accounts/connect`: per platform what Denkna asks for and why, a button that
  goes to the platform (Meta, Google) or a field for the Mastodon server; admins also say
  whether the school's leadership may connect accounts.
- `GET /dashboard/accounts/{id}/connect`: the same for one account that must be connected again
  (the link in the "opnieuw koppelen" alert).
- `GET /dashboard/accounts/connect/{platform}/start`: seals the flow in a cookie and sends the
  browser to the platform; `POST /dashboard/accounts/connect/mastodon` first takes Denkna's app
  on the school's instance, registered there once and reused (server/platforms/mastodon_apps.py;
  the dashboard's CSP allows forms only to itself, so a page with a link to the instance
  follows).
- `GET /connect/callback`: where the platform sends the browser back. It lives outside
  /dashboard because the session cookie is SameSite=Strict and does not come along on a
  redirect from another site; the sealed flow cookie (SameSite=Lax, 15 minutes, made for the
  logged-in user) is what proves who started it. `POST /connect/choose` picks one of several
  pages or channels.
"""

from __future__ import annotations

import secrets
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from server import keys
from server.dashboard.views import JINJA, error_page, esc, render, user_of
from server.platforms import connect
from server.platforms.base import PLATFORMS, load_settings
from server.platforms.mastodon_apps import MastodonApps
from server.platforms.oauth import PERMISSIONS, PLATFORM_LABELS, client_for
from server.storage.models import Account, School, User

FLOW_COOKIE = "denkna_connect"
PICK_COOKIE = "denkna_connect_pick"
CONNECT_CSP = ("default-src 'none'; style-src 'self'; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'")
MAX_ID = 2**31 - 1
CONNECT_ERROR = web.RequestKey("denkna_connect_error", str)
INTRO = {
    "facebook": "Denkna leest de reacties onder de berichten van de Facebook-pagina van de "
                "school. U logt in bij Facebook en kiest daar de pagina.",
    "instagram": "Denkna leest de reacties onder de berichten van het zakelijke "
                 "Instagram-account. Dat gaat via de Facebook-pagina waaraan het account "
                 "gekoppeld is: u logt in bij Facebook en kiest die pagina.",
    "youtube": "Denkna leest de reacties onder de video's van het YouTube-kanaal. U logt in bij "
               "Google met het account dat het kanaal beheert.",
    "mastodon": "Denkna leest de antwoorden op de berichten van het Mastodon-account en de "
                "vermeldingen ervan. Vul het adres van de Mastodon-server van de school in; u "
                "logt daar in en geeft toestemming.",
}


def _int(value: Any) -> int | None:
    try:
        n = int(str(value))
    except (TypeError, ValueError):
        return None
    return n if 1 <= n <= MAX_ID else None


def _settings(request: web.Request, platform: str, account: Account | None = None) -> Any:
    overrides = dict(request.app[keys.MONITOR].settings.platforms.get(platform, {}))
    if account is not None:
        overrides.update((account.settings or {}).get("api", {}))
    return load_settings(platform, overrides)


def _client(request: web.Request, platform: str) -> Any:
    return client_for(request.app[keys.MONITOR].settings.platforms, platform)


def _mastodon_apps(request: web.Request) -> MastodonApps:
    return MastodonApps(request.app[keys.DB], request.app[keys.SECRET_KEY],
                        request.app[keys.MONITOR].session(), website=str(request.url.origin()))


def redirect_uri(request: web.Request) -> str:
    base = request.app[keys.MONITOR].settings.public_url or str(request.url.origin())
    return base.rstrip("/") + connect.CALLBACK_PATH


def _secure(request: web.Request) -> bool:
    return esc(request).config.secure_cookies or request.secure


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str,
                value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="Lax", secure=_secure(request),
                        path="/connect", max_age=connect.FLOW_SECONDS)


# --- the screens -------------------------------------------------------------------------------


async def _school_choice(request: web.Request, user: User) -> tuple[list[dict[str, Any]],
                                                                    int | None]:
    from sqlalchemy import select

    async with esc(request).db.session() as s:
        q = select(School).order_by(School.name)
        if user.role != "admin":
            q = q.where(School.id == user.school_id)
        schools = [{"id": sc.id, "name": sc.name} for sc in (await s.scalars(q)).all()]
    wanted = _int(request.query.get("school"))
    chosen = next((sc["id"] for sc in schools if sc["id"] == wanted),
                  schools[0]["id"] if schools else None)
    return schools, chosen


async def connect_screen(request: web.Request) -> web.Response:
    user = user_of(request)
    schools, school_id = await _school_choice(request, user)
    if school_id is None:
        return error_page(request, 404, "Nog geen school",
                          "Er is nog geen school ingesteld op deze server.")
    return await _screen(request, user, school_id, schools, None)


async def reconnect_screen(request: web.Request) -> web.Response:
    user = user_of(request)
    account_id = _int(request.match_info.get("account_id"))
    async with esc(request).db.session() as s:
        account = await s.get(Account, account_id) if account_id else None
        if account is None or not (user.role == "admin" or user.school_id == account.school_id):
            return error_page(request, 404, "Account niet gevonden",
                              "Dit account bestaat niet of hoort niet bij uw school.")
    return await _screen(request, user, account.school_id, [], account)


async def _screen(request: web.Request, user: User, school_id: int,
                  schools: list[dict[str, Any]], account: Account | None) -> web.Response:
    async with esc(request).db.session() as s:
        allowed = await connect.may_connect(s, user, school_id)
        leadership = await connect.leadership_may_connect(s, school_id)
    if not allowed:
        return error_page(request, 403, "Geen toegang",
                          "Alleen de beheerder kan accounts koppelen"
                          + (", of de directie als de beheerder dat voor de school heeft "
                             "aangezet." if user.role == "leadership" else "."))
    platforms = [account.platform] if account is not None else list(PLATFORMS)
    cards = []
    for platform in platforms:
        client = _client(request, platform)
        query = f"school={school_id}" + (f"&account={account.id}" if account else "")
        cards.append({
            "platform": platform, "label": PLATFORM_LABELS[platform], "intro": INTRO[platform],
            "permissions": PERMISSIONS[platform],
            "ready": platform == "mastodon" or client is not None,
            "start": f"/dashboard/accounts/connect/{platform}/start?{query}",
            "instance": ((account.settings or {}).get("api", {}).get("base_url", "")
                         if account is not None else ""),
        })
    flash = {"leadership_on": "De directie van deze school kan nu zelf accounts koppelen.",
             "leadership_off": "Alleen de beheerder kan nu accounts koppelen."}
    return render(request, "connect.html", {
        "page": "accounts", "cards": cards, "school_id": school_id, "schools": schools,
        "account": account, "is_admin": user.role == "admin", "leadership": leadership,
        "connect_flash": flash.get(request.query.get("m", "")),
        "error": request.get(CONNECT_ERROR)})


async def set_leadership(request: web.Request) -> web.Response:
    user = user_of(request)
    form = await request.post()
    school_id = _int(form.get("school"))
    if user.role != "admin" or school_id is None:
        return error_page(request, 403, "Geen toegang",
                          "Alleen de beheerder bepaalt wie accounts mag koppelen.")
    allowed = form.get("allowed") == "1"
    async with esc(request).db.session() as s:
        if await s.get(School, school_id) is None:
            return error_page(request, 404, "School niet gevonden", "Deze school bestaat niet.")
        await connect.set_leadership_may_connect(s, school_id, allowed, user.id)
    raise web.HTTPSeeOther(f"/dashboard/accounts/connect?school={school_id}&m="
                           f"{'leadership_on' if allowed else 'leadership_off'}")


async def _new_flow(request: web.Request, platform: str, school: Any, account: Any
                    ) -> connect.Flow | web.Response:
    user = user_of(request)
    school_id, account_id = _int(school), _int(account)
    if platform not in PLATFORMS or school_id is None:
        return error_page(request, 404, "Niet gevonden", "Dit platform kent Denkna niet.")
    async with esc(request).db.session() as s:
        if await s.get(School, school_id) is None:
            return error_page(request, 404, "School niet gevonden", "Deze school bestaat niet.")
        if not await connect.may_connect(s, user, school_id):
            return error_page(request, 403, "Geen toegang",
                              "U mag voor deze school geen accounts koppelen.")
        if account_id is not None:
            target = await s.get(Account, account_id)
            if target is None or target.school_id != school_id or target.platform != platform:
                return error_page(request, 404, "Account niet gevonden",
                                  "Dit account bestaat niet of hoort niet bij deze school.")
    return connect.Flow(platform=platform, school_id=school_id, user_id=user.id,
                        account_id=account_id, redirect_uri=redirect_uri(request))


async def start(request: web.Request) -> web.StreamResponse:
    platform = request.match_info["platform"]
    if platform == "mastodon":
        raise web.HTTPSeeOther("/dashboard/accounts/connect")
    flow = await _new_flow(request, platform, request.query.get("school"),
                           request.query.get("account"))
    if isinstance(flow, web.Response):
        return flow
    try:
        url = connect.authorize_url(flow, _settings(request, platform), _client(request,
                                                                                platform))
    except connect.ConnectError as exc:
        return error_page(request, exc.status, "Koppelen kan nog niet", exc.message)
    response = web.HTTPSeeOther(url)
    _set_cookie(request, response, FLOW_COOKIE, flow.seal(request.app[keys.SECRET_KEY]))
    raise response


async def start_mastodon(request: web.Request) -> web.Response:
    form = await request.post()
    flow = await _new_flow(request, "mastodon", form.get("school"), form.get("account"))
    if isinstance(flow, web.Response):
        return flow
    try:
        flow.instance = connect.normalise_instance(str(form.get("instance", "")))
        if flow.account_id is not None:
            async with esc(request).db.session() as s:
                target = await s.get(Account, flow.account_id)
                known = (target.settings or {}).get("api", {}).get("base_url") if target else None
            if known and connect.normalise_instance(known) != flow.instance:
                raise connect.ConnectError(f"Dit account staat op {known}, niet op "
                                           f"{flow.instance}. Er is niets veranderd.")
        await _mastodon_apps(request).prepare(flow)
        url = connect.authorize_url(flow, _settings(request, "mastodon"), None)
    except connect.ConnectError as exc:
        request[CONNECT_ERROR] = exc.message
        user = user_of(request)
        async with esc(request).db.session() as s:
            account = await s.get(Account, flow.account_id) if flow.account_id else None
        schools = [] if account else (await _school_choice(request, user))[0]
        response = await _screen(request, user, flow.school_id, schools, account)
        response.set_status(exc.status)
        return response
    response = render(request, "connect_continue.html", {
        "page": "accounts", "url": url, "instance": flow.instance,
        "permissions": PERMISSIONS["mastodon"]})
    _set_cookie(request, response, FLOW_COOKIE, flow.seal(request.app[keys.SECRET_KEY]))
    return response


# --- back from the platform (outside /dashboard) -----------------------------------------------


def _result(request: web.Request, ctx: dict[str, Any], status: int = 200) -> web.Response:
    response = aiohttp_jinja2.render_template("connect_result.html", request, {
        "static_url": "/dashboard/static", **ctx}, app_key=JINJA, status=status)
    response.headers.update({"Content-Security-Policy": CONNECT_CSP, "Cache-Control": "no-store",
                             "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                             "Referrer-Policy": "no-referrer"})
    return response


def _failed(request: web.Request, message: str, status: int = 400,
            flow: connect.Flow | None = None) -> web.Response:
    back = "/dashboard/accounts/connect"
    if flow is not None:
        back = (f"/dashboard/accounts/{flow.account_id}/connect" if flow.account_id
                else f"/dashboard/accounts/connect?school={flow.school_id}")
    response = _result(request, {"ok": False, "message": message, "back": back}, status)
    response.del_cookie(FLOW_COOKIE, path="/connect")
    return response


async def _user(request: web.Request, flow: connect.Flow) -> User | None:
    async with esc(request).db.session() as s:
        user = await s.get(User, flow.user_id) if flow.user_id is not None else None
        if user is None or not await connect.may_connect(s, user, flow.school_id):
            return None
        return user


async def callback(request: web.Request) -> web.Response:
    query = {k: v for k, v in request.query.items()}
    if query.get("state", "").startswith(connect.CLI_PREFIX):
        return _result(request, {"ok": False, "cli": True, "back": None, "message":
                                 "Deze koppeling is gestart met 'denkna accounts connect'. "
                                 "Kopieer het volledige adres van deze pagina uit de adresbalk "
                                 "en plak het in de terminal."})
    secret = request.app[keys.SECRET_KEY]
    flow = connect.Flow.unseal(secret, request.cookies.get(FLOW_COOKIE))
    try:
        flow = connect.check_callback(flow, query)
    except connect.ConnectError as exc:
        return _failed(request, exc.message, exc.status, flow)
    if await _user(request, flow) is None:
        return _failed(request, "U mag voor deze school geen accounts (meer) koppelen. Er is "
                                "niets gekoppeld.", 403, flow)
    settings = _settings(request, flow.platform)
    http = request.app[keys.MONITOR].session()
    try:
        found = await connect.finish(http, flow, query["code"], settings,
                                     _client(request, flow.platform),
                                     apps=_mastodon_apps(request))
    except connect.ConnectError as exc:
        return _failed(request, exc.message, exc.status, flow)
    if len(found) > 1 and flow.account_id is None:
        token = secrets.token_urlsafe(16)
        response = _result(request, {"choose": True, "candidates": found, "csrf": token,
                                     "label": PLATFORM_LABELS[flow.platform]})
        flow.nonce = token  # the choice form proves it came from this page
        _set_cookie(request, response, PICK_COOKIE, connect.seal_candidates(secret, flow, found))
        response.del_cookie(FLOW_COOKIE, path="/connect")
        return response
    if flow.account_id is not None:
        async with esc(request).db.session() as s:
            target = await s.get(Account, flow.account_id)
        found = [c for c in found if target and c.external_id == target.external_id] or found
    return await _complete(request, flow, found[0])


async def choose(request: web.Request) -> web.Response:
    form = await request.post()
    secret = request.app[keys.SECRET_KEY]
    sealed = connect.unseal_candidates(secret, request.cookies.get(PICK_COOKIE))
    if sealed is None or not secrets.compare_digest(str(form.get("csrf", "")), sealed[0].nonce):
        return _failed(request, "Deze keuze kon niet worden gecontroleerd (verlopen of niet van "
                                "deze pagina). Er is niets gekoppeld; start het koppelen "
                                "opnieuw.")
    flow, found = sealed
    picked = next((c for c in found if c.external_id == form.get("account")), None)
    if picked is None or await _user(request, flow) is None:
        return _failed(request, "Kies een van de getoonde accounts. Er is niets gekoppeld.",
                       400, flow)
    response = await _complete(request, flow, picked)
    response.del_cookie(PICK_COOKIE, path="/connect")
    return response


async def _complete(request: web.Request, flow: connect.Flow,
                    found: connect.Candidate) -> web.Response:
    try:
        async with esc(request).db.session() as s:
            account_id, new = await connect.store(s, request.app[keys.SECRET_KEY], flow, found,
                                                  flow.user_id)
    except connect.ConnectError as exc:
        return _failed(request, exc.message, exc.status, flow)
    warning = await connect.subscribe_webhooks(request.app[keys.MONITOR].session(),
                                               _settings(request, flow.platform), found)
    response = _result(request, {
        "ok": True, "new": new, "name": found.name, "label": PLATFORM_LABELS[found.platform],
        "warning": warning, "account_id": account_id, "back": "/dashboard/accounts"})
    response.del_cookie(FLOW_COOKIE, path="/connect")
    return response


def add_routes(r: web.UrlDispatcher) -> None:
    r.add_get("/dashboard/accounts/connect", connect_screen)
    r.add_post("/dashboard/accounts/connect/leadership", set_leadership)
    r.add_post("/dashboard/accounts/connect/mastodon", start_mastodon)
    r.add_get("/dashboard/accounts/connect/{platform}/start", start)
    r.add_get("/dashboard/accounts/{account_id:\\d+}/connect", reconnect_screen)
    r.add_get(connect.CALLBACK_PATH, callback)
    r.add_post("/connect/choose", choose)
