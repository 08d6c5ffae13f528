""".ci/system-deps (issue 17, finding 12): it fails loudly when Chromium cannot be installed
(it used to print a warning and exit 0, so the browser tests skipped and CI was green), and it
passes quietly on a machine that has everything (this one: Chromium, PostgreSQL with `test`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".ci" / "system-deps"


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT)], env={**os.environ, **env}, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_a_missing_chromium_that_cannot_be_installed_fails_the_script(tmp_path: Path) -> None:
    out = _run(CHROMIUM_BIN=str(tmp_path / "chromium"), SYSTEM_DEPS_NO_INSTALL="1")
    assert out.returncode == 1
    assert "error:" in out.stderr and "chromium" in out.stderr


def test_with_everything_there_it_passes() -> None:
    out = _run(SYSTEM_DEPS_NO_INSTALL="1")
    assert out.returncode == 0, out.stderr
    assert "error" not in out.stderr
