"""On CI (`CI=true`), a PostgreSQL or browser test that skips fails the run (issue 17,
finding 12): a clean machine without PostgreSQL or Chromium used to report green.

A test needs PostgreSQL when it is marked `postgres` (the `database` fixture's postgres param
is) or uses the `pg_database` fixture; it needs Chromium when it is marked `browser` (every
test under tests/browser/ is). tests/conftest.py imports the hook; `.ci/system-deps` installs
what these tests need.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def needs(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") or "pg_database" in getattr(item, "fixturenames", ()):
        return "PostgreSQL"
    if item.get_closest_marker("browser"):
        return "Chromium"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail") or not on_ci():
        return
    component = needs(item)
    if component is None:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (f"CI=true: this test needs {component} and was skipped ({reason}). "
                       "On CI it must run: .ci/system-deps installs and starts it.")
