"""Denkna's app on each Mastodon instance: registered once (`POST /api/v1/apps`) per instance and
redirect URI, stored in `mastodon_apps` (the client secret encrypted like the account tokens,
server/platforms/credentials.py) and reused by every connect there. A school that connects
again, or a board with many schools on one instance, leaves no trail of apps behind.

Before a stored app is used, the instance is asked whether it still knows it: a
`client_credentials` token request (the token is revoked at once). An app the instance no
longer knows (say its admin deleted it) answers `invalid_client` (401); Denkna then registers
anew and replaces the stored app. The same happens
when the code exchange of a connect answers `invalid_client` (`connect.finish` calls `renew`).

Registering anew happens once: connects in this process wait for each other (a lock per instance
and redirect URI), and the stored row is replaced only while it still holds the app that was
found dead (other server instances: the one that comes second uses the app stored first).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiohttp
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from server.platforms.connect import TIMEOUT, ConnectError, Flow, unreachable
from server.platforms.credentials import CredentialError, decrypt_token, encrypt_token
from server.platforms.oauth import oauth_error, scopes
from server.storage.db import Database
from server.storage.monitoring_models import MastodonApp

APP_NAME = "Denkna"
CHECK_SCOPE = "read:statuses"  # asked for the app's own token when checking it is still known

_locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
    weakref.WeakValueDictionary())


@dataclass(frozen=True)
class MastodonClient:
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class _Stored:
    client_id: str
    client: MastodonClient | None  # None: the secret cannot be decrypted (server key changed)
    scopes: str

    @property
    def usable(self) -> bool:
        return self.client is not None and self.scopes == _scopes()


def _scopes() -> str:
    return " ".join(scopes("mastodon"))


class MastodonApps:
    """The apps Denkna registered on Mastodon instances; `prepare(flow)` gives a connect its
    client. Failures are `ConnectError`s with a Dutch message."""

    def __init__(self, db: Database, secret: str, http: aiohttp.ClientSession, *,
                 website: str | None = None, app_name: str = APP_NAME) -> None:
        self.db, self.secret, self.http = db, secret, http
        self.website, self.app_name = website, app_name

    async def prepare(self, flow: Flow) -> None:
        """Fill in the flow's client: the stored app of its instance, or a new one."""
        if not flow.instance:
            raise ConnectError("Vul eerst het adres van de Mastodon-server in.")
        client = await self.client_for(flow.instance, flow.redirect_uri)
        flow.client_id, flow.client_secret = client.client_id, client.client_secret

    async def client_for(self, instance: str, redirect_uri: str) -> MastodonClient:
        """The stored app if the instance still knows it, else a newly registered one."""
        async with _lock(instance, redirect_uri):
            stored = await self._stored(instance, redirect_uri)
            if stored is not None and stored.client is not None and stored.usable and (
                    await self._known(instance, stored.client)):
                return stored.client
            return await self._replace(instance, redirect_uri,
                                       stored.client_id if stored else None)

    async def renew(self, instance: str, redirect_uri: str, dead_client_id: str
                    ) -> MastodonClient:
        """The instance said `invalid_client` for `dead_client_id`: register anew, unless
        another connect already did."""
        async with _lock(instance, redirect_uri):
            stored = await self._stored(instance, redirect_uri)
            if stored is not None and stored.client is not None and stored.usable and (
                    stored.client_id != dead_client_id):
                return stored.client
            return await self._replace(instance, redirect_uri,
                                       stored.client_id if stored else None)

    # --- the database ------------------------------------------------------------------------

    async def _stored(self, instance: str, redirect_uri: str) -> _Stored | None:
        async with self.db.session() as s:
            row = (await s.execute(select(MastodonApp).where(
                MastodonApp.instance == instance,
                MastodonApp.redirect_uri == redirect_uri))).scalar_one_or_none()
        if row is None:
            return None
        try:
            client: MastodonClient | None = MastodonClient(
                row.client_id, decrypt_token(self.secret, row.client_secret_encrypted))
        except CredentialError:
            client = None
        return _Stored(row.client_id, client, row.scopes)

    async def _replace(self, instance: str, redirect_uri: str, old_client_id: str | None
                       ) -> MastodonClient:
        """Register a new app and store it in place of `old_client_id` (None: no row yet). When
        another server instance stored one meanwhile, that one is used."""
        fresh = await self._register(instance, redirect_uri)
        values = {"client_id": fresh.client_id, "scopes": _scopes(),
                  "client_secret_encrypted": encrypt_token(self.secret, fresh.client_secret),
                  "registered_at": datetime.now(UTC)}
        try:
            async with self.db.session() as s:
                if old_client_id is None:
                    s.add(MastodonApp(instance=instance, redirect_uri=redirect_uri, **values))
                    stored_ours = True
                else:
                    result = await s.execute(update(MastodonApp).where(
                        MastodonApp.instance == instance,
                        MastodonApp.redirect_uri == redirect_uri,
                        MastodonApp.client_id == old_client_id).values(**values))
                    stored_ours = result.rowcount == 1  # type: ignore[attr-defined]
        except IntegrityError:
            stored_ours = False
        if stored_ours:
            return fresh
        winner = await self._stored(instance, redirect_uri)
        return winner.client if winner is not None and winner.client is not None else fresh

    # --- the instance ------------------------------------------------------------------------

    async def _register(self, instance: str, redirect_uri: str) -> MastodonClient:
        """`POST /api/v1/apps` on the school's instance."""
        body = {"client_name": self.app_name, "redirect_uris": redirect_uri,
                "scopes": _scopes()}
        if self.website:
            body["website"] = self.website
        host = urlsplit(instance).hostname
        not_mastodon = ConnectError(f"Op {host} draait geen Mastodon-server die Denkna kan "
                                    "bereiken. Controleer het adres (zoals het in de "
                                    "adresbalk staat als u daar inlogt).")
        try:
            async with self.http.post(f"{instance}/api/v1/apps", json=body,
                                      timeout=TIMEOUT) as r:
                if r.status >= 400:
                    raise not_mastodon
                data = await r.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError):
            raise not_mastodon from None
        if not isinstance(data, Mapping) or not isinstance(data.get("client_id"), str) or (
                not isinstance(data.get("client_secret"), str)) or not data["client_id"]:
            raise not_mastodon
        return MastodonClient(data["client_id"], data["client_secret"])

    async def _known(self, instance: str, client: MastodonClient) -> bool:
        """Does the instance still know this app? Only `invalid_client` (401) says no."""
        form = {"grant_type": "client_credentials", "client_id": client.client_id,
                "client_secret": client.client_secret, "scope": CHECK_SCOPE}
        try:
            async with self.http.post(f"{instance}/oauth/token", data=form,
                                      timeout=TIMEOUT) as r:
                if r.status >= 500:
                    raise unreachable("Mastodon")
                if r.status >= 400:
                    error, _ = await oauth_error(r)
                    return not (r.status == 401 or error == "invalid_client")
                body = await r.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError):
            raise unreachable("Mastodon") from None
        except ValueError:
            return True  # it answered 2xx: it knows the app
        token = body.get("access_token") if isinstance(body, Mapping) else None
        if isinstance(token, str):
            await self._revoke(instance, client, token)
        return True

    async def _revoke(self, instance: str, client: MastodonClient, token: str) -> None:
        """The check's token is not needed: revoke it (if that fails it just stays unused)."""
        form = {"client_id": client.client_id, "client_secret": client.client_secret,
                "token": token}
        try:
            async with self.http.post(f"{instance}/oauth/revoke", data=form, timeout=TIMEOUT):
                pass
        except (TimeoutError, aiohttp.ClientError):
            pass


def _lock(instance: str, redirect_uri: str) -> asyncio.Lock:
    key = (instance, redirect_uri)
    lock = _locks.get(key)
    if lock is None:
        lock = _locks[key] = asyncio.Lock()
    return lock
