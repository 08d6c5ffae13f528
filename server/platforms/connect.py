"""Connecting an official account ("Account koppelen"): the OAuth flow of each platform, from the
consent screen to a stored, encrypted grant. The dashboard (server/dashboard/connect_page.py)
and `denkna accounts connect` both drive it.

- **Meta** (Facebook, Instagram): Facebook Login (for Business: `config_id`); the code becomes a
  user token, that a long-lived one, and `/me/accounts` gives each Page with its Page token
  (which does not expire when it comes from a long-lived user token). Instagram is the Page's
  `instagram_business_account`. On connect the Page is subscribed to the app's webhooks
  (`POST /{page}/subscribed_apps`).
- **Google** (YouTube): authorization code with `access_type=offline`, `prompt=consent` and
  PKCE; the refresh token is stored (encrypted) with the access token and its expiry; the channel
  is `channels?mine=true`.
- **Mastodon**: Denkna's app on the school's instance (`POST /api/v1/apps` once per instance,
  stored and reused: server/platforms/mastodon_apps.py), then the usual authorization code
  (with PKCE); the account is `verify_credentials`. A code exchange that answers
  `invalid_client` (the instance deleted the app) registers the app anew and asks the user to
  start again.

A flow's state lives in a sealed cookie (`Flow.seal`: Fernet under the server secret, 15
minutes), so any instance can take the callback. Every failure is a `ConnectError` with a Dutch
message, raised before anything is stored.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import aiohttp
from cryptography.fernet import InvalidToken
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server import admin_ops
from server.platforms.base import PlatformSettings
from server.platforms.credentials import Grant, expiry, fernet_for, store_grant
from server.platforms.oauth import PLATFORM_LABELS, OAuthClient, oauth_error, scopes
from server.storage.models import Account, SchoolSetting, User
from server.storage.monitoring_models import PollState

if TYPE_CHECKING:
    from server.platforms.mastodon_apps import MastodonApps

FLOW_INFO = b"denkna/connect-flow/v1"
FLOW_SECONDS = 900
CALLBACK_PATH = "/connect/callback"
LEADERSHIP_SETTING = "accounts.leadership_may_connect"
CLI_PREFIX = "cli-"  # the state of a flow started by `denkna accounts connect`
TIMEOUT = aiohttp.ClientTimeout(total=20)


class ConnectError(Exception):
    """Connecting failed; `message` is Dutch and says what to do. Nothing was stored."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


# --- the flow ----------------------------------------------------------------------------------


@dataclass
class Flow:
    platform: str
    school_id: int
    redirect_uri: str
    user_id: int | None = None  # None: started from the command line
    account_id: int | None = None  # connecting an existing account again
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    instance: str | None = None  # Mastodon: https://school.social
    client_id: str | None = None  # Mastodon: Denkna's app there (mastodon_apps.py)
    client_secret: str | None = None
    started: float = field(default_factory=time.time)

    @property
    def state(self) -> str:
        return (CLI_PREFIX if self.user_id is None else "") + self.nonce

    def seal(self, secret: str) -> str:
        return fernet_for(secret, FLOW_INFO).encrypt(json.dumps(asdict(self)).encode()).decode()

    @classmethod
    def unseal(cls, secret: str, value: str | None) -> Flow | None:
        if not value:
            return None
        try:
            data = json.loads(fernet_for(secret, FLOW_INFO).decrypt(value.encode(),
                                                                    ttl=FLOW_SECONDS))
            return cls(**data)
        except (InvalidToken, ValueError, TypeError):
            return None


def challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class Candidate:
    """An account the consent gave access to, ready to be stored."""

    platform: str
    external_id: str
    name: str
    grant: Grant
    settings: dict[str, Any] = field(default_factory=dict)
    page_id: str | None = None  # Meta: the Page to subscribe to webhooks

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "grant": asdict(self.grant)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Candidate:
        g = dict(data["grant"])
        g["scopes"] = tuple(g.get("scopes") or ())
        return cls(**{**data, "grant": Grant(**g)})


def seal_candidates(secret: str, flow: Flow, found: list[Candidate]) -> str:
    body = {"flow": asdict(flow), "candidates": [c.to_json() for c in found]}
    return fernet_for(secret, FLOW_INFO).encrypt(json.dumps(body).encode()).decode()


def unseal_candidates(secret: str, value: str | None) -> tuple[Flow, list[Candidate]] | None:
    if not value:
        return None
    try:
        body = json.loads(fernet_for(secret, FLOW_INFO).decrypt(value.encode(),
                                                                ttl=FLOW_SECONDS))
        return Flow(**body["flow"]), [Candidate.from_json(c) for c in body["candidates"]]
    except (InvalidToken, ValueError, TypeError, KeyError):
        return None


# --- who may connect ---------------------------------------------------------------------------


async def leadership_may_connect(s: AsyncSession, school_id: int) -> bool:
    row = await s.get(SchoolSetting, (school_id, LEADERSHIP_SETTING))
    return bool(row and row.value is True)


async def set_leadership_may_connect(s: AsyncSession, school_id: int, allowed: bool,
                                     actor: int | None) -> None:
    row = await s.get(SchoolSetting, (school_id, LEADERSHIP_SETTING))
    if row is None:
        s.add(SchoolSetting(school_id=school_id, key=LEADERSHIP_SETTING, value=allowed))
    else:
        row.value = allowed
    await admin_ops.audit(s, "accounts.leadership_may_connect", actor=actor,
                          school_id=school_id, details={"allowed": allowed})


async def may_connect(s: AsyncSession, user: User | None, school_id: int) -> bool:
    """Admins always; the school's leadership when the school allows it. (None: the CLI.)"""
    if user is None:
        return True
    if not user.active:
        return False
    if user.role == "admin":
        return True
    return (user.role == "leadership" and user.school_id == school_id
            and await leadership_may_connect(s, school_id))


# --- step 1: where the browser goes ------------------------------------------------------------


LOOPBACK = ("localhost",)


def normalise_instance(text: str) -> str:
    """`school.social` or `https://school.social/` → `https://school.social`. ConnectError for
    anything that is not the address of a server (http only on this computer itself)."""
    raw = (text or "").strip()
    if not raw:
        raise ConnectError("Vul het adres van de Mastodon-server van de school in, "
                           "bijvoorbeeld https://school.social.")
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = parts.hostname or ""
    bad = (parts.scheme not in ("http", "https") or not host or parts.username
           or parts.password or parts.query or parts.fragment or parts.path not in ("", "/")
           or len(raw) > 300 or any(c.isspace() for c in raw))
    if not bad and "." not in host and host not in LOOPBACK:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            bad = True
    if bad:
        raise ConnectError(f"'{text.strip()[:100]}' is geen adres van een server. Vul alleen "
                           "het adres van de Mastodon-server in, bijvoorbeeld "
                           "https://school.social (zonder @naam of pad).")
    if parts.scheme == "http" and not _is_loopback(host):
        raise ConnectError("Gebruik een beveiligd adres (https://): Denkna stuurt geen "
                           "toegangscodes over een onbeveiligde verbinding.")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host.lower()}{port}"


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def authorize_url(flow: Flow, settings: PlatformSettings, client: OAuthClient | None) -> str:
    """The platform's consent screen for this flow."""
    label = PLATFORM_LABELS[flow.platform]
    if flow.platform == "mastodon":
        if not flow.instance or not flow.client_id:
            raise ConnectError("Vul eerst het adres van de Mastodon-server in.")
        return f"{flow.instance}/oauth/authorize?" + urlencode({
            "response_type": "code", "client_id": flow.client_id,
            "redirect_uri": flow.redirect_uri, "scope": " ".join(scopes("mastodon")),
            "state": flow.state, "code_challenge": challenge(flow.verifier),
            "code_challenge_method": "S256"})
    if client is None:
        raise ConnectError(f"Koppelen met {label} is op deze server nog niet ingesteld: de "
                           "beheerder moet eerst de app-gegevens (client_id en client_secret) "
                           "invullen. Zie docs/platforms.md.", 409)
    if flow.platform == "youtube":
        return f"{settings.auth_url}?" + urlencode({
            "client_id": client.client_id, "redirect_uri": flow.redirect_uri,
            "response_type": "code", "scope": " ".join(scopes("youtube")),
            "access_type": "offline", "prompt": "consent", "include_granted_scopes": "true",
            "state": flow.state, "code_challenge": challenge(flow.verifier),
            "code_challenge_method": "S256"})
    params = {"client_id": client.client_id, "redirect_uri": flow.redirect_uri,
              "state": flow.state, "response_type": "code"}
    if client.config_id:  # Facebook Login for Business: the configuration names the permissions
        params["config_id"] = client.config_id
    else:
        params["scope"] = ",".join(scopes(flow.platform))
    return (f"{settings.auth_url.rstrip('/')}/{settings.version}/dialog/oauth?"
            + urlencode(params))


# --- step 2: the callback ----------------------------------------------------------------------


def check_callback(flow: Flow | None, query: Mapping[str, str]) -> Flow:
    """The flow this callback belongs to, or ConnectError (state mismatch, denied consent)."""
    if flow is None or not secrets.compare_digest(str(query.get("state", "")), flow.state):
        raise ConnectError("Deze koppeling kon niet worden gecontroleerd: de beveiligingscode "
                           "klopt niet of de koppeling duurde langer dan 15 minuten. Er is "
                           "niets gekoppeld. Start het koppelen opnieuw vanaf de accountpagina.")
    label = PLATFORM_LABELS[flow.platform]
    if query.get("error"):
        if query.get("error") == "access_denied" or query.get("error_reason") == "user_denied":
            raise ConnectError(f"U heeft bij {label} geen toestemming gegeven. Er is niets "
                               "gekoppeld; zonder die toestemming kan Denkna de reacties niet "
                               "lezen.")
        raise ConnectError(f"{label} weigerde de koppeling ({query.get('error', '')[:60]}). "
                           "Er is niets gekoppeld.")
    if not query.get("code"):
        raise ConnectError(f"{label} stuurde geen code terug. Er is niets gekoppeld; start het "
                           "koppelen opnieuw.")
    return flow


def _expired_code(label: str) -> ConnectError:
    return ConnectError(f"De code van {label} is verlopen of al gebruikt (een code werkt één "
                        "keer, tien minuten lang). Er is niets gekoppeld; start het koppelen "
                        "opnieuw.")


def _app_gone(instance: str, renewed: bool) -> ConnectError:
    host = urlsplit(instance).hostname or instance
    return ConnectError(f"De Mastodon-server {host} kende de app van Denkna niet meer (door de "
                        "beheerder van die server verwijderd of opgeruimd). Er is niets "
                        "gekoppeld. " + ("Denkna heeft zich daar opnieuw aangemeld: start het "
                                         "koppelen opnieuw, dan lukt het wel." if renewed else
                                         "Start het koppelen opnieuw."), 409)


class _ClientRejected(Exception):
    """The token endpoint answered `invalid_client`: it does not know this OAuth client."""


def unreachable(label: str) -> ConnectError:
    return ConnectError(f"{label} is nu niet bereikbaar of gaf een onverwacht antwoord. Er is "
                        "niets gekoppeld; probeer het over een paar minuten opnieuw.", 502)


async def _json(resp: aiohttp.ClientResponse, label: str) -> Any:
    try:
        return await resp.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        raise unreachable(label) from None


async def finish(http: aiohttp.ClientSession, flow: Flow, code: str,
                 settings: PlatformSettings, client: OAuthClient | None,
                 now: float | None = None, apps: MastodonApps | None = None
                 ) -> list[Candidate]:
    """Exchange the code and find the account(s) it gives access to. Mastodon: when the
    instance no longer knows Denkna's app, `apps` registers it anew (once) and the Dutch
    error asks the user to start again."""
    now = time.time() if now is None else now
    label = PLATFORM_LABELS[flow.platform]
    try:
        if flow.platform == "mastodon":
            try:
                return await _finish_mastodon(http, flow, code, label)
            except _ClientRejected:
                if apps is None or not flow.instance or not flow.client_id:
                    raise _app_gone(flow.instance or "", renewed=False) from None
                await apps.renew(flow.instance, flow.redirect_uri, flow.client_id)
                raise _app_gone(flow.instance, renewed=True) from None
        if client is None:
            raise ConnectError(f"Koppelen met {label} is op deze server niet ingesteld.", 409)
        if flow.platform == "youtube":
            return await _finish_google(http, flow, code, settings, client, label, now)
        return await _finish_meta(http, flow, code, settings, client, label)
    except (TimeoutError, aiohttp.ClientError):
        raise unreachable(label) from None


async def _exchange_code(http: aiohttp.ClientSession, url: str, form: Mapping[str, str],
                         label: str, client_may_be_gone: bool = False) -> Mapping:
    """The OAuth token request for an authorization code: the answer's body, or the Dutch
    error (an expired or used code; the platform unreachable or answering nonsense).
    `client_may_be_gone` (Mastodon): `invalid_client` / 401 raises _ClientRejected."""
    async with http.post(url, data=form, timeout=TIMEOUT) as r:
        if r.status >= 400:
            error, _ = await oauth_error(r)
            if error == "invalid_grant":
                raise _expired_code(label)
            if client_may_be_gone and (error == "invalid_client" or r.status == 401):
                raise _ClientRejected
            raise unreachable(label)
        body = await _json(r, label)
    return body if isinstance(body, Mapping) else {}


async def _finish_google(http: aiohttp.ClientSession, flow: Flow, code: str,
                         settings: PlatformSettings, client: OAuthClient, label: str,
                         now: float) -> list[Candidate]:
    form = {"code": code, "client_id": client.client_id, "client_secret": client.client_secret,
            "redirect_uri": flow.redirect_uri, "grant_type": "authorization_code",
            "code_verifier": flow.verifier}
    body = await _exchange_code(http, settings.token_url, form, label)
    access = body.get("access_token")
    refresh = body.get("refresh_token")
    if not isinstance(access, str):
        raise unreachable(label)
    if not isinstance(refresh, str) or not refresh:
        raise ConnectError("Google gaf geen vernieuwingstoken (refresh token), zodat Denkna na "
                           "een uur niet meer zou kunnen lezen. Er is niets gekoppeld; trek de "
                           "toegang van Denkna in bij myaccount.google.com en koppel opnieuw.")
    granted = tuple(str(body.get("scope", "")).split())
    grant = Grant(access_token=access, refresh_token=refresh,
                  expires_at=expiry(now, body.get("expires_in")), scopes=granted)
    api = f"{settings.base_url.rstrip('/')}/youtube/{settings.version}"
    async with http.get(f"{api}/channels", params={"part": "snippet", "mine": "true"},
                        headers={"Authorization": f"Bearer {access}"}, timeout=TIMEOUT) as r:
        if r.status >= 400:
            raise unreachable(label)
        channels = await _json(r, label)
    items = channels.get("items") if isinstance(channels, Mapping) else None
    found = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            snippet = item.get("snippet") if isinstance(item.get("snippet"), Mapping) else {}
            found.append(Candidate("youtube", item["id"], str(snippet.get("title") or item["id"]),
                                   grant))
    if not found:
        raise ConnectError("Bij dit Google-account hoort geen YouTube-kanaal. Er is niets "
                           "gekoppeld; kies bij Google het account (of merkaccount) van het "
                           "kanaal van de school.")
    return found


async def _finish_mastodon(http: aiohttp.ClientSession, flow: Flow, code: str,
                           label: str) -> list[Candidate]:
    form = {"grant_type": "authorization_code", "code": code, "client_id": flow.client_id,
            "client_secret": flow.client_secret, "redirect_uri": flow.redirect_uri,
            "code_verifier": flow.verifier, "scope": " ".join(scopes("mastodon"))}
    body = await _exchange_code(http, f"{flow.instance}/oauth/token", form, label,
                                client_may_be_gone=True)
    access = body.get("access_token")
    if not isinstance(access, str):
        raise unreachable(label)
    async with http.get(f"{flow.instance}/api/v1/accounts/verify_credentials",
                        headers={"Authorization": f"Bearer {access}"}, timeout=TIMEOUT) as r:
        if r.status >= 400:
            raise unreachable(label)
        me = await _json(r, label)
    if not isinstance(me, Mapping) or not isinstance(me.get("id"), str):
        raise unreachable(label)
    host = urlsplit(flow.instance or "").hostname or ""
    name = str(me.get("display_name") or me.get("acct") or me["id"])
    grant = Grant(access_token=access, scopes=tuple(str(body.get("scope", "")).split()),
                  extra={"client_id": flow.client_id or ""})
    return [Candidate("mastodon", me["id"], f"{name} (@{me.get('acct', '')}@{host})", grant,
                      settings={"api": {"base_url": flow.instance}})]


async def _graph(http: aiohttp.ClientSession, url: str, label: str,
                 params: Mapping[str, str]) -> tuple[int, Any]:
    async with http.get(url, params=dict(params), timeout=TIMEOUT) as r:
        return r.status, await _json(r, label)


def _graph_code(body: Any) -> tuple[int | None, int | None]:
    err = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(err, Mapping):
        return None, None
    return err.get("code"), err.get("error_subcode")


async def _finish_meta(http: aiohttp.ClientSession, flow: Flow, code: str,
                       settings: PlatformSettings, client: OAuthClient,
                       label: str) -> list[Candidate]:
    graph = f"{settings.token_url.rstrip('/')}/{settings.version}"
    api = f"{settings.base_url.rstrip('/')}/{settings.version}"
    status, body = await _graph(http, f"{graph}/oauth/access_token", label, {
        "client_id": client.client_id, "client_secret": client.client_secret,
        "redirect_uri": flow.redirect_uri, "code": code})
    if status >= 400:
        if _graph_code(body)[0] == 100:
            raise _expired_code(label)
        raise unreachable(label)
    short = body.get("access_token") if isinstance(body, Mapping) else None
    if not isinstance(short, str):
        raise unreachable(label)
    # a long-lived user token: Page tokens made from it do not expire
    status, body = await _graph(http, f"{graph}/oauth/access_token", label, {
        "grant_type": "fb_exchange_token", "client_id": client.client_id,
        "client_secret": client.client_secret, "fb_exchange_token": short})
    user = body.get("access_token") if isinstance(body, Mapping) else None
    if status >= 400 or not isinstance(user, str):
        raise unreachable(label)
    status, body = await _graph(http, f"{api}/me/permissions", label, {"access_token": user})
    granted = {str(p.get("permission")) for p in (body.get("data") or [])
               if isinstance(p, Mapping) and p.get("status") == "granted"} if (
        status < 400 and isinstance(body, Mapping)) else set()
    missing = [s for s in scopes(flow.platform) if s not in granted]
    if missing:
        raise ConnectError(f"Bij {label} zijn niet alle gevraagde rechten gegeven (ontbreekt: "
                           f"{', '.join(missing)}). Er is niets gekoppeld; koppel opnieuw en "
                           "laat alle rechten aangevinkt.")
    pages: list[Mapping[str, Any]] = []
    url: str | None = f"{api}/me/accounts"
    params: dict[str, str] = {"fields": "id,name,access_token,tasks", "access_token": user,
                              "limit": "100"}
    while url and len(pages) < 500:
        async with http.get(url, params=params, timeout=TIMEOUT) as r:
            body = await _json(r, label)
            if r.status >= 400:
                raise unreachable(label)
        pages.extend(p for p in (body.get("data") or []) if isinstance(p, Mapping)
                     and isinstance(p.get("id"), str) and isinstance(p.get("access_token"), str))
        nxt = (body.get("paging") or {}).get("next") if isinstance(body, Mapping) else None
        url, params = (nxt, {}) if isinstance(nxt, str) else (None, {})
    if not pages:
        raise ConnectError("U heeft bij Facebook geen pagina gedeeld met Denkna. Er is niets "
                           "gekoppeld; koppel opnieuw en vink de pagina van de school aan.")
    found: list[Candidate] = []
    for page in pages:
        grant = Grant(access_token=page["access_token"], scopes=tuple(sorted(granted)))
        name = str(page.get("name") or page["id"])
        if flow.platform == "facebook":
            found.append(Candidate("facebook", page["id"], name, grant, page_id=page["id"]))
            continue
        status, body = await _graph(http, f"{api}/{page['id']}", label, {
            "fields": "instagram_business_account{id,username}",
            "access_token": page["access_token"]})
        ig = body.get("instagram_business_account") if isinstance(body, Mapping) else None
        if status < 400 and isinstance(ig, Mapping) and isinstance(ig.get("id"), str):
            found.append(Candidate("instagram", ig["id"],
                                   f"@{ig.get('username') or ig['id']} (via {name})", grant,
                                   settings={"page_id": page["id"]}, page_id=page["id"]))
    if not found:
        raise ConnectError("Aan de gedeelde Facebook-pagina('s) is geen zakelijk of "
                           "creator-account van Instagram gekoppeld. Er is niets gekoppeld; "
                           "koppel eerst in Instagram het account aan de pagina.")
    return found


# --- step 3: store it --------------------------------------------------------------------------


@dataclass(frozen=True)
class Connected:
    account_id: int
    name: str
    platform: str
    new: bool
    webhooks: str | None = None  # Dutch: why webhooks are not on (polling still works)


async def store(s: AsyncSession, secret: str, flow: Flow, found: Candidate,
                user_id: int | None) -> tuple[int, bool]:
    """Create the account (or renew the grant of an existing one); (account id, new?)."""
    label = PLATFORM_LABELS[flow.platform]
    existing = (await s.execute(select(Account).where(
        Account.platform == found.platform,
        Account.external_id == found.external_id))).scalar_one_or_none()
    if flow.account_id is not None:
        target = await s.get(Account, flow.account_id)
        if target is None or target.school_id != flow.school_id:
            raise ConnectError("Dit account bestaat niet meer. Er is niets gekoppeld.", 404)
        if target.external_id != found.external_id or target.platform != found.platform:
            raise ConnectError(f"U gaf toegang tot een ander {label}-account ({found.name}) "
                               f"dan '{target.name}'. Er is niets veranderd; koppel opnieuw en "
                               "kies hetzelfde account.")
        existing = target
    if existing is not None and existing.school_id != flow.school_id:
        raise ConnectError(f"'{found.name}' is al gekoppeld aan een andere school. Er is niets "
                           "veranderd.", 409)
    new = existing is None
    if existing is None:
        existing = await admin_ops.create_account(
            s, school_id=flow.school_id, platform=found.platform,
            external_id=found.external_id, name=found.name[:200], settings=found.settings,
            actor=user_id)
    else:
        settings = dict(existing.settings or {})
        for key, value in found.settings.items():
            settings[key] = {**settings.get(key, {}), **value} if isinstance(value, dict) and (
                isinstance(settings.get(key), dict)) else value
        existing.settings = settings
        existing.status = "active"
    await store_grant(s, secret, existing.id, found.grant, user_id)
    await s.execute(update(PollState).where(PollState.account_id == existing.id).values(
        next_attempt_at=None, consecutive_failures=0, last_error=None, reauth_alerted_at=None))
    await admin_ops.audit(s, "account.connected", actor=user_id, school_id=flow.school_id,
                          target=f"account:{existing.id}",
                          details={"platform": found.platform, "new": new,
                                   "scopes": list(found.grant.scopes)})
    return existing.id, new


async def subscribe_webhooks(http: aiohttp.ClientSession, settings: PlatformSettings,
                             found: Candidate) -> str | None:
    """Meta: subscribe the Page to the app's webhooks. None when done, else a Dutch reason
    (connecting still counts: polling reads everything, webhooks only make it quicker)."""
    if found.page_id is None:
        return None
    api = f"{settings.base_url.rstrip('/')}/{settings.version}"
    try:
        async with http.post(f"{api}/{found.page_id}/subscribed_apps",
                             data={"subscribed_fields": "feed"}, timeout=TIMEOUT,
                             headers={"Authorization": f"Bearer {found.grant.access_token}"}
                             ) as r:
            if r.status < 400:
                return None
            body = await r.json(content_type=None)
    except (TimeoutError, aiohttp.ClientError, ValueError):
        return ("Meta was niet bereikbaar om meldingen (webhooks) aan te zetten; Denkna leest "
                "wel mee door regelmatig op te halen.")
    message = (body.get("error") or {}).get("message", "") if isinstance(body, Mapping) else ""
    return ("Meta zette de meldingen (webhooks) niet aan"
            + (f" ({str(message)[:120]})" if message else "")
            + "; Denkna leest wel mee door regelmatig op te halen. Zie docs/platforms.md "
              "(app-beoordeling en bedrijfsverificatie).")
