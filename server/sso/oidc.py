"""The OpenID Connect client side: discovery, the authorization URL (state, nonce, PKCE S256),
the code exchange and the ID token's validation (signature through the provider's JWKS, `iss`,
`aud`, `azp`, `exp`, `iat`, `nonce`). Authlib makes the PKCE challenge and the random values,
joserfc (Authlib's JOSE library) checks the token; aiohttp does the HTTP.

Every refusal is an `SsoRefused` with a Dutch message a teacher understands and a short `code`
for the log; no token, code or claim value is ever logged."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

DISCOVERY_SECONDS = 3600.0
LEEWAY_SECONDS = 60
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=10)
# asymmetric algorithms only: an HS256 token signed with the client secret is not accepted
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")


class SsoRefused(Exception):
    """A sign-in that is refused. `message`: Dutch, for the user; `code`: for logs and tests."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(code)
        self.code, self.message, self.status = code, message, status


MESSAGES = {
    "wrong_issuer": "Inloggen is geweigerd: het inlogbewijs komt niet van de "
                    "identiteitsprovider die je school heeft ingesteld.",
    "bad_signature": "Inloggen is geweigerd: de handtekening van het inlogbewijs klopt niet.",
    "expired": "Inloggen is geweigerd: het inlogbewijs is verlopen. Probeer opnieuw in te "
               "loggen; klopt de klok van deze computer?",
    "wrong_audience": "Inloggen is geweigerd: het inlogbewijs is niet voor Denkna bedoeld.",
    "wrong_nonce": "Inloggen is geweigerd: het inlogbewijs hoort niet bij deze inlogpoging. "
                   "Begin opnieuw.",
    "bad_token": "Inloggen is geweigerd: het inlogbewijs van de identiteitsprovider is "
                 "onleesbaar of onvolledig.",
    "provider_unreachable": "De identiteitsprovider van je school is nu niet bereikbaar. "
                            "Probeer het over een paar minuten opnieuw.",
    "provider_error": "De identiteitsprovider van je school weigerde de inlogpoging. Vraag de "
                      "beheerder om de instellingen van Denkna bij de provider na te kijken.",
}


def refused(code: str, status: int = 400) -> SsoRefused:
    return SsoRefused(code, MESSAGES[code], status)


class ProviderUnreachable(SsoRefused):
    """The provider gave no usable JSON. To a signing-in user this is "provider_unreachable"
    like any other; `reason` (timeout, certificate, tls, dns, connect, status, not_json,
    not_object), `url` and the HTTP `http_status` are for the admin's connection test."""

    def __init__(self, reason: str, url: str, http_status: int | None = None) -> None:
        super().__init__("provider_unreachable", MESSAGES["provider_unreachable"], 502)
        self.reason, self.url, self.http_status = reason, url, http_status


ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def missing_endpoints(document: dict[str, Any]) -> list[str]:
    """The endpoints Denkna needs that the discovery document does not name."""
    return [k for k in ENDPOINTS if not isinstance(document.get(k), str) or not document[k]]


def import_keys(data: dict[str, Any]) -> KeySet:
    try:
        return KeySet.import_key_set(data)  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise refused("provider_error", 502) from exc


@dataclass(frozen=True)
class ProviderSettings:
    """One school's provider, as Denkna uses it (the secret decrypted)."""

    issuer: str
    client_id: str
    client_secret: str | None


@dataclass(frozen=True)
class Start:
    """What one sign-in needs to remember until the provider sends the user back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass
class _Cached:
    at: float
    value: Any


@dataclass
class OidcClient:
    """Discovery documents and key sets are cached per issuer for DISCOVERY_SECONDS; a token
    signed with a key the cache does not know makes one fresh fetch of the key set (key
    rotation at the provider)."""

    session: Callable[[], aiohttp.ClientSession]
    clock: Callable[[], float] = time.time
    _metadata: dict[str, _Cached] = field(default_factory=dict)
    _keys: dict[str, _Cached] = field(default_factory=dict)

    async def get_json(self, url: str) -> dict[str, Any]:
        """A JSON object from the provider; anything else is a `ProviderUnreachable` that
        says why (for the settings page's connection test, check.py)."""
        try:
            async with self.session().get(url, timeout=HTTP_TIMEOUT) as res:
                if res.status != 200:
                    raise ProviderUnreachable("status", url, res.status)
                data = await res.json(content_type=None)
        except TimeoutError as exc:  # aiohttp's own timeouts are TimeoutErrors too
            raise ProviderUnreachable("timeout", url) from exc
        except aiohttp.ClientConnectorCertificateError as exc:
            raise ProviderUnreachable("certificate", url) from exc
        except aiohttp.ClientSSLError as exc:
            raise ProviderUnreachable("tls", url) from exc
        except aiohttp.ClientConnectorDNSError as exc:
            raise ProviderUnreachable("dns", url) from exc
        except aiohttp.ClientError as exc:
            raise ProviderUnreachable("connect", url) from exc
        except ValueError as exc:  # not JSON, or not text at all
            raise ProviderUnreachable("not_json", url) from exc
        if not isinstance(data, dict):
            raise ProviderUnreachable("not_object", url)
        return data

    async def discovery(self, issuer: str) -> dict[str, Any]:
        """The provider's discovery document as it is now: fetched, not cached, not checked."""
        return await self.get_json(discovery_url(issuer))

    async def metadata(self, issuer: str) -> dict[str, Any]:
        cached = self._metadata.get(issuer)
        if cached and self.clock() - cached.at < DISCOVERY_SECONDS:
            return dict(cached.value)
        data = await self.discovery(issuer)
        # OIDC Discovery 4.3: the document's issuer must be the one asked for
        if data.get("issuer") != issuer:
            raise refused("wrong_issuer")
        if missing_endpoints(data):
            raise refused("provider_error", 502)
        self._metadata[issuer] = _Cached(self.clock(), data)
        return dict(data)

    async def key_set(self, jwks_uri: str, *, fresh: bool = False) -> KeySet:
        cached = self._keys.get(jwks_uri)
        if cached and not fresh and self.clock() - cached.at < DISCOVERY_SECONDS:
            return cached.value  # type: ignore[no-any-return]
        keys = import_keys(await self.get_json(jwks_uri))
        self._keys[jwks_uri] = _Cached(self.clock(), keys)
        return keys

    async def start(self, provider: ProviderSettings, redirect_uri: str) -> Start:
        meta = await self.metadata(provider.issuer)
        state, nonce, verifier = generate_token(40), generate_token(32), generate_token(64)
        query = {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        sep = "&" if "?" in meta["authorization_endpoint"] else "?"
        return Start(meta["authorization_endpoint"] + sep + urlencode(query), state, nonce,
                     verifier)

    async def finish(self, provider: ProviderSettings, *, code: str, redirect_uri: str,
                     code_verifier: str, nonce: str) -> dict[str, Any]:
        """The validated claims of the ID token the code is exchanged for."""
        meta = await self.metadata(provider.issuer)
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "code_verifier": code_verifier, "client_id": provider.client_id}
        auth = None
        if provider.client_secret:
            methods = meta.get("token_endpoint_auth_methods_supported") or [
                "client_secret_basic"]
            if "client_secret_basic" in methods:
                auth = aiohttp.BasicAuth(provider.client_id, provider.client_secret)
            else:
                form["client_secret"] = provider.client_secret
        try:
            async with self.session().post(meta["token_endpoint"], data=form, auth=auth,
                                           timeout=HTTP_TIMEOUT) as res:
                body = await res.json(content_type=None)
                status = res.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise refused("provider_unreachable", 502) from exc
        if status != 200 or not isinstance(body, dict):
            raise refused("provider_error")
        id_token = body.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise refused("bad_token")
        return await self.validate(provider, meta, id_token, nonce)

    async def validate(self, provider: ProviderSettings, meta: dict[str, Any], id_token: str,
                       nonce: str) -> dict[str, Any]:
        allowed = [a for a in meta.get("id_token_signing_alg_values_supported") or ["RS256"]
                   if a in ALGORITHMS] or ["RS256"]
        keys = await self.key_set(meta["jwks_uri"])
        try:
            token = _decode(id_token, keys, allowed)
        except _UnknownKey:
            try:
                token = _decode(id_token, await self.key_set(meta["jwks_uri"], fresh=True),
                                allowed)
            except _UnknownKey as exc:  # signed with a key the provider does not publish
                raise refused("bad_signature") from exc
        claims = dict(token.claims)
        registry = jwt.JWTClaimsRegistry(
            now=int(self.clock()), leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": provider.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except ExpiredTokenError as exc:
            raise refused("expired") from exc
        except (InvalidClaimError, MissingClaimError) as exc:
            name = getattr(exc, "claim", "")
            raise refused({"iss": "wrong_issuer", "aud": "wrong_audience",
                           "nonce": "wrong_nonce"}.get(name, "bad_token")) from exc
        except JoseError as exc:
            raise refused("bad_token") from exc
        aud = claims.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != provider.client_id:
            raise refused("wrong_audience")
        return claims


class _UnknownKey(Exception):
    pass


def _decode(id_token: str, keys: KeySet, algorithms: list[str]) -> Any:
    try:
        return jwt.decode(id_token, keys, algorithms=algorithms)
    except BadSignatureError as exc:
        raise refused("bad_signature") from exc
    except InvalidKeyIdError as exc:  # a key the set does not have (yet)
        raise _UnknownKey from exc
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise refused("bad_token") from exc
