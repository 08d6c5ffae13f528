"""A fake OpenID Connect provider (an aiohttp app) so every sign-in flow runs locally:
discovery, JWKS, authorize (a small Dutch login form: type an e-mail address, press Inloggen),
token (checks the code, the client and the PKCE verifier) and a configurable group claim.

`FakeProvider.tamper` makes the next ID tokens bad in one way: "wrong_issuer", "bad_signature"
(signed with a key the JWKS does not publish), "expired", "wrong_audience".
`FakeProvider.fault` breaks what it publishes: "wrong_issuer" (the discovery document names
another issuer), "not_json" (discovery answers with a web page), "no_jwks" (the key set is not
found, HTTP 404), "no_jwks_uri" (discovery names no key set)."""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str
    email: str


@dataclass
class FakeProvider:
    issuer: str = ""  # set when the app is served (http://127.0.0.1:<port>)
    client_id: str = "denkna-test"
    client_secret: str = "geheim-van-de-school"
    group_claim: str = "groups"
    groups: dict[str, list[str]] = field(default_factory=dict)  # e-mail -> groups
    tamper: str | None = None
    fault: str | None = None
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={
        "kid": "fake-1", "use": "sig", "alg": "RS256"}))
    other_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={
        "kid": "fake-1", "use": "sig", "alg": "RS256"}))
    codes: dict[str, Grant] = field(default_factory=dict)
    token_requests: int = 0
    discovery_requests: int = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/.well-known/openid-configuration", self.discovery)
        app.router.add_get("/jwks", self.jwks)
        app.router.add_get("/authorize", self.authorize)
        app.router.add_post("/authorize", self.authorize_submit)
        app.router.add_post("/token", self.token)
        return app

    async def discovery(self, _r: web.Request) -> web.Response:
        self.discovery_requests += 1
        if self.fault == "not_json":
            return web.Response(content_type="text/html", text="<!doctype html><html lang=nl>"
                                "<title>Welkom</title><h1>Welkom op onze website</h1></html>")
        document = {
            "issuer": "https://login.example.org/andere-tenant/v2.0"
            if self.fault == "wrong_issuer" else self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }
        if self.fault == "no_jwks_uri":
            del document["jwks_uri"]
        return web.json_response(document)

    async def jwks(self, _r: web.Request) -> web.Response:
        if self.fault == "no_jwks":
            raise web.HTTPNotFound()
        return web.json_response(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("client_id") != self.client_id or q.get("code_challenge_method") != "S256":
            return web.Response(status=400, text="onbekende client of geen PKCE")
        hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                         for k, v in q.items())
        return web.Response(content_type="text/html", text=(
            "<!doctype html><html lang=nl><title>Schoolaccount</title><h1>Inloggen bij je "
            f"school</h1><form method=post action=/authorize>{hidden}<label>E-mailadres "
            "<input id=email name=email type=email></label><button id=signin type=submit>"
            "Inloggen</button></form></html>"))

    async def authorize_submit(self, request: web.Request) -> web.Response:
        form = await request.post()
        code = secrets.token_urlsafe(24)
        self.codes[code] = Grant(str(form["client_id"]), str(form["redirect_uri"]),
                                 str(form["code_challenge"]), str(form["nonce"]),
                                 str(form["email"]).strip().lower())
        target = str(form["redirect_uri"]) + "?" + urlencode({"code": code,
                                                              "state": str(form["state"])})
        raise web.HTTPFound(target)

    async def token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        form = await request.post()
        auth = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(
            f"{self.client_id}:{self.client_secret}".encode()).decode()
        if auth != expected:
            return web.json_response({"error": "invalid_client"}, status=401)
        grant = self.codes.pop(str(form.get("code", "")), None)
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return web.json_response({"error": "invalid_grant"}, status=400)
        verifier = str(form.get("code_verifier", ""))
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()
                                          ).rstrip(b"=").decode()
        if digest != grant.challenge:
            return web.json_response({"error": "invalid_grant"}, status=400)
        return web.json_response({"access_token": secrets.token_urlsafe(16),
                                  "token_type": "Bearer", "expires_in": 3600,
                                  "id_token": self.id_token(grant)})

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.client_id, "sub": "sub-" + hashlib.sha256(
                grant.email.encode()).hexdigest()[:16],
            "iat": now, "exp": now + 600, "nonce": grant.nonce, "email": grant.email,
            "email_verified": True, "name": grant.email.split("@")[0].title(),
        }
        if grant.email in self.groups:
            claims[self.group_claim] = self.groups[grant.email]
        key = self.key
        if self.tamper == "wrong_issuer":
            claims["iss"] = "https://login.example.org/andere-tenant/v2.0"
        elif self.tamper == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif self.tamper == "wrong_audience":
            claims["aud"] = "een-andere-app"
        elif self.tamper == "bad_signature":
            key = self.other_key
        return jwt.encode({"alg": "RS256", "kid": "fake-1"}, claims, key)
