"""`denkna run` prints the URL and an admin token once; `denkna admin` makes users and tokens
with the same rules as the admin API; a taken port and a bad config get clear messages."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def _denkna(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DENKNA_SERVER_VAR_DIR": str(tmp_path / "var"),
            "DENKNA_SERVER_PORT": str(_free_port()), "DENKNA_SCORING_WORKERS": "0",
            "DENKNA_SERVER_LOG_LEVEL": "WARNING"}


def test_run_prints_url_and_admin_token_once_then_checks_work(
    env: dict[str, str], tmp_path: Path
) -> None:
    port = env["DENKNA_SERVER_PORT"]
    out = tmp_path / "out.txt"
    with out.open("w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "server.cli", "run"], env=env, cwd=ROOT,
                                stdout=fh, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            if "Denkna draait op" in out.read_text():
                break
            assert proc.poll() is None, out.read_text()
            time.sleep(0.1)
        text = out.read_text()
        assert f"Denkna draait op {base}" in text
        token = next(line.strip() for line in text.splitlines() if line.strip().startswith("dk_"))
        # the same port again: a clear message, no traceback
        taken = _denkna("serve", env=env)
        assert taken.returncode == 1
        assert f"Poort {port}" in taken.stderr and "Traceback" not in taken.stderr
        # IT makes a staff user + token with the CLI; the token checks drafts
        made = _denkna("admin", "create-user", "--name", "Juf Anna", "--role", "staff",
                       "--school", "1", env=env)
        assert made.returncode == 0, made.stderr
        user_id = made.stdout.split()[1]
        staff = _denkna("admin", "create-token", "--user", user_id, env=env)
        staff_token = staff.stdout.strip().splitlines()[-1]
        assert staff_token.startswith("dk_")
        auth = {"Authorization": f"Bearer {staff_token}"}
        r = requests.post(f"{base}/api/v1/check", headers=auth, timeout=30,
                          json={"text": "Morgen is de ouderavond om 19:30 in de aula."})
        assert r.status_code == 200 and r.json()["flags"] == []
        r = requests.post(f"{base}/api/v1/check", headers=auth, timeout=30,
                          json={"text": "Jij bent echt een kankerlijer, ik maak je af"})
        assert r.status_code == 200 and r.json()["flags"]
        # staff cannot use the admin API; the printed admin token can
        assert requests.get(f"{base}/api/v1/admin/users", headers=auth, timeout=30)\
            .status_code == 403
        r = requests.get(f"{base}/api/v1/admin/users", timeout=30,
                         headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and len(r.json()["users"]) == 2
        # the CLI refuses what the API refuses
        bad = _denkna("admin", "create-user", "--name", "X", "--role", "staff", env=env)
        assert bad.returncode == 1 and "school" in bad.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def test_bootstrap_makes_the_admin_token_only_once(tmp_path: Path) -> None:
    from server.commands.run import bootstrap
    from server.config import load_settings

    settings = load_settings(env={"DENKNA_SERVER_VAR_DIR": str(tmp_path)})
    first = await bootstrap(settings)
    assert first is not None and first.startswith("dk_")
    assert await bootstrap(settings) is None


def test_bad_config_stops_with_a_message(env: dict[str, str]) -> None:
    result = _denkna("serve", env={**env, "DENKNA_SERVER_PORT": "abc"})
    assert result.returncode == 2
    assert result.stderr.strip() == "config: server.port: moet een geheel getal zijn"


def test_admin_sets_a_dashboard_password_that_logs_in(env: dict[str, str]) -> None:
    """IT gives a director a dashboard login from the command line; a short one is refused."""
    import asyncio

    from server.config import load_settings
    from server.passwords import verify_password
    from server.storage.db import Database
    from server.storage.models import User

    school = _denkna("admin", "create-school", "De Toermalijn", env=env)
    assert school.returncode == 0, school.stderr
    school_id = school.stdout.split()[1]
    made = _denkna("admin", "create-user", "--name", "Mirjam de Wit", "--role", "leadership",
                   "--school", school_id, "--email", "directie@school.nl", env=env)
    assert made.returncode == 0, made.stderr
    user_id = made.stdout.split()[1]

    def set_pw(password: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "server.cli", "admin", "set-password", "--user", user_id,
             "--password-stdin"], input=password + "\n", env=env, cwd=ROOT,
            capture_output=True, text=True, timeout=120)

    short = set_pw("kort")
    assert short.returncode == 1 and "12 tot 200 tekens" in short.stderr
    ok = set_pw("een-lang-wachtwoord")
    assert ok.returncode == 0 and "Wachtwoord ingesteld" in ok.stdout
    assert "een-lang-wachtwoord" not in ok.stdout + ok.stderr

    async def stored_hash() -> str | None:
        db = Database(load_settings(env=env).database_url)
        try:
            async with db.session() as s:
                return (await s.get(User, int(user_id))).password_hash
        finally:
            await db.dispose()

    stored = asyncio.run(stored_hash())
    assert verify_password(stored, "een-lang-wachtwoord")
    assert not verify_password(stored, "een-ander-wachtwoord")
