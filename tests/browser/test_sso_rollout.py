"""Roll-out to a whole staff (issue 19), in real Chromium with the real extension and a real
`denkna serve`, against the fake OIDC provider (tests/sso/fake_oidc.py):

- Chromium starts with a managed policy: the test writes a policy JSON into Chromium's
  managed-policies folder (/etc/chromium/policies/managed/ for Debian's /usr/bin/chromium; it
  needs root, as the test machine and CI run) and removes it again afterwards. The extension
  takes the server URL, the school and the sites from it (`chrome.storage.managed`) with no
  options page touched; the options page shows those values as set by the school.
- The panel asks to sign in; the staff member signs in at the fake provider, the next draft is
  checked. Revoking the token on the server makes the panel ask again, and posting still works.
- Leadership signs in to the dashboard at the fake provider and lands on the overview; an
  account of a domain the school does not allow is refused in Dutch.
- The drafts' text is in no table, log line or file, sign-in and token rotation included.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    CHROMIUM,
    EXTENSION,
    LAUNCH_ARGS,
    DenknaServer,
    PageServer,
    _http,
    serve_in_thread,
)
from tests.browser.helpers import BULLYING, MARKER, PANEL, open_composer, posted
from tests.sso.fake_oidc import FakeProvider

# where Debian's /usr/bin/chromium reads machine policies (the Chromium default on Linux)
POLICY_DIR = Path("/etc/chromium/policies/managed")
DOMAIN = "amadeus.nl"
TEACHER = f"docent@{DOMAIN}"
LEADER = f"directeur@{DOMAIN}"
SIGNIN_PANEL = "denkna-ui .panel.visible .signin-message"


def extension_id(path: Path) -> str:
    """Chromium's id of an unpacked extension: sha256 of its absolute path, a-p for 0-f."""
    digest = hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:32]
    return "".join(chr(ord("a") + int(c, 16)) for c in digest)


@contextlib.contextmanager
def managed_policy(ext_id: str, values: dict[str, Any]) -> Iterator[Path]:
    """Writes the policy file (and the folders it needs), removes all it made afterwards."""
    made: list[Path] = []
    for folder in (POLICY_DIR.parent.parent, POLICY_DIR.parent, POLICY_DIR):
        if not folder.exists():
            try:
                folder.mkdir(mode=0o755)
            except PermissionError:
                pytest.fail(f"cannot create {folder}: the managed-policy test needs root "
                            "(the test machine and CI run as root)")
            made.append(folder)
    path = POLICY_DIR / f"denkna-test-{secrets.token_hex(4)}.json"
    path.write_text(json.dumps({"3rdparty": {"extensions": {ext_id: values}}}),
                    encoding="utf-8")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: never what someone else put there


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider(groups={LEADER: ["directie"], TEACHER: ["personeel"]})

    async def build() -> Any:
        return fake.app()

    with serve_in_thread(build, "fake-oidc") as port:
        fake.issuer = f"http://127.0.0.1:{port}"
        yield fake


@pytest.fixture(scope="module")
def school(denkna_server: DenknaServer, provider: FakeProvider) -> int:
    status, text = _http("GET", f"{denkna_server.base_url}/api/v1/admin/schools",
                         denkna_server.admin_token)
    assert status == 200, text
    listing = json.loads(text)
    rows = listing if isinstance(listing, list) else next(
        v for v in listing.values() if isinstance(v, list))
    school_id = next(s["id"] for s in rows if s["slug"] == "amadeus")
    status, text = _http("PUT", f"{denkna_server.base_url}/api/v1/admin/schools/{school_id}/sso",
                         denkna_server.admin_token, {
                             "issuer": provider.issuer, "client_id": provider.client_id,
                             "client_secret": provider.client_secret,
                             "allowed_domains": [DOMAIN], "group_claim": "groups",
                             "leadership_groups": ["directie"]})
    assert status == 200, text
    return int(school_id)


@pytest.fixture(scope="module")
def managed(tmp_path_factory: pytest.TempPathFactory, denkna_server: DenknaServer,
            school: int) -> Iterator[Any]:
    """A Chromium of its own, started with the school's policy in place."""
    from playwright.sync_api import sync_playwright

    ext_id = extension_id(EXTENSION)
    values = {"serverUrl": denkna_server.base_url, "school": "amadeus",
              "sites": ["127.0.0.1"], "officialAccounts": ["127.0.0.1/official"],
              "signInRequired": True}
    profile = tmp_path_factory.mktemp("chromium-managed")
    with managed_policy(ext_id, values), sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=False, args=LAUNCH_ARGS,
            viewport={"width": 1000, "height": 720}, locale="nl-NL")
        try:
            worker = (context.service_workers[0] if context.service_workers
                      else context.wait_for_event("serviceworker", timeout=20_000))
            assert worker.url.split("/")[2] == ext_id, "the extension id is not what we wrote"
            yield context, worker, ext_id
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


def wait_until(read: Any, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    got = read()
    while not got and time.monotonic() < deadline:
        time.sleep(0.2)
        got = read()
    return got


def dump(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return "\n".join(db.iterdump())


def extension_tokens(server: DenknaServer) -> list[tuple[int, str | None]]:
    with sqlite3.connect(server.var_dir / "denkna.sqlite3") as db:
        return list(db.execute("SELECT id, revoked_at FROM api_tokens WHERE scope = 'extension' "
                               "ORDER BY id"))


def test_managed_install_sign_in_check_revoke_and_post(
    managed: Any, pages: PageServer, denkna_server: DenknaServer, provider: FakeProvider,
) -> None:
    context, worker, ext_id = managed
    # 1. the policy reached the extension: server URL and sites, no options page touched
    got = wait_until(lambda: worker.evaluate("() => chrome.storage.managed.get(null)")
                     .get("serverUrl"))
    assert got == denkna_server.base_url
    assert worker.evaluate("() => chrome.storage.local.get(null)") == {}  # nothing typed in
    regs = wait_until(lambda: [r for r in worker.evaluate(
        "() => chrome.scripting.getRegisteredContentScripts()")
        if "*://127.0.0.1/*" in r["matches"]])
    assert regs, "the content script was not registered for the managed site"

    # 2. a draft before signing in: the panel asks to sign in, posting is not held up
    page = context.new_page()
    field = open_composer(page, pages.listed("textarea.html"))
    page.keyboard.type(f"{BULLYING}. {MARKER}", delay=10)
    notice = page.locator(SIGNIN_PANEL)
    notice.wait_for(timeout=10_000)
    assert "Log in met je schoolaccount" in notice.inner_text()
    assert page.locator('denkna-ui .badge.visible[data-status="signin"]').count() == 1

    # 3. sign in at the fake provider from the panel's button
    with context.expect_page(timeout=10_000) as popup:
        page.locator('denkna-ui .panel.visible [data-action="signin"]').click()
    login = popup.value
    login.wait_for_load_state()
    assert login.url.startswith(provider.issuer + "/authorize")
    login.fill("#email", TEACHER)
    login.click("#signin")
    token = wait_until(lambda: worker.evaluate("() => chrome.storage.local.get('token')")
                       .get("token"))
    assert token and token.startswith("dk_")
    wait_until(lambda: login.is_closed(), timeout=10)
    assert login.is_closed(), "the sign-in tab was not closed"
    assert len(extension_tokens(denkna_server)) == 1

    # 4. the next draft is checked
    page.bring_to_front()
    page.click(field)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(f"{BULLYING}. {MARKER} nogmaals", delay=10)
    page.locator(f"{PANEL} mark").first.wait_for(timeout=10_000)
    assert page.locator(f'{PANEL} .finding[data-category="bullying"]').count() == 1

    # 5. a token half-way through its life is rotated before the next check
    worker.evaluate("""async () => {
        const { auth } = await chrome.storage.local.get('auth');
        auth.refreshAfter = new Date(Date.now() - 1000).toISOString();
        await chrome.storage.local.set({ auth });
    }""")
    page.keyboard.type(" echt", delay=10)
    rotated = wait_until(lambda: worker.evaluate(
        "() => chrome.storage.local.get('token')").get("token") not in (None, token))
    assert rotated, "the token was not rotated"
    assert len(extension_tokens(denkna_server)) == 2
    token = worker.evaluate("() => chrome.storage.local.get('token')")["token"]

    # 6. the admin revokes it: the panel asks to sign in again, and posting still works
    token_id = extension_tokens(denkna_server)[-1][0]
    status, text = _http("DELETE", f"{denkna_server.base_url}/api/v1/admin/tokens/{token_id}",
                         denkna_server.admin_token)
    assert status == 200, text
    page.click(field)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    draft = f"{BULLYING}. {MARKER} na het intrekken"
    page.keyboard.type(draft, delay=10)
    notice.wait_for(timeout=10_000)
    assert "Je bent afgemeld bij Denkna. Log opnieuw in" in notice.inner_text()
    page.click("#post")
    assert wait_until(lambda: draft in posted(page), timeout=5)
    assert page.locator("denkna-ui .backdrop.visible .dialog").count() == 0  # not held up

    # 7. the options page shows the school's values as set by the school
    options = context.new_page()
    options.goto(f"chrome-extension://{ext_id}/options/options.html")
    options.locator("#serverUrl").wait_for()
    wait_until(lambda: options.locator("#serverUrl").input_value() == denkna_server.base_url)
    assert options.locator("#serverUrl").is_disabled()
    assert options.locator("#sites").is_disabled()
    assert "Ingesteld door je school" in options.locator('label[for="serverUrl"]').inner_text()
    assert options.locator("#token").is_hidden()  # signInRequired: no pasted tokens
    assert not options.locator("#language").is_disabled()  # not in the policy: the user's
    options.close()

    # 8. privacy: the drafts are in no table, log line or file, sign-in and rotation included
    denkna_server.log_file.flush()
    table_dump = dump(denkna_server.var_dir / "denkna.sqlite3")
    assert MARKER not in table_dump and "mongool" not in table_dump
    log = denkna_server.log_path.read_bytes()
    assert MARKER.encode() not in log and b"mongool" not in log
    assert b"code=" not in log.replace(b"code=\xe2\x80\xa6", b"")  # one-time codes redacted
    for path in denkna_server.var_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert MARKER.encode() not in data, f"draft text found in {path}"
            assert MARKER.encode("utf-16-le") not in data, f"draft text found in {path}"
    page.close()


def test_dashboard_sign_in_for_leadership_and_a_refused_domain(
    managed: Any, denkna_server: DenknaServer,
) -> None:
    context, _worker, _ext_id = managed
    page = context.new_page()
    page.goto(f"{denkna_server.base_url}/dashboard/login")
    page.click("text=Inloggen met je schoolaccount")
    page.fill("#email", LEADER)
    page.click("#signin")
    page.wait_for_url(f"{denkna_server.base_url}/dashboard/", timeout=10_000)
    assert page.locator("form.logout").count() == 1  # signed in
    assert page.locator(".who").inner_text() == "Directeur · directie"  # role from the group
    page.click("form.logout button")

    page.goto(f"{denkna_server.base_url}/dashboard/login")
    page.click("text=Inloggen met je schoolaccount")
    page.fill("#email", "iemand@gmail.com")
    page.click("#signin")
    page.locator("[data-sso=refused]").wait_for(timeout=10_000)
    assert "Accounts van gmail.com mogen niet inloggen" in page.content()
    page.goto(f"{denkna_server.base_url}/dashboard/")
    assert page.url.startswith(f"{denkna_server.base_url}/dashboard/login")
    page.close()
