"""The two check depths in real Chromium: quick while the staff member types, deep when the
panel opens and when the post button is pressed; a slow deep check never holds a post longer
than ~2.5 s (the quick answer decides), and its late answer for text changed since is dropped.

The server is the real application (create_app) in a thread of this process, with the deep
pool running the test judge (tests/deep_judge.py): it flags CONTEMPT, which the quick check
does not, so what the page shows tells which check answered. Which depths were asked for is
read from the server's /metrics (`denkna_scored_texts_total`)."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    Browser,
    DenknaServer,
    PageServer,
    _http,
    _seed,
    serve_in_thread,
)
from tests.browser.helpers import (
    BADGE,
    DIALOG,
    HARMLESS,
    PANEL,
    open_composer,
    posted,
    school_settings,
    wait_status,
)
from tests.deep_judge import CONTEMPT, DeepTestScorer

pytestmark = pytest.mark.browser

SLOW_DEEP_S = 6.0
DEEP_WAIT_S = 2.5  # the extension's DEEP_WAIT_MS
_SCORED = re.compile(r'^denkna_scored_texts_total\{source="check",requested="(\w+)",'
                     r'used="(\w+)"\} (\d+)$')


class ModesServer(DenknaServer):
    slow: threading.Event

    def scored(self, requested: str, used: str | None = None) -> int:
        """Checks the server scored that were asked for in `requested` (and answered `used`)."""
        status, text = _http("GET", f"{self.base_url}/metrics", self.admin_token)
        assert status == 200, text
        total = 0
        for line in text.splitlines():
            m = _SCORED.match(line)
            if m and m.group(1) == requested and used in (None, m.group(2)):
                total += int(m.group(3))
        return total

    def wait_scored(self, requested: str, at_least: int, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        n = self.scored(requested)
        while n < at_least and time.monotonic() < deadline:
            time.sleep(0.1)
            n = self.scored(requested)
        return n


@pytest.fixture(scope="module")
def modes_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModesServer]:
    from server.app import create_app
    from server.config import Settings

    work = tmp_path_factory.mktemp("modes-server")
    db_url = f"sqlite+aiosqlite:///{work / 'denkna.sqlite3'}"
    settings = Settings.model_validate({
        "server": {"secret_key": secrets.token_urlsafe(32), "var_dir": str(work / "var")},
        "database": {"url": db_url},
        "scoring": {"workers": 0, "deep": True, "deep_workers": 0},
        "rate_limit": {"per_second": 100.0, "burst": 500},
    })
    slow = threading.Event()
    tokens: dict[str, str] = {}

    async def build() -> Any:
        tokens.update(await _seed(db_url))
        return create_app(settings, deep_scorer=DeepTestScorer(delay=SLOW_DEEP_S, slow=slow))

    with serve_in_thread(build, "modes-server", start_timeout=120) as port:
        server = ModesServer(base_url=f"http://127.0.0.1:{port}", staff_token=tokens["staff"],
                             leadership_token=tokens["leadership"],
                             admin_token=tokens["admin"], log_path=work / "server.log",
                             var_dir=work / "var")
        server.slow = slow
        deadline = time.monotonic() + 90
        while True:
            status, text = _http("GET", f"{server.base_url}/api/v1/health",
                                 server.admin_token)
            if status == 200 and '"status": "loaded"' in text:
                break
            assert time.monotonic() < deadline, f"the deep pool did not load: {text}"
            time.sleep(0.2)
        yield server


@pytest.fixture(scope="module")
def modes_ext(browser: Browser, modes_server: ModesServer) -> Browser:
    browser.configure(token=modes_server.staff_token, **school_settings(modes_server))
    return browser


@pytest.fixture
def page(modes_ext: Browser) -> Iterator[Any]:
    p = modes_ext.context.new_page()
    yield p
    p.close()


def _type_and_settle(page: Any, text: str) -> None:
    page.keyboard.type(text, delay=10)
    page.wait_for_timeout(500)  # past the 400 ms pause: the quick check goes out
    wait_status(page, "ok")


def test_typing_asks_only_the_quick_check(page: Any, pages: PageServer,
                                          modes_server: ModesServer) -> None:
    deep_before = modes_server.scored("deep")
    quick_before = modes_server.scored("quick")
    open_composer(page, pages.listed("textarea.html"))
    _type_and_settle(page, CONTEMPT)
    assert modes_server.wait_scored("quick", quick_before + 1) >= quick_before + 1
    page.wait_for_timeout(500)
    assert modes_server.scored("deep") == deep_before  # typing never costs a deep check
    assert page.locator(PANEL).count() == 0  # the quick check does not see it


def test_pressing_post_asks_deep_and_its_finding_holds_the_post(
    page: Any, pages: PageServer, modes_server: ModesServer, artifacts: Path
) -> None:
    open_composer(page, pages.listed("textarea.html"))
    _type_and_settle(page, CONTEMPT)
    deep_before = modes_server.scored("deep", "deep")
    page.click("#post")
    dialog = page.locator(DIALOG)
    dialog.wait_for(timeout=DEEP_WAIT_S * 1000)  # the deep check found it: "Denk na"
    assert "pesten" in dialog.inner_text().lower()
    assert posted(page) == []
    assert modes_server.scored("deep", "deep") == deep_before + 1
    page.screenshot(path=str(artifacts / "deep-at-post.png"))
    dialog.locator('[data-action="edit"]').click()
    assert posted(page) == []
    finding = page.locator(f'{PANEL} .finding[data-category="bullying"]')
    finding.wait_for(timeout=5000)  # the panel shows the deep answer
    assert "minachtend" in finding.locator(".reason").inner_text()
    assert page.locator(BADGE).get_attribute("data-status") == "warn"


def test_opening_the_panel_asks_deep(page: Any, pages: PageServer,
                                     modes_server: ModesServer) -> None:
    open_composer(page, pages.listed("textarea.html"))
    _type_and_settle(page, CONTEMPT)
    deep_before = modes_server.scored("deep")
    page.locator(BADGE).click()  # the staff member opens the panel
    page.locator(f'{PANEL} .finding[data-category="bullying"]').wait_for(timeout=5000)
    assert modes_server.scored("deep") == deep_before + 1
    assert posted(page) == []


def test_a_harmless_post_waits_for_deep_only_as_long_as_it_takes(
    page: Any, pages: PageServer, modes_server: ModesServer
) -> None:
    open_composer(page, pages.listed("textarea.html"))
    _type_and_settle(page, HARMLESS)
    t0 = time.monotonic()
    page.click("#post")
    page.wait_for_function("() => window.posted.length === 1", timeout=5000)
    waited = time.monotonic() - t0
    print(f"\nharmless post went out {waited:.2f} s after the click (deep answered)")
    assert posted(page) == [HARMLESS] and waited < 1.5
    assert page.locator(DIALOG).count() == 0


def test_a_slow_deep_check_lets_quick_decide_and_its_late_answer_is_dropped(
    page: Any, pages: PageServer, modes_server: ModesServer
) -> None:
    modes_server.slow.set()
    try:
        field = open_composer(page, pages.listed("textarea.html"))
        _type_and_settle(page, CONTEMPT)
        deep_before = modes_server.scored("deep")
        t0 = time.monotonic()
        page.click("#post")
        page.wait_for_function("() => window.posted.length === 1", timeout=6000)
        waited = time.monotonic() - t0
        print(f"\nslow deep check: the post went out {waited:.2f} s after the click")
        assert DEEP_WAIT_S - 0.5 <= waited < DEEP_WAIT_S + 1.5
        assert posted(page) == [CONTEMPT]  # quick found nothing: never blocked for long
        assert page.locator(DIALOG).count() == 0
        # the staff member writes something else before the deep answer for the old text comes
        page.fill(field, "")
        page.click(field)
        _type_and_settle(page, HARMLESS)
        # the server finishes the slow deep check (it would flag the old text) ...
        modes_server.wait_scored("deep", deep_before + 1, timeout=SLOW_DEEP_S + 5)
        page.wait_for_timeout(800)
        # ... and the page does not show it on the new text
        assert page.locator(PANEL).count() == 0
        assert page.locator(f'{BADGE}[data-status="ok"]').count() == 1
        assert page.locator(DIALOG).count() == 0
    finally:
        modes_server.slow.clear()
