"""Instellingen → Inloggen met schoolaccount (server/sso/settings_page.py) through the real
application and the fake OIDC provider (tests/sso/fake_oidc.py): the admin sets a school's
single sign-on up on the page and the login page offers it; the secret is never shown back;
bad input is answered in Dutch on the form without losing what was typed; switching off;
only the admin sees the page; CSRF; no change that shuts an admin out."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from server import admin_ops, keys
from server.passwords import hash_password
from server.sso import check as sso_check
from server.sso import store
from server.sso.oidc import OidcClient
from server.storage.models import AuditLog, User
from server.storage.sso_models import SchoolSso
from tests.conftest import Seed, seed_database
from tests.server.dashboard.test_dashboard import csrf_of, login
from tests.sso.fake_oidc import FakeProvider
from tests.sso.test_sso import through_provider

PAGE = "/dashboard/settings/sso"
PASSWORD = "een lang wachtwoord"
ADMIN = "beheer@denkna.local"
DOMAIN = "school-1.nl"
LEADER = f"directeur@{DOMAIN}"
SECRET = "geheim-van-de-school"  # the fake provider's client secret


@pytest.fixture
async def provider(aiohttp_server: Any) -> FakeProvider:
    fake = FakeProvider(groups={LEADER: ["g-directie"]})
    server = await aiohttp_server(fake.app())
    fake.issuer = str(server.make_url("")).rstrip("/")
    return fake


async def _world(aiohttp_client: Any, app: Any) -> tuple[Any, Seed]:
    cli = await aiohttp_client(app)
    seed = await seed_database(app[keys.DB])
    async with app[keys.DB].session() as s:
        admin = await admin_ops.create_user(s, name="Beheerder Ilse", role="admin",
                                            school_id=None, email=ADMIN)
        await admin_ops.set_password(s, admin.id, PASSWORD)
        board = await admin_ops.create_user(s, name="Bestuurder Kees", role="board",
                                            school_id=None, email="kees@stichting.nl")
        await admin_ops.set_password(s, board.id, PASSWORD)
        await admin_ops.set_password(s, seed.schools[0].user_ids["leadership"], PASSWORD)
    return cli, seed


@pytest.fixture
async def world(aiohttp_client: Any, app_factory: Callable[..., Any]) -> tuple[Any, Seed]:
    return await _world(aiohttp_client, app_factory())


def fields(provider: FakeProvider, seed: Seed, **changes: str | None) -> dict[str, str]:
    """The form as the admin fills it in for school 1 (a key set to None is left out)."""
    form = {"school": str(seed.schools[0].id), "action": "save", "enabled": "1",
            "issuer": provider.issuer, "client_id": provider.client_id,
            "client_secret": SECRET, "allowed_domains": DOMAIN, "group_claim": "groups",
            "leadership_groups": "g-directie", "password_login": "1", **changes}
    return {k: v for k, v in form.items() if v is not None}


async def open_page(cli: Any, seed: Seed, school: int = 0) -> tuple[str, str]:
    resp = await cli.get(f"{PAGE}?school={seed.schools[school].id}")
    assert resp.status == 200, await resp.text()
    html = await resp.text()
    return html, csrf_of(html)


async def stored(cli: Any, school_id: int) -> SchoolSso | None:
    async with cli.app[keys.DB].session() as s:
        return await s.get(SchoolSso, school_id)


async def logged_out_login_page(cli: Any, csrf: str) -> str:
    await cli.post("/dashboard/logout", data={"csrf": csrf}, allow_redirects=False)
    resp = await cli.get("/dashboard/login")
    assert resp.status == 200
    return await resp.text()


async def test_admin_sets_sso_up_and_the_login_page_offers_the_school_account(
    world: Any, provider: FakeProvider,
) -> None:
    cli, seed = world
    assert (await login(cli, ADMIN, PASSWORD)).status == 303
    html, csrf = await open_page(cli, seed)
    assert "Inloggen met schoolaccount" in html and "Niet ingesteld" in html
    # the redirect URI to register, built like the sign-in itself builds it
    origin = str(cli.make_url("")).rstrip("/")
    assert f'<code id="redirect-uri">{origin}/dashboard/login/sso/callback</code>' in html
    resp = await cli.post(PAGE, data={**fields(provider, seed), "csrf": csrf},
                          allow_redirects=False)
    assert resp.status == 303
    page = await (await cli.get(resp.headers["Location"])).text()
    assert "Inloggen met het schoolaccount is opgeslagen" in page
    assert "<strong>Aan</strong>" in page and provider.issuer in page
    assert provider.client_id in page and "ingesteld (wordt nooit getoond)" in page
    row = await stored(cli, seed.schools[0].id)
    assert row is not None and row.allowed_domains == [DOMAIN]
    assert row.leadership_groups == ["g-directie"] and row.password_login is True
    assert await stored(cli, seed.schools[1].id) is None  # only the school chosen
    # the login page now has the school's button, and it signs the school's leadership in
    login_html = await logged_out_login_page(cli, csrf)
    assert 'href="/dashboard/login/sso?school=school-1"' in login_html
    assert "Inloggen met je schoolaccount" in login_html
    signed_in = await through_provider(cli, "/dashboard/login/sso?school=school-1", LEADER)
    assert signed_in.status == 200 and "denkna_session" in signed_in.cookies
    assert signed_in.headers["Refresh"] == "0; url=/dashboard/"


async def test_the_secret_is_never_shown_back_and_an_empty_field_keeps_it(
    world: Any, provider: FakeProvider, caplog: pytest.LogCaptureFixture,
) -> None:
    cli, seed = world
    caplog.set_level(logging.DEBUG)
    await login(cli, ADMIN, PASSWORD)
    _html, csrf = await open_page(cli, seed)
    await cli.post(PAGE, data={**fields(provider, seed), "csrf": csrf})
    html, _ = await open_page(cli, seed)
    assert SECRET not in html
    assert 'name="client_secret" value=""' in html and 'placeholder="ongewijzigd"' in html
    # a refused form does not echo it either
    bad = await cli.post(PAGE, data={**fields(provider, seed, client_id=""), "csrf": csrf})
    assert bad.status == 422 and SECRET not in await bad.text()
    # saved again with the field left empty: the stored secret stays (sign-in still works)
    await cli.post(PAGE, data={**fields(provider, seed, client_secret="",
                                        allowed_domains=f"{DOMAIN}, leerling.{DOMAIN}"),
                               "csrf": csrf})
    row = await stored(cli, seed.schools[0].id)
    assert row is not None and row.allowed_domains == [f"leerling.{DOMAIN}", DOMAIN]
    assert store.decrypt_secret(cli.app[keys.SECRET_KEY], row.client_secret_encrypted) == SECRET
    assert SECRET not in (row.client_secret_encrypted or "")
    await logged_out_login_page(cli, csrf)
    signed_in = await through_provider(cli, "/dashboard/login/sso?school=school-1", LEADER)
    assert signed_in.status == 200
    async with cli.app[keys.DB].session() as s:
        audit = (await s.scalars(select(AuditLog).where(
            AuditLog.action == "sso.configured"))).all()
    assert len(audit) == 2 and all(SECRET not in str(a.details) for a in audit)
    assert SECRET not in caplog.text


@pytest.mark.parametrize(("change", "message"), [
    ({"issuer": "ftp://login.school-1.nl"},
     "De uitgever (issuer) moet een https-adres zijn"),
    ({"issuer": ""}, "Vul als uitgever (issuer) het https-adres van de identiteitsprovider in"),
    ({"client_id": "  "}, "Vul de client-id in"),
    ({"allowed_domains": "school-1.nl, school"}, "&#39;school&#39; is geen geldig e-maildomein"),
    ({"allowed_domains": ""}, "Vul minstens één e-maildomein in"),
    ({"group_claim": "g" * 101}, "De groepsclaim is te lang: hoogstens 100 tekens."),
    ({"client_id": "denkna\x00test"}, "De client-id bevat een onzichtbaar stuurteken"),
])
async def test_bad_input_gets_a_dutch_error_and_keeps_what_was_typed(
    world: Any, provider: FakeProvider, change: dict[str, str], message: str,
) -> None:
    cli, seed = world
    await login(cli, ADMIN, PASSWORD)
    _html, csrf = await open_page(cli, seed)
    form = fields(provider, seed, **change, password_login=None)
    resp = await cli.post(PAGE, data={**form, "csrf": csrf})
    html = await resp.text()
    assert resp.status == 422
    assert message in html
    # everything else is still there as typed, the unchecked box unchecked; the secret is not
    for name in ("issuer", "client_id", "allowed_domains", "group_claim"):
        if name not in change:
            assert f'name="{name}" value="{form[name]}"' in html, name
    assert ">g-directie</textarea>" in html
    assert 'name="password_login" value="1" >' in html  # not checked
    assert SECRET not in html
    assert "Het clientgeheim dat u typte is niet opgeslagen; vul het opnieuw in." in html
    assert await stored(cli, seed.schools[0].id) is None


async def test_switching_off_and_removing(world: Any, provider: FakeProvider) -> None:
    cli, seed = world
    await login(cli, ADMIN, PASSWORD)
    _html, csrf = await open_page(cli, seed)
    await cli.post(PAGE, data={**fields(provider, seed), "csrf": csrf})
    # switched off: the set-up (and its secret) is kept, the button is gone
    resp = await cli.post(PAGE, data={**fields(provider, seed, enabled=None, client_secret=""),
                                      "csrf": csrf})
    html = await resp.text()
    assert resp.status == 200 and "<strong>Uit</strong>" in html
    row = await stored(cli, seed.schools[0].id)
    assert row is not None and not row.enabled and row.client_secret_encrypted
    # removed: nothing left, the API says the same, the login page is as before
    resp = await cli.post(PAGE, data={"school": str(seed.schools[0].id), "action": "remove",
                                      "csrf": csrf})
    html = await resp.text()
    assert resp.status == 200 and "Inloggen met het schoolaccount is uitgezet" in html
    assert "Niet ingesteld" in html
    assert await stored(cli, seed.schools[0].id) is None
    api = await cli.get(f"/api/v1/admin/schools/{seed.schools[0].id}/sso",
                        headers=seed.headers(seed.admin_token))
    assert (await api.json())["configured"] is False
    login_html = await logged_out_login_page(cli, csrf)
    assert "schoolaccount" not in login_html
    assert (await cli.get("/dashboard/login/sso?school=school-1")).status == 404


async def test_an_off_set_up_shows_no_button(world: Any, provider: FakeProvider) -> None:
    cli, seed = world
    await login(cli, ADMIN, PASSWORD)
    _html, csrf = await open_page(cli, seed)
    await cli.post(PAGE, data={**fields(provider, seed, enabled=None), "csrf": csrf})
    assert "schoolaccount" not in await logged_out_login_page(cli, csrf)


@pytest.mark.parametrize("who", ["leadership1@example.nl", "kees@stichting.nl"])
async def test_leadership_and_board_neither_see_nor_use_the_page(
    world: Any, provider: FakeProvider, who: str,
) -> None:
    cli, seed = world
    assert (await login(cli, who, PASSWORD)).status == 303
    tabs = await (await cli.get("/dashboard/settings/levels")).text()
    assert "Gevoeligheid" in tabs and "Inloggen met schoolaccount" not in tabs
    page = await cli.get(PAGE)
    assert page.status == 403 and "Alleen de beheerder" in await page.text()
    resp = await cli.post(PAGE, data={**fields(provider, seed), "csrf": csrf_of(tabs)})
    assert resp.status == 403
    assert await stored(cli, seed.schools[0].id) is None


async def test_the_admin_sees_the_tab(world: Any) -> None:
    cli, _seed = world
    await login(cli, ADMIN, PASSWORD)
    tabs = await (await cli.get("/dashboard/settings/levels")).text()
    assert f'href="{PAGE}?school=' in tabs and "Inloggen met schoolaccount" in tabs


@pytest.mark.parametrize("csrf", [None, "", "een-ander-token"])
async def test_a_post_without_the_forms_csrf_token_is_refused(
    world: Any, provider: FakeProvider, csrf: str | None,
) -> None:
    cli, seed = world
    await login(cli, ADMIN, PASSWORD)
    form = fields(provider, seed)
    if csrf is not None:
        form["csrf"] = csrf
    resp = await cli.post(PAGE, data=form)
    assert resp.status == 403 and "Verzoek geweigerd" in await resp.text()
    assert await stored(cli, seed.schools[0].id) is None


async def test_switching_password_login_off_warns_who_loses_the_dashboard(
    world: Any, provider: FakeProvider,
) -> None:
    """The leader of school 1 logs in with a password as leadership1@example.nl, a domain the
    school's set-up does not allow: the page says so before and after password login goes
    off (the API allows it too; the admin keeps their password, having no school)."""
    cli, seed = world
    await login(cli, ADMIN, PASSWORD)
    _html, csrf = await open_page(cli, seed)
    await cli.post(PAGE, data={**fields(provider, seed), "csrf": csrf})
    html, _ = await open_page(cli, seed)
    assert "zet u inloggen met een wachtwoord uit, dan kunnen deze gebruikers niet meer" in html
    assert "leadership 1 (leadership1@example.nl), directie" in html
    resp = await cli.post(PAGE, data={**fields(provider, seed, password_login=None,
                                               client_secret=""), "csrf": csrf})
    html = await resp.text()
    assert resp.status == 200 and "opgeslagen" in html
    assert "Deze gebruikers kunnen nu niet inloggen op het dashboard" in html
    assert "leadership 1 (leadership1@example.nl), directie" in html
    login_html = await logged_out_login_page(cli, csrf)
    refused = await cli.post("/dashboard/login", allow_redirects=False, data={
        "csrf": csrf_of(login_html), "email": "leadership1@example.nl", "password": PASSWORD})
    assert refused.status == 403
    assert (await login(cli, ADMIN, PASSWORD)).status == 303


async def test_an_admin_who_signs_in_with_the_school_account_cannot_shut_themself_out(
    world: Any, provider: FakeProvider,
) -> None:
    """An admin without a password signs in through school 1's provider: taking their domain
    away, switching the school account off or removing it would leave them no way in."""
    cli, seed = world
    async with cli.app[keys.DB].session() as s:
        await admin_ops.create_user(s, name="ICT Amadeus", role="admin", school_id=None,
                                    email=f"ict@{DOMAIN}")
    await login(cli, ADMIN, PASSWORD)
    _html, csrf = await open_page(cli, seed)
    await cli.post(PAGE, data={**fields(provider, seed), "csrf": csrf})
    await cli.post("/dashboard/logout", data={"csrf": csrf})
    signed_in = await through_provider(cli, "/dashboard/login/sso?school=school-1",
                                       f"ict@{DOMAIN}")
    assert signed_in.status == 200
    _html, csrf = await open_page(cli, seed)
    for change in ({"allowed_domains": "andere-school.nl"}, {"enabled": None},
                   {"action": "remove"}):
        resp = await cli.post(PAGE, data={**fields(provider, seed, **change), "csrf": csrf})
        html = await resp.text()
        assert resp.status == 409, change
        assert "Dit is niet opgeslagen: zo sluit u uzelf buiten" in html
        if "allowed_domains" in change:
            assert 'value="andere-school.nl"' in html  # what was typed stays
    row = await stored(cli, seed.schools[0].id)
    assert row is not None and row.enabled and row.allowed_domains == [DOMAIN]
    # password login off is fine for them: they sign in with the school account
    resp = await cli.post(PAGE, data={**fields(provider, seed, password_login=None),
                                      "csrf": csrf})
    assert resp.status == 200 and "opgeslagen" in await resp.text()


async def test_switching_password_login_off_is_refused_for_an_admin_of_the_school(
    world: Any, provider: FakeProvider,
) -> None:
    """An admin bound to school 1 (admin_ops makes admins without a school, the database
    allows one) logging in with a password from a domain the school does not allow: password
    login off would shut them out, so it is refused; the other school is not affected."""
    cli, seed = world
    async with cli.app[keys.DB].session() as s:
        s.add(User(school_id=seed.schools[0].id, email="ict@example.nl", name="ICT School 1",
                   role="admin", active=True, password_hash=hash_password(PASSWORD)))
    assert (await login(cli, "ict@example.nl", PASSWORD)).status == 303
    _html, csrf = await open_page(cli, seed)
    ok = await cli.post(PAGE, data={**fields(provider, seed), "csrf": csrf})
    assert ok.status == 200
    resp = await cli.post(PAGE, data={**fields(provider, seed, password_login=None),
                                      "csrf": csrf})
    assert resp.status == 409 and "zo sluit u uzelf buiten" in await resp.text()
    row = await stored(cli, seed.schools[0].id)
    assert row is not None and row.password_login is True
    other = fields(provider, seed, school=str(seed.schools[1].id), password_login=None)
    assert (await cli.post(PAGE, data={**other, "csrf": csrf})).status == 200


@pytest.mark.parametrize(("public_url", "shown", "warned"), [
    ("https://denkna.school.nl/", "https://denkna.school.nl/dashboard/login/sso/callback", False),
    ("http://denkna.school.nl", "http://denkna.school.nl/dashboard/login/sso/callback", True),
])
async def test_the_redirect_uri_follows_the_public_url(
    aiohttp_client: Any, app_factory: Callable[..., Any], public_url: str, shown: str,
    warned: bool,
) -> None:
    cli, seed = await _world(aiohttp_client, app_factory(sso={"public_url": public_url}))
    await login(cli, ADMIN, PASSWORD)
    html, _ = await open_page(cli, seed)
    assert f'<code id="redirect-uri">{shown}</code>' in html
    assert ("Dit adres begint niet met https://" in html) is warned


# --- Verbinding testen ---------------------------------------------------------------------

TEST = f"{PAGE}/test"


async def set_up(cli: Any, seed: Seed, provider: FakeProvider, **changes: str) -> str:
    """The admin stores school 1's set-up; the csrf token for the next form."""
    await login(cli, ADMIN, PASSWORD)
    _html, csrf = await open_page(cli, seed)
    resp = await cli.post(PAGE, data={**fields(provider, seed, **changes), "csrf": csrf})
    assert resp.status == 200 and "opgeslagen" in await resp.text()
    return csrf


async def connection_test(cli: Any, seed: Seed, csrf: str) -> str:
    resp = await cli.post(TEST, data={"school": str(seed.schools[0].id), "csrf": csrf})
    html = await resp.text()
    assert resp.status == 200, html
    return html


def result_row(html: str, label: str) -> str:
    """The text of one check's row in the result table."""
    start = html.index(f'<th scope="row">{label}</th>', html.index('id="sso-test"'))
    return html[start:html.index("</tr>", start)]


async def test_the_connection_test_of_a_working_provider_says_ok_and_signs_no_one_in(
    world: Any, provider: FakeProvider,
) -> None:
    cli, seed = world
    csrf = await set_up(cli, seed, provider)
    html, _ = await open_page(cli, seed)
    assert 'action="/dashboard/settings/sso/test"' in html and "Verbinding testen" in html
    async with cli.app[keys.DB].session() as s:
        audit_before = len((await s.scalars(select(AuditLog))).all())
    html = await connection_test(cli, seed, csrf)
    assert "Resultaat van de verbindingstest" in html and "Alles in orde." in html
    assert "OK: opgehaald van " + provider.issuer + "/.well-known/openid-configuration" in html
    assert "OK: het discovery-document noemt dezelfde uitgever" in result_row(
        html, "Uitgever (issuer)")
    assert f"OK: {provider.issuer}/token" in result_row(html, "Token-eindpunt (token_endpoint)")
    assert "OK: 1 ondertekeningssleutel" in result_row(html, "Sleutelset (JWKS)")
    assert 'class="error"' not in html.split("Resultaat van de verbindingstest")[1]
    # nobody signed in, nothing stored, the secret is not shown
    assert provider.token_requests == 0 and SECRET not in html
    async with cli.app[keys.DB].session() as s:
        assert len((await s.scalars(select(AuditLog))).all()) == audit_before
    # the provider breaks afterwards: a new test asks it again instead of remembering
    provider.fault = "wrong_issuer"
    html = await connection_test(cli, seed, csrf)
    assert "Er is iets mis." in html and "Alles in orde." not in html
    assert provider.discovery_requests == 2


@pytest.mark.parametrize(("fault", "label", "message"), [
    ("wrong_issuer", "Uitgever (issuer)",
     "Het discovery-document noemt een andere uitgever: "
     "https://login.example.org/andere-tenant/v2.0 (ingesteld: {issuer})."),
    ("no_jwks", "Sleutelset (JWKS)",
     "{issuer}/jwks bestaat niet (HTTP 404): het discovery-document wijst naar een "
     "sleutelset die er niet is."),
    ("no_jwks_uri", "Sleutelset-adres (jwks_uri)",
     "Het discovery-document noemt het adres van de sleutelset (jwks_uri) niet"),
    ("not_json", "Discovery-document",
     "Het antwoord van {issuer}/.well-known/openid-configuration is geen JSON-document"),
])
async def test_the_connection_test_says_what_is_wrong_in_dutch(
    world: Any, provider: FakeProvider, fault: str, label: str, message: str,
) -> None:
    cli, seed = world
    csrf = await set_up(cli, seed, provider)
    provider.fault = fault
    html = await connection_test(cli, seed, csrf)
    assert "Er is iets mis." in html and "Alles in orde." not in html
    row = result_row(html, label)
    assert 'class="error"' in row and message.format(issuer=provider.issuer) in row
    if fault == "not_json":  # what depends on the document is not tested
        assert "Niet getest" in result_row(html, "Sleutelset (JWKS)")
    if fault == "no_jwks_uri":
        assert "Niet getest" in result_row(html, "Sleutelset (JWKS)")
        assert "OK: " in result_row(html, "Token-eindpunt (token_endpoint)")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_connection_test_of_an_unreachable_provider(
    world: Any, provider: FakeProvider,
) -> None:
    cli, seed = world
    port = closed_port()
    csrf = await set_up(cli, seed, provider, issuer=f"http://127.0.0.1:{port}")
    html = await connection_test(cli, seed, csrf)
    assert (f"De uitgever is niet bereikbaar (127.0.0.1:{port} weigert of verbreekt de "
            "verbinding): klopt het adres, en kan deze server het internet op?") in html
    assert "Niet getest" in result_row(html, "Sleutelset (JWKS)")


async def test_the_connection_test_names_a_tls_failure(
    world: Any, provider: FakeProvider,
) -> None:
    """https:// to a server that speaks plain http: a TLS error, said in Dutch."""
    cli, seed = world
    issuer = provider.issuer.replace("http://", "https://")
    csrf = await set_up(cli, seed, provider, issuer=issuer)
    html = await connection_test(cli, seed, csrf)
    host = issuer.removeprefix("https://")
    assert f"De beveiligde verbinding (TLS) met {host} mislukt" in html


async def test_the_connection_test_says_a_timeout_in_dutch() -> None:
    """The client's own timeout, without waiting for it: the session raises it at once."""

    class TimingOut:
        def get(self, *_a: Any, **_k: Any) -> Any:
            raise TimeoutError

    client = OidcClient(session=lambda: TimingOut())  # type: ignore[arg-type,return-value]
    results = await sso_check.run(client, "https://login.school-1.nl")
    assert not results[0].ok and results[0].text == (
        "De uitgever antwoordt niet (time-out na 10 s): klopt het adres, en kan deze server "
        "het internet op?")
    assert all(r.ok is None for r in results[1:])


async def test_the_connection_test_without_a_set_up(world: Any) -> None:
    cli, seed = world
    await login(cli, ADMIN, PASSWORD)
    html, csrf = await open_page(cli, seed)
    assert "Verbinding testen" not in html
    resp = await cli.post(TEST, data={"school": str(seed.schools[0].id), "csrf": csrf})
    assert resp.status == 409
    assert "Er is voor deze school nog niets opgeslagen om te testen" in await resp.text()


@pytest.mark.parametrize("who", ["leadership1@example.nl", "kees@stichting.nl"])
async def test_leadership_and_board_cannot_test_the_connection(
    world: Any, provider: FakeProvider, who: str,
) -> None:
    cli, seed = world
    csrf = await set_up(cli, seed, provider)
    await cli.post("/dashboard/logout", data={"csrf": csrf})
    assert (await login(cli, who, PASSWORD)).status == 303
    tabs = await (await cli.get("/dashboard/settings/levels")).text()
    resp = await cli.post(TEST, data={"school": str(seed.schools[0].id),
                                      "csrf": csrf_of(tabs)})
    html = await resp.text()
    assert resp.status == 403 and "Alleen de beheerder" in html
    assert provider.discovery_requests == 0 and provider.issuer not in html


@pytest.mark.parametrize("csrf", [None, "", "een-ander-token"])
async def test_the_connection_test_needs_the_forms_csrf_token(
    world: Any, provider: FakeProvider, csrf: str | None,
) -> None:
    cli, seed = world
    await set_up(cli, seed, provider)
    form = {"school": str(seed.schools[0].id)}
    if csrf is not None:
        form["csrf"] = csrf
    resp = await cli.post(TEST, data=form)
    assert resp.status == 403 and "Verzoek geweigerd" in await resp.text()
    assert provider.discovery_requests == 0
