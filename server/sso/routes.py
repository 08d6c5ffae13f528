"""Sign-in with the school account (OpenID Connect) for the dashboard and the extension.

Browser pages live under /dashboard/login/sso (public, like the password form):
- `GET /dashboard/login/sso?school=<slug>&next=<path>`: to the school's provider;
- `GET /dashboard/login/sso/extension?school=&state=&code_challenge=`: the same, for the
  extension, which opened this in a tab with its own PKCE challenge;
- `GET /dashboard/login/sso/callback`: back from the provider. The ID token is validated
  (oidc.py), the user found or created (accounts.py); the dashboard gets a session, the
  extension a one-time code on `.../extension/done?code=&state=` that only the holder of the
  PKCE verifier can redeem at `POST /api/v1/auth/extension/token`.
Refusals are pages with a Dutch message; nothing of a refused sign-in creates a session, a
user or a token. Codes and states are stored only as sha256 and never logged (log_filter.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import jinja2
from aiohttp import web
from authlib.common.security import generate_token
from sqlalchemy import delete, select

from server.api.body import Str, Strict, path_int, read_json
from server.auth import EXTENSION_SCOPE, principal_of, requires
from server.config import SsoSettings
from server.dashboard import sessions
from server.errors import ApiError
from server.sso import accounts, store, tokens
from server.sso.oidc import OidcClient, SsoRefused
from server.storage.db import Database
from server.storage.models import AuditLog, School, User, utcnow
from server.storage.sso_models import SchoolSso, SsoFlow

log = logging.getLogger("denkna.sso")
HERE = Path(__file__).parent
BASE = "/dashboard/login/sso"
FLOW_MINUTES = 10
HANDOFF_SECONDS = 120
EXT_STATE = re.compile(r"^[A-Za-z0-9_-]{16,200}$")
CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43,128}$")


@dataclass
class Sso:
    db: Database
    secret_key: str
    settings: SsoSettings
    client: OidcClient
    pages: jinja2.Environment
    http: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self.http is None or self.http.closed:
            self.http = aiohttp.ClientSession()
        return self.http

    @property
    def lifetime(self) -> timedelta:
        return timedelta(days=self.settings.token_days)


SSO = web.AppKey("sso", Sso)


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()
                                    ).rstrip(b"=").decode("ascii")


def redirect_uri(request: web.Request) -> str:
    sso = request.app[SSO]
    base = (sso.settings.public_url or str(request.url.origin())).rstrip("/")
    return f"{base}{BASE}/callback"


def page(request: web.Request, kind: str, title: str, message: str = "", status: int = 200,
         **extra: Any) -> web.Response:
    html = request.app[SSO].pages.get_template("sso.html").render(
        static_url="/dashboard/static", kind=kind, title=title, message=message, **extra)
    resp = web.Response(text=html, content_type="text/html", status=status)
    resp.headers["Referrer-Policy"] = "no-referrer"  # the URL may hold a one-time code
    return resp


def refusal_page(request: web.Request, exc: SsoRefused) -> web.Response:
    log.info("sign-in refused: %s", exc.code)  # the reason's code only: no claim, no token
    status = exc.status if exc.status < 500 else 502
    return page(request, "refused", "Inloggen niet gelukt", exc.message, status)


# --- starting a sign-in ------------------------------------------------------------------------


async def _school_for(request: web.Request, purpose_path: str
                      ) -> tuple[School, SchoolSso] | web.Response:
    """The school asked for (?school=slug), the only one with SSO, or a page to choose."""
    async with request.app[SSO].db.session() as s:
        schools = await store.enabled_schools(s)
    slug = request.query.get("school", "").strip().lower()
    if slug:
        for school, cfg in schools:
            if school.slug == slug:
                return school, cfg
        return page(request, "refused", "Inloggen niet gelukt", "Inloggen met je schoolaccount "
                    "is voor deze school niet ingesteld. Vraag de beheerder om hulp.", 404)
    if len(schools) == 1:
        return schools[0]
    if not schools:
        return page(request, "refused", "Inloggen niet gelukt", "Inloggen met een schoolaccount "
                    "is op deze server niet ingesteld. Log in met je e-mailadres en "
                    "wachtwoord, of vraag de beheerder om hulp.", 404)
    choices = [{"name": school.name, "href": f"{purpose_path}?" + urlencode(
        {**request.query, "school": school.slug})} for school, _ in schools]
    return page(request, "choose", "Kies je school", "", choices=choices)


async def _begin(request: web.Request, purpose: str, **extra: str | None) -> web.Response:
    sso = request.app[SSO]
    chosen = await _school_for(request, request.path)
    if isinstance(chosen, web.Response):
        return chosen
    school, cfg = chosen
    try:
        start = await sso.client.start(store.provider_of(cfg, sso.secret_key),
                                       redirect_uri(request))
    except SsoRefused as exc:
        return refusal_page(request, exc)
    now = utcnow()
    async with sso.db.session() as s:
        await s.execute(delete(SsoFlow).where(SsoFlow.expires_at < now))
        s.add(SsoFlow(state_hash=_sha(start.state), school_id=school.id, purpose=purpose,
                      nonce=start.nonce, code_verifier=start.code_verifier, created_at=now,
                      expires_at=now + timedelta(minutes=FLOW_MINUTES), **extra))
    resp = web.HTTPFound(start.url)
    resp.headers["Referrer-Policy"] = "no-referrer"
    raise resp


async def start_dashboard(request: web.Request) -> web.Response:
    from server.dashboard.views import safe_next  # the dashboard's own rule for `next`

    return await _begin(request, "dashboard", next_path=safe_next(request.query.get("next")))


async def start_extension(request: web.Request) -> web.Response:
    ext_state = request.query.get("state", "")
    challenge = request.query.get("code_challenge", "")
    if (not EXT_STATE.match(ext_state) or not CHALLENGE.match(challenge)
            or request.query.get("code_challenge_method", "S256") != "S256"):
        return page(request, "refused", "Inloggen niet gelukt", "Deze inloglink is onvolledig. "
                    "Klik in de extensie opnieuw op 'Inloggen met je schoolaccount'.", 400)
    return await _begin(request, "extension", ext_state=ext_state, ext_challenge=challenge)


# --- back from the provider --------------------------------------------------------------------


async def callback(request: web.Request) -> web.Response:
    sso = request.app[SSO]
    state = request.query.get("state", "")
    now = utcnow()
    async with sso.db.session() as s:
        flow = await s.get(SsoFlow, _sha(state)) if state else None
        if flow is None or flow.expires_at < now or flow.user_id is not None:
            return refusal_page(request, SsoRefused(
                "unknown_state", "Deze inlogpoging is verlopen of al gebruikt. Begin opnieuw "
                "met inloggen.", 400))
        cfg = await s.get(SchoolSso, flow.school_id)
        if flow.purpose == "dashboard":
            await s.delete(flow)  # single use, whatever happens next
        else:
            flow.expires_at = min(flow.expires_at, now + timedelta(seconds=HANDOFF_SECONDS))
        purpose, nonce, verifier = flow.purpose, flow.nonce, flow.code_verifier
        school_id, next_path, ext_state = flow.school_id, flow.next_path, flow.ext_state
        flow_key = flow.state_hash
    if cfg is None or not cfg.enabled:
        return refusal_page(request, SsoRefused(
            "not_configured", "Inloggen met je schoolaccount is voor deze school niet (meer) "
            "ingesteld.", 404))
    if "error" in request.query:
        return refusal_page(request, SsoRefused(
            "provider_said_no", "Inloggen is afgebroken bij de identiteitsprovider van je "
            "school. Probeer het opnieuw, of vraag de beheerder om hulp.", 400))
    code = request.query.get("code", "")
    if not code:
        return refusal_page(request, SsoRefused(
            "no_code", "Het antwoord van de identiteitsprovider was onvolledig. Begin opnieuw "
            "met inloggen.", 400))
    try:
        claims = await sso.client.finish(store.provider_of(cfg, sso.secret_key), code=code,
                                         redirect_uri=redirect_uri(request),
                                         code_verifier=verifier, nonce=nonce)
        async with sso.db.session() as s:
            cfg = await s.get(SchoolSso, school_id)
            assert cfg is not None
            user = await accounts.sign_in(s, school_id, cfg, claims)
            if purpose == "dashboard" and user.role not in sessions.DASHBOARD_ROLES:
                raise SsoRefused("not_dashboard", "Het dashboard is alleen voor de directie en "
                                 "het bestuur. Zie je een ontsporende discussie? Meld die bij "
                                 "de directie.", 403)
            user_id = user.id
            handoff = None
            if purpose == "extension":
                handoff = generate_token(40)
                flow = await s.get(SsoFlow, flow_key)
                if flow is None:
                    raise SsoRefused("unknown_state", "Deze inlogpoging is verlopen of al "
                                     "gebruikt. Begin opnieuw met inloggen.", 400)
                flow.user_id, flow.handoff_hash = user_id, _sha(handoff)
    except SsoRefused as exc:
        return refusal_page(request, exc)
    if purpose == "extension":
        resp = web.HTTPSeeOther(f"{BASE}/extension/done?" + urlencode(
            {"code": handoff, "state": ext_state}))
        resp.headers["Referrer-Policy"] = "no-referrer"
        raise resp
    async with sso.db.session() as s:
        user_row = await s.get(User, user_id)
    assert user_row is not None
    token, _ = await sessions.start_session(sso.db, user_row)
    target = next_path or "/dashboard/"
    # a page, not a redirect: the session cookie is SameSite=Strict, and a redirect chain that
    # began at the provider counts as cross-site, so the browser would not send it yet
    resp = page(request, "signed_in", "Je bent ingelogd", "Je wordt doorgestuurd naar het "
                "dashboard.", target=target)
    resp.headers["Refresh"] = f"0; url={target}"
    sessions.set_cookie(resp, sessions.COOKIE, token, secure=request.secure or (
        sso.settings.public_url or "").startswith("https://"),
        max_age=sessions.SESSION_HOURS * 3600)
    return resp


async def extension_done(request: web.Request) -> web.Response:
    """The extension reads the code from this tab's address and closes it; the page is for the
    moment in between (or a browser where the extension missed it)."""
    return page(request, "extension_done", "Je bent ingelogd bij Denkna",
                "De extensie neemt het over; dit tabblad sluit vanzelf. Gebeurt dat niet, sluit "
                "het dan zelf.")


# --- the extension's token ---------------------------------------------------------------------


class CodeExchange(Strict):
    code: Str
    code_verifier: Str


async def extension_token(request: web.Request) -> web.Response:
    body = await read_json(request, CodeExchange)
    sso = request.app[SSO]
    bad = ApiError(400, "invalid_code", "Deze inlogcode is verlopen of al gebruikt; log "
                   "opnieuw in met je schoolaccount.")
    if len(body.code) > 200 or len(body.code_verifier) > 200:
        raise bad
    now = utcnow()
    answer: dict[str, Any] | None = None
    async with sso.db.session() as s:
        flow = await s.scalar(select(SsoFlow).where(SsoFlow.handoff_hash == _sha(body.code)))
        if flow is None or flow.user_id is None:
            raise bad
        await s.delete(flow)  # one try: a wrong verifier burns the code too
        user = await s.get(User, flow.user_id)
        if (flow.expires_at >= now and flow.ext_challenge and hmac.compare_digest(
                _s256(body.code_verifier), flow.ext_challenge)
                and user is not None and user.active):
            token, plaintext = await tokens.issue(s, user.id, sso.lifetime, now)
            s.add(AuditLog(school_id=user.school_id, actor_user_id=user.id,
                           action="sso.extension_token", target=f"token:{token.id}",
                           details={}))
            answer = tokens.answer(token, plaintext)
    if answer is None:
        raise bad
    return web.json_response(answer, headers={"Cache-Control": "no-store"})


@requires("staff", "leadership", "board")
async def rotate_token(request: web.Request) -> web.Response:
    principal = principal_of(request)
    if principal.scope != EXTENSION_SCOPE:
        raise ApiError(400, "not_rotatable", "Alleen tokens van de extensie (na inloggen met "
                       "je schoolaccount) worden vernieuwd.")
    sso = request.app[SSO]
    async with sso.db.session() as s:
        token, plaintext = await tokens.rotate(s, principal.token_id, sso.lifetime)
        answer = tokens.answer(token, plaintext)
    return web.json_response(answer, headers={"Cache-Control": "no-store"})


@requires("staff", "leadership", "board")
async def token_info(request: web.Request) -> web.Response:
    principal = principal_of(request)
    return web.json_response({
        "role": principal.role, "scope": principal.scope,
        "expires_at": principal.expires_at.isoformat() if principal.expires_at else None})


# --- the admin's set-up ------------------------------------------------------------------------


async def _school(request: web.Request) -> int:
    school_id = path_int(request, "school_id")
    async with request.app[SSO].db.session() as s:
        if await s.get(School, school_id) is None:
            raise ApiError(404, "not_found", "Deze school bestaat niet.")
    return school_id


@requires("admin")
async def get_config(request: web.Request) -> web.Response:
    school_id = await _school(request)
    async with request.app[SSO].db.session() as s:
        row = await s.get(SchoolSso, school_id)
        if row is None:
            return web.json_response({"school_id": school_id, "configured": False})
        return web.json_response({**store.public_view(row), "configured": True,
                                  "redirect_uri": redirect_uri(request)})


@requires("admin")
async def put_config(request: web.Request) -> web.Response:
    school_id = await _school(request)
    body = await read_json(request, store.SsoConfigIn)
    sso = request.app[SSO]
    actor = principal_of(request).user_id
    async with sso.db.session() as s:
        ways = await store.ways_in(s, school_id)
        if problem := store.admin_lock_out(ways.cut_off(ways.current, store.Access.of(body)),
                                           actor):
            raise ApiError(409, "would_lock_out_admin", problem)
        row = await store.configure(s, sso.secret_key, school_id, body, actor=actor)
        view = {**store.public_view(row), "configured": True,
                "redirect_uri": redirect_uri(request)}
    return web.json_response(view)


@requires("admin")
async def delete_config(request: web.Request) -> web.Response:
    school_id = await _school(request)
    actor = principal_of(request).user_id
    async with request.app[SSO].db.session() as s:
        ways = await store.ways_in(s, school_id)
        if problem := store.admin_lock_out(ways.cut_off(ways.current, None), actor):
            raise ApiError(409, "would_lock_out_admin", problem)
        await store.remove(s, school_id, actor=actor)
    return web.json_response({"school_id": school_id, "configured": False})
