"""Dashboard login under attack (issue 17, findings 1, 2 and 4): growing delays and a lock per
account and per IP, explained in Dutch and shown to the admin; argon2 off the event loop and
for unknown e-mails too; the `next` of an alert e-mail's link kept, and only to this dashboard.

Timing is not asserted here: bench/bench_login_flood.py measures it."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from argon2 import PasswordHasher
from yarl import URL

from server import keys, passwords
from server.config import LoginSettings
from server.dashboard import setup as dashboard
from server.dashboard.views import LOGIN_GUARD
from server.escalation import setup as escalation
from server.escalation.alerts import SmtpSettings
from server.escalation.service import EscalationConfig
from server.login_throttle import LoginGuard
from server.storage.db import Database
from server.storage.login_models import LoginThrottle
from server.storage.models import User
from tests.server.dashboard.test_dashboard import csrf_of
from tests.server.escalation.factory import PASSWORD, World, free_port, make_world

ADMIN_EMAIL = "beheer@stichting.nl"
POLICY = {"free_attempts": 2, "lock_after": 5, "delay_seconds": 1.0,
          "max_delay_seconds": 2.0, "lock_seconds": 1.5, "trusted_proxies": []}


class Hasher:
    """Stands in for passwords.HASHER with its own verify (the real one is read-only)."""

    def __init__(self, verify: Any) -> None:
        self.verify = verify


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    d = Database(f"sqlite+aiosqlite:///{tmp_path / 'd.sqlite3'}")
    await d.migrate()
    yield d
    await d.dispose()


async def _app(aiohttp_client: Any, db: Database, **policy: Any) -> tuple[Any, World]:
    app = web.Application()
    app[keys.DB] = db
    app[keys.COMMENT_LISTENERS] = []
    app[LOGIN_GUARD] = LoginGuard(LoginSettings.model_validate({**POLICY, **policy}))
    escalation.setup(app, EscalationConfig(smtp=SmtpSettings(port=free_port())),
                     start_worker=False)
    dashboard.setup(app)
    client = await aiohttp_client(app)
    w = await make_world(db)
    async with db.session() as s:
        s.add(User(school_id=None, email=ADMIN_EMAIL, name="Beheerder Bob", role="admin",
                   active=True, password_hash=PasswordHasher(time_cost=1, memory_cost=1024)
                   .hash(PASSWORD)))
    return client, w


@pytest.fixture
async def env(aiohttp_client: Any, db: Database) -> tuple[Any, World]:
    return await _app(aiohttp_client, db)


async def login(client: Any, email: str, password: str = PASSWORD,
                headers: dict[str, str] | None = None, nxt: str | None = None) -> Any:
    page = await client.get("/dashboard/login")
    data = {"csrf": csrf_of(await page.text()), "email": email, "password": password}
    if nxt is not None:
        data["next"] = nxt
    return await client.post("/dashboard/login", data=data, allow_redirects=False,
                             headers=headers or {})


def _message(html: str) -> str:
    m = re.search(r'<p class="error" role="alert">(.*?)</p>', html, re.S)
    return m.group(1) if m else ""


async def _attempts(client: Any, email: str, n: int, pause: float = 0.0) -> list[tuple[int, str]]:
    out = []
    for _ in range(n):
        resp = await login(client, email, "fout-wachtwoord")
        out.append((resp.status, _message(await resp.text())))
        if pause:
            await asyncio.sleep(pause)
    return out


async def test_wrong_passwords_slow_down_then_lock_and_the_lock_is_explained(env) -> None:
    """Before: 15 wrong passwords and then the right one were accepted at once."""
    client, w = env
    email = w.emails["leadership1"]
    first = await _attempts(client, email, 2)
    assert [s for s, _ in first] == [401, 401]
    assert all("klopt niet" in m for _, m in first)
    third = (await _attempts(client, email, 1))[0]
    assert third[0] == 401 and "Nog 2 pogingen" in third[1] and "geblokkeerd" in third[1]
    # straight away again: wait first (the delay grows), the password is not even checked
    wait = await login(client, email, PASSWORD)
    assert wait.status == 429 and "Wacht" in _message(await wait.text())
    assert int(wait.headers["Retry-After"]) >= 1
    # a flood: refused attempts count, the account locks
    statuses = [s for s, _ in await _attempts(client, email, 3)]
    assert statuses == [429, 429, 429]
    locked = await login(client, email, PASSWORD)  # the right password does not help now
    text = _message(await locked.text())
    assert locked.status == 429, text
    assert "tijdelijk geblokkeerd" in text and "mislukte pogingen" in text
    assert "beheerder" in text and "minuut" in text
    assert (await client.get("/dashboard/", allow_redirects=False)).status == 303
    await asyncio.sleep(POLICY["lock_seconds"] + 0.3)  # the lock window passes
    ok = await login(client, email, PASSWORD)
    assert ok.status == 303 and ok.headers["Location"] == "/dashboard/"
    # a success forgets the failures: a typo afterwards is not punished
    await client.post("/dashboard/logout", data={"csrf": ""}, allow_redirects=False)
    client.session.cookie_jar.clear()
    assert (await _attempts(client, email, 1))[0] == (401, "E-mailadres of wachtwoord klopt "
                                                      "niet.")


async def test_an_unknown_email_gets_the_same_answers_as_a_known_one(env) -> None:
    client, w = env
    known = await _attempts(client, w.emails["leadership2"], 8, pause=0.0)
    unknown = await _attempts(client, "niemand@school2.nl", 8, pause=0.0)
    assert [s for s, _ in known] == [s for s, _ in unknown]
    assert [re.sub(r"\d+", "N", m) for _, m in known] == \
           [re.sub(r"\d+", "N", m) for _, m in unknown]
    assert known[-1][0] == 429


async def test_both_known_and_unknown_emails_run_argon2_in_a_thread(
    env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: an unknown e-mail skipped the hash (3-10 ms against 190-410 ms), and argon2 ran
    on the event loop."""
    client, w = env
    calls: list[tuple[str, bool]] = []
    real = passwords.HASHER
    loop_thread = threading.get_ident()

    def spy(stored: str, password: str) -> bool:
        calls.append((stored, threading.get_ident() != loop_thread))
        return real.verify(stored, password)

    monkeypatch.setattr(passwords, "HASHER", Hasher(spy))
    await login(client, w.emails["leadership1"], "fout")
    await login(client, "onbekend@school1.nl", "fout")
    async with client.app[keys.DB].session() as s:
        known_hash = (await s.get(User, w.users["leadership1"])).password_hash
    assert [c[0] for c in calls] == [known_hash, passwords.dummy_hash()]
    assert all(off_loop for _, off_loop in calls)
    # the dummy costs what a real hash of this server costs
    assert not real.check_needs_rehash(passwords.dummy_hash())


async def test_the_event_loop_answers_while_a_password_is_checked(
    env, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, w = env
    real = passwords.HASHER
    started = threading.Event()

    def slow(stored: str, password: str) -> bool:
        started.set()
        threading.Event().wait(1.0)  # a slow argon2, in its thread
        return real.verify(stored, password)

    monkeypatch.setattr(passwords, "HASHER", Hasher(slow))
    order: list[str] = []

    async def slow_login() -> None:
        await login(client, w.emails["leadership1"], "fout")
        order.append("login")

    task = asyncio.create_task(slow_login())
    while not started.is_set():
        await asyncio.sleep(0.01)
    resp = await client.get("/dashboard/login")
    assert resp.status == 200
    order.append("page")
    await task
    assert order == ["page", "login"]


async def test_many_emails_from_one_address_lock_that_address(aiohttp_client: Any,
                                                              db: Database) -> None:
    client, w = await _app(aiohttp_client, db, ip_free_attempts=3, ip_lock_after=6)
    for n in range(6):
        await login(client, f"gok{n}@school1.nl", "fout")
    resp = await login(client, w.emails["leadership1"], PASSWORD)
    assert resp.status == 429
    assert "Vanaf dit netwerk" in _message(await resp.text())


async def test_behind_a_trusted_proxy_each_client_address_counts_apart(
    aiohttp_client: Any, db: Database
) -> None:
    client, w = await _app(aiohttp_client, db, ip_free_attempts=3, ip_lock_after=6,
                           trusted_proxies=["127.0.0.1"])
    for n in range(6):
        await login(client, f"gok{n}@school1.nl", "fout",
                    headers={"X-Forwarded-For": "203.0.113.9"})
    blocked = await login(client, w.emails["leadership1"], PASSWORD,
                          headers={"X-Forwarded-For": "203.0.113.9"})
    assert blocked.status == 429
    other = await login(client, w.emails["leadership1"], PASSWORD,
                        headers={"X-Forwarded-For": "198.51.100.7"})
    assert other.status == 303
    # a client cannot dodge by adding its own X-Forwarded-For hops in front
    client.session.cookie_jar.clear()
    spoofed = await login(client, w.emails["leadership2"], PASSWORD,
                          headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.9"})
    assert spoofed.status == 429


async def test_the_admin_sees_the_lock_and_lifts_it(env) -> None:
    client, w = env
    email = w.emails["leadership1"]
    await _attempts(client, email, 8)
    assert (await login(client, ADMIN_EMAIL)).status == 303
    page = await client.get("/dashboard/settings/users")
    html = await page.text()
    assert "Geblokkeerde inlogpogingen" in html and email in html
    assert "inloggen geblokkeerd tot" in html
    key = re.search(r'name="key" value="(account:[^"]+)"', html).group(1)
    resp = await client.post("/dashboard/settings/users/unlock",
                             data={"csrf": csrf_of(html), "key": key}, allow_redirects=False)
    assert resp.status == 303
    after = await (await client.get(resp.headers["Location"])).text()
    assert "De blokkade is opgeheven" in after and "Er is nu geen blokkade" in after
    client.session.cookie_jar.clear()
    assert (await login(client, email)).status == 303


async def test_leadership_does_not_see_the_locks(env) -> None:
    client, w = env
    await _attempts(client, "iemand@school1.nl", 8)
    await login(client, w.emails["leadership1"])
    html = await (await client.get("/dashboard/settings/users")).text()
    assert "Geblokkeerde inlogpogingen" not in html and "iemand@school1.nl" not in html
    resp = await client.post("/dashboard/settings/users/unlock",
                             data={"csrf": csrf_of(html), "key": "account:iemand@school1.nl"})
    assert resp.status == 403


async def test_the_cli_lists_and_lifts_locks(aiohttp_client: Any, db: Database, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from server.cli import main

    client, w = await _app(aiohttp_client, db, lock_seconds=600)
    email = w.emails["leadership1"]
    await _attempts(client, email, 8)
    monkeypatch.setenv("DENKNA_DATABASE_URL", str(db.url))
    monkeypatch.setenv("DENKNA_SERVER_VAR_DIR", str(tmp_path / "var"))
    assert await asyncio.to_thread(main, ["admin", "list-locks"]) == 0
    out = capsys.readouterr().out
    assert f"e-mail\t{email}\t8 mislukt\tgeblokkeerd tot" in out
    assert await asyncio.to_thread(main, ["admin", "unlock", email.upper()]) == 0
    assert "opgeheven" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["admin", "list-locks"]) == 0
    assert "(geen blokkades)" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["admin", "unlock", email]) == 1
    assert "geen blokkade" in capsys.readouterr().err
    assert (await login(client, email)).status == 303


# --- next --------------------------------------------------------------------------------------


async def test_the_case_link_of_an_alert_email_lands_on_the_case(env) -> None:
    """Before: the login form posted without `next` and the principal landed on the overview."""
    client, w = env
    first = await client.get("/dashboard/cases/1", allow_redirects=False)
    assert first.status == 303
    location = URL(first.headers["Location"])
    assert location.path == "/dashboard/login" and location.query["next"] == "/dashboard/cases/1"
    page = await client.get(first.headers["Location"])
    html = await page.text()
    assert 'name="next" value="/dashboard/cases/1"' in html
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    resp = await client.post("/dashboard/login", allow_redirects=False, data={
        **fields, "email": w.emails["leadership1"], "password": PASSWORD})
    assert resp.status == 303 and resp.headers["Location"] == "/dashboard/cases/1"


async def test_next_survives_a_typo(env) -> None:
    client, w = env
    page = await client.get("/dashboard/login?next=/dashboard/accounts")
    resp = await login(client, w.emails["leadership1"], "fout", nxt="/dashboard/accounts")
    assert 'name="next" value="/dashboard/accounts"' in await resp.text()
    assert page.status == 200
    resp = await login(client, w.emails["leadership1"], nxt="/dashboard/accounts")
    assert resp.headers["Location"] == "/dashboard/accounts"


@pytest.mark.parametrize("target", [
    "//evil.example/dashboard/", "https://evil.example/dashboard/", "/\\evil.example",
    "javascript:alert(1)", "/dashboard/../../evil", "http:/dashboard/", "/elders",
    "/dashboard/\r\nSet-Cookie: x=1", "\t//evil.example",
])
async def test_next_never_leaves_the_dashboard(env, target: str) -> None:
    client, w = env
    page = await client.get("/dashboard/login", params={"next": target})
    assert target not in await page.text()
    resp = await login(client, w.emails["leadership1"], nxt=target)
    assert resp.status == 303 and resp.headers["Location"] == "/dashboard/"


# --- the counts in the database, on SQLite and PostgreSQL ---------------------------------------


async def test_parallel_attempts_on_two_instances_are_all_counted(database: Database) -> None:
    """Two guards (two server instances) on one database, 40 attempts at once: every one is
    counted (no lost update), so the lock comes after lock_after attempts, not later."""
    policy = LoginSettings.model_validate({**POLICY, "lock_after": 10, "lock_seconds": 600,
                                          "ip_free_attempts": 1000, "ip_lock_after": 2000})
    guards = [LoginGuard(policy), LoginGuard(policy)]
    results = await asyncio.gather(*(guards[n % 2].admit(database, "Juf@School.nl", "10.0.0.1")
                                     for n in range(40)))
    assert all(isinstance(r, int) or r.kind in ("delay", "lock") for r in results)
    admitted = [r for r in results if isinstance(r, int)]
    assert len(admitted) <= policy.free_attempts + 1
    blocks = await LoginGuard.blocks(database)
    account = next(b for b in blocks if b.scope == "account")
    assert account.subject == "juf@school.nl" and account.failures == 40 and account.locked
    async with database.session() as s:
        assert (await s.get(LoginThrottle, "ip:10.0.0.1")).failures == 40
    assert await LoginGuard.unlock(database, "juf@school.nl")
    assert isinstance(await guards[0].admit(database, "juf@school.nl", "10.0.0.2"), int)


async def test_attempts_that_come_together_are_counted_together(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: each attempt of a flood had its own transaction, one after the other, on the
    event loop (200 wrong passwords: the staff's checks' p99 above 100 ms in
    bench/bench_login_flood.py). Attempts that arrive together now share a transaction, with
    the same answers as one at a time, and each count is stored before its answer."""
    policy = LoginSettings.model_validate({**POLICY, "lock_seconds": 600,
                                          "ip_free_attempts": 1000, "ip_lock_after": 2000})
    guard = LoginGuard(policy)
    real = database.session
    transactions = 0

    @contextlib.asynccontextmanager
    async def counted() -> AsyncIterator[Any]:
        nonlocal transactions
        transactions += 1
        async with real() as s:
            yield s

    monkeypatch.setattr(database, "session", counted)
    results = await asyncio.gather(*(guard.admit(database, "Juf@School.nl", "10.0.0.1")
                                     for _ in range(40)))
    # free attempts, the one that starts the delay, refused during the delays, then the lock
    assert [r if isinstance(r, int) else r.kind for r in results] == \
        [1, 2, 3, "delay", "delay"] + ["lock"] * 35
    assert transactions <= 2, transactions
    async with real() as s:
        assert (await s.get(LoginThrottle, "account:juf@school.nl")).failures == 40
        assert (await s.get(LoginThrottle, "ip:10.0.0.1")).failures == 40
    # one attempt on its own still has its own transaction and its own answer
    refused = await guard.admit(database, "juf@school.nl", "10.0.0.1")
    assert not isinstance(refused, int) and refused.kind == "lock" and "40 mislukte" in \
        refused.message
