"""The CI guard (tests/ci_guard.py): under CI=true a skipped PostgreSQL or browser test fails
the run; other skips, and any skip without CI, do not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = '''
import pytest

@pytest.mark.postgres
def test_pg():
    pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")

@pytest.fixture
def pg_database():
    pytest.skip("PostgreSQL is not reachable")

def test_pg_fixture(pg_database):
    pass

@pytest.mark.browser
@pytest.mark.skip(reason="/usr/bin/chromium is not installed")
def test_browser():
    pass

@pytest.mark.skip(reason="something else")
def test_other():
    pass

@pytest.mark.xfail(reason="known", strict=True)
def test_known():
    assert False
'''


def _run(tmp_path: Path, ci: str | None, *select: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(TESTS)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.ci_guard", "-p", "no:cacheprovider",
         "-o", "markers=postgres\nbrowser", "--rootdir", str(tmp_path), "-c", os.devnull,
         str(tmp_path / "test_sample.py"), *select],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", ["test_pg", "test_pg_fixture", "test_browser"])
def test_on_ci_a_skipped_real_component_test_fails(tmp_path: Path, name: str) -> None:
    out = _run(tmp_path, "true", "-k", name)
    assert out.returncode == 1, out.stdout
    assert "CI=true: this test needs" in out.stdout and ".ci/system-deps" in out.stdout


def test_on_ci_other_skips_and_xfails_pass(tmp_path: Path) -> None:
    out = _run(tmp_path, "true", "-k", "test_other or test_known")
    assert out.returncode == 0, out.stdout


def test_without_ci_skips_stay_skips(tmp_path: Path) -> None:
    out = _run(tmp_path, None)
    assert out.returncode == 0, out.stdout
    assert "4 skipped" in out.stdout and "1 xfailed" in out.stdout
