"""What the extension's browser tests share: drafts, selectors into Denkna's shadow UI, the
school's settings, and small steps a person takes (open a composer, type, wait, post)."""

from __future__ import annotations

import time
from typing import Any

from tests.browser.conftest import DenknaServer

BULLYING = "Jij bent echt zo'n mongool, niemand wil jou in de klas"
HARMLESS = "Morgen om 19:30 ouderavond in de aula"
PUPIL = "Sanne de Vries uit 2B is ziek, bel haar moeder op 06-12345678"
# a word no classifier or log line would produce by itself: it marks this test's drafts
MARKER = "Zwiebelkuchen"

PANEL = "denkna-ui .panel.visible"
BADGE = "denkna-ui .badge.visible"
DIALOG = "denkna-ui .backdrop.visible .dialog"
# the editable element on the pages built from real editor libraries (tests/browser/editors)
EDITOR_FIELD = '#editor-box [contenteditable="true"], #editor-box textarea'


def school_settings(server: DenknaServer, **overrides: Any) -> dict[str, Any]:
    """The module's settings: 127.0.0.1 is listed, pages under /official are the school's own
    (so the test pages count as a staff member's private account), "warn" everywhere."""
    return {
        "serverUrl": server.base_url,
        "sites": ["facebook.com", "127.0.0.1"],
        "officialAccounts": ["127.0.0.1/official"],
        "policyOfficial": "warn",
        "policyPrivate": "warn",
        "language": "nl",
        **overrides,
    }


def field_of(url: str) -> str:
    if "/editors/" in url:
        return EDITOR_FIELD
    return "#composer" if "textarea" in url else "#editor"


def open_composer(page: Any, url: str) -> str:
    page.goto(url)
    field = field_of(url)
    if "/editors/" in url:
        page.wait_for_function("() => window.editorReady === true")
    if url.startswith("http://127.0.0.1"):
        page.locator("denkna-ui").wait_for(state="attached", timeout=10_000)
    page.click(field)
    return field


def clear(page: Any, field: str) -> None:
    page.click(field)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")


def type_and_time_panel(page: Any, text: str) -> float:
    """Types like a person and returns the seconds from the last keystroke until the panel
    shows a marked fragment."""
    page.keyboard.type(text, delay=15)
    t0 = time.monotonic()
    page.locator(f"{PANEL} mark").first.wait_for(timeout=10_000)
    return time.monotonic() - t0


def wait_status(page: Any, status: str, timeout: float = 10.0) -> None:
    page.locator(f'{BADGE}[data-status="{status}"]').wait_for(timeout=timeout * 1000)


def posted(page: Any) -> list[str]:
    return list(page.evaluate("window.posted"))


def wait_nudge(server: DenknaServer, key: tuple[str, str], at_least: int) -> int:
    deadline = time.monotonic() + 8
    n = 0
    while time.monotonic() < deadline:
        n = server.nudges().get(key, 0)
        if n >= at_least:
            return n
        time.sleep(0.25)
    return n
