"""A real Denkna app on a local port with the fake platforms as its Facebook, Instagram, YouTube
and Mastodon (their OAuth clients registered, the platforms' redirect to /connect/callback
allowed), an admin and a principal with dashboard sessions, and a tiny cookie-keeping "browser"
that follows the consent screens of the fakes (the Chromium tests click them for real)."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import select
from yarl import URL

from denkna_demo.fakes import FakePlatformServer, FakeWorld
from server import admin_ops, keys
from server.app import create_app
from server.dashboard import sessions
from server.passwords import hash_password
from server.storage.models import Account, AuditLog, User
from tests.schedules.conftest import FAST_API, fast_monitoring, make_settings
from tests.server.escalation.factory import free_port

PASSWORD = "Veilig-wachtwoord-2026"
META_SECRET = "meta-app-geheim-" + "x" * 16
GOOGLE_SECRET = "google-client-geheim-" + "y" * 12


@dataclass
class Site:
    app: web.Application
    base: str
    world: FakeWorld
    servers: dict[str, FakePlatformServer]
    school_id: int
    users: dict[str, int] = field(default_factory=dict)  # role -> user id
    emails: dict[str, str] = field(default_factory=dict)

    @property
    def callback(self) -> str:
        return self.base + "/connect/callback"

    async def session_cookie(self, role: str) -> str:
        async with self.app[keys.DB].session() as s:
            user = await s.get(User, self.users[role])
        token, _ = await sessions.start_session(self.app[keys.DB], user)
        return token

    async def browser(self, role: str = "admin") -> Browser:
        jar = aiohttp.CookieJar(unsafe=True)
        http = aiohttp.ClientSession(cookie_jar=jar)
        jar.update_cookies({sessions.COOKIE: await self.session_cookie(role)},
                           response_url=URL(self.base))
        return Browser(http, self)

    async def accounts(self) -> list[Account]:
        async with self.app[keys.DB].session() as s:
            return list((await s.execute(select(Account).order_by(Account.id))).scalars())

    async def audits(self, action: str) -> list[AuditLog]:
        async with self.app[keys.DB].session() as s:
            return list((await s.execute(select(AuditLog).where(
                AuditLog.action == action))).scalars())


CSRF = re.compile(r'name="csrf" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="account" value="([^"]+)"')


@dataclass
class Browser:
    """Just enough of a browser for the connect flow: cookies, redirects, the consent form."""

    http: aiohttp.ClientSession
    site: Site
    last_url: str = ""

    async def get(self, url: str) -> tuple[int, str]:
        async with self.http.get(self._abs(url)) as r:
            self.last_url = str(r.url)
            return r.status, await r.text()

    async def post(self, url: str, data: dict[str, str]) -> tuple[int, str]:
        async with self.http.post(self._abs(url), data=data) as r:
            self.last_url = str(r.url)
            return r.status, await r.text()

    def _abs(self, url: str) -> str:
        return url if url.startswith("http") else self.site.base + url

    async def csrf(self, path: str = "/dashboard/accounts/connect") -> str:
        _, body = await self.get(path)
        found = CSRF.search(body)
        assert found, body[:500]
        return found.group(1)

    async def consent(self, page_html: str, allow: bool = True,
                      accounts: list[str] | None = None, follow: bool = True
                      ) -> tuple[int, str]:
        """Answer a fake platform's consent page (the form posts back to the page's URL);
        `follow=False`: (status, where the platform sends the browser)."""
        data = {unescape(k): unescape(v) for k, v in HIDDEN.findall(page_html)}
        chosen = accounts if accounts is not None else CHOICE.findall(page_html)[:1]
        form = aiohttp.FormData()
        for k, v in data.items():
            form.add_field(k, v)
        for a in chosen:
            form.add_field("account", a)
        form.add_field("decision", "allow" if allow else "deny")
        async with self.http.post(self.last_url.split("?")[0], data=form,
                                  allow_redirects=follow) as r:
            self.last_url = str(r.url)
            if not follow:
                return r.status, r.headers.get("Location", "")
            return r.status, await r.text()

    async def close(self) -> None:
        await self.http.close()


async def make_site(tmp_path: Path) -> AsyncIterator[Site]:
    world = FakeWorld()
    servers = {p: await FakePlatformServer(world, p).start()
               for p in ("facebook", "youtube", "mastodon")}
    servers["instagram"] = servers["facebook"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    callback = base + "/connect/callback"
    world.add_client("facebook", "denkna-meta-app", META_SECRET, name="Denkna",
                     redirect_uris=(callback,))
    world.add_client("youtube", "denkna.apps.googleusercontent.com", GOOGLE_SECRET,
                     name="Denkna", redirect_uris=(callback,))
    graph, yt = servers["facebook"].url, servers["youtube"].url
    meta = {**FAST_API, "base_url": graph, "auth_url": graph, "token_url": graph,
            "client_id": "denkna-meta-app", "client_secret": META_SECRET}
    platforms = {
        "facebook": meta, "instagram": {**FAST_API, "base_url": graph, "auth_url": graph,
                                        "token_url": graph},
        "youtube": {**FAST_API, "base_url": yt, "auth_url": yt + "/o/oauth2/v2/auth",
                    "token_url": yt + "/token", "client_id": "denkna.apps.googleusercontent.com",
                    "client_secret": GOOGLE_SECRET},
        "mastodon": dict(FAST_API),
    }
    app = create_app(make_settings(tmp_path))
    app[keys.MONITOR].settings = fast_monitoring(platforms=platforms)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    async with app[keys.DB].session() as s:
        school = await admin_ops.create_school(s, "OBS De Klimop", "klimop")
        site = Site(app, base, world, servers, school.id)
        for role, school_id in (("admin", None), ("leadership", school.id)):
            email = f"{role}-{secrets.token_hex(3)}@klimop.nl"
            user = await admin_ops.create_user(s, name=f"{role} Klimop", role=role,
                                               school_id=school_id, email=email)
            (await s.get(User, user.id)).password_hash = hash_password(PASSWORD)
            site.users[role], site.emails[role] = user.id, email
    try:
        yield site
    finally:
        await runner.cleanup()
        for platform, server in servers.items():
            if platform != "instagram":
                await server.stop()


def query_of(url: str) -> dict[str, Any]:
    return dict(URL(url).query)
