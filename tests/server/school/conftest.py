"""A full app (create_app) with one school as a principal would have it: leadership, staff
with an extension token, an admin and a board member who can sign in, and a second school."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from server import admin_ops, keys
from server.passwords import hash_password
from server.storage.models import User
from tests.server.dashboard.test_dashboard import csrf_of

PASSWORD = "Veilig-wachtwoord-2026"


@dataclass
class Klimop:
    client: Any
    school_id: int
    other_school_id: int
    staff_token: str
    other_staff_token: str
    emails: dict[str, str] = field(default_factory=dict)

    @property
    def app(self) -> Any:
        return self.client.server.app

    def bearer(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.staff_token}"}

    async def login(self, role: str) -> None:
        page = await self.client.get("/dashboard/login")
        r = await self.client.post("/dashboard/login", data={
            "csrf": csrf_of(await page.text()), "email": self.emails[role],
            "password": PASSWORD}, allow_redirects=False)
        assert r.status == 303, await r.text()

    async def logout(self) -> None:
        self.client.session.cookie_jar.clear()

    async def form(self, path: str) -> tuple[str, str]:
        r = await self.client.get(path)
        assert r.status == 200, (path, r.status)
        html = await r.text()
        return html, csrf_of(html)

    async def check(self, text: str, token: str | None = None, **extra: Any) -> dict[str, Any]:
        r = await self.client.post("/api/v1/check", json={"text": text, "mode": "quick",
                                                           **extra},
                                   headers=self.bearer(token))
        assert r.status == 200, await r.text()
        return await r.json()


@pytest.fixture
async def klimop(aiohttp_client: Any, app_factory: Callable[..., Any]) -> Klimop:
    app = app_factory()
    client = await aiohttp_client(app)
    emails = {}
    async with app[keys.DB].session() as s:
        school = await admin_ops.create_school(s, "OBS De Klimop", "klimop")
        other = await admin_ops.create_school(s, "De Regenboog", "regenboog")
        tokens = {}
        for role, sid in (("leadership", school.id), ("staff", school.id), ("admin", None),
                          ("board", None), ("leadership2", other.id), ("staff2", other.id)):
            email = f"{role}@klimop.nl"
            user = await admin_ops.create_user(s, name=f"{role.title()} Test",
                                               role=role.rstrip("2"), school_id=sid, email=email)
            (await s.get(User, user.id)).password_hash = hash_password(PASSWORD)
            emails[role] = email
            tokens[role] = (await admin_ops.create_token(s, user.id))[1]
    return Klimop(client, school.id, other.id, tokens["staff"], tokens["staff2"], emails)
