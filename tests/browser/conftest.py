"""Fixtures for the browser tests: the REAL Denkna server (a `denkna serve` subprocess on
loopback, its log captured to a file), a local page server that imitates composers, and one
Chromium per module with the unpacked extension loaded and configured.

The page server answers on 127.0.0.1 (a site on the extension's list) and on `localhost`
(the same pages, a site NOT on the list).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# DENKNA_TEST_EXTENSION: run the same tests against another copy of the extension (an older
# one, to see a test fail on the behaviour it guards)
EXTENSION = Path(os.environ.get("DENKNA_TEST_EXTENSION") or ROOT / "extension").resolve()
PAGES = Path(__file__).resolve().parent / "pages"
# pages built from real editor libraries by `make test` (tests/browser/editors/build.mjs)
EDITOR_PAGES = Path(__file__).resolve().parent / "editors" / "dist"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")

LAUNCH_ARGS = [
    "--headless=new",
    f"--disable-extensions-except={EXTENSION}",
    f"--load-extension={EXTENSION}",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="/usr/bin/chromium is not installed "
                                                        "(make system-deps installs it)"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _http(method: str, url: str, token: str | None = None, body: Any = None,
          timeout: float = 5.0) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


# --- the real server --------------------------------------------------------------------------


@dataclass
class DenknaServer:
    base_url: str
    staff_token: str
    leadership_token: str
    admin_token: str
    log_path: Path
    var_dir: Path
    proc: subprocess.Popen[bytes] | None = None
    log_file: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def request_count(self, route: str, method: str = "POST") -> int:
        """Requests the server handled on `route`, from its admin-only /metrics."""
        status, text = _http("GET", f"{self.base_url}/metrics", self.admin_token)
        assert status == 200, text
        total = 0
        pattern = re.compile(r'^denkna_http_requests_total\{(.*)\} (\d+)$')
        for line in text.splitlines():
            m = pattern.match(line)
            if m and f'route="{route}"' in m.group(1) and f'method="{method}"' in m.group(1):
                total += int(m.group(2))
        return total

    def nudges(self) -> dict[tuple[str, str], int]:
        """(category, event) -> count, read through the leadership stats API."""
        status, text = _http("GET", f"{self.base_url}/api/v1/stats/nudges?days=2",
                             self.leadership_token)
        assert status == 200, text
        out: dict[tuple[str, str], int] = {}
        for row in json.loads(text)["rows"]:
            key = (row["category"], row["event"])
            out[key] = out.get(key, 0) + int(row["count"])
        return out

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.log_file:
            self.log_file.flush()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


async def _seed(db_url: str) -> dict[str, str]:
    from server import admin_ops
    from server.storage.db import Database

    db = Database(db_url)
    await db.migrate()
    tokens: dict[str, str] = {}
    try:
        async with db.session() as s:
            school = await admin_ops.create_school(s, "Amadeus Lyceum", "amadeus")
            for role in ("staff", "leadership"):
                user = await admin_ops.create_user(s, name=f"{role} browsertest", role=role,
                                                   school_id=school.id)
                tokens[role] = (await admin_ops.create_token(s, user.id))[1]
            admin = await admin_ops.create_user(s, name="Beheer", role="admin", school_id=None)
            tokens["admin"] = (await admin_ops.create_token(s, admin.id))[1]
    finally:
        await db.dispose()
    return tokens


@pytest.fixture(scope="module")
def denkna_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DenknaServer]:
    work = tmp_path_factory.mktemp("denkna-server")
    var_dir = work / "var"
    var_dir.mkdir()
    db_url = f"sqlite+aiosqlite:///{var_dir / 'denkna.sqlite3'}"
    # a thread of its own: Playwright's sync API keeps an event loop running in this one
    box: dict[str, dict[str, str]] = {}
    seeder = threading.Thread(target=lambda: box.update(tokens=asyncio.run(_seed(db_url))))
    seeder.start()
    seeder.join(60)
    tokens = box["tokens"]
    port = free_port()
    config = work / "denkna.toml"
    config.write_text(
        "[server]\n"
        'host = "127.0.0.1"\n'
        f"port = {port}\n"
        f'var_dir = "{var_dir}"\n'
        f'secret_key = "{secrets.token_urlsafe(32)}"\n'
        'log_level = "DEBUG"\n'
        "[database]\n"
        f'url = "{db_url}"\n'
        "[scoring]\n"
        "workers = 0\n"
        # deep checks are answered quick: the extension's behaviour does not depend on whether
        # an encoder artefact is present (test_extension_modes.py runs deep, with a test judge)
        "deep = false\n"
        "[rate_limit]\n"
        "per_second = 100.0\n"
        "burst = 500\n",
        encoding="utf-8",
    )
    log_path = work / "server.log"
    log_file = log_path.open("wb")
    cmd = [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--config", str(config)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, env=env)
    server = DenknaServer(
        base_url=f"http://127.0.0.1:{port}",
        staff_token=tokens["staff"],
        leadership_token=tokens["leadership"],
        admin_token=tokens["admin"],
        log_path=log_path,
        var_dir=var_dir,
        proc=proc,
        log_file=log_file,
    )
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            log_file.flush()
            pytest.fail("denkna serve stopped at start:\n" + log_path.read_text(errors="replace"))
        try:
            if _http("GET", f"{server.base_url}/api/v1/health", timeout=2)[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            pytest.fail("denkna serve did not answer /api/v1/health within 90 s")
        time.sleep(0.3)
    # a school's server is warm: score one text so the first check of a test is not cold
    status, text = _http("POST", f"{server.base_url}/api/v1/check", server.staff_token,
                         {"text": "Goedemorgen allemaal", "locale": "nl"}, timeout=60)
    assert status == 200, text
    yield server
    server.stop()
    log_file.close()


# --- the composer pages -----------------------------------------------------------------------


@dataclass
class PageServer:
    port: int

    def listed(self, page: str) -> str:
        return f"http://127.0.0.1:{self.port}/{page}"

    def unlisted(self, page: str) -> str:
        return f"http://localhost:{self.port}/{page}"

    def editor(self, name: str) -> str:
        """A page built from a real editor library (tests/browser/editors), on the listed host."""
        return f"http://127.0.0.1:{self.port}/editors/{name}.html"


def built_editor_pages() -> list[str]:
    """The names of the editor pages `make test` built; fails (never skips) when they are
    missing, so that a run without them cannot pass as green."""
    listing = EDITOR_PAGES / "pages.json"
    if not listing.exists():
        pytest.fail(f"{listing} is missing: build the editor pages with `make npm-deps` "
                    "(npm ci and esbuild; `make test` does it)")
    return list(json.loads(listing.read_text(encoding="utf-8")))


@contextlib.contextmanager
def serve_in_thread(build: Callable[[], Awaitable[Any]], name: str,
                    start_timeout: float = 10.0) -> Iterator[int]:
    """Runs the aiohttp application `build()` makes on 127.0.0.1 in a thread of its own (the
    Playwright sync API keeps this thread's event loop) and yields its port; cleans it up after.
    `start_timeout`: seconds for `build()` and the application's start-up (a whole Denkna
    server loads its scorer first)."""
    from aiohttp import web

    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    runner_box: dict[str, web.AppRunner] = {}

    async def start() -> None:
        runner = web.AppRunner(await build(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runner_box["r"] = runner

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    assert started.wait(start_timeout), f"{name} did not start"
    try:
        yield port
    finally:
        asyncio.run_coroutine_threadsafe(runner_box["r"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@pytest.fixture(scope="module")
def pages() -> Iterator[PageServer]:
    from aiohttp import web

    async def build() -> web.Application:
        app = web.Application()
        if EDITOR_PAGES.is_dir():
            app.router.add_static("/editors/", EDITOR_PAGES)
        app.router.add_static("/", PAGES)
        return app

    with serve_in_thread(build, "pages") as port:
        yield PageServer(port)


# --- Chromium with the extension --------------------------------------------------------------


@dataclass
class Browser:
    context: Any
    worker: Any
    extension_id: str

    def configure(self, **settings: Any) -> None:
        """Writes the extension's settings as the options page would, then waits until the
        content script is registered for exactly the listed sites."""
        token = settings.pop("token", None)
        values: dict[str, Any] = {"settings": settings}
        if token is not None:
            values["token"] = token
        self.worker.evaluate("(v) => chrome.storage.local.set(v)", values)
        self.worker.evaluate("() => chrome.storage.local.get(null)")
        wanted = set(self.worker.evaluate("(s) => DenknaSettings.matchPatterns(s)",
                                          settings.get("sites", [])))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            regs = self.worker.evaluate("() => chrome.scripting.getRegisteredContentScripts()")
            if regs and set(regs[0]["matches"]) == wanted:
                return
            time.sleep(0.1)
        raise AssertionError(f"content script not registered for {wanted}: {regs}")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=False,
            args=LAUNCH_ARGS,
            viewport={"width": 1000, "height": 720},
            locale="nl-NL",
        )
        try:
            worker = (context.service_workers[0] if context.service_workers
                      else context.wait_for_event("serviceworker", timeout=20_000))
            ext_id = worker.url.split("/")[2]
            yield Browser(context, worker, ext_id)
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def ext(browser: Browser, denkna_server: DenknaServer) -> Browser:
    """The module's Chromium with the extension set up for the school (tests.browser.helpers)."""
    from tests.browser.helpers import school_settings

    browser.configure(token=denkna_server.staff_token, **school_settings(denkna_server))
    return browser


@pytest.fixture
def page(ext: Browser) -> Iterator[Any]:
    p = ext.context.new_page()
    yield p
    p.close()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
