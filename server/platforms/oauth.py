"""OAuth with the platforms: which permissions Denkna asks for and why (in Dutch, shown on the
connect screen and in docs/platforms.md), the installation's OAuth clients, and the token calls
polling needs (Google: a new access token from the refresh token before the old one expires).

The connect flows themselves (consent, callback, choosing the page) are in
server/platforms/connect.py.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from server.platforms.base import AuthExpired, PlatformError, PlatformSettings, TransientError
from server.platforms.credentials import Grant, expiry

log = logging.getLogger("denkna.monitoring")

REFRESH_MARGIN = 300.0  # seconds before expiry an access token is renewed


@dataclass(frozen=True)
class Permission:
    name: str
    why: str  # Dutch, for the connect screen


META_LOGIN = (
    Permission("pages_show_list", "om de Facebook-pagina's te tonen die u beheert, zodat u "
                                  "kiest welke Denkna meeleest"),
    Permission("pages_read_engagement", "om de berichten van de pagina en hun aantallen "
                                        "reacties te lezen"),
    Permission("pages_read_user_content", "om de reacties van bezoekers onder de berichten te "
                                          "lezen, ook als hun naam verborgen is"),
    Permission("pages_manage_engagement", "om op uw verzoek een reactie te verbergen, te "
                                          "verwijderen of namens de pagina te antwoorden"),
    Permission("pages_manage_metadata", "om de pagina aan te melden voor meldingen (webhooks), "
                                        "zodat bewerkte, verborgen en verwijderde reacties "
                                        "direct binnenkomen"),
)
INSTAGRAM_LOGIN = (
    Permission("instagram_basic", "om het Instagram-account te vinden dat aan de "
                                  "Facebook-pagina gekoppeld is, en zijn berichten te lezen"),
    Permission("instagram_manage_comments", "om reacties te lezen en op uw verzoek te "
                                            "verbergen, te verwijderen of te beantwoorden"),
    *(p for p in META_LOGIN if p.name in ("pages_show_list", "pages_read_engagement",
                                          "pages_manage_metadata")),
)
YOUTUBE_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
GOOGLE_LOGIN = (
    Permission(YOUTUBE_SCOPE, "om de reacties onder de video's van het kanaal te lezen (ook "
                              "reacties die YouTube ter beoordeling vasthoudt) en op uw verzoek "
                              "een reactie af te wijzen, vast te houden of te beantwoorden; "
                              "Google kent hiervoor geen smallere toestemming"),
)
MASTODON_SCOPES = (
    Permission("profile", "om te zien welk account u koppelt (naam en adres)"),
    Permission("read:statuses", "om de berichten van het account en de antwoorden eronder te "
                                "lezen"),
    Permission("read:notifications", "om vermeldingen van het account elders te zien"),
    Permission("write:statuses", "om op uw verzoek namens het account te antwoorden"),
    Permission("write:mutes", "om op uw verzoek een afzender te dempen (Mastodon kent geen "
                              "verbergen van een antwoord)"),
    Permission("write:blocks", "om op uw verzoek een afzender te blokkeren"),
)
PERMISSIONS: dict[str, tuple[Permission, ...]] = {
    "facebook": META_LOGIN,
    "instagram": INSTAGRAM_LOGIN,
    "youtube": GOOGLE_LOGIN,
    "mastodon": MASTODON_SCOPES,
}
PLATFORM_LABELS = {"facebook": "Facebook", "instagram": "Instagram", "youtube": "YouTube",
                   "mastodon": "Mastodon"}


def scopes(platform: str) -> tuple[str, ...]:
    return tuple(p.name for p in PERMISSIONS[platform])


@dataclass(frozen=True)
class OAuthClient:
    """The installation's own OAuth client of a platform (a Meta app, a Google OAuth client),
    from `[monitoring.platforms.<platform>]`: client_id, client_secret and, for Facebook Login
    for Business, config_id. Instagram uses Facebook's. Mastodon registers one per instance."""

    client_id: str
    client_secret: str
    config_id: str | None = None


def client_for(platforms: Mapping[str, Mapping[str, Any]], platform: str) -> OAuthClient | None:
    section = dict(platforms.get("facebook" if platform == "instagram" else platform) or {})
    if platform == "instagram":
        section.update({k: v for k, v in (platforms.get("instagram") or {}).items()
                        if k in ("client_id", "client_secret", "config_id")})
    cid, secret = section.get("client_id"), section.get("client_secret")
    if not isinstance(cid, str) or not cid or not isinstance(secret, str) or not secret:
        return None
    config = section.get("config_id")
    return OAuthClient(cid, secret, config if isinstance(config, str) and config else None)


async def oauth_error(resp: aiohttp.ClientResponse) -> tuple[str, str]:
    """(error, description) of an OAuth error answer (Google and Mastodon shapes)."""
    try:
        body = await resp.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        body = {}
    if not isinstance(body, Mapping):
        body = {}
    error = body.get("error")
    if isinstance(error, Mapping):  # Graph shape
        return str(error.get("code", "")), str(error.get("message", ""))
    return str(error or f"HTTP {resp.status}"), str(body.get("error_description") or "")


async def google_refresh(http: aiohttp.ClientSession, settings: PlatformSettings,
                         client: OAuthClient, grant: Grant, now: float | None = None) -> Grant:
    """A new access token from the refresh token. A revoked or expired refresh token
    (`invalid_grant`) is AuthExpired: the school must connect again."""
    if not grant.refresh_token:
        raise AuthExpired("geen refresh-token opgeslagen")
    form = {"grant_type": "refresh_token", "refresh_token": grant.refresh_token,
            "client_id": client.client_id, "client_secret": client.client_secret}
    try:
        async with http.post(settings.token_url, data=form,
                             timeout=aiohttp.ClientTimeout(total=settings.retry.timeout)) as resp:
            if resp.status >= 500:
                raise TransientError(f"token endpoint HTTP {resp.status}", status=resp.status)
            if resp.status >= 400:
                error, _ = await oauth_error(resp)
                if error in ("invalid_grant", "unauthorized_client", "invalid_client"):
                    raise AuthExpired(f"refresh refused: {error}", status=resp.status)
                raise PlatformError(f"refresh refused: {error}", status=resp.status)
            body = await resp.json(content_type=None)
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise TransientError(f"token endpoint: {type(exc).__name__}") from exc
    if not isinstance(body, Mapping) or not isinstance(body.get("access_token"), str):
        raise TransientError("token endpoint gave no access token")
    now = time.time() if now is None else now
    return Grant(access_token=body["access_token"],
                 refresh_token=body.get("refresh_token") or grant.refresh_token,
                 expires_at=expiry(now, body.get("expires_in")), scopes=grant.scopes,
                 extra=grant.extra)
