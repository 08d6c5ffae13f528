"""Sign-in with the school account (issue 19) against the fake OIDC provider
(tests/sso/fake_oidc.py), through the real application: the dashboard for leadership (group
claim), staff created on first sign-in, the extension's one-time code, scoped and rotating
tokens, every bad ID token refused in Dutch without a session, and password login that a
school can switch off while the local admin keeps it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from sqlalchemy import func, select

from server import admin_ops, keys
from server.auth import hash_token
from server.sso import store
from server.sso.log_filter import RedactSignIn
from server.sso.setup import SCHOOLS_LOOKUP
from server.storage.escalation_models import DashboardSession
from server.storage.models import ApiToken, User
from server.storage.sso_models import SchoolSso
from tests.conftest import Seed, seed_database
from tests.server.dashboard.test_dashboard import csrf_of
from tests.sso.fake_oidc import FakeProvider

DOMAIN = "school-1.nl"
LEADER = f"directeur@{DOMAIN}"
TEACHER = f"docent@{DOMAIN}"
VERIFIER = "v" * 64
CHALLENGE = "w1TpKUdYE9hUAcNSeeSRFioHDxfUxuHho_JHAfZ_vDM"  # S256 of VERIFIER (checked below)


@pytest.fixture
async def provider(aiohttp_server: Any) -> FakeProvider:
    fake = FakeProvider(groups={LEADER: ["g-directie", "g-personeel"], TEACHER: ["g-personeel"]})
    server = await aiohttp_server(fake.app())
    fake.issuer = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def world(aiohttp_client: Any, app_factory: Callable[..., Any],
                provider: FakeProvider) -> tuple[Any, Seed, FakeProvider]:
    app = app_factory()
    cli = await aiohttp_client(app)
    seed = await seed_database(app[keys.DB])
    resp = await cli.put(f"/api/v1/admin/schools/{seed.schools[0].id}/sso",
                         headers=seed.headers(seed.admin_token), json={
                             "issuer": provider.issuer, "client_id": provider.client_id,
                             "client_secret": provider.client_secret,
                             "allowed_domains": [DOMAIN], "group_claim": "groups",
                             "leadership_groups": ["g-directie"]})
    assert resp.status == 200, await resp.text()
    view = await resp.json()
    assert "client_secret" not in view and view["client_secret_set"] is True
    return cli, seed, provider


async def through_provider(cli: Any, start: str, email: str) -> aiohttp.ClientResponse:
    """A person's browser: Denkna -> the provider's form -> typed e-mail -> back to Denkna."""
    first = await cli.get(start, allow_redirects=False)
    assert first.status == 302, await first.text()
    authorize = first.headers["Location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]
    async with aiohttp.ClientSession() as browser:
        async with browser.get(authorize) as form:
            assert form.status == 200
        async with browser.post(authorize.split("?")[0], data={**query, "email": email},
                                allow_redirects=False) as back:
            assert back.status == 302
            callback = urlsplit(back.headers["Location"])
    return await cli.get(f"{callback.path}?{callback.query}", allow_redirects=False)


async def count(cli: Any, model: Any, *where: Any) -> int:
    async with cli.app[keys.DB].session() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)))


async def test_leadership_by_group_claim_lands_on_the_overview(world: Any) -> None:
    cli, _seed, _provider = world
    resp = await through_provider(cli, "/dashboard/login/sso?school=school-1", LEADER)
    assert resp.status == 200
    assert resp.headers["Refresh"] == "0; url=/dashboard/"
    assert "denkna_session" in resp.cookies
    overview = await cli.get("/dashboard/", allow_redirects=False)
    assert overview.status == 200
    html = await overview.text()
    assert "Uitloggen" in html and "Directeur" in html  # the name from the ID token
    async with cli.app[keys.DB].session() as s:
        user = await s.scalar(select(User).where(User.email == LEADER))
    assert user is not None and user.role == "leadership"


async def test_without_the_group_claim_staff_is_created_but_kept_out_of_the_dashboard(
    world: Any,
) -> None:
    cli, _seed, _provider = world
    resp = await through_provider(cli, "/dashboard/login/sso?school=school-1", TEACHER)
    assert resp.status == 403
    assert "alleen voor de directie" in await resp.text()
    assert "denkna_session" not in resp.cookies
    assert await count(cli, DashboardSession) == 0
    # through the extension the same teacher is created with the staff role on first sign-in
    token = await extension_sign_in(cli, TEACHER)
    async with cli.app[keys.DB].session() as s:
        user = await s.scalar(select(User).where(User.email == TEACHER))
    assert user is not None and user.role == "staff" and token.startswith("dk_")


@pytest.mark.parametrize("case", ["wrong_issuer", "bad_signature", "expired", "wrong_audience",
                                  "domain_not_allowed"])
async def test_bad_id_tokens_are_refused_in_dutch_and_create_no_session(
    world: Any, case: str,
) -> None:
    cli, _seed, provider = world
    email = LEADER
    if case == "domain_not_allowed":
        email = "directeur@gmail.com"
        provider.groups[email] = ["g-directie"]
    else:
        provider.tamper = case
    users_before = await count(cli, User)
    resp = await through_provider(cli, "/dashboard/login/sso?school=school-1", email)
    html = await resp.text()
    assert 400 <= resp.status < 500
    expected = {
        "wrong_issuer": "komt niet van de identiteitsprovider die je school heeft ingesteld",
        "bad_signature": "de handtekening van het inlogbewijs klopt niet",
        "expired": "het inlogbewijs is verlopen",
        "wrong_audience": "niet voor Denkna bedoeld",
        "domain_not_allowed": "Accounts van gmail.com mogen niet inloggen",
    }[case]
    assert expected in html
    assert "Inloggen niet gelukt" in html
    assert "denkna_session" not in resp.cookies
    assert await count(cli, DashboardSession) == 0
    assert await count(cli, User) == users_before  # nobody was created either
    # the extension's flow refuses the same token the same way and hands out no code
    first = await through_provider(
        cli, f"/dashboard/login/sso/extension?school=school-1&state={'s' * 20}"
             f"&code_challenge={CHALLENGE}", email)
    assert 400 <= first.status < 500 and expected in await first.text()
    assert await count(cli, ApiToken, ApiToken.scope == "extension") == 0
    # and the dashboard still answers the logged-out visitor with the login page
    assert (await cli.get("/dashboard/", allow_redirects=False)).status == 303


async def extension_sign_in(cli: Any, email: str) -> str:
    resp = await through_provider(
        cli, f"/dashboard/login/sso/extension?school=school-1&state={'s' * 20}"
             f"&code_challenge={CHALLENGE}", email)
    assert resp.status == 303, await resp.text()
    done = urlsplit(resp.headers["Location"])
    assert done.path == "/dashboard/login/sso/extension/done"
    q = parse_qs(done.query)
    assert q["state"] == ["s" * 20]
    page = await cli.get(f"{done.path}?{done.query}")
    assert page.status == 200 and "Je bent ingelogd" in await page.text()
    answer = await cli.post("/api/v1/auth/extension/token",
                            json={"code": q["code"][0], "code_verifier": VERIFIER})
    assert answer.status == 200, await answer.text()
    body = await answer.json()
    assert body["scope"] == "extension" and body["refresh_after"] < body["expires_at"]
    again = await cli.post("/api/v1/auth/extension/token",
                           json={"code": q["code"][0], "code_verifier": VERIFIER})
    assert again.status == 400  # one-time
    return str(body["token"])


def test_the_challenge_is_the_s256_of_the_verifier() -> None:
    from server.sso.routes import _s256

    assert _s256(VERIFIER) == CHALLENGE


async def test_extension_token_checks_rotates_and_is_refused_once_revoked(world: Any) -> None:
    cli, seed, _provider = world
    token = await extension_sign_in(cli, LEADER)
    auth = {"Authorization": f"Bearer {token}"}
    check = await cli.post("/api/v1/check", headers=auth,
                           json={"text": "Goedemorgen allemaal", "locale": "nl"})
    assert check.status == 200
    # scoped: a leadership user's extension token does not open the leadership API
    threads = await cli.get("/api/v1/threads", headers=auth)
    assert threads.status == 403 and (await threads.json())["error"]["code"] == "token_scope"
    rotated = await cli.post("/api/v1/auth/token/rotate", headers=auth)
    assert rotated.status == 200
    new = (await rotated.json())["token"]
    assert new != token
    new_auth = {"Authorization": f"Bearer {new}"}
    assert (await cli.post("/api/v1/check", headers=new_auth,
                           json={"text": "Tot morgen", "locale": "nl"})).status == 200
    async with cli.app[keys.DB].session() as s:
        old_row = await s.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
        new_row = await s.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(new)))
    assert old_row is not None and new_row is not None
    assert old_row.expires_at is not None and new_row.expires_at is not None
    assert old_row.expires_at < new_row.expires_at  # the old one only lives a grace period
    revoke = await cli.delete(f"/api/v1/admin/tokens/{new_row.id}",
                              headers=seed.headers(seed.admin_token))
    assert revoke.status == 200
    refused = await cli.post("/api/v1/check", headers=new_auth,
                             json={"text": "Tot morgen", "locale": "nl"})
    assert refused.status == 401
    # a manual dk_ token has no expiry and is not rotated
    manual = await cli.post("/api/v1/auth/token/rotate",
                            headers=seed.headers(seed.schools[0].tokens["staff"]))
    assert manual.status == 400


async def test_a_wrong_verifier_burns_the_code(world: Any) -> None:
    cli, _seed, _provider = world
    resp = await through_provider(
        cli, f"/dashboard/login/sso/extension?school=school-1&state={'s' * 20}"
             f"&code_challenge={CHALLENGE}", TEACHER)
    code = parse_qs(urlsplit(resp.headers["Location"]).query)["code"][0]
    wrong = await cli.post("/api/v1/auth/extension/token",
                           json={"code": code, "code_verifier": "w" * 64})
    assert wrong.status == 400 and "log opnieuw in" in (await wrong.json())["error"]["message"]
    right = await cli.post("/api/v1/auth/extension/token",
                           json={"code": code, "code_verifier": VERIFIER})
    assert right.status == 400


async def test_password_login_can_be_switched_off_per_school_but_not_for_the_admin(
    world: Any,
) -> None:
    cli, seed, _provider = world
    async with cli.app[keys.DB].session() as s:
        leader = await s.get(User, seed.schools[0].user_ids["leadership"])
        assert leader is not None
        await admin_ops.set_password(s, leader.id, "een lang wachtwoord")
        admin = await admin_ops.create_user(s, name="Lokale beheerder", role="admin",
                                            school_id=None, email="beheer@denkna.local")
        await admin_ops.set_password(s, admin.id, "een lang wachtwoord")
        cfg = await s.get(SchoolSso, seed.schools[0].id)
        assert cfg is not None
        cfg.password_login = False

    async def password_login(email: str) -> Any:
        form = await cli.get("/dashboard/login")
        html = await form.text()
        assert "Inloggen met je schoolaccount" in html
        return await cli.post("/dashboard/login", allow_redirects=False, data={
            "csrf": csrf_of(html), "email": email, "password": "een lang wachtwoord"})

    refused = await password_login("leadership1@example.nl")
    assert refused.status == 403
    assert "Je school logt in met het schoolaccount" in await refused.text()
    assert await count(cli, DashboardSession) == 0
    ok = await password_login("beheer@denkna.local")
    assert ok.status == 303 and ok.headers["Location"] == "/dashboard/"


async def test_without_sso_the_login_page_is_as_before(client: Any) -> None:
    html = await (await client.get("/dashboard/login")).text()
    assert "Wachtwoord" in html and "schoolaccount" not in html
    resp = await client.get("/dashboard/login/sso")
    assert resp.status == 404
    assert "niet ingesteld" in await resp.text()


async def test_bad_set_up_is_a_dutch_422(world: Any) -> None:
    cli, seed, _provider = world
    resp = await cli.put(f"/api/v1/admin/schools/{seed.schools[0].id}/sso",
                         headers=seed.headers(seed.admin_token),
                         json={"issuer": "ftp://x", "client_id": "a", "allowed_domains": ["x"]})
    assert resp.status == 422
    # a NUL would not fit a PostgreSQL text column: refused before it gets there
    nul = await cli.put(f"/api/v1/admin/schools/{seed.schools[0].id}/sso",
                        headers=seed.headers(seed.admin_token),
                        json={"issuer": "https://login.school-1.nl", "client_id": "a\u0000b",
                              "allowed_domains": ["school-1.nl"]})
    assert nul.status == 422
    staff = await cli.get(f"/api/v1/admin/schools/{seed.schools[0].id}/sso",
                          headers=seed.headers(seed.schools[0].tokens["leadership"]))
    assert staff.status == 403


def test_the_access_log_never_holds_a_code_or_state() -> None:
    record = logging.LogRecord("aiohttp.access", logging.INFO, __file__, 1,
                               '127.0.0.1 "GET /dashboard/login/sso/callback?code=GEHEIM1&'
                               'state=GEHEIM2 HTTP/1.1" 200', (), None)
    RedactSignIn().filter(record)
    assert "GEHEIM" not in record.getMessage()
    assert "/dashboard/login/sso/callback?code=…&state=…" in record.getMessage()


async def test_login_pages_asked_at_once_share_one_lookup_of_the_schools(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: every request for the login page (a flood of 200 wrong passwords too) asked the
    database for the schools with a sign-in button, 200 sessions at once. Requests at the same
    time now share one lookup; nothing is kept, so the next page after a change shows it."""
    cli, seed, _provider = world
    real = store.enabled_schools
    calls = 0

    async def counted(s: Any) -> Any:
        nonlocal calls
        calls += 1
        return await real(s)

    monkeypatch.setattr(store, "enabled_schools", counted)
    answers = await asyncio.gather(*(cli.app[SCHOOLS_LOOKUP].get() for _ in range(30)))
    assert calls == 1
    assert all(a == [("School 1", "school-1")] for a in answers)
    resp = await cli.delete(f"/api/v1/admin/schools/{seed.schools[0].id}/sso",
                            headers=seed.headers(seed.admin_token))
    assert resp.status == 200
    html = await (await cli.get("/dashboard/login")).text()
    assert calls == 2 and "schoolaccount" not in html


async def test_the_api_refuses_a_change_that_shuts_an_admin_out(world: Any) -> None:
    """As the settings page does: an admin without a password who signs in through school 1's
    provider keeps a way in, whether the school is set up through the page or the API."""
    cli, seed, provider = world
    async with cli.app[keys.DB].session() as s:
        ict = await admin_ops.create_user(s, name="ICT Amadeus", role="admin", school_id=None,
                                          email=f"ict@{DOMAIN}")
    url = f"/api/v1/admin/schools/{seed.schools[0].id}/sso"
    admin = seed.headers(seed.admin_token)
    moved = await cli.put(url, headers=admin, json={
        "issuer": provider.issuer, "client_id": provider.client_id,
        "allowed_domains": ["andere-school.nl"]})
    body = await moved.json()
    assert moved.status == 409 and body["error"]["code"] == "would_lock_out_admin"
    assert "zo sluit u de beheerder ICT Amadeus" in body["error"]["message"]
    removed = await cli.delete(url, headers=admin)
    assert removed.status == 409
    async with cli.app[keys.DB].session() as s:
        row = await s.get(SchoolSso, seed.schools[0].id)
        assert row is not None and row.enabled and row.allowed_domains == [DOMAIN]
        await admin_ops.set_password(s, ict.id, "een lang wachtwoord")
    # with a password of their own the admin keeps a way in: the same changes go through
    assert (await cli.put(url, headers=admin, json={
        "issuer": provider.issuer, "client_id": provider.client_id,
        "allowed_domains": ["andere-school.nl"]})).status == 200
    assert (await cli.delete(url, headers=admin)).status == 200
