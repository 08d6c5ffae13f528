"""Firefox is claimed for the extension: Mozilla's own linter (web-ext lint, addons-linter,
pinned in tests/browser/editors/package-lock.json) passes on it without errors or warnings,
and the manifest carries what Firefox needs to run it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from typing import Any

import pytest

from tests.browser.conftest import EXTENSION, ROOT

pytestmark = pytest.mark.browser

WEB_EXT = ROOT / "tests" / "browser" / "editors" / "node_modules" / ".bin" / "web-ext"


def manifest() -> dict[str, Any]:
    return dict(json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8")))


def test_web_ext_lint_passes_for_firefox() -> None:
    if not WEB_EXT.exists():
        pytest.fail(f"{WEB_EXT} is missing: `make npm-deps` installs it (`make test` does)")
    t0 = time.monotonic()
    proc = subprocess.run(
        [str(WEB_EXT), "lint", "--source-dir", str(EXTENSION), "--output", "json",
         "--warnings-as-errors"],
        capture_output=True, text=True, timeout=180,
        env={**os.environ, "NO_UPDATE_NOTIFIER": "1"},
    )
    report = json.loads(proc.stdout[proc.stdout.index("{"):])
    found = [f"{kind}: {m['code']}: {m['message']} ({m.get('file', '')})"
             for kind in ("errors", "warnings", "notices") for m in report.get(kind, [])]
    print(f"\nweb-ext lint ({time.monotonic() - t0:.1f} s): {report['summary']}")
    assert report["summary"] == {"errors": 0, "notices": 0, "warnings": 0}, "\n".join(found)
    assert proc.returncode == 0, proc.stderr


def test_manifest_has_what_firefox_needs() -> None:
    m = manifest()
    gecko = m["browser_specific_settings"]["gecko"]
    # a stable id: the settings and token in storage survive updates
    assert re.fullmatch(r"[a-z0-9.-]+@[a-z0-9.-]+", gecko["id"])
    # 140: first ESR with the CSS Custom Highlight API (marks in rich editors) and the
    # data-collection consent Firefox asks at install
    assert int(gecko["strict_min_version"].split(".")[0]) >= 140
    # drafts go to the school's own server: Firefox shows this before install
    assert "websiteContent" in gecko["data_collection_permissions"]["required"]
    # Firefox runs background.scripts as an event page, Chromium the service worker; the worker
    # imports the same shared files itself
    background = m["background"]
    scripts = background["scripts"]
    assert scripts[-1] == background["service_worker"]
    for name in scripts:
        assert (EXTENSION / name).is_file(), name
    worker = (EXTENSION / background["service_worker"]).read_text(encoding="utf-8")
    imported = re.search(r"importScripts\(([^)]*)\)", worker)
    assert imported, "the service worker imports the shared scripts"
    assert re.findall(r'"([^"]+)"', imported.group(1)) == scripts[:-1]
